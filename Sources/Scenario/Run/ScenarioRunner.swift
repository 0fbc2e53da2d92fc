import Channels
import Foundation
import Links
import Mobility
import Orbits
import SimCore

/// Runs a topology: builds the nodes and links, drives the scheduler to the horizon and writes the
/// run folder (`run.json`, `summary.json`, `access.csv`, `handovers.csv`, `links.csv`) atomically.
///
/// ```swift
/// let topology = try TopologyLoader.load(path: "Topologies/default.yaml")
/// let result = try ScenarioRunner.run(topology)
/// print(result.folder, result.summary.handoversTotal)
/// ```
///
/// A run is a pure function of the topology and its seed: the same inputs give byte-identical
/// files. Stopping early (``RunControl/requestStop()`` or Ctrl-C) still writes a consistent folder
/// whose `summary.json` says `"status": "partial"`.
public enum ScenarioRunner {
    public struct Options: Sendable {
        /// Parent folder for run folders; nil uses the topology's `outputs.directory`.
        public var outputDirectory: String?
        /// Wall-clock instant for the folder name (`<name>-YYYYMMDDTHHMMSSZ`).
        public var timestamp: UTCInstant
        /// Channel provider for every link type, overriding the topology.
        public var channelOverride: String?
        /// Model or map of the overriding provider (`gdm`: a `sagin map` folder).
        public var channelModelOverride: String?
        /// Recorded in run.json.
        public var softwareVersion: String
        /// Record a link-state trace to this file (instead of the run folder's trace.csv).
        public var recordTrace: String?
        /// Overrides outputs.trace_links / outputs.trace_interval when recording.
        public var traceLinks: TraceScope?
        public var traceInterval: SimTime?
        /// `sagin replay`: every link type's channel replayed from this recorded trace, falling back
        /// to the link type's own provider where the trace does not cover a link.
        public var replayTrace: String?
        /// `hold` or `linear`, overriding links[i].interpolation.
        public var traceInterpolation: String?
        /// Skip bad trace rows (counted in replay.json) instead of stopping at the first.
        public var lenientTrace = false

        public init(outputDirectory: String? = nil, timestamp: UTCInstant = .now, channelOverride: String? = nil,
                    softwareVersion: String = "unknown") {
            self.outputDirectory = outputDirectory
            self.timestamp = timestamp
            self.channelOverride = channelOverride
            self.softwareVersion = softwareVersion
        }
    }

    public struct Result: Sendable {
        /// The committed run folder.
        public var folder: String
        public var partial: Bool
        public var summary: RunSummary
        public var wallSeconds: Double
        public var eventsExecuted: UInt64
        public var epochs: Int
        /// The recorded link-state trace, if any, and its rows.
        public var tracePath: String?
        public var traceRows = 0
        /// How replayed traces answered (also in replay.json).
        public var replay: [ReplayReport.Trace] = []
    }

    /// Builds and runs `topology`.
    public static func run(_ topology: Topology, options: Options = Options(), control: RunControl? = nil) throws -> Result {
        let built = try build(topology, channelOverride: options.channelOverride,
                              channelModelOverride: options.channelModelOverride,
                              replay: TraceReplaySettings(file: options.replayTrace, interpolation: options.traceInterpolation,
                                                          lenient: options.lenientTrace))
        let folder = try RunFolder(parent: options.outputDirectory ?? topology.outputs.directory,
                                   name: topology.scenario.name, timestamp: options.timestamp)
        var outputs = topology.outputs
        if let scope = options.traceLinks { outputs.traceLinks = scope }
        if let interval = options.traceInterval { outputs.traceInterval = interval }
        let tracePath = options.recordTrace ?? (outputs.writeTrace ? folder.stagingPath + "/trace.csv" : nil)
        let trace = try tracePath.map { path in
            try LinkStateTraceWriter(path: path, header: traceHeader(topology, outputs: outputs, classes: built.classes,
                                                                     tracePath: path, version: options.softwareVersion))
        }
        do {
            return try run(topology, built: built, folder: folder, outputs: outputs, trace: trace, options: options, control: control)
        } catch {
            trace?.discard()
            throw error
        }
    }

