import SimCore

/// Mini-batches of example indices, one epoch at a time.
///
/// Each call to ``nextEpoch()`` returns the indices 0 ..< count split into batches of
/// `batchSize` (the last one smaller unless `dropLast`), in a new order when `shuffle` is set:
/// a Fisher–Yates shuffle from the stream (for i = count−1 down to 1, swap i with
/// j = `rng.integer(below: i + 1)`), so the same seed gives the same batches.
///
/// ```swift
/// let batches = MiniBatches(count: x.rows, batchSize: 64, shuffle: true,
///                           rng: RandomStreams(seed: 1).stream("train/shuffle"))
/// for epoch in 0 ..< 10 {
///     for indices in batches.nextEpoch() {
///         let xb = MiniBatches.gather(rows: indices, from: x)   // [indices.count, features]
///         …
///     }
/// }
/// ```
public final class MiniBatches {
    public let count: Int
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    /// The stream shuffles are drawn from (nil when `shuffle` is false).
    public let rng: RNGStream?
    /// Epochs returned so far.
    public private(set) var epochsServed = 0

    public init(count: Int, batchSize: Int, shuffle: Bool = true, rng: RNGStream? = nil, dropLast: Bool = false) {
        precondition(count >= 0, "MiniBatches: count must be ≥ 0")
        precondition(batchSize > 0, "MiniBatches: batch size must be > 0")
        precondition(!shuffle || rng != nil, "MiniBatches: shuffling needs a random stream")
        self.count = count
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.rng = rng
        self.dropLast = dropLast
    }

    /// Batches per epoch: ⌊count / batchSize⌋ with `dropLast`, ⌈count / batchSize⌉ otherwise.
    public var batchesPerEpoch: Int {
        dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
    }

    /// The next epoch's batches (advancing the stream by count − 1 draws when shuffling).
    public func nextEpoch() -> [[Int]] {
        var order = Array(0 ..< count)
        if shuffle, let rng, count > 1 {
            for i in stride(from: count - 1, through: 1, by: -1) {
                let j = rng.integer(below: i + 1)
                if i != j { order.swapAt(i, j) }
            }
        }
        epochsServed += 1
        var batches: [[Int]] = []
        batches.reserveCapacity(batchesPerEpoch)
        var start = 0
        while start < count {
            let end = min(start + batchSize, count)
            if dropLast && end - start < batchSize { break }
            batches.append(Array(order[start ..< end]))
            start = end
        }
        return batches
    }

    /// The rows `indices` of `tensor` (its first dimension), in that order, as a tensor of shape
    /// `[indices.count] + tensor.shape.dropFirst()` — e.g. a `[batch, features]` batch from an
    /// `[n, features]` data set.
    public static func gather(rows indices: [Int], from tensor: Tensor) -> Tensor {
        precondition(tensor.rank >= 1, "MiniBatches.gather: needs a tensor of rank ≥ 1")
        let n = tensor.shape[0]
        let width = tensor.columns
        var out = [Float](repeating: 0, count: indices.count * width)
        tensor.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, r) in indices.enumerated() {
                    precondition(r >= 0 && r < n, "MiniBatches.gather: row \(r) out of 0..<\(n)")
                    for c in 0 ..< width { dst[k * width + c] = src[r * width + c] }
                }
            }
        }
        return Tensor(shape: [indices.count] + tensor.shape.dropFirst(), values: out)
    }
}
