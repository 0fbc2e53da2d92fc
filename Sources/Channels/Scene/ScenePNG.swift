import Foundation
import Orbits

/// A decoded greyscale PNG: samples row by row from the top, 8- or 16-bit.
public struct GreyImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var bitDepth: Int
    /// Samples, top row first (0…255 or 0…65535).
    public var samples: [Int]
    /// tEXt chunks (keyword → text).
    public var text: [String: String]
}

/// PNG reading (greyscale, 8/16-bit, non-interlaced, all five filter types) and writing (8-bit
/// greyscale, stored deflate blocks).
public enum PNGCodec {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes PNG bytes; `file` names the source in errors (the key names the chunk).
    public static func decode(_ bytes: [UInt8], file: String) throws -> GreyImage {
        func fail(_ key: String, _ expected: String, _ found: String) -> SceneFileError {
            SceneFileError(file: file, key: key, expected: expected, found: found)
        }
        guard bytes.count >= 8, Array(bytes[0 ..< 8]) == signature else {
            throw fail("signature", "the PNG signature 89 50 4E 47 0D 0A 1A 0A", bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " "))
        }
        func be32(_ p: Int) -> Int { Int(bytes[p]) << 24 | Int(bytes[p + 1]) << 16 | Int(bytes[p + 2]) << 8 | Int(bytes[p + 3]) }
        var p = 8
        var width = 0, height = 0, depth = 0
        var sawHeader = false, sawEnd = false
        var idat: [UInt8] = []
        var text: [String: String] = [:]
        while p < bytes.count {
            guard p + 12 <= bytes.count else { throw fail("chunk", "a 12-byte chunk frame at byte \(p)", "\(bytes.count - p) bytes") }
            let length = be32(p)
            let type = String(decoding: bytes[p + 4 ..< p + 8], as: UTF8.self)
            guard length <= bytes.count - p - 12 else { throw fail(type, "\(length) data bytes", "\(bytes.count - p - 12)") }
            let data = bytes[p + 8 ..< p + 8 + length]
            let stored = UInt32(be32(p + 8 + length))
            let crc = Checksum.crc32(bytes[p + 4 ..< p + 8 + length])
            guard stored == crc else { throw fail(type, "CRC-32 \(Deflate.hex(crc))", Deflate.hex(stored)) }
            p += 12 + length
            if !sawHeader && type != "IHDR" { throw fail(type, "IHDR as the first chunk", type) }
            switch type {
            case "IHDR":
                guard length == 13 else { throw fail("IHDR", "13 bytes", "\(length)") }
                let d = Array(data)
                width = Int(d[0]) << 24 | Int(d[1]) << 16 | Int(d[2]) << 8 | Int(d[3])
                height = Int(d[4]) << 24 | Int(d[5]) << 16 | Int(d[6]) << 8 | Int(d[7])
                depth = Int(d[8])
                guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else { throw fail("IHDR", "a size within 1…65536", "\(width)×\(height)") }
                guard depth == 8 || depth == 16 else { throw fail("IHDR", "bit depth 8 or 16", "\(depth)") }
                guard d[9] == 0 else { throw fail("IHDR", "colour type 0 (greyscale)", "\(d[9])") }
                guard d[10] == 0, d[11] == 0 else { throw fail("IHDR", "compression and filter method 0", "\(d[10]), \(d[11])") }
                guard d[12] == 0 else { throw fail("IHDR", "interlace method 0 (none)", "\(d[12])") }
                sawHeader = true
            case "IDAT":
                idat.append(contentsOf: data)
            case "tEXt":
                if let z = data.firstIndex(of: 0) {
                    text[String(decoding: data[data.startIndex ..< z], as: UTF8.self)] = String(decoding: data[(z + 1)...], as: UTF8.self)
                }
            case "IEND":
                sawEnd = true
            default:
                // Unknown critical chunks (upper-case first letter) cannot be skipped.
                if let f = type.utf8.first, f >= 0x41, f <= 0x5A { throw fail(type, "a known critical chunk", type) }
            }
            if sawEnd { break }
        }
        guard sawEnd else { throw fail("IEND", "an IEND chunk", "end of file") }
        guard !idat.isEmpty else { throw fail("IDAT", "image data", "no IDAT chunk") }
        let raw: [UInt8]
        do { raw = try Deflate.zlibDecompress(idat) } catch { throw fail("IDAT", "a valid zlib stream", "\(error)") }
        let bpp = depth / 8, stride = width * bpp
        guard raw.count == height * (stride + 1) else {
            throw fail("IDAT", "\(height * (stride + 1)) bytes after inflating", "\(raw.count)")
        }
        var rows = [UInt8](repeating: 0, count: height * stride)
        for r in 0 ..< height {
            let filter = raw[r * (stride + 1)]
            let src = r * (stride + 1) + 1, dst = r * stride, up = dst - stride
            for k in 0 ..< stride {
                let x = Int(raw[src + k])
                let a = k >= bpp ? Int(rows[dst + k - bpp]) : 0
                let b = r > 0 ? Int(rows[up + k]) : 0
                let c = (r > 0 && k >= bpp) ? Int(rows[up + k - bpp]) : 0
                let v: Int
                switch filter {
                case 0: v = x
                case 1: v = x + a
                case 2: v = x + b
                case 3: v = x + (a + b) / 2
                case 4:
                    let pp = a + b - c, pa = abs(pp - a), pb = abs(pp - b), pc = abs(pp - c)
                    v = x + (pa <= pb && pa <= pc ? a : (pb <= pc ? b : c))
                default: throw fail("IDAT", "filter type 0…4 on row \(r + 1)", "\(filter)")
                }
                rows[dst + k] = UInt8(truncatingIfNeeded: v)
            }
        }
        let samples: [Int] = depth == 8 ? rows.map { Int($0) } : (0 ..< width * height).map { Int(rows[2 * $0]) << 8 | Int(rows[2 * $0 + 1]) }
        return GreyImage(width: width, height: height, bitDepth: depth, samples: samples, text: text)
    }

    /// Encodes an 8-bit greyscale PNG (filter 0, stored deflate blocks) with optional tEXt chunks.
    public static func encode8(width: Int, height: Int, samples: [UInt8], text: [(String, String)] = []) -> [UInt8] {
        precondition(samples.count == width * height)
        var out = signature
        func chunk(_ type: String, _ data: [UInt8]) {
            let n = data.count
            out += [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            let body = Array(type.utf8) + data
            out += body
            let c = Checksum.crc32(body)
            out += [UInt8(c >> 24), UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)]
        }
        func be(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        chunk("IHDR", be(width) + be(height) + [8, 0, 0, 0, 0])
        for (k, v) in text { chunk("tEXt", Array(k.utf8) + [0] + Array(v.utf8)) }
        var raw = [UInt8]()
        raw.reserveCapacity(height * (width + 1))
        for r in 0 ..< height {
            raw.append(0)
            raw.append(contentsOf: samples[r * width ..< (r + 1) * width])
        }
        chunk("IDAT", Deflate.zlibStored(raw))
        chunk("IEND", [])
        return out
    }
}

