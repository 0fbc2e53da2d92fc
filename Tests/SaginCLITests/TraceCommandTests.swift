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
