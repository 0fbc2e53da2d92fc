/// CRC-32 (ISO 3309 / ITU-T V.42, the one PNG and zlib use) and Adler-32 (RFC 1950).
///
/// ```swift
/// Checksum.crc32(Array("123456789".utf8))   // 0xCBF43926
/// Checksum.adler32(Array("Wikipedia".utf8)) // 0x11E60398
/// ```
public enum Checksum {
    private static let crcTable: [UInt32] = (0 ..< 256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 of `bytes`, continuing from `crc` (the CRC of the bytes before; 0 to start).
    public static func crc32<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        var c = ~crc
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    /// Adler-32 of `bytes`.
    public static func adler32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var a: UInt32 = 1, b: UInt32 = 0
        var n = 0
        for byte in bytes {
            a += UInt32(byte)
            b += a
            n += 1
            if n == 5552 { a %= 65521; b %= 65521; n = 0 }  // 5552: the largest run without overflow
        }
        return (b % 65521) << 16 | (a % 65521)
    }
}

/// What went wrong while inflating.
public struct InflateError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A small DEFLATE (RFC 1951) decoder and zlib (RFC 1950) wrapper, and a stored-block encoder.
///
/// Decoding handles stored, fixed-Huffman and dynamic-Huffman blocks with canonical codes decoded
/// bit by bit (after Mark Adler's `puff`); it is meant for height maps, not for speed.
public enum Deflate {
    /// Inflates a raw DEFLATE stream.
    public static func inflate(_ input: [UInt8]) throws -> [UInt8] {
        var s = InflateState(input: input)
        try s.run()
        return s.output
    }

    /// Inflates a zlib stream (2-byte header, DEFLATE data, Adler-32 of the output) and checks the
    /// header and the checksum.
    public static func zlibDecompress(_ input: [UInt8]) throws -> [UInt8] {
        guard input.count >= 6 else { throw InflateError("zlib stream of \(input.count) bytes is too short") }
        let cmf = input[0], flg = input[1]
        guard cmf & 0x0F == 8 else { throw InflateError("zlib compression method \(cmf & 0x0F), expected 8 (deflate)") }
        guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else { throw InflateError("zlib header check bits are wrong") }
        guard flg & 0x20 == 0 else { throw InflateError("zlib preset dictionary is not supported") }
        var s = InflateState(input: input, start: 2)
        try s.run()
        let p = s.bytePosition
        guard p + 4 <= input.count else { throw InflateError("zlib stream ends before its Adler-32") }
        let stored = UInt32(input[p]) << 24 | UInt32(input[p + 1]) << 16 | UInt32(input[p + 2]) << 8 | UInt32(input[p + 3])
        let actual = Checksum.adler32(s.output)
        guard stored == actual else {
            throw InflateError("zlib Adler-32 mismatch: stream says \(hex(stored)), data gives \(hex(actual))")
        }
        return s.output
    }

    /// A zlib stream of stored (uncompressed) DEFLATE blocks, with its Adler-32.
    public static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // 32 K window, fastest; (0x7801 % 31 == 0)
        out.reserveCapacity(data.count + data.count / 65535 * 5 + 16)
        var p = 0
        repeat {
            let n = min(65535, data.count - p)
            let final: UInt8 = p + n == data.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE = 00, then byte-aligned
            out.append(UInt8(n & 0xFF)); out.append(UInt8(n >> 8))
            out.append(UInt8(~n & 0xFF)); out.append(UInt8((~n >> 8) & 0xFF))
            out.append(contentsOf: data[p ..< p + n])
            p += n
        } while p < data.count
        let a = Checksum.adler32(data)
        out += [UInt8(a >> 24), UInt8((a >> 16) & 0xFF), UInt8((a >> 8) & 0xFF), UInt8(a & 0xFF)]
        return out
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}

/// A canonical Huffman code: the number of codes of each length and the symbols in code order.
private struct Huffman {
    var count = [Int](repeating: 0, count: 16)
    var symbol: [Int]

    /// Builds the code from code lengths; throws on an over-subscribed set. An incomplete code is
    /// allowed only when it has a single code (RFC 1951 permits one distance code).
    init(lengths: ArraySlice<Int>) throws {
        symbol = [Int](repeating: 0, count: lengths.count)
        for l in lengths { count[l] += 1 }
        var left = 1
        for len in 1 ..< 16 {
            left <<= 1
            left -= count[len]
            if left < 0 { throw InflateError("over-subscribed Huffman code lengths") }
        }
        var offs = [Int](repeating: 0, count: 16)
        for len in 1 ..< 15 { offs[len + 1] = offs[len] + count[len] }
        for (k, l) in lengths.enumerated() where l != 0 {
            symbol[offs[l]] = k
            offs[l] += 1
        }
    }
}

