import Channels
import Foundation

/// Writes a link-state trace (format "sagin-link-trace", version 1) to a temporary name beside its
/// path, renamed into place by ``commit()`` (an ``AtomicTextFile``), so no half-written trace is ever
/// left under the final name.
///
/// Rows are formatted into a byte buffer and handed over in blocks of about 1 MiB. The channel
/// columns are written exactly (`Double.description`, the shortest decimal that reads back to the
/// same bits); the informational columns with fixed decimals (``CSVWriter``'s formatting).
///
/// ```swift
/// let writer = try LinkStateTraceWriter(path: "Traces/run.csv", header: header)
/// for row in rows { writer.write(row) }   // times non-decreasing, one row per (link, time)
/// try writer.commit()
/// ```
public final class LinkStateTraceWriter {
    /// The final path.
    public let path: String
    /// Rows written so far.
    public private(set) var rows = 0
    private let file: AtomicTextFile
    private var buffer: [UInt8] = []
    private var lastTime: Int64 = .min
    private static let blockBytes = 1 << 20

    /// Creates the temporary file and writes the header and the column header.
    public init(path: String, header: LinkStateTraceHeader) throws {
        self.path = path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(header)
        file = try AtomicTextFile(path: path)
        buffer.reserveCapacity(Self.blockBytes + 4096)
        buffer.append(UInt8(ascii: "#"))
        buffer.append(contentsOf: json)
        buffer.append(10)
        buffer.append(contentsOf: LinkStateTrace.columns.joined(separator: ",").utf8)
        buffer.append(10)
    }

    /// Appends one row. Times must not decrease; every number must be finite (both are preconditions).
    public func write(_ row: LinkStateTraceRow) {
        let ns = row.time.nanoseconds
        precondition(ns >= 0 && ns >= lastTime, "LinkStateTraceWriter: time \(ns) ns is negative or earlier than the row before (\(lastTime) ns)")
        lastTime = ns
        LinkStateTraceNumbers.appendTime(ns, to: &buffer)
        text(row.linkID)
        text(row.linkType)
        text(row.tx)
        text(row.rx)
        fixed(row.elevationDeg, 4, "elevation_deg")
        fixed(row.azimuthDeg, 4, "azimuth_deg")
        fixed(row.rangeMeters, 1, "range_m")
        let c = row.channel
        exact(c.freeSpaceLossDb, "free_space_loss_db")
        exact(c.atmosphericLossDb, "atmospheric_loss_db")
        exact(c.scintillationLossDb, "scintillation_loss_db")
        exact(c.clutterLossDb, "clutter_loss_db")
        exact(c.shadowingDb, "shadowing_db")
        exact(c.fadingDb, "fading_db")
        fixed(c.totalPathLossDb, 3, "path_loss_db")
        exact(c.losProbability, "los_probability")
        buffer.append(UInt8(ascii: ","))
        if let los = c.isLOS { buffer.append(los ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
        buffer.append(UInt8(ascii: ","))
        if let k = c.kFactorDb { exact(k, "k_factor_db", separator: false) }
        buffer.append(UInt8(ascii: ","))
        if let d = c.delaySpreadSeconds { exact(d, "delay_spread_s", separator: false) }
        fixed(row.snrDb, 3, "snr_db")
        fixed(row.shannonBps, 0, "shannon_bps")
        fixed(row.capacityBps, 0, "capacity_bps")
        fixed(row.delaySeconds, 9, "delay_s")
        buffer.append(10)
        rows += 1
        if buffer.count >= Self.blockBytes { handOver() }
    }

    private func text(_ s: String) {
        assert(!s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 < 32 },
               "trace text fields cannot hold commas, quotes or control characters: '\(s)'")
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: s.utf8)
    }

    private func exact(_ v: Double, _ column: StaticString, separator: Bool = true) {
        precondition(v.isFinite, "LinkStateTraceWriter: \(column) is \(v); trace values must be finite")
        if separator { buffer.append(UInt8(ascii: ",")) }
        buffer.append(contentsOf: v.description.utf8)
    }

    private func fixed(_ v: Double, _ decimals: Int, _ column: StaticString) {
        precondition(v.isFinite, "LinkStateTraceWriter: \(column) is \(v); trace values must be finite")
        buffer.append(UInt8(ascii: ","))
        CSVWriter.appendFixed(v, decimals: decimals, to: &buffer)
    }

    private func handOver() {
        guard !buffer.isEmpty else { return }
        file.append(String(decoding: buffer, as: UTF8.self))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, closes the file and renames it into place.
    public func commit() throws {
        handOver()
        try file.commit()
    }

    /// Removes the temporary file; nothing appears at `path`.
    public func discard() {
        buffer.removeAll()
        file.discard()
    }
}
