import Foundation
import Testing
import Links
import SimCore
@testable import Channels

/// Test doubles for the truth channel (no dependency on any real scene).
enum TruthTestSupport {
    /// LOS iff the upper end is strictly above `thresholdDeg` of elevation; context is fixed.
    struct ElevationScene: LineOfSightModel {
        var thresholdDeg: Double
        var context = SceneContext(builtUpFraction: 0.3, meanHeightMeters: 15)
        func isLOS(receiver: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double) -> Bool {
            elevationDeg > thresholdDeg
        }
        func isLOS(from a: SIMD3<Double>, to b: SIMD3<Double>) -> Bool {
            let d = b - a
            let horizontal = (d.x * d.x + d.y * d.y).squareRoot()
            return atan2(d.z, horizontal) * 180 / .pi > thresholdDeg
        }
        func context(at: SIMD2<Double>, radiusMeters: Double) -> SceneContext { context }
    }

    /// One infinitely long wall in the plane x = `x`, from the ground to `height`: a segment is
    /// blocked iff it crosses the plane below the top.
    struct WallScene: LineOfSightModel {
        var x: Double
        var height: Double
        func isLOS(receiver: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double) -> Bool {
            let far = GroundTruth.point(from: receiver, azimuthDeg: azimuthDeg, elevationDeg: elevationDeg, range: 1e6)
            return isLOS(from: receiver, to: far)
        }
        func isLOS(from a: SIMD3<Double>, to b: SIMD3<Double>) -> Bool {
            guard (a.x - x) * (b.x - x) < 0 else { return true }
            let t = (x - a.x) / (b.x - a.x)
            return a.z + t * (b.z - a.z) >= height
        }
        func context(at: SIMD2<Double>, radiusMeters: Double) -> SceneContext {
            SceneContext(builtUpFraction: 0.1, meanHeightMeters: height)
        }
    }

    static func satellite(elevation: Double, azimuth: Double = 135, frequency: Double = 2e9,
                          kind: PlatformKind = .satellite, environment: Environment = .urban) -> LinkGeometry {
        let altitude = kind == .haps ? 20e3 : 600e3
        return LinkGeometry(upperECEFKm: .zero, lowerECEFKm: .zero, elevationDeg: elevation, azimuthDeg: azimuth,
                            slantRangeMeters: TR38811.slantRangeMeters(elevationDeg: elevation, altitudeMeters: altitude),
                            frequencyHz: frequency, environment: environment, upperKind: kind,
                            upperAltitudeMeters: altitude, lowerAltitudeMeters: 0)
    }

    static func uav(receiver: SIMD3<Double>, upper: SIMD3<Double>, frequency: Double = 2e9) -> LinkGeometry {
        let d = upper - receiver
        let range = (d * d).sum().squareRoot()
        let el = asin(d.z / range) * 180 / .pi
        let az = atan2(d.x, d.y) * 180 / .pi
        return LinkGeometry(upperECEFKm: .zero, lowerECEFKm: .zero, elevationDeg: el, azimuthDeg: az,
                            slantRangeMeters: range, frequencyHz: frequency, environment: .urban, upperKind: .uav,
                            upperAltitudeMeters: upper.z, lowerAltitudeMeters: receiver.z)
    }

    static let user = SIMD3<Double>(120, -40, 1.5)
    static let key = LinkKey(upper: "sat-12", lower: "user-3")
}

@Suite("Ground truth")
struct GroundTruthTests {
    typealias S = TruthTestSupport

    /// The test scene says LOS iff elevation > 30°; the truth must flip exactly there, and the
    /// clutter loss with it.
    @Test func losFlipsAtSceneThresholdForSatellites() {
        let truth = GroundTruth(scene: S.ElevationScene(thresholdDeg: 30), environment: .urban, seed: 1)
        let below = truth.channel(S.satellite(elevation: 30.0.nextDown), receiverENU: S.user, link: S.key, at: .zero)
        let at = truth.channel(S.satellite(elevation: 30), receiverENU: S.user, link: S.key, at: .zero)
        let above = truth.channel(S.satellite(elevation: 30.0.nextUp), receiverENU: S.user, link: S.key, at: .zero)
        #expect(below.isLOS == false && at.isLOS == false && above.isLOS == true)
        #expect(below.losProbability == 0 && above.losProbability == 1)
        #expect(at.clutterLossDb == TR38811.clutterLossDb(environment: .urban, band: .s, elevationDeg: 30))
        #expect(above.clutterLossDb == 0)
        #expect(above.kFactorDb == TDLProfile.ntnTDLD.narrowbandKFactorDb && at.kFactorDb == nil)
    }

