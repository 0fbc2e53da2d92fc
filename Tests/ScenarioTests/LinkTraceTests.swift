import Foundation
import Testing
@testable import Scenario

@Suite("Real link traces: mahimahi and delay traces")
struct LinkTraceTests {
    static let leocc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/traces/leocc-starlink").path

    /// CI only: the LeoCC Starlink trace's published statistics (../shared/reference/traces/README.md).
    @Test("the LeoCC Starlink trace: 487,652 deliveries, period 120.05 s, 48.7 Mbit/s, 100 ms bins 36.4/48.6/61.6, delay 7/11/12/68 ms")
    func leoccStatistics() throws {
        guard FileManager.default.fileExists(atPath: Self.leocc + "/bw_example.txt") else {
            print("skipped: ../shared/reference/traces/leocc-starlink not found (reference data is only in CI and developer checkouts)")
            return
        }
        let t = try MahimahiTrace(path: Self.leocc + "/bw_example.txt")
        #expect(t.deliveryMs.count == 487_652)
        #expect(abs(Double(t.periodMs) / 1000 - 120.05) < 0.005)
        #expect(abs(t.meanCapacityBitsPerSecond / 1e6 - 48.7) < 0.05)
        let bins = t.binnedCapacityBitsPerSecond(binMs: 100).map { $0 / 1e6 }
        #expect(abs(percentile(bins, 10) - 36.4) < 0.05 && abs(percentile(bins, 50) - 48.6) < 0.05 && abs(percentile(bins, 90) - 61.6) < 0.05)
        #expect(bins.filter { $0 == 0 }.count == 1)
        #expect(abs(t.binnedCapacityBitsPerSecond(binMs: 1000).min()! / 1e6 - 4.1) < 0.05)
        let d = try DelayTrace(path: Self.leocc + "/delay_example.txt")
        #expect(d.delaysMs.count == 11_999)
        let values = d.delaysMs.map(Double.init)
        #expect(values.min() == 7 && percentile(values, 50) == 11 && percentile(values, 90) == 12 && values.max() == 68)
    }

    @Test("capacity → mahimahi trace → text → parsed trace: the same deliveries, capacity kept to one packet per interval")
    func mahimahiExportRoundTrip() throws {
        let capacity = [12e6, 0, 48e6, 3e6, 30e6]   // bit/s per 100 ms
        let t = try #require(MahimahiTrace.fromCapacity(capacity, intervalMs: 100))
        #expect(t.periodMs == 500)
        let back = try MahimahiTrace(deliveryMs: try parseIntegerLines(Array(t.text.utf8), path: "x"))
        #expect(back == t)
        let binned = t.binnedCapacityBitsPerSecond(binMs: 100)
        // These capacities are whole or binary-fraction packets per millisecond, so every interval is
        // exact; the last also carries the delivery added at the period (one packet, 0.12 Mbit/s per 100 ms).
        #expect(Array(binned.dropLast()) == Array(capacity.dropLast()))
        #expect(binned.last! == capacity.last! + 0.12e6)
        // 12 Mbit/s is exactly one packet per millisecond: deliveries at 0, 1, …, 99 ms.
        #expect(Array(t.deliveryMs.prefix(100)) == Array(0 ..< 100))
        // An uneven capacity stays within one packet per interval.
        let uneven = try #require(MahimahiTrace.fromCapacity([7.3e6, 19.9e6, 0.05e6], intervalMs: 100))
        for (c, b) in zip([7.3e6, 19.9e6], uneven.binnedCapacityBitsPerSecond(binMs: 100)) { #expect(abs(c - b) <= 0.12e6 + 1e-6) }
    }

    @Test("bad traces name the line", arguments: [
        ("1\n2\nx3\n", "x:3: expected a non-negative whole number of milliseconds, found 'x3'"),
        ("1\n\n2\n", "x:2: empty line inside the trace"),
        ("", "x: the trace is empty"),
        ("\n\n", "x: the trace is empty"),
        ("1\n-2\n", "x:2: expected a non-negative whole number of milliseconds, found '-2'"),
        ("4\r\n5 6\n", "x:2: expected a non-negative whole number of milliseconds, found '5 6'"),
    ])
    func badTraces(_ text: String, _ message: String) {
        #expect(throws: TraceError.self) { _ = try parseIntegerLines(Array(text.utf8), path: "x") }
        do { _ = try parseIntegerLines(Array(text.utf8), path: "x") } catch { #expect(error.description == message) }
    }

    @Test("a mahimahi trace must not go back in time and needs a positive period; CRLF and a missing last newline are fine")
    func mahimahiRules() throws {
        #expect(throws: TraceError(file: "x", line: 3, message: "time 4 ms goes back from 5 ms on the line before")) {
            _ = try MahimahiTrace(deliveryMs: [1, 5, 4], path: "x")
        }
        #expect(throws: TraceError.self) { _ = try MahimahiTrace(deliveryMs: [0, 0], path: "x") }
        #expect(try parseIntegerLines(Array("3\r\n4\r\n5".utf8), path: "x") == [3, 4, 5])
        #expect(percentile([1, 2, 3, 4], 50) == 2.5 && percentile([1, 2, 3, 4], 10) == 1.3)
    }
}
