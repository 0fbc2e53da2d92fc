import Foundation
import SimCore

/// Link ids → dense indices, looked up from the file's bytes without making a String: an
/// open-addressing table keyed by a word-at-a-time hash, holding each id's bytes for comparison.
///
/// Storage is manual so that the parse threads can read it through a ``View`` (plain pointers, no
/// per-access exclusivity checks) while nothing inserts; inserts happen between blocks.
final class LinkStateTraceLinkTable: @unchecked Sendable {
    /// A read-only snapshot of the table, valid until the next insert.
    struct View {
        let slots: UnsafePointer<Int32>
        let mask: Int
        let hashes: UnsafePointer<UInt64>
        let starts: UnsafePointer<Int>
        let lengths: UnsafePointer<Int>
        let arena: UnsafePointer<UInt8>

        /// The index of the id, or -1.
        @inline(__always)
        func find(hash: UInt64, bytes: UnsafePointer<UInt8>, length: Int) -> Int {
            var i = Int(truncatingIfNeeded: hash) & mask
            while true {
                let s = Int(slots[i])
                if s < 0 { return -1 }
                if hashes[s] == hash && lengths[s] == length && LinkStateTraceLinkTable.equal(arena + starts[s], bytes, length) {
                    return s
                }
                i = (i + 1) & mask
            }
        }
    }

    private var slots: UnsafeMutablePointer<Int32>
    private var size: Int
    private var hashes: UnsafeMutablePointer<UInt64>
    private var starts: UnsafeMutablePointer<Int>
    private var lengths: UnsafeMutablePointer<Int>
    private var capacity: Int
    /// Every id's bytes, back to back, with 8 bytes of padding after the last.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    /// Number of ids.
    private(set) var count = 0
    /// The current snapshot.
    private(set) var view: View

    init(expected: Int = 64) {
        size = 16
        while size < expected * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        capacity = max(8, expected)
        hashes = .allocate(capacity: capacity)
        starts = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        arenaCapacity = 32 * capacity + 8
        arena = .allocate(capacity: arenaCapacity)
        arena.initialize(repeating: 0, count: arenaCapacity)
        view = View(slots: slots, mask: size - 1, hashes: hashes, starts: starts, lengths: lengths, arena: arena)
    }

    deinit {
        slots.deallocate()
        hashes.deallocate()
        starts.deallocate()
        lengths.deallocate()
        arena.deallocate()
    }

    /// Compares `length` bytes; ids are short, so whole words first, then the rest.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var i = 0
        while i + 8 <= length {
            if LinkStateTraceNumbers.load(a + i) != LinkStateTraceNumbers.load(b + i) { return false }
            i += 8
        }
        if i < length {
            let keep = (1 &<< UInt64(8 * (length - i))) &- 1
            if (LinkStateTraceNumbers.load(a + i) ^ LinkStateTraceNumbers.load(b + i)) & keep != 0 { return false }
        }
        return true
    }

    /// A 64-bit hash of `length` bytes at `p` (FNV-1a over 8-byte words, then MurmurHash3's final
    /// mix). Reads whole words; the bytes after the id must be readable.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(truncatingIfNeeded: length)
        var i = 0
        while i + 8 <= length {
            h = (h ^ LinkStateTraceNumbers.load(p + i)) &* 0x0000_0100_0000_01B3
            i += 8
        }
        if i < length {
            let keep = UInt64(8 * (length - i))
            let tail = LinkStateTraceNumbers.load(p + i) & ((1 &<< keep) &- 1)
            h = (h ^ tail) &* 0x0000_0100_0000_01B3
        }
        h ^= h &>> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h &>> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h &>> 33
        return h
    }

    /// Runs `body` on the id's bytes followed by 8 bytes of padding.
    private static func withPadded<R>(_ id: String, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        var bytes = Array(id.utf8)
        let length = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 8))
        return bytes.withUnsafeBufferPointer { body($0.baseAddress.unsafelyUnwrapped, length) }
    }

    /// The index of the id, or -1.
    func find(_ id: String) -> Int {
        Self.withPadded(id) { p, n in view.find(hash: Self.hash(p, n), bytes: p, length: n) }
    }

    /// The index of the id, added if new.
    @discardableResult
    func insert(_ id: String) -> Int {
        Self.withPadded(id) { p, n in
            let h = Self.hash(p, n)
            let i = view.find(hash: h, bytes: p, length: n)
            return i >= 0 ? i : insert(hash: h, bytes: p, length: n)
        }
    }

    /// Adds an id that is not in the table; returns its index.
    @discardableResult
    func insert(hash: UInt64, bytes: UnsafePointer<UInt8>, length: Int) -> Int {
        if count == capacity {
            capacity *= 2
            hashes = Self.grown(hashes, count, capacity)
            starts = Self.grown(starts, count, capacity)
            lengths = Self.grown(lengths, count, capacity)
        }
        if arenaUsed + length + 8 > arenaCapacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * (arenaUsed + length + 8))
            bigger.initialize(repeating: 0, count: 2 * (arenaUsed + length + 8))
            bigger.update(from: arena, count: arenaUsed)
            arena.deallocate()
            arena = bigger
            arenaCapacity = 2 * (arenaUsed + length + 8)
        }
        let index = count
        hashes[index] = hash
        starts[index] = arenaUsed
        lengths[index] = length
        (arena + arenaUsed).update(from: bytes, count: length)
        arenaUsed += length
        count += 1
        if count * 2 > size {
            size *= 2
            slots.deallocate()
            slots = .allocate(capacity: size)
            slots.initialize(repeating: -1, count: size)
            for k in 0 ..< count { place(k) }
        } else {
            place(index)
        }
        view = View(slots: slots, mask: size - 1, hashes: hashes, starts: starts, lengths: lengths, arena: arena)
        return index
    }

    private static func grown<T>(_ p: UnsafeMutablePointer<T>, _ count: Int, _ capacity: Int) -> UnsafeMutablePointer<T> {
        let q = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        q.moveInitialize(from: p, count: count)
        p.deallocate()
        return q
    }

    private func place(_ index: Int) {
        var i = Int(truncatingIfNeeded: hashes[index]) & (size - 1)
        while slots[i] >= 0 { i = (i + 1) & (size - 1) }
        slots[i] = Int32(index)
    }

    /// A separate table with the same ids at the same indices.
    func copy() -> LinkStateTraceLinkTable {
        let other = LinkStateTraceLinkTable(expected: count)
        for i in 0 ..< count { other.insert(hash: hashes[i], bytes: arena + starts[i], length: lengths[i]) }
        return other
    }

    /// The id at `index`.
    func name(_ index: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: arena + starts[index], count: lengths[index]), as: UTF8.self)
    }
}

