import Foundation
import SimCore
import Testing
@testable import Scenario

/// Recording a run's link-state trace and replaying it (`outputs.trace`, `sagin replay`), and measured
/// capacity and delay traces on a link type (`links[i].measured`).
@Suite("Trace record and replay")
struct TraceReplayTests {
    /// Users walking under a small Walker shell and two UAVs, strongest-SNR selection with periodic
    /// reselection, channels drawn per (link, instant): every link-dependent output depends on the
    /// channel states, so a replay that got any of them wrong would show.
    static func topology(trace: Bool = true, scope: String = "serving", extraLinkKeys: String = "",
                         duration: String = "20min") -> String {
        """
        scenario:
          name: replay-check
          epoch: 2024-05-12T00:00:00Z
          duration: \(duration)
          step: 1s
          seed: 7
          environment: urban
          area:
            center: {lat: 48.8566, lon: 2.3522}
            radius_km: 5
        constellations:
          - name: s
            walker: {planes: 8, per_plane: 6, phasing: 1, altitude_km: 550, inclination_deg: 53}
        uavs:
          - name: uav-a
            trajectory: {type: loiter, center: {lat: 48.8566, lon: 2.3522, alt_m: 120}, radius_m: 400, speed_mps: 12}
          - name: uav-b
            trajectory: {type: loiter, center: {lat: 48.87, lon: 2.33, alt_m: 100}, radius_m: 300, speed_mps: 10}
        users:
          - name: u
            placement: {type: random, count: 5}
            mobility: {model: random-walk, speed_mps: 1.4, leg: 60s}
        links:
          - {type: user-satellite, min_elevation_deg: 20, channel: empirical-sampled\(extraLinkKeys)}
          - {type: user-uav, frequency_ghz: 3.5, min_elevation_deg: 10, channel: empirical-sampled}
          - {type: uav-satellite, min_elevation_deg: 20, channel: empirical-sampled}
        selection:
          policy: strongest-snr
          reselect_interval: 30s
          hysteresis_db: 1
        outputs:
          links_interval: 10s
          trace: \(trace)
          trace_links: \(scope)
        """
    }

    static let compared = ["links.csv", "handovers.csv", "access.csv", "summary.json"]

    static func text(_ folder: String, _ name: String) throws -> String {
        try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
    }

    /// Runs `yaml` (written to scratch as `name`) with `options`, output under scratch/runs.
    static func run(_ yaml: String, in scratch: Scratch, name: String = "t.yaml",
                    options: ScenarioRunner.Options = ScenarioRunner.Options()) throws -> ScenarioRunner.Result {
        let path = try scratch.write(name, yaml)
        var o = options
        o.outputDirectory = scratch.dir + "/runs"
        return try ScenarioRunner.run(try TopologyLoader.load(path: path), options: o)
    }

    /// A recorded run of ``topology(trace:scope:extraLinkKeys:duration:)`` and its trace's lines.
    static func recordTrace(duration: String, in scratch: Scratch) throws -> (ScenarioRunner.Result, [String]) {
        let recorded = try run(topology(duration: duration), in: scratch)
        let lines = try text(recorded.folder, "trace.csv").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return (recorded, lines)
    }