    /// A UAV behind a 20 m wall at x = 50 m, receiver at the origin 1.5 m up, UAV at x = 100 m:
    /// the segment crosses the wall at 1.5 + (h − 1.5)/2, so LOS iff h ≥ 38.5 m; η follows Al-Hourani.
    @Test func losFlipsAtWallForUAVs() {
        let truth = GroundTruth(scene: S.WallScene(x: 50, height: 20), environment: .urban, seed: 1)
        let rx = SIMD3<Double>(0, 0, 1.5)
        for (h, expected) in [(38.5.nextDown, false), (38.5, true), (38.6, true), (10.0, false)] {
            let up = SIMD3<Double>(100, 0, h)
            let s = truth.channel(S.uav(receiver: rx, upper: up), receiverENU: rx, upperENU: up,
                                  link: LinkKey(upper: "uav-1", lower: "u"), at: .zero)
            #expect(s.isLOS == expected, "h = \(h)")
            #expect(s.clutterLossDb == (expected ? AlHourani.urban.etaLosDb : AlHourani.urban.etaNlosDb))
            #expect(s.atmosphericLossDb == 0 && s.shadowingDb == 0)
            // Without upperENU the truth places the UAV along the look direction at the slant range.
            let implicit = truth.isLOS(S.uav(receiver: rx, upper: up), receiverENU: rx)
            #expect(implicit == expected || abs(h - 38.5) < 1e-9)
        }
    }

