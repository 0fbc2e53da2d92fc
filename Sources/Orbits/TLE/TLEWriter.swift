/// Writes ``TLE`` records in the NORAD two-line fixed-column format, and holds the format's
/// checksum and Alpha-5 helpers that ``TLEParser`` reuses.
///
/// Every line is exactly 69 columns: 68 columns of fields, then the modulo-10 checksum. Field
/// layout follows the CelesTrak "NORAD Two-Line Element Set Format" description: implied-decimal
/// eccentricity (7 digits), `±.NNNNNNNN` for ṅ/2, the `±NNNNN±N` mantissa-exponent form for n̈/6
/// and B*, an epoch written as `YYDDD.DDDDDDDD`, and Alpha-5 catalogue numbers from 100000 on.
///
/// ```swift
/// let (line1, line2) = TLEWriter.lines(tle)
/// print(line1.count, line2.count)          // 69 69
/// let file = TLEWriter.text(walker.tles(), threeLine: true)
/// ```
///
/// Values that cannot be represented are clamped to the nearest representable value so the
/// output always keeps the 69-column layout; call ``validate(_:)`` first to reject them instead.
public enum TLEWriter {
    /// The largest catalogue number Alpha-5 can write (`Z9999`).
    public static let maxCatalogNumber = 339_999

