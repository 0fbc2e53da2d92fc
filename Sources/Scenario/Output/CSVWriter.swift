import Foundation

/// A buffered CSV file writer with fixed-decimal number formatting.
///
/// Numbers are written with a fixed number of decimals by integer arithmetic (no `String(format:)`,
/// no locale), so output is byte-identical across runs and fast enough for millions of rows.
/// Non-finite values are written as `nan`, `inf`, `-inf`, which pandas reads as floats.
///
/// ```swift
/// let w = try CSVWriter(path: "links.csv", header: ["time_s", "snr_db"])
/// w.field(12.5, decimals: 3); w.field(7.25, decimals: 2); w.endRow()
/// try w.close()
/// ```
public final class CSVWriter {
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private let flushThreshold = 1 << 20
    public private(set) var rows = 0

    public init(path: String, header: [String]) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw RunOutputError(path: path, reason: "cannot create file")
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw RunOutputError(path: path, reason: "cannot open file for writing")
        }
        handle = h
        buffer.reserveCapacity(flushThreshold + 4096)
        for name in header { field(name) }
        endRowWithoutCounting()
    }

    private func separator() {
        if fieldsInRow > 0 { buffer.append(UInt8(ascii: ",")) }
        fieldsInRow += 1
    }

    /// A text field, quoted when it contains a comma, quote or newline.
    public func field(_ s: String) {
        separator()
        if s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
            buffer.append(UInt8(ascii: "\""))
            for b in s.utf8 {
                if b == UInt8(ascii: "\"") { buffer.append(b) }
                buffer.append(b)
            }
            buffer.append(UInt8(ascii: "\""))
        } else {
            buffer.append(contentsOf: s.utf8)
        }
    }

    /// An integer field.
    public func field(_ v: Int) {
        separator()
        appendInteger(v)
    }

    /// A boolean field (`true` / `false`, as pandas reads them).
    public func field(_ v: Bool) { field(v ? "true" : "false") }

    /// An empty field (a missing value for pandas).
    public func emptyField() { separator() }

    /// A number with `decimals` digits after the point, rounded half away from zero.
    public func field(_ v: Double, decimals: Int) {
        separator()
        CSVWriter.appendFixed(v, decimals: decimals, to: &buffer)
    }

    public func endRow() {
        endRowWithoutCounting()
        rows += 1
    }

    private func endRowWithoutCounting() {
        buffer.append(10)
        fieldsInRow = 0
        if buffer.count >= flushThreshold { flush() }
    }

    private func appendInteger(_ v: Int) {
        CSVWriter.appendInteger(v, to: &buffer)
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        flush()
        try handle.close()
    }

    static let powersOfTen: [Double] = (0 ... 12).map { pow(10, Double($0)) }

    static func appendInteger(_ v: Int, to buffer: inout [UInt8]) {
        if v < 0 { buffer.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            } while m > 0
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }

    /// Appends `v` with exactly `decimals` fractional digits.
    static func appendFixed(_ v: Double, decimals: Int, to buffer: inout [UInt8]) {
        if v.isNaN { buffer.append(contentsOf: "nan".utf8); return }
        if v.isInfinite { buffer.append(contentsOf: (v < 0 ? "-inf" : "inf").utf8); return }
        let d = max(0, min(decimals, 12))
        let scaled = (abs(v) * powersOfTen[d]).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else {
            buffer.append(contentsOf: "\(v)".utf8)
            return
        }
        let q = UInt64(scaled)
        if v < 0 && q != 0 { buffer.append(UInt8(ascii: "-")) }
        let p = UInt64(powersOfTen[d])
        appendInteger(Int(q / p), to: &buffer)
        if d > 0 {
            buffer.append(UInt8(ascii: "."))
            var frac = q % p
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: d))
            for i in stride(from: start + d - 1, through: start, by: -1) {
                buffer[i] = UInt8(ascii: "0") + UInt8(frac % 10)
                frac /= 10
            }
        }
    }
}

/// A run output file could not be written.
public struct RunOutputError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write '\(path)': \(reason)" }
}