/// The link types of a topology's links, by table index, for the parse threads to compare with the
/// file's `link_type` bytes.
final class LinkStateTraceKnownTypes: @unchecked Sendable {
    private let bytes: UnsafeMutablePointer<UInt8>
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    let count: Int

    /// `types[i]`: the type of the link with table index i.
    init(_ types: [String]) {
        count = types.count
        let all = types.map { Array($0.utf8) }
        let total = all.reduce(8) { $0 + $1.count }
        bytes = .allocate(capacity: total)
        bytes.initialize(repeating: 0, count: total)
        starts = .allocate(capacity: max(1, count))
        lengths = .allocate(capacity: max(1, count))
        var at = 0
        for (i, t) in all.enumerated() {
            starts[i] = at
            lengths[i] = t.count
            (bytes + at).update(from: t, count: t.count)
            at += t.count
        }
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        lengths.deallocate()
    }

    @inline(__always)
    func matches(_ index: Int, _ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        lengths[index] == length && LinkStateTraceLinkTable.equal(bytes + starts[index], p, length)
    }

    func name(_ index: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes + starts[index], count: lengths[index]), as: UTF8.self)
    }
}

/// The checks that need more than one row: link ids against the topology, time order, one row per
/// (link, time). Memory is per link, never per row: rows are time-sorted, so a second row for a link
/// at the same time can only follow while that time is current.
///
/// The parse threads have already looked each row's link up in ``table`` (and compared its type
/// with ``knownTypes``); only ids new to the table are looked up here.
final class LinkStateTraceChecker {
    let path: String
    let lenient: Bool
    let table: LinkStateTraceLinkTable
    /// Link types of the topology's links by table index (nil: any link is accepted).
    let knownTypes: LinkStateTraceKnownTypes?
    /// Per link (table index): the time and line of its latest row.
    private let latest = PerLink()
    private var state = State()
    private var skips = LinkStateTraceSkips()

    private struct State {
        var currentTime: Int64 = .min
        var currentLine = 0
        var rows = 0
        var distinct = 0
        var firstTime: Int64 = 0
        var finalTime: Int64 = 0
        /// Blank lines not yet followed by data (allowed only at the end of the file).
        var blankStart = 0
        var blankCount = 0
    }

    struct Latest {
        var time: Int64 = .min
        var line = 0
    }

    /// A growable array of ``Latest`` behind a plain pointer (no uniqueness or bounds checks per row).
    final class PerLink {
        private(set) var entries = UnsafeMutablePointer<Latest>.allocate(capacity: 64)
        private var capacity = 64
        private(set) var count = 0

        deinit { entries.deallocate() }

        func append() {
            if count == capacity {
                let bigger = UnsafeMutablePointer<Latest>.allocate(capacity: capacity * 2)
                bigger.moveInitialize(from: entries, count: count)
                entries.deallocate()
                entries = bigger
                capacity *= 2
            }
            (entries + count).initialize(to: Latest())
            count += 1
        }
    }

    init(path: String, knownLinks: [String: String]?, lenient: Bool) {
        self.path = path
        self.lenient = lenient
        table = LinkStateTraceLinkTable(expected: knownLinks?.count ?? 64)
        if let knownLinks {
            var types: [String] = []
            for (id, type) in knownLinks.sorted(by: { $0.key < $1.key }) {
                table.insert(id)
                types.append(type)
            }
            knownTypes = LinkStateTraceKnownTypes(types)
            for _ in types { latest.append() }
        } else {
            knownTypes = nil
        }
    }

