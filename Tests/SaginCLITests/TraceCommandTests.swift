import Foundation
import Testing

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
}
