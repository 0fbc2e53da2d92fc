import Foundation
import SimCore

/// A binary classifier over a 1-D sequence (e.g. a link's power-delay-profile bins) plus optional
/// scalar features, labels in {0, 1}.
///
/// Network, for sequences of length L and k scalar features:
///
///     sequence [B, 1, L] → Conv1D(1→16, kernel 3, padding 1) → ReLU
///                        → Conv1D(16→16, kernel 3, padding 1) → ReLU → flatten [B, 16·L]
///     scalars  [B, k]    → Linear(k→32) → ReLU                              [B, 32]   (k > 0 only)
///     concatenation [B, 16·L + 32] → Linear(→ width) → ReLU → Linear(width → 1) = logit
///
/// Training: binary cross-entropy with logits, ``Adam`` (β = 0.9, 0.999), `epochs` passes over
/// shuffled mini-batches of `batchSize` (``MiniBatches``, the last batch of an epoch smaller).
/// Inputs are z-scored with statistics of the training set, kept in the model: the sequence with
/// **one** mean and standard deviation over all its values (so the convolutions see the shape
/// unchanged), each scalar feature with its own; a constant input keeps scale 1.
///
/// Everything random comes from `seed`: weights from stream `cnn/init` (PyTorch's default uniform
/// initialisation), batch order from `cnn/batches`. The same data and configuration give the same
/// weights and predictions bit for bit.
///
/// ```swift
/// let cnn = SequenceCNNClassifier(configuration: .init(epochs: 20, seed: 1))
/// cnn.fit(sequences: pdp, scalars: other, labels: y)     // pdp [n, L], other [n, k] or nil
/// let p = cnn.predictProbabilities(sequences: q, scalars: qs), yhat = cnn.predict(sequences: q, scalars: qs)
/// ```
public final class SequenceCNNClassifier {
    public struct Configuration: Sendable, Hashable {
        /// Passes over the training set (default 20).
        public var epochs: Int
        /// Rows per mini-batch (default 128).
        public var batchSize: Int
        /// Adam learning rate (default 2e-3).
        public var learningRate: Float
        /// Hidden units of the head's first Linear layer (default 64).
        public var width: Int
        /// Seed of the initial weights and of the batch order (default 1).
        public var seed: UInt64

        public init(epochs: Int = 20, batchSize: Int = 128, learningRate: Float = 2e-3, width: Int = 64, seed: UInt64 = 1) {
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.width = width
            self.seed = seed
        }
    }

    /// Channels of both convolutions.
    public static let channels = 16
    /// Width of the scalar features' embedding.
    public static let scalarEmbedding = 32

    public let configuration: Configuration
    /// Sequence length and number of scalar features of the fitted data (0 before `fit`).
    public private(set) var sequenceLength = 0
    public private(set) var scalarCount = 0
    /// The sequence standardiser (one mean and scale for every position).
    public private(set) var sequenceMean: Float = 0
    public private(set) var sequenceScale: Float = 1
    /// The scalar standardiser, per feature.
    public private(set) var scalarMean: [Float] = []
    public private(set) var scalarScale: [Float] = []
    /// Mean training loss of each epoch.
    public private(set) var trainingLoss: [Double] = []

    private var network: Network?

