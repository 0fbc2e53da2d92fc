import Channels
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The byte-level reader of link-state traces: the header lines, then the data in blocks of 8 MiB
// parsed by worker threads into fixed-size records (no String per field), handed out in file
// order. Line numbers stay exact: a record knows its index within its block, and the consumer adds
// the lines of the blocks before.

/// What is wrong with a data row (0: nothing). The column, when there is one, is stored beside it.
enum LinkStateTraceProblem: UInt8 {
    case none = 0
    case fieldCount
    case notNumber
    case nonFinite
    case badTime
    case negativeTime
    case badLOS
    case losProbabilityRange
    case emptyText
    case blank
    /// No newline within `maximumLineBytes` after the line's start (the line is skipped as malformed
    /// by a lenient read; the next block resumes after its end, so line numbers stay exact).
    case lineTooLong
}

/// One data line as parsed: byte ranges of the text fields (offsets from the block's start), the
/// numbers, and the problem if any. What the checker reads comes first (one cache line).
struct LinkStateTraceParsedRow {
    var problem: LinkStateTraceProblem = .none
    var column: UInt8 = 0
    /// The file's last line, not ended by a newline.
    var unterminated = false
    /// The link is known but the row's `link_type` differs from the topology's.
    var typeMismatch = false
    /// Index of the line within its segment (line number = segment's first line + this).
    var line: Int32 = 0
    /// The link's index in the lookup table, or -1 when it was not there.
    var slot: Int32 = -1
    var idStart: Int32 = 0, idLength: Int32 = 0
    var time: Int64 = 0
    var hash: UInt64 = 0
    var lineStart: Int32 = 0, lineLength: Int32 = 0
    var typeStart: Int32 = 0, typeLength: Int32 = 0
    var txStart: Int32 = 0, txLength: Int32 = 0
    var rxStart: Int32 = 0, rxLength: Int32 = 0
    var channel = ChannelState(freeSpaceLossDb: 0)
    var elevationDeg = 0.0, azimuthDeg = 0.0, rangeMeters = 0.0, pathLossDb = 0.0
    var snrDb = 0.0, shannonBps = 0.0, capacityBps = 0.0, delaySeconds = 0.0
}

/// The bytes a block's offsets refer to (valid until the stream reads the next block).
struct LinkStateTraceBytes {
    let base: UnsafePointer<UInt8>

    func string(_ start: Int32, _ length: Int32) -> String {
        String(decoding: UnsafeBufferPointer(start: base + Int(start), count: Int(length)), as: UTF8.self)
    }

    func pointer(_ start: Int32) -> UnsafePointer<UInt8> { base + Int(start) }
}

/// Parses the data lines of one block into fixed-size records.
final class LinkStateTraceLineParser: @unchecked Sendable {
    enum Mode {
        /// Every field checked; every line gives a record. With `values`, every number's value is
        /// read too (readAll, lenient replay); without, numbers are only checked to be finite
        /// decimals (validation), except `los_probability`, whose range is checked.
        case validate(values: Bool)
        /// Only the replayed fields of the queried links; other lines are dropped unread.
        case replay
    }

    /// How rows find their link: an immutable table (a snapshot) and the topology's link types if any.
    struct Lookup: @unchecked Sendable {
        let table: LinkStateTraceLinkTable
        let types: LinkStateTraceKnownTypes?
    }

    let mode: Mode
    /// Scratch of the validation fast path.
    private let masks = LinkStateTraceLineMasks()
    private(set) var rows: UnsafeMutablePointer<LinkStateTraceParsedRow>
    private var capacity: Int
    /// Records produced.
    private(set) var count = 0
    /// Lines read (records plus lines dropped in replay mode).
    private(set) var lines = 0
    /// Data lines read (lines that are not blank).
    private(set) var dataLines = 0

    init(mode: Mode) {
        self.mode = mode
        capacity = 1 << 12
        rows = .allocate(capacity: capacity)
        rows.initialize(repeating: LinkStateTraceParsedRow(), count: capacity)
    }

