import Foundation
import Testing
import Links
import SimCore
@testable import Channels

/// NTN-TDL profiles (TR 38.811 §6.9.2) and their realisations.
@Suite("NTN-TDL")
struct NTNTDLTests {
    /// The tables' delays are normalised to an RMS delay spread of 1 (computed: 0.99994–0.99999;
    /// the tables print 4–5 digits).
    @Test(arguments: TDLProfile.all)
    func normalisedDelaySpreadIsOne(profile: TDLProfile) {
        #expect(abs(profile.normalizedRMSDelaySpread - 1) < 1e-3, "\(profile.name): \(profile.normalizedRMSDelaySpread)")
        #expect(abs(profile.normalizedPowers.reduce(0, +) - 1) < 1e-12)
    }

    /// First-tap K = specular power over the Rayleigh power at the same delay (TR 38.811 Tables
    /// 6.9.2-3/4: 10.224 dB and 11.707 dB).
    @Test func losKFactors() {
        #expect(abs(TDLProfile.ntnTDLC.firstTapKFactorDb! - 10.224) < 1e-9)
        #expect(abs(TDLProfile.ntnTDLD.firstTapKFactorDb! - 11.707) < 1e-9)
        #expect(TDLProfile.ntnTDLA.firstTapKFactorDb == nil && TDLProfile.ntnTDLB.narrowbandKFactorDb == nil)
        // Narrowband K: specular over all diffuse power, from the table in linear units.
        let d = [-0.284, -11.991, -9.887, -16.771].map { pow(10, $0 / 10) }
        #expect(abs(TDLProfile.ntnTDLD.narrowbandKFactorDb! - 10 * log10(d[0] / (d[1] + d[2] + d[3]))) < 1e-9)
        #expect(TDLProfile.ntnTDLC.isLOS && !TDLProfile.ntnTDLA.isLOS)
    }

    /// RMS delay spread of fixed taps against closed forms: two taps p₁, p₂ at 0 and τ give
    /// τ·√(p₁p₂)/(p₁ + p₂); equal powers τ/2.
    @Test func rmsDelaySpreadClosedForm() {
        let tau = 300e-9
        let equal = TDLRealisation(delaysSeconds: [0, tau], gains: [SIMD2(1, 0), SIMD2(0, -1)])
        #expect(abs(equal.rmsDelaySpreadSeconds - tau / 2) < 1e-18)
        let a = 0.8.squareRoot(), b = 0.2.squareRoot()
        let unequal = TDLRealisation(delaysSeconds: [0, tau], gains: [SIMD2(a, 0), SIMD2(0, b)])
        #expect(abs(unequal.rmsDelaySpreadSeconds - tau * (0.8 * 0.2).squareRoot() / 1.0) < 1e-18)
        let single = TDLRealisation(delaysSeconds: [5e-9], gains: [SIMD2(0.3, 0.4)])
        #expect(single.rmsDelaySpreadSeconds == 0)
        #expect(abs(single.narrowbandPowerGain - 0.25) < 1e-15)
    }

    @Test func realisationStructure() {
        let s = RandomStreams(seed: 3).stream("tdl")
        let r = TDLRealisation.draw(profile: .ntnTDLD, delaySpreadSeconds: 100e-9, stream: s)
        // Specular and Rayleigh parts of the first tap share delay 0 and are merged.
        #expect(r.delaysSeconds.count == 3)
        #expect(abs(r.delaysSeconds[1] - 55.96e-9) < 1e-15 && abs(r.delaysSeconds[2] - 733.4e-9) < 1e-15)
        let again = TDLRealisation.draw(profile: .ntnTDLD, delaySpreadSeconds: 100e-9,
                                        stream: RandomStreams(seed: 3).stream("tdl"))
        #expect(r == again)
    }

    static let draws = 40_000

    static func powerGains(_ profile: TDLProfile, seed: UInt64) -> [Double] {
        let s = RandomStreams(seed: seed).stream("fading-test")
        return (0..<draws).map { _ in
            TDLRealisation.draw(profile: profile, delaySpreadSeconds: 1e-7, stream: s).narrowbandPowerGain
        }
    }

    /// P(G < x) of a unit-mean Rician power gain with K (linear), by Simpson's rule on
    /// f(t) = (K+1) e^{−K−(K+1)t} I₀(2√(K(K+1)t)); K = 0 gives 1 − e^{−x}.
    static func ricianCDF(_ x: Double, k: Double) -> Double {
        let n = 4000
        let h = x / Double(n)
        func f(_ t: Double) -> Double {
            let z = 2 * (k * (k + 1) * t).squareRoot()
            return (k + 1) * exp(-k - (k + 1) * t + z) * SpecialFunctions.besselI0Scaled(z)
        }
        var s = f(0) + f(x)
        for i in 1..<n { s += (i % 2 == 1 ? 4 : 2) * f(Double(i) * h) }
        return s * h / 3
    }

    /// NLOS (NTN-TDL-A): Rayleigh — mean power 1 (σ of an exponential is 1) and
    /// P(G < −10 dB) = 1 − e^{−0.1}; tolerances 4 standard errors (binomial for the fraction).
    @Test func rayleighFading() {
        let g = Self.powerGains(.ntnTDLA, seed: 11)
        let n = Double(g.count)
        #expect(abs(g.reduce(0, +) / n - 1) < 4 / n.squareRoot())
        let p = 1 - exp(-0.1)
        #expect(abs(Self.ricianCDF(0.1, k: 0) - p) < 1e-9)
        let below = Double(g.filter { $0 < 0.1 }.count) / n
        #expect(abs(below - p) < 4 * (p * (1 - p) / n).squareRoot(), "fraction \(below) vs \(p)")
    }

    /// LOS (NTN-TDL-D and -C): Rician with the narrowband K — mean power 1 (σ² = (1+2K)/(1+K)²) and
    /// the fractions below −10 dB and −3 dB against the closed-form CDF.
    @Test(arguments: [TDLProfile.ntnTDLD, .ntnTDLC])
    func ricianFading(profile: TDLProfile) {
        let k = pow(10, profile.narrowbandKFactorDb! / 10)
        let g = Self.powerGains(profile, seed: 12)
        let n = Double(g.count)
        let sd = ((1 + 2 * k) / ((1 + k) * (1 + k))).squareRoot()
        #expect(abs(g.reduce(0, +) / n - 1) < 4 * sd / n.squareRoot())
        for x in [0.1, pow(10, -0.3)] {
            let p = Self.ricianCDF(x, k: k)
            let below = Double(g.filter { $0 < x }.count) / n
            #expect(abs(below - p) < 4 * (p * (1 - p) / n).squareRoot(), "\(profile.name) x=\(x): \(below) vs \(p)")
        }
    }

    @Test func delaySpreadTable() {
        #expect(NTNDelaySpread.medianSeconds(environment: .urban, band: .s, los: true, elevationDeg: 30) == pow(10, -8.21))
        #expect(NTNDelaySpread.medianSeconds(environment: .denseUrban, band: .ka, los: false, elevationDeg: 88)
            == pow(10, -7.95))
        for env in Environment.allCases {
            for band in TR38811.Band.allCases {
                for los in [true, false] {
                    #expect(NTNDelaySpread.muLgDS(environment: env, band: band, los: los).count == 9)
                }
            }
        }
    }
}
