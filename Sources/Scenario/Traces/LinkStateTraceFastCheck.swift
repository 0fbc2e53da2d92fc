// The validation fast path: a line of a link-state trace is checked from two bit masks made in one
// pass over its words (where the commas are, which bytes are not digits) instead of field by field.
// It only ever accepts: a line it is not sure of (any unusual form: signs, long exponents, non-ASCII
// bytes, a wrong field count, a probability written with an exponent) goes to the exact checks of
// `LinkStateTraceLineParser.checkFull`, which also name what is wrong. So the fast path decides
// nothing the exact checks would decide differently; it is faster because a plain number costs a
// few bit operations on the masks rather than a scan of its digits.

/// Scratch masks of one line (one per parser, so per worker thread).
final class LinkStateTraceLineMasks {
    /// Bit i of word i/64 set when byte i of the line is not an ASCII digit.
    let nonDigit: UnsafeMutablePointer<UInt64>
    /// The byte offsets of the line's commas found by the last ``scan(_:_:)`` (at most 40 kept).
    let ends: UnsafeMutablePointer<Int32>
    /// Longer lines go to the exact checks.
    static let maximumBytes = 1024
    static let maximumCommas = 40

    init() {
        nonDigit = .allocate(capacity: Self.maximumBytes / 64 + 2)
        nonDigit.initialize(repeating: 0, count: Self.maximumBytes / 64 + 2)
        ends = .allocate(capacity: Self.maximumCommas + 1)
        ends.initialize(repeating: 0, count: Self.maximumCommas + 1)
    }

    deinit {
        nonDigit.deallocate()
        ends.deallocate()
    }

    /// The high bits of the 8 bytes of `high` (0x80 or 0 each) as 8 bits, byte i → bit i. The
    /// multiplier's terms 2^(7j) move byte i's bit 8i+7 to 56+i when i + j = 7, and no two
    /// (i, j) pairs land on the same bit, so nothing carries.
    @inline(__always)
    static func pack(_ high: UInt64) -> UInt64 { (high &* 0x0002_0408_1020_4081) &>> 56 }

