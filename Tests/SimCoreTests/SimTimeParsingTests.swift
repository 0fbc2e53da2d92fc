import Testing
import SimCore

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator for property tests, independent of
/// the GSL streams under test elsewhere.
struct SeededTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("SimTime parsing and printing")
struct SimTimeParsingTests {
    static let ns: Int64 = 1
    static let us: Int64 = 1_000
    static let ms: Int64 = 1_000_000
    static let s: Int64 = 1_000_000_000
    static let min: Int64 = 60 * s
    static let h: Int64 = 3_600 * s
    static let d: Int64 = 86_400 * s

    // MARK: Parsing

    /// Expected values written out by hand from the unit definitions (1 d = 86 400 s, …).
    @Test("parses to exact nanoseconds", arguments: [
        ("90s", 90 * s),
        ("1500ms", 1_500_000_000),
        ("6h", 21_600_000_000_000),
        ("1d2h", 93_600_000_000_000),
        ("2.5min", 150_000_000_000),
        ("1h30m", 5_400_000_000_000),
        ("1h30min", 5_400_000_000_000),
        ("1.5s", 1_500_000_000),
        ("250us", 250_000),
        ("250µs", 250_000),
        ("-5s", -5_000_000_000),
        ("+5s", 5_000_000_000),
        ("0", 0),
        ("-0", 0),
        ("000", 0),
        ("0s", 0),
        ("0.0s", 0),
        ("7ns", 7),
        ("1.5d", 129_600_000_000_000),
        (".5s", 500_000_000),
        ("1.s", 1_000_000_000),
        ("0.000000001s", 1),
        ("1.25ms", 1_250_000),
        ("2.5us", 2_500),
        ("1d1ns", 86_400_000_000_001),
        ("1d2h3min4s5ms6us7ns", 93_784_005_006_007),
        ("-1h0.5s", -3_600_500_000_000),
        ("9223372036854775807ns", Int64.max),
        ("106751d23h47min16.854775807s", Int64.max),
    ] as [(String, Int64)])
    func parsesExactly(text: String, nanoseconds: Int64) throws {
        #expect(try SimTime(parsing: text).nanoseconds == nanoseconds)
        #expect(SimTime(text)?.nanoseconds == nanoseconds)  // LosslessStringConvertible
    }

    @Test func parsedValuesAgreeWithFactoryFunctions() throws {
        #expect(try SimTime(parsing: "90s") == .seconds(90))
        #expect(try SimTime(parsing: "1500ms") == .milliseconds(1500))
        #expect(try SimTime(parsing: "6h") == .hours(6))
        #expect(try SimTime(parsing: "1d2h") == .days(1) + .hours(2))
        #expect(try SimTime(parsing: "1h30m") == .minutes(90))
        #expect(try SimTime(parsing: "250us") == .microseconds(250))
        #expect(try SimTime(parsing: "-5s") == -SimTime.seconds(5))
        #expect(try SimTime(parsing: "0") == .zero)
    }

    // MARK: Printing

    @Test("canonical description", arguments: [
        (0, "0s"),
        (90 * s, "1min30s"),
        (1_500 * ms, "1.5s"),
        (6 * h + 1_500 * ms, "6h1.5s"),
        (6 * h, "6h"),
        (d + 2 * h, "1d2h"),
        (d, "1d"),
        (24 * h, "1d"),
        (h + min + 1_500 * ms, "1h1min1.5s"),
        (150 * s, "2min30s"),
        (-5 * s, "-5s"),
        (250 * us, "250us"),
        (1_500, "1.5us"),
        (1_500 * us, "1.5ms"),
        (-1_500 * us, "-1.5ms"),
        (1, "1ns"),
        (999_999_999, "999.999999ms"),
        (s, "1s"),
        (s + 1, "1.000000001s"),
        (d + 1, "1d0.000000001s"),
        (Int64.max, "106751d23h47min16.854775807s"),
    ] as [(Int64, String)])
    func canonicalDescription(nanoseconds: Int64, text: String) {
        #expect(SimTime(nanoseconds: nanoseconds).description == text)
    }

    @Test func nonCanonicalInputPrintsCanonically() throws {
        #expect(try SimTime(parsing: "90s").description == "1min30s")
        #expect(try SimTime(parsing: "1500ms").description == "1.5s")
        #expect(try SimTime(parsing: "0.5min").description == "30s")
        #expect(try SimTime(parsing: "24h").description == "1d")
        #expect(try SimTime(parsing: "1h30m").description == "1h30min")
        #expect(try SimTime(parsing: "-0").description == "0s")
    }

