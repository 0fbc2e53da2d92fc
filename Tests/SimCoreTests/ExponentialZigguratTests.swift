import Foundation
import Testing
@testable import SimCore

@Suite("Exponential ziggurat")
struct ExponentialZigguratTests {
    /// Marsaglia & Tsang's construction: every layer i = 1…255 has area x_i·(f(x_{i−1}) − f(x_i)) = v,
    /// with x_i = w[i]·2⁵³, f = e^{−x}, f(x_0) = 1; the base strip r·e^{−r} plus the tail e^{−r} is v too.
    @Test("all 256 regions have the same area v")
    func equalAreas() {
        let t = ExponentialZiggurat.tables
        let r = ExponentialZiggurat.r, v = ExponentialZiggurat.v
        #expect(abs((r * exp(-r) + exp(-r)) / v - 1) < 1e-9)
        #expect(abs(t.w[255] * 0x1p53 - r) < 1e-12)
        for i in 1 ... 255 {
            let x = t.w[i] * 0x1p53
            #expect(abs(t.f[i] - exp(-x)) < 1e-15)
            let area = x * (t.f[i - 1] - t.f[i])
            #expect(abs(area / v - 1) < 1e-9, "layer \(i): area \(area)")
            if i > 1 { #expect(t.w[i] > t.w[i - 1]) }
        }
    }

    @Test("Kolmogorov–Smirnov against 1 − e^{−x} (200,000 draws)")
    func kolmogorovSmirnov() {
        let s = RandomStreams(seed: 31).stream("ks/exponential")
        let n = 200_000
        var xs = (0 ..< n).map { _ in s.exponential(mean: 1) }
        xs.sort()
        var d = 0.0
        for (i, x) in xs.enumerated() {
            let cdf = 1 - exp(-x)
            d = max(d, abs(cdf - Double(i) / Double(n)), abs(Double(i + 1) / Double(n) - cdf))
        }
        // Asymptotic KS critical value at α = 1e-6: sqrt(−ln(α/2)/(2n)).
        let critical = (-log(0.5e-6) / (2 * Double(n))).squareRoot()
        #expect(d < critical, "D = \(d), critical \(critical)")
    }

    @Test("tail and wedge regions: P(X > t) = e^{−t} within 5 standard errors", arguments: [0.01, 1.0, 5.0, 7.697117470131487, 9.0])
    func tailProbabilities(threshold: Double) {
        let s = RandomStreams(seed: 77).stream("tail/exponential")
        let n = 400_000
        var above = 0
        for _ in 0 ..< n where s.exponential(mean: 1) > threshold { above += 1 }
        let p = exp(-threshold)
        let se = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(Double(above) / Double(n) - p) < 5 * se, "P(X > \(threshold)): \(Double(above) / Double(n)) vs \(p)")
    }

    @Test("the mean scales the variate")
    func meanScaling() {
        let a = RandomStreams(seed: 5).stream("scale"), b = RandomStreams(seed: 5).stream("scale")
        for _ in 0 ..< 1_000 { #expect(a.exponential(mean: 3) == 3 * b.exponential(mean: 1)) }
    }
}
