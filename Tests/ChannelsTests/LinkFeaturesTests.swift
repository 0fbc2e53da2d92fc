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
        // Ten scalar features, 16 PDP bins, then the three labels.
        #expect(header.count == 29 && header.suffix(3) == ["los", "path_loss_db", "excess_loss_db"])
        #expect(Array(header[10 ..< 26]) == (0 ..< 16).map { String(format: "pdp_%02d_db", $0) })
        #expect(header.filter { $0.hasSuffix("_db") || $0.hasSuffix("_dbw") || $0.hasSuffix("_s")
            || $0.hasSuffix("_deg") || $0.hasSuffix("_m") }.count == 9 + 16 + 1)
        #expect(LinkFeatures.csvColumns(pdpBins: 4).count == 17 && LinkFeatures.csvColumns(pdpBins: 4)[13] == "pdp_03_db")
        let row = f.csvRow.split(separator: ",").map(String.init)
        #expect(row.count == 29 && row[26] == "1")
        #expect(row[10 ..< 26].map { Double($0)! } == f.pdpBinsDb)
        #expect(row.map { Double($0)! } == f.values)
        let state = truth.channel(g, receiverENU: S.user, link: S.key, at: .seconds(1))
        #expect(Double(row[27]) == state.totalPathLossDb)
        // The excess loss is everything beyond free space, atmosphere and scintillation.
        #expect(Double(row[28]) == state.clutterLossDb + state.shadowingDb + state.fadingDb)
        #expect(abs(Double(row[28])! - (state.totalPathLossDb - state.freeSpaceLossDb - state.atmosphericLossDb - state.scintillationLossDb)) < 1e-9)
        // Same seed, same features; the features stream is separate from the truth's.
        #expect(LinkFeatures.measure(truth: truth, g, receiverENU: S.user, link: S.key, at: .seconds(1)) == f)
        #expect(f.snrDb == f.receivedPowerDbw - FeatureMeasurement().noisePowerDbw)
        #expect(abs(f.builtUpFraction - 0.3) < 0.2 && abs(f.meanBuildingHeightMeters - 15) < 5)
    }

    /// The binned PDP in closed form on hand-made profiles (20 MHz → 50 ns bins, floor −40 dB).
    @Test func binnedPDPClosedForm() {
        // Two taps: 0 ns (power 1) and 120 ns (power 0.1, bin ⌊120/50⌋ = 2): [0, −40, −10, −40, …].
        let two = LinkFeatures.binnedPDP(delays: [0, 120e-9], powers: [1, 0.1], binWidthSeconds: 50e-9, bins: 16, floorDb: -40)
        #expect(two.count == 16)
        #expect(two[0] == 0 && abs(two[2] + 10) < 1e-12)
        #expect(two.enumerated().filter { $0.offset != 0 && $0.offset != 2 }.allSatisfy { $0.element == -40 })
        // The grid starts at the first arrival; taps in one bin add up; the strongest bin is 0 dB even
        // when it is not the first; a tap 50 dB down is floored; taps past the last bin are left out.
        let shifted = LinkFeatures.binnedPDP(delays: [300e-9, 310e-9, 420e-9, 510e-9, 2e-6], powers: [0.2, 0.2, 1, 1e-5, 5],
                                             binWidthSeconds: 50e-9, bins: 8, floorDb: -40)
        #expect(shifted.count == 8)
        #expect(abs(shifted[0] - 10 * log10(0.4)) < 1e-12 && shifted[2] == 0 && shifted[4] == -40)
        #expect([1, 3, 5, 6, 7].allSatisfy { shifted[$0] == -40 })
        // Per-bin noise scales a bin's power before the normalisation: +3 dB on bin 2 of `two`.
        var noise = [Double](repeating: 0, count: 16)
        noise[2] = 3
        let noisy = LinkFeatures.binnedPDP(delays: [0, 120e-9], powers: [1, 0.1], binWidthSeconds: 50e-9, bins: 16,
                                           floorDb: -40, noiseDb: noise)
        #expect(abs(noisy[2] + 7) < 1e-12 && noisy[0] == 0 && noisy[1] == -40)
        #expect(LinkFeatures.binnedPDP(delays: [], powers: [], binWidthSeconds: 50e-9, bins: 3, floorDb: -40) == [-40, -40, -40])
    }

    /// Measured PDP bins of real links: 16 of them, the strongest exactly 0 dB, none below the floor;
    /// the knobs set the count and the floor; the scalar features do not depend on the PDP knobs.
    @Test func measuredPDPBins() {
        let truth = GroundTruth(scene: S.ElevationScene(thresholdDeg: 30), environment: .urban, seed: 4)
        for (elevation, i) in [(20.0, 0), (45.0, 1), (70.0, 2)] {
            let g = S.satellite(elevation: elevation)
            let key = LinkKey(upper: "sat", lower: "u\(i)")
            let f = LinkFeatures.measure(truth: truth, g, receiverENU: S.user, link: key, at: .seconds(Int64(i)))
            #expect(f.pdpBinsDb.count == 16)
            #expect(f.pdpBinsDb.max() == 0)
            #expect(f.pdpBinsDb.allSatisfy { $0 >= -40 && $0 <= 0 })
            var m = FeatureMeasurement()
            m.pdpBins = 8
            m.pdpFloorDb = -20
            m.pdpNoiseDb = 0
            let h = LinkFeatures.measure(truth: truth, g, receiverENU: S.user, link: key, at: .seconds(Int64(i)), measurement: m)
            #expect(h.pdpBinsDb.count == 8 && h.pdpBinsDb.max() == 0 && h.pdpBinsDb.allSatisfy { $0 >= -20 })
            #expect(h.csvRow.split(separator: ",").count == LinkFeatures.csvColumns(pdpBins: 8).count)
            var a = f, b = h
            a.pdpBinsDb = []
            b.pdpBinsDb = []
            #expect(a == b)
        }
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
