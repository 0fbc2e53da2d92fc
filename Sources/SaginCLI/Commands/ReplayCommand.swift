import ArgumentParser
import Foundation
import Scenario
import SimCore

/// `sagin replay TRACE`: run a topology with every link's channel replayed from a recorded trace.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a topology with every link's channel state replayed from a recorded link-state trace.",
        discussion: """
        TRACE is a link-state trace written by `sagin run --record-trace FILE` or `outputs.trace: true`
        (docs/traces.md has the schema). The whole file is validated first: a bad row stops the replay
        with its file and line, unless --lenient skips bad rows and counts them.

        The topology is the one the trace names (relative to the trace's folder) unless --topology is
        given; the seed and duration are the recorded run's unless --seed or --duration is. Every link type's channel state comes from
        the trace, looked up by link (<lower>:<upper>) and time: a row at that instant exactly, else
        the link's latest row if at most one sampling interval old (--interpolation hold), or linear
        interpolation between the rows around it (--interpolation linear). Links or instants the
        trace does not cover fall back to the link type's own provider; replay.json in the run
        folder counts each case. Replaying a recorded run with its own topology and seed reproduces
        its links.csv, handovers.csv, access.csv and summary.json byte for byte.
        """
    )

    @Argument(help: "Recorded link-state trace (CSV with a # header line).")
    var trace: String

    @Option(help: "Topology file (default: the one named in the trace's header, relative to the trace's folder).")
    var topology: String?

    @Option(help: "Between samples: hold (the latest row, up to one interval old) or linear.")
    var interpolation: String = "hold"

    @Flag(help: "Skip malformed rows, unknown links, rows going back in time and duplicates, counting them, instead of stopping at the first.")
    var lenient = false

    @Option(help: "Override the seed (default: the trace's).")
    var seed: UInt64?

    @Option(help: "Run this long (default: the recorded run's duration from the trace's header, else the topology's).")
    var duration: DurationArgument?

    @Option(help: "Parent folder of the run folder (default: the topology's outputs.directory, else runs).")
    var output: String?

    @Option(help: "Record the replayed run's own link-state trace to this file.")
    var recordTrace: String?

    @Flag(help: "No progress line and no summary, only the run folder path.")
    var quiet = false

    func run() throws {
        guard ["hold", "linear"].contains(interpolation) else {
            throw ValidationError("--interpolation: expected hold or linear, found '\(interpolation)'")
        }
        let header: LinkStateTraceHeader
        do {
            header = try LinkStateTrace.readHeader(path: trace)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let topologyPath: String
        if let topology {
            topologyPath = topology
        } else if let named = header.topology {
            let folder = URL(fileURLWithPath: trace).deletingLastPathComponent().path
            topologyPath = named.hasPrefix("/") ? named : folder + "/" + named
            guard FileManager.default.fileExists(atPath: topologyPath) else {
                throw ValidationError("\(trace):1: the trace was recorded from the topology '\(named)', not found at \(topologyPath); pass --topology")
            }
        } else {
            throw ValidationError("\(trace):1: the trace's header names no topology; pass --topology")
        }
        var topo: Topology
        do {
            topo = try TopologyLoader.load(path: topologyPath)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        topo.scenario.seed = seed ?? header.seed
        if let duration {
            guard duration.value > .zero else { throw ValidationError("--duration must be positive") }
            topo.scenario.duration = duration.value
        } else if let seconds = header.durationSeconds, seconds > 0 {
            topo.scenario.duration = SimTime(nanoseconds: Int64((seconds * 1e9).rounded()))
        }
        var options = ScenarioRunner.Options(outputDirectory: output, softwareVersion: SaginCommand.version)
        options.replayTrace = trace
        options.traceInterpolation = interpolation
        options.lenientTrace = lenient
        options.recordTrace = recordTrace
        if !quiet {
            print("replaying \(trace) (scenario \(header.scenario), seed \(header.seed), \(header.links) links every \(header.intervalSeconds) s) on \(topologyPath), seed \(topo.scenario.seed)")
        }
        try RunCommand.simulate(topo, options: options, quiet: quiet, label: trace)
    }
}
