/// An instant in UTC, as nanoseconds since 1970-01-01T00:00:00Z (POSIX time, no leap seconds).
///
/// Scenario epochs are `UTCInstant`s; simulation times are ``SimTime`` offsets from one. Parsing
/// accepts ISO 8601 / RFC 3339 date-times:
///
/// ```swift
/// let epoch = try UTCInstant(parsing: "2024-05-01T12:00:00Z")
/// let later = epoch + .hours(6)
/// print(later)            // 2024-05-01T18:00:00Z
/// ```
///
/// Accepted forms: `YYYY-MM-DD`, `YYYY-MM-DDThh:mm`, `YYYY-MM-DDThh:mm:ss[.fraction]`, with `T` or a
/// space between date and time, and an optional zone `Z`, `+hh:mm`, `-hh:mm` or `+hhmm` (no zone
/// means UTC). Fractions keep up to nanosecond precision. Like POSIX time (and Python's
/// `datetime`), leap seconds are not represented: `23:59:60` is rejected.
public struct UTCInstant: Hashable, Comparable, Sendable {
    /// Nanoseconds since the Unix epoch, 1970-01-01T00:00:00Z.
    public var unixNanoseconds: Int64

    @inlinable public init(unixNanoseconds: Int64) { self.unixNanoseconds = unixNanoseconds }

    /// The instant at a calendar date and time of day (proleptic Gregorian calendar, UTC).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        unixNanoseconds = secs * 1_000_000_000 + Int64(nanosecond)
    }

    /// J2000.0 expressed in UTC: 2000-01-01T11:58:55.816Z.
    public static let j2000 = UTCInstant(year: 2000, month: 1, day: 1, hour: 11, minute: 58, second: 55, nanosecond: 816_000_000)

    /// Calendar fields of this instant in UTC.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int) {
        let ns = unixNanoseconds
        let perDay = SimTime.nanosecondsPerDay
        var days = ns / perDay
        var rem = ns % perDay
        if rem < 0 { rem += perDay; days -= 1 }
        let (y, m, d) = CivilCalendar.civilFromDays(Int(days))
        let secOfDay = Int(rem / 1_000_000_000)
        return (y, m, d, secOfDay / 3600, (secOfDay / 60) % 60, secOfDay % 60, Int(rem % 1_000_000_000))
    }

    @inlinable public static func < (a: UTCInstant, b: UTCInstant) -> Bool { a.unixNanoseconds < b.unixNanoseconds }
    @inlinable public static func + (a: UTCInstant, d: SimTime) -> UTCInstant { UTCInstant(unixNanoseconds: a.unixNanoseconds + d.nanoseconds) }
    @inlinable public static func - (a: UTCInstant, d: SimTime) -> UTCInstant { UTCInstant(unixNanoseconds: a.unixNanoseconds - d.nanoseconds) }
    /// The duration from `b` to `a`.
    @inlinable public static func - (a: UTCInstant, b: UTCInstant) -> SimTime { SimTime(nanoseconds: a.unixNanoseconds - b.unixNanoseconds) }
}

extension UTCInstant: CustomStringConvertible {
    /// ISO 8601 in UTC with a `Z`; the fraction of a second is printed only when non-zero, with
    /// trailing zeros trimmed. Parsing the description gives back the same instant.
    public var description: String {
        let c = components
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let year = c.year < 0 ? "-" + pad(-c.year, 4) : pad(c.year, 4)
        var out = "\(year)-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if c.nanosecond != 0 {
            var frac = pad(c.nanosecond, 9)
            while frac.hasSuffix("0") { frac.removeLast() }
            out += "." + frac
        }
        return out + "Z"
    }
}

