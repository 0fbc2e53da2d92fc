import Foundation
import SimCore

/// Per-column standardisation z = (x − mean) / std, fitted on data and stored with a model.
///
/// Means and population standard deviations (divisor n) are accumulated in double precision and
/// rounded to Float. A column whose standard deviation is zero, not finite or below 1e-12 (a
/// constant column) gets std 1, so it maps to 0 and back without dividing by zero. A standardiser
/// of dimension 0 (no columns, e.g. an unconditional model's condition) is valid and does nothing.
///
/// ```swift
/// let s = ColumnStandardizer(fitting: [[1, 10], [3, 30]])   // mean [2, 20], std [1, 10]
/// let z = s.transform(x)          // [n, 2] → standardised
/// let back = s.inverse(z)         // ≈ x
/// ```
public struct ColumnStandardizer: Sendable, Equatable {
    /// Column means, shape `[dimension]`.
    public let mean: Tensor
    /// Column standard deviations (1 for constant columns), shape `[dimension]`.
    public let std: Tensor

    /// Number of columns.
    public var dimension: Int { mean.count }

    /// The identity standardiser (mean 0, std 1) for `dimension` columns.
    public init(identity dimension: Int) {
        precondition(dimension >= 0, "ColumnStandardizer: negative dimension")
        mean = Tensor.zeros([dimension])
        std = Tensor.ones([dimension])
    }

    /// A standardiser with given statistics (e.g. read back from a checkpoint). Both tensors must
    /// have the same element count; they are stored with shape `[count]`. Standard deviations must
    /// be positive and finite.
    public init(mean: Tensor, std: Tensor) {
        precondition(mean.count == std.count, "ColumnStandardizer: \(mean.count) means but \(std.count) deviations")
        precondition(std.values.allSatisfy { $0 > 0 && $0.isFinite }, "ColumnStandardizer: std must be positive and finite")
        self.mean = mean.reshaped([mean.count])
        self.std = std.reshaped([std.count])
    }

    /// Fits the column statistics of the matrix `data` (`[rows, columns]`; columns = product of the
    /// trailing dimensions). With no rows, the identity.
    public init(fitting data: Tensor) {
        let columns = data.rank >= 2 ? data.columns : (data.rank == 1 ? 1 : 0)
        let rows = columns == 0 ? 0 : data.count / columns
        var sums = [Double](repeating: 0, count: columns)
        data.values.withUnsafeBufferPointer { v in
            for r in 0 ..< rows { for j in 0 ..< columns { sums[j] += Double(v[r * columns + j]) } }
        }
        let means = sums.map { rows > 0 ? $0 / Double(rows) : 0 }
        var squares = [Double](repeating: 0, count: columns)
        data.values.withUnsafeBufferPointer { v in
            for r in 0 ..< rows {
                for j in 0 ..< columns {
                    let d = Double(v[r * columns + j]) - means[j]
                    squares[j] += d * d
                }
            }
        }
        self.init(means: means, variances: squares.map { rows > 0 ? $0 / Double(rows) : 1 })
    }

