import Channels
import SimCore

/// Streaming replay of a link-state trace: the channel state of each queried link at non-decreasing
/// query times, in memory bounded by links × rows per interval, whatever the trace's length.
///
/// Coverage (`interval` = the header's `interval_s`):
/// - a row of the link at exactly the query time gives that row's state, bit for bit (`exact`);
/// - `hold`: the link's latest row at or before the time, if at most one interval old (`held`);
/// - `linear`: between the link's rows either side of the time, if at most one interval apart,
///   every dB part, `los_probability`, `k_factor_db` and `delay_spread_s` interpolated linearly (a
///   part missing in either row takes the earlier row's), `isLOS` the earlier row's
///   (`interpolated`); otherwise the `hold` rule;
/// - anything else is not covered: nil (`uncovered`).
///
/// The file is validated first (``LinkStateTrace/validate(path:knownLinks:lenient:)``); a lenient
/// replay skips exactly the rows validation skipped. Rows are then parsed block by block by worker
/// threads, ahead of the queries (a few blocks in memory), and only enough of them are handed to the
/// links' queues to answer the current query: rows up to the query time, plus one interval for
/// `linear`. Queries are ordered in time, so one replay serves one caller: it is not safe to query
/// from several threads at once.
///
/// ```swift
/// let replay = try LinkStateTraceReplay(path: "Traces/run.csv", links: ["user-0:sat-12"],
///                                       knownLinks: nil, interpolation: .linear, lenient: false)
/// for k in 0 ..< 360 {
///     if let state = replay.state(link: 0, at: .seconds(Int64(k) * 10)) { use(state) }
/// }
/// print(replay.statistics)
/// ```
public final class LinkStateTraceReplay: @unchecked Sendable {
    /// Query and row counts of a replay.
    public struct Statistics: Sendable, Equatable {
        /// Queries answered by a row at exactly the query time.
        public var exact = 0
        /// Queries answered by holding an earlier row.
        public var held = 0
        /// Queries answered by interpolating between two rows.
        public var interpolated = 0
        /// Queries the trace does not cover (answered nil).
        public var uncovered = 0
        /// Valid data rows read from the file so far (of every link).
        public var rowsRead = 0

        public init() {}
    }

    /// The validation pass's summary.
    public let summary: LinkStateTraceSummary
    /// The trace's header.
    public var header: LinkStateTraceHeader { summary.header }
    /// Counts so far.
    public var statistics: Statistics { cursor.pointee.statistics }
    /// The interpolation rule.
    public let interpolation: LinkStateTraceInterpolation

    private let interval: Int64
    /// How far beyond the query time rows are read: one interval for `linear`, none for `hold`.
    private let lookahead: Int64
    private let path: String
    private let stream: LinkStateTraceStream
    /// Set for a lenient replay of a trace with skipped rows: the same checks decide which rows count.
    private let checker: LinkStateTraceChecker?
    private let queried: LinkStateTraceLinkTable
    /// Query index → its queue (an id listed twice has one queue).
    private let queueOf: [Int]
    // The mutable state lives behind pointers: a query then costs no exclusivity checks.
    private let queues: UnsafeMutablePointer<LinkQueue>
    private let queueCount: Int
    private let cursor: UnsafeMutablePointer<Cursor>

    /// A row of a queried link that passed the checks (lenient replay of a trace with skipped rows).
    private struct Row {
        var link: Int32
        var time: Int64
        var state: ChannelState
    }

    /// Where the queries are in the stream of rows: the current block's records (or checked rows).
    private struct Cursor {
        var records = UnsafeBufferPointer<LinkStateTraceParsedRow>(start: nil, count: 0)
        var rows: [Row] = []
        var index = 0
        var bytes: LinkStateTraceBytes?
        var firstLine = 0
        var exhausted = false
        var lastQuery: Int64 = .min
        var lastRead: Int64 = .min
        var statistics = Statistics()
    }

    /// One link's rows: the latest at or before the last query time, then the later ones read so far.
    struct LinkQueue {
        var previousTime: Int64 = .min
        var previous = ChannelState(freeSpaceLossDb: 0)
        var times: [Int64] = []
        var states: [ChannelState] = []
        var head = 0

