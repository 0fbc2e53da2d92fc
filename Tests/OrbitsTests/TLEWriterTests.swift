import Foundation
import Testing
@testable import Orbits
import SimCore

/// Lines of a file in `<package>/../shared/reference/tle/`, or `nil` with a printed reason.
fileprivate func tleWriterTestReferenceLines(_ file: String) -> [String]? {
    guard let dir = sharedReference("tle"), let text = try? String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8) else { return nil }
    return text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
}

/// A deliberately naive column reader (independent of TLEParser) for the round-trip test.
fileprivate func tleWriterTestNaiveFields(name: String?, _ l1: String, _ l2: String) -> TLE? {
    let a = Array(l1), b = Array(l2)
    func col(_ s: [Character], _ from: Int, _ to: Int) -> String { String(s[(from - 1) ..< to]).trimmingCharacters(in: .whitespaces) }
    func expField(_ s: String) -> Double? {
        // "±NNNNN±N" → ±0.NNNNN × 10^±N
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.count >= 7 else { return nil }
        let expPart = String(t.suffix(2)), mant = String(t.dropLast(2))
        guard let m = Double(mant.hasPrefix("-") ? "-0." + mant.dropFirst() : (mant.hasPrefix("+") ? "0." + mant.dropFirst() : "0." + mant)),
              let e = Int(expPart) else { return nil }
        return m * pow(10, Double(e))
    }
    func impliedLeadingZero(_ s: String) -> String {
        // ".00000204" → "0.00000204", "-.00003967" → "-0.00003967"
        if s.hasPrefix("-.") { return "-0." + s.dropFirst(2) }
        if s.hasPrefix("+.") { return "0." + s.dropFirst(2) }
        return s.hasPrefix(".") ? "0" + s : s
    }
    guard let ndot = Double(impliedLeadingZero(col(a, 34, 43))),
        let nddot = expField(col(a, 45, 52)), let bstar = expField(col(a, 54, 61)),
        let catalog = TLEWriter.decodeAlpha5(Substring(col(a, 3, 7))),
        let yy = Int(col(a, 19, 20)), let day = Double(col(a, 21, 32)), let eph = Int(col(a, 63, 63)),
        let elset = Int(col(a, 65, 68)), let inc = Double(col(b, 9, 16)), let raan = Double(col(b, 18, 25)),
        let ecc = Double("0." + col(b, 27, 33)), let argp = Double(col(b, 35, 42)), let ma = Double(col(b, 44, 51)),
        let mm = Double(col(b, 53, 63)), let rev = Int(col(b, 64, 68).isEmpty ? "0" : col(b, 64, 68)) else { return nil }
    return TLE(name: name, catalogNumber: catalog, classification: a[7], internationalDesignator: col(a, 10, 17),
               epochYear: yy < 57 ? 2000 + yy : 1900 + yy, epochDayOfYear: day, meanMotionDot: ndot, meanMotionDDot: nddot,
               bstar: bstar, ephemerisType: eph, elementSetNumber: elset, inclinationDeg: inc, raanDeg: raan, eccentricity: ecc,
               argumentOfPerigeeDeg: argp, meanAnomalyDeg: ma, meanMotionRevPerDay: mm, revolutionNumber: rev)
}

@Suite("TLE writer")
struct TLEWriterTests {
    @Test("checksum reproduces column 69 of every line of the Iridium and Starlink reference files",
          arguments: ["iridium-next-2025-01.tle", "starlink-2024-05.tle"])
    func publishedChecksums(file: String) throws {
        guard let lines = tleWriterTestReferenceLines(file) else { return }
        var checked = 0
        for line in lines where line.hasPrefix("1 ") || line.hasPrefix("2 ") {
            #expect(line.count == 69, "\(file): \(line)")
            let column69 = try #require(line.last?.wholeNumberValue)
            #expect(TLEWriter.checksum(of: line) == column69, "\(file): \(line)")
            #expect(TLEWriter.checksum(of: String(line.prefix(68))) == column69)
            #expect(TLEWriter.checksum(of: line.prefix(68)) == column69)
            checked += 1
        }
        #expect(checked >= 160)
        print("\(file): \(checked) checksums verified")
    }