    /// Every trainable parameter (empty before `fit`): `conv1.*`, `conv2.*`, `scalars.*` (when k > 0),
    /// `head1.*`, `head2.*`.
    public var parameters: [Parameter] { network?.parameters ?? [] }

    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.epochs >= 0, "SequenceCNNClassifier: epochs must be ≥ 0")
        precondition(configuration.batchSize >= 1, "SequenceCNNClassifier: batch size must be ≥ 1")
        precondition(configuration.learningRate > 0, "SequenceCNNClassifier: learning rate must be > 0")
        precondition(configuration.width >= 1, "SequenceCNNClassifier: width must be ≥ 1")
        self.configuration = configuration
    }

    // MARK: Fitting

    /// Trains a fresh network. `sequences` is `[n, L]` or `[n, 1, L]`; `scalars` `[n, k]` or nil
    /// (no scalar branch).
    public func fit(sequences: Tensor, scalars: Tensor?, labels: [Int]) {
        let n = sequences.rank == 0 ? 0 : sequences.rows
        precondition(n > 0, "SequenceCNNClassifier.fit: no training rows")
        precondition(n == labels.count, "SequenceCNNClassifier.fit: \(n) rows but \(labels.count) labels")
        precondition(labels.allSatisfy { $0 == 0 || $0 == 1 }, "SequenceCNNClassifier.fit: labels must be 0 or 1")
        let length = sequences.columns
        let k = scalars.map { $0.rank < 2 ? 0 : $0.columns } ?? 0
        if let scalars { precondition(scalars.rows == n, "SequenceCNNClassifier.fit: \(scalars.rows) scalar rows for \(n) sequences") }

        // Standardisers.
        var sum = 0.0, sq = 0.0
        for v in sequences.values { sum += Double(v) }
        let mu = sum / Double(sequences.count)
        for v in sequences.values { sq += (Double(v) - mu) * (Double(v) - mu) }
        let sd = (sq / Double(sequences.count)).squareRoot()
        sequenceMean = Float(mu)
        sequenceScale = sd > 0 && sd.isFinite ? Float(sd) : 1
        (scalarMean, scalarScale) = k > 0 ? Self.columnStatistics(scalars!) : ([], [])
        sequenceLength = length
        scalarCount = k

        let x = standardizedSequences(sequences)
        let s = k > 0 ? standardizedScalars(scalars!) : nil
        let y = Tensor(shape: [n, 1], values: labels.map(Float.init))

        let streams = RandomStreams(seed: configuration.seed)
        let net = Network(length: length, scalars: k, width: configuration.width, rng: streams.stream("cnn/init"))
        network = net
        let adam = Adam(parameters: net.parameters, learningRate: configuration.learningRate)
        let batches = MiniBatches(count: n, batchSize: configuration.batchSize, shuffle: true,
                                  rng: streams.stream("cnn/batches"))
        trainingLoss = []
        for _ in 0 ..< configuration.epochs {
            var total = 0.0
            for batch in batches.nextEpoch() {
                let xb = MiniBatches.gather(rows: batch, from: x)
                let sb = s.map { MiniBatches.gather(rows: batch, from: $0) }
                let yb = MiniBatches.gather(rows: batch, from: y)
                adam.zeroGradients()
                let (loss, g) = Loss.binaryCrossEntropyWithLogits(net.forward(xb, sb, training: true), yb)
                net.backward(g)
                adam.step()
                total += Double(loss) * Double(batch.count)
            }
            trainingLoss.append(total / Double(n))
        }
    }

    // MARK: Prediction

    /// Probability of class 1 for every row (evaluated in blocks of 4096 rows).
    public func predictProbabilities(sequences: Tensor, scalars: Tensor?) -> [Float] {
        guard let net = network else { preconditionFailure("SequenceCNNClassifier: predict before fit") }
        let n = sequences.rank == 0 ? 0 : sequences.rows
        if n == 0 { return [] }
        precondition(sequences.columns == sequenceLength,
                     "SequenceCNNClassifier: sequences of length \(sequences.columns), fitted with \(sequenceLength)")
        let k = scalars.map { $0.rank < 2 ? 0 : $0.columns } ?? 0
        precondition(k == scalarCount, "SequenceCNNClassifier: \(k) scalar features, fitted with \(scalarCount)")
        if let scalars { precondition(scalars.rows == n, "SequenceCNNClassifier: \(scalars.rows) scalar rows for \(n) sequences") }
        let x = standardizedSequences(sequences)
        let s = k > 0 ? standardizedScalars(scalars!) : nil
        var out: [Float] = []
        out.reserveCapacity(n)
        let block = 4096
        var start = 0
        while start < n {
            let rows = Array(start ..< min(n, start + block))
            let logits = net.forward(MiniBatches.gather(rows: rows, from: x),
                                     s.map { MiniBatches.gather(rows: rows, from: $0) }, training: false)
            out.append(contentsOf: logits.values.map { 1 / (1 + Foundation.exp(-$0)) })
            start += block
        }
        return out
    }

    /// Class 1 where the probability is at least `threshold` (default 0.5), else 0.
    public func predict(sequences: Tensor, scalars: Tensor?, threshold: Float = 0.5) -> [Int] {
        predictProbabilities(sequences: sequences, scalars: scalars).map { $0 >= threshold ? 1 : 0 }
    }

    // MARK: Standardisation

    /// `[n, 1, L]` z-scored sequences.
    private func standardizedSequences(_ t: Tensor) -> Tensor {
        let (mu, sd) = (sequenceMean, sequenceScale)
        return Tensor(shape: [t.rows, 1, t.columns], values: t.values.map { ($0 - mu) / sd })
    }

    private func standardizedScalars(_ t: Tensor) -> Tensor {
        let (r, c) = (t.rows, t.columns)
        var v = t.values
        for i in 0 ..< r { for j in 0 ..< c { v[i * c + j] = (v[i * c + j] - scalarMean[j]) / scalarScale[j] } }
        return Tensor(shape: [r, c], values: v)
    }

    private static func columnStatistics(_ t: Tensor) -> ([Float], [Float]) {
        let (r, c) = (t.rows, t.columns)
        var sum = [Double](repeating: 0, count: c), sq = [Double](repeating: 0, count: c)
        for i in 0 ..< r { for j in 0 ..< c { sum[j] += Double(t.values[i * c + j]) } }
        for j in 0 ..< c { sum[j] /= Double(r) }
        for i in 0 ..< r { for j in 0 ..< c { let d = Double(t.values[i * c + j]) - sum[j]; sq[j] += d * d } }
        let scale = sq.map { s -> Float in let sd = (s / Double(r)).squareRoot(); return sd > 0 && sd.isFinite ? Float(sd) : 1 }
        return (sum.map(Float.init), scale)
    }

    // MARK: The network

    /// The two branches and the head, with the concatenation between them.
    private final class Network {
        let conv: Sequential
        let scalarBranch: Sequential?
        let head: Sequential
        let flatWidth: Int
        let parameters: [Parameter]

        init(length: Int, scalars k: Int, width: Int, rng: RNGStream) {
            let c = SequenceCNNClassifier.channels
            conv = Sequential([
                Conv1D(inChannels: 1, outChannels: c, kernel: 3, padding: 1, name: "conv1", rng: rng), ReLU(),
                Conv1D(inChannels: c, outChannels: c, kernel: 3, padding: 1, name: "conv2", rng: rng), ReLU(),
            ])
            flatWidth = c * length
            let e = SequenceCNNClassifier.scalarEmbedding
            scalarBranch = k > 0 ? Sequential([Linear(inputs: k, outputs: e, name: "scalars", rng: rng), ReLU()]) : nil
            head = Sequential([
                Linear(inputs: flatWidth + (k > 0 ? e : 0), outputs: width, name: "head1", rng: rng), ReLU(),
                Linear(inputs: width, outputs: 1, name: "head2", rng: rng),
            ])
            // Sequential prefixes its layer index; drop it again so names read "conv1.weight".
            for p in conv.parameters + (scalarBranch?.parameters ?? []) + head.parameters {
                if let dot = p.name.firstIndex(of: ".") { p.name = String(p.name[p.name.index(after: dot)...]) }
            }
            parameters = conv.parameters + (scalarBranch?.parameters ?? []) + head.parameters
        }

        /// Logits `[B, 1]` for sequences `[B, 1, L]` and scalars `[B, k]`.
        func forward(_ x: Tensor, _ s: Tensor?, training: Bool) -> Tensor {
            let h = conv.forward(x, training: training)
            let flat = h.reshaped([h.shape[0], flatWidth])
            let z: Tensor
            if let branch = scalarBranch, let s {
                z = concatenateColumns(flat, branch.forward(s, training: training))
            } else {
                z = flat
            }
            return head.forward(z, training: training)
        }

        /// Backward through the head, the concatenation and both branches (input gradients dropped).
        func backward(_ g: Tensor) {
            let gz = head.backward(g)
            let b = gz.rows
            if let branch = scalarBranch {
                let (gh, ge) = splitColumns(gz, first: flatWidth)
                _ = branch.backward(ge)
                _ = conv.backward(gh.reshaped([b, SequenceCNNClassifier.channels, flatWidth / SequenceCNNClassifier.channels]))
            } else {
                _ = conv.backward(gz.reshaped([b, SequenceCNNClassifier.channels, flatWidth / SequenceCNNClassifier.channels]))
            }
        }
    }
}

