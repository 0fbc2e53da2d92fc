/// Parsing and printing of durations such as `90s`, `1500ms`, `6h`, `1d2h`, `2.5min`.
///
/// Grammar: an optional sign, then one or more `<number><unit>` components with units in strictly
/// decreasing size. Numbers are decimal (`1.5h`); they are converted exactly, without floating
/// point, and must resolve to a whole number of nanoseconds. Units:
/// `d`, `h`, `min` (or `m`), `s`, `ms`, `us` (or `µs`), `ns`. A bare `0` is accepted.
extension SimTime {
    /// Parses a duration; throws ``SimTimeParseError`` naming the offending text.
    public init(parsing text: String) throws {
        self = try DurationParser.parse(text)
    }

    /// The canonical duration text: components `d h min s` with a fractional second, or `ms`, `us`,
    /// `ns` below one second; `0s` for zero. `SimTime(parsing: t.description) == t` always holds.
    public var description: String { DurationParser.format(self) }
}

extension SimTime: CustomStringConvertible {}

extension SimTime: LosslessStringConvertible {
    public init?(_ description: String) {
        guard let t = try? SimTime(parsing: description) else { return nil }
        self = t
    }
}

/// Why a duration or epoch string could not be parsed.
public struct SimTimeParseError: Error, Equatable, CustomStringConvertible {
    /// The whole input text.
    public var text: String
    /// Character offset (0-based) where the problem starts.
    public var offset: Int
    /// What was expected and what was found.
    public var reason: String

    public init(text: String, offset: Int, reason: String) {
        self.text = text
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "malformed time '\(text)' at character \(offset + 1): \(reason)"
    }
}

enum DurationParser {
    struct Unit {
        let names: [String]
        let nanoseconds: Int64
    }

    // Longest names first within a size so "ms" is not read as "m" + "s".
    static let units: [Unit] = [
        Unit(names: ["d"], nanoseconds: SimTime.nanosecondsPerDay),
        Unit(names: ["h"], nanoseconds: SimTime.nanosecondsPerHour),
        Unit(names: ["min", "m"], nanoseconds: SimTime.nanosecondsPerMinute),
        Unit(names: ["s"], nanoseconds: SimTime.nanosecondsPerSecond),
        Unit(names: ["ms"], nanoseconds: SimTime.nanosecondsPerMillisecond),
        Unit(names: ["us", "µs"], nanoseconds: SimTime.nanosecondsPerMicrosecond),
        Unit(names: ["ns"], nanoseconds: 1),
    ]

    static let unitList = "d, h, min (or m), s, ms, us, ns"

