import Foundation
import SimCore

/// The zero-shot diffusion classifier of Li et al. (ICCV 2023) on a class-conditional
/// ``DiffusionModel``: no separately trained classifier, only Bayes' rule with the denoising error
/// as the class-conditional likelihood,
///
///     score_c(x) = −s · (1/P) Σ_{j<P} ‖ε_j − ε_θ(√ᾱ_{t_j}·x + √(1−ᾱ_{t_j})·ε_j, t_j, c)‖² / d  +  log p(c)
///
/// over a fixed bank of (timestep, noise) pairs shared by every class and every input (a paired
/// comparison, so most Monte-Carlo noise cancels and the result does not depend on class order or on
/// which other inputs are in the batch). Timesteps lie on the evenly spaced grid
/// t_i = T/N·i + T/(2N) (N = ``Configuration/timesteps``), visited in bit-reversed order so that every
/// stage's prefix is itself evenly spread, each with ``Configuration/noisesPerTimestep`` noises.
///
/// Adaptive stages (``Configuration/stages``, cumulative timestep counts): after each stage a class
/// is dropped for an input when the lower confidence bound (``Configuration/pruneZ`` standard errors
/// of the paired differences) of its score gap to the best class is positive; an input stops when
/// one class is left. All (input, pair, class) rows of a stage go through the network together in
/// large matrix products; the time and label branches are computed once per timestep and class.
///
/// The class-prior correction: ``calibrate(data:labels:maxSamples:)`` sets log p(c) to the training
/// class frequencies and fits the scale s by maximum likelihood (a single number; without it the
/// classifier is the plain argmin with s = 1 and equal priors).
///
/// ```swift
/// let classifier = try DiffusionClassifier(model: model)
/// classifier.calibrate(data: trainX, labels: trainY)
/// let result = classifier.classify(testX)     // result.labels, result.probabilities
/// ```
public final class DiffusionClassifier {
    public struct Configuration: Sendable, Equatable {
        /// Size N of the timestep grid.
        public var timesteps = 64
        /// Noises drawn per timestep (the same for every input and class).
        public var noisesPerTimestep = 4
        /// Cumulative timesteps evaluated after each stage; the last must be at most ``timesteps``.
        public var stages = [8, 64]
        /// Standard errors of the paired score gap needed to drop a class between stages.
        public var pruneZ = 3.0
        /// Seed of the noise bank.
        public var seed: UInt64 = 0
        /// Network rows per matrix product (memory ~ rows × widest layer × 4 bytes).
        public var rowsPerBatch = 8192

        public init(timesteps: Int = 64, noisesPerTimestep: Int = 4, stages: [Int] = [8, 64], pruneZ: Double = 3,
                    seed: UInt64 = 0, rowsPerBatch: Int = 8192) {
            self.timesteps = timesteps; self.noisesPerTimestep = noisesPerTimestep; self.stages = stages
            self.pruneZ = pruneZ; self.seed = seed; self.rowsPerBatch = rowsPerBatch
        }

        /// `timesteps` grid points (at most the model's T), `noises` per timestep, two stages: an eighth
        /// of the grid (at least 4 timesteps), then all of it.
        public static func grid(_ timesteps: Int = 64, noises: Int = 4, modelTimesteps: Int) -> Configuration {
            let n = max(1, min(timesteps, modelTimesteps))
            let first = min(n, max(4, n / 8))
            return Configuration(timesteps: n, noisesPerTimestep: noises, stages: first < n ? [first, n] : [n])
        }

        public func validate(modelTimesteps: Int) throws {
            func bad(_ m: String) -> DiffusionModelError { .invalidConfiguration(m) }
            guard timesteps >= 1, timesteps <= modelTimesteps else {
                throw bad("classifier timesteps must be in 1...\(modelTimesteps), got \(timesteps)")
            }
            guard noisesPerTimestep >= 1 else { throw bad("noises per timestep must be ≥ 1, got \(noisesPerTimestep)") }
            guard !stages.isEmpty, stages.allSatisfy({ $0 >= 1 }), zip(stages, stages.dropFirst()).allSatisfy({ $0 < $1 }),
                  stages.last! <= timesteps else {
                throw bad("stages must increase from ≥ 1 to at most \(timesteps) timesteps, got \(stages)")
            }
            guard pruneZ > 0 else { throw bad("prune z must be positive, got \(pruneZ)") }
            guard rowsPerBatch >= 1 else { throw bad("rows per batch must be ≥ 1") }
        }
    }

