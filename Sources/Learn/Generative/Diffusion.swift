import Foundation
import SimCore

// MARK: - Noise schedule

/// The forward-process variances of a denoising diffusion model (DDPM): β_t for t = 0 ..< steps
/// (0-based), α_t = 1 − β_t and ᾱ_t = Π_{s ≤ t} α_s, computed in Double.
///
/// - `cosine` (Nichol & Dhariwal 2021): f(τ) = cos²((τ + 0.008)/1.008 · π/2), ᾱ(τ) = f(τ)/f(0),
///   β_i = min(1 − ᾱ((i+1)/T)/ᾱ(i/T), 0.999).
/// - `linear` (Ho et al. 2020): β from 1e-4 to 0.02 for T = 1000, both ends scaled by 1000/T.
///
/// ```swift
/// let s = DiffusionSchedule(kind: .cosine, steps: 1000)
/// s.alphaBars[0]      // 0.99995872
/// ```
public struct DiffusionSchedule: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case cosine, linear }

    public let kind: Kind
    public let steps: Int
    public let betas: [Double]
    public let alphaBars: [Double]

    public init(kind: Kind, steps: Int) {
        precondition(steps >= 2, "DiffusionSchedule: at least 2 steps")
        self.kind = kind
        self.steps = steps
        let n = Double(steps)
        switch kind {
        case .linear:
            let lo = 1e-4 * 1000 / n, hi = 0.02 * 1000 / n
            betas = (0 ..< steps).map { lo + (hi - lo) * Double($0) / (n - 1) }
        case .cosine:
            func f(_ tau: Double) -> Double { let c = cos((tau + 0.008) / 1.008 * Double.pi / 2); return c * c }
            betas = (0 ..< steps).map { i in min(1 - f(Double(i + 1) / n) / f(Double(i) / n), 0.999) }
        }
        var product = 1.0
        alphaBars = betas.map { b in product *= 1 - b; return product }
    }

    /// √ᾱ_t and √(1 − ᾱ_t), the signal and noise scales of x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε.
    public func scales(_ t: Int) -> (signal: Float, noise: Float) {
        (Float(alphaBars[t].squareRoot()), Float((1 - alphaBars[t]).squareRoot()))
    }

    /// The first step whose noise-to-signal ratio √((1 − ᾱ_t)/ᾱ_t) reaches `ratio` (the step at which
    /// data carrying additive noise of that standard deviation, scaled by √ᾱ_t, looks like x_t).
    public func step(forNoiseRatio ratio: Double) -> Int {
        for t in 0 ..< steps where ((1 - alphaBars[t]) / alphaBars[t]).squareRoot() >= ratio { return t }
        return steps - 1
    }
}

// MARK: - Denoiser network

/// The class-conditional noise predictor ε_θ(x_t, t, c) of TabDDPM's `MLPDiffusion`:
///
///     e = Linear(SiLU(Linear(sinusoidal(t))))  +  SiLU(Embedding(c))      (dimension `timeDimension`)
///     h = Linear(x_t) + e
///     ε̂ = [Linear → SiLU] per hidden width, then Linear → data dimension
///
/// Class index `classCount` is the null label (classifier-free label dropout). Parameter names:
/// `time.0.*`, `time.1.*`, `label.weight`, `input.*`, `body.<i>.*`.
public final class DiffusionDenoiser {
    public let dataDimension: Int
    public let classCount: Int
    public let timeDimension: Int
    public let hidden: [Int]

    let timeEmbedding: SinusoidalTimeEmbedding
    let time0: Linear, timeActivation = SiLU(), time1: Linear
    let label: Embedding, labelActivation = SiLU()
    let input: Linear
    let body: Sequential
    public let parameters: [Parameter]

