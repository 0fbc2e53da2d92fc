import Foundation
import Orbits

/// A scene file that could not be read: which file, where (line, or PNG chunk / CSV column), what
/// was expected and what was found.
public struct SceneFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// 1-based line (PGM header and P2 values, CSV), nil when not line-based.
    public var line: Int?
    /// The field: a CSV column, a PNG chunk, a PGM header field.
    public var key: String?
    public var expected: String
    public var found: String

    public init(file: String, line: Int? = nil, key: String? = nil, expected: String, found: String) {
        self.file = file
        self.line = line
        self.key = key
        self.expected = expected
        self.found = found
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ":"
        if let key { s += " \(key):" }
        return s + " expected \(expected), found \(found)"
    }
}

// MARK: - PGM

extension UrbanScene {
    /// Metres per level of ``pgmData()``: heights are written in decimetres.
    public static let pgmMetresPerLevel = 0.1

    /// Loads a PGM height map (P2 ASCII or P5 binary; maxval ≤ 255 one byte per sample, ≤ 65535 two
    /// bytes big-endian). Height = level × `metresPerLevel`; the first image row is the northern edge.
    public static func loadPGM(path: String, metresPerLevel: Double, resolutionMeters: Double,
                               origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) throws -> UrbanScene {
        try parsePGM(readBytes(path), file: path, metresPerLevel: metresPerLevel, resolutionMeters: resolutionMeters, origin: origin)
    }

    /// Parses PGM bytes; `file` names the source in errors.
    public static func parsePGM(_ bytes: [UInt8], file: String, metresPerLevel: Double, resolutionMeters: Double,
                                origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) throws -> UrbanScene {
        var p = 0, line = 1
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
        // Next whitespace-separated token, skipping '#' comments; nil at the end of the data.
        func token() -> (String, Int)? {
            while p < bytes.count {
                if bytes[p] == UInt8(ascii: "#") {
                    while p < bytes.count, bytes[p] != 0x0A { p += 1 }
                } else if isSpace(bytes[p]) {
                    if bytes[p] == 0x0A { line += 1 }
                    p += 1
                } else { break }
            }
            guard p < bytes.count else { return nil }
            let start = p
            while p < bytes.count, !isSpace(bytes[p]), bytes[p] != UInt8(ascii: "#") { p += 1 }
            return (String(decoding: bytes[start ..< p], as: UTF8.self), line)
        }
        func number(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let (t, l) = token() else {
                throw SceneFileError(file: file, line: line, key: key, expected: "an integer in \(range)", found: "end of file")
            }
            guard let v = Int(t), range.contains(v) else {
                throw SceneFileError(file: file, line: l, key: key, expected: "an integer in \(range)", found: "'\(t)'")
            }
            return v
        }
        guard let (magic, _) = token(), magic == "P2" || magic == "P5" else {
            let found = bytes.prefix(2).allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) ? "'\(String(decoding: bytes.prefix(2), as: UTF8.self))'" : "binary data"
            throw SceneFileError(file: file, line: 1, key: "magic", expected: "'P2' or 'P5'", found: found)
        }
        let w = try number("width", 1 ... 1 << 16), h = try number("height", 1 ... 1 << 16)
        let maxval = try number("maxval", 1 ... 65535)
        var levels = [Int](repeating: 0, count: w * h)
        if magic == "P2" {
            for k in 0 ..< w * h {
                levels[k] = try number("sample \(k + 1) of \(w * h)", 0 ... maxval)
            }
        } else {
            guard p < bytes.count, isSpace(bytes[p]) else {
                throw SceneFileError(file: file, line: line, key: "maxval", expected: "one whitespace byte before the raster", found: "end of file")
            }
            p += 1
            let bps = maxval < 256 ? 1 : 2
            guard bytes.count - p >= w * h * bps else {
                throw SceneFileError(file: file, key: "raster", expected: "\(w * h * bps) bytes (\(w)×\(h), \(bps) per sample)", found: "\(bytes.count - p)")
            }
            for k in 0 ..< w * h {
                let v = bps == 1 ? Int(bytes[p + k]) : Int(bytes[p + 2 * k]) << 8 | Int(bytes[p + 2 * k + 1])
                guard v <= maxval else {
                    throw SceneFileError(file: file, key: "sample \(k + 1)", expected: "a level ≤ maxval \(maxval)", found: "\(v)")
                }
                levels[k] = v
            }
        }
        return fromImageLevels(levels, width: w, height: h, metresPerLevel: metresPerLevel, resolutionMeters: resolutionMeters, origin: origin)
    }

    /// The scene as a 16-bit binary PGM (P5, maxval 65535, big-endian): level = height in
    /// decimetres (``pgmMetresPerLevel``), rounded, capped at 6553.5 m; the first row is the north edge.
    public func pgmData() -> [UInt8] {
        let header = "P5\n# sagin urban scene: 0.1 m per level, \(resolutionMeters) m per cell, north up\n\(width) \(height)\n65535\n"
        var out = Array(header.utf8)
        out.reserveCapacity(out.count + 2 * width * height)
        for v in imageLevels(metresPerLevel: Self.pgmMetresPerLevel, maxLevel: 65535) {
            out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF))
        }
        return out
    }

    /// Writes ``pgmData()`` to `path`.
    public func writePGM(path: String) throws {
        try Data(pgmData()).write(to: URL(fileURLWithPath: path))
    }

    /// Heights as image levels, northernmost row first.
    func imageLevels(metresPerLevel: Double, maxLevel: Int) -> [Int] {
        var out = [Int](repeating: 0, count: width * height)
        for r in 0 ..< height {
            let src = (height - 1 - r) * width
            for c in 0 ..< width {
                out[r * width + c] = min(maxLevel, max(0, Int((Double(heights[src + c]) / metresPerLevel).rounded())))
            }
        }
        return out
    }

    /// A scene from image levels, northernmost row first.
    static func fromImageLevels(_ levels: [Int], width w: Int, height h: Int, metresPerLevel: Double, resolutionMeters: Double,
                                origin: Geodetic) -> UrbanScene {
        var heights = [Float](repeating: 0, count: w * h)
        for r in 0 ..< h {
            let dst = (h - 1 - r) * w
            for c in 0 ..< w { heights[dst + c] = Float(Double(levels[r * w + c]) * metresPerLevel) }
        }
        return UrbanScene(width: w, height: h, resolutionMeters: resolutionMeters, heights: heights, origin: origin)
    }

    static func readBytes(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw SceneFileError(file: path, expected: "a readable file", found: "none")
        }
        return [UInt8](d)
    }
}