    /// Labels, per-class probabilities (row-major [n, classes]) and the mean number of
    /// (timestep, noise, class) network rows spent per input.
    public struct Result: Sendable, Equatable {
        public var labels: [Int]
        public var probabilities: [Double]
        public var rowsPerInput: Double
    }

    public let model: DiffusionModel
    public let configuration: Configuration
    /// The scale s of the mean errors in the score.
    public var temperature = 1.0
    /// log p(c) per class.
    public var logPriors: [Double]

    /// Pair j: timestep and its noise row in ``noiseBank``.
    let pairTimesteps: [Int]
    let pairGrid: [Int]
    let noiseBank: [Float]
    /// Time branch per grid timestep [N, dimT] and label branch per class [C, dimT].
    let timeRows: Tensor
    let labelRows: Tensor

    /// Metadata keys of a saved calibration.
    public static let temperatureKey = "classifier_temperature"
    public static let logPriorsKey = "classifier_log_priors"

    public init(model: DiffusionModel, configuration: Configuration = .init()) throws {
        try configuration.validate(modelTimesteps: model.configuration.timesteps)
        self.model = model
        self.configuration = configuration
        let n = configuration.timesteps, k = configuration.noisesPerTimestep, d = model.dataDimension
        let T = model.configuration.timesteps
        let grid = (0 ..< n).map { i in min(T - 1, (T * i) / n + T / (2 * n)) }
        let order = (0 ..< n).sorted { Self.radicalInverse($0) < Self.radicalInverse($1) }
        var times: [Int] = [], gridIndex: [Int] = []
        for i in order { for _ in 0 ..< k { times.append(grid[i]); gridIndex.append(i) } }
        pairTimesteps = times
        pairGrid = gridIndex
        let rng = RandomStreams(seed: configuration.seed).stream("gdm/classifier-noise")
        noiseBank = (0 ..< times.count * d).map { _ in Float(rng.normal()) }
        let net = model.network
        timeRows = net.timeFeatures(Tensor(shape: [n], values: grid.map(Float.init)), training: false)
        labelRows = net.labelFeatures(Tensor(shape: [model.classCount], values: (0 ..< model.classCount).map(Float.init)),
                                      training: false)
        logPriors = Array(repeating: -Foundation.log(Double(model.classCount)), count: model.classCount)
        if let s = model.extraMetadata[Self.temperatureKey].flatMap(Double.init),
           let p = model.extraMetadata[Self.logPriorsKey]?.split(separator: ";").compactMap({ Double($0) }),
           p.count == model.classCount {
            temperature = s
            logPriors = p
        }
    }

    /// Van der Corput radical inverse in base 2 (bit reversal as a fraction).
    static func radicalInverse(_ i: Int) -> Double {
        var x = i, f = 0.5, r = 0.0
        while x > 0 { if x & 1 == 1 { r += f }; x >>= 1; f /= 2 }
        return r
    }

    /// Stores the calibration in the model's metadata (saved with it).
    public func storeCalibration() {
        model.extraMetadata[Self.temperatureKey] = "\(temperature)"
        model.extraMetadata[Self.logPriorsKey] = logPriors.map { "\($0)" }.joined(separator: ";")
    }

    // MARK: Errors