/// `[B, p]` and `[B, q]` side by side: `[B, p + q]`.
private func concatenateColumns(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rows == b.rows, "concatenateColumns: \(a.rows) and \(b.rows) rows")
    let (r, p, q) = (a.rows, a.columns, b.columns)
    var out = Tensor.uninitialized([r, p + q])
    a.values.withUnsafeBufferPointer { pa in
        b.values.withUnsafeBufferPointer { pb in
            out.values.withUnsafeMutableBufferPointer { o in
                for i in 0 ..< r {
                    (o.baseAddress! + i * (p + q)).update(from: pa.baseAddress! + i * p, count: p)
                    (o.baseAddress! + i * (p + q) + p).update(from: pb.baseAddress! + i * q, count: q)
                }
            }
        }
    }
    return out
}

/// The inverse of ``concatenateColumns(_:_:)``: columns `0 ..< first` and the rest.
private func splitColumns(_ t: Tensor, first p: Int) -> (Tensor, Tensor) {
    let (r, c) = (t.rows, t.columns)
    let q = c - p
    var a = Tensor.uninitialized([r, p]), b = Tensor.uninitialized([r, q])
    t.values.withUnsafeBufferPointer { src in
        a.values.withUnsafeMutableBufferPointer { pa in
            b.values.withUnsafeMutableBufferPointer { pb in
                for i in 0 ..< r {
                    (pa.baseAddress! + i * p).update(from: src.baseAddress! + i * c, count: p)
                    (pb.baseAddress! + i * q).update(from: src.baseAddress! + i * c + p, count: q)
                }
            }
        }
    }
    return (a, b)
}
