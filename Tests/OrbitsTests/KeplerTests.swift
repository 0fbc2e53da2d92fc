import Foundation
import Testing
@testable import Orbits
import SimCore

@Suite("Kepler two-body propagator")
struct KeplerTests {
    static let mu = EarthGravityConstants.wgs72MuKm3PerS2
    static let epoch = UTCInstant(year: 2025, month: 1, day: 1)

    static func norm(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
    static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    @Test("circular orbit: |r| = a, |v| = sqrt(mu/a), r ⟂ v, back to the start after 2π sqrt(a³/mu)")
    func circular() throws {
        let a = 7_000.0
        let elements = try KeplerianElements(semiMajorAxisKm: a, eccentricity: 0, inclinationDeg: 30, raanDeg: 40,
                                             argumentOfPerigeeDeg: 0, meanAnomalyDeg: 10, epoch: Self.epoch)
        let kepler = try KeplerPropagator(elements: elements)
        let speed = (Self.mu / a).squareRoot()
        let periodMinutes = 2 * Double.pi * (a * a * a / Self.mu).squareRoot() / 60
        for k in 0 ... 40 {
            let s = kepler.state(minutesSinceEpoch: periodMinutes * Double(k) / 40)
            #expect(abs(Self.norm(s.position) - a) < 1e-9)
            #expect(abs(Self.norm(s.velocity) - speed) < 1e-12)
            #expect(abs((s.position * s.velocity).sum()) < 1e-8)
        }
        let start = kepler.state(minutesSinceEpoch: 0)
        for revs in [1.0, 10.0, -3.0] {
            let back = kepler.state(minutesSinceEpoch: revs * periodMinutes)
            #expect(Self.norm(back.position - start.position) < 1e-6, "after \(revs) revolutions")
            #expect(Self.norm(back.velocity - start.velocity) < 1e-9)
        }
        #expect(abs(kepler.periodSeconds - periodMinutes * 60) < 1e-9)
    }

    @Test("elliptical orbit: perigee a(1−e), apogee a(1+e); energy and angular momentum conserved",
          arguments: [0.001, 0.1, 0.5, 0.9, 0.99])
    func elliptical(e: Double) throws {
        let a = 12_000.0
        let elements = try KeplerianElements(semiMajorAxisKm: a, eccentricity: e, inclinationDeg: 63.4, raanDeg: 200,
                                             argumentOfPerigeeDeg: 270, meanAnomalyDeg: 0, epoch: Self.epoch)
        let kepler = try KeplerPropagator(elements: elements)
        let period = kepler.periodSeconds / 60
        let perigee = kepler.state(minutesSinceEpoch: 0)
        let apogee = kepler.state(minutesSinceEpoch: period / 2)
        #expect(abs(Self.norm(perigee.position) - a * (1 - e)) < 1e-9 * a)
        #expect(abs(Self.norm(apogee.position) - a * (1 + e)) < 1e-9 * a)
        // Vis-viva energy −mu/2a and |h| = sqrt(mu a (1 − e²)) at every sample (relative 1e-12).
        let energy = -Self.mu / (2 * a)
        let h = (Self.mu * a * (1 - e * e)).squareRoot()
        for k in 0 ..< 97 {
            let s = kepler.state(minutesSinceEpoch: period * Double(k) / 97 - 3 * period)
            let v2 = (s.velocity * s.velocity).sum()
            #expect(abs((v2 / 2 - Self.mu / Self.norm(s.position)) / energy - 1) < 1e-12)
            #expect(abs(Self.norm(Self.cross(s.position, s.velocity)) / h - 1) < 1e-12)
        }
    }

    @Test("Vallado Example 2-4: 40-minute Kepler problem reproduces the published state")
    func valladoExample2_4() throws {
        // Fundamentals of Astrodynamics and Applications, 4th ed., Example 2-4 (mu = 398600.4418 km³/s²):
        // r0 = (1131.340, −2282.343, 6672.423) km, v0 = (−5.64305, 4.30333, 2.42879) km/s, Δt = 40 min →
        // r = (−4219.7527, 4363.0292, −3958.7666) km, v = (3.689866, −1.916735, −6.112511) km/s.
        let mu = 398_600.4418
        let s0 = StateVector(position: [1131.340, -2282.343, 6672.423], velocity: [-5.64305, 4.30333, 2.42879])
        let elements = try KeplerianElements(state: s0, epoch: Self.epoch, muKm3PerS2: mu)
        let kepler = try KeplerPropagator(elements: elements, muKm3PerS2: mu)
        let start = kepler.state(minutesSinceEpoch: 0)
        #expect(Self.norm(start.position - s0.position) < 1e-8)
        #expect(Self.norm(start.velocity - s0.velocity) < 1e-11)
        let s = kepler.state(minutesSinceEpoch: 40)
        let r = SIMD3<Double>(-4219.7527, 4363.0292, -3958.7666), v = SIMD3<Double>(3.689866, -1.916735, -6.112511)
        #expect(Self.norm(s.position - r) < 1e-3, "r = \(s.position)")
        #expect(Self.norm(s.velocity - v) < 1e-6, "v = \(s.velocity)")
        // Propagating back 40 minutes from the published state returns r0, v0.
        let back = try KeplerPropagator(elements: KeplerianElements(state: StateVector(position: r, velocity: v),
                                                                    epoch: Self.epoch, muKm3PerS2: mu), muKm3PerS2: mu)
        #expect(Self.norm(back.state(minutesSinceEpoch: -40).position - s0.position) < 2e-3)
    }

    @Test("Kepler's equation: E − e sin E = M to 1e-14 over the whole (e, M) range")
    func keplerEquation() {
        // Newton from a robust start plus a bracket; check the residual and monotonicity.
        for e in [0.0, 1e-6, 0.01, 0.3, 0.7, 0.9, 0.99, 0.999, 0.999999] {
            for k in -200 ... 200 {
                let m = Double(k) * Double.pi / 200 + (k == 0 ? 1e-9 : 0)
                let big = KeplerEquation.eccentricAnomalyRad(meanAnomalyRad: m, eccentricity: e)
                #expect(abs(big - e * sin(big) - m) < 4e-15 * max(1, abs(m)) + 1e-14, "e = \(e), M = \(m)")
                #expect(big >= -Double.pi && big <= Double.pi)
            }
        }
        // Independently iterated fixed point E = M + e sin E (converges for e < 1), M = 1, e = 0.5.
        var fixed = 1.0
        for _ in 0 ..< 200 { fixed = 1 + 0.5 * sin(fixed) }
        #expect(abs(KeplerEquation.eccentricAnomalyRad(meanAnomalyRad: 1, eccentricity: 0.5) - fixed) < 1e-14)
        // Mean anomaly many revolutions away reduces to the same E.
        let reduced = KeplerEquation.eccentricAnomalyRad(meanAnomalyRad: 2.5, eccentricity: 0.3)
        let far = KeplerEquation.eccentricAnomalyRad(meanAnomalyRad: 2.5 + 2 * Double.pi * 1000, eccentricity: 0.3)
        #expect(abs(reduced - far) < 1e-11)
    }

    @Test("velocity is the time derivative of position (central differences)")
    func velocityIsDerivative() throws {
        let elements = try KeplerianElements(semiMajorAxisKm: 8_000, eccentricity: 0.2, inclinationDeg: 97, raanDeg: 10,
                                             argumentOfPerigeeDeg: 45, meanAnomalyDeg: 123, epoch: Self.epoch)
        let kepler = try KeplerPropagator(elements: elements)
        let h = 1e-3 / 60  // 1 ms in minutes
        for t in [0.0, 17.3, 55.5, -240.0] {
            let numeric = (kepler.state(minutesSinceEpoch: t + h).position - kepler.state(minutesSinceEpoch: t - h).position) / 2e-3
            #expect(Self.norm(numeric - kepler.state(minutesSinceEpoch: t).velocity) < 1e-7)
        }
    }

    @Test("state → elements → state round trip, including circular and equatorial orbits",
          arguments: [(0.0, 0.0), (0.0, 53.0), (0.05, 0.0), (0.05, 180.0), (0.3, 98.6), (0.0, 180.0)])
    func roundTrip(e: Double, i: Double) throws {
        let elements = try KeplerianElements(semiMajorAxisKm: 7_500, eccentricity: e, inclinationDeg: i, raanDeg: 33,
                                             argumentOfPerigeeDeg: 77, meanAnomalyDeg: 211, epoch: Self.epoch)
        let s = elements.state()
        let back = try KeplerianElements(state: s, epoch: Self.epoch)
        #expect(abs(back.semiMajorAxisKm - 7_500) < 1e-8)
        #expect(abs(back.eccentricity - e) < 1e-12)
        #expect(abs(back.inclinationDeg - i) < 1e-10)
        let s2 = back.state()
        #expect(Self.norm(s2.position - s.position) < 1e-8)
        #expect(Self.norm(s2.velocity - s.velocity) < 1e-11)
    }

    @Test("init from a TLE: a = (mu/n²)^(1/3), period 86400/n seconds, epoch from the TLE")
    func fromTLE() throws {
        // IRIDIUM 106 (../shared/reference/tle/iridium-next-2025-01.tle, first entry).
        let tle = TLE(name: "IRIDIUM 106", catalogNumber: 41917, epochYear: 2025, epochDayOfYear: 23.785_302_48,
                      inclinationDeg: 86.3984, raanDeg: 301.3967, eccentricity: 0.000_237_8, argumentOfPerigeeDeg: 90.4613,
                      meanAnomalyDeg: 269.6855, meanMotionRevPerDay: 14.342_188_86)
        let kepler = try KeplerPropagator(tle: tle)
        #expect(abs(kepler.periodSeconds - 86_400 / 14.342_188_86) < 1e-9)
        let a = kepler.elements.semiMajorAxisKm
        #expect(abs(2 * Double.pi * (a * a * a / Self.mu).squareRoot() - 86_400 / 14.342_188_86) < 1e-8)
        #expect(kepler.epoch == tle.epoch)
        // ≈ 780 km altitude Iridium shell.
        #expect(abs(a - 6_378.135 - 780) < 15)
        // state(at:) and state(minutesSinceEpoch:) agree.
        let p1 = try kepler.state(at: tle.epoch + .minutes(30)).position
        #expect(Self.norm(p1 - kepler.state(minutesSinceEpoch: 30).position) < 1e-9)
    }

    @Test("invalid elements are rejected with typed errors")
    func validation() {
        func make(a: Double = 7000, e: Double = 0, i: Double = 0) throws(OrbitalElementsError) -> KeplerianElements {
            try KeplerianElements(semiMajorAxisKm: a, eccentricity: e, inclinationDeg: i, raanDeg: 0,
                                  argumentOfPerigeeDeg: 0, meanAnomalyDeg: 0, epoch: Self.epoch)
        }
        #expect(throws: OrbitalElementsError.nonPositiveSemiMajorAxis(-1)) { try make(a: -1) }
        #expect(throws: OrbitalElementsError.eccentricityOutOfRange(1)) { try make(e: 1) }
        #expect(throws: OrbitalElementsError.inclinationOutOfRange(181)) { try make(i: 181) }
        #expect(throws: OrbitalElementsError.nonFinite(field: "eccentricity")) { try make(e: .nan) }
        let escape = StateVector(position: [7000, 0, 0], velocity: [0, 11, 0])
        #expect(throws: OrbitalElementsError.self) { try KeplerianElements(state: escape, epoch: Self.epoch) }
        let radial = StateVector(position: [7000, 0, 0], velocity: [1, 0, 0])
        #expect(throws: OrbitalElementsError.degenerateState) { try KeplerianElements(state: radial, epoch: Self.epoch) }
    }
}
