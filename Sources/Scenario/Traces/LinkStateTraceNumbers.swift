#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact, allocation-free parsing of the numbers in a link-state trace, straight from the file's bytes.
///
/// Doubles: up to 19 significant digits are gathered into a `UInt64` m with a decimal exponent k
/// (eight digits at a time, SWAR), then
/// - m ≤ 2⁵³ and |k| ≤ 22: `Double(m)` times or divided by 10^|k| — both exact, so the one IEEE
///   operation rounds correctly (Clinger 1990, "How to read floating point numbers accurately");
/// - x86_64, |k| ≤ 27: the same in Float80, whose 64-bit significand holds m and 10^|k| exactly, so
///   the result is m·10^k correctly rounded to 64 bits; rounding that to 53 bits is then correct
///   unless it lies exactly half-way between two doubles (low 11 bits 0x400), which goes to strtod;
/// - anything else (more digits, larger exponents, subnormals): `strtod` on the field's bytes.
///
/// Every function reads up to 16 bytes beyond the end of its number (8 when it reads the value):
/// callers keep at least 16 readable bytes after every line (zero padding after a block read into
/// a buffer, the next page of the file after a mapped one).
enum LinkStateTraceNumbers {
    static let zeroCharacters: UInt64 = 0x3030_3030_3030_3030

    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

    /// How many of the 8 bytes of `w` (first byte lowest) are ASCII digits before the first other byte.
    @inline(__always)
    static func leadingDigitCount(_ w: UInt64) -> Int {
        notDigitBits(w).trailingZeroBitCount &>> 3
    }

    /// Non-zero nibbles at the bytes of `w` that are not ASCII digits, exact up to the first one.
    @inline(__always)
    static func notDigitBits(_ w: UInt64) -> UInt64 {
        // A byte b is a digit iff its high nibble is 3 and so is the high nibble of b + 6 (0x3A…0x3F
        // become 0x40…0x45). A carry out of a byte ≥ 0xFA only disturbs bytes after a non-digit.
        let high = w & 0xF0F0_F0F0_F0F0_F0F0
        let shifted = ((w &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) &>> 4
        return (high | shifted) ^ 0x3333_3333_3333_3333
    }

    /// The length of the run of ASCII digits at `p`, 16 bytes at a time (reads up to 15 bytes past it).
    @inline(__always)
    static func digitRun(_ p: UnsafePointer<UInt8>) -> Int {
        var n = 0
        while true {
            let a = notDigitBits(load(p + n)), b = notDigitBits(load(p + n + 8))
            let k = a != 0 ? a.trailingZeroBitCount &>> 3 : 8 &+ (b.trailingZeroBitCount &>> 3)
            n &+= k
            if k < 16 { return n }
        }
    }

    /// The value of 8 ASCII digits (first byte most significant), by pairwise combination.
    @inline(__always)
    static func eightDigits(_ w: UInt64) -> UInt64 {
        var v = w &- zeroCharacters                      // bytes d0 … d7
        v = (v &* 10) &+ (v &>> 8)                      // even bytes: 10·d0 + d1, 10·d2 + d3, …
        let pairs02 = v & 0x0000_00FF_0000_00FF          // bytes 0 and 4: (d0d1, d4d5)
        let pairs13 = (v &>> 16) & 0x0000_00FF_0000_00FF  // bytes 2 and 6: (d2d3, d6d7)
        // High halves of the products: d0d1·10⁶ + d4d5·10² and d2d3·10⁴ + d6d7.
        return ((pairs02 &* 0x000F_4240_0000_0064) &+ (pairs13 &* 0x0000_2710_0000_0001)) &>> 32
    }

    /// The value of the first `n` (1…8) digit bytes of `w`.
    @inline(__always)
    static func digits(_ w: UInt64, count n: Int) -> UInt64 {
        if n == 8 { return eightDigits(w) }
        // Move the n digits to the top and fill the bottom with '0' characters (leading zeros).
        let bits = UInt64(8 &* (8 &- n))
        return eightDigits((w &<< bits) | (zeroCharacters &>> UInt64(8 &* n)))
    }

    static let smallPowersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// 10^n for n in 0 … 8 (a table: a `switch` here compiles to an indirect jump).
    @inline(__always)
    static func powerOfTen(_ n: Int) -> UInt64 { smallPowersOfTen.withUnsafeBufferPointer { $0[n] } }

    /// Appends the digit run at `p` to `m`, advancing `p`; false when `count` would pass 19 digits.
    @inline(__always)
    static func readDigits(_ p: inout UnsafePointer<UInt8>, _ m: inout UInt64, _ count: inout Int) -> Bool {
        while true {
            let w = load(p)
            let n = leadingDigitCount(w)
            if n == 0 { return true }
            count &+= n
            if count > 19 { return false }
            m = m &* powerOfTen(n) &+ digits(w, count: n)
            p += n
            if n < 8 { return true }
        }
    }

    // Literal tables (statically initialised: no lazy-initialisation check on every access). Each
    // entry is exactly 10^k: 10^k < 2^53 · 2^k for k ≤ 22, and 10^k = 5^k · 2^k with 5^27 < 2^64.
    static let exactDoublePowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    #if arch(x86_64)
    static let exactFloat80Powers: [Float80] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27,
    ]

