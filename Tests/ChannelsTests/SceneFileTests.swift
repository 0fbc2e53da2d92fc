import Foundation
import Testing
import SimCore
@testable import Channels

/// Scene files: checksums, inflate, PNG, PGM and footprint CSV round trips and located errors.
/// The compressed vectors were made with CPython's zlib (level 9; Z_FIXED for the fixed-Huffman one)
/// and the PNGs with a small Python writer using filter type (row mod 5) on every row.
@Suite struct SceneFileTests {
    @Test func checksumsMatchKnownValues() {
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksum.crc32([UInt8]()) == 0)
        #expect(Checksum.adler32([UInt8]()) == 1)
        // Continuation: CRC of a split input equals the CRC of the whole.
        let s = Array("123456789".utf8)
        #expect(Checksum.crc32(s[5...], continuing: Checksum.crc32(s[..<5])) == 0xCBF4_3926)
        // Adler-32 of 100,000 bytes of 0xFF (beyond the 5552-byte reduction window) against the
        // definition, reducing modulo 65521 at every byte.
        let big = [UInt8](repeating: 0xFF, count: 100_000)
        var a: UInt64 = 1, b: UInt64 = 0
        for x in big { a = (a + UInt64(x)) % 65521; b = (b + a) % 65521 }
        #expect(Checksum.adler32(big) == UInt32(b << 16 | a))
        #expect(Checksum.adler32(big) == 0x149A_302C)  // CPython zlib.adler32
    }

    static let fox = Array(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 20).utf8) + (0 ... 255).map { UInt8($0) }

    @Test func inflateFixedAndDynamicAndStored() throws {
        let fixed = [UInt8](Data(base64Encoded: "C8lIVSgszUzOVkgqyi/PU0jLr1DIKs0tKFbIL0stUigBSuckVlUqpOSn6ymEjCoeVTyqmNqKGRiZmFlY2dg5OLm4eXj5+AUEhYRFRMXEJSSlpGVk5eQVFJWUVVTV1DU0tbR1dPX0DQyNjE1MzcwtLK2sbWzt7B0cnZxdXN3cPTy9vH18/fwDAoOCQ0LDwiMio6JjYuPiExKTklNS09IzMrOyc3Lz8gsKi4pLSsvKKyqrqmtq6+obGpuaW1rb2js6u7p7evv6J0ycNHnK1GnTZ8ycNXvO3HnzFyxctHjJ0mXLV6xctXrN2nXrN2zctHnL1m3bd+zctXvP3n37Dxw8dPjI0WPHT5w8dfrM2XPnL1y8dPnK1WvXb9y8dfvO3Xv3Hzx89PjJ02fPX7x89frN23fvP3z89PnL12/ff/z89fvP33//AQ==")!)
        #expect((fixed[0] >> 1) & 3 == 1)
        #expect(try Deflate.inflate(fixed) == Self.fox)
        #expect(try Deflate.zlibDecompress([UInt8](Data(base64Encoded: "eNoLyUhVKCzNTM5WSCrKL89TSMuvUMgqzS0oVsgvSy1SKAFK5yRWVSqk5KfrKYSMKh5VPKqY2ooZGJmYWVjZ2Dk4ubh5ePn4BQSFhEVExcQlJKWkZWTl5BUUlZRVVNXUNTS1tHV09fQNDI2MTUzNzC0sraxtbO3sHRydnF1c3dw9PL28fXz9/AMCg4JDQsPCIyKjomNi4+ITEpOSU1LT0jMys7JzcvPyCwqLiktKy8orKquqa2rr6hsam5pbWtvaOzq7unt6+/onTJw0ecrUadNnzJw1e87cefMXLFy0eMnSZctXrFy1es3ades3bNy0ecvWbdt37Ny1e8/effsPHDx0+MjRY8dPnDx1+szZc+cvXLx0+crVa9dv3Lx1+87de/cfPHz0+MnTZ89fvHz1+s3bd+8/fPz0+cvXb99//Pz1+8/ff/8BFJfCnA==")!)) == Self.fox)
        let dynamic = [UInt8](Data(base64Encoded: "bVYJjqMwEPwKX4OMNVgLxJrEEuL163b1USaRQkLch6urD3ub9+VnnlJ55e15TEedypqnJb3n6Xfe93l65d/2/ZO2trLX6T1XSP/W5yS/pHpm+eD9vd5dnOpWPMAddGQ/edyzvMhz2P/V94EnA/tvLqX7tQXGKh6ggNVH2+ISHyGWR3ZOCA0CaDeHFojBqrpJx5y7Pw9sA4vPPT/+morY2PtuMBBGhyDemaDAKqwW8pd+wys0DAYsgVmsTg1vGxNashMviDkhsqtq64/ganhr2HIksMV3foIFsQi/fRuAFgEAW25FbQxFdA4I2q7zVtaZabuYdQRaNBR54MPixK4g9ei1UwzVBVTw2wSIvkdg1mfmVcF1dkwCrVnAbRqYv3gJCqKNN8Si/HXN7hiQIfzYmoinzHgeGyZJs+dmzcqoxL1wiFGZIAIfJ7AgJucR4bADahNFYbsuIUEUgvRb91EwUIxdaoyaRMF0gshs7xmEN8duCCUMqy/1PNQJWBm6iCv2sgGmqdB/ex3oRjxQEXGUM7YUne5VbS+dIygBWONbFKzFvEZ4nnjdchkbrNJLERKgwbdFhErWuiX6jCxYtoX24eE8DGFMQSs6rJivMZNaQnslKqTk4E4a75XNQ6fkhIH6hgEwHZX7Emssv3xipgFCoj7xkljjHLgD13G932t1PE6YWx1iHpbkAWvUt5YkSkcMJrEAt9TNXcdPjcRd5VniNhZTHe79vB3Q2z+RRDEPTVy/0jYwSnkGBD4GFyoKwWNb6SGZP5WjdHusNDBAIcBxa1nCIbkNHB55duPwvjObAVHwbiOTSOcpR4n00r2hiOKGR7/d2LRHqmHOo8OmM1XccN74RWGN1Ef/aN/Evn5p0Do4vKBOv718aS8/VFUGDmIsaOM0v1ALt0x7lDNfOXiE0JUgkh6nHhH9sEF/3Fuxp22uNqGHaMKpD2/PRJfpYFqHRbzW4YQmsR0UIOELT6dC9TnN3drnst/i4OtKnwTEPCheLlbH+MdF7HdUOwxpsiwxaXhERe3TcWFlBc9A99Brtmah0B2BDjcd3XDAp8Erx0z8Dw==")!)
        #expect((dynamic[0] >> 1) & 3 == 2)
        let text = try Deflate.inflate(dynamic)
        #expect(text.count == 3124 && Checksum.crc32(text) == 870_304_042)
        #expect(String(decoding: text, as: UTF8.self).split(separator: " ").count == 600)
        // Stored blocks, across the 65,535-byte block limit.
        let data = (0 ..< 150_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        #expect(try Deflate.zlibDecompress(Deflate.zlibStored(data)) == data)
        #expect(try Deflate.zlibDecompress(Deflate.zlibStored([])) == [])
        // A corrupted checksum is reported.
        var bad = Deflate.zlibStored(Array("hello".utf8))
        bad[bad.count - 1] ^= 1
        #expect(throws: InflateError.self) { try Deflate.zlibDecompress(bad) }
    }

    @Test func pngReaderAllFiltersBothDepths() throws {
        let p8 = try PNGCodec.decode([UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAKCAAAAABdpxvRAAAADHRFWHRDb21tZW50AHRlc3RXYSvpAAAARUlEQVR42mNg4BZT1DF3YlQVAAMmVS19E0s7Z2YvJVV1LR19FlV5EHBm2HmXUdUzdyLjPU0wgKtT1zc0MbO0ZgHxLewsAP/YDjW4w2LVAAAAAElFTkSuQmCC")!), file: "p8.png")
        #expect(p8.width == 7 && p8.height == 10 && p8.bitDepth == 8 && p8.text["Comment"] == "test")
        #expect(p8.samples == (0 ..< 70).map { k in let r = k / 7, c = k % 7; return (r * 37 + c * 11 + r * c * 5) % 256 })
        let p16 = try PNGCodec.decode([UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAYAAAAKEAAAAADi9aysAAAADHRFWHRDb21tZW50AHRlc3RXYSvpAAAAdElEQVR42mNgYGC5xLmEr0zYQ0KKUVmT4zb7bQ4wZFLWVDPSstZx0fc1CmN2C5ISkBGRmyk/V3ERi7Km4DcYZFh/9vCZ66dfn/p/UvgE46Vv4hwSHOJgyKSiqW6kCTNgnqWSmrK2qr6aiYYF0AAFZQhUVAYA0lckdQxydC8AAAAASUVORK5CYII=")!), file: "p16.png")
        #expect(p16.width == 6 && p16.height == 10 && p16.bitDepth == 16)
        #expect(p16.samples == (0 ..< 60).map { k in let r = k / 6, c = k % 6; return (r * 9001 + c * 1234 + r * c * 777) % 65536 })
        // As a scene: the first image row is the north edge (row height − 1).
        let scene = try UrbanScene.parsePNG([UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAYAAAAKEAAAAADi9aysAAAADHRFWHRDb21tZW50AHRlc3RXYSvpAAAAdElEQVR42mNgYGC5xLmEr0zYQ0KKUVmT4zb7bQ4wZFLWVDPSstZx0fc1CmN2C5ISkBGRmyk/V3ERi7Km4DcYZFh/9vCZ66dfn/p/UvgE46Vv4hwSHOJgyKSiqW6kCTNgnqWSmrK2qr6aiYYF0AAFZQhUVAYA0lckdQxydC8AAAAASUVORK5CYII=")!), file: "p16.png", metresPerLevel: 0.01, resolutionMeters: 2)
        #expect(scene.height(column: 3, row: 9) == Float(Double(3 * 1234) * 0.01))
        #expect(scene.height(column: 3, row: 0) == Float(Double((9 * 9001 + 3 * 1234 + 27 * 777) % 65536) * 0.01))
    }

    static func smallCity() -> UrbanScene {
        UrbanScene.generate(parameters: .denseUrban, widthMeters: 200, heightMeters: 160, resolutionMeters: 1,
                            rng: RandomStreams(seed: 4).stream("scene"))
    }

    @Test func pngRoundTrip() throws {
        let scene = Self.smallCity()
        let bytes = scene.pngData()
        // Chunk CRCs as written: IHDR's CRC over its type and data.
        #expect(Array(bytes[12 ..< 16]) == Array("IHDR".utf8))
        let ihdrCRC = UInt32(bytes[29]) << 24 | UInt32(bytes[30]) << 16 | UInt32(bytes[31]) << 8 | UInt32(bytes[32])
        #expect(ihdrCRC == Checksum.crc32(bytes[12 ..< 29]))
        let path = NSTemporaryDirectory() + "scene-\(getpid()).png"
        try scene.writePNG(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try UrbanScene.loadPNG(path: path, resolutionMeters: 1)  // scale from the tEXt chunk
        let scale = scene.pngDefaultMetresPerLevel
        #expect(back.width == scene.width && back.height == scene.height)
        #expect(zip(back.heights, scene.heights).allSatisfy { abs(Double($0) - Double($1)) <= scale / 2 + 1e-4 })
        #expect(zip(back.heights, scene.heights).allSatisfy { ($0 > 0) == ($1 >= Float(scale / 2)) })
    }

    @Test func pngErrorsNameTheChunk() {
        var bytes = Self.smallCity().pngData()
        bytes[20] ^= 0x40  // inside IHDR's data: its CRC no longer matches
        #expect {
            try UrbanScene.parsePNG(bytes, file: "city.png", resolutionMeters: 1)
        } throws: { error in
            let e = error as? SceneFileError
            return e?.file == "city.png" && e?.key == "IHDR" && "\(error)".contains("CRC-32")
        }
        #expect {
            try UrbanScene.parsePNG(Array("GIF89a.....".utf8), file: "x.png", resolutionMeters: 1)
        } throws: { error in (error as? SceneFileError)?.key == "signature" }
        // Without a scale and without the tEXt chunk.
        #expect {
            try UrbanScene.parsePNG([UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAKCAAAAABdpxvRAAAADHRFWHRDb21tZW50AHRlc3RXYSvpAAAARUlEQVR42mNg4BZT1DF3YlQVAAMmVS19E0s7Z2YvJVV1LR19FlV5EHBm2HmXUdUzdyLjPU0wgKtT1zc0MbO0ZgHxLewsAP/YDjW4w2LVAAAAAElFTkSuQmCC")!), file: "p8.png", resolutionMeters: 1)
        } throws: { error in "\(error)".contains("sagin:metres-per-level") }
    }

    @Test func pgmRoundTripAndAsciiAndEightBit() throws {
        let scene = Self.smallCity()
        let path = NSTemporaryDirectory() + "scene-\(getpid()).pgm"
        try scene.writePGM(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try UrbanScene.loadPGM(path: path, metresPerLevel: UrbanScene.pgmMetresPerLevel, resolutionMeters: 1)
        #expect(back.width == 200 && back.height == 160)
        #expect(zip(back.heights, scene.heights).allSatisfy { abs($0 - $1) <= 0.05 + 1e-4 })
        // P2 with comments, 3 × 2, north row first.
        let p2 = "P2\n# a comment\n3 2 # width height\n100\n1 2 3\n4 5 100\n"
        let a = try UrbanScene.parsePGM(Array(p2.utf8), file: "a.pgm", metresPerLevel: 0.5, resolutionMeters: 1)
        #expect(a.heights == [2, 2.5, 50, 0.5, 1, 1.5])  // row 0 (south) = last image row
        // P5 8-bit.
        let p5 = Array("P5 2 2 255\n".utf8) + [0, 10, 20, 255]
        let b = try UrbanScene.parsePGM(p5, file: "b.pgm", metresPerLevel: 1, resolutionMeters: 1)
        #expect(b.heights == [20, 255, 0, 10])
    }

    @Test func pgmErrorsNameTheLine() {
        let cases: [(String, Int, String)] = [
            ("P2\n3 x\n255\n", 2, "height"),
            ("P3\n1 1\n255\n0\n", 1, "magic"),
            ("P2\n2 1\n255\n0\n\n 300\n", 6, "sample 2 of 2"),
        ]
        for (text, line, key) in cases {
            #expect {
                try UrbanScene.parsePGM(Array(text.utf8), file: "bad.pgm", metresPerLevel: 1, resolutionMeters: 1)
            } throws: { error in
                let e = error as? SceneFileError
                return e?.file == "bad.pgm" && e?.line == line && e?.key == key
            }
        }
        #expect(throws: SceneFileError.self) {
            try UrbanScene.parsePGM(Array("P5 4 4 255\n".utf8) + [1, 2, 3], file: "short.pgm", metresPerLevel: 1, resolutionMeters: 1)
        }
    }

    @Test func footprintCSV() throws {
        let csv = """
        x_min_m,y_min_m,x_max_m,y_max_m,height_m
        # a comment line
        -10,-10,0,5,12.5
        -5,-5,5,0,30
        """
        let s = try UrbanScene.parseFootprintsCSV(csv, file: "f.csv", width: 40, height: 40, resolutionMeters: 1)
        #expect(s.height(at: SIMD2(-9.5, -9.5)) == 12.5)
        #expect(s.height(at: SIMD2(-0.5, 4.5)) == 12.5)
        #expect(s.height(at: SIMD2(0.5, 4.5)) == 0)
        #expect(s.height(at: SIMD2(-2.5, -2.5)) == 30)  // overlap: the taller one
        #expect(s.height(at: SIMD2(4.5, -0.5)) == 30)
        #expect(s.heights.filter { $0 > 0 }.count == 150 + 50 - 25)
        // Round trip through footprintsCSV().
        let city = Self.smallCity()
        let back = try UrbanScene.parseFootprintsCSV(city.footprintsCSV(), file: "city.csv", width: city.width, height: city.height,
                                                     resolutionMeters: city.resolutionMeters)
        #expect(back.heights == city.heights)
    }

    @Test func footprintCSVErrorsNameLineAndColumn() {
        let cases: [(String, Int, String)] = [
            ("x,y,z\n", 1, "header"),
            ("x_min_m,y_min_m,x_max_m,y_max_m,height_m\n0,0,1,1,5\n0,0,1,1,tall\n", 3, "height_m"),
            ("x_min_m,y_min_m,x_max_m,y_max_m,height_m\n5,0,1,1,5\n", 2, "x_max_m"),
        ]
        for (text, line, key) in cases {
            #expect {
                try UrbanScene.parseFootprintsCSV(text, file: "bad.csv", width: 10, height: 10, resolutionMeters: 1)
            } throws: { error in
                let e = error as? SceneFileError
                return e?.file == "bad.csv" && e?.line == line && e?.key == key && "\(error)".hasPrefix("bad.csv:\(line):")
            }
        }
        #expect {
            try UrbanScene.parseFootprintsCSV("x_min_m,y_min_m,x_max_m,y_max_m,height_m\n1,2,3\n", file: "bad.csv", width: 10, height: 10, resolutionMeters: 1)
        } throws: { error in "\(error)" == "bad.csv:2: expected 5 fields, found 3" }
    }
}
