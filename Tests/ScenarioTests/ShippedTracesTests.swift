import Foundation
import SimCore
import Testing
@testable import Scenario

/// The repository root, found from this file's path.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// `Traces/`: the files are what the documented commands (Traces/README.md, `make traces`) produce
/// with this build, and the recorded trace replays default.yaml exactly.
@Suite("Shipped traces")
struct ShippedTracesTests {
    static let trace = root + "/Traces/default-10min.csv"
    static let mahimahi = root + "/Traces/default-user-0-dvbs2x.mahimahi"

    @Test("default-10min.csv replays default.yaml (named in its header) and reproduces a fresh 10-minute run; its mahimahi export is byte for byte what export-mahimahi writes")
    func shippedTracesReproduce() throws {
        let header = try LinkStateTrace.readHeader(path: Self.trace)
        #expect(header.scenario == "default" && header.seed == 42 && header.durationSeconds == 600)
        #expect(header.topology == "../Topologies/default.yaml" && header.intervalSeconds == 10 && header.links == "serving")
        var topology = try TopologyLoader.load(path: root + "/Traces/" + header.topology!)
        topology.scenario.duration = .seconds(600)
        let scratch = try Scratch("shipped-traces")
        defer { scratch.remove() }
        var options = ScenarioRunner.Options(outputDirectory: scratch.dir)
        options.recordTrace = scratch.dir + "/fresh.csv"
        let fresh = try ScenarioRunner.run(topology, options: options)
        // The shipped rows are this build's rows (the header's sagin_version may differ).
        let shippedRows = try String(contentsOfFile: Self.trace, encoding: .utf8).split(separator: "\n").dropFirst()
        let freshRows = try String(contentsOfFile: scratch.dir + "/fresh.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(shippedRows.count == 8_131)
        #expect(Array(shippedRows) == Array(freshRows), "Traces/default-10min.csv is stale: run `make traces`")

        var replay = ScenarioRunner.Options(outputDirectory: scratch.dir)
        replay.replayTrace = Self.trace
        let replayed = try ScenarioRunner.run(topology, options: replay)
        for name in ["links.csv", "handovers.csv", "access.csv", "summary.json"] {
            let a = try String(contentsOfFile: fresh.folder + "/" + name, encoding: .utf8)
            let b = try String(contentsOfFile: replayed.folder + "/" + name, encoding: .utf8)
            #expect(a == b, "\(name) differs")
        }
        let report = try #require(replayed.replay.first)
        #expect(report.rows == 8_130 && report.fallbackEvaluations == 0 && report.held == 0)

        // export-mahimahi: user-0's dvbs2x_bps held on 100 ms steps for 20 s, through fromCapacity.
        let samples = try readCSV(fresh.folder + "/links.csv").filter { $0["node"] == "user-0" }
            .map { (time: Double($0["time_s"]!)!, bps: Double($0["dvbs2x_bps"]!)!) }
        var series: [Double] = []
        var j = 0
        for k in 0 ..< 200 {
            let t = Double(k) / 10
            while j + 1 < samples.count && samples[j + 1].time <= t { j += 1 }
            series.append(samples[j].bps)
        }
        let expected = try #require(MahimahiTrace.fromCapacity(series, intervalMs: 100))
        let shipped = try MahimahiTrace(path: Self.mahimahi)
        #expect(shipped == expected, "Traces/default-user-0-dvbs2x.mahimahi is stale: run `make traces`")
        #expect(try String(contentsOfFile: Self.mahimahi, encoding: .utf8) == expected.text)
    }
}