    /// 10^-k rounded to nearest Float80, k = 0 … 27 (the compiler rounds each literal correctly;
    /// a test compares them with 1 / 10^k divided in Float80).
    static let float80InversePowers: [Float80] = [
        1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
        1e-18, 1e-19, 1e-20, 1e-21, 1e-22, 1e-23, 1e-24, 1e-25, 1e-26, 1e-27,
    ]
    #endif

    /// A decimal number `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa digit) at `start`.
    /// Returns the value (possibly ±infinity for out-of-range input) and the first byte after the
    /// number, or nil when no number starts there.
    @inline(__always)
    static func parseDouble(_ start: UnsafePointer<UInt8>) -> (value: Double, end: UnsafePointer<UInt8>)? {
        var p = start
        let negative = readSign(&p)
        var m: UInt64 = 0
        var count = 0
        let integerStart = p
        while p.pointee == UInt8(ascii: "0") { p += 1 }
        guard readDigits(&p, &m, &count) else { return slowParseDouble(start) }
        var mantissaDigits = p - integerStart
        var exponent = 0
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            if m == 0 { while p.pointee == UInt8(ascii: "0") { p += 1 } }
            guard readDigits(&p, &m, &count) else { return slowParseDouble(start) }
            let fractionDigits = p - fractionStart
            guard fractionDigits > 0 else { return nil }
            mantissaDigits += fractionDigits
            exponent = -fractionDigits
        }
        guard mantissaDigits > 0 else { return nil }
        if p.pointee | 0x20 == UInt8(ascii: "e") {
            guard let e = readExponent(&p) else { return nil }
            exponent += e
        }
        let magnitude: Double
        if m == 0 {
            magnitude = 0
        } else if m <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            magnitude = exponent >= 0 ? Double(m) * exactDoublePowers[exponent] : Double(m) / exactDoublePowers[-exponent]
        } else {
            #if arch(x86_64)
            guard exponent >= -27 && exponent <= 27 else { return slowParseDouble(start) }
            let x: Float80
            if exponent >= 0 {
                x = Float80(m) * exactFloat80Powers[exponent]
                // Exactly half-way between two doubles after the first rounding: the second could go
                // the wrong way, so let strtod decide.
                guard x.significandBitPattern & 0x7FF != 0x400 else { return slowParseDouble(start) }
            } else {
                // A multiplication by 10^-k rounded to 64 bits (two roundings: within 2 units of the
                // 64-bit significand's last place of m·10^-k), so strtod decides whenever a half-way
                // point between two doubles lies within 3 units.
                x = Float80(m) * float80InversePowers[-exponent]
                let low = x.significandBitPattern & 0x7FF
                guard low &- 0x3FD > 6 else { return slowParseDouble(start) }
            }
            magnitude = Double(x)
            #else
            return slowParseDouble(start)
            #endif
        }
        return (negative ? -magnitude : magnitude, p)
    }

    /// Skips an optional `+` or `-` at `p`; true for `-`.
    @inline(__always)
    static func readSign(_ p: inout UnsafePointer<UInt8>) -> Bool {
        switch p.pointee {
        case UInt8(ascii: "-"): p += 1; return true
        case UInt8(ascii: "+"): p += 1; return false
        default: return false
        }
    }

    /// The signed exponent after the `e` or `E` at `p` (digits beyond 100,000 are read but saturate),
    /// leaving `p` after it; nil when no digit follows the sign.
    @inline(__always)
    static func readExponent(_ p: inout UnsafePointer<UInt8>) -> Int? {
        p += 1
        let negative = readSign(&p)
        var e = 0
        let start = p
        while isDigit(p.pointee) {
            if e < 100_000 { e = e &* 10 &+ Int(p.pointee &- 48) }
            p += 1
        }
        guard p > start else { return nil }
        return negative ? -e : e
    }

    /// The extent of a decimal number at `start` (the grammar of ``parseDouble(_:)``) without its
    /// value; `large` when it might not be finite (290 or more integer digits plus positive exponent).
    /// Validation needs no more: any other decimal is a finite double.
    @inline(__always)
    static func scanNumber(_ start: UnsafePointer<UInt8>) -> (end: UnsafePointer<UInt8>, large: Bool)? {
        var p = start
        let first = p.pointee
        p += (first == UInt8(ascii: "-") || first == UInt8(ascii: "+")) ? 1 : 0
        let integerDigits = digitRun(p)
        p += integerDigits
        var digits = integerDigits
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            let fractionDigits = digitRun(p)
            guard fractionDigits > 0 else { return nil }
            p += fractionDigits
            digits += fractionDigits
        }
        guard digits > 0 else { return nil }
        var large = integerDigits >= 290
        if p.pointee | 0x20 == UInt8(ascii: "e") {
            guard let e = readExponent(&p) else { return nil }
            // The value is below 10^(integer digits + exponent): finite unless that is large.
            if integerDigits + e >= 290 { large = true }
        }
        return (p, large)
    }

    /// The same grammar checked byte by byte, the value from the C library's correctly rounded `strtod`.
    @inline(never)
    static func slowParseDouble(_ start: UnsafePointer<UInt8>) -> (value: Double, end: UnsafePointer<UInt8>)? {
        var p = start
        _ = readSign(&p)
        var digits = 0
        while isDigit(p.pointee) { p += 1; digits += 1 }
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            var fraction = 0
            while isDigit(p.pointee) { p += 1; fraction += 1 }
            guard fraction > 0 else { return nil }
            digits += fraction
        }
        guard digits > 0 else { return nil }
        if p.pointee | 0x20 == UInt8(ascii: "e") {
            guard readExponent(&p) != nil else { return nil }
        }
        let length = p - start
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { text -> Double in
            guard let base = text.baseAddress else { return .nan }
            UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: length)
            base[length] = 0
            return strtod(base, nil)
        }
        return (value, p)
    }

    /// Outcome of ``parseTime(_:)`` besides a time.
    static let malformedTime: Int64 = -1
    static let negativeTime: Int64 = -2

    /// Decimal seconds with at most 9 decimals, as exact nanoseconds: `0`, `10.5`, `123.000000123`.
    /// Returns the nanoseconds (≥ 0) and the first byte after the number, or ``malformedTime`` /
    /// ``negativeTime`` with the position where reading stopped.
    @inline(__always)
    static func parseTime(_ start: UnsafePointer<UInt8>) -> (nanoseconds: Int64, end: UnsafePointer<UInt8>) {
        var p = start
        if p.pointee == UInt8(ascii: "-") { return (negativeTime, p) }
        let integerStart = p
        while p.pointee == UInt8(ascii: "0") { p += 1 }
        var seconds: UInt64 = 0
        var count = 0
        guard readDigits(&p, &seconds, &count), p > integerStart,
              seconds <= UInt64(Int64.max / 1_000_000_000) - 1 else { return (malformedTime, p) }
        var fraction: UInt64 = 0
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            var fractionCount = 0
            guard readDigits(&p, &fraction, &fractionCount), fractionCount > 0, fractionCount <= 9 else { return (malformedTime, p) }
            var scale = 9 - (p - fractionStart)
            while scale > 0 { fraction &*= 10; scale -= 1 }
        }
        return (Int64(seconds * 1_000_000_000 + fraction), p)
    }

    /// Appends `nanoseconds` (≥ 0) as decimal seconds with trailing zeros dropped: `0`, `10.5`.
    static func appendTime(_ nanoseconds: Int64, to buffer: inout [UInt8]) {
        let seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        CSVWriter.appendInteger(Int(seconds), to: &buffer)
        guard fraction != 0 else { return }
        buffer.append(UInt8(ascii: "."))
        var digits = 9
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var i = start + digits - 1
        while fraction > 0 {
            buffer[i] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
            i -= 1
        }
    }

    /// `nanoseconds` as the trace writes it, for messages.
    static func timeText(_ nanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        if nanoseconds < 0 { return "\(Double(nanoseconds) * 1e-9)" }
        appendTime(nanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses one number from a Swift string (tests, messages). nil unless the whole text is a number.
    static func parseDouble(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        let length = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 16))
        return bytes.withUnsafeBufferPointer { b -> Double? in
            guard let base = b.baseAddress, let (value, end) = parseDouble(base), end - base == length else { return nil }
            return value
        }
    }
}