    /// Letters of the Alpha-5 scheme in value order: A = 10 … Z = 33, skipping I and O.
    static let alpha5Letters: [UInt8] = Array("ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)

    // MARK: Whole records

    /// The two data lines of one element set, each exactly 69 characters with its checksum.
    ///
    /// Angles are normalised to [0, 360) (inclination is written as given), the epoch day is
    /// rounded to 1e-8 day (≈ 0.86 ms), rolling over into the next year when rounding reaches it.
    ///
    /// ```swift
    /// let (l1, l2) = TLEWriter.lines(tle)   // "1 41917U 17003A   25023.78530248 …", "2 41917  86.3984 …"
    /// ```
    public static func lines(_ tle: TLE) -> (String, String) {
        let catalog = alpha5(tle.catalogNumber)

        // Line 1.
        var l1 = "1 " + catalog
        l1 += classificationColumn(tle.classification)
        l1 += " "
        l1 += leftJustified(String(tle.internationalDesignator.filter { $0.isASCII && !$0.isNewline }.prefix(8)), width: 8)
        l1 += " "
        l1 += epochField(year: tle.epochYear, dayOfYear: tle.epochDayOfYear)
        l1 += " "
        l1 += meanMotionDotField(tle.meanMotionDot)
        l1 += " "
        l1 += exponentField(tle.meanMotionDDot)
        l1 += " "
        l1 += exponentField(tle.bstar)
        l1 += " "
        l1 += String(min(max(tle.ephemerisType, 0), 9))
        l1 += " "
        l1 += rightJustified(String(min(max(tle.elementSetNumber, 0), 9999)), width: 4)
        l1 += String(checksum(of: l1))

        // Line 2.
        var l2 = "2 " + catalog + " "
        l2 += fixedPoint(min(max(tle.inclinationDeg, 0), 180), decimals: 4, width: 8)
        l2 += " "
        l2 += angleField(tle.raanDeg)
        l2 += " "
        let ecc = roundedScaled(tle.eccentricity, decimals: 7)
        l2 += zeroPadded(min(max(ecc, 0), 9_999_999), width: 7)
        l2 += " "
        l2 += angleField(tle.argumentOfPerigeeDeg)
        l2 += " "
        l2 += angleField(tle.meanAnomalyDeg)
        l2 += " "
        // Mean motion NN.NNNNNNNN: at most 99.99999999 rev/day fits in 11 columns.
        l2 += fixedPoint(min(max(tle.meanMotionRevPerDay, 0), 99.999_999_99), decimals: 8, width: 11)
        l2 += rightJustified(String(((tle.revolutionNumber % 100_000) + 100_000) % 100_000), width: 5)
        l2 += String(checksum(of: l2))
        return (l1, l2)
    }

    /// Element sets as file text, one line per row, each row ending in `\n`.
    ///
    /// With `threeLine`, each set is preceded by a name line (CelesTrak style, padded to 24
    /// columns); a set without a name gets its catalogue number as the name.
    ///
    /// ```swift
    /// try TLEWriter.text(tles, threeLine: true).write(toFile: "shell.tle", atomically: true, encoding: .utf8)
    /// ```
    public static func text(_ tles: [TLE], threeLine: Bool) -> String {
        var out = ""
        out.reserveCapacity(tles.count * (threeLine ? 165 : 140))
        for tle in tles {
            if threeLine {
                out += leftJustified(tle.name ?? String(tle.catalogNumber), width: 24) + "\n"
            }
            let (l1, l2) = lines(tle)
            out += l1 + "\n" + l2 + "\n"
        }
        return out
    }

    /// Checks that every field of `tle` fits the fixed-column format without clamping.
    ///
    /// ``lines(_:)`` never fails: it clamps. Call this first when silently clamped output would be
    /// wrong (for example, element sets fitted by an orbit determination).
    ///
    /// ```swift
    /// try TLEWriter.validate(tle)          // throws TLEWriteError.fieldOutOfRange("eccentricity", …)
    /// ```
    public static func validate(_ tle: TLE) throws(TLEWriteError) {
        func check(_ ok: Bool, _ field: String, _ value: Double) throws(TLEWriteError) {
            if !ok { throw .fieldOutOfRange(field: field, value: value) }
        }
        try check((0 ... maxCatalogNumber).contains(tle.catalogNumber), "catalogNumber", Double(tle.catalogNumber))
        try check(tle.classification.isASCII, "classification", 0)
        try check(tle.epochYear >= 1957 && tle.epochYear <= 2056, "epochYear", Double(tle.epochYear))
        try check(tle.epochDayOfYear >= 1 && tle.epochDayOfYear < 367, "epochDayOfYear", tle.epochDayOfYear)
        try check(abs(tle.meanMotionDot) < 1, "meanMotionDot", tle.meanMotionDot)
        try check(tle.meanMotionDDot.isFinite && abs(tle.meanMotionDDot) < 1e9, "meanMotionDDot", tle.meanMotionDDot)
        try check(tle.bstar.isFinite && abs(tle.bstar) < 1e9, "bstar", tle.bstar)
        try check((0 ... 9).contains(tle.ephemerisType), "ephemerisType", Double(tle.ephemerisType))
        try check((0 ... 9999).contains(tle.elementSetNumber), "elementSetNumber", Double(tle.elementSetNumber))
        try check(tle.inclinationDeg >= 0 && tle.inclinationDeg <= 180, "inclinationDeg", tle.inclinationDeg)
        try check(tle.raanDeg.isFinite, "raanDeg", tle.raanDeg)
        try check(tle.eccentricity >= 0 && tle.eccentricity < 1, "eccentricity", tle.eccentricity)
        try check(tle.argumentOfPerigeeDeg.isFinite, "argumentOfPerigeeDeg", tle.argumentOfPerigeeDeg)
        try check(tle.meanAnomalyDeg.isFinite, "meanAnomalyDeg", tle.meanAnomalyDeg)
        try check(tle.meanMotionRevPerDay > 0 && tle.meanMotionRevPerDay < 100, "meanMotionRevPerDay", tle.meanMotionRevPerDay)
        try check((0 ..< 100_000).contains(tle.revolutionNumber), "revolutionNumber", Double(tle.revolutionNumber))
    }

    // MARK: Checksum

    /// The modulo-10 checksum of a TLE data line over its first 68 characters.
    ///
    /// Digits count their value, a minus sign counts 1, every other character counts 0. Pass a
    /// full 69-character line or just its first 68 characters; anything after column 68 is ignored.
    ///
    /// ```swift
    /// TLEWriter.checksum(of: "1 41917U 17003A   25023.78530248  .00000204  00000+0  65843-4 0  999")   // 7
    /// ```
    public static func checksum(of line: String) -> Int {
        checksum(of: Substring(line))
    }

    /// The modulo-10 checksum over the first 68 characters of a line slice; see the `String` overload.
    public static func checksum(of line: Substring) -> Int {
        var sum = 0
        for byte in line.utf8.prefix(68) {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                sum += Int(byte - UInt8(ascii: "0"))
            } else if byte == UInt8(ascii: "-") {
                sum += 1
            }
        }
        return sum % 10
    }

