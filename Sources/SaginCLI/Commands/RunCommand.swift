import ArgumentParser
import Foundation
import Scenario
import SimCore

/// `sagin run TOPOLOGY.yaml`: simulate a scenario and write its run folder.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate a topology file and write runs/<scenario>-<UTC>/.",
        discussion: """
        The topology is validated before anything runs (docs/topology.md lists every key). The run
        folder holds run.json (resolved topology, seed, version, BLAS core), summary.json, access.csv,
        handovers.csv and links.csv, and appears only when complete. Ctrl-C stops at the next epoch
        and writes what was simulated, marked "status": "partial" in summary.json (exit code 130).
        The same topology and seed give byte-identical files.
        """
    )

    @Argument(help: "Topology file (YAML).")
    var topology: String

    @Option(help: "Parent folder of the run folder (default: the topology's outputs.directory, else runs).")
    var output: String?

    @Option(help: "Override scenario.seed.")
    var seed: UInt64?

    @Option(help: "Override scenario.duration (e.g. 10min, 6h).")
    var duration: DurationArgument?

    @Option(help: "Channel provider for every link type (overrides the topology): empirical (expected values), empirical-sampled (LOS state and shadowing drawn from the scenario seed) or gdm (with --channel-model).")
    var channel: String?

    @Option(help: "Model or map the --channel provider reads (gdm: a folder written by sagin map).")
    var channelModel: String?

    @Option(help: "Record a link-state trace to this file (docs/traces.md): every link evaluation, plus each node's serving link (or, with --trace-links access, every link in access) every --trace-interval.")
    var recordTrace: String?

    @Option(help: "Links a trace sample records: serving or access (default: the topology's outputs.trace_links, else serving).")
    var traceLinks: TraceScope?

    @Option(help: "Trace sampling interval (default: outputs.trace_interval, else outputs.links_interval).")
    var traceInterval: DurationArgument?

    @Flag(help: "No progress line and no summary, only the run folder path.")
    var quiet = false

    func run() throws {
        var topo: Topology
        do {
            topo = try TopologyLoader.load(path: topology)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let seed { topo.scenario.seed = seed }
        if let duration {
            guard duration.value > .zero else { throw ValidationError("--duration must be positive") }
            topo.scenario.duration = duration.value
        }
        var options = ScenarioRunner.Options(outputDirectory: output, channelOverride: channel,
                                             softwareVersion: SaginCommand.version)
        options.channelModelOverride = channelModel
        options.recordTrace = recordTrace
        options.traceLinks = traceLinks
        if let traceInterval {
            guard traceInterval.value > .zero else { throw ValidationError("--trace-interval must be positive") }
            options.traceInterval = traceInterval.value
        }
        try Self.simulate(topo, options: options, quiet: quiet, label: topology)
    }

    /// Runs with a progress line, prints the summary (or only the folder when `quiet`); exit 1 on an
    /// error (printed with `label`), 130 when stopped early.
    static func simulate(_ topo: Topology, options: ScenarioRunner.Options, quiet: Bool, label: String) throws {
        ScenarioRunner.installInterruptHandler()
        let control = RunControl()
        let progress = ProgressLine(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        control.onProgress = { progress.update($0) }
        let result: ScenarioRunner.Result
        do {
            result = try ScenarioRunner.run(topo, options: options, control: control)
        } catch {
            progress.clear()
            FileHandle.standardError.write(Data("error: \(label): \(error)\n".utf8))
            throw ExitCode(1)
        }
        progress.clear()
        if quiet {
            print(result.folder)
        } else {
            print(RunReport.text(result))
        }
        if result.partial { throw ExitCode(130) }
    }
}

extension TraceScope: ExpressibleByArgument {}

/// The short summary `sagin run` and `make run` print.
enum RunReport {
    static func text(_ r: ScenarioRunner.Result) -> String {
        let s = r.summary
        var lines: [String] = []
        lines.append("\(s.status == "partial" ? "PARTIAL run (stopped early)" : "run complete"): \(s.scenario), seed \(s.seed), \(SimTime(seconds: s.simulatedSeconds)) simulated")
        let c = s.counts
        let nodes = [(c.satellites, "satellite"), (c.haps, "HAP"), (c.uavs, "UAV"), (c.users, "user"), (c.gateways, "gateway")]
            .map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        lines.append("  nodes: " + nodes.joined(separator: ", "))
        lines.append("  access windows \(s.counts.accessWindows), handovers \(s.handoversTotal), availability \(String(format1: s.availability * 100)) %, outage \(String(format1: s.outageSecondsTotal)) node·s")
        for (type, q) in s.links.sorted(by: { $0.key < $1.key }) {
            if let snr = q.meanSnrDb, let c = q.meanShannonBps, let d = q.meanDvbs2xBps {
                lines.append("  \(type): \(q.samples) samples, mean SNR \(String(format1: snr)) dB, Shannon \(String(format1: c / 1e6)) Mbit/s, DVB-S2X \(String(format1: d / 1e6)) Mbit/s")
            } else {
                lines.append("  \(type): no samples (never served)")
            }
        }
        for t in r.replay {
            let skipped = t.skippedRows > 0 ? ", \(t.skippedRows) bad rows skipped (first at line \(t.skippedFirstLines.map(String.init).joined(separator: ", ")))" : ""
            lines.append("  replayed \(t.file) (\(t.interpolation)) for \(t.linkTypes.joined(separator: ", ")): \(t.rows) rows, \(t.exact) exact, \(t.held) held, \(t.interpolated) interpolated, \(t.fallbackEvaluations) not covered (fallback provider)\(skipped)")
        }
        if let trace = r.tracePath { lines.append("  trace: \(trace) (\(r.traceRows) rows)") }
        let rate = r.wallSeconds > 0 ? Double(r.eventsExecuted) / r.wallSeconds : 0
        lines.append("  wall \(String(format1: r.wallSeconds)) s, \(r.eventsExecuted) events (\(String(format1: rate / 1e3)) k events/s)")
        lines.append("results: \(r.folder)")
        return lines.joined(separator: "\n")
    }
}

/// A one-line progress display on stderr (simulated time, events/s, ETA), at most 4 times a second.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private var last = 0.0
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: RunProgress) {
        guard enabled, p.wallSeconds - last >= 0.25 else { return }
        last = p.wallSeconds
        let fraction = p.duration.nanoseconds > 0 ? Double(p.simulated.nanoseconds) / Double(p.duration.nanoseconds) : 1
        let rate = p.wallSeconds > 0 ? Double(p.events) / p.wallSeconds : 0
        let eta = fraction > 0 ? p.wallSeconds * (1 - fraction) / fraction : 0
        let text = "\r  sim \(p.simulated) / \(p.duration)  \(String(format1: fraction * 100)) %  \(String(format1: rate / 1e3)) k events/s  ETA \(String(format1: eta)) s   "
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 100) + "\r").utf8))
        shown = false
    }
}
