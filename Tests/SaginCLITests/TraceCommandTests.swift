import Foundation
import Testing
import Scenario

@Suite("sagin trace stats")
struct TraceCommandTests {
    @Test("stats of a mahimahi and a delay trace; a bad line is named")
    func stats() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 2 packets per ms for 1 s (24 Mbit/s), then 1 per ms for 1 s (12 Mbit/s), and the period line
        // at 2000 ms (one more packet, in the last bin).
        let times = (0 ..< 1000).flatMap { [$0, $0] } + Array(1000 ..< 2000) + [2000]
        let bw = dir.appendingPathComponent("bw.txt").path
        try (times.map(String.init).joined(separator: "\n") + "\n").write(toFile: bw, atomically: true, encoding: .utf8)
        var r = try runSagin(["trace", "stats", bw])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("format: mahimahi (auto"))
        #expect(r.stdout.contains("3001 deliveries, period 2.000 s"))
        #expect(r.stdout.contains("mean capacity 18.01 Mbit/s"))
        #expect(r.stdout.contains("1 s bins: smallest 12.01, largest 24.00 Mbit/s"), "\(r.stdout)")
        let delay = dir.appendingPathComponent("delay.txt").path
        try "10\n12\n11\n40\n10\n".write(toFile: delay, atomically: true, encoding: .utf8)
        r = try runSagin(["trace", "stats", delay])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("5 intervals of 10 ms, duration 0.05 s"))
        #expect(r.stdout.contains("one-way delay: min 10, median 11, p90 29, max 40 ms"), "\(r.stdout)")
        #expect(r.stdout.contains("spikes ≥ median + 20 ms at: 0.03 s"))
        try "1\n2\nabc\n".write(toFile: delay, atomically: true, encoding: .utf8)
        r = try runSagin(["trace", "stats", delay, "--format", "delay"])
        #expect(r.status != 0 && r.stderr.contains("delay.txt:3: expected a non-negative whole number of milliseconds, found 'abc'"), "\(r.stderr)")
    }

    @Test("export-mahimahi: a node's sampled capacity held between samples, within one packet per 100 ms; errors name the line")
    func exportMahimahi() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let links = dir.appendingPathComponent("links.csv").path
        try """
        time_s,node,peer,shannon_bps,dvbs2x_bps
        0.000,user-0,sat-1,12000000,6000000
        0.000,user-1,sat-1,1,1
        1.000,user-0,sat-2,24000000,6000000
        """.write(toFile: links, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("u0.mahimahi").path
        var r = try runSagin(["trace", "export-mahimahi", "--links", links, "--node", "user-0", "--duration", "2", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let trace = try MahimahiTrace(path: out)
        // 12 Mbit/s for 1 s (1000 packets), then 24 Mbit/s held for the second second (2000), plus the period line.
        #expect(trace.periodMs == 2000 && trace.deliveryMs.count == 3001)
        #expect(trace.binnedCapacityBitsPerSecond(binMs: 1000) == [12e6, 24.012e6])
        r = try runSagin(["trace", "export-mahimahi", "--links", links, "--node", "user-9", "--out", out])
        #expect(r.status != 0 && r.stderr.contains("no rows for node 'user-9'; nodes in the file: user-0, user-1"), "\(r.stderr)")
        try "time_s,node,shannon_bps,dvbs2x_bps\n5,user-0,1,1\n4,user-0,1,1\n".write(toFile: links, atomically: true, encoding: .utf8)
        r = try runSagin(["trace", "export-mahimahi", "--links", links, "--node", "user-0", "--out", out])
        #expect(r.status != 0 && r.stderr.contains("links.csv:3: time 4 s of user-0 does not come after 5.0 s"), "\(r.stderr)")
    }
}

@Suite("sagin run --record-trace and sagin replay")
struct ReplayCommandTests {
    static let topology = """
    scenario:
      name: cli-replay
      epoch: 2024-05-12T00:00:00Z
      duration: 10min
      step: 1s
      seed: 5
    constellations:
      - name: s
        walker: {planes: 8, per_plane: 6, phasing: 1, altitude_km: 550, inclination_deg: 53}
    users:
      - name: u
        placement: {type: random, count: 4, area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 5}}
    links:
      - {type: user-satellite, min_elevation_deg: 20, channel: empirical-sampled}
    selection: {policy: strongest-snr, reselect_interval: 30s, hysteresis_db: 1}
    outputs: {links_interval: 10s}
    """

    @Test("record with sagin run, replay with sagin replay (topology and seed from the trace): identical links.csv; bad rows named or skipped")
    func recordAndReplay() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let topo = dir.appendingPathComponent("t.yaml").path
        try Self.topology.write(toFile: topo, atomically: true, encoding: .utf8)
        let trace = dir.appendingPathComponent("rec.csv").path
        let runs = dir.appendingPathComponent("runs").path
        var r = try runSagin(["run", topo, "--record-trace", trace, "--output", runs])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("trace: \(trace) ("), "\(r.stdout)")
        let recorded = try #require(r.stdout.split(separator: "\n").last { $0.hasPrefix("results: ") }).dropFirst(9)
        r = try runSagin(["replay", trace, "--output", runs, "--interpolation", "linear"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("replaying \(trace) (scenario cli-replay, seed 5, serving links every 10.0 s) on \(dir.path)/t.yaml, seed 5"), "\(r.stdout)")
        #expect(r.stdout.contains(" 0 held, 0 interpolated, 0 not covered"), "\(r.stdout)")
        let replayed = try #require(r.stdout.split(separator: "\n").last { $0.hasPrefix("results: ") }).dropFirst(9)
        let a = try String(contentsOfFile: recorded + "/links.csv", encoding: .utf8)
        let b = try String(contentsOfFile: replayed + "/links.csv", encoding: .utf8)
        #expect(a == b)

        // A row whose time goes back: the error names the file and line; --lenient skips and counts it.
        var lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        let last = lines.count - 1
        var fields = lines[last].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[0] = "0.000000001"
        lines[last] = fields.joined(separator: ",")
        let bad = dir.appendingPathComponent("bad.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        r = try runSagin(["replay", bad, "--topology", topo, "--output", runs, "--quiet"])
        #expect(r.status == 1 && r.stderr.contains("bad.csv:\(lines.count):") && r.stderr.contains("time goes back"), "\(r.stderr)")
        r = try runSagin(["replay", bad, "--topology", topo, "--output", runs, "--lenient"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 bad rows skipped (first at line \(lines.count))"), "\(r.stdout)")
        // A trace that names a topology that is not there asks for --topology.
        let moved = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: trace, toPath: moved.appendingPathComponent("rec.csv").path)
        r = try runSagin(["replay", moved.appendingPathComponent("rec.csv").path, "--output", runs])
        #expect(r.status != 0 && r.stderr.contains("pass --topology"), "\(r.stderr)")
    }
}