// MARK: - CSV footprints

extension UrbanScene {
    /// The header a footprint CSV must start with.
    public static let footprintHeader = ["x_min_m", "y_min_m", "x_max_m", "y_max_m", "height_m"]

    /// Loads building footprints (axis-aligned rectangles in scene metres, one per line after the
    /// header `x_min_m,y_min_m,x_max_m,y_max_m,height_m`) and rasterises them onto a `width` ×
    /// `height` grid of `resolutionMeters` cells centred on the origin: a cell takes the height of
    /// the tallest rectangle containing its centre (x_min ≤ x < x_max, y_min ≤ y < y_max).
    /// Blank lines and lines starting with '#' are skipped.
    public static func loadFootprintsCSV(path: String, width: Int, height: Int, resolutionMeters: Double,
                                         origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) throws -> UrbanScene {
        guard let text = String(data: Data(try readBytes(path)), encoding: .utf8) else {
            throw SceneFileError(file: path, expected: "UTF-8 text", found: "undecodable bytes")
        }
        return try parseFootprintsCSV(text, file: path, width: width, height: height, resolutionMeters: resolutionMeters, origin: origin)
    }

    /// Parses footprint CSV text; `file` names the source in errors.
    public static func parseFootprintsCSV(_ text: String, file: String, width: Int, height: Int, resolutionMeters res: Double,
                                          origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) throws -> UrbanScene {
        var raster = [Float](repeating: 0, count: width * height)
        let x0 = -Double(width) * res / 2, y0 = -Double(height) * res / 2
        var sawHeader = false
        for (k, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = k + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawHeader {
                guard fields == footprintHeader else {
                    throw SceneFileError(file: file, line: lineNo, key: "header", expected: "'\(footprintHeader.joined(separator: ","))'", found: "'\(line)'")
                }
                sawHeader = true
                continue
            }
            guard fields.count == 5 else {
                throw SceneFileError(file: file, line: lineNo, expected: "5 fields", found: "\(fields.count)")
            }
            var v = [Double](repeating: 0, count: 5)
            for (f, name) in footprintHeader.enumerated() {
                guard let x = Double(fields[f]), x.isFinite else {
                    throw SceneFileError(file: file, line: lineNo, key: name, expected: "a number", found: "'\(fields[f])'")
                }
                v[f] = x
            }
            guard v[2] > v[0] else {
                throw SceneFileError(file: file, line: lineNo, key: "x_max_m", expected: "a value > x_min_m \(v[0])", found: "\(v[2])")
            }
            guard v[3] > v[1] else {
                throw SceneFileError(file: file, line: lineNo, key: "y_max_m", expected: "a value > y_min_m \(v[1])", found: "\(v[3])")
            }
            guard v[4] >= 0 else {
                throw SceneFileError(file: file, line: lineNo, key: "height_m", expected: "a height ≥ 0", found: "\(v[4])")
            }
            // Cells whose centres x0 + (c + 0.5)·res lie in [x_min, x_max).
            func index(_ v: Double, _ n: Int) -> Int {
                let f = (v - 0.5).rounded(.up)
                return f <= 0 ? 0 : (f >= Double(n) ? n : Int(f))
            }
            let c0 = index((v[0] - x0) / res, width), c1 = index((v[2] - x0) / res, width)
            let r0 = index((v[1] - y0) / res, height), r1 = index((v[3] - y0) / res, height)
            let hgt = Float(v[4])
            if c0 < c1, r0 < r1 {
                for r in r0 ..< r1 { for c in c0 ..< c1 { raster[r * width + c] = max(raster[r * width + c], hgt) } }
            }
        }
        guard sawHeader else {
            throw SceneFileError(file: file, line: 1, key: "header", expected: "'\(footprintHeader.joined(separator: ","))'", found: "an empty file")
        }
        return UrbanScene(width: width, height: height, resolutionMeters: res, heights: raster, origin: origin)
    }
}

extension UrbanScene {
    /// The built cells as footprint CSV (the format of ``loadFootprintsCSV(path:width:height:resolutionMeters:origin:)``):
    /// one rectangle per maximal run of equal-height cells along a row, so reloading it onto the same
    /// grid gives the same raster.
    public func footprintsCSV() -> String {
        var lines = [Self.footprintHeader.joined(separator: ",")]
        let x0 = -widthMeters / 2, y0 = -heightMeters / 2, res = resolutionMeters
        for r in 0 ..< height {
            var c = 0
            while c < width {
                let h = heights[r * width + c]
                guard h > 0 else { c += 1; continue }
                var e = c + 1
                while e < width, heights[r * width + e] == h { e += 1 }
                lines.append("\(x0 + Double(c) * res),\(y0 + Double(r) * res),\(x0 + Double(e) * res),\(y0 + Double(r + 1) * res),\(h)")
                c = e
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