    deinit {
        rows.deinitialize(count: capacity)
        rows.deallocate()
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<LinkStateTraceParsedRow>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: rows, count: capacity)
        (bigger + capacity).initialize(repeating: LinkStateTraceParsedRow(), count: capacity)
        rows.deallocate()
        rows = bigger
        capacity *= 2
    }

    var records: UnsafeBufferPointer<LinkStateTraceParsedRow> { UnsafeBufferPointer(start: rows, count: count) }

    /// Parses the lines that start in `first ..< limit` (offsets are from `base`); each may run on
    /// to `end`. A line without a newline before `end` is the file's unterminated last line when
    /// `endOfFile`, else too long (recorded, and parsing stops).
    func parse(base: UnsafePointer<UInt8>, first: UnsafePointer<UInt8>, limit: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>,
               endOfFile: Bool, lookup: Lookup?) {
        count = 0
        lines = 0
        dataLines = 0
        let view = lookup?.table.view
        let types = lookup?.types
        switch mode {
        case .validate(let values):
            if values {
                parseLines(base, first, limit, end, endOfFile, view, types, validating: true, values: true)
            } else {
                parseLines(base, first, limit, end, endOfFile, view, types, validating: true, values: false)
            }
        case .replay:
            parseLines(base, first, limit, end, endOfFile, view, types, validating: false, values: true)
        }
    }

    @inline(__always)
    private func parseLines(_ base: UnsafePointer<UInt8>, _ first: UnsafePointer<UInt8>, _ limit: UnsafePointer<UInt8>,
                            _ end: UnsafePointer<UInt8>, _ endOfFile: Bool, _ view: LinkStateTraceLinkTable.View?,
                            _ types: LinkStateTraceKnownTypes?, validating: Bool, values: Bool) {
        var p = first
        // Locals, not properties, in the loop: no exclusivity checks per row.
        var rows = self.rows, capacity = self.capacity, count = 0, lines = 0, dataLines = 0
        let masks = self.masks
        while p < limit {
            if count == capacity {
                self.count = count
                grow()
                rows = self.rows
                capacity = self.capacity
            }
            let lineIndex = Int32(truncatingIfNeeded: lines)
            lines += 1
            var newline = UnsafePointer(memchr(p, 10, end - p)?.assumingMemoryBound(to: UInt8.self)) ?? end
            var unterminated = false
            if newline == end {
                guard endOfFile else {
                    rows[count] = LinkStateTraceParsedRow()
                    rows[count].problem = .lineTooLong
                    rows[count].line = lineIndex
                    rows[count].lineStart = Int32(truncatingIfNeeded: p - base)
                    count += 1
                    break
                }
                unterminated = true
                newline = end
            }
            var lineEnd = newline
            if lineEnd > p && (lineEnd - 1).pointee == 13 { lineEnd -= 1 }
            if lineEnd == p {
                if validating {
                    rows[count] = LinkStateTraceParsedRow()
                    rows[count].problem = .blank
                    rows[count].line = lineIndex
                    rows[count].lineStart = Int32(truncatingIfNeeded: p - base)
                    count += 1
                }
            } else {
                dataLines += 1
                let keep: Bool
                if validating {
                    keep = true
                    // Plainly valid lines are checked from their masks; the rest (and every line whose
                    // values are wanted) field by field.
                    if values || !Self.quickCheckFull(p, lineEnd, base: base, view: view, types: types, masks: masks, into: &rows[count]) {
                        Self.parseFull(p, lineEnd, base: base, view: view, types: types, values: values, into: &rows[count])
                    }
                } else {
                    keep = Self.parseReplay(p, lineEnd, base: base, view: view, into: &rows[count])
                }
                if keep {
                    rows[count].line = lineIndex
                    rows[count].lineStart = Int32(truncatingIfNeeded: p - base)
                    rows[count].lineLength = Int32(truncatingIfNeeded: lineEnd - p)
                    rows[count].unterminated = unterminated
                    count += 1
                }
            }
            p = newline + 1
        }
        self.count = count
        self.lines = lines
        self.dataLines = dataLines
    }

    // MARK: Fields

    /// The first comma in `p ..< end`, or `end`.
    @inline(__always)
    static func comma(from p: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = p
        while q < end {
            let commas = LinkStateTraceLineMasks.commaBytes(LinkStateTraceNumbers.load(q))
            if commas != 0 {
                let r = q + (commas.trailingZeroBitCount &>> 3)
                return r < end ? r : end
            }
            q += 8
        }
        return end
    }

    /// After a field that ended at `p`: true when a comma follows (and steps over it); else records
    /// the problem (too few fields at the line's end, a bad value otherwise).
    @inline(__always)
    static func separator(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int,
                          bad: LinkStateTraceProblem, into row: inout LinkStateTraceParsedRow) -> Bool {
        if p < end && p.pointee == UInt8(ascii: ",") {
            p += 1
            return true
        }
        row.problem = p >= end ? .fieldCount : bad
        row.column = UInt8(column)
        return false
    }

    @inline(__always)
    static func text(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>, column: Int,
                     into row: inout LinkStateTraceParsedRow) -> (start: Int32, length: Int32)? {
        let stop = comma(from: p, to: end)
        guard stop < end else {
            row.problem = .fieldCount
            row.column = UInt8(column)
            return nil
        }
        guard stop > p else {
            row.problem = .emptyText
            row.column = UInt8(column)
            return nil
        }
        let field = (Int32(truncatingIfNeeded: p - base), Int32(truncatingIfNeeded: stop - p))
        p = stop + 1
        return field
    }

    /// A finite number followed by a comma (or, for the last column, the line's end). Without
    /// `values` the number is only checked (the result is 0 then).
    @inline(__always)
    static func number(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int, last: Bool = false,
                       values: Bool = true, into row: inout LinkStateTraceParsedRow) -> Double? {
        if !values, let (next, large) = LinkStateTraceNumbers.scanNumber(p), next <= end, !large {
            p = next
            return endOfNumber(&p, end, column: column, last: last, into: &row) ? 0 : nil
        }
        guard let (value, next) = LinkStateTraceNumbers.parseDouble(p), next <= end else {
            row.problem = p >= end ? .fieldCount : .notNumber
            row.column = UInt8(column)
            return nil
        }
        guard value.isFinite else {
            row.problem = .nonFinite
            row.column = UInt8(column)
            return nil
        }
        p = next
        return endOfNumber(&p, end, column: column, last: last, into: &row) ? value : nil
    }

    /// After a number that ended at `p`: the line's end for the last column, else a comma (stepped
    /// over); otherwise records the problem (a comma where the line should end means too many fields).
    @inline(__always)
    static func endOfNumber(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int, last: Bool,
                            into row: inout LinkStateTraceParsedRow) -> Bool {
        guard last else { return separator(&p, end, column: column, bad: .notNumber, into: &row) }
        guard p == end else {
            row.problem = p.pointee == UInt8(ascii: ",") ? .fieldCount : .notNumber
            row.column = UInt8(column)
            return false
        }
        return true
    }

    /// Validation without values: a plain decimal (`[-]digits[.digits]`, fewer than 290 integer
    /// digits, so finite) followed by a comma (or, for the last column, the line's end) is accepted
    /// here; anything else (exponents, signs, errors) goes through ``number(_:_:column:last:values:into:)``,
    /// which records the exact problem.
    @inline(__always)
    static func checkNumber(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int, last: Bool = false,
                            into row: inout LinkStateTraceParsedRow) -> Bool {
        var q = p
        q += q.pointee == UInt8(ascii: "-") ? 1 : 0
        let integerDigits = LinkStateTraceNumbers.digitRun(q)
        q += integerDigits
        var digits = integerDigits
        if q.pointee == UInt8(ascii: ".") {
            let fractionDigits = LinkStateTraceNumbers.digitRun(q + 1)
            q += 1 + fractionDigits
            digits = fractionDigits == 0 ? 0 : digits + fractionDigits
        }
        if digits > 0 && integerDigits < 290 {
            if last {
                if q == end {
                    p = q
                    return true
                }
            } else if q < end && q.pointee == UInt8(ascii: ",") {
                p = q + 1
                return true
            }
        }
        return checkNumberSlowly(&p, end, column: column, last: last, into: &row)
    }

    @inline(never)
    static func checkNumberSlowly(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int, last: Bool,
                                  into row: inout LinkStateTraceParsedRow) -> Bool {
        number(&p, end, column: column, last: last, values: false, into: &row) != nil
    }

    /// An empty field or a number, checked as by ``checkNumber(_:_:column:last:into:)``, followed by a comma.
    @inline(__always)
    static func checkOptionalNumber(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int,
                                    into row: inout LinkStateTraceParsedRow) -> Bool {
        if p < end && p.pointee == UInt8(ascii: ",") {
            p += 1
            return true
        }
        return checkNumber(&p, end, column: column, into: &row)
    }

    /// An empty field (nil) or a finite number, followed by a comma.
    @inline(__always)
    static func optionalNumber(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int,
                               into row: inout LinkStateTraceParsedRow) -> Double?? {
        if p < end && p.pointee == UInt8(ascii: ",") {
            p += 1
            return .some(nil)
        }
        guard let v = numberAndComma(&p, end, column: column, into: &row) else { return nil }
        return .some(v)
    }

    /// A finite number followed by a comma, as ``number(_:_:column:last:values:into:)`` reads it, but
    /// with the common case inline and no checking-mode branches (replay's reader): anything else goes
    /// to `number`, which reads it again and records the exact problem.
    @inline(__always)
    static func numberAndComma(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int,
                               into row: inout LinkStateTraceParsedRow) -> Double? {
        if let (value, next) = LinkStateTraceNumbers.parseDouble(p), next < end, next.pointee == UInt8(ascii: ","),
           value.isFinite {
            p = next + 1
            return value
        }
        return numberAndCommaSlowly(&p, end, column: column, into: &row)
    }

    @inline(never)
    static func numberAndCommaSlowly(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, column: Int,
                                     into row: inout LinkStateTraceParsedRow) -> Double? {
        number(&p, end, column: column, into: &row)
    }

    /// Steps over one field without reading it (replay of a validated file).
    @inline(__always)
    static func skip(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        let stop = comma(from: p, to: end)
        p = stop < end ? stop + 1 : end
    }

    /// Steps over `fields` fields at once, counting commas a word at a time.
    @inline(__always)
    static func skip(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, fields: Int) {
        var remaining = fields
        var q = p
        while q < end {
            var commas = LinkStateTraceLineMasks.commaBytes(LinkStateTraceNumbers.load(q))
            // One 0x80 per comma byte: shifted to 1s and summed into the top byte by a multiply
            // (at most 8, no carry), as a software popcount costs ~15 instructions without POPCNT.
            let n = Int(truncatingIfNeeded: ((commas &>> 7) &* 0x0101_0101_0101_0101) &>> 56)
            if n >= remaining {
                for _ in 1 ..< remaining { commas &= commas &- 1 }
                let at = q + (commas.trailingZeroBitCount &>> 3)
                p = at < end ? at + 1 : end
                return
            }
            remaining -= n
            q += 8
        }
        p = end
    }

    @inline(__always)
    static func time(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, into row: inout LinkStateTraceParsedRow) -> Bool {
        let (ns, next) = LinkStateTraceNumbers.parseTime(p)
        if ns < 0 {
            row.problem = ns == LinkStateTraceNumbers.negativeTime ? .negativeTime : (p >= end ? .fieldCount : .badTime)
            row.column = 0
            return false
        }
        p = next
        row.time = ns
        return separator(&p, end, column: 0, bad: .badTime, into: &row)
    }

    @inline(__always)
    static func los(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, into row: inout LinkStateTraceParsedRow) -> Bool {
        switch p < end ? p.pointee : 0 {
        case UInt8(ascii: ","): row.channel.isLOS = nil
        case UInt8(ascii: "0"): row.channel.isLOS = false; p += 1
        case UInt8(ascii: "1"): row.channel.isLOS = true; p += 1
        default:
            row.problem = p >= end ? .fieldCount : .badLOS
            row.column = 16
            return false
        }
        return separator(&p, end, column: 16, bad: .badLOS, into: &row)
    }

    // MARK: Rows

    /// Every field of a line, checked, and its link looked up. Sets `row.problem` on the first bad
    /// field. Without `values` (``checkFull(_:_:base:view:types:into:)``) only `time` and the text fields
    /// are stored.
    @inline(__always)
    static func parseFull(_ lineStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>,
                          view: LinkStateTraceLinkTable.View?, types: LinkStateTraceKnownTypes?, values: Bool,
                          into row: inout LinkStateTraceParsedRow) {
        row.problem = .none
        guard values else {
            checkFull(lineStart, end, base: base, view: view, types: types, into: &row)
            return
        }
        var p = lineStart
        guard let (id, type, tx, rx) = leadingFields(&p, end, base: base, into: &row),
              let elevation = number(&p, end, column: 5, into: &row),
              let azimuth = number(&p, end, column: 6, into: &row),
              let range = number(&p, end, column: 7, into: &row),
              let fsl = number(&p, end, column: 8, into: &row),
              let atmospheric = number(&p, end, column: 9, into: &row),
              let scintillation = number(&p, end, column: 10, into: &row),
              let clutter = number(&p, end, column: 11, into: &row),
              let shadowing = number(&p, end, column: 12, into: &row),
              let fading = number(&p, end, column: 13, into: &row),
              let pathLoss = number(&p, end, column: 14, into: &row),
              let losProbability = probability(&p, end, into: &row),
              los(&p, end, into: &row),
              let kFactor = optionalNumber(&p, end, column: 17, into: &row),
              let delaySpread = optionalNumber(&p, end, column: 18, into: &row),
              let snr = number(&p, end, column: 19, into: &row),
              let shannon = number(&p, end, column: 20, into: &row),
              let capacity = number(&p, end, column: 21, into: &row),
              let delay = number(&p, end, column: 22, last: true, into: &row)
        else { return }
        resolveLink(id: id, type: type, tx: tx, rx: rx, base: base, view: view, types: types, into: &row)
        row.channel.losProbability = losProbability
        row.elevationDeg = elevation
        row.azimuthDeg = azimuth
        row.rangeMeters = range
        row.channel.freeSpaceLossDb = fsl
        row.channel.atmosphericLossDb = atmospheric
        row.channel.scintillationLossDb = scintillation
        row.channel.clutterLossDb = clutter
        row.channel.shadowingDb = shadowing
        row.channel.fadingDb = fading
        row.pathLossDb = pathLoss
        row.channel.kFactorDb = kFactor
        row.channel.delaySpreadSeconds = delaySpread
        row.snrDb = snr
        row.shannonBps = shannon
        row.capacityBps = capacity
        row.delaySeconds = delay
    }

    /// `time_s` (into the row) and the extents of `link_id`, `link_type`, `tx` and `rx`.
    @inline(__always)
    static func leadingFields(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>,
                              into row: inout LinkStateTraceParsedRow)
        -> (id: (start: Int32, length: Int32), type: (start: Int32, length: Int32),
            tx: (start: Int32, length: Int32), rx: (start: Int32, length: Int32))? {
        guard time(&p, end, into: &row),
              let id = text(&p, end, base: base, column: 1, into: &row),
              let type = text(&p, end, base: base, column: 2, into: &row),
              let tx = text(&p, end, base: base, column: 3, into: &row),
              let rx = text(&p, end, base: base, column: 4, into: &row)
        else { return nil }
        return (id, type, tx, rx)
    }

    /// `los_probability` (column 15), which must lie in [0, 1].
    @inline(__always)
    static func probability(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                            into row: inout LinkStateTraceParsedRow) -> Double? {
        guard let value = number(&p, end, column: 15, into: &row) else { return nil }
        guard value >= 0 && value <= 1 else {
            row.problem = .losProbabilityRange
            row.column = 15
            return nil
        }
        return value
    }

    /// Stores the text fields' extents and looks the link id up in the topology's table (and its type,
    /// when the table has types).
    @inline(__always)
    static func resolveLink(id: (start: Int32, length: Int32), type: (start: Int32, length: Int32),
                            tx: (start: Int32, length: Int32), rx: (start: Int32, length: Int32),
                            base: UnsafePointer<UInt8>, view: LinkStateTraceLinkTable.View?,
                            types: LinkStateTraceKnownTypes?, into row: inout LinkStateTraceParsedRow) {
        (row.idStart, row.idLength) = id
        (row.typeStart, row.typeLength) = type
        (row.txStart, row.txLength) = tx
        (row.rxStart, row.rxLength) = rx
        let idBytes = base + Int(id.start)
        let hash = LinkStateTraceLinkTable.hash(idBytes, Int(id.length))
        let slot = view?.find(hash: hash, bytes: idBytes, length: Int(id.length)) ?? -1
        row.hash = hash
        row.slot = Int32(truncatingIfNeeded: slot)
        row.typeMismatch = false
        if slot >= 0, let types {
            row.typeMismatch = !types.matches(slot, base + Int(type.start), Int(type.length))
        }
    }

    /// ``parseFull(_:_:base:view:types:values:into:)`` without values: the numbers are only checked.
    @inline(__always)
    static func checkFull(_ lineStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>,
                          view: LinkStateTraceLinkTable.View?, types: LinkStateTraceKnownTypes?,
                          into row: inout LinkStateTraceParsedRow) {
        var p = lineStart
        guard let (id, type, tx, rx) = leadingFields(&p, end, base: base, into: &row),
              checkNumber(&p, end, column: 5, into: &row),
              checkNumber(&p, end, column: 6, into: &row),
              checkNumber(&p, end, column: 7, into: &row),
              checkNumber(&p, end, column: 8, into: &row),
              checkNumber(&p, end, column: 9, into: &row),
              checkNumber(&p, end, column: 10, into: &row),
              checkNumber(&p, end, column: 11, into: &row),
              checkNumber(&p, end, column: 12, into: &row),
              checkNumber(&p, end, column: 13, into: &row),
              checkNumber(&p, end, column: 14, into: &row),
              probability(&p, end, into: &row) != nil,
              los(&p, end, into: &row),
              checkOptionalNumber(&p, end, column: 17, into: &row),
              checkOptionalNumber(&p, end, column: 18, into: &row),
              checkNumber(&p, end, column: 19, into: &row),
              checkNumber(&p, end, column: 20, into: &row),
              checkNumber(&p, end, column: 21, into: &row),
              checkNumber(&p, end, column: 22, last: true, into: &row)
        else { return }
        resolveLink(id: id, type: type, tx: tx, rx: rx, base: base, view: view, types: types, into: &row)
    }

    /// The time, the link and the replayed fields of a line of an already validated file; false (and
    /// nothing parsed past the link id) when the link is not queried. A problem here means the file
    /// changed since it was validated.
    @inline(__always)
    static func parseReplay(_ lineStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>,
                            view: LinkStateTraceLinkTable.View?, into row: inout LinkStateTraceParsedRow) -> Bool {
        var p = lineStart
        row.problem = .none
        guard time(&p, end, into: &row), let field = text(&p, end, base: base, column: 1, into: &row) else { return true }
        (row.idStart, row.idLength) = field
        let id = base + Int(field.start)
        let hash = LinkStateTraceLinkTable.hash(id, Int(field.length))
        guard let view else { return true }
        let slot = view.find(hash: hash, bytes: id, length: Int(field.length))
        guard slot >= 0 else { return false }
        row.slot = Int32(truncatingIfNeeded: slot)
        row.hash = hash
        skip(&p, end, fields: 6)                          // link_type, tx, rx, elevation, azimuth, range
        guard let fsl = numberAndComma(&p, end, column: 8, into: &row),
              let atmospheric = numberAndComma(&p, end, column: 9, into: &row),
              let scintillation = numberAndComma(&p, end, column: 10, into: &row),
              let clutter = numberAndComma(&p, end, column: 11, into: &row),
              let shadowing = numberAndComma(&p, end, column: 12, into: &row),
              let fading = numberAndComma(&p, end, column: 13, into: &row)
        else { return true }
        skip(&p, end)                                     // path_loss_db
        guard let losProbability = numberAndComma(&p, end, column: 15, into: &row),
              los(&p, end, into: &row),
              let kFactor = optionalNumber(&p, end, column: 17, into: &row),
              let delaySpread = optionalNumber(&p, end, column: 18, into: &row)
        else { return true }
        row.channel.freeSpaceLossDb = fsl
        row.channel.atmosphericLossDb = atmospheric
        row.channel.scintillationLossDb = scintillation
        row.channel.clutterLossDb = clutter
        row.channel.shadowingDb = shadowing
        row.channel.fadingDb = fading
        row.channel.losProbability = losProbability
        row.channel.kFactorDb = kFactor
        row.channel.delaySpreadSeconds = delaySpread
        return true
    }

    // MARK: Messages

    /// What is wrong with a row, in words: what was expected and what was found.
    static func message(for row: LinkStateTraceParsedRow, bytes: LinkStateTraceBytes) -> String {
        let line = UnsafeBufferPointer(start: bytes.pointer(row.lineStart), count: Int(row.lineLength))
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        let expected = LinkStateTrace.columns.count
        let column = Int(row.column)
        let name = column < expected ? LinkStateTrace.columns[column] : "?"
        func found() -> String {
            guard column < fields.count else { return "nothing" }
            let text = String(decoding: fields[column], as: UTF8.self)
            return "'" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "'"
        }
        switch row.problem {
        case .none: return "no problem"
        case .blank: return "empty line inside the data; expected \(expected) fields"
        case .fieldCount:
            if row.unterminated && fields.count < expected {
                return "truncated last row: the file ends without a newline after \(fields.count) of \(expected) fields"
            }
            return "expected \(expected) fields, found \(fields.count)"
        case .notNumber:
            // nan and inf are numbers to other readers; say why they are refused.
            var text = column < fields.count ? String(decoding: fields[column], as: UTF8.self).lowercased() : ""
            if text.hasPrefix("-") || text.hasPrefix("+") { text.removeFirst() }
            if ["nan", "inf", "infinity"].contains(text) { return "\(name): expected a finite number, found \(found())" }
            return "\(name): expected a number, found \(found())"
        case .nonFinite: return "\(name): expected a finite number, found \(found())"
        case .badTime: return "time_s: expected seconds (digits with at most 9 decimals), found \(found())"
        case .negativeTime: return "time_s: expected a time ≥ 0, found \(found())"
        case .badLOS: return "los: expected 1, 0 or an empty field, found \(found())"
        case .losProbabilityRange: return "los_probability: expected a probability in [0, 1], found \(found())"
        case .emptyText: return "\(name): expected a name, found an empty field"
        case .lineTooLong:
            return "line too long: no end of line within \(LinkStateTraceStream.maximumLineBytes / 1024) KiB; expected \(expected) comma-separated fields"
        }
    }
}

