import Testing
@testable import Learn
import SimCore

private func stream(_ seed: UInt64 = 11) -> RNGStream { RandomStreams(seed: seed).stream("learn/init") }

/// Mean of x² (the variance about the known mean 0) and its standard error from the
/// distribution's fourth moment: SE = √(Var(x²)/n).
private func checkVariance(_ t: Tensor, expected variance: Double, varianceOfSquare: Double) -> (Double, Double) {
    let n = Double(t.count)
    let meanSquare = t.values.reduce(0.0) { $0 + Double($1) * Double($1) } / n
    return (meanSquare, (varianceOfSquare / n).squareRoot())
}

@Suite("Initializer")
struct InitializerTests {
    @Test("fans: [out, in] and [out, in, kernel]")
    func fans() {
        #expect(Initializer.fans([8, 4]) == (fanIn: 4, fanOut: 8))
        #expect(Initializer.fans([16, 3, 5]) == (fanIn: 15, fanOut: 80))
        #expect(abs(Initializer.gain(.leakyReLU(slope: 0.2)) - (2 / 1.04).squareRoot()) < 1e-15)
        #expect(Initializer.gain(.relu) == 2.0.squareRoot())
    }

    /// Orthogonal rows (W·Wᵀ = gain²·I) when rows ≤ cols, orthogonal columns (WᵀW = gain²·I) when
    /// rows ≥ cols; a conv weight [3, 2, 4] is a 3 × 8 matrix.
    @Test("orthogonal: W·Wᵀ or WᵀW = gain²·I", arguments: [[4, 7], [7, 4], [5, 5], [3, 2, 4], [1, 6], [6, 1]])
    func orthogonal(shape: [Int]) {
        let gain = 1.7
        var w = Tensor.zeros(shape)
        Initializer.orthogonal(&w, gain: gain, rng: stream())
        let rows = shape[0], cols = w.count / rows
        let value = { (r: Int, c: Int) in Double(w.values[r * cols + c]) }
        var worst = 0.0
        if rows <= cols {
            for i in 0 ..< rows { for j in 0 ..< rows {
                var dot = 0.0
                for k in 0 ..< cols { dot += value(i, k) * value(j, k) }
                worst = max(worst, abs(dot - (i == j ? gain * gain : 0)))
            } }
        } else {
            for i in 0 ..< cols { for j in 0 ..< cols {
                var dot = 0.0
                for k in 0 ..< rows { dot += value(k, i) * value(k, j) }
                worst = max(worst, abs(dot - (i == j ? gain * gain : 0)))
            } }
        }
        #expect(worst < 1e-5, "shape \(shape): largest deviation \(worst)")
    }

    /// Gram–Schmidt's R has a positive diagonal (PyTorch's sign correction): for a square matrix,
    /// the first column of Q is the first Gaussian column divided by its norm, so same signs.
    @Test("orthogonal: sign convention of PyTorch (positive diagonal of R)")
    func orthogonalSigns() {
        var w = Tensor.zeros([6, 6])
        Initializer.orthogonal(&w, rng: stream(5))
        let g = stream(5)
        let a = (0 ..< 36).map { _ in g.normal() }
        let norm = (0 ..< 6).reduce(0.0) { $0 + a[$1 * 6] * a[$1 * 6] }.squareRoot()
        for r in 0 ..< 6 { #expect(abs(Double(w[r, 0]) - a[r * 6] / norm) < 1e-6) }
    }

    /// Xavier uniform on [200, 300]: U(−a, a), a = √(6/500); variance a²/3 = 2/500 = 0.004,
    /// Var(x²) = E x⁴ − (E x²)² = a⁴/5 − a⁴/9 = 4a⁴/45.
    @Test("Xavier and He: sample variance within 4 standard errors of the formula")
    func variances() {
        var w = Tensor.zeros([200, 300])
        let a = (6.0 / 500).squareRoot()
        Initializer.xavierUniform(&w, rng: stream())
        var (v, se) = checkVariance(w, expected: 0.004, varianceOfSquare: 4 * a * a * a * a / 45)
        #expect(abs(v - 0.004) < 4 * se, "Xavier uniform variance \(v)")
        #expect(w.values.allSatisfy { abs(Double($0)) <= a })

        // Xavier normal, gain 2: σ² = 4·2/500; Var(x²) = 2σ⁴.
        Initializer.xavierNormal(&w, gain: 2, rng: stream())
        var s2 = 4 * 2.0 / 500
        (v, se) = checkVariance(w, expected: s2, varianceOfSquare: 2 * s2 * s2)
        #expect(abs(v - s2) < 4 * se, "Xavier normal variance \(v), expected \(s2)")

        // He uniform (ReLU) on [300, 200]: fanIn 200, b = √2·√(3/200), variance 2/200.
        var h = Tensor.zeros([300, 200])
        Initializer.kaimingUniform(&h, rng: stream())
        let b = 2.0.squareRoot() * (3.0 / 200).squareRoot()
        (v, se) = checkVariance(h, expected: 0.01, varianceOfSquare: 4 * b * b * b * b / 45)
        #expect(abs(v - 0.01) < 4 * se, "He uniform variance \(v)")
        #expect(h.values.allSatisfy { abs(Double($0)) <= b })

        // He normal, leaky ReLU slope 0.2, conv [256, 16, 3]: fanIn 48, σ² = 2/(1.04·48).
        var c = Tensor.zeros([256, 16, 3])
        Initializer.kaimingNormal(&c, slope: 0.2, rng: stream())
        s2 = 2 / (1.04 * 48)
        (v, se) = checkVariance(c, expected: s2, varianceOfSquare: 2 * s2 * s2)
        #expect(abs(v - s2) < 4 * se, "He normal variance \(v), expected \(s2)")

        // fanOut mode: [256, 16, 3] has fanOut 768.
        Initializer.kaimingNormal(&c, mode: .fanOut, rng: stream())
        s2 = 2.0 / 768
        (v, se) = checkVariance(c, expected: s2, varianceOfSquare: 2 * s2 * s2)
        #expect(abs(v - s2) < 4 * se, "He normal (fanOut) variance \(v), expected \(s2)")
    }

    @Test("same seed, same weights bit for bit; another seed, other weights")
    func reproducible() {
        func draw(_ seed: UInt64) -> [UInt32] {
            let rng = stream(seed)
            var a = Tensor.zeros([16, 8]), b = Tensor.zeros([8, 16]), c = Tensor.zeros([4, 2, 3])
            Initializer.orthogonal(&a, gain: 1.3, rng: rng)
            Initializer.xavierUniform(&b, rng: rng)
            Initializer.kaimingNormal(&c, rng: rng)
            return (a.values + b.values + c.values).map(\.bitPattern)
        }
        #expect(draw(3) == draw(3))
        #expect(draw(3) != draw(4))
    }

    @Test("zeros and constant")
    func constants() {
        var t = Tensor.ones([3, 2])
        Initializer.zeros(&t)
        #expect(t.values == [0, 0, 0, 0, 0, 0])
        Initializer.constant(&t, 0.25)
        #expect(t.values.allSatisfy { $0 == 0.25 })
    }
}
