import Foundation
import SimCore

/// Gradient-boosted decision trees for binary classification (labels in {0, 1}), XGBoost-style.
///
/// Binary logistic loss with second-order steps: for margin F and p = σ(F), gradient g = p − y and
/// hessian h = p(1 − p). Training features are pre-binned into at most `bins` (≤ 256) quantile bins
/// per feature (the bin edges are training values; bin b holds edge[b−1] < x ≤ edge[b]). Each tree
/// is grown depth-wise: every node of a level builds a (G, H) histogram per feature and takes the
/// split with the largest gain
///
///     gain = ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] − γ,
///
/// kept only if gain > 0 and both children have hessian sum ≥ `minChildWeight` (and at least one
/// sample). Ties in gain go to the lower feature, then the lower bin. A leaf's value is
/// `learningRate · (−G/(H+λ))`. The initial margin (`baseScore`) is the log-odds of the training
/// prior. Training is deterministic: there is no subsampling.
///
/// Prediction walks each tree with `x[feature] ≤ threshold` → left (NaN goes right).
///
/// ```swift
/// var gbdt = GradientBoostedTrees(trees: 100, depth: 6, learningRate: 0.3)
/// gbdt.fit(features: x, labels: y)
/// let p = gbdt.predictProbability(q), yhat = gbdt.predict(q)
/// ```
public struct GradientBoostedTrees: Sendable {
    /// One node of a tree: a split (`feature ≥ 0`) or a leaf (`feature == -1`, `value`).
    public struct Node: Sendable, Equatable {
        public var feature: Int32
        public var threshold: Float
        public var left: Int32
        public var right: Int32
        /// The leaf's contribution to the margin (already multiplied by the learning rate).
        public var value: Float
        public var isLeaf: Bool { feature < 0 }
    }

    /// A tree as a flat node array, root at index 0.
    public struct Tree: Sendable, Equatable {
        public var nodes: [Node]

        /// The margin contribution of the row starting at `x`.
        @inlinable
        func evaluate(_ x: UnsafePointer<Float>) -> Float {
            var i = 0
            while true {
                let node = nodes[i]
                if node.feature < 0 { return node.value }
                i = Int(x[Int(node.feature)] <= node.threshold ? node.left : node.right)
            }
        }

        /// Leaf values in left-to-right (in-order) order.
        public var leafValues: [Float] {
            var out: [Float] = []
            func walk(_ i: Int) {
                let n = nodes[i]
                if n.isLeaf { out.append(n.value) } else { walk(Int(n.left)); walk(Int(n.right)) }
            }
            if !nodes.isEmpty { walk(0) }
            return out
        }
    }

    public var treeCount: Int
    public var depth: Int
    public var learningRate: Float
    public var lambda: Float
    public var gamma: Float
    public var minChildWeight: Float
    public var bins: Int

    /// The fitted trees, in boosting order.
    public private(set) var trees: [Tree] = []
    /// Initial margin: log(p/(1−p)) of the training prior p.
    public private(set) var baseScore: Float = 0
    /// Mean training log-loss after each tree (`trainingLoss[0]` is that of the base score alone).
    public private(set) var trainingLoss: [Double] = []
    /// Bin edges per feature computed from the training data.
    public private(set) var binEdges: [[Float]] = []
    /// Number of features of the fitted data.
    public private(set) var featureCount = 0

    public init(trees: Int = 100, depth: Int = 6, learningRate: Float = 0.3, lambda: Float = 1,
                gamma: Float = 0, minChildWeight: Float = 1, bins: Int = 256) {
        precondition(trees >= 0 && depth >= 0, "GradientBoostedTrees: trees and depth must be ≥ 0")
        precondition(bins >= 2 && bins <= 256, "GradientBoostedTrees: bins must be in 2 ... 256")
        precondition(lambda >= 0 && minChildWeight >= 0, "GradientBoostedTrees: lambda, minChildWeight ≥ 0")
        self.treeCount = trees
        self.depth = depth
        self.learningRate = learningRate
        self.lambda = lambda
        self.gamma = gamma
        self.minChildWeight = minChildWeight
        self.bins = bins
    }

    // MARK: Fitting

    public mutating func fit(features: [[Float]], labels: [Int]) {
        fit(features: KNearestNeighbors.matrix(features), labels: labels)
    }

