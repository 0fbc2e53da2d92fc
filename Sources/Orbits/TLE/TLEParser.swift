import Foundation

/// A TLE entry that could not be read: which file, line and field, and why.
public struct TLEParseError: Error, Equatable, CustomStringConvertible {
    /// The file (as given to the parser).
    public var file: String
    /// 1-based line number of the offending line.
    public var line: Int
    /// The field, e.g. "eccentricity" or "checksum"; "line" for layout problems.
    public var field: String
    /// 1-based column range of the field (nil for whole-line problems).
    public var columns: ClosedRange<Int>?
    /// What was expected and what was found.
    public var reason: String

    public var description: String {
        let cols = columns.map { " (columns \($0.lowerBound)-\($0.upperBound))" } ?? ""
        return "\(file):\(line): \(field)\(cols): \(reason)"
    }
}

/// Reads NORAD two-line element sets: two-line files and three-line (CelesTrak / Space-Track)
/// files with a name line before each pair, mixed freely.
///
/// Every field is read from its fixed columns and checked: line numbers, matching catalogue
/// numbers, digits where digits belong, the modulo-10 checksum in column 69 and the ranges of
/// the elements. Alpha-5 catalogue numbers (A0001 = 100001) are decoded.
///
/// ```swift
/// let result = try TLEParser.load(path: "Topologies/starlink.tle")
/// print(result.tles.count)
/// // Skip bad entries with one warning each instead of failing:
/// let lenient = try TLEParser.load(path: path, options: .init(skipBadEntries: true))
/// lenient.warnings.forEach { print("warning:", $0) }
/// ```
public enum TLEParser {
    public struct Options: Sendable {
        /// Check the modulo-10 checksum in column 69 of both lines (default true).
        public var verifyChecksum: Bool
        /// Skip a bad entry with a warning instead of throwing (default false).
        public var skipBadEntries: Bool

        public init(verifyChecksum: Bool = true, skipBadEntries: Bool = false) {
            self.verifyChecksum = verifyChecksum
            self.skipBadEntries = skipBadEntries
        }
    }

    /// Parsed element sets and, when skipping, one warning per skipped entry.
    public struct Result: Sendable {
        public var tles: [TLE]
        public var warnings: [TLEParseError]
    }