    public init(dataDimension: Int, classCount: Int, timeDimension: Int, hidden: [Int], rng: RNGStream) {
        precondition(dataDimension > 0 && classCount >= 0 && timeDimension >= 2 && !hidden.isEmpty)
        self.dataDimension = dataDimension
        self.classCount = classCount
        self.timeDimension = timeDimension
        self.hidden = hidden
        timeEmbedding = SinusoidalTimeEmbedding(dimension: timeDimension)
        time0 = Linear(inputs: timeDimension, outputs: timeDimension, name: "time.0", rng: rng)
        time1 = Linear(inputs: timeDimension, outputs: timeDimension, name: "time.1", rng: rng)
        label = Embedding(count: classCount + 1, dimension: timeDimension, name: "label", rng: rng)
        input = Linear(inputs: dataDimension, outputs: timeDimension, name: "input", rng: rng)
        var layers: [any Layer] = []
        var width = timeDimension
        for h in hidden {
            layers.append(Linear(inputs: width, outputs: h, rng: rng))
            layers.append(SiLU())
            width = h
        }
        layers.append(Linear(inputs: width, outputs: dataDimension, rng: rng))
        body = Sequential(layers)
        for p in body.parameters { p.name = "body." + p.name }
        parameters = time0.parameters + time1.parameters + label.parameters + input.parameters + body.parameters
    }

    /// The time branch for timesteps `t` ([B] as Float).
    func timeFeatures(_ t: Tensor, training: Bool) -> Tensor {
        time1.forward(timeActivation.forward(time0.forward(timeEmbedding.forward(t, training: training),
                                                           training: training), training: training),
                      training: training)
    }

    /// The label branch for class indices ([B] as Float; `classCount` is the null label).
    func labelFeatures(_ c: Tensor, training: Bool) -> Tensor {
        labelActivation.forward(label.forward(c, training: training), training: training)
    }

    /// ε̂ for standardised `x` ([B, d]), timesteps and class indices (each [B], as Float).
    public func forward(_ x: Tensor, timesteps: Tensor, labels: Tensor, training: Bool) -> Tensor {
        var h = input.forward(x, training: training)
        h += timeFeatures(timesteps, training: training)
        h += labelFeatures(labels, training: training)
        return body.forward(h, training: training)
    }

    /// Backward of the last ``forward(_:timesteps:labels:training:)``: adds every parameter's gradient.
    public func backward(_ g: Tensor) {
        let gh = body.backward(g)
        _ = input.backward(gh)
        _ = time0.backward(timeActivation.backward(time1.backward(gh)))
        _ = label.backward(labelActivation.backward(gh))
    }
}

// MARK: - Model

/// A class-conditional denoising diffusion model (DDPM, ε-prediction, L_simple) over feature vectors,
/// with classifier-free label dropout so the same network also predicts unconditionally.
///
/// ```swift
/// let model = try DiffusionModel(configuration: .init(steps: 4000), dataDimension: 10, classCount: 2, seed: 1)
/// let log = model.train(data: x, labels: y)                       // x: [n, 10] raw features
/// let (clean, curve) = model.denoise(noisy, noiseStandardDeviation: 0.5, clean: x)
/// try model.save(to: "gdm.safetensors")
/// ```
///
/// Features are standardised with the training mean and standard deviation (stored in the file).
public final class DiffusionModel {
    /// Hyper-parameters; defaults follow the TabDDPM recommendations for low-dimensional data.
    public struct Configuration: Sendable, Equatable {
        /// Diffusion steps T.
        public var timesteps = 1000
        public var schedule = DiffusionSchedule.Kind.cosine
        /// Width of the time and label embeddings (and of the input projection).
        public var timeDimension = 128
        /// Hidden widths of the SiLU MLP.
        public var hidden = [256, 256, 256]
        /// Probability that a training label is replaced by the null label.
        public var labelDropout = 0.1
        public var learningRate: Float = 1e-3
        public var weightDecay: Float = 1e-4
        public var batchSize = 512
        /// Optimiser steps.
        public var steps = 6000
        /// Decay of the exponential moving average of the weights (0 switches it off); the average
        /// (with the usual warm-up min(decay, (1 + k)/(10 + k))) replaces the weights after training.
        public var emaDecay = 0.999
        /// Global gradient-norm clip (0 switches it off).
        public var gradientClip: Float = 1
        /// Rows between two rows of the training log.
        public var logInterval = 100