    @Test("first three Iridium NEXT entries are rewritten byte for byte from their fields")
    func iridiumRoundTrip() throws {
        guard let lines = tleWriterTestReferenceLines("iridium-next-2025-01.tle") else { return }
        // Three-line entries: name, line 1, line 2.
        for k in 0 ..< 3 {
            let name = lines[3 * k].trimmingCharacters(in: .whitespaces)
            let l1 = lines[3 * k + 1], l2 = lines[3 * k + 2]
            let tle = try #require(tleWriterTestNaiveFields(name: name, l1, l2))
            let (w1, w2) = TLEWriter.lines(tle)
            #expect(w1 == l1)
            #expect(w2 == l2)
            #expect(TLEWriter.text([tle], threeLine: true) == lines[3 * k] + "\n" + l1 + "\n" + l2 + "\n")
        }
    }

    @Test("every Starlink 2024-05 entry (negative ṅ and B*, Alpha-free numbers) round-trips exactly")
    func starlinkRoundTrip() throws {
        guard let lines = tleWriterTestReferenceLines("starlink-2024-05.tle") else { return }
        var mismatches: [String] = []
        var count = 0
        for k in stride(from: 0, to: lines.count - 2, by: 3) {
            let tle = try #require(tleWriterTestNaiveFields(name: nil, lines[k + 1], lines[k + 2]), "\(lines[k + 1])")
            let (w1, w2) = TLEWriter.lines(tle)
            if w1 != lines[k + 1] { mismatches.append("\(lines[k + 1])\n\(w1)") }
            if w2 != lines[k + 2] { mismatches.append("\(lines[k + 2])\n\(w2)") }
            count += 1
        }
        #expect(count > 5_000)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.first ?? "")")
    }

    @Test("hand-checked field layout: Alpha-5 number, negative ṅ/B*, implied decimals, epoch, padding")
    func handCheckedLayout() {
        let tle = TLE(name: "TEST SAT", catalogNumber: 123_456, classification: "U", internationalDesignator: "24001ABC",
                      epochYear: 2024, epochDayOfYear: 1.5, meanMotionDot: -0.000_123_45, meanMotionDDot: 1.2345e-6,
                      bstar: -0.000_123_456_7, ephemerisType: 0, elementSetNumber: 42, inclinationDeg: 97.6,
                      raanDeg: -10.5, eccentricity: 0.000_1, argumentOfPerigeeDeg: 360.000_01, meanAnomalyDeg: 5.000_04,
                      meanMotionRevPerDay: 15.123_456_78, revolutionNumber: 123_456)
        let (l1, l2) = TLEWriter.lines(tle)
        //            1         2         3         4         5         6
        //   123456789012345678901234567890123456789012345678901234567890123456789
        let e1 = "1 C3456U 24001ABC 24001.50000000 -.00012345  12345-5 -12346-3 0   42"
        let e2 = "2 C3456  97.6000 349.5000 0001000   0.0000   5.0000 15.1234567823456"
        #expect(l1 == e1 + String(TLEWriter.checksum(of: e1)))
        #expect(l2 == e2 + String(TLEWriter.checksum(of: e2)))
        #expect(l1.count == 69 && l2.count == 69)
        // Checksum by hand for e2's digits: "-" counts 1, letters and "." count 0.
        #expect(TLEWriter.checksum(of: "1 -A.- 9") == (1 + 1 + 1 + 9) % 10)
    }

    @Test("mantissa-exponent fields: rounding, carry, zero, clamping")
    func exponentField() {
        #expect(TLEWriter.exponentField(6.5843e-5) == " 65843-4")
        #expect(TLEWriter.exponentField(-1.4074e-3) == "-14074-2")
        #expect(TLEWriter.exponentField(0) == " 00000+0")
        #expect(TLEWriter.exponentField(0.999_996e-4) == " 10000-3")  // rounds up into the next decade
        #expect(TLEWriter.exponentField(1) == " 10000+1")
        #expect(TLEWriter.exponentField(0.1) == " 10000+0")
        #expect(TLEWriter.exponentField(1e12) == " 99999+9")
        #expect(TLEWriter.exponentField(1.23e-12) == " 00123-9")  // below 1e-10: denormal mantissa
        #expect(TLEWriter.exponentField(5e-11) == " 05000-9")
        #expect(TLEWriter.exponentField(1e-16) == " 00000+0")
        #expect(TLEWriter.meanMotionDotField(0.000_002_04) == " .00000204")
        #expect(TLEWriter.meanMotionDotField(-0.000_039_67) == "-.00003967")
        #expect(TLEWriter.meanMotionDotField(-1e-12) == " .00000000")
    }

    @Test("epoch field: YYDDD.DDDDDDDD, rounding rolls over into the next year")
    func epochField() {
        #expect(TLEWriter.epochField(year: 2025, dayOfYear: 23.785_302_48) == "25023.78530248")
        #expect(TLEWriter.epochField(year: 1999, dayOfYear: 365.999_999_999) == "00001.00000000")
        #expect(TLEWriter.epochField(year: 2024, dayOfYear: 366.5) == "24366.50000000")
        #expect(TLEWriter.epochField(year: 2000, dayOfYear: 179.784_950_62) == "00179.78495062")
    }