    static func run(_ topology: Topology, built: Built, folder: RunFolder, outputs: OutputSpec, trace: LinkStateTraceWriter?,
                    options: Options, control: RunControl?) throws -> Result {
        let recorder = try Recorder(folder: folder.stagingPath, outputs: outputs, linkClasses: built.classes.count, trace: trace)
        let engine = Engine(uppers: built.uppers, lowers: built.lowers, classes: built.classes, topology: topology,
                            radio: RadioModel(environment: topology.scenario.environment), recorder: recorder, control: control)
        let scheduler = Scheduler<SimEvent>(capacity: 4096)
        engine.start(scheduler: scheduler)
        var handler = EngineHandler(engine: engine)
        let outcome = scheduler.run(until: topology.scenario.duration, handler: &handler)
        let partial = outcome == .stopped || engine.stoppedEarly
        let end = partial ? scheduler.now : topology.scenario.duration
        engine.finish(at: end)
        try recorder.close()
        let wall = Clock.seconds() - engine.wallStart
        let summary = RunSummary(engine: engine, recorder: recorder, topology: topology, end: end, partial: partial,
                                 events: scheduler.statistics.eventsExecuted - engine.traceSamples)
        try folder.write("summary.json", contents: try jsonText(summary))
        let record = RunRecord(saginVersion: options.softwareVersion, seed: topology.scenario.seed,
                               blasCore: BLAS.coreName, gslVersion: GSLInfo.version,
                               topologyFile: topology.sourcePath, channelOverride: options.channelOverride,
                               channelModelOverride: options.channelModelOverride, topology: topology)
        try folder.write("run.json", contents: try jsonText(record))
        let replay = ReplayReport(providers: built.traceProviders, classes: built.classes)
        if !built.traceProviders.isEmpty { try folder.write("replay.json", contents: try jsonText(replay)) }
        let path = try folder.commit()
        var tracePath = options.recordTrace
        if tracePath == nil && trace != nil { tracePath = path + "/trace.csv" }
        return Result(folder: path, partial: partial, summary: summary, wallSeconds: wall,
                      eventsExecuted: scheduler.statistics.eventsExecuted, epochs: engine.epochs,
                      tracePath: tracePath, traceRows: trace?.rows ?? 0, replay: replay.traces)
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Installs a SIGINT handler that makes running simulations stop at the next epoch and write
    /// partial results. A second Ctrl-C exits at once (the staging folder is left hidden).
    public static func installInterruptHandler() {
        signal(SIGINT) { _ in
            if SignalFlag.raw != 0 { _exit(130) }
            SignalFlag.raw = 1
        }
    }

    /// True once SIGINT was received.
    public static var interrupted: Bool { SignalFlag.interrupted }
}

extension ScenarioRunner {
    /// The trace's first line: scenario, seed, epoch, sampling interval, scope, the topology (relative
    /// to the trace's folder) and the provider of each link type.
    static func traceHeader(_ topology: Topology, outputs: OutputSpec, classes: [LinkClass], tracePath: String,
                            version: String) -> LinkStateTraceHeader {
        var channels: [String: String] = [:]
        for c in classes { channels[c.spec.type.rawValue] = c.provider.name }
        let topologyPath = topology.sourcePath.isEmpty ? nil
            : relativePath(of: topology.sourcePath, from: URL(fileURLWithPath: tracePath).deletingLastPathComponent().path)
        return LinkStateTraceHeader(scenario: topology.scenario.name, seed: topology.scenario.seed,
                                    epoch: Recorder.iso(topology.scenario.epoch).replacingOccurrences(of: ".000000Z", with: "Z"),
                                    intervalSeconds: Double((outputs.traceInterval ?? outputs.linksInterval).nanoseconds) / 1e9,
                                    links: outputs.traceLinks.rawValue, topology: topologyPath, channels: channels,
                                    saginVersion: version,
                                    durationSeconds: Double(topology.scenario.duration.nanoseconds) / 1e9)
    }