    /// Total path loss = TR 38.811 composition (FSPL + atm + scint [+ CL]) + σ_SF·g + fading, with
    /// every part equal to the building block it comes from.
    @Test(arguments: [(2e9, 25.0, true), (2e9, 25.0, false), (20e9, 8.0, true), (20e9, 55.0, false)])
    func compositionMatchesTR38811(frequency: Double, elevation: Double, los: Bool) {
        let scene = S.ElevationScene(thresholdDeg: los ? -90 : 90)
        let truth = GroundTruth(scene: scene, environment: .denseUrban, seed: 5)
        let g = S.satellite(elevation: elevation, frequency: frequency, environment: .denseUrban)
        let sample = truth.sample(g, receiverENU: S.user, link: S.key, at: .seconds(7))
        let s = sample.state
        let band = TR38811.Band(frequencyHz: frequency)
        let sigma = TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: band, los: los, elevationDeg: elevation)
        #expect(s.isLOS == los)
        #expect(s.freeSpaceLossDb == FreeSpace.pathLossDb(distanceMeters: g.slantRangeMeters, frequencyHz: frequency))
        #expect(s.atmosphericLossDb == TR38811.atmosphericLossDb(frequencyHz: frequency, elevationDeg: elevation))
        #expect(s.scintillationLossDb == TR38811.scintillationLossDb(frequencyHz: frequency, elevationDeg: elevation))
        #expect(s.shadowingDb == sigma * truth.normalizedShadowing(los: los, receiverENU: S.user, upper: S.key.upper))
        #expect(s.shadowingDb != 0)
        #expect(s.fadingDb == -10 * log10(sample.realisation.narrowbandPowerGain))
        let composed = TR38811.pathLossDb(los: los, distanceMeters: g.slantRangeMeters, frequencyHz: frequency,
                                          elevationDeg: elevation, environment: .denseUrban)
        #expect(abs(s.totalPathLossDb - (composed + s.shadowingDb + s.fadingDb)) < 1e-9)
        #expect(s.delaySpreadSeconds == NTNDelaySpread.medianSeconds(environment: .denseUrban, band: band, los: los,
                                                                     elevationDeg: elevation))
        #expect(sample.profile == (los ? TDLProfile.ntnTDLD : .ntnTDLA))
        #expect(abs(sample.realisation.delaysSeconds.last! - sample.profile.taps.map(\.normalizedDelay).max()!
            * s.delaySpreadSeconds!) < 1e-18)
    }

    @Test func sameSeedSameTruthOtherSeedDiffers() {
        let scene = S.ElevationScene(thresholdDeg: 30)
        let a = GroundTruth(scene: scene, environment: .urban, seed: 42)
        let b = GroundTruth(scene: scene, environment: .urban, seed: 42)
        let c = GroundTruth(scene: scene, environment: .urban, seed: 43)
        let g = S.satellite(elevation: 20)
        let t = SimTime.seconds(90)
        let sa = a.channel(g, receiverENU: S.user, link: S.key, at: t)
        // Order of calls does not matter: interleave another link first.
        _ = b.channel(S.satellite(elevation: 50), receiverENU: S.user, link: LinkKey(upper: "x", lower: "y"), at: t)
        #expect(b.channel(g, receiverENU: S.user, link: S.key, at: t) == sa)
        let sc = c.channel(g, receiverENU: S.user, link: S.key, at: t)
        #expect(sc.shadowingDb != sa.shadowingDb && sc.fadingDb != sa.fadingDb)
        // Another instant: new fading, same shadowing (static user).
        let later = a.channel(g, receiverENU: S.user, link: S.key, at: t + .milliseconds(1))
        #expect(later.fadingDb != sa.fadingDb && later.shadowingDb == sa.shadowingDb)
    }

    /// Two users 10 m apart seen from the same satellite: correlation of their normalised NLOS
    /// shadowing over 1500 seeds is exp(−10/50); from different satellites it is 0. Tolerance:
    /// 4 standard errors of Fisher's z, 1/√(M − 3).
    @Test func nearbyUsersSeeCorrelatedShadowing() {
        let scene = S.ElevationScene(thresholdDeg: 90)
        let m = 1500
        var same: [(Double, Double)] = [], other: [(Double, Double)] = []
        let u1 = SIMD3<Double>(0, 0, 1.5), u2 = SIMD3<Double>(6, 8, 1.5)
        var options = GroundTruth.Options()
        options.shadowingComponents = 64
        for s in 1...m {
            let truth = GroundTruth(scene: scene, environment: .urban, seed: UInt64(s), options: options)
            let a = truth.normalizedShadowing(los: false, receiverENU: u1, upper: "sat-1")
            same.append((a, truth.normalizedShadowing(los: false, receiverENU: u2, upper: "sat-1")))
            other.append((a, truth.normalizedShadowing(los: false, receiverENU: u2, upper: "sat-2")))
        }
        let tol = 4 / Double(m - 3).squareRoot()
        let rSame = ShadowingTests.correlation(same), rOther = ShadowingTests.correlation(other)
        #expect(abs(atanh(rSame) - atanh(exp(-10.0 / 50))) < tol, "r = \(rSame)")
        #expect(abs(atanh(rOther)) < tol, "r = \(rOther)")
    }

    @Test func switchesAndGroundLinks() {
        var options = GroundTruth.Options()
        options.shadowingEnabled = false
        options.fadingEnabled = false
        let truth = GroundTruth(scene: S.ElevationScene(thresholdDeg: 30), environment: .rural, seed: 2, options: options)
        let s = truth.channel(S.satellite(elevation: 10, kind: .haps, environment: .rural), receiverENU: S.user,
                              link: S.key, at: .zero)
        #expect(s.shadowingDb == 0 && s.fadingDb == 0 && s.isLOS == false)
        let rx = SIMD3<Double>(0, 0, 10), up = SIMD3<Double>(1000, 0, 600)
        var g = S.uav(receiver: rx, upper: up)
        g.upperKind = .ground
        let gs = truth.channel(g, receiverENU: rx, upperENU: up, link: S.key, at: .zero)
        #expect(gs.totalPathLossDb == gs.freeSpaceLossDb && gs.isLOS == true)
    }
}
