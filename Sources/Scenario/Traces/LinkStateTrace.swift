import Channels
import Foundation
import SimCore

// The recorded link-state trace (format "sagin-link-trace", version 1): what a run's links were,
// instant by instant, so that a later run can replay them bit for bit.
//
//   line 1   `#` + one JSON object (LinkStateTraceHeader, sorted keys)
//   line 2   the column header (LinkStateTrace.columns)
//   line 3…  one row per (link, instant), times non-decreasing, at most one row per (link_id, time)
//
// pandas reads it with `pd.read_csv(path, comment="#")` or `skiprows=1`. DESIGN.md ("Files", "Bad
// input") states the contract. The writer is in LinkStateTraceWriter.swift, the number parser in
// LinkStateTraceNumbers.swift, the block reader and row parser in LinkStateTraceParsing.swift, the
// checks in LinkStateTraceValidation.swift, the streaming replay in LinkStateTraceReplay.swift.

/// The first line of a link-state trace: what was recorded, from which scenario and seed, how often.
///
/// Written as `#` followed by one JSON object with sorted keys; unknown keys are ignored on reading
/// so later versions can add fields.
///
/// ```swift
/// let header = LinkStateTraceHeader(scenario: "default", seed: 42, epoch: "2024-05-12T00:00:00Z",
///                                   intervalSeconds: 10, links: "serving",
///                                   topology: "../Topologies/default.yaml",
///                                   channels: ["user-satellite": "empirical-sampled"], saginVersion: "0.9.0")
/// ```
public struct LinkStateTraceHeader: Codable, Sendable, Equatable {
    /// Always "sagin-link-trace".
    public var format: String
    /// The format version; this build reads and writes 1.
    public var version: Int
    /// The scenario's name.
    public var scenario: String
    /// The run's seed.
    public var seed: UInt64
    /// The scenario epoch (simulation time zero), ISO 8601 UTC.
    public var epoch: String
    /// The sampling interval, seconds (JSON `interval_s`): rows of one link are this far apart, and
    /// replay holds or interpolates across at most this gap.
    public var intervalSeconds: Double
    /// Which links were recorded: "serving" (the link each user was served on) or "access" (every
    /// visible link).
    public var links: String
    /// The topology file, relative to the trace file's folder (or absolute); nil when not known.
    public var topology: String?
    /// Link type → name of the channel provider that produced the states.
    public var channels: [String: String]
    /// The version of sagin that wrote the trace (JSON `sagin_version`).
    public var saginVersion: String?
    /// The recorded run's length, seconds (JSON `duration_s`); `sagin replay` runs this long unless
    /// told otherwise. Nil in traces that do not say.
    public var durationSeconds: Double?

    /// The format name written in every header.
    public static let formatName = "sagin-link-trace"
    /// The version this build writes and reads.
    public static let currentVersion = 1

    public init(scenario: String, seed: UInt64, epoch: String, intervalSeconds: Double, links: String,
                topology: String?, channels: [String: String], saginVersion: String?, durationSeconds: Double? = nil) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.scenario = scenario
        self.seed = seed
        self.epoch = epoch
        self.intervalSeconds = intervalSeconds
        self.links = links
        self.topology = topology
        self.channels = channels
        self.saginVersion = saginVersion
        self.durationSeconds = durationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case format, version, scenario, seed, epoch
        case intervalSeconds = "interval_s"
        case links, topology, channels
        case saginVersion = "sagin_version"
        case durationSeconds = "duration_s"
    }

    /// The sampling interval in nanoseconds (rounded to the nearest nanosecond).
    public var interval: SimTime { SimTime(seconds: intervalSeconds) }
}