        public init(timesteps: Int = 1000, schedule: DiffusionSchedule.Kind = .cosine, timeDimension: Int = 128,
                    hidden: [Int] = [256, 256, 256], labelDropout: Double = 0.1, learningRate: Float = 1e-3,
                    weightDecay: Float = 1e-4, batchSize: Int = 512, steps: Int = 6000, emaDecay: Double = 0.999,
                    gradientClip: Float = 1, logInterval: Int = 100) {
            self.timesteps = timesteps; self.schedule = schedule; self.timeDimension = timeDimension
            self.hidden = hidden; self.labelDropout = labelDropout; self.learningRate = learningRate
            self.weightDecay = weightDecay; self.batchSize = batchSize; self.steps = steps
            self.emaDecay = emaDecay; self.gradientClip = gradientClip; self.logInterval = logInterval
        }

        /// Throws ``DiffusionModelError/invalidConfiguration(_:)`` naming the first bad value.
        public func validate() throws {
            func bad(_ message: String) -> DiffusionModelError { .invalidConfiguration(message) }
            guard timesteps >= 2 else { throw bad("timesteps must be at least 2, got \(timesteps)") }
            guard timeDimension >= 2, timeDimension % 2 == 0 else {
                throw bad("time dimension must be an even number ≥ 2, got \(timeDimension)")
            }
            guard !hidden.isEmpty, hidden.allSatisfy({ $0 > 0 }) else { throw bad("hidden widths must be positive, got \(hidden)") }
            guard (0 ..< 1).contains(labelDropout) else { throw bad("label dropout must be in [0, 1), got \(labelDropout)") }
            guard learningRate > 0, learningRate.isFinite else { throw bad("learning rate must be positive, got \(learningRate)") }
            guard weightDecay >= 0 else { throw bad("weight decay must be ≥ 0, got \(weightDecay)") }
            guard batchSize > 0 else { throw bad("batch size must be positive, got \(batchSize)") }
            guard steps >= 0 else { throw bad("steps must be ≥ 0, got \(steps)") }
            guard (0 ..< 1).contains(emaDecay) else { throw bad("EMA decay must be in [0, 1), got \(emaDecay)") }
            guard gradientClip >= 0 else { throw bad("gradient clip must be ≥ 0, got \(gradientClip)") }
            guard logInterval > 0 else { throw bad("log interval must be positive, got \(logInterval)") }
        }
    }

    /// One row of the training log: the mean loss over the rows since the previous one.
    public struct LogRow: Sendable, Equatable {
        public var step: Int
        public var loss: Double
        public var seconds: Double
    }

    /// One step of a DDIM denoising run: RMSE to the clean features (standardised units) of the
    /// current iterate x_t/√ᾱ_t and of the network's x̂₀ prediction. Row 0 is the noisy input.
    public struct DenoisingStep: Sendable, Equatable {
        public var index: Int
        public var timestep: Int
        public var iterateRMSE: Double
        public var predictionRMSE: Double
    }

    public let configuration: Configuration
    public let dataDimension: Int
    public let classCount: Int
    public let seed: UInt64
    public let schedule: DiffusionSchedule
    public let network: DiffusionDenoiser
    /// Column means and standard deviations of the training data (1 where a column is constant).
    public internal(set) var standardizer: ColumnStandardizer
    public var mean: [Float] { standardizer.mean.values }
    public var standardDeviation: [Float] { standardizer.std.values }
    /// Feature names, saved with the model (may be empty).
    public var featureNames: [String] = []
    /// Extra string entries saved in the file's metadata (e.g. the classifier calibration).
    public var extraMetadata: [String: String] = [:]

    /// The null label index (= `classCount`).
    public var nullLabel: Int { classCount }

    public init(configuration: Configuration = .init(), dataDimension: Int, classCount: Int, seed: UInt64) throws {
        try configuration.validate()
        guard dataDimension > 0 else { throw DiffusionModelError.invalidConfiguration("data dimension must be positive") }
        guard classCount >= 1 else { throw DiffusionModelError.invalidConfiguration("at least one class is needed") }
        self.configuration = configuration
        self.dataDimension = dataDimension
        self.classCount = classCount
        self.seed = seed
        schedule = DiffusionSchedule(kind: configuration.schedule, steps: configuration.timesteps)
        network = DiffusionDenoiser(dataDimension: dataDimension, classCount: classCount,
                                    timeDimension: configuration.timeDimension, hidden: configuration.hidden,
                                    rng: RandomStreams(seed: seed).stream("gdm/init"))
        standardizer = ColumnStandardizer(identity: dataDimension)
    }

    // MARK: Standardisation