extension UTCInstant {
    /// Parses an ISO 8601 date-time; throws ``SimTimeParseError`` naming the offending character.
    public init(parsing text: String) throws {
        let c = Array(text)
        var i = 0
        func fail(_ at: Int, _ reason: String) -> SimTimeParseError {
            SimTimeParseError(text: text, offset: at, reason: reason)
        }
        func describe(_ at: Int) -> String { at < c.count ? "'\(c[at])'" : "end of text" }
        func digits(_ n: Int, _ what: String) throws -> Int {
            var v = 0
            for k in 0 ..< n {
                guard i + k < c.count, c[i + k].isASCII, let d = c[i + k].wholeNumberValue else {
                    throw fail(i + k, "expected \(n) digits of the \(what), found \(describe(i + k))")
                }
                v = v * 10 + d
            }
            i += n
            return v
        }
        func expect(_ ch: Character, _ what: String) throws {
            guard i < c.count, c[i] == ch else { throw fail(i, "expected '\(ch)' \(what), found \(describe(i))") }
            i += 1
        }
        func check(_ v: Int, _ range: ClosedRange<Int>, _ what: String, at: Int) throws {
            guard range.contains(v) else {
                throw fail(at, "\(what) \(v) is out of range \(range.lowerBound)...\(range.upperBound)")
            }
        }

        let year = try digits(4, "year")
        try expect("-", "between year and month")
        let monthAt = i
        let month = try digits(2, "month")
        try check(month, 1 ... 12, "month", at: monthAt)
        try expect("-", "between month and day")
        let dayAt = i
        let day = try digits(2, "day")
        try check(day, 1 ... CivilCalendar.daysInMonth(year: year, month: month), "day", at: dayAt)

        var hour = 0, minute = 0, second = 0, nanos = 0
        if i < c.count, c[i] == "T" || c[i] == "t" || c[i] == " " {
            i += 1
            let hourAt = i
            hour = try digits(2, "hour")
            try check(hour, 0 ... 23, "hour", at: hourAt)
            try expect(":", "between hour and minute")
            let minuteAt = i
            minute = try digits(2, "minute")
            try check(minute, 0 ... 59, "minute", at: minuteAt)
            if i < c.count, c[i] == ":" {
                i += 1
                let secondAt = i
                second = try digits(2, "second")
                if second == 60 {
                    throw fail(secondAt, "leap second 60 is not representable (UTC instants follow POSIX time)")
                }
                try check(second, 0 ... 59, "second", at: secondAt)
                if i < c.count, c[i] == "." || c[i] == "," {
                    i += 1
                    let fracAt = i
                    var count = 0
                    while i < c.count, c[i].isASCII, let d = c[i].wholeNumberValue {
                        if count < 9 { nanos = nanos * 10 + d } else if d != 0 {
                            throw fail(i, "fraction of a second finer than a nanosecond")
                        }
                        count += 1; i += 1
                    }
                    guard count > 0 else { throw fail(fracAt, "expected digits after the decimal point, found \(describe(fracAt))") }
                    for _ in Swift.min(count, 9) ..< 9 { nanos *= 10 }
                }
            }
        }
        var offsetMinutes = 0
        if i < c.count {
            if c[i] == "Z" || c[i] == "z" {
                i += 1
            } else if c[i] == "+" || c[i] == "-" {
                let sign = c[i] == "-" ? -1 : 1
                i += 1
                let ohAt = i
                let oh = try digits(2, "zone offset hours")
                try check(oh, 0 ... 23, "zone offset hours", at: ohAt)
                if i < c.count, c[i] == ":" { i += 1 }
                let omAt = i
                let om = try digits(2, "zone offset minutes")
                try check(om, 0 ... 59, "zone offset minutes", at: omAt)
                offsetMinutes = sign * (oh * 60 + om)
            } else {
                throw fail(i, "expected a zone ('Z', '+hh:mm' or '-hh:mm') or end of text, found \(describe(i))")
            }
        }
        guard i == c.count else { throw fail(i, "unexpected \(describe(i)) after the date-time") }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanos)
        unixNanoseconds -= Int64(offsetMinutes) * SimTime.nanosecondsPerMinute
    }
}

/// Proleptic Gregorian calendar arithmetic (H. Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms", days_from_civil / civil_from_days).
enum CivilCalendar {
    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