    public mutating func fit(features: Tensor, labels: [Int]) {
        let n = features.rank == 0 ? 0 : features.rows
        precondition(n == labels.count, "GradientBoostedTrees.fit: \(n) rows but \(labels.count) labels")
        precondition(n > 0, "GradientBoostedTrees.fit: no training rows")
        precondition(labels.allSatisfy { $0 == 0 || $0 == 1 }, "GradientBoostedTrees.fit: labels must be 0 or 1")
        let d = features.columns
        featureCount = d
        let x = features.values

        // Bin edges and the binned matrix (row-major UInt8).
        binEdges = (0 ..< d).map { f in Self.quantileEdges(column: f, of: x, rows: n, columns: d, bins: bins) }
        var binned = [UInt8](repeating: 0, count: n * d)
        var binCounts = [Int](repeating: 0, count: d)
        for f in 0 ..< d {
            let edges = binEdges[f]
            binCounts[f] = edges.count + 1
            for i in 0 ..< n { binned[i * d + f] = UInt8(Self.bin(of: x[i * d + f], edges: edges)) }
        }
        let stride = 256   // histogram slots per feature

        // Base score.
        let positives = labels.reduce(0, +)
        let prior = min(max(Double(positives) / Double(n), 1e-6), 1 - 1e-6)
        baseScore = Float(log(prior / (1 - prior)))
        var margin = [Double](repeating: Double(baseScore), count: n)
        var grad = [Double](repeating: 0, count: n), hess = [Double](repeating: 0, count: n)
        let y = labels.map(Double.init)
        trees = []
        trees.reserveCapacity(treeCount)
        trainingLoss = [Self.logLoss(margin, y)]

        // Reused buffers: sample order partitioned by node, a partition scratch, one histogram.
        var order = [Int32](repeating: 0, count: n)
        var scratch = [Int32](repeating: 0, count: n)
        var histG = [Double](repeating: 0, count: d * stride)
        var histH = [Double](repeating: 0, count: d * stride)
        var histN = [Int32](repeating: 0, count: d * stride)
        let lam = Double(lambda), gam = Double(gamma), mcw = Double(minChildWeight), lr = Double(learningRate)

        struct Pending { var node: Int; var start: Int; var end: Int; var g: Double; var h: Double }

        for _ in 0 ..< treeCount {
            var sumG = 0.0, sumH = 0.0
            for i in 0 ..< n {
                let p = 1 / (1 + exp(-margin[i]))
                grad[i] = p - y[i]
                hess[i] = max(p * (1 - p), 1e-16)
                sumG += grad[i]; sumH += hess[i]
            }
            for i in 0 ..< n { order[i] = Int32(i) }
            var nodes = [Node(feature: -1, threshold: 0, left: -1, right: -1, value: 0)]
            var level = [Pending(node: 0, start: 0, end: n, g: sumG, h: sumH)]
            var leaves: [Pending] = []
            for _ in 0 ..< depth {
                var next: [Pending] = []
                for item in level {
                    // Histogram of the node's samples.
                    for f in 0 ..< d {
                        let base = f * stride
                        for b in 0 ..< binCounts[f] { histG[base + b] = 0; histH[base + b] = 0; histN[base + b] = 0 }
                    }
                    binned.withUnsafeBufferPointer { bp in
                        order.withUnsafeBufferPointer { op in
                            histG.withUnsafeMutableBufferPointer { hg in
                                histH.withUnsafeMutableBufferPointer { hh in
                                    histN.withUnsafeMutableBufferPointer { hn in
                                        for s in item.start ..< item.end {
                                            let i = Int(op[s])
                                            let gi = grad[i], hi = hess[i]
                                            let row = i * d
                                            for f in 0 ..< d {
                                                let slot = f &* stride &+ Int(bp[row &+ f])
                                                hg[slot] += gi; hh[slot] += hi; hn[slot] &+= 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    // Best split.
                    let parentScore = item.g * item.g / (item.h + lam)
                    let count = Int32(item.end - item.start)
                    var bestGain = 0.0, bestF = -1, bestB = -1
                    var bestGL = 0.0, bestHL = 0.0
                    for f in 0 ..< d {
                        var gl = 0.0, hl = 0.0
                        var nl: Int32 = 0
                        let base = f * stride
                        for b in 0 ..< binCounts[f] - 1 {
                            gl += histG[base + b]; hl += histH[base + b]; nl += histN[base + b]
                            if nl == 0 { continue }
                            if nl == count { break }
                            let gr = item.g - gl, hr = item.h - hl
                            if hl < mcw || hr < mcw { continue }
                            let gain = 0.5 * (gl * gl / (hl + lam) + gr * gr / (hr + lam) - parentScore) - gam
                            if gain > bestGain { bestGain = gain; bestF = f; bestB = b; bestGL = gl; bestHL = hl }
                        }
                    }
                    if bestF < 0 { leaves.append(item); continue }
                    // Stable partition of the node's samples: bin ≤ bestB left.
                    var l = item.start, r = 0
                    for s in item.start ..< item.end {
                        let i = Int(order[s])
                        if Int(binned[i * d + bestF]) <= bestB { order[l] = Int32(i); l += 1 } else { scratch[r] = Int32(i); r += 1 }
                    }
                    for t in 0 ..< r { order[l + t] = scratch[t] }
                    let leftIndex = nodes.count
                    nodes.append(Node(feature: -1, threshold: 0, left: -1, right: -1, value: 0))
                    nodes.append(Node(feature: -1, threshold: 0, left: -1, right: -1, value: 0))
                    nodes[item.node] = Node(feature: Int32(bestF), threshold: binEdges[bestF][bestB],
                                            left: Int32(leftIndex), right: Int32(leftIndex + 1), value: 0)
                    next.append(Pending(node: leftIndex, start: item.start, end: l, g: bestGL, h: bestHL))
                    next.append(Pending(node: leftIndex + 1, start: l, end: item.end,
                                        g: item.g - bestGL, h: item.h - bestHL))
                }
                level = next
                if level.isEmpty { break }
            }
            leaves.append(contentsOf: level)
            // Leaf values and the training margins.
            for leaf in leaves {
                let w = -leaf.g / (leaf.h + lam) * lr
                let wf = Float(w)
                nodes[leaf.node].value = wf
                for s in leaf.start ..< leaf.end { margin[Int(order[s])] += Double(wf) }
            }
            trees.append(Tree(nodes: nodes))
            trainingLoss.append(Self.logLoss(margin, y))
        }
    }

    // MARK: Prediction

    /// The margin (log-odds) of every row.
    public func predictMargin(_ features: Tensor) -> [Float] {
        let m = features.rank == 0 ? 0 : features.rows
        if m == 0 { return [] }
        precondition(features.columns == featureCount,
                     "GradientBoostedTrees: \(features.columns) features, fitted with \(featureCount)")
        let d = featureCount
        var out = [Float](repeating: baseScore, count: m)
        features.values.withUnsafeBufferPointer { xp in
            for i in 0 ..< m {
                var s = baseScore
                let row = xp.baseAddress! + i * d
                for t in trees { s += t.evaluate(row) }
                out[i] = s
            }
        }
        return out
    }

    /// Probability of class 1 for every row.
    public func predictProbability(_ features: [[Float]]) -> [Float] {
        predictProbability(KNearestNeighbors.matrix(features))
    }

    public func predictProbability(_ features: Tensor) -> [Float] {
        predictMargin(features).map { 1 / (1 + exp(-$0)) }
    }

    /// Predicted class: 1 when the probability exceeds 0.5 (margin > 0), else 0.
    public func predict(_ features: [[Float]]) -> [Int] { predict(KNearestNeighbors.matrix(features)) }

    public func predict(_ features: Tensor) -> [Int] { predictMargin(features).map { $0 > 0 ? 1 : 0 } }

    // MARK: Binning

    /// At most `bins − 1` increasing edges from the sorted distinct values of one column: all of
    /// them (but the largest) when there are at most `bins` distinct values, else the values at the
    /// quantiles i/bins. NaNs are ignored.
    static func quantileEdges(column f: Int, of x: [Float], rows n: Int, columns d: Int, bins: Int) -> [Float] {
        var v = [Float]()
        v.reserveCapacity(n)
        for i in 0 ..< n { let value = x[i * d + f]; if !value.isNaN { v.append(value) } }
        if v.isEmpty { return [] }
        v.sort()
        var distinct = [Float]()
        distinct.reserveCapacity(min(v.count, bins + 1))
        var distinctCount = 0
        var previous = v[0]
        distinctCount = 1
        for value in v.dropFirst() where value != previous { distinctCount += 1; previous = value; if distinctCount > bins { break } }
        if distinctCount <= bins {
            distinct.append(v[0])
            for value in v.dropFirst() where value != distinct[distinct.count - 1] { distinct.append(value) }
            distinct.removeLast()
            return distinct
        }
        var edges = [Float]()
        let maxValue = v[v.count - 1]
        for q in 1 ..< bins {
            let value = v[min(v.count - 1, (q * v.count) / bins - 1 < 0 ? 0 : (q * v.count) / bins - 1)]
            if value >= maxValue { break }
            if edges.isEmpty || value > edges[edges.count - 1] { edges.append(value) }
        }
        return edges
    }

    /// Bin of `value`: the first b with value ≤ edges[b], else edges.count (NaN → last bin).
    static func bin(of value: Float, edges: [Float]) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if value <= edges[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    static func logLoss(_ margin: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for i in margin.indices {
            // log(1 + e^F) − y·F, stably.
            let f = margin[i]
            s += (f > 0 ? f + log1p(exp(-f)) : log1p(exp(f))) - y[i] * f
        }
        return s / Double(max(margin.count, 1))
    }
}
