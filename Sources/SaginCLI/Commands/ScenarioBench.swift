import ArgumentParser
import Foundation
import Scenario
import SimCore

/// `sagin bench scenario TOPOLOGY.yaml`: wall time, events/s and peak memory of a whole run.
struct ScenarioBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Runs a topology end to end and reports wall time, events/s and peak RSS.",
        discussion: """
        Target for Topologies/starlink-shell1.yaml (1,584 satellites, 100 users, 6 h at 1 s steps):
        under 60 s wall time and under 2 GB peak memory in a release build on a 2-core machine.
        The run folder is written to a temporary directory and deleted unless --keep is given.
        """
    )

    @Argument(help: "Topology file (YAML).")
    var topology: String

    @Option(help: "Override scenario.duration.")
    var duration: DurationArgument?

    @Option(name: .customLong("repeat"), help: "Repetitions; the median wall time is reported.")
    var repetitions: Int = 1

    @Flag(help: "Keep the run folders (in runs/bench) instead of deleting them.")
    var keep = false

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        var topo: Topology
        do {
            topo = try TopologyLoader.load(path: topology)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let duration { topo.scenario.duration = duration.value }
        let parent = keep ? "runs/bench" : NSTemporaryDirectory() + "sagin-bench-\(getpid())"
        defer { if !keep { try? FileManager.default.removeItem(atPath: parent) } }
        print("BLAS core \(BLAS.coreName); \(topology): \(topo.scenario.duration) at \(topo.scenario.step) steps")
        var walls: [Double] = []
        for r in 1 ... max(1, repetitions) {
            let result = try ScenarioRunner.run(topo, options: .init(outputDirectory: parent, softwareVersion: SaginCommand.version))
            walls.append(result.wallSeconds)
            let s = result.summary
            print("  run \(r): wall \(String(format1: result.wallSeconds)) s, \(result.eventsExecuted) events (\(String(format1: Double(result.eventsExecuted) / result.wallSeconds / 1e3)) k events/s), \(result.epochs) epochs, \(s.counts.satellites) satellites × \(s.counts.users) users, \(s.counts.accessWindows) access windows, \(s.handoversTotal) handovers, \(s.counts.linkSamples) link samples")
        }
        let rss = PeakMemory.residentBytes()
        print("median wall \(String(format1: median(walls))) s; peak RSS \(rss.map { String(format1: Double($0) / 1_048_576) + " MiB" } ?? "unknown")")
    }
}

/// Peak resident set size of this process (VmHWM in /proc/self/status).
enum PeakMemory {
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