    /// Fits the column statistics of `rows` (all rows of equal length). With no rows, dimension 0.
    public init(fitting rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "ColumnStandardizer: rows of different lengths")
        let n = Double(rows.count)
        var means = [Double](repeating: 0, count: columns)
        for row in rows { for j in 0 ..< columns { means[j] += row[j] } }
        for j in 0 ..< columns { means[j] /= n }
        var variances = [Double](repeating: 0, count: columns)
        for row in rows { for j in 0 ..< columns { variances[j] += (row[j] - means[j]) * (row[j] - means[j]) } }
        for j in 0 ..< columns { variances[j] /= n }
        self.init(means: means, variances: variances)
    }

    private init(means: [Double], variances: [Double]) {
        let stds = variances.map { v -> Float in
            let s = Float(v.squareRoot())
            return s.isFinite && s > 1e-12 ? s : 1
        }
        self.init(mean: Tensor(shape: [means.count], values: means.map { Float($0) }),
                  std: Tensor(shape: [stds.count], values: stds))
    }

    /// (x − mean) / std for every row of `x` (`[rows, dimension]`).
    public func transform(_ x: Tensor) -> Tensor {
        precondition(x.count == 0 || x.lastDimension == dimension,
                     "ColumnStandardizer.transform: rows of \(x.lastDimension) for \(dimension) columns")
        guard dimension > 0, x.count > 0 else { return x }
        var out = x
        out.addRowVector(mean.scaled(by: -1))
        return GenerativeSupport.multiplyingRows(out, by: std.map { 1 / $0 })
    }

    /// z·std + mean for every row of `z` (the inverse of ``transform(_:)``).
    public func inverse(_ z: Tensor) -> Tensor {
        precondition(z.count == 0 || z.lastDimension == dimension,
                     "ColumnStandardizer.inverse: rows of \(z.lastDimension) for \(dimension) columns")
        guard dimension > 0, z.count > 0 else { return z }
        var out = GenerativeSupport.multiplyingRows(z, by: std)
        out.addRowVector(mean)
        return out
    }

    /// ``transform(_:)`` for rows of doubles (through Float).
    public func transform(_ rows: [[Double]]) -> [[Double]] {
        GenerativeSupport.rows(of: transform(GenerativeSupport.matrix(rows, columns: dimension)))
    }

    /// ``inverse(_:)`` for rows of doubles (through Float).
    public func inverse(_ rows: [[Double]]) -> [[Double]] {
        GenerativeSupport.rows(of: inverse(GenerativeSupport.matrix(rows, columns: dimension)))
    }
}

// MARK: - Errors shared by the conditional generative models

/// Errors of ``ConditionalWGAN`` and ``ConditionalVAE``: bad configuration values, data of the
/// wrong shape, and checkpoints of another kind or with bad metadata.
public enum ConditionalModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration field (or constructor argument) has a value outside its valid range.
    case invalidConfiguration(field: String, value: String, requirement: String)
    /// A tensor or table has the wrong shape (`what` names it).
    case shapeMismatch(what: String, expected: String, found: String)
    /// Training data with no rows.
    case emptyData
    /// A NaN or infinite value in the data.
    case nonFiniteValue(what: String, row: Int, column: Int)
    /// The checkpoint holds another model kind (`metadata "model"`), or none.
    case wrongModelKind(path: String, expected: String, found: String?)
    /// The checkpoint's metadata or tensors cannot be read back into a model.
    case invalidCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, requirement):
            return "invalid configuration: \(field) = \(value); \(requirement)"
        case let .shapeMismatch(what, expected, found):
            return "\(what): expected \(expected), found \(found)"
        case .emptyData:
            return "training data has no rows"
        case let .nonFiniteValue(what, row, column):
            return "\(what): non-finite value at row \(row), column \(column)"
        case let .wrongModelKind(path, expected, found):
            return "checkpoint \(path): expected model \"\(expected)\", found \(found.map { "\"\($0)\"" } ?? "no model key")"
        case let .invalidCheckpoint(path, reason):
            return "checkpoint \(path): \(reason)"
        }
    }
}

// MARK: - Helpers shared by the conditional generative models