        mutating func push(_ time: Int64, _ state: ChannelState, now: Int64) {
            if time <= now {
                // Every queued row is earlier still: this one supersedes them.
                previousTime = time
                previous = state
                clear()
                return
            }
            advance(to: now)
            times.append(time)
            states.append(state)
        }

        @inline(__always)
        mutating func advance(to now: Int64) {
            guard head < times.count && times[head] <= now else { return }
            while head < times.count && times[head] <= now {
                previousTime = times[head]
                previous = states[head]
                head += 1
            }
            if head == times.count {
                clear()
            } else if head >= 32 && head * 2 >= times.count {
                times.removeFirst(head)
                states.removeFirst(head)
                head = 0
            }
        }

        private mutating func clear() {
            guard !times.isEmpty else { return }
            times.removeAll(keepingCapacity: true)
            states.removeAll(keepingCapacity: true)
            head = 0
        }
    }

    /// Validates the whole file (``LinkStateTrace/validate(path:knownLinks:lenient:)``), then opens
    /// it for streaming. `links`: the link ids the caller will query, index i = link i; rows of other
    /// links are read and dropped.
    public convenience init(path: String, links: [String], knownLinks: [String: String]?,
                            interpolation: LinkStateTraceInterpolation, lenient: Bool) throws {
        try self.init(path: path, links: links, knownLinks: knownLinks, interpolation: interpolation, lenient: lenient,
                      options: .standard)
    }

