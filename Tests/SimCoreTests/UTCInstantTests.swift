import Testing
import SimCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("UTCInstant parsing, printing and arithmetic")
struct UTCInstantTests {
    static let second: Int64 = 1_000_000_000

    /// Days from 1970-01-01 to a civil date by plain counting of year and month lengths — an
    /// independent reference for the calendar algorithm under test.
    static func referenceDays(year: Int, month: Int, day: Int) -> Int64 {
        func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var days: Int64 = 0
        if year >= 1970 {
            for y in 1970 ..< year { days += isLeap(y) ? 366 : 365 }
        } else {
            for y in year ..< 1970 { days -= isLeap(y) ? 366 : 365 }
        }
        for m in 1 ..< month { days += Int64(monthLengths[m - 1] + (m == 2 && isLeap(year) ? 1 : 0)) }
        return days + Int64(day - 1)
    }

    // MARK: Parsing

    /// Unix time of 2024-05-01T12:00:00Z is 1714564800 (e.g. `date -u -d 2024-05-01T12:00:00Z +%s`).
    @Test func parsesUTCDateTime() throws {
        let t = try UTCInstant(parsing: "2024-05-01T12:00:00Z")
        #expect(t.unixNanoseconds == 1_714_564_800 * Self.second)
        #expect(t == UTCInstant(year: 2024, month: 5, day: 1, hour: 12))
        let c = t.components
        #expect(c.year == 2024 && c.month == 5 && c.day == 1 && c.hour == 12 && c.minute == 0 && c.second == 0 && c.nanosecond == 0)
    }

    @Test("equivalent spellings of 2024-05-01T12:00:00Z", arguments: [
        "2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00z",
        "2024-05-01t12:00:00Z",
        "2024-05-01T12:00:00",        // no zone means UTC
        "2024-05-01 12:00:00Z",       // space separator
        "2024-05-01T12:00Z",          // no seconds
        "2024-05-01T12:00",
        "2024-05-01T14:00:00+02:00",
        "2024-05-01T14:00:00+0200",
        "2024-05-01T06:30:00-05:30",
        "2024-05-01T06:30:00-0530",
        "2024-05-02T01:45:00+13:45",
        "2024-04-30T23:00:00-13:00",  // offset crosses the date line
        "2024-05-01T12:00:00.000Z",
        "2024-05-01T12:00:00,0Z",     // ISO 8601 decimal comma
        "2024-05-01T12:00:00.000000000Z",
    ])
    func equivalentSpellings(text: String) throws {
        #expect(try UTCInstant(parsing: text).unixNanoseconds == 1_714_564_800 * Self.second)
    }

    @Test("fractional seconds to nanoseconds", arguments: [
        (".5", 500_000_000),
        (".123", 123_000_000),
        (".123456", 123_456_000),
        (".123456789", 123_456_789),
        (".000000001", 1),
        (",25", 250_000_000),
    ] as [(String, Int64)])
    func fractionalSeconds(fraction: String, nanoseconds: Int64) throws {
        let t = try UTCInstant(parsing: "2024-05-01T12:00:00\(fraction)Z")
        #expect(t.unixNanoseconds == 1_714_564_800 * Self.second + nanoseconds)
        #expect(t.components.nanosecond == Int(nanoseconds))
    }

    /// Digits beyond the ninth are accepted when they are zero (only a non-zero digit is "finer than
    /// a nanosecond").
    @Test func fractionWithZerosBeyondNanoseconds() throws {
        #expect(try UTCInstant(parsing: "2024-05-01T12:00:00.1234567890Z").unixNanoseconds == 1_714_564_800_123_456_789)
        #expect(try UTCInstant(parsing: "2024-05-01T12:00:00.0000000000Z").unixNanoseconds == 1_714_564_800_000_000_000)
        #expect(throws: SimTimeParseError.self) { try UTCInstant(parsing: "2024-05-01T12:00:00.1234567891Z") }
    }

    @Test func fractionWithOffset() throws {
        let t = try UTCInstant(parsing: "2024-05-01T17:30:00.25+05:30")
        #expect(t.unixNanoseconds == 1_714_564_800 * Self.second + 250_000_000)
    }

    @Test func dateOnlyIsMidnightUTC() throws {
        let t = try UTCInstant(parsing: "2024-05-01")
        #expect(t.unixNanoseconds == 1_714_521_600 * Self.second)
        #expect(try UTCInstant(parsing: "2024-05-01Z") == t)
    }

    @Test func leapDays() throws {
        #expect(try UTCInstant(parsing: "2024-02-29T00:00:00Z").unixNanoseconds == 1_709_164_800 * Self.second)
        #expect(try UTCInstant(parsing: "2000-02-29").unixNanoseconds == 951_782_400 * Self.second)  // divisible by 400
        #expect(try UTCInstant(parsing: "2024-03-01") - UTCInstant(parsing: "2024-02-28") == .days(2))
        #expect(try UTCInstant(parsing: "2023-03-01") - UTCInstant(parsing: "2023-02-28") == .days(1))
        #expect(try UTCInstant(parsing: "1900-03-01") - UTCInstant(parsing: "1900-02-28") == .days(1))
    }