    /// Sets ``standardizer`` from the columns of `data` ([n, d]).
    public func fitStandardization(_ data: Tensor) {
        precondition(data.columns == dataDimension && data.shape[0] > 0)
        standardizer = ColumnStandardizer(fitting: data)
    }

    /// Raw features → standardised.
    public func standardize(_ x: Tensor) -> Tensor {
        precondition(x.columns == dataDimension, "DiffusionModel: expected \(dataDimension) features, got \(x.columns)")
        return standardizer.transform(x)
    }

    /// Standardised → raw features.
    public func destandardize(_ z: Tensor) -> Tensor { standardizer.inverse(z) }

    // MARK: Training

    /// Trains on raw features `data` ([n, d]) with class `labels` (0 ..< classCount): fits the
    /// standardisation, then runs `configuration.steps` AdamW steps of L_simple with uniform t,
    /// label dropout, gradient clipping and an EMA of the weights. Returns the loss log;
    /// `progress` sees each row as it is made.
    @discardableResult
    public func train(data: Tensor, labels: [Int], progress: ((LogRow) -> Void)? = nil) -> [LogRow] {
        let n = data.shape[0], d = dataDimension, cfg = configuration
        precondition(data.columns == d && labels.count == n && n > 0, "DiffusionModel.train: shapes")
        precondition(labels.allSatisfy { (0 ..< classCount).contains($0) }, "DiffusionModel.train: label outside 0..<\(classCount)")
        fitStandardization(data)
        let z = standardize(data)
        let streams = RandomStreams(seed: seed)
        let batches = MiniBatches(count: n, batchSize: min(cfg.batchSize, n), shuffle: true,
                                  rng: streams.stream("gdm/batches"))
        let noiseRNG = streams.stream("gdm/noise"), timeRNG = streams.stream("gdm/timesteps")
        let dropRNG = streams.stream("gdm/label-dropout")
        let params = network.parameters
        let optimizer = AdamW(parameters: params, learningRate: cfg.learningRate, weightDecay: cfg.weightDecay)
        var ema = params.map(\.value)
        let start = Date()
        var log: [LogRow] = []
        var pending: [[Int]] = []
        var lossSum = 0.0, lossCount = 0
        let signal = schedule.alphaBars.map { Float($0.squareRoot()) }
        let noiseScale = schedule.alphaBars.map { Float((1 - $0).squareRoot()) }
        for step in 0 ..< cfg.steps {
            if pending.isEmpty { pending = batches.nextEpoch().reversed() }
            let rows = pending.removeLast()
            let b = rows.count
            let x0 = MiniBatches.gather(rows: rows, from: z)
            var eps = Tensor.uninitialized([b, d])
            for i in 0 ..< eps.count { eps.values[i] = Float(noiseRNG.normal()) }
            var xt = Tensor.uninitialized([b, d])
            var tValues = [Float](repeating: 0, count: b), cValues = [Float](repeating: 0, count: b)
            for r in 0 ..< b {
                let t = timeRNG.integer(below: cfg.timesteps)
                tValues[r] = Float(t)
                let dropped = dropRNG.uniform() < cfg.labelDropout
                cValues[r] = Float(dropped ? nullLabel : labels[rows[r]])
                for c in 0 ..< d {
                    xt.values[r * d + c] = signal[t] * x0.values[r * d + c] + noiseScale[t] * eps.values[r * d + c]
                }
            }
            for p in params { p.zeroGradient() }
            let prediction = network.forward(xt, timesteps: Tensor(shape: [b], values: tValues),
                                             labels: Tensor(shape: [b], values: cValues), training: true)
            let (loss, g) = Loss.mse(prediction, eps)
            network.backward(g)
            if cfg.gradientClip > 0 { clipGradientNorm(params, maxNorm: cfg.gradientClip) }
            optimizer.step()
            if cfg.emaDecay > 0 {
                let k = Double(step)
                let decay = Float(min(cfg.emaDecay, (1 + k) / (10 + k)))
                for (i, p) in params.enumerated() {
                    ema[i].apply { $0 * decay }
                    ema[i].add(p.value, scale: 1 - decay)
                }
            }
            lossSum += Double(loss); lossCount += 1
            if (step + 1) % cfg.logInterval == 0 || step + 1 == cfg.steps {
                let row = LogRow(step: step + 1, loss: lossSum / Double(lossCount), seconds: Date().timeIntervalSince(start))
                log.append(row)
                progress?(row)
                lossSum = 0; lossCount = 0
            }
        }
        if cfg.emaDecay > 0, cfg.steps > 0 {
            for (i, p) in params.enumerated() { p.value = ema[i] }
        }
        return log
    }

