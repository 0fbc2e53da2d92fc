import Foundation
import Testing
@testable import Orbits
import SimCore

@Suite("SGP4 propagator")
struct SGP4PropagatorTests {
    /// A circular, drag-free 550 km-class orbit (15.05 rev/day, 53°), like a Starlink shell.
    static let circular = TLE(catalogNumber: 99_999, epochYear: 2024, epochDayOfYear: 122.5, inclinationDeg: 53.0,
                              raanDeg: 40.0, eccentricity: 0.0, argumentOfPerigeeDeg: 0.0, meanAnomalyDeg: 0.0,
                              meanMotionRevPerDay: 15.05)

    @Test("circular near-earth orbit: |r| stays at the semi-major axis, |v| at the circular speed")
    func circularRadius() throws {
        let sgp4 = try SGP4Propagator(tle: Self.circular)
        #expect(!sgp4.isDeepSpace)
        let gravity = SGP4GravityModel.wgs72
        // Semi-major axis from the Brouwer mean motion SGP4 recovers: a = xke^(2/3) / n^(2/3) Earth radii.
        let a = gravity.radiusEarthKm * pow(gravity.xke / sgp4.elements.meanMotionRadPerMin, 2.0 / 3.0)
        #expect(abs(a - 6_928) < 15)  // ~550 km altitude
        let vCircular = (gravity.muKm3PerS2 / a).squareRoot()
        for minutes in stride(from: 0.0, through: 1440.0, by: 7.5) {
            let s = try sgp4.state(minutesSinceEpoch: minutes)
            let r = (s.position * s.position).sum().squareRoot()
            let v = (s.velocity * s.velocity).sum().squareRoot()
            // J2 short-period terms move a circular orbit's radius by ~J2·a ≈ 7.5 km at most.
            #expect(abs(r - a) < 12, "t = \(minutes): |r| = \(r) km, a = \(a) km")
            #expect(abs(v - vCircular) < 0.015, "t = \(minutes): |v| = \(v) km/s, circular \(vCircular) km/s")
            // Circular: velocity perpendicular to position to within J2 effects.
            let cosAngle = (s.position * s.velocity).sum() / (r * v)
            #expect(abs(cosAngle) < 2e-3)
        }
    }

    @Test("invalid elements throw codes 1 and 2 at the epoch; error text names the code")
    func invalidElements() {
        var hyperbolic = Self.circular
        hyperbolic.eccentricity = 1.2
        #expect(throws: SGP4Error.meanElements(eccentricity: 1.2, minutesSinceEpoch: 0)) {
            try SGP4Propagator(tle: hyperbolic)
        }
        var stopped = Self.circular
        stopped.meanMotionRevPerDay = -1
        do {
            _ = try SGP4Propagator(tle: stopped)
            Issue.record("negative mean motion accepted")
        } catch {
            #expect(error.code == 2 && error.minutesSinceEpoch == 0)
            #expect(error.description.contains("error 2"))
        }
    }

    @Test("value semantics: the state is a pure function of time, also for the resonance integrator")
    func pureFunction() throws {
        // A Molniya orbit (12 h resonance) exercises the deep-space integrator.
        let molniya = TLE(catalogNumber: 8195, epochYear: 2006, epochDayOfYear: 176.33215444, meanMotionDot: 0.00000099,
                          bstar: 0.00011873, inclinationDeg: 64.1586, raanDeg: 279.0717, eccentricity: 0.6877146,
                          argumentOfPerigeeDeg: 264.7651, meanAnomalyDeg: 20.2257, meanMotionRevPerDay: 2.00491383)
        let sgp4 = try SGP4Propagator(tle: molniya)
        #expect(sgp4.isDeepSpace)
        let late = try sgp4.state(minutesSinceEpoch: 2880)
        _ = try sgp4.state(minutesSinceEpoch: -10_000)
        _ = try sgp4.state(minutesSinceEpoch: 100_000)
        #expect(try sgp4.state(minutesSinceEpoch: 2880) == late)
        // Through the Propagator protocol and a UTC instant.
        let p: any Propagator = sgp4
        #expect(try p.state(at: sgp4.epoch + .minutes(2880)) == late)
    }
}

extension SGP4PropagatorTests {
    /// The modes differ only in the epoch sidereal-time formula (IAU-82 `gstime` vs the AFSPC 1970 series, equal to
    /// ~1e-12 rad here) and a node wrap that changes nothing geometrically, so states agree to well below a metre.
    @Test("AFSPC mode ('a') agrees with improved mode ('i') for a Molniya and a low-inclination deep-space orbit")
    func afspcMode() throws {
        let molniya = TLE(catalogNumber: 8195, epochYear: 2006, epochDayOfYear: 176.33215444, meanMotionDot: 0.00000099,
                          bstar: 0.00011873, inclinationDeg: 64.1586, raanDeg: 279.0717, eccentricity: 0.6877146,
                          argumentOfPerigeeDeg: 264.7651, meanAnomalyDeg: 20.2257, meanMotionRevPerDay: 2.00491383)
        // 04632 of SGP4-VER.TLE: 11.46° inclination, so the Lyddane branch (and its AFSPC node wrap) runs.
        let lowInclination = TLE(catalogNumber: 4632, epochYear: 2004, epochDayOfYear: 31.91070959, meanMotionDot: -0.00000084,
                                 bstar: 0.0001, inclinationDeg: 11.4628, raanDeg: 273.1101, eccentricity: 0.1450506,
                                 argumentOfPerigeeDeg: 207.6, meanAnomalyDeg: 143.935, meanMotionRevPerDay: 1.20231981)
        for tle in [molniya, lowInclination] {
            let improved = try SGP4Propagator(tle: tle)
            let afspc = try SGP4Propagator(tle: tle, mode: .afspc)
            let gA = try #require(afspc.deepSpace?.value.gsto), gI = try #require(improved.deepSpace?.value.gsto)
            #expect(gA >= 0 && gA < 2 * .pi && abs(gA - gI) < 1e-9)
            for minutes in stride(from: -1440.0, through: 2880.0, by: 360.0) {
                let a = try afspc.state(minutesSinceEpoch: minutes).position
                let i = try improved.state(minutesSinceEpoch: minutes).position
                let d = ((a - i) * (a - i)).sum().squareRoot()
                #expect(d < 1e-6, "\(tle.catalogNumber) t = \(minutes): |Δr| = \(d) km")
            }
        }
    }
}
