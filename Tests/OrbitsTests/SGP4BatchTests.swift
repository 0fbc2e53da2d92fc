import Foundation
import Testing
@testable import Orbits
import SimCore

@Suite("SGP4 SIMD batch")
struct SGP4BatchTests {
    /// Position and velocity tolerances against the scalar path (km, km/s).
    static let positionTolerance = 1e-8
    static let velocityTolerance = 1e-11

    /// Compares the SIMD batch with the scalar path at `times`, in both frames; returns the largest
    /// position and velocity differences. Statuses (error codes) must be identical.
    static func compare(_ propagators: [SGP4Propagator], at times: [UTCInstant]) -> (position: Double, velocity: Double, failures: Int) {
        let batch = SGP4BatchPropagator(propagators)
        var states = SatelliteStates(count: 0)
        var maxP = 0.0, maxV = 0.0, failures = 0
        for time in times {
            for frame in [SGP4BatchPropagator.Frame.teme, .ecef] {
                batch.propagate(to: time, frame: frame, into: &states)
                #expect(states.count == propagators.count)
                let theta = EarthRotation.gmst(at: time)
                for (i, p) in propagators.enumerated() {
                    let minutes = Double(time.unixNanoseconds &- p.epoch.unixNanoseconds) / 60e9
                    do {
                        var s = try p.state(minutesSinceEpoch: minutes)
                        if frame == .ecef { s = EarthRotation.temeToECEF(s, gmst: theta) }
                        #expect(states.status[i] == 0, "satellite \(i) at \(minutes) min: batch status \(states.status[i])")
                        guard let b = states[i] else { continue }
                        let dp = Self.maxAbs(b.position - s.position), dv = Self.maxAbs(b.velocity - s.velocity)
                        // Absolute tolerances, or a few ulps for unphysical states far from the Earth
                        // (heavy-drag element sets propagated backwards reach 1e9 km).
                        let r = Self.maxAbs(s.position), v = Self.maxAbs(s.velocity)
                        if !(dp <= max(positionTolerance, 1e-14 * r) && dv <= max(velocityTolerance, 1e-14 * v)) {
                            Issue.record("satellite \(i) (\(p.catalogNumber)) at \(minutes) min: Δr \(dp) km (|r| \(r)), Δv \(dv) km/s (|v| \(v))")
                        }
                        if r < 1e5 { maxP = max(maxP, dp); maxV = max(maxV, dv) }
                    } catch {
                        failures += 1
                        #expect(states.status[i] == Int32(error.code), "satellite \(i) at \(minutes) min: scalar code \(error.code), batch \(states.status[i])")
                        #expect(states.x[i].isNaN && states.vz[i].isNaN)
                    }
                }
            }
        }
        return (maxP, maxV, failures)  // maxima over states within 1e5 km
    }