    // MARK: Inference

    /// ε̂ for standardised x_t ([B, d]) at the given timesteps and class indices (``nullLabel`` for
    /// the unconditional prediction).
    public func predictNoise(_ xt: Tensor, timesteps: [Int], labels: [Int]) -> Tensor {
        network.forward(xt, timesteps: Tensor(shape: [timesteps.count], values: timesteps.map(Float.init)),
                        labels: Tensor(shape: [labels.count], values: labels.map(Float.init)), training: false)
    }

    /// Denoises raw measured features `noisy` ([n, d]) with deterministic DDIM (η = 0): the input is
    /// taken to carry additive Gaussian noise of `noiseStandardDeviation` (in standardised units), so
    /// it enters the reverse process at the step t* whose noise-to-signal ratio reaches it, scaled by
    /// √ᾱ_{t*}; `reverseSteps` evenly spaced steps run from t* to 0. `label` conditions every row
    /// (nil: the null label, i.e. unconditional). With `clean` ([n, d], raw) each step's RMSE to the
    /// clean features is reported. Returns the denoised raw features.
    public func denoise(_ noisy: Tensor, noiseStandardDeviation: Double, reverseSteps: Int = 10, label: Int? = nil,
                        clean: Tensor? = nil) -> (denoised: Tensor, steps: [DenoisingStep]) {
        let n = noisy.shape[0], d = dataDimension
        precondition(noisy.columns == d && reverseSteps >= 1 && noiseStandardDeviation > 0)
        let start = schedule.step(forNoiseRatio: noiseStandardDeviation)
        let count = min(reverseSteps, start + 1)
        // Evenly spaced timesteps from `start` down to 0 inclusive.
        let times: [Int] = count == 1 ? [start] : (0 ..< count).map { i in
            Int((Double(start) * Double(count - 1 - i) / Double(count - 1)).rounded())
        }
        let cleanZ = clean.map(standardize)
        func rmse(_ a: Tensor) -> Double {
            guard let c = cleanZ else { return .nan }
            var s = 0.0
            for i in 0 ..< a.count { let e = Double(a.values[i] - c.values[i]); s += e * e }
            return (s / Double(a.count)).squareRoot()
        }
        let y = standardize(noisy)
        var x = y.scaled(by: Float(schedule.alphaBars[start].squareRoot()))
        var trace = [DenoisingStep(index: 0, timestep: start, iterateRMSE: rmse(y), predictionRMSE: .nan)]
        let labels = [Int](repeating: label ?? nullLabel, count: n)
        for (i, t) in times.enumerated() {
            let eps = predictNoise(x, timesteps: [Int](repeating: t, count: n), labels: labels)
            let (a, s) = schedule.scales(t)
            var x0 = x
            x0.add(eps, scale: -s)
            x0 = x0.scaled(by: 1 / a)
            let next = i + 1 < times.count ? times[i + 1] : -1
            if next >= 0 {
                let (an, sn) = schedule.scales(next)
                x = x0.scaled(by: an)
                x.add(eps, scale: sn)
                trace.append(DenoisingStep(index: i + 1, timestep: next, iterateRMSE: rmse(x.scaled(by: 1 / an)),
                                           predictionRMSE: rmse(x0)))
            } else {
                x = x0
                trace.append(DenoisingStep(index: i + 1, timestep: -1, iterateRMSE: rmse(x0), predictionRMSE: rmse(x0)))
            }
        }
        return (destandardize(x), trace)
    }

    // MARK: Files

    /// Kind written to the file's metadata.
    public static let kind = "gdm"

