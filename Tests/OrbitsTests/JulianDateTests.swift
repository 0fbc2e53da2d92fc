import Testing
@testable import Orbits
import SimCore

@Suite("Julian dates")
struct JulianDateTests {
    @Test("published anchors: J2000.0 noon and Vallado example 3-4")
    func anchors() throws {
        // 2000-01-01 12:00 UT is JD 2451545.0; 1996-10-26 14:20:00 UT is JD 2450383.09722222 (Vallado Ex. 3-4).
        #expect(JulianDate.of(UTCInstant(year: 2000, month: 1, day: 1, hour: 12)) == 2_451_545.0)
        #expect(abs(JulianDate.of(UTCInstant(year: 1996, month: 10, day: 26, hour: 14, minute: 20)) - 2_450_383.097_222_22) < 1e-8)
        #expect(JulianDate.julianDate(year: 1970, month: 1, day: 1) == JulianDate.unixEpoch)
    }

    @Test("TLE epoch fields give the published instant")
    func tleEpoch() {
        // 00179.78495062 is 2000-06-27 18:50:19.733568 UTC (the date column of tcppver.out, case 5).
        let tle = TLE(catalogNumber: 5, epochYear: 2000, epochDayOfYear: 179.78495062, inclinationDeg: 0, raanDeg: 0,
                      eccentricity: 0, argumentOfPerigeeDeg: 0, meanAnomalyDeg: 0, meanMotionRevPerDay: 1)
        let c = tle.epoch.components
        #expect(c.year == 2000 && c.month == 6 && c.day == 27 && c.hour == 18 && c.minute == 50 && c.second == 19)
        #expect(abs(Double(c.nanosecond) - 733_568_000) < 1_000)
        let jd = tle.epochJulianDate
        #expect(abs(jd.whole + jd.fraction - (2_451_722.5 + 0.78495062)) < 1e-9)
    }
}