    // MARK: Alpha-5

    /// The 5-column catalogue-number field: zero-padded digits below 100000, Alpha-5 above.
    ///
    /// Alpha-5 replaces the leading digit pair by a letter: A = 10, B = 11 … H = 17, J = 18 … N = 22,
    /// P = 23 … Z = 33 (I and O are skipped as look-alikes of 1 and 0). Values outside
    /// 0 ... 339999 are clamped into it.
    ///
    /// ```swift
    /// TLEWriter.alpha5(25544)     // "25544"
    /// TLEWriter.alpha5(100001)    // "A0001"
    /// TLEWriter.alpha5(339999)    // "Z9999"
    /// ```
    public static func alpha5(_ n: Int) -> String {
        let value = min(max(n, 0), maxCatalogNumber)
        if value < 100_000 { return zeroPadded(Int64(value), width: 5) }
        let letter = alpha5Letters[value / 10_000 - 10]
        return String(decoding: [letter], as: UTF8.self) + zeroPadded(Int64(value % 10_000), width: 4)
    }

    /// Decodes a catalogue-number field: 1–5 digits, or a letter (not I or O) and four digits.
    ///
    /// Surrounding spaces are ignored (some old element sets right-justify short numbers with
    /// spaces). Returns `nil` for anything else, including lowercase letters.
    ///
    /// ```swift
    /// TLEWriter.decodeAlpha5("A0001")   // 100001
    /// TLEWriter.decodeAlpha5("00005")   // 5
    /// TLEWriter.decodeAlpha5("I0001")   // nil
    /// ```
    public static func decodeAlpha5(_ s: Substring) -> Int? {
        var bytes = Array(s.utf8)
        while let first = bytes.first, first == UInt8(ascii: " ") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") { bytes.removeLast() }
        guard let first = bytes.first, bytes.count <= 5 else { return nil }

        func digitsValue(_ digits: ArraySlice<UInt8>) -> Int? {
            var v = 0
            for b in digits {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(b - UInt8(ascii: "0"))
            }
            return v
        }
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            return digitsValue(bytes[...])
        }
        guard bytes.count == 5, let index = alpha5Letters.firstIndex(of: first),
              let rest = digitsValue(bytes[1...]) else { return nil }
        return (index + 10) * 10_000 + rest
    }

    // MARK: Field formatting

    /// Column 8: the classification character, `U` if it is not a single ASCII character.
    static func classificationColumn(_ c: Character) -> String {
        c.isASCII && c != "\n" && c != "\r" ? String(c) : "U"
    }

    /// Columns 19–32: `YYDDD.DDDDDDDD`.
    static func epochField(year: Int, dayOfYear: Double) -> String {
        var y = year
        // Work in units of 1e-8 day so rounding can carry into the day and the year exactly.
        var scaled = roundedScaled(max(dayOfYear, 1), decimals: 8)
        while scaled >= Int64(daysInYear(y) + 1) * 100_000_000 {
            scaled -= Int64(daysInYear(y)) * 100_000_000
            y += 1
        }
        let whole = scaled / 100_000_000
        let fraction = scaled % 100_000_000
        let yy = ((y % 100) + 100) % 100
        return zeroPadded(Int64(yy), width: 2) + zeroPadded(whole, width: 3) + "." + zeroPadded(fraction, width: 8)
    }

    /// Columns 34–43: ṅ/2 as `±.NNNNNNNN` (a space for plus), clamped below 1 in magnitude.
    static func meanMotionDotField(_ value: Double) -> String {
        let scaled = min(roundedScaled(abs(value), decimals: 8), 99_999_999)
        let sign = value < 0 && scaled != 0 ? "-" : " "
        return sign + "." + zeroPadded(scaled, width: 8)
    }

    /// An 8-column `±NNNNN±N` field: value = ±0.NNNNN × 10^(±N) (n̈/6 and B*).
    ///
    /// Zero is written ` 00000+0`. Magnitudes too small for exponent -9 round towards zero;
    /// magnitudes of 1e9 or more are clamped to ` 99999+9`.
    static func exponentField(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return " 00000+0" }
        let sign = value < 0 ? "-" : " "
        let magnitude = abs(value)
        if magnitude >= 0.999_995e9 { return sign + "99999+9" }
        // Find the exponent whose five rounded mantissa digits lie in 10000 ... 99999.
        var exponent = 0
        var digits = mantissaDigits(magnitude, exponent: exponent)
        while digits >= 100_000 { exponent += 1; digits = mantissaDigits(magnitude, exponent: exponent) }
        while digits < 10_000, exponent > -9 { exponent -= 1; digits = mantissaDigits(magnitude, exponent: exponent) }
        if digits >= 100_000 { digits = 10_000; exponent += 1 }  // rounding 0.999995 up to 1.0
        if digits == 0 { return " 00000+0" }
        let expSign = exponent < 0 ? "-" : "+"
        return sign + zeroPadded(digits, width: 5) + expSign + String(abs(exponent))
    }

    /// `round(magnitude · 10^(5 - exponent))`: the five mantissa digits for a decimal exponent.
    static func mantissaDigits(_ magnitude: Double, exponent: Int) -> Int64 {
        let shift = 5 - exponent
        // Powers of ten up to 1e22 are exact doubles, so each product is correctly rounded.
        let scaled = shift >= 0 ? magnitude * exactPower10(shift) : magnitude / exactPower10(-shift)
        return Int64(min(scaled.rounded(), 1e17))
    }

    static func exactPower10(_ n: Int) -> Double {
        var v = 1.0
        for _ in 0 ..< n { v *= 10 }
        return v
    }

    /// An angle in [0, 360) as `NNN.NNNN`, right-justified in 8 columns.
    static func angleField(_ degrees: Double) -> String {
        guard degrees.isFinite else { return "  0.0000" }
        let full: Int64 = 3_600_000
        var scaled = roundedScaled(degrees.truncatingRemainder(dividingBy: 360), decimals: 4) % full
        if scaled < 0 { scaled += full }
        return rightJustified(fixedDigits(scaled, decimals: 4), width: 8)
    }

    /// A non-negative value with `decimals` fraction digits, right-justified in `width` columns.
    static func fixedPoint(_ value: Double, decimals: Int, width: Int) -> String {
        rightJustified(fixedDigits(roundedScaled(value, decimals: decimals), decimals: decimals), width: width)
    }

    /// `scaled / 10^decimals` written with exactly `decimals` fraction digits.
    static func fixedDigits(_ scaled: Int64, decimals: Int) -> String {
        let unit = power10(decimals)
        return String(scaled / unit) + "." + zeroPadded(scaled % unit, width: decimals)
    }

    /// `round(|value| · 10^decimals)` as an integer, saturating at ±1e17.
    static func roundedScaled(_ value: Double, decimals: Int) -> Int64 {
        guard value.isFinite else { return 0 }
        let scaled = (value * Double(power10(decimals))).rounded()
        return Int64(min(max(scaled, -1e17), 1e17))
    }

    static func power10(_ n: Int) -> Int64 {
        var v: Int64 = 1
        for _ in 0 ..< max(n, 0) { v *= 10 }
        return v
    }

    static func daysInYear(_ y: Int) -> Int {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 366 : 365
    }

    static func zeroPadded(_ v: Int64, width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func zeroPadded(_ v: Int, width: Int) -> String { zeroPadded(Int64(v), width: width) }

    static func rightJustified(_ s: String, width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func leftJustified(_ s: String, width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Why ``TLEWriter/validate(_:)`` rejected an element set.
public enum TLEWriteError: Error, Equatable, CustomStringConvertible {
    /// The named ``TLE`` field cannot be written in its fixed columns without clamping.
    case fieldOutOfRange(field: String, value: Double)

    public var description: String {
        switch self {
        case let .fieldOutOfRange(field, value):
            return "TLE field \(field) = \(value) does not fit the two-line element format"
        }
    }
}