extension UrbanScene {
    /// tEXt keyword under which ``pngData(metresPerLevel:)`` records its scale.
    public static let pngScaleKey = "sagin:metres-per-level"

    /// Default PNG scale: the tallest building maps to level 255 (at least 1/255 m per level).
    public var pngDefaultMetresPerLevel: Double { max(Double(maxHeightMeters), 1) / 255 }

    /// The scene as an 8-bit greyscale PNG, north up: level = round(height / metresPerLevel), capped
    /// at 255. The scale (default ``pngDefaultMetresPerLevel``) and the resolution are written as tEXt
    /// chunks `sagin:metres-per-level` and `sagin:metres-per-cell`.
    public func pngData(metresPerLevel: Double? = nil) -> [UInt8] {
        let scale = metresPerLevel ?? pngDefaultMetresPerLevel
        let levels = imageLevels(metresPerLevel: scale, maxLevel: 255).map { UInt8($0) }
        return PNGCodec.encode8(width: width, height: height, samples: levels,
                                text: [(Self.pngScaleKey, "\(scale)"), ("sagin:metres-per-cell", "\(resolutionMeters)")])
    }

    /// Writes ``pngData(metresPerLevel:)`` to `path`.
    public func writePNG(path: String, metresPerLevel: Double? = nil) throws {
        try Data(pngData(metresPerLevel: metresPerLevel)).write(to: URL(fileURLWithPath: path))
    }

    /// Loads a greyscale PNG height map (8- or 16-bit). Height = level × `metresPerLevel`; when it is
    /// nil the file's `sagin:metres-per-level` tEXt chunk is used. The first row is the north edge.
    public static func loadPNG(path: String, metresPerLevel: Double? = nil, resolutionMeters: Double,
                               origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) throws -> UrbanScene {
        try parsePNG(readBytes(path), file: path, metresPerLevel: metresPerLevel, resolutionMeters: resolutionMeters, origin: origin)
    }

    /// Parses PNG bytes; `file` names the source in errors.
    public static func parsePNG(_ bytes: [UInt8], file: String, metresPerLevel: Double? = nil, resolutionMeters: Double,
                                origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) throws -> UrbanScene {
        let image = try PNGCodec.decode(bytes, file: file)
        let scale: Double
        if let metresPerLevel {
            scale = metresPerLevel
        } else if let t = image.text[pngScaleKey], let s = Double(t), s > 0 {
            scale = s
        } else {
            throw SceneFileError(file: file, key: "tEXt \(pngScaleKey)", expected: "a positive scale (or pass metresPerLevel)",
                                 found: image.text[pngScaleKey].map { "'\($0)'" } ?? "none")
        }
        return fromImageLevels(image.samples, width: image.width, height: image.height, metresPerLevel: scale,
                               resolutionMeters: resolutionMeters, origin: origin)
    }
}
