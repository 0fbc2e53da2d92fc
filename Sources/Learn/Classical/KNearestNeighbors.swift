import Foundation
import SimCore

/// A k-nearest-neighbour binary classifier over feature matrices `[n, features]`, labels in {0, 1}.
///
/// `fit` stores the training rows (z-score standardised with the training mean and standard
/// deviation when `standardize` is on; a constant feature keeps scale 1). Queries are answered in
/// blocks: squared Euclidean distances ‖q‖² + ‖t‖² − 2 q·t with the cross term through one sgemm per
/// block of queries, then a partial selection of the `k` smallest per query (a sorted insertion
/// buffer of size `k`, no full sort).
///
/// Neighbour order and ties: neighbours are ordered by (squared distance, training index), so of
/// two training rows at equal distance the one with the lower training index is the nearer one.
/// `predictProbability` is the fraction of class-1 neighbours (or, when `weighted`, the
/// inverse-distance-weighted fraction; if some neighbours lie at distance zero only those count,
/// equally). `predict` thresholds the probability at 0.5: above → 1, below → 0, and exactly 0.5 →
/// the label of the nearest neighbour in that order.
///
/// ```swift
/// var knn = KNearestNeighbors(k: 5, weighted: false, standardize: true)
/// knn.fit(features: x, labels: y)   // x: [[Float]] or Tensor [n, features]
/// let p = knn.predictProbability(q), yhat = knn.predict(q)
/// ```
public struct KNearestNeighbors: Sendable {
    /// Number of neighbours (capped at the training-set size at query time).
    public var k: Int
    /// Weight neighbours by 1/distance instead of equally.
    public var weighted: Bool
    /// Standardise every feature with the training mean and standard deviation.
    public var standardize: Bool

    /// Per-feature mean and scale used for standardisation (0 and 1 when it is off).
    public private(set) var mean: [Float] = []
    public private(set) var scale: [Float] = []
    /// The stored (standardised) training rows `[n, features]` and their labels.
    public private(set) var training = Tensor.zeros([0, 0])
    public private(set) var labels: [Int] = []
    /// ‖t‖² of each stored training row.
    private var trainingNorms: [Float] = []

    public init(k: Int = 5, weighted: Bool = false, standardize: Bool = true) {
        precondition(k >= 1, "KNearestNeighbors: k must be at least 1")
        self.k = k
        self.weighted = weighted
        self.standardize = standardize
    }

    /// Number of features of the fitted data.
    public var featureCount: Int { mean.count }

    // MARK: Fitting

    public mutating func fit(features: [[Float]], labels: [Int]) {
        fit(features: Self.matrix(features), labels: labels)
    }

    public mutating func fit(features: Tensor, labels: [Int]) {
        let n = features.rank == 0 ? 0 : features.rows
        precondition(n == labels.count, "KNearestNeighbors.fit: \(n) rows but \(labels.count) labels")
        precondition(n > 0, "KNearestNeighbors.fit: no training rows")
        precondition(labels.allSatisfy { $0 == 0 || $0 == 1 }, "KNearestNeighbors.fit: labels must be 0 or 1")
        let d = features.columns
        var mu = [Float](repeating: 0, count: d)
        var sd = [Float](repeating: 1, count: d)
        if standardize {
            var sum = [Double](repeating: 0, count: d), sq = [Double](repeating: 0, count: d)
            features.values.withUnsafeBufferPointer { x in
                for i in 0 ..< n { for j in 0 ..< d { sum[j] += Double(x[i * d + j]) } }
                for j in 0 ..< d { sum[j] /= Double(n) }
                for i in 0 ..< n { for j in 0 ..< d { let c = Double(x[i * d + j]) - sum[j]; sq[j] += c * c } }
            }
            for j in 0 ..< d {
                mu[j] = Float(sum[j])
                let s = (sq[j] / Double(n)).squareRoot()
                sd[j] = s > 0 && s.isFinite ? Float(s) : 1
            }
        }
        mean = mu
        scale = sd
        self.labels = labels
        training = Tensor(shape: [n, d], values: features.values)
        if standardize { Self.standardize(&training, mean: mu, scale: sd) }
        trainingNorms = Self.rowNorms(training)
    }

