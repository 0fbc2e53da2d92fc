import Foundation
import Testing
import SimCore
@testable import Channels

/// The shadowing field against its contract: zero mean, unit variance and correlation exp(−d/d_corr),
/// measured over an ensemble of independently seeded fields.
///
/// Tolerances are 4 standard errors of the estimator for a Gaussian field with M independent
/// realisations: mean 1/√M; sample variance √(2/(M−1)); correlation via Fisher's z,
/// atanh(r) ~ N(atanh(ρ), 1/(M − 3)). (For N sinusoids the marginal kurtosis is 3 − 3/(2N), which
/// shrinks the variance estimator's spread slightly; the Gaussian bound is conservative.)
@Suite("Shadowing field")
struct ShadowingTests {
    static let realisations = 3000
    static let dCorr = 50.0

    static let lags: [Double] = [10, 50, 150]

    /// For `realisations` fields seeded 1…M: the value at x₀ and at x₀ + r·(cos α, sin α) for each
    /// lag r in ``lags`` (computed once, shared by the tests).
    static let samples: [(x0: Double, atLag: [Double])] = {
        let x0 = SIMD2<Double>(123.4, -56.7)
        let direction = SIMD2<Double>(cos(0.7), sin(0.7))
        return (1...realisations).map { s in
            let field = ShadowingField(decorrelationDistanceMeters: dCorr,
                                       stream: RandomStreams(seed: UInt64(s)).stream("truth/shadowing/nlos"))
            return (field.value(at: x0), lags.map { field.value(at: x0 + $0 * direction) })
        }
    }()

    static func pairs(lag: Double) -> [(Double, Double)] {
        let i = lags.firstIndex(of: lag)!
        return samples.map { ($0.x0, $0.atLag[i]) }
    }

    static func correlation(_ p: [(Double, Double)]) -> Double {
        let n = Double(p.count)
        let ma = p.map(\.0).reduce(0, +) / n, mb = p.map(\.1).reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (a, b) in p {
            sab += (a - ma) * (b - mb)
            saa += (a - ma) * (a - ma)
            sbb += (b - mb) * (b - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    @Test("mean 0, variance 1, correlation e^-1 at d_corr")
    func ensembleStatistics() {
        let p = Self.pairs(lag: Self.dCorr)
        let m = Double(Self.realisations)
        let values = p.map(\.0)
        let mean = values.reduce(0, +) / m
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (m - 1)
        #expect(abs(mean) < 4 / m.squareRoot())
        #expect(abs(variance - 1) < 4 * (2 / (m - 1)).squareRoot())
        let r = Self.correlation(p)
        #expect(abs(atanh(r) - atanh(exp(-1))) < 4 / (m - 3).squareRoot(), "r = \(r)")
    }

    @Test("correlation follows exp(-d/d_corr) at other lags", arguments: [10.0, 150.0])
    func otherLags(lag: Double) {
        let r = Self.correlation(Self.pairs(lag: lag))
        let rho = ShadowingField.autocorrelation(distanceMeters: lag, decorrelationDistanceMeters: Self.dCorr)
        #expect(abs(atanh(r) - atanh(rho)) < 4 / (Double(Self.realisations) - 3).squareRoot(), "r = \(r), ρ = \(rho)")
    }

    @Test func seededAndContinuous() {
        let a = ShadowingField(decorrelationDistanceMeters: 37, stream: RandomStreams(seed: 9).stream("f"))
        let b = ShadowingField(decorrelationDistanceMeters: 37, stream: RandomStreams(seed: 9).stream("f"))
        let c = ShadowingField(decorrelationDistanceMeters: 37, stream: RandomStreams(seed: 10).stream("f"))
        let x = SIMD2<Double>(10, 20)
        #expect(a.value(at: x) == b.value(at: x))
        #expect(a.value(at: x) != c.value(at: x))
        #expect(a.components == ShadowingField.defaultComponents)
    }
}