    /// `file` relative to the folder `base` (both made absolute against the current directory).
    static func relativePath(of file: String, from base: String) -> String {
        func parts(_ p: String) -> [String] {
            URL(fileURLWithPath: p).standardizedFileURL.pathComponents.filter { $0 != "/" }
        }
        let f = parts(file), b = parts(base)
        var common = 0
        while common < min(f.count, b.count) && f[common] == b[common] { common += 1 }
        let up = [String](repeating: "..", count: b.count - common)
        return (up + f[common...]).joined(separator: "/")
    }
}

/// replay.json: how each replayed trace answered the run's link evaluations.
public struct ReplayReport: Encodable, Sendable {
    public struct Trace: Encodable, Sendable {
        public var file: String
        public var interpolation: String
        public var linkTypes: [String]
        public var rows: Int
        public var skippedRows: Int
        public var skippedFirstLines: [Int]
        public var exact, held, interpolated: Int
        public var fallbackEvaluations: Int
        enum CodingKeys: String, CodingKey {
            case file, interpolation, rows, exact, held, interpolated
            case linkTypes = "link_types", skippedRows = "skipped_rows", skippedFirstLines = "skipped_first_lines"
            case fallbackEvaluations = "fallback_evaluations"
        }
    }
    public var traces: [Trace] = []

    init(providers: [TraceChannelProvider], classes: [LinkClass]) {
        var replays: [LinkStateTraceReplay] = []
        for p in providers {
            let types = classes.filter { ($0.provider as? TraceChannelProvider) === p }.map { $0.spec.type.rawValue }
            if let k = replays.firstIndex(where: { $0 === p.replay }) {
                traces[k].linkTypes += types
                traces[k].fallbackEvaluations += p.fallbackEvaluations
                continue
            }
            replays.append(p.replay)
            let st = p.replay.statistics
            traces.append(Trace(file: p.file, interpolation: p.interpolation.rawValue, linkTypes: types,
                                rows: p.replay.summary.rows, skippedRows: p.replay.summary.skips.total,
                                skippedFirstLines: p.replay.summary.skips.firstLines, exact: st.exact, held: st.held,
                                interpolated: st.interpolated, fallbackEvaluations: p.fallbackEvaluations))
        }
    }
}

/// What run.json records: everything needed to repeat the run.
struct RunRecord: Encodable {
    var saginVersion: String
    var seed: UInt64
    var blasCore: String
    var gslVersion: String
    var topologyFile: String
    var channelOverride: String?
    var channelModelOverride: String?
    var topology: Topology

    enum CodingKeys: String, CodingKey {
        case saginVersion = "sagin_version", seed, blasCore = "blas_core", gslVersion = "gsl_version"
        case topologyFile = "topology_file", channelOverride = "channel_override"
        case channelModelOverride = "channel_model_override", topology
    }
}

/// summary.json: counts, handovers and outage per node, mean link quality per link type.
public struct RunSummary: Codable, Sendable {
    public struct Counts: Codable, Sendable {
        public var satellites, haps, uavs, users, gateways: Int
        public var accessWindows, handoverRecords, linkSamples, epochs: Int
        public var events: UInt64
        enum CodingKeys: String, CodingKey {
            case satellites, haps, uavs, users, gateways, epochs, events
            case accessWindows = "access_windows", handoverRecords = "handover_records", linkSamples = "link_samples"
        }
    }