    var configurationMetadata: [String: String] {
        let c = configuration
        var m: [String: String] = [
            "model": Self.kind, "data_dimension": "\(dataDimension)", "classes": "\(classCount)",
            "timesteps": "\(c.timesteps)", "schedule": c.schedule.rawValue, "time_dimension": "\(c.timeDimension)",
            "hidden": c.hidden.map(String.init).joined(separator: "-"), "label_dropout": "\(c.labelDropout)",
            "learning_rate": "\(c.learningRate)", "weight_decay": "\(c.weightDecay)", "batch_size": "\(c.batchSize)",
            "steps": "\(c.steps)", "ema_decay": "\(c.emaDecay)", "gradient_clip": "\(c.gradientClip)",
            "seed": "\(seed)", "features": featureNames.joined(separator: ","),
        ]
        for (k, v) in extraMetadata { m["extra." + k] = v }
        return m
    }

    private func statisticsParameters() -> [Parameter] {
        [Parameter(name: "standardizer.mean", value: Tensor(shape: [dataDimension], values: mean)),
         Parameter(name: "standardizer.std", value: Tensor(shape: [dataDimension], values: standardDeviation))]
    }

    /// Writes the (EMA) weights, the standardisation and the configuration as safetensors.
    public func save(to path: String) throws {
        try ModelCheckpoint.save(parameters: network.parameters + statisticsParameters(),
                                 configuration: configurationMetadata, to: path)
    }

    /// Reads a model written by ``save(to:)``.
    ///
    /// - Throws: ``DiffusionModelError/wrongModel(path:expected:found:)`` for another kind of model,
    ///   ``DiffusionModelError/badMetadata(path:key:value:)`` for an unreadable entry, or a
    ///   ``CheckpointError``.
    public static func load(from path: String) throws -> DiffusionModel {
        let (_, metadata) = try SafeTensors.load(path: path)
        let found = metadata["model"] ?? "nothing"
        guard found == kind else { throw DiffusionModelError.wrongModel(path: path, expected: kind, found: found) }
        func value<T: LosslessStringConvertible>(_ key: String, _: T.Type) throws -> T {
            guard let s = metadata[key], let v = T(s) else {
                throw DiffusionModelError.badMetadata(path: path, key: key, value: metadata[key])
            }
            return v
        }
        guard let scheduleName = metadata["schedule"], let schedule = DiffusionSchedule.Kind(rawValue: scheduleName) else {
            throw DiffusionModelError.badMetadata(path: path, key: "schedule", value: metadata["schedule"])
        }
        let hidden = (metadata["hidden"] ?? "").split(separator: "-").compactMap { Int($0) }
        let configuration = Configuration(
            timesteps: try value("timesteps", Int.self), schedule: schedule,
            timeDimension: try value("time_dimension", Int.self), hidden: hidden,
            labelDropout: try value("label_dropout", Double.self), learningRate: try value("learning_rate", Float.self),
            weightDecay: try value("weight_decay", Float.self), batchSize: try value("batch_size", Int.self),
            steps: try value("steps", Int.self), emaDecay: try value("ema_decay", Double.self),
            gradientClip: try value("gradient_clip", Float.self))
        let model = try DiffusionModel(configuration: configuration, dataDimension: try value("data_dimension", Int.self),
                                       classCount: try value("classes", Int.self), seed: try value("seed", UInt64.self))
        let names = metadata["features"] ?? ""
        model.featureNames = names.isEmpty ? [] : names.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for (k, v) in metadata where k.hasPrefix("extra.") { model.extraMetadata[String(k.dropFirst(6))] = v }
        let stats = model.statisticsParameters()
        var expected = metadata
        expected[ModelCheckpoint.versionKey] = nil
        try ModelCheckpoint.load(into: model.network.parameters + stats, expecting: expected, from: path)
        model.standardizer = ColumnStandardizer(mean: stats[0].value, std: stats[1].value)
        return model
    }
}

/// Why a generative model could not be built, trained or read.
public enum DiffusionModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case wrongModel(path: String, expected: String, found: String)
    case badMetadata(path: String, key: String, value: String?)

    public var description: String {
        switch self {
        case .invalidConfiguration(let m): return "invalid model configuration: \(m)"
        case .wrongModel(let path, let expected, let found):
            return "\(path): expected a '\(expected)' model, found '\(found)'"
        case .badMetadata(let path, let key, let value):
            return "\(path): metadata '\(key)' is \(value.map { "'\($0)'" } ?? "missing"), not a valid value"
        }
    }
}