    /// Reads and parses a file.
    public static func load(path: String, options: Options = Options()) throws(TLEParseError) -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw TLEParseError(file: path, line: 0, field: "file", columns: nil, reason: reason)
        }
        return try parse(data: data, file: path, options: options)
    }

    /// Parses TLE text; `file` names the source in errors.
    public static func parse(text: String, file: String = "<text>", options: Options = Options()) throws(TLEParseError) -> Result {
        try parse(data: Data(text.utf8), file: file, options: options)
    }

    /// Parses TLE bytes (ASCII; CRLF or LF line ends).
    public static func parse(data: Data, file: String, options: Options = Options()) throws(TLEParseError) -> Result {
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        let bytes = [UInt8](data)
        var start = 0
        var number = 1
        for i in 0 ... bytes.count {
            if i == bytes.count || bytes[i] == UInt8(ascii: "\n") {
                var end = i
                while end > start, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") {
                    end -= 1
                }
                if end > start { lines.append((number, bytes[start ..< end])) }
                start = i + 1
                number += 1
            }
        }

        var tles: [TLE] = []
        tles.reserveCapacity(lines.count / 2)
        var warnings: [TLEParseError] = []
        var k = 0
        while k < lines.count {
            // An entry is [name] line1 line2.
            var name: String?
            var nameLine = 0
            if !isElementLine(lines[k].bytes, "1") {
                name = decodeName(lines[k].bytes)
                nameLine = lines[k].number
                k += 1
            }
            do throws(TLEParseError) {
                guard k < lines.count else {
                    throw TLEParseError(file: file, line: nameLine, field: "line", columns: nil,
                                        reason: "name '\(name ?? "")' is not followed by element lines 1 and 2")
                }
                guard isElementLine(lines[k].bytes, "1") else {
                    throw TLEParseError(file: file, line: lines[k].number, field: "line", columns: 1 ... 2,
                                        reason: "expected line 1 of an element set (starting \"1 \"), found '\(String(decoding: lines[k].bytes.prefix(20), as: UTF8.self))'")
                }
                guard k + 1 < lines.count else {
                    throw TLEParseError(file: file, line: lines[k].number, field: "line", columns: nil,
                                        reason: "line 1 is not followed by line 2")
                }
                guard isElementLine(lines[k + 1].bytes, "2") else {
                    throw TLEParseError(file: file, line: lines[k + 1].number, field: "line", columns: 1 ... 2,
                                        reason: "expected line 2 of an element set (starting \"2 \"), found '\(String(decoding: lines[k + 1].bytes.prefix(20), as: UTF8.self))'")
                }
                var tle = try parsePair(lines[k], lines[k + 1], file: file, options: options)
                tle.name = name
                tles.append(tle)
                k += 2
            } catch {
                guard options.skipBadEntries else { throw error }
                warnings.append(error)
                // Resynchronise at the next entry: a line 1, or a name line (not a line 2) before a line 1.
                k += 1
                while k < lines.count {
                    if isElementLine(lines[k].bytes, "1") { break }
                    if !isElementLine(lines[k].bytes, "2"), k + 1 < lines.count, isElementLine(lines[k + 1].bytes, "1") { break }
                    k += 1
                }
            }
        }
        return Result(tles: tles, warnings: warnings)
    }

    static func isElementLine(_ line: ArraySlice<UInt8>, _ digit: Character) -> Bool {
        line.count >= 2 && line[line.startIndex] == digit.asciiValue && line[line.startIndex + 1] == UInt8(ascii: " ")
    }

    /// A name line, without Space-Track's "0 " prefix.
    static func decodeName(_ line: ArraySlice<UInt8>) -> String {
        var s = line
        if s.count >= 2, s[s.startIndex] == UInt8(ascii: "0"), s[s.startIndex + 1] == UInt8(ascii: " ") { s = s.dropFirst(2) }
        return String(decoding: s, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// Reads one fixed-column line pair.
    static func parsePair(_ l1: (number: Int, bytes: ArraySlice<UInt8>), _ l2: (number: Int, bytes: ArraySlice<UInt8>),
                          file: String, options: Options) throws(TLEParseError) -> TLE {
        let a = Line(bytes: l1.bytes, number: l1.number, file: file)
        let b = Line(bytes: l2.bytes, number: l2.number, file: file)
        try a.requireLength()
        try b.requireLength()
        if options.verifyChecksum {
            try a.verifyChecksum()
            try b.verifyChecksum()
        }
        let catalog = try a.catalogNumber()
        let catalog2 = try b.catalogNumber()
        guard catalog == catalog2 else {
            throw b.error("catalog number", 3 ... 7, "line 2 has \(catalog2) but line 1 has \(catalog)")
        }
        let classification = Character(UnicodeScalar(a.byte(8)))
        let designator = a.trimmed(10 ... 17)
        let yy = try a.integer("epoch year", 19 ... 20)
        let day = try a.decimal("epoch day", 21 ... 32)
        let year = yy < 57 ? 2000 + yy : 1900 + yy
        let daysInYear = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366.0 : 365.0
        guard day >= 1, day < daysInYear + 1 else { throw a.error("epoch day", 21 ... 32, "\(day) is not a day of \(year) (1 ≤ day < \(Int(daysInYear) + 1))") }
        let ndot = try a.decimal("first derivative of mean motion", 34 ... 43)
        let nddot = try a.impliedExponent("second derivative of mean motion", 45 ... 52)
        let bstar = try a.impliedExponent("bstar", 54 ... 61)
        let ephemeris = a.isBlank(63 ... 63) ? 0 : try a.integer("ephemeris type", 63 ... 63)
        let elementSet = a.isBlank(65 ... 68) ? 0 : try a.integer("element set number", 65 ... 68)

        let inclination = try b.decimal("inclination", 9 ... 16)
        guard (0 ... 180).contains(inclination) else { throw b.error("inclination", 9 ... 16, "\(inclination)° is outside 0...180") }
        let raan = try b.decimal("right ascension of the ascending node", 18 ... 25)
        guard (0 ..< 360.000001).contains(raan) else { throw b.error("right ascension of the ascending node", 18 ... 25, "\(raan)° is outside 0...360") }
        let eccentricity = try b.impliedDecimal("eccentricity", 27 ... 33)
        let argp = try b.decimal("argument of perigee", 35 ... 42)
        guard (0 ..< 360.000001).contains(argp) else { throw b.error("argument of perigee", 35 ... 42, "\(argp)° is outside 0...360") }
        let meanAnomaly = try b.decimal("mean anomaly", 44 ... 51)
        guard (0 ..< 360.000001).contains(meanAnomaly) else { throw b.error("mean anomaly", 44 ... 51, "\(meanAnomaly)° is outside 0...360") }
        let meanMotion = try b.decimal("mean motion", 53 ... 63)
        guard meanMotion > 0 else { throw b.error("mean motion", 53 ... 63, "\(meanMotion) rev/day is not positive") }
        let revolution = b.isBlank(64 ... 68) ? 0 : try b.integer("revolution number", 64 ... 68)

        return TLE(name: nil, catalogNumber: catalog, classification: classification, internationalDesignator: designator,
                   epochYear: year, epochDayOfYear: day, meanMotionDot: ndot, meanMotionDDot: nddot, bstar: bstar,
                   ephemerisType: ephemeris, elementSetNumber: elementSet, inclinationDeg: inclination, raanDeg: raan,
                   eccentricity: eccentricity, argumentOfPerigeeDeg: argp, meanAnomalyDeg: meanAnomaly,
                   meanMotionRevPerDay: meanMotion, revolutionNumber: revolution)
    }

    /// Fixed-column access to one element line (columns are 1-based, as in the format).
    struct Line {
        let bytes: ArraySlice<UInt8>
        let number: Int
        let file: String

        func error(_ field: String, _ columns: ClosedRange<Int>?, _ reason: String) -> TLEParseError {
            TLEParseError(file: file, line: number, field: field, columns: columns, reason: reason)
        }

        func byte(_ column: Int) -> UInt8 { bytes[bytes.startIndex + column - 1] }

        func slice(_ columns: ClosedRange<Int>) -> ArraySlice<UInt8> {
            bytes[(bytes.startIndex + columns.lowerBound - 1) ... (bytes.startIndex + columns.upperBound - 1)]
        }

        func text(_ columns: ClosedRange<Int>) -> String { String(decoding: slice(columns), as: UTF8.self) }

        /// The field's text without leading and trailing blanks (byte-level; no Foundation).
        func trimmed(_ columns: ClosedRange<Int>) -> String {
            var part = slice(columns)
            while let f = part.first, f == UInt8(ascii: " ") { part = part.dropFirst() }
            while let l = part.last, l == UInt8(ascii: " ") { part = part.dropLast() }
            return String(decoding: part, as: UTF8.self)
        }

        func isBlank(_ columns: ClosedRange<Int>) -> Bool { slice(columns).allSatisfy { $0 == UInt8(ascii: " ") } }

        func requireLength() throws(TLEParseError) {
            guard bytes.count >= 69 else {
                throw error("line", nil, "element lines have 69 columns; this one has \(bytes.count)")
            }
        }

        func verifyChecksum() throws(TLEParseError) {
            let expected = TLEWriter.checksum(of: String(decoding: bytes.prefix(68), as: UTF8.self))
            let found = byte(69)
            guard found >= UInt8(ascii: "0"), found <= UInt8(ascii: "9") else {
                throw error("checksum", 69 ... 69, "expected a digit, found '\(Character(UnicodeScalar(found)))'")
            }
            guard Int(found - UInt8(ascii: "0")) == expected else {
                throw error("checksum", 69 ... 69, "column 69 says \(Character(UnicodeScalar(found))) but the line sums to \(expected)")
            }
        }

        func catalogNumber() throws(TLEParseError) -> Int {
            guard let n = TLEWriter.decodeAlpha5(Substring(trimmed(3 ... 7))) else {
                throw error("catalog number", 3 ... 7, "expected up to 5 digits or an Alpha-5 number (e.g. A0001), found '\(text(3 ... 7))'")
            }
            return n
        }

        func integer(_ field: String, _ columns: ClosedRange<Int>) throws(TLEParseError) -> Int {
            let t = trimmed(columns)
            guard let v = Int(t) else { throw error(field, columns, "expected an integer, found '\(text(columns))'") }
            return v
        }

        func decimal(_ field: String, _ columns: ClosedRange<Int>) throws(TLEParseError) -> Double {
            var t = trimmed(columns)
            // "-.00002182" and " .00002182": Double() wants a digit before the point.
            if t.hasPrefix("-.") { t = "-0" + t.dropFirst() } else if t.hasPrefix("+.") { t = "0" + t.dropFirst() } else if t.hasPrefix(".") { t = "0" + t }
            guard !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }), let v = Double(t), v.isFinite else {
                throw error(field, columns, "expected a decimal number, found '\(text(columns))'")
            }
            return v
        }

        /// "0001234" means 0.0001234.
        func impliedDecimal(_ field: String, _ columns: ClosedRange<Int>) throws(TLEParseError) -> Double {
            let t = text(columns)
            guard t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Double("0." + t) else {
                throw error(field, columns, "expected \(columns.count) digits with an implied leading decimal point, found '\(t)'")
            }
            return v
        }

        /// "±NNNNN±E" means ±0.NNNNN × 10^±E; blanks mean zero.
        func impliedExponent(_ field: String, _ columns: ClosedRange<Int>) throws(TLEParseError) -> Double {
            let raw = text(columns)
            let t = trimmed(columns)
            if t.isEmpty { return 0 }
            var chars = Array(t)
            var sign = 1.0
            if let f = chars.first, f == "-" || f == "+" {
                sign = f == "-" ? -1 : 1
                chars.removeFirst()
            }
            guard chars.count >= 3, let expSignIndex = chars.lastIndex(where: { $0 == "-" || $0 == "+" }), expSignIndex > 0,
                  let mantissa = Double("0." + String(chars[..<expSignIndex])),
                  chars[..<expSignIndex].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let exponent = Int(String(chars[expSignIndex...])) else {
                throw error(field, columns, "expected a mantissa and exponent like '-11606-4' (= -0.11606e-4), found '\(raw)'")
            }
            var power = 1.0
            for _ in 0 ..< abs(exponent) { power *= 10 }
            return sign * (exponent < 0 ? mantissa / power : mantissa * power)
        }
    }
}
