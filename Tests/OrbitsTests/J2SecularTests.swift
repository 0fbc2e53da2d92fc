import Foundation
import Testing
@testable import Orbits
import SimCore

@Suite("J2 secular propagator")
struct J2SecularTests {
    static let epoch = UTCInstant(year: 2025, month: 3, day: 20, hour: 12)
    static let wgs72 = EarthGravityConstants.wgs72

    static func norm(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

    /// Right ascension (deg, unwrapped near `near`) of the ascending-node crossing closest after
    /// `afterMinutes`, found by bisection on z(t) — a purely geometric measurement of the node.
    static func nodeCrossing(_ p: J2SecularPropagator, afterMinutes start: Double) -> (minutes: Double, raanDeg: Double) {
        let step = 0.5
        var t = start
        while !(p.state(minutesSinceEpoch: t).position.z < 0 && p.state(minutesSinceEpoch: t + step).position.z >= 0) {
            t += step
        }
        var lo = t, hi = t + step
        for _ in 0 ..< 60 {
            let mid = 0.5 * (lo + hi)
            if p.state(minutesSinceEpoch: mid).position.z < 0 { lo = mid } else { hi = mid }
        }
        let r = p.state(minutesSinceEpoch: 0.5 * (lo + hi)).position
        return (0.5 * (lo + hi), atan2(r.y, r.x) * 180 / Double.pi)
    }

    @Test("sun-synchronous at 700 km: the published 98.19° inclination gives dΩ/dt = 360°/365.2422 d")
    func sunSynchronous() throws {
        // Required inclination from cos i = −Ω̇☉ / (3/2 n J2 (Re/a)²), Ω̇☉ = 360° per tropical year.
        // Published SSO tables (e.g. Boain, "A-B-Cs of Sun-Synchronous Orbit Mission Design", AAS 04-108;
        // Wertz & Larson, SMAD) list 98.19° for a 700 km circular orbit.
        let a = Self.wgs72.equatorialRadiusKm + 700
        let n = (Self.wgs72.muKm3PerS2 / (a * a * a)).squareRoot()
        let sunRateRadPerSec = 2 * Double.pi / (365.242_2 * 86_400)
        let cosI = -sunRateRadPerSec / (1.5 * n * Self.wgs72.j2 * pow(Self.wgs72.equatorialRadiusKm / a, 2))
        let inclinationDeg = acos(cosI) * 180 / Double.pi
        #expect(abs(inclinationDeg - 98.19) < 0.01, "required inclination \(inclinationDeg)")

        let elements = try KeplerianElements(semiMajorAxisKm: a, eccentricity: 0, inclinationDeg: inclinationDeg, raanDeg: 100,
                                             argumentOfPerigeeDeg: 0, meanAnomalyDeg: 0, epoch: Self.epoch)
        let j2 = try J2SecularPropagator(elements: elements)
        #expect(abs(j2.raanRateDegPerDay - 360 / 365.242_2) < 1e-9)
        #expect(abs(j2.raanRateDegPerDay - 0.9856) < 1e-4)

        // Measure the node drift geometrically: ascending-node RA now and about ten days later.
        let first = Self.nodeCrossing(j2, afterMinutes: -1)
        let later = Self.nodeCrossing(j2, afterMinutes: 10 * 1_440)
        var drift = later.raanDeg - first.raanDeg
        drift -= 360 * (drift / 360).rounded()
        let expected = j2.raanRateDegPerDay * (later.minutes - first.minutes) / 1_440
        #expect(abs(first.raanDeg - 100) < 1e-6)
        #expect(abs(drift - expected) < 1e-6, "drift \(drift)° vs \(expected)°")
    }

    @Test("rates vanish where the formulas say: ω̇ = 0 at 63.435°, Ṁ = n at 54.736°, Ω̇ = 0 at 90°")
    func criticalInclinations() {
        // Closed-form zeros: 5cos²i = 1 (critical inclination, 63.43°), 3cos²i = 1, cos i = 0.
        let a = 7_000.0
        let critical = acos(1 / 5.0.squareRoot()) * 180 / Double.pi
        let magic = acos(1 / 3.0.squareRoot()) * 180 / Double.pi
        let r1 = J2SecularPropagator.secularRates(semiMajorAxisKm: a, eccentricity: 0.1, inclinationDeg: critical)
        #expect(abs(r1.argumentOfPerigee) < 1e-18)
        let r2 = J2SecularPropagator.secularRates(semiMajorAxisKm: a, eccentricity: 0.1, inclinationDeg: magic)
        #expect(abs(r2.meanAnomaly / r2.meanMotion - 1) < 1e-15)
        let r3 = J2SecularPropagator.secularRates(semiMajorAxisKm: a, eccentricity: 0.0, inclinationDeg: 90)
        #expect(abs(r3.raan) < 1e-20)
        #expect(abs(critical - 63.435) < 1e-3)
    }

    @Test("Starlink shell: 550 km, 53° regresses about 4.49°/day westward (closed form)")
    func starlinkNodeRate() throws {
        let elements = try KeplerianElements(semiMajorAxisKm: 6_378.135 + 550, eccentricity: 0, inclinationDeg: 53, raanDeg: 0,
                                             argumentOfPerigeeDeg: 0, meanAnomalyDeg: 0, epoch: Self.epoch)
        let j2 = try J2SecularPropagator(elements: elements)
        // −3/2 · n · J2 · (Re/a)² · cos 53°, evaluated independently: n = 0.0010933 rad/s.
        let a = 6_928.135, re = 6_378.135
        let n = (398_600.8 / (a * a * a)).squareRoot()
        let expected = -1.5 * n * 0.001_082_616 * (re / a) * (re / a) * cos(53 * Double.pi / 180) * 180 / Double.pi * 86_400
        #expect(abs(j2.raanRateDegPerDay - expected) < 1e-12)
        #expect(abs(j2.raanRateDegPerDay - -4.489) < 1e-3)
    }

    @Test("with J2 = 0 the J2 propagator is the Kepler propagator")
    func zeroJ2IsKepler() throws {
        let elements = try KeplerianElements(semiMajorAxisKm: 7_100, eccentricity: 0.02, inclinationDeg: 51.6, raanDeg: 250,
                                             argumentOfPerigeeDeg: 80, meanAnomalyDeg: 300, epoch: Self.epoch)
        var noJ2 = Self.wgs72
        noJ2.j2 = 0
        let j2 = try J2SecularPropagator(elements: elements, gravity: noJ2)
        let kepler = try KeplerPropagator(elements: elements)
        #expect(j2.raanRateRadPerSec == 0 && j2.argumentOfPerigeeRateRadPerSec == 0)
        #expect(j2.meanAnomalyRateRadPerSec == kepler.meanMotionRadPerSec)
        for t in stride(from: -1_000.0, through: 5_000, by: 137) {
            let a = j2.state(minutesSinceEpoch: t), b = kepler.state(minutesSinceEpoch: t)
            #expect(Self.norm(a.position - b.position) < 1e-9)
            #expect(Self.norm(a.velocity - b.velocity) < 1e-12)
        }
    }

    @Test("velocity is the time derivative of position, including node and perigee motion")
    func velocityIsDerivative() throws {
        let elements = try KeplerianElements(semiMajorAxisKm: 7_000, eccentricity: 0.05, inclinationDeg: 28.5, raanDeg: 10,
                                             argumentOfPerigeeDeg: 45, meanAnomalyDeg: 5, epoch: Self.epoch)
        let j2 = try J2SecularPropagator(elements: elements)
        let h = 1e-3 / 60
        for t in [0.0, 333.3, 4_321.0] {
            let numeric = (j2.state(minutesSinceEpoch: t + h).position - j2.state(minutesSinceEpoch: t - h).position) / 2e-3
            #expect(Self.norm(numeric - j2.state(minutesSinceEpoch: t).velocity) < 1e-7)
        }
    }

    @Test("a, e, i and |r| bounds stay fixed; orbit radius stays within a(1 ± e) over a week")
    func shapeIsConstant() throws {
        let e = 0.01, a = 7_200.0
        let tle = TLE(catalogNumber: 1, epochYear: 2025, epochDayOfYear: 79.5, inclinationDeg: 45, raanDeg: 0, eccentricity: e,
                      argumentOfPerigeeDeg: 0, meanAnomalyDeg: 0,
                      meanMotionRevPerDay: KeplerianElements.meanMotionRevPerDay(semiMajorAxisKm: a))
        let j2 = try J2SecularPropagator(tle: tle)
        #expect(abs(j2.elements.semiMajorAxisKm - a) < 1e-9)
        for k in 0 ..< 200 {
            let r = Self.norm(j2.state(minutesSinceEpoch: Double(k) * 50.3).position)
            #expect(r >= a * (1 - e) - 1e-8 && r <= a * (1 + e) + 1e-8)
        }
    }
}
