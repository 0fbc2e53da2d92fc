import Foundation
import Testing
@testable import Orbits
import SimCore

/// The shared reference folder (../shared/reference from the package root), or nil with a printed
/// reason when it is absent (a user's clone).
func sharedReference(_ subfolder: String) -> String? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.deletingLastPathComponent().appendingPathComponent("shared/reference/\(subfolder)").path
    guard FileManager.default.fileExists(atPath: path) else {
        print("skipped: \(path) not found (reference data is only in CI and developer checkouts)")
        return nil
    }
    return path
}

@Suite("TLE parser")
struct TLEParserTests {
    // ISS (ZARYA), a widely published element set (epoch 2008-09-20, the Wikipedia TLE example).
    static let issName = "ISS (ZARYA)"
    static let iss1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
    static let iss2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"

    @Test("every field of a published three-line entry")
    func fields() throws {
        let r = try TLEParser.parse(text: "\(Self.issName)\n\(Self.iss1)\n\(Self.iss2)\n", file: "iss.tle")
        #expect(r.warnings.isEmpty)
        let t = try #require(r.tles.first)
        #expect(r.tles.count == 1)
        #expect(t.name == "ISS (ZARYA)")
        #expect(t.catalogNumber == 25544)
        #expect(t.classification == "U")
        #expect(t.internationalDesignator == "98067A")
        #expect(t.epochYear == 2008)
        #expect(t.epochDayOfYear == 264.51782528)
        #expect(t.meanMotionDot == -0.00002182)
        #expect(t.meanMotionDDot == 0)
        #expect(abs(t.bstar - -0.11606e-4) < 1e-20)
        #expect(t.ephemerisType == 0)
        #expect(t.elementSetNumber == 292)
        #expect(t.inclinationDeg == 51.6416)
        #expect(t.raanDeg == 247.4627)
        #expect(t.eccentricity == 0.0006703)
        #expect(t.argumentOfPerigeeDeg == 130.5360)
        #expect(t.meanAnomalyDeg == 325.0288)
        #expect(t.meanMotionRevPerDay == 15.72125391)
        #expect(t.revolutionNumber == 56353)
        // Day 264.51782528 of 2008 (a leap year) is 2008-09-20 12:25:40.104192 UTC.
        let c = t.epoch.components
        #expect(c.month == 9 && c.day == 20 && c.hour == 12 && c.minute == 25 && c.second == 40)
    }

    @Test("two-line, three-line and Space-Track '0 NAME' entries mix; CRLF and blank lines are fine")
    func formats() throws {
        let text = "\(Self.iss1)\r\n\(Self.iss2)\r\n\r\n0 ISS (ZARYA)\r\n\(Self.iss1)\r\n\(Self.iss2)\r\n\(Self.issName)\n\(Self.iss1)\n\(Self.iss2)"
        let r = try TLEParser.parse(text: text)
        #expect(r.tles.map(\.name) == [nil, "ISS (ZARYA)", "ISS (ZARYA)"])
    }

    @Test("Alpha-5 catalogue numbers decode (A0001 = 100001, Z9999 = 339999)")
    func alpha5() throws {
        func entry(_ cat: String) -> String {
            let l1 = "1 \(cat)U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  292"
            let l2 = "2 \(cat)  51.6416 247.4627 0006703 130.5360 325.0288 15.7212539156353"
            return "\(l1)\(TLEWriter.checksum(of: l1))\n\(l2)\(TLEWriter.checksum(of: l2))\n"
        }
        let r = try TLEParser.parse(text: entry("A0001") + entry("Z9999") + entry("J1234"))
        #expect(r.tles.map(\.catalogNumber) == [100_001, 339_999, 181_234])
    }