/// Small tensor and metadata helpers for ``ConditionalWGAN`` and ``ConditionalVAE``.
enum GenerativeSupport {
    /// `[B, a] ⊕ [B, b] → [B, a + b]` (row by row copies).
    static func concatenatingColumns(_ a: Tensor, _ b: Tensor) -> Tensor {
        let rows = a.rows
        precondition(b.rows == rows, "concatenatingColumns: \(a.shape) and \(b.shape)")
        let ca = a.columns, cb = b.columns
        if cb == 0 { return a.reshaped([rows, ca]) }
        if ca == 0 { return b.reshaped([rows, cb]) }
        let c = ca + cb
        var out = Tensor.uninitialized([rows, c])
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                out.values.withUnsafeMutableBufferPointer { po in
                    for r in 0 ..< rows {
                        (po.baseAddress! + r * c).update(from: pa.baseAddress! + r * ca, count: ca)
                        (po.baseAddress! + r * c + ca).update(from: pb.baseAddress! + r * cb, count: cb)
                    }
                }
            }
        }
        return out
    }

    /// Columns `range` of the matrix `t`, as `[rows, range.count]`.
    static func columns(_ t: Tensor, _ range: Range<Int>) -> Tensor {
        let rows = t.rows, c = t.columns, w = range.count
        precondition(range.lowerBound >= 0 && range.upperBound <= c, "columns: \(range) of \(t.shape)")
        if w == c { return t.reshaped([rows, c]) }
        var out = Tensor.uninitialized([rows, w])
        guard w > 0 else { return out }
        t.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for r in 0 ..< rows {
                    (dst.baseAddress! + r * w).update(from: src.baseAddress! + r * c + range.lowerBound, count: w)
                }
            }
        }
        return out
    }

    /// Each row of `t` multiplied element-wise by the row vector `v` (`[lastDimension]`).
    static func multiplyingRows(_ t: Tensor, by v: Tensor) -> Tensor {
        let c = t.lastDimension
        precondition(v.count == c, "multiplyingRows: vector of \(v.count) for rows of \(c)")
        var out = t
        guard c > 0 else { return out }
        v.values.withUnsafeBufferPointer { pv in
            out.values.withUnsafeMutableBufferPointer { a in
                for i in 0 ..< a.count / c {
                    let row = UnsafeMutableBufferPointer(rebasing: a[i * c ..< (i + 1) * c])
                    Tensor.simdZip(UnsafeBufferPointer(row), pv, row, *)
                }
            }
        }
        return out
    }

    /// A `[rows, columns]` tensor of independent N(0, 1) draws from `rng`, row-major.
    static func gaussian(rows: Int, columns: Int, rng: RNGStream) -> Tensor {
        var t = Tensor.zeros([rows, columns])
        Initializer.normal(&t, standardDeviation: 1, rng: rng)
        return t
    }

    /// The rows as a `[rows.count, columns]` Float tensor (rows must have `columns` entries).
    static func matrix(_ rows: [[Double]], columns: Int) -> Tensor {
        var values = [Float]()
        values.reserveCapacity(rows.count * columns)
        for row in rows {
            precondition(row.count == columns, "matrix: row of \(row.count) for \(columns) columns")
            for v in row { values.append(Float(v)) }
        }
        return Tensor(shape: [rows.count, columns], values: values)
    }

    /// The rows of a matrix as doubles.
    static func rows(of t: Tensor) -> [[Double]] {
        let c = t.columns
        return (0 ..< t.rows).map { r in (0 ..< c).map { Double(t.values[r * c + $0]) } }
    }

    /// Validated `[rows, columns]` view of a table of doubles; `rows` may be empty only when
    /// `expectedRows` says so. An empty `table` with `columns == 0` gives `expectedRows` empty rows.
    static func table(_ table: [[Double]], columns: Int, expectedRows: Int?, what: String) throws -> Tensor {
        if columns == 0, table.isEmpty, let n = expectedRows { return Tensor.zeros([n, 0]) }
        for (i, row) in table.enumerated() where row.count != columns {
            throw ConditionalModelError.shapeMismatch(what: "\(what) row \(i)", expected: "\(columns) values",
                                                      found: "\(row.count) values")
        }
        return matrix(table, columns: columns)
    }

    /// Checks that `t` is `[rows, columns]` (rank 2, or rank 1 when columns is 1) with finite values.
    static func check(_ t: Tensor, columns: Int, rows: Int? = nil, what: String) throws {
        let okShape = (t.rank == 2 && t.shape[1] == columns) || (t.rank == 1 && columns == 1)
        guard okShape else {
            throw ConditionalModelError.shapeMismatch(what: what, expected: "[n, \(columns)]", found: "\(t.shape)")
        }
        if let rows, t.shape[0] != rows {
            throw ConditionalModelError.shapeMismatch(what: what, expected: "[\(rows), \(columns)]", found: "\(t.shape)")
        }
        for (i, v) in t.values.enumerated() where !v.isFinite {
            throw ConditionalModelError.nonFiniteValue(what: what, row: i / max(columns, 1), column: i % max(columns, 1))
        }
    }

    /// `[128, 128]` ↔ `"128-128"` for checkpoint metadata.
    static func widthsString(_ widths: [Int]) -> String { widths.map(String.init).joined(separator: "-") }

    // MARK: Metadata parsing

    static func string(_ metadata: [String: String], _ key: String, path: String) throws -> String {
        guard let s = metadata[key] else {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "metadata has no \"\(key)\"")
        }
        return s
    }

    static func int(_ metadata: [String: String], _ key: String, path: String) throws -> Int {
        let s = try string(metadata, key, path: path)
        guard let v = Int(s) else {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "metadata \"\(key)\" = \"\(s)\" is not an integer")
        }
        return v
    }

    static func uint64(_ metadata: [String: String], _ key: String, path: String) throws -> UInt64 {
        let s = try string(metadata, key, path: path)
        guard let v = UInt64(s) else {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "metadata \"\(key)\" = \"\(s)\" is not an unsigned integer")
        }
        return v
    }

    static func double(_ metadata: [String: String], _ key: String, path: String) throws -> Double {
        let s = try string(metadata, key, path: path)
        guard let v = Double(s) else {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "metadata \"\(key)\" = \"\(s)\" is not a number")
        }
        return v
    }

    static func bool(_ metadata: [String: String], _ key: String, path: String) throws -> Bool {
        let s = try string(metadata, key, path: path)
        switch s {
        case "true": return true
        case "false": return false
        default: throw ConditionalModelError.invalidCheckpoint(path: path, reason: "metadata \"\(key)\" = \"\(s)\" is not true/false")
        }
    }

    static func widths(_ metadata: [String: String], _ key: String, path: String) throws -> [Int] {
        let s = try string(metadata, key, path: path)
        let parts = s.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard !s.isEmpty, parts.allSatisfy({ $0 != nil }) else {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "metadata \"\(key)\" = \"\(s)\" is not a list of widths")
        }
        return parts.map { $0! }
    }

    /// Reads the metadata of a checkpoint and checks its `"model"` kind.
    static func metadata(path: String, kind: String) throws -> [String: String] {
        let (_, metadata) = try SafeTensors.load(path: path)
        guard metadata["model"] == kind else {
            throw ConditionalModelError.wrongModelKind(path: path, expected: kind, found: metadata["model"])
        }
        var config = metadata
        config[ModelCheckpoint.versionKey] = nil
        return config
    }

    /// The four standardiser tensors as checkpoint entries.
    static func standardizerParameters(x: ColumnStandardizer, c: ColumnStandardizer) -> [Parameter] {
        [Parameter(name: "x_mean", value: x.mean), Parameter(name: "x_std", value: x.std),
         Parameter(name: "c_mean", value: c.mean), Parameter(name: "c_std", value: c.std)]
    }

    /// Standardisers from the entries of ``standardizerParameters(x:c:)`` after loading.
    static func standardizers(_ p: [Parameter], path: String) throws -> (x: ColumnStandardizer, c: ColumnStandardizer) {
        for s in [p[1], p[3]] where !s.value.values.allSatisfy({ $0 > 0 && $0.isFinite }) {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "\(s.name) holds a non-positive or non-finite value")
        }
        return (ColumnStandardizer(mean: p[0].value, std: p[1].value), ColumnStandardizer(mean: p[2].value, std: p[3].value))
    }
}

/// Endless shuffled mini-batches of row indices: epochs of ``MiniBatches`` (drop-last, so every
/// batch has `min(batchSize, count)` rows), refilled when used up.
final class GenerativeBatchSampler {
    private let batches: MiniBatches
    private var queue: [[Int]] = []
    private var next = 0

    init(count: Int, batchSize: Int, rng: RNGStream) {
        batches = MiniBatches(count: count, batchSize: min(batchSize, count), shuffle: true, rng: rng, dropLast: true)
    }

    func nextBatch() -> [Int] {
        if next >= queue.count {
            queue = batches.nextEpoch()
            next = 0
        }
        defer { next += 1 }
        return queue[next]
    }
}