/// The header (line 1) and the column header (line 2) of a trace, checked, and where the data starts.
struct LinkStateTracePreamble {
    var header: LinkStateTraceHeader
    /// Byte offset of line 3.
    var dataOffset: Int

    static let maximumLineBytes = 1 << 20

    private struct Probe: Decodable {
        var format: String?
        var version: Int?
    }

    static func read(path: String) throws -> LinkStateTracePreamble {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TraceError(file: path, line: 0, message: "cannot be read (missing or not a file)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: 2 * maximumLineBytes + 2) ?? Data()
        } catch {
            throw TraceError(file: path, line: 0, message: "cannot be read (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { throw TraceError(file: path, line: 1, message: "the trace is empty") }

        func line(from start: Int, number: Int) throws -> (text: ArraySlice<UInt8>, next: Int)? {
            guard start < bytes.count else { return nil }
            let newline = bytes[start...].firstIndex(of: 10) ?? bytes.count
            guard newline - start <= maximumLineBytes else {
                throw TraceError(file: path, line: number, message: "line is longer than \(maximumLineBytes) bytes")
            }
            var end = newline
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            return (bytes[start ..< end], min(newline + 1, bytes.count))
        }

        guard let (first, afterFirst) = try line(from: 0, number: 1) else {
            throw TraceError(file: path, line: 1, message: "the trace is empty")
        }
        let header = try parseHeader(first, path: path)
        guard let (second, afterSecond) = try line(from: afterFirst, number: 2) else {
            throw TraceError(file: path, line: 2, message: "expected the column header '\(LinkStateTrace.columns.joined(separator: ","))', found the end of the file")
        }
        try checkColumns(second, path: path)
        return LinkStateTracePreamble(header: header, dataOffset: afterSecond)
    }

    static func snippet(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }

    static func parseHeader(_ line: ArraySlice<UInt8>, path: String) throws -> LinkStateTraceHeader {
        let expected = "expected '#' followed by the JSON header of a \(LinkStateTraceHeader.formatName) file"
        guard line.first == UInt8(ascii: "#") else {
            throw TraceError(file: path, line: 1, message: "\(expected), found '\(snippet(line))'")
        }
        let json = Data(line.dropFirst())
        let decoder = JSONDecoder()
        guard let probe = try? decoder.decode(Probe.self, from: json) else {
            throw TraceError(file: path, line: 1, message: "\(expected), found '\(snippet(line))' (not a JSON object)")
        }
        guard probe.format == LinkStateTraceHeader.formatName else {
            throw TraceError(file: path, line: 1, message: "expected \"format\": \"\(LinkStateTraceHeader.formatName)\" in the header, found \(probe.format.map { "\"\($0)\"" } ?? "no format")")
        }
        guard let version = probe.version else {
            throw TraceError(file: path, line: 1, message: "expected \"version\": \(LinkStateTraceHeader.currentVersion) in the header, found no version")
        }
        guard version == LinkStateTraceHeader.currentVersion else {
            throw TraceError(file: path, line: 1, message: "unsupported trace version \(version); this build reads version \(LinkStateTraceHeader.currentVersion)")
        }
        let header: LinkStateTraceHeader
        do {
            header = try decoder.decode(LinkStateTraceHeader.self, from: json)
        } catch let DecodingError.keyNotFound(key, _) {
            throw TraceError(file: path, line: 1, message: "the header has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(type, context) {
            throw TraceError(file: path, line: 1, message: "header key \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw TraceError(file: path, line: 1, message: "header key \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": expected \(type), found null")
        } catch {
            throw TraceError(file: path, line: 1, message: "the header cannot be read: \(error)")
        }
        guard header.intervalSeconds.isFinite, header.intervalSeconds > 0, header.intervalSeconds < 9e9 else {
            throw TraceError(file: path, line: 1, message: "\"interval_s\": expected a positive number of seconds, found \(header.intervalSeconds)")
        }
        return header
    }

    static func checkColumns(_ line: ArraySlice<UInt8>, path: String) throws {
        let found = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let expected = LinkStateTrace.columns
        for (i, name) in expected.enumerated() {
            guard i < found.count else {
                throw TraceError(file: path, line: 2, message: "column header: expected \(expected.count) columns, found \(found.count) (column \(i + 1) '\(name)' is missing)")
            }
            guard found[i] == name else {
                throw TraceError(file: path, line: 2, message: "column header: column \(i + 1) expected '\(name)', found '\(found[i])'")
            }
        }
        guard found.count == expected.count else {
            throw TraceError(file: path, line: 2, message: "column header: expected \(expected.count) columns, found \(found.count) (extra '\(found[expected.count])')")
        }
    }
}

/// One block of parsed data lines.
struct LinkStateTraceBatch {
    struct Segment {
        var rows: UnsafeBufferPointer<LinkStateTraceParsedRow>
        /// Line number of the segment's first line.
        var firstLine: Int
        /// Lines the segment covers (records plus dropped lines).
        var lines: Int
        /// Lines that are not blank.
        var dataLines: Int
    }

    var bytes: LinkStateTraceBytes
    var segments: [Segment]
}

/// Reads the data lines of a trace in blocks, parsed ahead by worker threads, and hands them out in
/// file order.
///
/// Block k is the fixed byte range [k·B, (k+1)·B) of the data (B = `blockBytes`); it holds the lines
/// that *start* in it (a line may run up to ``maximumLineBytes`` past the range). So blocks are
/// independent: each worker takes the next block number, maps (or reads) and parses it, and the
/// consumer takes blocks in order, numbering lines as it goes. At most `workers + 2` blocks are in
/// flight, so memory does not grow with the file. Blocks are memory-mapped (no
/// copy through a buffer) unless they reach the end of the file or mapping fails; then they are read
/// with `pread` into a buffer padded with zeros, since number parsing reads a few bytes past a
/// line's end.
final class LinkStateTraceStream {
    /// Block size and parallelism.
    struct Options: Sendable {
        /// Bytes per block (8 MiB by default).
        var blockBytes = 8 << 20
        /// Threads parsing blocks ahead of the consumer (at most the number of cores).
        var workers = 2
        /// Map blocks into memory rather than reading them into a buffer.
        var mapped = true

        /// The defaults; `SAGIN_TRACE_THREADS` (1 … 64) sets the number of parse threads.
        static let standard: Options = {
            var options = Options()
            if let text = ProcessInfo.processInfo.environment["SAGIN_TRACE_THREADS"], let n = Int(text), n >= 1, n <= 64 {
                options.workers = n
            }
            return options
        }()
    }

    /// The longest line accepted, bytes (lines are read this far past their block's end).
    static let maximumLineBytes = 1 << 20
    static let padding = 64

    /// One block's place: its bytes and what parsing them gave.
    final class Slot: @unchecked Sendable {
        let parser: LinkStateTraceLineParser
        var buffer: UnsafeMutablePointer<UInt8>?
        var bufferCapacity = 0
        var mapping: (UnsafeMutableRawPointer, Int)?
        var base: UnsafePointer<UInt8>?
        var ready = false
        var error: String?

        init(mode: LinkStateTraceLineParser.Mode) { parser = LinkStateTraceLineParser(mode: mode) }

        deinit {
            release()
            buffer?.deallocate()
        }

        func release() {
            if let (p, n) = mapping { munmap(p, n) }
            mapping = nil
            base = nil
            ready = false
            error = nil
        }
    }

    /// The state shared with the workers (they hold it, not the stream, so the stream can go away).
    final class Engine: @unchecked Sendable {
        let path: String
        let descriptor: Int32
        let fileSize: Int
        let dataStart: Int
        let blockBytes: Int
        let lookahead: Int
        let mapped: Bool
        let page: Int
        let blockCount: Int
        let slots: [Slot]
        let condition = NSCondition()
        // Guarded by `condition`:
        var nextToParse = 0
        var released = 0
        var stopped = false
        var lookup: LinkStateTraceLineParser.Lookup?

        init(path: String, descriptor: Int32, fileSize: Int, dataStart: Int, options: Options, workers: Int,
             mode: LinkStateTraceLineParser.Mode, lookup: LinkStateTraceLineParser.Lookup?) {
            self.path = path
            self.descriptor = descriptor
            self.fileSize = fileSize
            self.dataStart = dataStart
            blockBytes = max(options.blockBytes, 64)
            lookahead = min(LinkStateTraceStream.maximumLineBytes, max(16 << 10, 4 * blockBytes))
            page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
            #if os(Linux)
            mapped = options.mapped
            #else
            mapped = false
            #endif
            let data = max(0, fileSize - dataStart)
            blockCount = (data + blockBytes - 1) / blockBytes
            slots = (0 ..< workers + 2).map { _ in Slot(mode: mode) }
            self.lookup = lookup
        }

        deinit { close(descriptor) }

        /// A worker: parse the next block whose slot is free, until there are none or the stream stops.
        func work() {
            while true {
                condition.lock()
                while !stopped && nextToParse < blockCount && nextToParse >= released + slots.count { condition.wait() }
                if stopped || nextToParse >= blockCount {
                    condition.unlock()
                    return
                }
                let k = nextToParse
                nextToParse += 1
                let lookup = self.lookup
                condition.unlock()
                let slot = slots[k % slots.count]
                prepare(block: k, slot: slot, lookup: lookup)
                condition.lock()
                slot.ready = true
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Maps or reads block `k` into `slot` and parses its lines.
        func prepare(block k: Int, slot: Slot, lookup: LinkStateTraceLineParser.Lookup?) {
            let start = dataStart + k * blockBytes
            let end = min(start + blockBytes, fileSize)
            // From the byte before the block (to see whether a line starts at its first byte) to as far
            // as its last line may run.
            let from = k == 0 ? start : start - 1
            let limit = min(end + lookahead, fileSize)
            var base: UnsafePointer<UInt8>?
            #if os(Linux)
            // Map only when a page beyond `limit` is still file data: reading a few bytes past a
            // line's end then never leaves the mapping.
            if mapped && limit + page <= fileSize {
                let mapStart = from & ~(page - 1)
                let length = limit + page - mapStart
                // Pages fault in as the parser reaches them (the kernel maps a few at a time around
                // each fault): measured faster here than prefaulting the block with MAP_POPULATE or
                // MADV_POPULATE_READ, and the 1 MiB lookahead, which only the block's last line
                // reaches, is never mapped in for nothing.
                if let m = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, off_t(mapStart)), m != MAP_FAILED {
                    slot.mapping = (m, length)
                    base = UnsafePointer((m + (from - mapStart)).assumingMemoryBound(to: UInt8.self))
                }
            }
            #endif
            if base == nil {
                let wanted = limit - from
                if slot.bufferCapacity < wanted {
                    slot.buffer?.deallocate()
                    let capacity = blockBytes + lookahead + 1
                    slot.buffer = .allocate(capacity: capacity + LinkStateTraceStream.padding)
                    slot.bufferCapacity = capacity
                }
                guard let buffer = slot.buffer else { return }
                var got = 0
                while got < wanted {
                    let n = pread(descriptor, buffer + got, wanted - got, off_t(from + got))
                    if n < 0 {
                        if errno == EINTR { continue }
                        slot.error = "read failed: \(String(cString: strerror(errno)))"
                        return
                    }
                    if n == 0 { break }
                    got += n
                }
                guard got == wanted else {
                    slot.error = "read failed: the file is shorter than when it was opened"
                    return
                }
                (buffer + got).initialize(repeating: 0, count: LinkStateTraceStream.padding)
                base = UnsafePointer(buffer)
            }
            guard let base else { return }
            slot.base = base
            let blockEnd = base + (end - from)
            let mappedEnd = base + (limit - from)
            var first = base
            if k > 0 {
                // The first line starting in the block follows the first newline from the byte before it.
                guard let newline = memchr(base, 10, mappedEnd - base) else {
                    slot.parser.parse(base: base, first: blockEnd, limit: blockEnd, end: mappedEnd, endOfFile: false, lookup: lookup)
                    return
                }
                first = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            slot.parser.parse(base: base, first: first, limit: blockEnd, end: mappedEnd, endOfFile: limit == fileSize, lookup: lookup)
        }
    }

    let path: String
    private let engine: Engine
    private let workers = DispatchGroup()
    private var nextToConsume = 0
    private var holding = false
    private var nextLine = 3

    init(path: String, preamble: LinkStateTracePreamble, mode: LinkStateTraceLineParser.Mode,
         lookup: LinkStateTraceLineParser.Lookup?, options: Options = .standard) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TraceError(file: path, line: 0, message: "cannot be read (missing or not a file)") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw TraceError(file: path, line: 0, message: "cannot be read (stat failed)")
        }
        let workerCount = max(1, min(options.workers, ProcessInfo.processInfo.activeProcessorCount))
        engine = Engine(path: path, descriptor: fd, fileSize: Int(info.st_size), dataStart: preamble.dataOffset, options: options,
                        workers: workerCount, mode: mode, lookup: lookup)
        let engine = self.engine
        for _ in 0 ..< workerCount {
            DispatchQueue.global().async(group: workers) { engine.work() }
        }
    }

    deinit {
        engine.condition.lock()
        engine.stopped = true
        engine.condition.broadcast()
        engine.condition.unlock()
        workers.wait()
    }

    /// Gives the workers a new lookup for the blocks they start from now on (an immutable snapshot).
    func publish(_ lookup: LinkStateTraceLineParser.Lookup) {
        engine.condition.lock()
        engine.lookup = lookup
        engine.condition.unlock()
    }

    /// The next block of lines, parsed; nil after the last. The batch is valid until the next call.
    func nextBatch() throws -> LinkStateTraceBatch? {
        let engine = self.engine
        engine.condition.lock()
        if holding {
            engine.slots[(nextToConsume - 1) % engine.slots.count].release()
            engine.released = nextToConsume
            holding = false
            engine.condition.broadcast()
        }
        guard nextToConsume < engine.blockCount else {
            engine.condition.unlock()
            return nil
        }
        let slot = engine.slots[nextToConsume % engine.slots.count]
        while !slot.ready { engine.condition.wait() }
        engine.condition.unlock()
        nextToConsume += 1
        holding = true
        if let error = slot.error { throw TraceError(file: path, line: nextLine, message: error) }
        guard let base = slot.base else { throw TraceError(file: path, line: nextLine, message: "cannot be read") }
        let parser = slot.parser
        let segment = LinkStateTraceBatch.Segment(rows: parser.records, firstLine: nextLine, lines: parser.lines, dataLines: parser.dataLines)
        nextLine += parser.lines
        return LinkStateTraceBatch(bytes: LinkStateTraceBytes(base: base), segments: [segment])
    }
}