    static func parse(_ text: String) throws -> SimTime {
        let chars = Array(text)
        func fail(_ at: Int, _ reason: String) -> SimTimeParseError {
            SimTimeParseError(text: text, offset: at, reason: reason)
        }
        var i = 0
        var negative = false
        if i < chars.count, chars[i] == "-" || chars[i] == "+" {
            negative = chars[i] == "-"
            i += 1
        }
        guard i < chars.count else {
            throw fail(i, "expected a number followed by a unit (\(unitList)), found end of text")
        }
        if chars[i...].allSatisfy({ $0 == "0" }) { return .zero }  // "0" needs no unit

        var total: Int64 = 0
        var lastUnitIndex = -1
        while i < chars.count {
            // Number: digits, optionally '.' digits.
            let numberStart = i
            var intDigits: [Int64] = []
            var fracDigits: [Int64] = []
            while i < chars.count, let d = chars[i].wholeNumberValue, chars[i].isASCII {
                intDigits.append(Int64(d)); i += 1
            }
            if i < chars.count, chars[i] == "." {
                i += 1
                while i < chars.count, let d = chars[i].wholeNumberValue, chars[i].isASCII {
                    fracDigits.append(Int64(d)); i += 1
                }
            }
            if intDigits.isEmpty && fracDigits.isEmpty {
                let found = i < chars.count ? "'\(chars[i])'" : "end of text"
                throw fail(i, "expected a number, found \(found)")
            }
            // Unit: the longest matching name.
            let unitStart = i
            var unitIndex: Int?
            var unitLength = 0
            for (k, unit) in units.enumerated() {
                for name in unit.names where name.count > unitLength {
                    let n = Array(name)
                    if i + n.count <= chars.count, Array(chars[i ..< i + n.count]) == n {
                        // A unit name must not run into more letters ("5sec").
                        let next = i + n.count
                        if next < chars.count, chars[next].isLetter { continue }
                        unitIndex = k
                        unitLength = n.count
                    }
                }
            }
            guard let u = unitIndex else {
                var end = i
                while end < chars.count, chars[end].isLetter { end += 1 }
                let found = end > i ? "'\(String(chars[i ..< end]))'" : (i < chars.count ? "'\(chars[i])'" : "end of text")
                throw fail(unitStart, "expected a unit (\(unitList)) after the number, found \(found)")
            }
            guard u > lastUnitIndex else {
                throw fail(numberStart, "units must be in decreasing order without repeats (e.g. 1d2h30min)")
            }
            lastUnitIndex = u
            i += unitLength

            let scale = units[u].nanoseconds
            var value: Int64 = 0
            var overflow = false
            for d in intDigits {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                value = a
                overflow = overflow || o1 || o2
            }
            var (part, o3) = value.multipliedReportingOverflow(by: scale)
            overflow = overflow || o3
            // Fraction: exact, digit by digit; must land on a whole nanosecond.
            var denominator: Int64 = 1
            var numerator: Int64 = 0
            for d in fracDigits {
                guard denominator < 1_000_000_000_000_000 else {
                    throw fail(numberStart, "too many decimal places")
                }
                numerator = numerator * 10 + d
                denominator *= 10
            }
            if numerator != 0 {
                // numerator·scale/denominator, reduced by gcd(scale, denominator) first so the
                // intermediate product cannot overflow.
                var g = scale, r = denominator
                while r != 0 { (g, r) = (r, g % r) }
                let reducedDenominator = denominator / g
                guard numerator % reducedDenominator == 0 else {
                    throw fail(numberStart, "'\(String(chars[numberStart ..< i]))' is not a whole number of nanoseconds")
                }
                let (scaled, o4) = (numerator / reducedDenominator).multipliedReportingOverflow(by: scale / g)
                let (sum, o5) = part.addingReportingOverflow(scaled)
                part = sum
                overflow = overflow || o4 || o5
            }
            // Accumulate with the sign so Int64.min (one more than Int64.max) parses back.
            let (sum, o6) = negative ? total.subtractingReportingOverflow(part) : total.addingReportingOverflow(part)
            total = sum
            if overflow || o6 {
                throw fail(numberStart, "duration exceeds the representable range (about ±292 years)")
            }
        }
        return SimTime(nanoseconds: total)
    }

    static func format(_ t: SimTime) -> String {
        if t.nanoseconds == 0 { return "0s" }
        var n = t.nanoseconds.magnitude
        var out = t.nanoseconds < 0 ? "-" : ""
        let sec = UInt64(SimTime.nanosecondsPerSecond)
        if n < sec {
            // Below a second: the largest unit that divides exactly, else a decimal of it.
            for (unit, name) in [(UInt64(1_000_000), "ms"), (1_000, "us"), (1, "ns")] where n >= unit {
                return out + decimal(n, unit: unit) + name
            }
        }
        let day = UInt64(SimTime.nanosecondsPerDay), hour = UInt64(SimTime.nanosecondsPerHour)
        let minute = UInt64(SimTime.nanosecondsPerMinute)
        if n >= day { out += "\(n / day)d"; n %= day }
        if n >= hour { out += "\(n / hour)h"; n %= hour }
        if n >= minute { out += "\(n / minute)min"; n %= minute }
        if n > 0 { out += decimal(n, unit: sec) + "s" }
        return out
    }

    /// `n / unit` as a decimal with trailing zeros trimmed.
    static func decimal(_ n: UInt64, unit: UInt64) -> String {
        let whole = n / unit
        var frac = n % unit
        if frac == 0 { return "\(whole)" }
        var width = 0
        var u = unit
        while u > 1 { u /= 10; width += 1 }
        var digits = String(frac)
        digits = String(repeating: "0", count: width - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast(); frac /= 10 }
        return "\(whole).\(digits)"
    }
}