private struct InflateState {
    let input: [UInt8]
    var pos: Int
    var bitBuffer: UInt32 = 0
    var bitCount = 0
    var output: [UInt8] = []

    init(input: [UInt8], start: Int = 0) {
        self.input = input
        pos = start
    }

    /// Position of the first byte after the stream (after discarding the partial byte).
    var bytePosition: Int { pos - bitCount / 8 }

    mutating func bits(_ n: Int) throws -> Int {
        var buf = bitBuffer
        while bitCount < n {
            guard pos < input.count else { throw InflateError("deflate data ends early (byte \(pos))") }
            buf |= UInt32(input[pos]) << UInt32(bitCount)
            pos += 1
            bitCount += 8
        }
        bitBuffer = n == 32 ? 0 : buf >> UInt32(n)
        bitCount -= n
        return Int(buf & ((1 << UInt32(n)) - 1))
    }

    mutating func decode(_ h: Huffman) throws -> Int {
        var code = 0, first = 0, index = 0
        for len in 1 ..< 16 {
            code |= try bits(1)
            let count = h.count[len]
            if code - count < first { return h.symbol[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw InflateError("invalid Huffman code")
    }

    mutating func run() throws {
        var last = 0
        repeat {
            last = try bits(1)
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(InflateState.fixedLength, InflateState.fixedDistance)
            case 2: try dynamic()
            default: throw InflateError("invalid deflate block type 3")
            }
        } while last == 0
    }

    mutating func stored() throws {
        bitBuffer = 0
        bitCount = 0
        guard pos + 4 <= input.count else { throw InflateError("stored block header ends early") }
        let len = Int(input[pos]) | Int(input[pos + 1]) << 8
        let nlen = Int(input[pos + 2]) | Int(input[pos + 3]) << 8
        pos += 4
        guard len == ~nlen & 0xFFFF else { throw InflateError("stored block length \(len) does not match its complement") }
        guard pos + len <= input.count else { throw InflateError("stored block of \(len) bytes ends early") }
        output.append(contentsOf: input[pos ..< pos + len])
        pos += len
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static let fixedLength: Huffman = {
        var l = [Int](repeating: 8, count: 288)
        for k in 144 ..< 256 { l[k] = 9 }
        for k in 256 ..< 280 { l[k] = 7 }
        return try! Huffman(lengths: l[...])
    }()
    static let fixedDistance: Huffman = try! Huffman(lengths: [Int](repeating: 5, count: 30)[...])

    mutating func codes(_ lencode: Huffman, _ distcode: Huffman) throws {
        while true {
            let sym = try decode(lencode)
            if sym < 256 {
                output.append(UInt8(sym))
            } else if sym == 256 {
                return
            } else {
                let s = sym - 257
                guard s < 29 else { throw InflateError("invalid length symbol \(sym)") }
                let len = InflateState.lengthBase[s] + (try bits(InflateState.lengthExtra[s]))
                let d = try decode(distcode)
                guard d < 30 else { throw InflateError("invalid distance symbol \(d)") }
                let dist = InflateState.distanceBase[d] + (try bits(InflateState.distanceExtra[d]))
                guard dist <= output.count else { throw InflateError("distance \(dist) reaches before the start of the output") }
                let from = output.count - dist
                for k in 0 ..< len { output.append(output[from + k]) }
            }
        }
    }

    mutating func dynamic() throws {
        let nlen = try bits(5) + 257, ndist = try bits(5) + 1, ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw InflateError("dynamic block with \(nlen) length or \(ndist) distance codes") }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var lengths = [Int](repeating: 0, count: 19)
        for k in 0 ..< ncode { lengths[order[k]] = try bits(3) }
        let lencode = try Huffman(lengths: lengths[...])
        var all = [Int](repeating: 0, count: nlen + ndist)
        var index = 0
        while index < nlen + ndist {
            var sym = try decode(lencode)
            if sym < 16 {
                all[index] = sym
                index += 1
            } else {
                var len = 0
                if sym == 16 {
                    guard index > 0 else { throw InflateError("repeat of a code length with none before") }
                    len = all[index - 1]
                    sym = 3 + (try bits(2))
                } else if sym == 17 {
                    sym = 3 + (try bits(3))
                } else {
                    sym = 11 + (try bits(7))
                }
                guard index + sym <= nlen + ndist else { throw InflateError("code length repeat runs past the end") }
                for _ in 0 ..< sym { all[index] = len; index += 1 }
            }
        }
        guard all[256] != 0 else { throw InflateError("dynamic block without an end-of-block code") }
        try codes(Huffman(lengths: all[0 ..< nlen]), Huffman(lengths: all[nlen...]))
    }
}