    /// `SimTime(parsing: t.description) == t` over seeded random values of every magnitude.
    @Test func roundTripOverRandomValues() throws {
        var rng = SeededTestRNG(seed: 0x5EED_0001)
        var values: [Int64] = []
        let ranges: [ClosedRange<Int64>] = [
            0 ... 999,                          // nanoseconds
            1_000 ... 999_999,                  // microseconds
            1_000_000 ... 999_999_999,          // sub-second
            Self.s ... Self.min,                // seconds
            Self.min ... Self.d,                // within a day
            Self.d ... 400 * Self.d,            // multi-day
            400 * Self.d ... Int64.max,         // up to the limit
        ]
        for range in ranges {
            for _ in 0 ..< 400 {
                let v = Int64.random(in: range, using: &rng)
                values.append(v)
                values.append(-v)
            }
        }
        // Whole-unit values (trailing zeros are trimmed, components are dropped).
        for _ in 0 ..< 400 {
            let unit = [Self.us, Self.ms, Self.s, Self.min, Self.h, Self.d].randomElement(using: &rng)!
            values.append(unit * Int64.random(in: 1 ... 1000, using: &rng))
        }
        var failures: [Int64] = []
        for v in values {
            let t = SimTime(nanoseconds: v)
            let parsed = try SimTime(parsing: t.description)
            if parsed != t { failures.append(v) }
        }
        #expect(failures.isEmpty, "round trip failed for \(failures.prefix(5))")
    }

    /// Documented: "`SimTime(parsing: t.description) == t` always holds", also for Int64.min, whose
    /// magnitude is one more than Int64.max.
    @Test func roundTripAtInt64Min() throws {
        let t = SimTime(nanoseconds: .min)
        #expect(t.description == "-106751d23h47min16.854775808s")
        #expect(try SimTime(parsing: t.description) == t)
        #expect(throws: SimTimeParseError.self) { try SimTime(parsing: "106751d23h47min16.854775808s") }
    }

    /// Decimal fractions with trailing zeros or many digits are exact values that must be accepted:
    /// 1.5000000 h is 1.5 h and 0.123457 d is 10 666.6848 s exactly (no intermediate overflow).
    @Test("long exact fractions", arguments: [
        ("1.5000000h", 5_400_000_000_000),
        ("1.500000d", 129_600_000_000_000),
        ("0.123457d", 10_666_684_800_000),
        ("0.50000000000s", 500_000_000),
    ] as [(String, Int64)])
    func longExactFractions(text: String, nanoseconds: Int64) {
        #expect((try? SimTime(parsing: text))?.nanoseconds == nanoseconds)
    }

    /// The same values with fewer digits.
    @Test func shortFractionsOfLargeUnits() throws {
        #expect(try SimTime(parsing: "1.5h").nanoseconds == 5_400_000_000_000)
        #expect(try SimTime(parsing: "1.5000d").nanoseconds == 129_600_000_000_000)
        #expect(try SimTime(parsing: "1.0000000000s").nanoseconds == 1_000_000_000)
    }

    // MARK: Errors

    static let unitList = "d, h, min (or m), s, ms, us, ns"

    /// (input, 0-based offset, exact reason). The offset is the position of the offending text.
    @Test("malformed input is rejected with position and reason", arguments: [
        ("", 0, "expected a number followed by a unit (\(unitList)), found end of text"),
        ("-", 1, "expected a number followed by a unit (\(unitList)), found end of text"),
        ("90", 2, "expected a unit (\(unitList)) after the number, found end of text"),
        ("5x", 1, "expected a unit (\(unitList)) after the number, found 'x'"),
        ("5sec", 1, "expected a unit (\(unitList)) after the number, found 'sec'"),
        ("1h1h", 2, "units must be in decreasing order without repeats (e.g. 1d2h30min)"),
        ("2s1h", 2, "units must be in decreasing order without repeats (e.g. 1d2h30min)"),
        ("1ms1m", 3, "units must be in decreasing order without repeats (e.g. 1d2h30min)"),
        ("1.5ns", 0, "'1.5ns' is not a whole number of nanoseconds"),
        ("1h0.0000000001s", 2, "'0.0000000001s' is not a whole number of nanoseconds"),
        ("abc", 0, "expected a number, found 'a'"),
        (" 5s", 0, "expected a number, found ' '"),
        ("1d-2h", 2, "expected a number, found '-'"),
        ("1e3s", 1, "expected a unit (\(unitList)) after the number, found 'e'"),
        ("5 s", 1, "expected a unit (\(unitList)) after the number, found ' '"),
        ("300000d", 0, "duration exceeds the representable range (about ±292 years)"),
        ("106752d", 0, "duration exceeds the representable range (about ±292 years)"),
        ("9223372036854775808ns", 0, "duration exceeds the representable range (about ±292 years)"),
        ("106751d23h47min16.854775808s", 15, "duration exceeds the representable range (about ±292 years)"),
        ("0.0000000000000000001s", 0, "too many decimal places"),
    ] as [(String, Int, String)])
    func malformed(text: String, offset: Int, reason: String) {
        let error = #expect(throws: SimTimeParseError.self) { try SimTime(parsing: text) }
        #expect(error == SimTimeParseError(text: text, offset: offset, reason: reason))
        #expect(error?.description == "malformed time '\(text)' at character \(offset + 1): \(reason)")
        #expect(SimTime(text) == nil)
    }

    @Test func errorDescriptionNamesTextPositionAndUnits() {
        let error = #expect(throws: SimTimeParseError.self) { try SimTime(parsing: "5x") }
        let text = error?.description ?? ""
        #expect(text.contains("'5x'"))
        #expect(text.contains("character 2"))
        #expect(text.contains("found 'x'"))
        #expect(text.contains("d, h, min (or m), s, ms, us, ns"))
    }
}
