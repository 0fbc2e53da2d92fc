import Foundation
import Testing
@testable import SaginCLI
import Orbits
import SimCore

@Suite("sagin passes and sagin walker")
struct OrbitCommandsTests {
    static let issTLE = """
    ISS (ZARYA)
    1 25544U 98067A   24133.50000000  .00016717  00000-0  30164-3 0  9997
    2 25544  51.6396 159.1250 0003179 215.9447 144.1447 15.50923415453414

    """

    /// Skyfield 1.49 `find_events` for this TLE over Paris (48.8566 N, 2.3522 E, 35 m), 10° mask,
    /// 2024-05-12T12:00Z to 2024-05-13T12:00Z: (rise, culmination, set, max elevation). Skyfield uses
    /// its own TEME→ITRS chain with UT1 and its own root finder, so agreement within 2 s and 0.05°
    /// checks our SGP4, frames and pass search together against an independent implementation.
    static let skyfield: [(String, String, String, Double)] = [
        ("2024-05-12T21:29:23.444Z", "2024-05-12T21:31:58.045Z", "2024-05-12T21:34:33.133Z", 20.7095),
        ("2024-05-12T23:04:57.971Z", "2024-05-12T23:08:19.399Z", "2024-05-12T23:11:41.353Z", 88.3593),
        ("2024-05-13T00:41:55.179Z", "2024-05-13T00:45:12.168Z", "2024-05-13T00:48:28.881Z", 49.9249),
        ("2024-05-13T02:18:45.165Z", "2024-05-13T02:22:07.018Z", "2024-05-13T02:25:27.784Z", 80.8782),
        ("2024-05-13T03:55:44.372Z", "2024-05-13T03:58:33.365Z", "2024-05-13T04:01:21.309Z", 25.0633),
    ]

    static func tempDir() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sagin-orbits-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("`sagin passes` agrees with Skyfield on the ISS over Paris and writes a pandas-ready CSV")
    func passesAgainstSkyfield() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tle = dir.appendingPathComponent("iss.tle").path
        try Self.issTLE.write(toFile: tle, atomically: true, encoding: .utf8)
        let csv = dir.appendingPathComponent("passes.csv").path
        let r = try runSagin(["passes", "--tle", tle, "--site", "48.8566,2.3522,35", "--from", "2024-05-12T12:00:00Z",
                              "--to", "2024-05-13T12:00:00Z", "--min-elevation", "10", "--csv", csv])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.hasPrefix("5 passes over (48.8566°, 2.3522°, 35.0 m) above 10.0°"))
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "satellite,catalog_number,rise_utc,rise_azimuth_deg,culmination_utc,max_elevation_deg,culmination_azimuth_deg,set_utc,set_azimuth_deg,duration_s")
        #expect(lines.count == 6)
        for (line, expected) in zip(lines.dropFirst(), Self.skyfield) {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(f[0] == "ISS (ZARYA)" && f[1] == "25544")
            func gap(_ ours: String, _ theirs: String) throws -> Double {
                abs((try UTCInstant(parsing: ours) - UTCInstant(parsing: theirs)).seconds)
            }
            #expect(try gap(f[2], expected.0) < 2, "rise \(f[2]) vs \(expected.0)")
            #expect(try gap(f[4], expected.1) < 2, "culmination \(f[4]) vs \(expected.1)")
            #expect(try gap(f[7], expected.2) < 2, "set \(f[7]) vs \(expected.2)")
            #expect(abs((Double(f[5]) ?? 0) - expected.3) < 0.05, "max elevation \(f[5]) vs \(expected.3)")
        }
    }

    @Test("bad input to `sagin passes` names the problem", arguments: [
        (["--site", "48.8,2.3"], "--site: expected LAT,LON,ALT_M"),
        (["--site", "98,2,0"], "latitude 98.0 is outside -90...90"),
        (["--to", "2024-05-12T11:00:00Z"], "must be after --from"),
        (["--from", "2024-13-12T12:00:00Z"], "month 13 is out of range"),
        (["--tle", "/nonexistent/x.tle"], "/nonexistent/x.tle:0: file: no such file"),
        (["--satellite", "NOT-THERE"], "NOT-THERE not found"),
    ] as [([String], String)])
    func passesBadInput(override: [String], message: String) throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tle = dir.appendingPathComponent("iss.tle").path
        try Self.issTLE.write(toFile: tle, atomically: true, encoding: .utf8)
        var args: [String: String] = ["--tle": tle, "--site": "48.8566,2.3522,35", "--from": "2024-05-12T12:00:00Z", "--to": "2024-05-13T12:00:00Z"]
        var extra: [String] = []
        for k in stride(from: 0, to: override.count, by: 2) {
            if args[override[k]] != nil { args[override[k]] = override[k + 1] } else { extra += [override[k], override[k + 1]] }
        }
        let r = try runSagin(["passes"] + args.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] } + extra)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
    }

    @Test("a bad TLE entry stops `sagin passes` with file:line:field; --skip-bad-tles warns and goes on")
    func skipBadTLEs() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tle = dir.appendingPathComponent("mixed.tle").path
        let broken = Self.issTLE.replacingOccurrences(of: "-3 0  9997", with: "-3 0  9990").replacingOccurrences(of: "ISS (ZARYA)", with: "BROKEN")
        try (broken + Self.issTLE).write(toFile: tle, atomically: true, encoding: .utf8)
        let base = ["passes", "--tle", tle, "--site", "48.8566,2.3522,35", "--from", "2024-05-12T12:00:00Z", "--to", "2024-05-12T23:00:00Z"]
        let strict = try runSagin(base)
        #expect(strict.status != 0)
        #expect(strict.stderr.contains("\(tle):2: checksum (columns 69-69): column 69 says 0 but the line sums to 7"), "\(strict.stderr)")
        let lenient = try runSagin(base + ["--skip-bad-tles"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("warning: skipped bad TLE: \(tle):2: checksum"))
        #expect(lenient.stdout.hasPrefix("1 pass over"))  // 21:29–21:34; the next rises at 23:04
    }

    @Test("`sagin walker` writes a preset as TLEs that parse back with the right geometry")
    func walkerPreset() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("kuiper.tle").path
        let r = try runSagin(["walker", "--preset", "kuiper-1", "--epoch", "2024-05-12T00:00:00Z", "--output", out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let tles = try TLEParser.load(path: out).tles
        #expect(tles.count == 34 * 34)
        #expect(Set(tles.map(\.raanDeg)).count == 34)
        #expect(tles.allSatisfy { abs($0.inclinationDeg - 51.9) < 1e-9 && $0.epochYear == 2024 && abs($0.epochDayOfYear - 133) < 1e-12 })
        let bad = try runSagin(["walker", "--planes", "3", "--per-plane", "2", "--phasing", "5", "--altitude-km", "550", "--inclination-deg", "53"])
        #expect(bad.status != 0 && bad.stderr.contains("phasing F = 5 is outside 0..<3"))
    }
}