    @Test("Alpha-5: published anchors both ways, I and O skipped, full round trip")
    func alpha5() {
        // Space-Track Alpha-5 scheme: A0000 = 100000, J = 18, P = 23, Z9999 = 339999.
        let anchors: [(Int, String)] = [(5, "00005"), (25_544, "25544"), (99_999, "99999"), (100_000, "A0000"),
                                        (100_001, "A0001"), (179_999, "H9999"), (180_000, "J0000"), (229_999, "N9999"),
                                        (230_000, "P0000"), (234_567, "P4567"), (339_999, "Z9999")]
        for (n, s) in anchors {
            #expect(TLEWriter.alpha5(n) == s)
            #expect(TLEWriter.decodeAlpha5(Substring(s)) == n)
        }
        #expect(TLEWriter.decodeAlpha5("I0001") == nil)
        #expect(TLEWriter.decodeAlpha5("O0001") == nil)
        #expect(TLEWriter.decodeAlpha5("a0001") == nil)
        #expect(TLEWriter.decodeAlpha5("A001") == nil)
        #expect(TLEWriter.decodeAlpha5("") == nil)
        #expect(TLEWriter.decodeAlpha5("12 34") == nil)
        #expect(TLEWriter.decodeAlpha5("    5") == 5)
        #expect(TLEWriter.decodeAlpha5("5") == 5)
        var failures = 0
        for n in 0 ... TLEWriter.maxCatalogNumber {
            let s = TLEWriter.alpha5(n)
            if s.utf8.count != 5 || TLEWriter.decodeAlpha5(Substring(s)) != n { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test("every line is 69 columns with a valid checksum, including extreme and clamped values")
    func widths() {
        var rng = RandomStreams(seed: 20_250_123).stream("test/tle-writer-widths")
        for _ in 0 ..< 2_000 {
            let tle = TLE(catalogNumber: Int.random(in: -5 ... 400_000, using: &rng), classification: "U",
                          internationalDesignator: "98067A", epochYear: Int.random(in: 1957 ... 2056, using: &rng),
                          epochDayOfYear: Double.random(in: 1 ..< 367, using: &rng),
                          meanMotionDot: Double.random(in: -2 ... 2, using: &rng),
                          meanMotionDDot: Double.random(in: -1e-3 ... 1e-3, using: &rng),
                          bstar: Double.random(in: -1 ... 1, using: &rng) * pow(10, Double.random(in: -12 ... 10, using: &rng)),
                          elementSetNumber: Int.random(in: 0 ... 20_000, using: &rng),
                          inclinationDeg: Double.random(in: -10 ... 190, using: &rng), raanDeg: Double.random(in: -720 ... 720, using: &rng),
                          eccentricity: Double.random(in: 0 ... 1.2, using: &rng),
                          argumentOfPerigeeDeg: Double.random(in: -400 ... 400, using: &rng),
                          meanAnomalyDeg: Double.random(in: 0 ... 360, using: &rng),
                          meanMotionRevPerDay: Double.random(in: 0 ... 120, using: &rng),
                          revolutionNumber: Int.random(in: -10 ... 1_000_000, using: &rng))
            let (l1, l2) = TLEWriter.lines(tle)
            #expect(l1.utf8.count == 69 && l2.utf8.count == 69, "\(l1)\n\(l2)")
            #expect(l1.last?.wholeNumberValue == TLEWriter.checksum(of: l1))
            #expect(l2.last?.wholeNumberValue == TLEWriter.checksum(of: l2))
        }
    }

    @Test("validate rejects fields that would be clamped")
    func validate() {
        let good = TLE(catalogNumber: 25_544, epochYear: 2024, epochDayOfYear: 100, inclinationDeg: 51.6, raanDeg: 10,
                       eccentricity: 0.0004, argumentOfPerigeeDeg: 90, meanAnomalyDeg: 270, meanMotionRevPerDay: 15.5)
        #expect(throws: Never.self) { try TLEWriter.validate(good) }
        var bad = good
        bad.eccentricity = 1
        #expect(throws: TLEWriteError.fieldOutOfRange(field: "eccentricity", value: 1)) { try TLEWriter.validate(bad) }
        bad = good
        bad.catalogNumber = 340_000
        #expect(throws: TLEWriteError.self) { try TLEWriter.validate(bad) }
    }
}