    // MARK: Errors

    @Test("invalid date-times name the position and the problem", arguments: [
        ("2023-02-29", 8, "day 29 is out of range 1...28"),
        ("1900-02-29", 8, "day 29 is out of range 1...28"),          // century, not a leap year
        ("2024-04-31", 8, "day 31 is out of range 1...30"),
        ("2024-02-30", 8, "day 30 is out of range 1...29"),
        ("2024-01-00", 8, "day 0 is out of range 1...31"),
        ("2024-13-01", 5, "month 13 is out of range 1...12"),
        ("2024-00-01", 5, "month 0 is out of range 1...12"),
        ("2016-12-31T23:59:60Z", 17, "leap second 60 is not representable (UTC instants follow POSIX time)"),
        ("2024-05-01T24:00:00Z", 11, "hour 24 is out of range 0...23"),
        ("2024-05-01T12:60:00Z", 14, "minute 60 is out of range 0...59"),
        ("2024-05-01T12:00:61Z", 17, "second 61 is out of range 0...59"),
        ("2024-05-01T12:00:00Zx", 20, "unexpected 'x' after the date-time"),
        ("2024-05-01T12:00:00+02:00junk", 25, "unexpected 'j' after the date-time"),
        ("2024-05-01T12:00:00 UTC", 19, "expected a zone ('Z', '+hh:mm' or '-hh:mm') or end of text, found ' '"),
        ("2024-05-01x", 10, "expected a zone ('Z', '+hh:mm' or '-hh:mm') or end of text, found 'x'"),
        ("2024-05-01T12:00:00.Z", 20, "expected digits after the decimal point, found 'Z'"),
        ("2024-05-01T12:00:00.1234567891Z", 29, "fraction of a second finer than a nanosecond"),
        ("2024-05-01T12:00:00+24:00", 20, "zone offset hours 24 is out of range 0...23"),
        ("2024-05-01T12:00:00+02:60", 23, "zone offset minutes 60 is out of range 0...59"),
        ("2024-05-01T12:00:00+2", 21, "expected 2 digits of the zone offset hours, found end of text"),
        ("2024-05-01T12", 13, "expected ':' between hour and minute, found end of text"),
        ("2024-5-01", 6, "expected 2 digits of the month, found '-'"),
        ("24-05-01", 2, "expected 4 digits of the year, found '-'"),
        ("2024/05/01", 4, "expected '-' between year and month, found '/'"),
        ("", 0, "expected 4 digits of the year, found end of text"),
        ("+2024-05-01", 0, "expected 4 digits of the year, found '+'"),
    ] as [(String, Int, String)])
    func invalid(text: String, offset: Int, reason: String) {
        let error = #expect(throws: SimTimeParseError.self) { try UTCInstant(parsing: text) }
        #expect(error == SimTimeParseError(text: text, offset: offset, reason: reason))
        #expect(error?.description == "malformed time '\(text)' at character \(offset + 1): \(reason)")
    }

    // MARK: Printing

    @Test("canonical description", arguments: [
        (0, "1970-01-01T00:00:00Z"),
        (1_500_000_000, "1970-01-01T00:00:01.5Z"),
        (-1, "1969-12-31T23:59:59.999999999Z"),
        (-1_000_000_000, "1969-12-31T23:59:59Z"),
        (1_714_564_800_000_000_000, "2024-05-01T12:00:00Z"),
        (1_714_564_800_000_000_001, "2024-05-01T12:00:00.000000001Z"),
        (1_714_564_800_120_000_000, "2024-05-01T12:00:00.12Z"),
        (-2_208_988_800_000_000_000, "1900-01-01T00:00:00Z"),
        (4_102_444_799_000_000_000, "2099-12-31T23:59:59Z"),
    ] as [(Int64, String)])
    func canonicalDescription(unixNanoseconds: Int64, text: String) throws {
        let t = UTCInstant(unixNanoseconds: unixNanoseconds)
        #expect(t.description == text)
        #expect(try UTCInstant(parsing: text) == t)
    }