    @Test("all Starlink reference satellites agree with the scalar path")
    func starlink() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.deletingLastPathComponent().appendingPathComponent("shared/reference/tle/starlink-2024-05.tle").path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) not found (reference data is only in CI and developer checkouts)")
            return
        }
        let tles = try TLEParser.load(path: path).tles
        let propagators = tles.compactMap { try? SGP4Propagator(tle: $0) }
        #expect(propagators.count == 5_236)
        #expect(SGP4BatchPropagator(propagators).vectorisedCount == propagators.count)
        let start = try #require(propagators.map(\.epoch).max())
        let times = [-1_440.0, 0, 1, 97.3, 720, 1_440, 10_080, 43_200].map { start + SimTime(seconds: $0 * 60) }
        let r = Self.compare(propagators, at: times)
        print("Starlink: max |Δr| \(r.position) km, max |Δv| \(r.velocity) km/s, \(r.failures) scalar failures")
    }

    /// Random element sets: near-earth (simplified and full drag), eccentric, deep-space, heavy drag.
    static func synthetic(count: Int, seed: UInt64) -> [SGP4Propagator] {
        let rng = RandomStreams(seed: UInt64(seed)).stream("test/sgp4-batch")
        var out: [SGP4Propagator] = []
        var n = 0
        while out.count < count {
            n += 1
            let kind = n % 5
            let meanMotion: Double, ecc: Double, bstar: Double
            switch kind {
            case 0: meanMotion = rng.uniform(1.0, 6.3); ecc = rng.uniform(0, 0.75); bstar = rng.uniform(-1e-4, 1e-4)      // deep space
            case 1: meanMotion = rng.uniform(15.8, 16.4); ecc = rng.uniform(0, 0.005); bstar = rng.uniform(1e-4, 5e-3)    // simplified, decays
            case 2: meanMotion = rng.uniform(6.5, 16); ecc = rng.uniform(0, 0.3); bstar = rng.uniform(-1e-3, 1e-3)        // eccentric
            case 3: meanMotion = rng.uniform(14, 16.2); ecc = rng.uniform(0.01, 0.05); bstar = rng.uniform(1e-2, 0.5)     // heavy drag: codes 1, 4, 6
            default: meanMotion = rng.uniform(13, 15.5); ecc = rng.uniform(0, 0.002); bstar = rng.uniform(-1e-3, 1e-3)    // LEO shells
            }
            let tle = TLE(catalogNumber: 10_000 + n, epochYear: 2024, epochDayOfYear: rng.uniform(120, 125), bstar: bstar,
                          inclinationDeg: rng.uniform(0, 180), raanDeg: rng.uniform(0, 360), eccentricity: ecc,
                          argumentOfPerigeeDeg: rng.uniform(0, 360), meanAnomalyDeg: rng.uniform(0, 360),
                          meanMotionRevPerDay: meanMotion)
            if let p = try? SGP4Propagator(tle: tle) { out.append(p) }
        }
        return out
    }

    @Test("synthetic mix (deep space, simplified, eccentric, decaying): same states and the same error codes")
    func synthetic() throws {
        let propagators = Self.synthetic(count: 403, seed: 42)
        let batch = SGP4BatchPropagator(propagators)
        #expect(batch.vectorisedCount == propagators.filter { !$0.isDeepSpace }.count)
        #expect(batch.vectorisedCount < propagators.count)
        let start = UTCInstant(year: 2024, month: 5, day: 2)
        let times = [-2_000.0, 0, 33.3, 600, 2_880, 7_200, 20_000, 60_000].map { start + SimTime(seconds: $0 * 60) }
        let r = Self.compare(propagators, at: times)
        #expect(r.failures > 50, "the set should exercise error codes")
        print("synthetic: max |Δr| \(r.position) km, max |Δv| \(r.velocity) km/s, \(r.failures) scalar failures")
    }

    @Test("every error code the scalar path raises comes back per satellite, in input order")
    func errorCodes() throws {
        let propagators = Self.synthetic(count: 200, seed: 7).reversed() as [SGP4Propagator]
        let batch = SGP4BatchPropagator(propagators)
        var states = SatelliteStates(count: batch.count)
        var codes = Set<Int32>()
        for days in stride(from: 0.0, through: 60, by: 5) {
            let time = UTCInstant(year: 2024, month: 5, day: 2) + SimTime(seconds: days * 86_400)
            batch.propagate(to: time, frame: .teme, into: &states)
            for (i, p) in propagators.enumerated() {
                let minutes = Double(time.unixNanoseconds &- p.epoch.unixNanoseconds) / 60e9
                let expected: Int32
                do { _ = try p.state(minutesSinceEpoch: minutes); expected = 0 } catch { expected = Int32(error.code) }
                #expect(states.status[i] == expected)
                codes.insert(expected)
            }
        }
        print("error codes seen: \(codes.sorted())")
        #expect(codes.contains(0) && codes.count >= 3)
    }

    @Test("Vallado's decay (code 6, near-earth lanes) and code-4 (deep space) element sets")
    func valladoErrorCases() throws {
        let text = """
        1 29141U 85108AA  06170.26783845  .99999999  00000-0  13519-0 0   718
        2 29141  82.4288 273.4882 0015848 277.2124  83.9133 15.93343074  6828
        1 33333U 05037B   05333.02012661  .25992681  00000-0  24476-3 0  1534
        2 33333  96.4736 157.9986 9950000 244.0492 110.6523  4.00004038 10708
        1 44713U 19074A   24132.87335581 -.00003967  00000+0 -24756-3 0  9995
        2 44713  53.0536 300.0683 0001446  97.1037 263.0116 15.06396798248248
        """
        let tles = try TLEParser.parse(text: text, options: .init(verifyChecksum: false)).tles  // Vallado's test sets
        #expect(tles.count == 3)
        let all = try tles.map { try SGP4Propagator(tle: $0) }
        #expect(!all[0].isDeepSpace && all[1].isDeepSpace && !all[2].isDeepSpace)
        var failures = 0
        for p in all.prefix(2) {
            // The failing satellite in several lanes next to a healthy one.
            let set = [p, all[2], p, p, all[2]]
            let times = stride(from: 0.0, through: 480, by: 20).map { p.epoch + SimTime(seconds: $0 * 60) }
            failures += Self.compare(set, at: times).failures
        }
        #expect(failures > 0)
    }

    @Test("empty and all-deep-space batches")
    func degenerate() throws {
        var states = SatelliteStates(count: 3)
        SGP4BatchPropagator([]).propagate(to: UTCInstant(year: 2024, month: 5, day: 2), into: &states)
        #expect(states.count == 0)
        let deep = Self.synthetic(count: 50, seed: 3).filter(\.isDeepSpace)
        #expect(!deep.isEmpty)
        let r = Self.compare(deep, at: [UTCInstant(year: 2024, month: 5, day: 3)])
        #expect(r.position == 0 && r.velocity == 0)
    }

    static func maxAbs(_ v: SIMD3<Double>) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }

    /// Error of `value` in units in the last place of the reference.
    static func ulps(_ value: Double, _ reference: Double) -> Double {
        if value == reference { return 0 }
        return abs(value - reference) / max(reference.ulp, Double.leastNormalMagnitude)
    }

    @Test("SIMD sincos within 2 ulp of glibc on 4 million random arguments")
    func sincosAccuracy() {
        let rng = RandomStreams(seed: UInt64(1)).stream("test/sgp4-batch")
        var worst = 0.0
        var worstAbs = 0.0
        for range in [Double.pi / 4, 4, 100, 1e4, 1e6] {
            for _ in 0 ..< 200_000 {
                let x = SIMD4<Double>(rng.uniform(-range, range), rng.uniform(-range, range),
                                      rng.uniform(-range, range), rng.uniform(-range, range))
                let (s, c) = SIMDMath.sincos(x)
                for l in 0 ..< 4 {
                    worst = max(worst, Self.ulps(s[l], sin(x[l])), Self.ulps(c[l], cos(x[l])))
                    worstAbs = max(worstAbs, abs(s[l] - sin(x[l])), abs(c[l] - cos(x[l])))
                }
            }
        }
        print("sincos: max error \(worst) ulp, max absolute error \(worstAbs)")
        #expect(worst <= 2)
        #expect(worstAbs <= 2.3e-16)
        // Special values and the libm fallback beyond the reduction range.
        let (s, c) = SIMDMath.sincos(SIMD4(0, -0.0, 1e300, .nan))
        #expect(s[0] == 0 && c[0] == 1 && s[1] == 0 && s[1].sign == .minus)
        #expect(s[2] == sin(1e300) && c[2] == cos(1e300) && s[3].isNaN && c[3].isNaN)
        let (si, ci) = SIMDMath.sincos(SIMD4(.infinity, -.infinity, 0.5, 2))
        #expect(si[0].isNaN && ci[1].isNaN && si[2] == sin(0.5) && ci[3] == cos(2))
    }

    @Test("remainder modulo 2π is congruent to truncatingRemainder and within an ulp of it")
    func remainderTwoPi() {
        let rng = RandomStreams(seed: UInt64(2)).stream("test/sgp4-batch")
        let twoPi = 2 * Double.pi
        var worst = 0.0
        for range in [10.0, 1e3, 1e5, 5e6] {
            for _ in 0 ..< 100_000 {
                let x = SIMD4<Double>(rng.uniform(-range, range), rng.uniform(-range, range),
                                      rng.uniform(-range, range), rng.uniform(-range, range))
                let r = SIMDMath.remainderTwoPi(x)
                for l in 0 ..< 4 {
                    let f = x[l].truncatingRemainder(dividingBy: twoPi)
                    #expect(abs(r[l]) <= Double.pi + 1e-15)
                    var d = r[l] - f
                    d -= (d / twoPi).rounded() * twoPi
                    worst = max(worst, abs(d))
                }
            }
        }
        print("remainderTwoPi: max difference from truncatingRemainder (mod 2π) \(worst)")
        #expect(worst <= 2 * (2 * Double.pi).ulp)
    }
}