    public struct LinkQuality: Codable, Sendable {
        public var samples: Int
        public var meanSnrDb: Double?
        public var meanShannonBps: Double?
        public var meanDvbs2xBps: Double?
        /// Mean of links.csv's capacity_bps: DVB-S2X, or the measured capacity trace's.
        public var meanCapacityBps: Double?
        public var samplesBelowLowestModcod: Int
        enum CodingKeys: String, CodingKey {
            case samples, meanSnrDb = "mean_snr_db", meanShannonBps = "mean_shannon_bps"
            case meanDvbs2xBps = "mean_dvbs2x_bps", meanCapacityBps = "mean_capacity_bps"
            case samplesBelowLowestModcod = "samples_below_lowest_modcod"
        }
    }

    public var scenario: String
    /// `complete`, or `partial` when the run was stopped early.
    public var status: String
    public var seed: UInt64
    public var simulatedSeconds: Double
    public var durationSeconds: Double
    public var counts: Counts
    public var handoversTotal: Int
    public var handoversPerNode: [String: Int]
    public var outageSecondsPerNode: [String: Double]
    public var outageSecondsTotal: Double
    /// Fraction of node-time with a serving node, over nodes that have at least one link type.
    public var availability: Double
    public var links: [String: LinkQuality]

    enum CodingKeys: String, CodingKey {
        case scenario, status, seed, counts, links, availability
        case simulatedSeconds = "simulated_s", durationSeconds = "duration_s"
        case handoversTotal = "handovers_total", handoversPerNode = "handovers_per_node"
        case outageSecondsPerNode = "outage_s_per_node", outageSecondsTotal = "outage_s_total"
    }

    static func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

    init(engine: Engine, recorder: Recorder, topology: Topology, end: SimTime, partial: Bool, events: UInt64) {
        scenario = topology.scenario.name
        status = partial ? "partial" : "complete"
        seed = topology.scenario.seed
        simulatedSeconds = end.seconds
        durationSeconds = topology.scenario.duration.seconds
        let roles = engine.lowers.roles
        counts = Counts(satellites: engine.uppers.satellites.count, haps: engine.uppers.hapsRange.count,
                        uavs: engine.uppers.uavRange.count, users: roles.filter { $0 == .user }.count,
                        gateways: roles.filter { $0 == .gateway }.count, accessWindows: recorder.accessWindows,
                        handoverRecords: recorder.handoverRecords, linkSamples: recorder.linkSamples,
                        epochs: engine.epochs, events: events)
        var perNode: [String: Int] = [:], outage: [String: Double] = [:]
        var served = 0
        var outageTotal = 0.0
        for l in 0 ..< engine.lowers.count where !engine.slotsOfLower[l].isEmpty {
            served += 1
            perNode[engine.lowers.names[l]] = engine.handovers[l]
            outage[engine.lowers.names[l]] = Self.round6(engine.outageTotal[l].seconds)
            outageTotal += engine.outageTotal[l].seconds
        }
        handoversPerNode = perNode
        handoversTotal = engine.handovers.reduce(0, +)
        outageSecondsPerNode = outage
        outageSecondsTotal = Self.round6(outageTotal)
        let nodeTime = Double(served) * end.seconds
        availability = nodeTime > 0 ? Self.round6(1 - outageTotal / nodeTime) : 0
        var links: [String: LinkQuality] = [:]
        for (c, cls) in engine.classes.enumerated() {
            let s = recorder.linkStats[c]
            let n = Double(s.samples)
            links[cls.spec.type.rawValue] = LinkQuality(
                samples: s.samples,
                meanSnrDb: s.samples > 0 ? Self.round6(s.snrSumDb / n) : nil,
                meanShannonBps: s.samples > 0 ? Self.round6(s.shannonSumBps / n) : nil,
                meanDvbs2xBps: s.samples > 0 ? Self.round6(s.dvbs2xSumBps / n) : nil,
                meanCapacityBps: s.samples > 0 ? Self.round6(s.capacitySumBps / n) : nil,
                samplesBelowLowestModcod: s.belowLowestModcod)
        }
        self.links = links
    }
}