    /// Printing then parsing gives back the instant, for seeded random instants in 1900–2100, and
    /// the printed calendar fields agree with an independent day count.
    @Test func roundTripOverRandomInstants() throws {
        var rng = SeededTestRNG(seed: 0x0E90_C4)
        let lower = -2_208_988_800 * Self.second   // 1900-01-01
        let upper = 4_102_444_800 * Self.second    // 2100-01-01
        var failures: [Int64] = []
        for k in 0 ..< 3000 {
            var ns = Int64.random(in: lower ..< upper, using: &rng)
            if k % 3 == 0 { ns -= ns % Self.second }            // whole seconds print without a fraction
            if k % 3 == 1 { ns -= ns % 1_000_000 }              // milliseconds
            let t = UTCInstant(unixNanoseconds: ns)
            let text = t.description
            guard let back = try? UTCInstant(parsing: text), back == t else { failures.append(ns); continue }
            // Independent check of the printed date: parse the fields by position.
            let chars = Array(text)
            let year = Int(String(chars[0 ..< 4]))!, month = Int(String(chars[5 ..< 7]))!, day = Int(String(chars[8 ..< 10]))!
            let hour = Int64(String(chars[11 ..< 13]))!, minute = Int64(String(chars[14 ..< 16]))!, second = Int64(String(chars[17 ..< 19]))!
            let secs = Self.referenceDays(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            var fraction: Int64 = 0
            if chars[19] == "." {
                let digits = String(chars[20 ..< chars.count - 1])
                fraction = Int64(digits + String(repeating: "0", count: 9 - digits.count))!
            }
            if secs * Self.second + fraction != ns { failures.append(ns) }
        }
        #expect(failures.isEmpty, "failed for \(failures.prefix(5))")
    }

    /// The calendar conversion agrees with plain day counting for every day of 1900–2100.
    @Test func everyDayOf1900To2100() {
        var mismatches = 0
        for year in 1900 ... 2100 {
            for month in 1 ... 12 {
                let length = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
                for day in 1 ... length {
                    let t = UTCInstant(year: year, month: month, day: day)
                    let c = t.components
                    if t.unixNanoseconds != Self.referenceDays(year: year, month: month, day: day) * 86_400 * Self.second
                        || c.year != year || c.month != month || c.day != day { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
    }

    // MARK: Anchors

    @Test("known Unix times", arguments: [
        ("1970-01-01T00:00:00Z", 0),
        ("2000-01-01T00:00:00Z", 946_684_800),
        ("1969-12-31T23:59:59Z", -1),
        ("1969-12-31", -86_400),
        ("1900-01-01", -2_208_988_800),
        ("2100-01-01", 4_102_444_800),
        ("2038-01-19T03:14:07Z", 2_147_483_647),  // the 32-bit time_t limit
        ("2001-09-09T01:46:40Z", 1_000_000_000),
    ] as [(String, Int64)])
    func anchors(text: String, unixSeconds: Int64) throws {
        #expect(try UTCInstant(parsing: text).unixNanoseconds == unixSeconds * Self.second)
    }

    @Test func preEpochComponents() {
        let c = UTCInstant(unixNanoseconds: -1).components
        #expect(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 && c.minute == 59 && c.second == 59 && c.nanosecond == 999_999_999)
    }

    /// J2000.0 = 2000-01-01T11:58:55.816 UTC = Unix 946727935.816 s.
    @Test func j2000() {
        #expect(UTCInstant.j2000.unixNanoseconds == 946_727_935_816_000_000)
        #expect(UTCInstant.j2000.description == "2000-01-01T11:58:55.816Z")
    }

    // MARK: Arithmetic

    @Test func arithmeticWithSimTime() throws {
        let epoch = try UTCInstant(parsing: "2024-05-01T12:00:00Z")
        #expect((epoch + .hours(6)).description == "2024-05-01T18:00:00Z")
        #expect((epoch - .hours(13)).description == "2024-04-30T23:00:00Z")
        #expect(try (epoch + SimTime(parsing: "1d2h")).description == "2024-05-02T14:00:00Z")
        #expect(try (epoch + SimTime(parsing: "1.5s")).description == "2024-05-01T12:00:01.5Z")
        #expect(try (UTCInstant(parsing: "2023-12-31T23:00:00Z") + .hours(2)).description == "2024-01-01T01:00:00Z")
        #expect(try (UTCInstant(parsing: "2024-02-28T12:00:00Z") + .days(1)).description == "2024-02-29T12:00:00Z")
        #expect(try (UTCInstant(parsing: "2023-02-28T12:00:00Z") + .days(1)).description == "2023-03-01T12:00:00Z")
        #expect(try (UTCInstant(parsing: "1970-01-01") - .nanoseconds(1)).description == "1969-12-31T23:59:59.999999999Z")
        // 2024 is a leap year: 366 days between consecutive New Years.
        #expect(try UTCInstant(parsing: "2025-01-01") - UTCInstant(parsing: "2024-01-01") == .days(366))
        #expect(try UTCInstant(parsing: "2024-05-01T12:00:00Z") - UTCInstant(parsing: "2024-05-01T14:00:00+02:00") == .zero)
    }

    @Test func arithmeticInvariants() {
        var rng = SeededTestRNG(seed: 77)
        for _ in 0 ..< 500 {
            let a = UTCInstant(unixNanoseconds: Int64.random(in: -2_000_000_000 * Self.second ... 4_000_000_000 * Self.second, using: &rng))
            let d = SimTime(nanoseconds: Int64.random(in: -100 * 86_400 * Self.second ... 100 * 86_400 * Self.second, using: &rng))
            #expect((a + d) - a == d)
            #expect((a + d) - d == a)
            #expect((a + d > a) == (d > .zero))
        }
    }
}