/// One row of a link-state trace: one link at one instant.
///
/// `channel` is the replayed part and is written exactly (shortest round-trip decimals); geometry,
/// SNR, capacity and delay are informational, written with fixed decimals for people and pandas.
///
/// ```swift
/// let row = LinkStateTraceRow(time: .seconds(10), linkID: "user-0:sat-12", linkType: "user-satellite",
///                             tx: "sat-12", rx: "user-0", elevationDeg: 41.2, azimuthDeg: 190.5,
///                             rangeMeters: 812_345.6, channel: state, snrDb: 9.8,
///                             shannonBps: 6.5e7, capacityBps: 5.9e7, delaySeconds: 0.0027)
/// ```
public struct LinkStateTraceRow: Sendable, Equatable {
    /// Simulation time of the sample.
    public var time: SimTime
    /// `<lower node>:<upper node>`.
    public var linkID: String
    /// The link type (e.g. "user-satellite").
    public var linkType: String
    /// Transmitting node.
    public var tx: String
    /// Receiving node.
    public var rx: String
    /// Elevation of the upper end seen from the lower end, degrees (4 decimals in the file).
    public var elevationDeg: Double
    /// Azimuth of the upper end seen from the lower end, degrees (4 decimals in the file).
    public var azimuthDeg: Double
    /// Slant range, metres (1 decimal in the file).
    public var rangeMeters: Double
    /// The channel state (exact in the file; `path_loss_db` is its total, 3 decimals).
    public var channel: ChannelState
    /// SNR, dB (3 decimals in the file).
    public var snrDb: Double
    /// Shannon capacity, bit/s (whole bits in the file).
    public var shannonBps: Double
    /// Achievable capacity (e.g. DVB-S2X), bit/s (whole bits in the file).
    public var capacityBps: Double
    /// Propagation delay, seconds (9 decimals in the file).
    public var delaySeconds: Double

    public init(time: SimTime, linkID: String, linkType: String, tx: String, rx: String,
                elevationDeg: Double, azimuthDeg: Double, rangeMeters: Double, channel: ChannelState,
                snrDb: Double, shannonBps: Double, capacityBps: Double, delaySeconds: Double) {
        self.time = time
        self.linkID = linkID
        self.linkType = linkType
        self.tx = tx
        self.rx = rx
        self.elevationDeg = elevationDeg
        self.azimuthDeg = azimuthDeg
        self.rangeMeters = rangeMeters
        self.channel = channel
        self.snrDb = snrDb
        self.shannonBps = shannonBps
        self.capacityBps = capacityBps
        self.delaySeconds = delaySeconds
    }
}

/// How replay fills the instants between two rows of a link.
public enum LinkStateTraceInterpolation: String, Sendable, CaseIterable {
    /// The latest row at or before the query time, if at most one interval old.
    case hold
    /// Linear in time between the rows either side, if at most one interval apart; else `hold`.
    case linear
}

/// Data rows a lenient read skipped, by reason.
public struct LinkStateTraceSkips: Sendable, Equatable {
    /// Wrong number of fields, a field that is not a valid value, an empty line inside the data.
    public var malformed = 0
    /// A link id the topology does not have (or has with another link type).
    public var unknownLink = 0
    /// A time earlier than the row before.
    public var timeBackwards = 0
    /// A second row for the same link at the same time.
    public var duplicate = 0
    /// The first (at most 5) skipped line numbers, ascending.
    public var firstLines: [Int] = []

    public init() {}

    /// All skipped rows.
    public var total: Int { malformed + unknownLink + timeBackwards + duplicate }
}

/// What one validating pass over a trace found.
public struct LinkStateTraceSummary: Sendable {
    /// The trace's header.
    public var header: LinkStateTraceHeader
    /// Valid data rows.
    public var rows: Int
    /// Distinct link ids among the valid rows.
    public var links: Int
    /// The time of the first and the last valid row.
    public var firstTime: SimTime
    public var lastTime: SimTime
    /// Rows skipped (lenient reads only; all zero otherwise).
    public var skips: LinkStateTraceSkips
}