    /// Per-pair errors for each requested (input, class): `jobs` lists (input row in `z`, class);
    /// pairs `pairs`. Returns errors [job][pair].
    func pairErrors(_ z: Tensor, jobs: [(input: Int, label: Int)], pairs: Range<Int>) -> [[Float]] {
        let d = model.dataDimension, net = model.network, dimT = net.timeDimension
        let np = pairs.count
        var result = [[Float]](repeating: [], count: jobs.count)
        guard np > 0, !jobs.isEmpty else { return result }
        // Jobs are grouped per input so that the noised inputs and their projection are shared.
        var byInput: [Int: [Int]] = [:]
        var inputOrder: [Int] = []
        for (j, job) in jobs.enumerated() {
            if byInput[job.input] == nil { inputOrder.append(job.input) }
            byInput[job.input, default: []].append(j)
        }
        let rowsPerJob = np
        var start = 0
        while start < inputOrder.count {
            // Take inputs until the row budget is reached.
            var end = start, rows = 0
            while end < inputOrder.count && (rows == 0 || rows + byInput[inputOrder[end]]!.count * rowsPerJob <= configuration.rowsPerBatch) {
                rows += byInput[inputOrder[end]]!.count * rowsPerJob
                end += 1
            }
            let inputs = Array(inputOrder[start ..< end])
            // Noised copies x_t for every (input, pair).
            var xt = Tensor.uninitialized([inputs.count * np, d])
            xt.values.withUnsafeMutableBufferPointer { o in
                z.values.withUnsafeBufferPointer { zp in
                    noiseBank.withUnsafeBufferPointer { nb in
                        for (a, i) in inputs.enumerated() {
                            for (b, p) in pairs.enumerated() {
                                let (sa, sn) = model.schedule.scales(pairTimesteps[p])
                                let row = (a * np + b) * d
                                for c in 0 ..< d { o[row + c] = sa * zp[i * d + c] + sn * nb[p * d + c] }
                            }
                        }
                    }
                }
            }
            let projected = net.input.forward(xt, training: false)
            // Rows: projection + time branch + label branch, per (job, pair).
            var h = Tensor.uninitialized([rows, dimT])
            var jobList: [Int] = []
            h.values.withUnsafeMutableBufferPointer { o in
                projected.values.withUnsafeBufferPointer { pr in
                    timeRows.values.withUnsafeBufferPointer { tr in
                        labelRows.values.withUnsafeBufferPointer { lr in
                            var r = 0
                            for (a, i) in inputs.enumerated() {
                                for j in byInput[i]! {
                                    jobList.append(j)
                                    let c = jobs[j].label
                                    for (b, p) in pairs.enumerated() {
                                        let src = (a * np + b) * dimT, g = pairGrid[p] * dimT, l = c * dimT
                                        for k in 0 ..< dimT { o[r * dimT + k] = pr[src + k] + tr[g + k] + lr[l + k] }
                                        r += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let out = net.body.forward(h, training: false)
            out.values.withUnsafeBufferPointer { op in
                noiseBank.withUnsafeBufferPointer { nb in
                    var r = 0
                    for j in jobList {
                        var errs = [Float](repeating: 0, count: np)
                        for (b, p) in pairs.enumerated() {
                            var s: Float = 0
                            for c in 0 ..< d { let e = nb[p * d + c] - op[r * d + c]; s += e * e }
                            errs[b] = s / Float(d)
                            r += 1
                        }
                        result[j] = errs
                    }
                }
            }
            start = end
        }
        return result
    }

    /// Mean denoising error per class for raw inputs `x` ([n, d]) over the first `timesteps` grid
    /// timesteps (all noises), every class evaluated ([n, classes], row-major).
    public func meanErrors(_ x: Tensor, timesteps: Int? = nil) -> [Double] {
        let z = model.standardize(x)
        let n = x.shape[0], c = model.classCount
        let pairs = 0 ..< (timesteps ?? configuration.timesteps) * configuration.noisesPerTimestep
        var jobs: [(input: Int, label: Int)] = []
        for i in 0 ..< n { for k in 0 ..< c { jobs.append((i, k)) } }
        let errs = pairErrors(z, jobs: jobs, pairs: pairs)
        return errs.map { e in e.reduce(0.0) { $0 + Double($1) } / Double(max(e.count, 1)) }
    }

    // MARK: Calibration

    /// Sets the priors to the class frequencies of `labels` and fits ``temperature`` by maximum
    /// likelihood of the labels under softmax(−s·error + log prior), on at most `maxSamples` rows
    /// (an evenly strided subset) evaluated with every pair. Returns the fitted s.
    @discardableResult
    public func calibrate(data x: Tensor, labels: [Int], maxSamples: Int = 1000) -> Double {
        let n = x.shape[0], c = model.classCount
        precondition(labels.count == n && n > 0)
        var counts = [Double](repeating: 0, count: c)
        for y in labels { counts[y] += 1 }
        logPriors = counts.map { Foundation.log(max($0, 0.5) / Double(n)) }
        let stride = max(1, n / max(maxSamples, 1))
        let rows = Array(Swift.stride(from: 0, to: n, by: stride).prefix(maxSamples))
        let errors = meanErrors(MiniBatches.gather(rows: rows, from: x))
        let ys = rows.map { labels[$0] }
        // d/ds of the log-likelihood: Σ_i (−e_{i,y} + Σ_c p_c e_{i,c}); decreasing in s.
        func slope(_ s: Double) -> Double {
            var total = 0.0
            for (i, y) in ys.enumerated() {
                let scores = (0 ..< c).map { -s * errors[i * c + $0] + logPriors[$0] }
                let m = scores.max()!
                let w = scores.map { Foundation.exp($0 - m) }
                let z = w.reduce(0, +)
                var expected = 0.0
                for k in 0 ..< c { expected += w[k] / z * errors[i * c + k] }
                total += expected - errors[i * c + y]
            }
            return total
        }
        var lo = -6.0, hi = 8.0          // log10 s
        if slope(Foundation.pow(10, hi)) > 0 { temperature = Foundation.pow(10, hi); return temperature }
        if slope(Foundation.pow(10, lo)) < 0 { temperature = Foundation.pow(10, lo); return temperature }
        for _ in 0 ..< 60 {
            let mid = (lo + hi) / 2
            if slope(Foundation.pow(10, mid)) > 0 { lo = mid } else { hi = mid }
        }
        temperature = Foundation.pow(10, (lo + hi) / 2)
        return temperature
    }

    // MARK: Classification

    /// Classifies raw feature rows `x` ([n, d]) with adaptive stages.
    public func classify(_ x: Tensor) -> Result {
        let n = x.shape[0], c = model.classCount, k = configuration.noisesPerTimestep
        let z = model.standardize(x)
        var errors = [[[Float]]](repeating: [[Float]](repeating: [], count: c), count: n)
        var active = [[Int]](repeating: Array(0 ..< c), count: n)
        var rowsSpent = 0
        var done = 0
        let s = temperature
        for stage in configuration.stages {
            let pairs = done * k ..< stage * k
            done = stage
            var jobs: [(input: Int, label: Int)] = []
            for i in 0 ..< n where active[i].count > 1 || pairs.lowerBound == 0 {
                for label in active[i] { jobs.append((i, label)) }
            }
            if jobs.isEmpty { break }
            rowsSpent += jobs.count * pairs.count
            let result = pairErrors(z, jobs: jobs, pairs: pairs)
            for (j, job) in jobs.enumerated() { errors[job.input][job.label] += result[j] }
            // Prune classes whose score gap to the best is significantly positive.
            for i in 0 ..< n where active[i].count > 1 {
                let means = active[i].map { l in mean(errors[i][l]) }
                let scores = zip(active[i], means).map { -s * $1 + logPriors[$0] }
                let best = active[i][scores.indices.max { scores[$0] < scores[$1] }!]
                active[i] = active[i].filter { l in
                    if l == best { return true }
                    let diffs = zip(errors[i][l], errors[i][best]).map { Double($0) - Double($1) }
                    let m = diffs.reduce(0, +) / Double(diffs.count)
                    let v = diffs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(diffs.count - 1, 1))
                    let se = (v / Double(diffs.count)).squareRoot()
                    return s * (m - configuration.pruneZ * se) <= logPriors[best] - logPriors[l]
                }
            }
        }
        var labels = [Int](repeating: 0, count: n)
        var probabilities = [Double](repeating: 0, count: n * c)
        for i in 0 ..< n {
            let scores = (0 ..< c).map { l in -s * mean(errors[i][l]) + logPriors[l] }
            let m = scores.max()!
            let w = scores.map { Foundation.exp($0 - m) }
            let total = w.reduce(0, +)
            for l in 0 ..< c { probabilities[i * c + l] = w[l] / total }
            labels[i] = scores.indices.max { scores[$0] < scores[$1] }!
        }
        return Result(labels: labels, probabilities: probabilities, rowsPerInput: Double(rowsSpent) / Double(max(n, 1)))
    }

    private func mean(_ v: [Float]) -> Double {
        v.isEmpty ? .infinity : v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
    }
}