    /// (text to corrupt, replacement, line of the error, field, 1-based columns)
    @Test("bad fields are reported with file, line, field and columns", arguments: [
        ("-.00002182", "-.0000x182", 2, "first derivative of mean motion", 34 ... 43),
        ("0006703", "00067a3", 3, "eccentricity", 27 ... 33),
        (" 51.6416", "191.6416", 3, "inclination", 9 ... 16),
        ("08264.51782528", "08400.51782528", 2, "epoch day", 21 ... 32),
        ("-11606-4", "-116064 ", 2, "bstar", 54 ... 61),
    ] as [(String, String, Int, String, ClosedRange<Int>)])
    func badField(find: String, replace: String, line: Int, field: String, columns: ClosedRange<Int>) throws {
        var l1 = String(Self.iss1.prefix(68)), l2 = String(Self.iss2.prefix(68))
        if line == 2 { l1 = l1.replacingOccurrences(of: find, with: replace) } else { l2 = l2.replacingOccurrences(of: find, with: replace) }
        // Keep checksums valid so the field check itself is what fails.
        let text = "\(Self.issName)\n\(l1)\(TLEWriter.checksum(of: l1))\n\(l2)\(TLEWriter.checksum(of: l2))\n"
        do {
            _ = try TLEParser.parse(text: text, file: "bad.tle")
            Issue.record("expected an error for \(field)")
        } catch {
            #expect(error.file == "bad.tle")
            #expect(error.line == line)
            #expect(error.field == field)
            #expect(error.columns == columns)
            #expect(error.description.hasPrefix("bad.tle:\(line): \(field) (columns \(columns.lowerBound)-\(columns.upperBound)): "))
        }
    }

    @Test("checksum, mismatched catalogue numbers, short and missing lines")
    func layoutErrors() {
        func error(_ text: String) -> TLEParseError? {
            do { _ = try TLEParser.parse(text: text, file: "f.tle"); return nil } catch { return error }
        }
        let badSum = String(Self.iss1.dropLast()) + "0"
        #expect(error("\(badSum)\n\(Self.iss2)")?.description == "f.tle:1: checksum (columns 69-69): column 69 says 0 but the line sums to 7")
        let otherSat = Self.iss2.replacingOccurrences(of: "2 25544", with: "2 25545")
        let fixed = String(otherSat.prefix(68)) + String(TLEWriter.checksum(of: String(otherSat.prefix(68))))
        #expect(error("\(Self.iss1)\n\(fixed)")?.field == "catalog number")
        #expect(error("\(Self.iss1.prefix(60))\n\(Self.iss2)")?.description == "f.tle:1: line: element lines have 69 columns; this one has 60")
        #expect(error("\(Self.issName)\n\(Self.iss1)")?.reason == "line 1 is not followed by line 2")
        #expect(error("\(Self.issName)\n\(Self.iss2)")?.line == 2)
        #expect(error("LONELY NAME")?.field == "line")
        // The verification cases 33333–33335 of Vallado's file carry wrong checksums on purpose; they
        // parse when checksum verification is off.
        #expect((try? TLEParser.parse(text: "\(badSum)\n\(Self.iss2)", options: .init(verifyChecksum: false)))?.tles.count == 1)
    }

    @Test("skipBadEntries skips each bad entry with one warning and keeps the rest")
    func skipping() throws {
        let badSum = String(Self.iss1.dropLast()) + "0"
        let text = [Self.issName, Self.iss1, Self.iss2, "BROKEN", badSum, Self.iss2, Self.iss1, Self.iss2, "BROKEN 2", Self.iss1, "OK", Self.iss1, Self.iss2]
            .joined(separator: "\n")
        let r = try TLEParser.parse(text: text, file: "mix.tle", options: .init(skipBadEntries: true))
        #expect(r.tles.map(\.name) == ["ISS (ZARYA)", nil, "OK"])
        #expect(r.warnings.map(\.line) == [5, 11])
        #expect(r.warnings.map(\.field) == ["checksum", "line"])
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        #expect(throws: TLEParseError(file: "/nonexistent/x.tle", line: 0, field: "file", columns: nil, reason: "no such file")) {
            try TLEParser.load(path: "/nonexistent/x.tle")
        }
    }

    @Test("the published Starlink, OneWeb and Iridium files parse completely with valid checksums",
          arguments: ["starlink-2024-05.tle", "oneweb-2025-01.tle", "iridium-next-2025-01.tle"])
    func referenceFiles(file: String) throws {
        guard let dir = sharedReference("tle") else { return }
        let path = "\(dir)/\(file)"
        let r = try TLEParser.load(path: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).count
        #expect(r.warnings.isEmpty)
        #expect(r.tles.count * 3 == lines)
        #expect(r.tles.allSatisfy { $0.name != nil && $0.meanMotionRevPerDay > 10 })
        if file.hasPrefix("starlink") { #expect(r.tles.count == 5_236) }
    }
}