    init(path: String, links: [String], knownLinks: [String: String]?, interpolation: LinkStateTraceInterpolation,
         lenient: Bool, options: LinkStateTraceStream.Options) throws {
        summary = try LinkStateTrace.validate(path: path, knownLinks: knownLinks, lenient: lenient, options: options)
        self.interpolation = interpolation
        interval = max(1, summary.header.interval.nanoseconds)
        lookahead = interpolation == .linear ? interval : 0
        self.path = path
        let queried = LinkStateTraceLinkTable(expected: links.count)
        self.queried = queried
        queueOf = links.map { queried.insert($0) }
        queueCount = links.count
        queues = .allocate(capacity: max(1, links.count))
        queues.initialize(repeating: LinkQueue(), count: max(1, links.count))
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor())
        let preamble = try LinkStateTracePreamble.read(path: path)
        if summary.skips.total == 0 {
            checker = nil
            stream = try LinkStateTraceStream(path: path, preamble: preamble, mode: .replay,
                                              lookup: .init(table: queried, types: nil), options: options)
        } else {
            let checker = LinkStateTraceChecker(path: path, knownLinks: knownLinks, lenient: true)
            self.checker = checker
            stream = try LinkStateTraceStream(path: path, preamble: preamble, mode: .validate(values: true),
                                              lookup: checker.lookupIfChanged(), options: options)
        }
    }

    deinit {
        queues.deinitialize(count: max(1, queueCount))
        queues.deallocate()
        cursor.deinitialize(count: 1)
        cursor.deallocate()
    }

    /// The channel state of link `link` (an index into `links`) at `time`; nil when the trace does not
    /// cover it. Query times must not decrease across calls.
    public func state(link: Int, at time: SimTime) -> ChannelState? {
        precondition(link >= 0 && link < queueCount, "link index \(link) out of range 0..<\(queueCount)")
        let t = time.nanoseconds
        precondition(t >= cursor.pointee.lastQuery, "LinkStateTraceReplay: query times must not decrease (\(t) ns after \(cursor.pointee.lastQuery) ns)")
        cursor.pointee.lastQuery = t
        let (sum, overflow) = t.addingReportingOverflow(lookahead)
        let target = overflow ? Int64.max : sum
        if cursor.pointee.lastRead <= target { readRows(through: target) }
        let q = queues + queueOf[link]
        q.pointee.advance(to: t)
        let previousTime = q.pointee.previousTime
        guard previousTime != .min else {
            cursor.pointee.statistics.uncovered += 1
            return nil
        }
        if previousTime == t {
            cursor.pointee.statistics.exact += 1
            return q.pointee.previous
        }
        if interpolation == .linear && q.pointee.head < q.pointee.times.count {
            let nextTime = q.pointee.times[q.pointee.head]
            if nextTime - previousTime <= interval {
                cursor.pointee.statistics.interpolated += 1
                let w = Double(t - previousTime) / Double(nextTime - previousTime)
                return Self.interpolate(q.pointee.previous, q.pointee.states[q.pointee.head], w)
            }
        }
        if t - previousTime <= interval {
            cursor.pointee.statistics.held += 1
            return q.pointee.previous
        }
        cursor.pointee.statistics.uncovered += 1
        return nil
    }

    /// `a + (b − a)·w` part by part; optional parts missing in either state take `a`'s; `isLOS` is `a`'s.
    static func interpolate(_ a: ChannelState, _ b: ChannelState, _ w: Double) -> ChannelState {
        func mix(_ x: Double, _ y: Double) -> Double { x + (y - x) * w }
        var s = a
        s.freeSpaceLossDb = mix(a.freeSpaceLossDb, b.freeSpaceLossDb)
        s.atmosphericLossDb = mix(a.atmosphericLossDb, b.atmosphericLossDb)
        s.scintillationLossDb = mix(a.scintillationLossDb, b.scintillationLossDb)
        s.clutterLossDb = mix(a.clutterLossDb, b.clutterLossDb)
        s.shadowingDb = mix(a.shadowingDb, b.shadowingDb)
        s.fadingDb = mix(a.fadingDb, b.fadingDb)
        s.losProbability = mix(a.losProbability, b.losProbability)
        if let x = a.kFactorDb, let y = b.kFactorDb { s.kFactorDb = mix(x, y) }
        if let x = a.delaySpreadSeconds, let y = b.delaySpreadSeconds { s.delaySpreadSeconds = mix(x, y) }
        return s
    }

    /// Moves rows into the links' queues until the last one read is later than `target` (or the file ends).
    private func readRows(through target: Int64) {
        var c = cursor.pointee
        cursor.pointee.rows = []   // keep the array uniquely referenced by `c` while it is worked on
        defer { cursor.pointee = c }
        let now = c.lastQuery
        while c.lastRead <= target {
            if checker == nil {
                if c.index == c.records.count {
                    guard !c.exhausted else { return }
                    takeBlock(&c)
                    continue
                }
                let k = c.index
                c.index += 1
                // Fields are read through the buffer, not by copying each record.
                guard c.records[k].problem == .none else {
                    if c.records[k].problem == .blank { continue }
                    let r = c.records[k]
                    let message = c.bytes.map { LinkStateTraceLineParser.message(for: r, bytes: $0) } ?? "\(r.problem)"
                    fatalError("\(path):\(c.firstLine + Int(r.line)): \(message) (the file changed after it was validated)")
                }
                let time = c.records[k].time
                queues[Int(c.records[k].slot)].push(time, c.records[k].channel, now: now)
                c.lastRead = time
            } else {
                if c.index == c.rows.count {
                    guard !c.exhausted else { return }
                    takeBlock(&c)
                    continue
                }
                let k = c.index
                c.index += 1
                queues[Int(c.rows[k].link)].push(c.rows[k].time, c.rows[k].state, now: now)
                c.lastRead = c.rows[k].time
            }
        }
    }

    /// The next parsed block (after checking it, for a lenient replay), or the end of the file.
    private func takeBlock(_ c: inout Cursor) {
        c.index = 0
        c.records = UnsafeBufferPointer(start: nil, count: 0)
        c.rows.removeAll(keepingCapacity: true)
        do {
            guard let batch = try stream.nextBatch() else {
                c.exhausted = true
                return
            }
            c.bytes = batch.bytes
            if let checker {
                let view = queried.view
                var accepted = 0
                var rows = c.rows
                c.rows = []
                try checker.check(batch) { r, _, bytes in
                    accepted += 1
                    let slot = view.find(hash: r.hash, bytes: bytes.pointer(r.idStart), length: Int(r.idLength))
                    if slot >= 0 { rows.append(Row(link: Int32(slot), time: r.time, state: r.channel)) }
                }
                c.rows = rows
                c.statistics.rowsRead += accepted
                if let lookup = checker.lookupIfChanged() { stream.publish(lookup) }
            } else {
                for segment in batch.segments { c.statistics.rowsRead += segment.dataLines }
                c.records = batch.segments[0].rows
                c.firstLine = batch.segments[0].firstLine
            }
        } catch {
            fatalError("\(error) (the file changed after it was validated)")
        }
    }
}