    // MARK: Prediction

    /// Probability of class 1 for every query row.
    public func predictProbability(_ features: [[Float]]) -> [Float] { predictProbability(Self.matrix(features)) }

    public func predictProbability(_ features: Tensor) -> [Float] { vote(features).map(\.probability) }

    /// Predicted class (0 or 1) for every query row; see the type's notes for the 0.5 tie rule.
    public func predict(_ features: [[Float]]) -> [Int] { predict(Self.matrix(features)) }

    public func predict(_ features: Tensor) -> [Int] {
        vote(features).map { $0.probability > 0.5 ? 1 : ($0.probability < 0.5 ? 0 : $0.nearestLabel) }
    }

    /// Indices of the `k` nearest training rows of every query row, nearest first (ordered by
    /// squared distance, then training index).
    public func neighbors(_ features: Tensor) -> [[Int]] {
        var out: [[Int]] = []
        forEachNeighborhood(features) { idx, _ in out.append(idx) }
        return out
    }

    private func vote(_ features: Tensor) -> [(probability: Float, nearestLabel: Int)] {
        var out: [(probability: Float, nearestLabel: Int)] = []
        out.reserveCapacity(features.rank == 0 ? 0 : features.rows)
        forEachNeighborhood(features) { idx, dist in
            let kk = idx.count
            var p: Float
            if weighted {
                var zeroCount = 0, zeroOnes = 0
                for a in 0 ..< kk where dist[a] <= 0 { zeroCount += 1; zeroOnes += labels[idx[a]] }
                if zeroCount > 0 {
                    p = Float(zeroOnes) / Float(zeroCount)
                } else {
                    var wsum = 0.0, wone = 0.0
                    for a in 0 ..< kk {
                        let w = 1 / Double(dist[a]).squareRoot()
                        wsum += w
                        if labels[idx[a]] == 1 { wone += w }
                    }
                    p = Float(wone / wsum)
                }
            } else {
                var ones = 0
                for a in 0 ..< kk { ones += labels[idx[a]] }
                p = Float(ones) / Float(kk)
            }
            out.append((p, labels[idx[0]]))
        }
        return out
    }

    /// Calls `body(indices, squaredDistances)` for each query row in order, nearest first.
    private func forEachNeighborhood(_ features: Tensor, _ body: ([Int], [Float]) -> Void) {
        precondition(!labels.isEmpty, "KNearestNeighbors: predict before fit")
        let m = features.rank == 0 ? 0 : features.rows
        if m == 0 { return }
        let d = featureCount
        precondition(features.columns == d, "KNearestNeighbors: \(features.columns) features, fitted with \(d)")
        var queries = Tensor(shape: [m, d], values: features.values)
        if standardize { Self.standardize(&queries, mean: mean, scale: scale) }
        let n = training.rows
        let kk = min(k, n)
        let block = Self.queryBlock(n)
        var dist = [Float](repeating: 0, count: block * n)
        var bestD = [Float](repeating: 0, count: kk), bestI = [Int](repeating: 0, count: kk)
        var start = 0
        while start < m {
            let rows = min(block, m - start)
            Self.blockDistances(queries: queries, start: start, rows: rows, reference: training,
                                referenceNorms: trainingNorms, into: &dist)
            for r in 0 ..< rows {
                dist.withUnsafeBufferPointer { dp in
                    Self.selectSmallest(dp.baseAddress! + r * n, n, kk, &bestD, &bestI)
                }
                body(bestI, bestD)
            }
            start += rows
        }
    }

    // MARK: Distances and selection