    /// Ids in the last lookup handed out.
    private var shared = -1

    /// What the parse threads need to look links up: the table itself when it cannot change (a
    /// topology was given), else an immutable copy; nil when nothing changed since the last call.
    func lookupIfChanged() -> LinkStateTraceLineParser.Lookup? {
        if knownTypes != nil {
            guard shared < 0 else { return nil }
            shared = table.count
            return .init(table: table, types: knownTypes)
        }
        guard table.count != shared, table.count > 0 else { return nil }
        shared = table.count
        return .init(table: table.copy(), types: nil)
    }

    private func reject(_ line: Int, _ reason: WritableKeyPath<LinkStateTraceSkips, Int>, _ message: @autoclosure () -> String) throws {
        guard lenient else { throw TraceError(file: path, line: line, message: message()) }
        skips[keyPath: reason] += 1
        if skips.firstLines.count < 5 { skips.firstLines.append(line) }
    }

    /// Checks a batch; `accept`, if given, sees every valid row with its link's table index.
    func check(_ batch: LinkStateTraceBatch, accept: ((LinkStateTraceParsedRow, Int, LinkStateTraceBytes) -> Void)? = nil) throws {
        let bytes = batch.bytes
        // Work on a local copy of the state (no exclusivity checks per row); stored back however this returns.
        var s = self.state
        defer { self.state = s }
        let latest = self.latest
        for segment in batch.segments {
            // Fields are read through the buffer, not by copying each record.
            let rows = segment.rows
            for k in rows.indices {
                let line = segment.firstLine + Int(rows[k].line)
                let problem = rows[k].problem
                if problem != .none {
                    if problem == .blank {
                        if s.blankCount == 0 { s.blankStart = line }
                        s.blankCount += 1
                    } else {
                        try flushBlankLines(&s)
                        try reject(line, \.malformed, LinkStateTraceLineParser.message(for: rows[k], bytes: bytes))
                    }
                    continue
                }
                if s.blankCount > 0 { try flushBlankLines(&s) }
                let time = rows[k].time
                var i = Int(rows[k].slot)
                if i < 0 {
                    // Not in the table when the block was parsed: unknown, or new (added earlier in this block or now).
                    let r = rows[k]
                    let id = bytes.pointer(r.idStart)
                    i = table.view.find(hash: r.hash, bytes: id, length: Int(r.idLength))
                    if i < 0 {
                        guard knownTypes == nil else {
                            try reject(line, \.unknownLink, "link '\(bytes.string(r.idStart, r.idLength))' is not a link of the topology")
                            continue
                        }
                        i = table.insert(hash: r.hash, bytes: id, length: Int(r.idLength))
                        latest.append()
                    }
                }
                if rows[k].typeMismatch, let knownTypes {
                    let r = rows[k]
                    try reject(line, \.unknownLink, "link '\(bytes.string(r.idStart, r.idLength))' is a '\(knownTypes.name(i))' link in the topology, but the trace says '\(bytes.string(r.typeStart, r.typeLength))'")
                    continue
                }
                if time < s.currentTime {
                    try reject(line, \.timeBackwards, "time goes back from \(LinkStateTraceNumbers.timeText(s.currentTime)) s (line \(s.currentLine)) to \(LinkStateTraceNumbers.timeText(time)) s")
                    continue
                }
                assert(i < latest.count)
                let last = latest.entries + i
                if last.pointee.time == time {
                    try reject(line, \.duplicate, "second row for link \(table.name(i)) at time \(LinkStateTraceNumbers.timeText(time)) s; first at line \(last.pointee.line)")
                    continue
                }
                if last.pointee.time == .min { s.distinct += 1 }
                last.pointee = Latest(time: time, line: line)
                if s.rows == 0 { s.firstTime = time }
                s.rows += 1
                s.currentTime = time
                s.currentLine = line
                s.finalTime = time
                if let accept { accept(rows[k], i, bytes) }
            }
        }
    }

    /// Blank lines followed by data are an error (or skipped rows).
    private func flushBlankLines(_ s: inout State) throws {
        guard s.blankCount > 0 else { return }
        let (start, count) = (s.blankStart, s.blankCount)
        s.blankCount = 0
        for k in 0 ..< count {
            try reject(start + k, \.malformed, "empty line inside the data; expected \(LinkStateTrace.columns.count) fields")
        }
    }

    /// The summary after the last batch; throws when no row was valid.
    func finish(header: LinkStateTraceHeader) throws -> LinkStateTraceSummary {
        guard state.rows > 0 else {
            if skips.total == 0 { throw TraceError(file: path, line: 3, message: "no data rows") }
            throw TraceError(file: path, line: skips.firstLines.first ?? 3,
                             message: "no valid data rows: all \(skips.total) were skipped (\(skips.malformed) malformed, \(skips.unknownLink) unknown link, \(skips.timeBackwards) time going back, \(skips.duplicate) duplicate)")
        }
        return LinkStateTraceSummary(header: header, rows: state.rows, links: state.distinct, firstTime: SimTime(nanoseconds: state.firstTime),
                                     lastTime: SimTime(nanoseconds: state.finalTime), skips: skips)
    }
}
