import Foundation
import Testing
@testable import Orbits
import SimCore

@Suite("Kepler vs SGP4")
struct KeplerVersusSGP4Tests {
    /// Over one period a circular LEO orbit under SGP4 differs from the two-body orbit only by J2
    /// (B* = 0). J2's size sets the bounds: radial short-period terms ≈ J2·Re²/a ≈ 6.3 km at 550 km,
    /// and along-track drift after one revolution ≈ 2π·a·J2·(Re/a)² ≈ 40 km. The bounds are twice
    /// those orders (radius 15 km, position 80 km); a wrong frame, unit or angle would be off by
    /// hundreds to thousands of km.
    @Test("circular 550 km orbit: SGP4 stays within J2-sized distances of Kepler over one period",
          arguments: [0.0, 53.0, 97.6])
    func circularOrbit(inclinationDeg: Double) throws {
        let a = 6378.135 + 550
        let n = KeplerianElements.meanMotionRevPerDay(semiMajorAxisKm: a)
        let epoch = UTCInstant(year: 2024, month: 5, day: 12)
        let tle = TLE(catalogNumber: 90001, epochYear: 2024, epochDayOfYear: 133, inclinationDeg: inclinationDeg, raanDeg: 40,
                      eccentricity: 0, argumentOfPerigeeDeg: 0, meanAnomalyDeg: 20, meanMotionRevPerDay: n)
        #expect(tle.epoch == epoch)
        let sgp4 = try SGP4Propagator(tle: tle)
        let kepler = try KeplerPropagator(tle: tle)
        let period = kepler.periodSeconds / 60
        var worstRadius = 0.0, worstDistance = 0.0
        for k in 0 ... 200 {
            let minutes = period * Double(k) / 200
            let s = try sgp4.state(minutesSinceEpoch: minutes)
            let c = kepler.state(minutesSinceEpoch: minutes)
            worstRadius = max(worstRadius, abs(s.position.length - a))
            worstDistance = max(worstDistance, (s.position - c.position).length)
        }
        print("inclination \(inclinationDeg)°: max radius deviation \(worstRadius) km, max distance to Kepler \(worstDistance) km")
        #expect(worstRadius < 15, "radius deviates by \(worstRadius) km")
        #expect(worstDistance < 80, "positions differ by \(worstDistance) km")
        // The two-body orbit closes after one period.
        #expect((kepler.state(minutesSinceEpoch: period).position - kepler.state(minutesSinceEpoch: 0).position).length < 1e-6)
    }
}