    /// 0x80 in each byte of `w` that is a comma (exact: no borrow crosses bytes).
    @inline(__always)
    static func commaBytes(_ w: UInt64) -> UInt64 {
        let x = w ^ 0x2C2C_2C2C_2C2C_2C2C
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    /// 0x80 in each byte of `w` that is not an ASCII digit, exact when every byte is below 0x80:
    /// b + 0x50 reaches 0x80 iff b ≥ '0', b + 0x46 iff b > '9', and neither carries out of its byte.
    @inline(__always)
    static func nonDigitBytes(_ w: UInt64) -> UInt64 {
        (~(w &+ 0x5050_5050_5050_5050) | (w &+ 0x4646_4646_4646_4646)) & 0x8080_8080_8080_8080
    }

    /// Marks the `n` bytes at `p` (reading at most 7 bytes past them) and lists the commas. Returns
    /// the number of commas, or -1 when the line is too long or has a byte ≥ 0x80 (possibly among
    /// the few read past its end: the exact checks then take it, which is only slower).
    @inline(__always)
    func scan(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        guard n <= Self.maximumBytes else { return -1 }
        var high: UInt64 = 0
        var count = 0
        var chunk = 0
        while chunk < n {
            let left = n &- chunk
            var commas: UInt64 = 0, others: UInt64 = 0
            var i = 0
            while i < 64 && i < left {
                let w = LinkStateTraceNumbers.load(p + chunk + i)
                high |= w
                commas |= Self.pack(Self.commaBytes(w)) &<< UInt64(i)
                others |= Self.pack(Self.nonDigitBytes(w)) &<< UInt64(i)
                i &+= 8
            }
            if left < 64 { commas &= (1 &<< UInt64(left)) &- 1 }
            nonDigit[chunk &>> 6] = others
            let base = Int32(truncatingIfNeeded: chunk)
            while commas != 0 {
                if count < Self.maximumCommas { ends[count] = base &+ Int32(truncatingIfNeeded: commas.trailingZeroBitCount) }
                count &+= 1
                commas &= commas &- 1
            }
            chunk &+= 64
        }
        return high & 0x8080_8080_8080_8080 == 0 ? count : -1
    }

    /// The non-digit bits of the `length` (≤ 56) bytes from byte `offset` of the scanned line.
    @inline(__always)
    func nonDigits(_ offset: Int, _ length: Int) -> UInt64 {
        let word = offset &>> 6, shift = UInt64(truncatingIfNeeded: offset & 63)
        let low = nonDigit[word] &>> shift
        let high = (nonDigit[word &+ 1] &<< (63 &- shift)) &<< 1
        return (low | high) & ((1 &<< UInt64(truncatingIfNeeded: length)) &- 1)
    }

    /// True when the `length` bytes at `p` (byte `offset` of the line) are exactly
    /// `[-]digits[.digits][(e|E)[+|-]d[d]]`: a finite number the exact checks accept.
    @inline(__always)
    func plainNumber(_ p: UnsafePointer<UInt8>, _ offset: Int, _ length: Int) -> Bool {
        guard length > 0 && length <= 48 else { return false }
        var x = nonDigits(offset, length)
        var start = 0
        if p.pointee == UInt8(ascii: "-") {
            x &= ~1
            start = 1
        }
        if x == 0 { return length > start }
        var at = x.trailingZeroBitCount
        guard at > start else { return false }
        if p[at] == UInt8(ascii: ".") {
            x &= x &- 1
            let next = x == 0 ? length : x.trailingZeroBitCount
            guard next > at &+ 1 else { return false }
            if x == 0 { return true }
            at = next
        }
        // An exponent of one or two digits: with at most 48 characters the value is finite.
        guard p[at] | 0x20 == UInt8(ascii: "e") else { return false }
        x &= x &- 1
        var digits = at &+ 1
        if x != 0 {
            guard x.trailingZeroBitCount == digits,
                  p[digits] == UInt8(ascii: "-") || p[digits] == UInt8(ascii: "+") else { return false }
            x &= x &- 1
            digits &+= 1
        }
        return x == 0 && length > digits && length &- digits <= 2
    }
}

extension LinkStateTraceLineParser {
    /// ``checkFull(_:_:base:view:types:into:)`` for a plainly valid line (the exact checks would
    /// accept it and store the same fields); false, with nothing decided, for anything else.
    @inline(__always)
    static func quickCheckFull(_ lineStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>,
                               view: LinkStateTraceLinkTable.View?, types: LinkStateTraceKnownTypes?,
                               masks: LinkStateTraceLineMasks, into row: inout LinkStateTraceParsedRow) -> Bool {
        let n = end - lineStart
        let columns = LinkStateTrace.columns.count
        guard masks.scan(lineStart, n) == columns - 1 else { return false }
        let e = masks.ends
        e[columns - 1] = Int32(truncatingIfNeeded: n)
        // Field k is the bytes from e[k - 1] + 1 to e[k] (field 0 from the line's start).
        @inline(__always) func start(_ k: Int) -> Int { Int(e[k - 1]) &+ 1 }
        @inline(__always) func length(_ k: Int) -> Int { Int(e[k]) &- Int(e[k - 1]) &- 1 }
        @inline(__always) func number(_ k: Int) -> Bool {
            let a = start(k)
            return masks.plainNumber(lineStart + a, a, length(k))
        }
        let (ns, next) = LinkStateTraceNumbers.parseTime(lineStart)
        guard ns >= 0, next == lineStart + Int(e[0]),
              length(1) > 0, length(2) > 0, length(3) > 0, length(4) > 0 else { return false }
        for k in 5 ... 14 { guard number(k) else { return false } }
        // los_probability: 0, 1, 0.digits or 1.0 (each in [0, 1]); anything else is converted by the exact checks.
        let probability = start(15), probabilityLength = length(15)
        let first = lineStart[probability]
        if probabilityLength == 1 {
            guard first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return false }
        } else if first == UInt8(ascii: "0") {
            guard probabilityLength >= 3, masks.nonDigits(probability, probabilityLength) == 0b10,
                  lineStart[probability + 1] == UInt8(ascii: ".") else { return false }
        } else {
            guard probabilityLength == 3, first == UInt8(ascii: "1"), lineStart[probability + 1] == UInt8(ascii: "."),
                  lineStart[probability + 2] == UInt8(ascii: "0") else { return false }
        }
        // los: empty, 0 or 1.
        let losLength = length(16)
        guard losLength == 0 || (losLength == 1 && lineStart[start(16)] &- UInt8(ascii: "0") < 2) else { return false }
        // k_factor_db and delay_spread_s may be empty.
        guard length(17) == 0 || number(17), length(18) == 0 || number(18) else { return false }
        for k in 19 ..< columns { guard number(k) else { return false } }
        row.problem = .none
        row.time = ns
        let lineOffset = Int32(truncatingIfNeeded: lineStart - base)
        @inline(__always) func extent(_ k: Int) -> (start: Int32, length: Int32) {
            (lineOffset &+ e[k - 1] &+ 1, e[k] &- e[k - 1] &- 1)
        }
        resolveLink(id: extent(1), type: extent(2), tx: extent(3), rx: extent(4), base: base, view: view, types: types, into: &row)
        return true
    }
}