    /// Squared Euclidean distances `[m, n]` between the rows of `a` `[m, d]` and of `b` `[n, d]`,
    /// computed in blocks of rows of `a` as ‖a‖² + ‖b‖² − 2 a·bᵀ (sgemm), clamped at 0.
    public static func squaredDistances(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.columns == b.columns, "squaredDistances: \(a.columns) and \(b.columns) features")
        let (m, n) = (a.rows, b.rows)
        var out = Tensor.zeros([m, n])
        let bn = rowNorms(b)
        let block = queryBlock(n)
        var buf = [Float](repeating: 0, count: block * n)
        var start = 0
        while start < m {
            let rows = min(block, m - start)
            blockDistances(queries: a, start: start, rows: rows, reference: b, referenceNorms: bn, into: &buf)
            for i in 0 ..< rows * n { out.values[start * n + i] = buf[i] }
            start += rows
        }
        return out
    }

    /// Rows per query block so that a block of distances stays around 4 M floats.
    static func queryBlock(_ n: Int) -> Int { max(1, min(512, (1 << 22) / max(n, 1))) }

    static func rowNorms(_ x: Tensor) -> [Float] {
        let (r, c) = (x.rows, x.columns)
        var out = [Float](repeating: 0, count: r)
        x.values.withUnsafeBufferPointer { p in
            for i in 0 ..< r {
                var s: Float = 0
                for j in 0 ..< c { let v = p[i * c + j]; s += v * v }
                out[i] = s
            }
        }
        return out
    }

    /// Distances of query rows `start ..< start + rows` to every reference row, into `out[rows, n]`.
    static func blockDistances(queries: Tensor, start: Int, rows: Int, reference: Tensor,
                               referenceNorms: [Float], into out: inout [Float]) {
        let d = queries.columns, n = reference.rows
        queries.values.withUnsafeBufferPointer { q in
            reference.values.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    let qp = q.baseAddress! + start * d
                    // o = −2 · Q_block · Tᵀ
                    Tensor.gemm(transposeA: false, transposeB: true, m: rows, n: n, k: d, alpha: -2,
                                a: qp, lda: d, b: t.baseAddress!, ldb: d, beta: 0, c: o.baseAddress!, ldc: n)
                    for r in 0 ..< rows {
                        var qn: Float = 0
                        for j in 0 ..< d { let v = qp[r * d + j]; qn += v * v }
                        let row = o.baseAddress! + r * n
                        for c in 0 ..< n { row[c] = max(0, row[c] + qn + referenceNorms[c]) }
                    }
                }
            }
        }
    }

    /// The `k` smallest of `values[0 ..< n]` ordered by (value, index), by insertion into a sorted
    /// buffer: a candidate enters only if strictly smaller than the current k-th, and goes after
    /// equal values already kept (which have lower indices).
    static func selectSmallest(_ values: UnsafePointer<Float>, _ n: Int, _ k: Int,
                               _ bestD: inout [Float], _ bestI: inout [Int]) {
        var count = 0
        for j in 0 ..< n {
            let v = values[j]
            if count == k && !(v < bestD[k - 1]) { continue }
            var pos = count == k ? k - 1 : count
            while pos > 0 && bestD[pos - 1] > v {
                bestD[pos] = bestD[pos - 1]; bestI[pos] = bestI[pos - 1]; pos -= 1
            }
            bestD[pos] = v; bestI[pos] = j
            if count < k { count += 1 }
        }
    }

    static func standardize(_ x: inout Tensor, mean: [Float], scale: [Float]) {
        let (r, c) = (x.rows, x.columns)
        x.values.withUnsafeMutableBufferPointer { p in
            for i in 0 ..< r { for j in 0 ..< c { p[i * c + j] = (p[i * c + j] - mean[j]) / scale[j] } }
        }
    }

    /// `[[Float]]` rows as a tensor `[n, features]` (all rows must have the same length).
    static func matrix(_ rows: [[Float]]) -> Tensor {
        let d = rows.first?.count ?? 0
        var values: [Float] = []
        values.reserveCapacity(rows.count * d)
        for (i, row) in rows.enumerated() {
            precondition(row.count == d, "row \(i) has \(row.count) features, expected \(d)")
            values.append(contentsOf: row)
        }
        return Tensor(shape: [rows.count, d], values: values)
    }
}