/// Reading and checking link-state traces (format "sagin-link-trace", version 1).
///
/// Every error is a ``TraceError`` naming the file, the 1-based line, what was expected and what was
/// found. The read is one pass in blocks of 8 MiB, parsed by two threads ahead of the checks with a
/// hand-written byte parser; memory does not grow with the trace's length.
///
/// ```swift
/// let summary = try LinkStateTrace.validate(path: "Traces/run.csv",
///                                           knownLinks: ["user-0:sat-12": "user-satellite"], lenient: false)
/// print(summary.rows, summary.links, summary.lastTime)
/// ```
public enum LinkStateTrace {
    /// The column header (line 2), in order.
    public static let columns = [
        "time_s", "link_id", "link_type", "tx", "rx", "elevation_deg", "azimuth_deg", "range_m",
        "free_space_loss_db", "atmospheric_loss_db", "scintillation_loss_db", "clutter_loss_db",
        "shadowing_db", "fading_db", "path_loss_db", "los_probability", "los", "k_factor_db",
        "delay_spread_s", "snr_db", "shannon_bps", "capacity_bps", "delay_s",
    ]

    /// The reader's number parser on one field's text: the exact double, or nil unless the whole text
    /// is a decimal number (`[+-]digits[.digits][e[+-]digits]`). For checks against `strtod`
    /// (`sagin bench trace`); readers of files never need it.
    public static func parseNumber(_ text: String) -> Double? {
        LinkStateTraceNumbers.parseDouble(text)
    }

    /// One validating pass over the whole file in constant memory.
    ///
    /// `knownLinks`: link id → link type of the topology being replayed (nil accepts any link).
    /// Throws a ``TraceError`` naming the file and line of the first problem, unless `lenient`, where
    /// bad data rows are skipped and counted (header problems always throw).
    public static func validate(path: String, knownLinks: [String: String]?, lenient: Bool) throws -> LinkStateTraceSummary {
        try validate(path: path, knownLinks: knownLinks, lenient: lenient, options: .standard)
    }

    static func validate(path: String, knownLinks: [String: String]?, lenient: Bool,
                         options: LinkStateTraceStream.Options) throws -> LinkStateTraceSummary {
        let preamble = try LinkStateTracePreamble.read(path: path)
        let checker = LinkStateTraceChecker(path: path, knownLinks: knownLinks, lenient: lenient)
        let stream = try LinkStateTraceStream(path: path, preamble: preamble, mode: .validate(values: false),
                                              lookup: checker.lookupIfChanged(), options: options)
        while let batch = try stream.nextBatch() {
            try checker.check(batch)
            if let lookup = checker.lookupIfChanged() { stream.publish(lookup) }
        }
        return try checker.finish(header: preamble.header)
    }

    /// The header (line 1), after checking the format name, the version and the column header (line 2).
    public static func readHeader(path: String) throws -> LinkStateTraceHeader {
        try LinkStateTracePreamble.read(path: path).header
    }

    /// The whole file in memory, strictly validated (for tests and small traces).
    public static func readAll(path: String) throws -> (header: LinkStateTraceHeader, rows: [LinkStateTraceRow]) {
        try readAll(path: path, options: .standard)
    }

    static func readAll(path: String, options: LinkStateTraceStream.Options) throws -> (header: LinkStateTraceHeader, rows: [LinkStateTraceRow]) {
        let preamble = try LinkStateTracePreamble.read(path: path)
        let checker = LinkStateTraceChecker(path: path, knownLinks: nil, lenient: false)
        let stream = try LinkStateTraceStream(path: path, preamble: preamble, mode: .validate(values: true),
                                              lookup: checker.lookupIfChanged(), options: options)
        var rows: [LinkStateTraceRow] = []
        while let batch = try stream.nextBatch() {
            defer { if let lookup = checker.lookupIfChanged() { stream.publish(lookup) } }
            try checker.check(batch) { r, _, bytes in
                rows.append(LinkStateTraceRow(
                    time: SimTime(nanoseconds: r.time),
                    linkID: bytes.string(r.idStart, r.idLength), linkType: bytes.string(r.typeStart, r.typeLength),
                    tx: bytes.string(r.txStart, r.txLength), rx: bytes.string(r.rxStart, r.rxLength),
                    elevationDeg: r.elevationDeg, azimuthDeg: r.azimuthDeg, rangeMeters: r.rangeMeters,
                    channel: r.channel, snrDb: r.snrDb, shannonBps: r.shannonBps, capacityBps: r.capacityBps,
                    delaySeconds: r.delaySeconds))
            }
        }
        _ = try checker.finish(header: preamble.header)
        return (preamble.header, rows)
    }
}
