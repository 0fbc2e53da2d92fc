import Foundation
import Testing
import Links
import SimCore
@testable import Channels

@Suite("Link features")
struct LinkFeaturesTests {
    typealias S = TruthTestSupport

    /// The moment estimator on 20 000 Rician power gains drawn by GSL (independent of the TDL code)
    /// with K = 5: within 4 delta-method standard errors, computed from the sample covariance of
    /// (G, G²) and the numerical gradient of K(m₁, m₂).
    @Test(arguments: [5.0, 1.0])
    func kEstimatorRecoversK(k: Double) {
        let s = RandomStreams(seed: 77).stream("k")
        let n = 20_000
        let g = (0..<n).map { _ in let r = s.rice(kFactor: k); return r * r }
        let estimate = LinkFeatures.estimateKFactor(powerGains: g)
        func kOf(_ m1: Double, _ m2: Double) -> Double {
            let root = (2 * m1 * m1 - m2).squareRoot()    // m1² − (m2 − m1²)
            return root / (m1 - root)
        }
        let dn = Double(n)
        let m1 = g.reduce(0, +) / dn, m2 = g.reduce(0) { $0 + $1 * $1 } / dn
        let m4 = g.reduce(0) { $0 + $1 * $1 * $1 * $1 } / dn, m3 = g.reduce(0) { $0 + $1 * $1 * $1 } / dn
        let c11 = m2 - m1 * m1, c12 = m3 - m1 * m2, c22 = m4 - m2 * m2
        let h = 1e-6
        let d1 = (kOf(m1 + h, m2) - kOf(m1 - h, m2)) / (2 * h)
        let d2 = (kOf(m1, m2 + h) - kOf(m1, m2 - h)) / (2 * h)
        let se = ((d1 * d1 * c11 + 2 * d1 * d2 * c12 + d2 * d2 * c22) / dn).squareRoot()
        #expect(abs(estimate - k) < 4 * se, "K̂ = \(estimate), se = \(se)")
        #expect(LinkFeatures.estimateKFactor(powerGains: [1, 1]) > 1e6)     // no fading: K → ∞
    }

    @Test func delayFeaturesOnFixedProfiles() {
        let delays = [0, 50e-9, 80e-9, 400e-9]
        let powers = [1, 0.1, 0.5, 0.002]    // last tap −27 dB: below a 25 dB threshold
        #expect(LinkFeatures.excessDelay(delays: delays, powers: powers, thresholdDb: 25) == 80e-9)
        #expect(LinkFeatures.excessDelay(delays: delays, powers: powers, thresholdDb: 30) == 400e-9)
        // 20 MHz: 50 ns resolution. 0 counts, 50 ns counts (≥ 50 ns after 0), 80 ns is 30 ns after it.
        #expect(LinkFeatures.resolvablePaths(delays: delays, powers: powers, thresholdDb: 25, resolutionSeconds: 50e-9) == 2)
        #expect(LinkFeatures.resolvablePaths(delays: delays, powers: powers, thresholdDb: 30, resolutionSeconds: 50e-9) == 3)
        #expect(LinkFeatures.resolvablePaths(delays: delays, powers: powers, thresholdDb: 25, resolutionSeconds: 1e-6) == 1)
    }

    @Test func csvHeaderAndRow() {
        let truth = GroundTruth(scene: S.ElevationScene(thresholdDeg: 30), environment: .urban, seed: 3)
        let g = S.satellite(elevation: 45)
        let f = LinkFeatures.measure(truth: truth, g, receiverENU: S.user, link: S.key, at: .seconds(1))
        let header = LinkFeatures.csvHeader.split(separator: ",").map(String.init)
        #expect(header.count == 12 && header.suffix(2) == ["los", "path_loss_db"])
        #expect(header.filter { $0.hasSuffix("_db") || $0.hasSuffix("_dbw") || $0.hasSuffix("_s")
            || $0.hasSuffix("_deg") || $0.hasSuffix("_m") }.count == 9)
        let row = f.csvRow.split(separator: ",").map(String.init)
        #expect(row.count == 12 && row[10] == "1")
        #expect(Double(row[11]) == truth.channel(g, receiverENU: S.user, link: S.key, at: .seconds(1)).totalPathLossDb)
        // Same seed, same features; the features stream is separate from the truth's.
        #expect(LinkFeatures.measure(truth: truth, g, receiverENU: S.user, link: S.key, at: .seconds(1)) == f)
        #expect(f.snrDb == f.receivedPowerDbw - FeatureMeasurement().noisePowerDbw)
        #expect(abs(f.builtUpFraction - 0.3) < 0.2 && abs(f.meanBuildingHeightMeters - 15) < 5)
    }

    /// LOS and NLOS links of one geometry (urban, 45°, S band) differ in the features' distribution,
    /// but no single feature separates them perfectly: the best threshold on the estimated K is
    /// right more often than chance and wrong at least sometimes.
    @Test func losIsLearnableButNotGivenAway() {
        let g = S.satellite(elevation: 45)
        var k: [(Double, Bool)] = []
        for (threshold, los) in [(-90.0, true), (90.0, false)] {
            let truth = GroundTruth(scene: S.ElevationScene(thresholdDeg: threshold), environment: .urban, seed: 8)
            for i in 0..<300 {
                let f = LinkFeatures.measure(truth: truth, g, receiverENU: S.user,
                                             link: LinkKey(upper: "sat", lower: "u\(i)"), at: .seconds(Int64(i)))
                #expect(f.los == los)
                k.append((f.kFactorDb, los))
            }
        }
        let thresholds = Set(k.map(\.0)).sorted()
        let best = thresholds.map { t in
            Double(k.filter { ($0.0 >= t) == $0.1 }.count) / Double(k.count)
        }.max()!
        #expect(best > 0.7 && best < 1, "best K-threshold accuracy \(best)")
    }
}