    @Test("a replayed run reproduces links, handovers, access windows and summary byte for byte")
    func roundTrip() throws {
        let scratch = try Scratch("replay")
        defer { scratch.remove() }
        let recorded = try Self.run(Self.topology(), in: scratch)
        let trace = recorded.folder + "/trace.csv"
        #expect(recorded.traceRows > 0)
        #expect(recorded.summary.handoversTotal > 0, "the check needs handovers")

        var options = ScenarioRunner.Options()
        options.replayTrace = trace
        options.recordTrace = scratch.dir + "/again.csv"
        let replayed = try Self.run(Self.topology(trace: false), in: scratch, options: options)
        for name in Self.compared {
            #expect(try Self.text(replayed.folder, name) == Self.text(recorded.folder, name), "\(name) differs")
        }
        // Every evaluation was answered by a row at that instant.
        let report = try #require(replayed.replay.first)
        #expect(report.exact > 0 && report.held == 0 && report.interpolated == 0 && report.fallbackEvaluations == 0)
        #expect(report.rows == recorded.traceRows)
        // The replay's own trace has the same rows (its header names the trace provider instead).
        let original = try Self.text(recorded.folder, "trace.csv").split(separator: "\n").dropFirst()
        let again = try String(contentsOfFile: scratch.dir + "/again.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(Array(original) == Array(again))
    }

    @Test("recording a trace leaves the run's own outputs unchanged")
    func recordingChangesNothing() throws {
        let scratch = try Scratch("record")
        defer { scratch.remove() }
        let plain = try Self.run(Self.topology(trace: false), in: scratch)
        let traced = try Self.run(Self.topology(trace: true, scope: "access"), in: scratch)
        for name in Self.compared {
            #expect(try Self.text(plain.folder, name) == Self.text(traced.folder, name), "\(name) differs")
        }
        #expect(FileManager.default.fileExists(atPath: traced.folder + "/trace.csv"))
        #expect(!FileManager.default.fileExists(atPath: plain.folder + "/trace.csv"))
    }

    @Test("the trace header carries scenario, seed, interval and a topology path relative to the trace")
    func header() throws {
        let scratch = try Scratch("header")
        defer { scratch.remove() }
        var options = ScenarioRunner.Options()
        options.recordTrace = scratch.dir + "/traces/rec.csv"
        try FileManager.default.createDirectory(atPath: scratch.dir + "/traces", withIntermediateDirectories: true)
        options.traceInterval = .seconds(30)
        options.traceLinks = .access
        _ = try Self.run(Self.topology(trace: false), in: scratch, options: options)
        let (header, rows) = try LinkStateTrace.readAll(path: scratch.dir + "/traces/rec.csv")
        #expect(header.scenario == "replay-check" && header.seed == 7 && header.intervalSeconds == 30)
        #expect(header.links == "access" && header.topology == "../t.yaml")
        #expect(header.channels["user-satellite"] == "empirical-sampled")
        #expect(header.epoch == "2024-05-12T00:00:00Z")
        // Access scope: at each 30 s sample every link in access, so more links than nodes.
        var most = 0
        for k in 0 ... 40 {
            let sample = rows.filter { $0.time == .seconds(Int64(30 * k)) }
            #expect(Set(sample.map(\.linkID)).count == sample.count)
            most = max(most, sample.count - Set(sample.map(\.rx)).count)
        }
        #expect(most > 0)
        // Every row names its link as <lower>:<upper> and its ends by direction (downlinks: upper transmits).
        for r in rows.prefix(200) {
            #expect(r.linkID == r.rx + ":" + r.tx)
        }
    }

    @Test("a topology link can replay a trace with channel: trace; a link the trace lacks falls back")
    func channelTraceInTopology() throws {
        let scratch = try Scratch("channel-trace")
        defer { scratch.remove() }
        let recorded = try Self.run(Self.topology(), in: scratch)
        let relative = ScenarioRunner.relativePath(of: recorded.folder + "/trace.csv", from: scratch.dir)
        let yaml = Self.topology(trace: false).replacingOccurrences(
            of: "{type: user-satellite, min_elevation_deg: 20, channel: empirical-sampled}",
            with: "{type: user-satellite, min_elevation_deg: 20, channel: trace, channel_model: \(relative), interpolation: linear}")
        let replayed = try Self.run(yaml, in: scratch, name: "trace.yaml")
        // Only user-satellite replays; the other link types draw their own (identical) states.
        for name in Self.compared {
            #expect(try Self.text(replayed.folder, name) == Self.text(recorded.folder, name), "\(name) differs")
        }
        let report = try #require(replayed.replay.first)
        #expect(report.linkTypes == ["user-satellite"] && report.interpolation == "linear")
        #expect(report.fallbackEvaluations == 0)
    }

    @Test("channel: trace without channel_model, interpolation or trace_fallback on another channel, and a trace_fallback that needs a model, are errors naming the key")
    func traceKeysErrors() throws {
        let scratch = try Scratch("trace-keys")
        defer { scratch.remove() }
        func userSatellite(_ keys: String) -> String {
            Self.topology(trace: false).replacingOccurrences(
                of: "{type: user-satellite, min_elevation_deg: 20, channel: empirical-sampled}",
                with: "{type: user-satellite, min_elevation_deg: 20\(keys)}")
        }
        let error = try #require(throws: ScenarioBuildError.self) { try Self.run(userSatellite(", channel: trace"), in: scratch) }
        #expect(error.keyPath == "links[0].channel_model")
        for (yaml, message) in [
            (Self.topology(trace: false, extraLinkKeys: ", interpolation: linear"), "interpolation applies to channel: trace only"),
            (Self.topology(trace: false, extraLinkKeys: ", trace_fallback: empirical"), "trace_fallback applies to channel: trace only"),
            (userSatellite(", channel: trace, channel_model: x.csv, trace_fallback: gdm"), "expected one of empirical, empirical-sampled, found 'gdm'"),
        ] {
            do {
                _ = try TopologyLoader.load(yaml: yaml, path: "t.yaml")
                Issue.record("expected an error: \(message)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
                #expect("\(error)".hasPrefix("t.yaml:24:"), "\(error)")
            }
        }
    }

    @Test("trace_fallback answers for a link the trace lacks: with the recording's own provider the run is reproduced byte for byte")
    func traceFallback() throws {
        let scratch = try Scratch("trace-fallback")
        defer { scratch.remove() }
        let (recorded, lines) = try Self.recordTrace(duration: "4min", in: scratch)
        // Drop every row of one user-satellite link: the replay must ask the fallback for it.
        let dropped = try #require(lines.dropFirst(2).first { $0.contains(",user-satellite,") }?.split(separator: ",").dropFirst().first)
        let kept = lines.filter { $0.hasPrefix("#") || $0.split(separator: ",").dropFirst().first != dropped }
        #expect(kept.count < lines.count - 1)
        _ = try scratch.write("partial.csv", kept.joined(separator: "\n"))
        let replayKeys = "{type: user-satellite, min_elevation_deg: 20, channel: trace, channel_model: partial.csv"
        func replay(_ keys: String, name: String) throws -> ScenarioRunner.Result {
            let yaml = Self.topology(trace: false, duration: "4min").replacingOccurrences(
                of: "{type: user-satellite, min_elevation_deg: 20, channel: empirical-sampled}", with: replayKeys + keys + "}")
            return try Self.run(yaml, in: scratch, name: name)
        }
        let sampled = try replay(", trace_fallback: empirical-sampled", name: "sampled.yaml")
        let sampledReport = try #require(sampled.replay.first)
        #expect(sampledReport.fallbackEvaluations > 0 && sampledReport.exact > 0)
        for name in Self.compared {
            #expect(try Self.text(sampled.folder, name) == Self.text(recorded.folder, name), "\(name) differs")
        }
        // The default, empirical (expected values), answers differently for that link.
        let expected = try replay("", name: "expected.yaml")
        #expect(try #require(expected.replay.first).fallbackEvaluations == sampledReport.fallbackEvaluations)
        #expect(try Self.text(expected.folder, "links.csv") != Self.text(recorded.folder, "links.csv"))
    }

    @Test("a trace row naming a link the topology does not have stops the replay at its line, or is skipped when lenient")
    func unknownLink() throws {
        let scratch = try Scratch("unknown-link")
        defer { scratch.remove() }
        var (_, lines) = try Self.recordTrace(duration: "2min", in: scratch)
        var fields = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[1] = "u-999:s-00-00"
        lines[3] = fields.joined(separator: ",")
        let bad = try scratch.write("bad.csv", lines.joined(separator: "\n"))
        var options = ScenarioRunner.Options()
        options.replayTrace = bad
        do {
            _ = try Self.run(Self.topology(trace: false, duration: "2min"), in: scratch, options: options)
            Issue.record("expected an error")
        } catch let error as TraceError {
            #expect(error.line == 4 && error.file == bad)
            #expect(error.message.contains("u-999:s-00-00"))
        }
        options.lenientTrace = true
        let lenient = try Self.run(Self.topology(trace: false, duration: "2min"), in: scratch, options: options)
        let report = try #require(lenient.replay.first)
        #expect(report.skippedRows == 1 && report.skippedFirstLines == [4])
        #expect(FileManager.default.fileExists(atPath: lenient.folder + "/replay.json"))
    }

    // MARK: Measured traces

    /// One user under a 4-satellite-per-plane shell with the measured traces on user-satellite.
    static func measuredTopology(_ measured: String, linksInterval: String = "10s") -> String {
        """
        scenario:
          name: measured-check
          epoch: 2024-05-12T00:00:00Z
          duration: 30min
          step: 1s
          seed: 3
        constellations:
          - name: s
            walker: {planes: 12, per_plane: 10, phasing: 1, altitude_km: 550, inclination_deg: 53}
        users:
          - name: u
            placement:
              type: list
              points: [{name: paris, lat: 48.8566, lon: 2.3522, alt_m: 35}]
        links:
          - type: user-satellite
            min_elevation_deg: 10
        \(measured)
        outputs:
          links_interval: \(linksInterval)
        """
    }

    @Test("a measured mahimahi trace and delay trace become the link's capacity_bps and delay_s")
    func measuredCapacityAndDelay() throws {
        let scratch = try Scratch("measured")
        defer { scratch.remove() }
        // Deliveries at 0, 10 and 500 ms of each 2 s cycle, and one at the period, 2000 ms.
        _ = try scratch.write("bw.txt", "0\n10\n500\n2000\n")
        // 20 ms, 30 ms, 40 ms per 10 ms interval, repeating every 30 ms.
        _ = try scratch.write("delay.txt", "20\n30\n40\n")
        let yaml = Self.measuredTopology("""
                measured: {capacity: bw.txt, delay: delay.txt, window: 1s, offset: 20ms}
            """, linksInterval: "1s")
        let result = try Self.run(yaml, in: scratch)
        let rows = try readCSV(result.folder + "/links.csv")
        #expect(rows.count > 100)
        for row in rows {
            let t = try #require(Double(row["time_s"]!))
            // Trace time t + 20 ms. Even k = 2m: [2000m + 20, 2000m + 1020) ms holds the delivery at
            // 500 → 1 packet. Odd k: [2000m + 1020, 2000m + 2020) holds two at 2000(m + 1) (the period
            // line of cycle m and line 0 of cycle m + 1) and line 10 of cycle m + 1 → 3 packets.
            let k = Int(t.rounded())
            let expected: Double = k % 2 == 0 ? 1 * 12_000 : 3 * 12_000
            #expect(Double(row["capacity_bps"]!) == expected, "t = \(t)")
            // Delay: interval index ((t + 20 ms) / 10 ms) mod 3.
            let index = (k * 100 + 2) % 3
            #expect(Double(row["delay_s"]!) == [0.020, 0.030, 0.040][index], "t = \(t)")
        }
    }

    @Test("the LeoCC Starlink traces as a link's measured capacity and delay: 1 s samples are the trace's 1 s bins (mean ≈ 48.7 Mbit/s) and its delays")
    func leoccAsMeasuredLink() throws {
        let leocc = LinkTraceTests.leocc
        guard FileManager.default.fileExists(atPath: leocc + "/bw_example.txt") else {
            print("skipped: ../shared/reference/traces/leocc-starlink not found (reference data is only in CI and developer checkouts)")
            return
        }
        let scratch = try Scratch("leocc")
        defer { scratch.remove() }
        let yaml = Self.measuredTopology("""
                measured: {capacity: \(leocc)/bw_example.txt, delay: \(leocc)/delay_example.txt, window: 1s}
            """, linksInterval: "1s").replacingOccurrences(of: "duration: 30min", with: "duration: 2min")
        let rows = try readCSV(try Self.run(yaml, in: scratch).folder + "/links.csv")
        let bins = try MahimahiTrace(path: leocc + "/bw_example.txt").binnedCapacityBitsPerSecond(binMs: 1000)
        let delays = try DelayTrace(path: leocc + "/delay_example.txt").delaysMs
        var capacities: [Double] = []
        for row in rows {
            let k = Int(Double(row["time_s"]!)!.rounded())
            guard k < 120 else { continue }   // the last 1 s bin is partial (period 120.052 s)
            let c = Double(row["capacity_bps"]!)!
            #expect(c == bins[k].rounded(), "t = \(k) s")
            #expect(Double(row["delay_s"]!) == Double(delays[k * 100]) / 1000, "t = \(k) s")
            capacities.append(c)
        }
        #expect(capacities.count == 120, "the user is served throughout")
        // The published mean; the published smallest 1 s bin (4.1 Mbit/s) is the partial bin after
        // 120 s, which a link never sees (the trace wraps at its period).
        let mean: Double = capacities.reduce(0, +) / Double(capacities.count) / 1e6
        #expect(abs(mean - 48.7) < 0.1)
    }

    @Test("without measured traces, capacity_bps is the DVB-S2X capacity and delay_s the propagation delay")
    func modelledCapacityAndDelay() throws {
        let scratch = try Scratch("modelled")
        defer { scratch.remove() }
        let result = try Self.run(Self.measuredTopology(""), in: scratch)
        for row in try readCSV(result.folder + "/links.csv") {
            #expect(row["capacity_bps"] == row["dvbs2x_bps"])
            let range = try #require(Double(row["range_m"]!))
            let delay = try #require(Double(row["delay_s"]!))
            #expect(abs(delay - range / 299_792_458) < 1e-9)
        }
    }

    @Test("a link's capacity exported as a mahimahi trace and imported as a measured trace comes back to a packet")
    func mahimahiExportImportRoundTrip() throws {
        let scratch = try Scratch("mm-roundtrip")
        defer { scratch.remove() }
        let first = try Self.run(Self.measuredTopology(""), in: scratch)
        let rows = try readCSV(first.folder + "/links.csv")
        // The user is served without gaps in this window (checked), so the series is every 10 s from 0.
        let times = rows.compactMap { Double($0["time_s"]!) }
        #expect(times == (0 ..< times.count).map { Double($0 * 10) })
        let capacity = rows.map { Double($0["shannon_bps"]!)! }
        let trace = try #require(MahimahiTrace.fromCapacity(capacity, intervalMs: 10_000))
        _ = try scratch.write("export.txt", trace.text)
        let second = try Self.run(Self.measuredTopology("""
                measured: {capacity: export.txt, window: 10s}
            """), in: scratch)
        let imported = try readCSV(second.folder + "/links.csv").map { Double($0["capacity_bps"]!)! }
        #expect(imported.count == capacity.count)
        let packet = Double(MahimahiTrace.packetBytes * 8) / 10   // one packet per 10 s window, bit/s
        for (a, b) in zip(capacity, imported) { #expect(abs(a - b) <= packet, "\(a) vs \(b)") }
    }
}
