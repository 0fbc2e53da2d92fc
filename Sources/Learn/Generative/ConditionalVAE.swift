import Foundation
import SimCore

/// A conditional variational auto-encoder (Kingma & Welling 2014; β-VAE weighting, Higgins et
/// al. 2017) for numeric data, on standardised x and c:
///
///     encoder  (x ⊕ c) → hidden … → (μ, log σ²) ∈ R^{2L}        log σ² clamped to ±logVarianceLimit
///     z = μ + σ ⊙ ε, ε ~ N(0, I)                                (reparameterisation)
///     decoder  (z ⊕ c) → hidden … → x̂ ∈ R^d                     Gaussian decoder N(x̂, σ_x² I)
///
/// Loss per row, averaged over the batch: Σ_d (x − x̂)²/(2σ_x²) + β_t·KL(N(μ, σ²) ‖ N(0, I)),
/// KL = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), with the KL weight warmed up linearly,
/// β_t = β·min(1, t / klWarmupSteps) at step t = 1, 2, … (the model's lifetime step count).
/// One Adam optimiser (β1 0.9, β2 0.999) updates encoder and decoder together.
///
/// ```swift
/// let vae = try ConditionalVAE(configuration: .init(), dataDimension: 4, conditionDimension: 1, seed: 3)
/// try vae.train(x: features, c: conditions, steps: 10_000)
/// let cleaned = try vae.reconstruct(x: noisyFeatures, c: conditions)    // encoder mean → decoder mean
/// let fresh = try vae.sample(conditions: conditions, rng: RandomStreams(seed: 1).stream("vae/samples"))
/// ```
///
/// The same seed, data and call sequence give bit-identical weights; the same `rng` state gives
/// identical samples.
public final class ConditionalVAE {
    /// The `"model"` value in checkpoint metadata.
    public static let modelKind = "vae"

    /// Hidden-layer activation of encoder and decoder.
    public enum Activation: String, Sendable, Equatable, CaseIterable {
        case relu
        /// Leaky ReLU with negative slope 0.2.
        case leakyReLU = "leaky_relu"
        case silu
        case tanh

        func layer() -> any Layer {
            switch self {
            case .relu: return ReLU()
            case .leakyReLU: return LeakyReLU(slope: 0.2)
            case .silu: return SiLU()
            case .tanh: return Tanh()
            }
        }
    }

    /// Architecture and training hyper-parameters.
    public struct Configuration: Sendable, Equatable {
        /// Latent dimension L. Default 4; ≥ 1.
        public var latentDimension: Int
        /// Encoder hidden widths. Default [128, 128]; non-empty, each ≥ 1.
        public var encoderHidden: [Int]
        /// Decoder hidden widths. Default [128, 128]; non-empty, each ≥ 1.
        public var decoderHidden: [Int]
        /// Hidden activation. Default `.silu`.
        public var activation: Activation
        /// Target KL weight β (1: a proper density model; > 1: β-VAE). Default 1; finite, ≥ 0.
        public var beta: Double
        /// Steps over which the KL weight rises linearly from 0 to β (0: β from the start).
        /// Default 2000; ≥ 0.
        public var klWarmupSteps: Int
        /// Decoder standard deviation σ_x in standardised units (also the noise added by
        /// ``ConditionalVAE/sample(conditions:rng:addNoise:)``). Default 0.3; finite, > 0.
        public var reconstructionSigma: Double
        /// log σ² of the encoder is clamped to ±this. Default 10; finite, > 0.
        public var logVarianceLimit: Double
        /// Adam learning rate. Default 1e-3; finite, > 0.
        public var learningRate: Double
        /// Rows per batch (the whole data set when it has fewer rows). Default 256; ≥ 1.
        public var batchSize: Int
        /// One log row per this many steps (averages over the window). Default 1; ≥ 1.
        public var logInterval: Int

        public init(latentDimension: Int = 4, encoderHidden: [Int] = [128, 128], decoderHidden: [Int] = [128, 128],
                    activation: Activation = .silu, beta: Double = 1, klWarmupSteps: Int = 2000,
                    reconstructionSigma: Double = 0.3, logVarianceLimit: Double = 10, learningRate: Double = 1e-3,
                    batchSize: Int = 256, logInterval: Int = 1) {
            self.latentDimension = latentDimension
            self.encoderHidden = encoderHidden
            self.decoderHidden = decoderHidden
            self.activation = activation
            self.beta = beta
            self.klWarmupSteps = klWarmupSteps
            self.reconstructionSigma = reconstructionSigma
            self.logVarianceLimit = logVarianceLimit
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.logInterval = logInterval
        }

        /// Throws ``ConditionalModelError/invalidConfiguration(field:value:requirement:)`` for the
        /// first value out of range.
        public func validate() throws {
            func fail(_ field: String, _ value: Any, _ requirement: String) -> ConditionalModelError {
                .invalidConfiguration(field: field, value: "\(value)", requirement: requirement)
            }
            if latentDimension < 1 { throw fail("latentDimension", latentDimension, "must be ≥ 1") }
            if encoderHidden.isEmpty || encoderHidden.contains(where: { $0 < 1 }) {
                throw fail("encoderHidden", encoderHidden, "must be a non-empty list of widths ≥ 1")
            }
            if decoderHidden.isEmpty || decoderHidden.contains(where: { $0 < 1 }) {
                throw fail("decoderHidden", decoderHidden, "must be a non-empty list of widths ≥ 1")
            }
            if !(beta >= 0 && beta.isFinite) { throw fail("beta", beta, "must be finite and ≥ 0") }
            if klWarmupSteps < 0 { throw fail("klWarmupSteps", klWarmupSteps, "must be ≥ 0") }
            if !(reconstructionSigma > 0 && reconstructionSigma.isFinite) {
                throw fail("reconstructionSigma", reconstructionSigma, "must be finite and > 0")
            }
            if !(logVarianceLimit > 0 && logVarianceLimit.isFinite) {
                throw fail("logVarianceLimit", logVarianceLimit, "must be finite and > 0")
            }
            if !(learningRate > 0 && learningRate.isFinite) {
                throw fail("learningRate", learningRate, "must be finite and > 0")
            }
            if batchSize < 1 { throw fail("batchSize", batchSize, "must be ≥ 1") }
            if logInterval < 1 { throw fail("logInterval", logInterval, "must be ≥ 1") }
        }
    }

    /// One row of the training log: means over the steps of the logging window.
    public struct TrainingLogRow: Sendable, Equatable {
        /// Steps completed (over the model's life), at the end of the window.
        public var step: Int
        /// reconstruction + β_t·KL.
        public var totalLoss: Double
        /// Σ_d (x − x̂)²/(2σ_x²), mean over rows.
        public var reconstructionLoss: Double
        /// KL(q(z|x,c) ‖ N(0, I)), mean over rows.
        public var klDivergence: Double
        /// The KL weight β_t used.
        public var beta: Double
        /// Mean squared reconstruction error per element, in standardised units (through a sampled z).
        public var meanSquaredError: Double

        public static let csvHeader = "step,total_loss,reconstruction_loss,kl_divergence,beta,mse"
        public var csvLine: String {
            "\(step),\(totalLoss),\(reconstructionLoss),\(klDivergence),\(beta),\(meanSquaredError)"
        }
    }

    public let configuration: Configuration
    /// d: columns of x.
    public let dataDimension: Int
    /// k: columns of c (0 for an unconditional model).
    public let conditionDimension: Int
    /// The seed of the initial weights and of the training draws.
    public let seed: UInt64
    /// Training steps taken so far.
    public private(set) var stepsTrained = 0
    /// Standardisation of x, fitted by the first ``train(x:c:steps:progress:)`` call.
    public private(set) var dataStandardizer: ColumnStandardizer
    /// Standardisation of c, fitted with ``dataStandardizer``.
    public private(set) var conditionStandardizer: ColumnStandardizer
    /// True once the standardisers have been fitted.
    public private(set) var isStandardizerFitted = false

    let encoder: Sequential
    let decoder: Sequential
    private let optimizer: Adam
    private let batchRNG: RNGStream
    private let noiseRNG: RNGStream

    /// Encoder parameters (`encoder.0.weight`, …), then decoder parameters (`decoder.0.weight`, …).
    public var parameters: [Parameter] { encoder.parameters + decoder.parameters }

    /// A new model with weights drawn from the substreams `"vae/init/encoder"` and
    /// `"vae/init/decoder"` of `RandomStreams(seed:)`. Throws for an invalid configuration or
    /// dimension (dataDimension ≥ 1, conditionDimension ≥ 0).
    public init(configuration: Configuration = Configuration(), dataDimension: Int, conditionDimension: Int,
                seed: UInt64) throws {
        try configuration.validate()
        guard dataDimension >= 1 else {
            throw ConditionalModelError.invalidConfiguration(field: "dataDimension", value: "\(dataDimension)", requirement: "must be ≥ 1")
        }
        guard conditionDimension >= 0 else {
            throw ConditionalModelError.invalidConfiguration(field: "conditionDimension", value: "\(conditionDimension)",
                                                             requirement: "must be ≥ 0")
        }
        self.configuration = configuration
        self.dataDimension = dataDimension
        self.conditionDimension = conditionDimension
        self.seed = seed
        dataStandardizer = ColumnStandardizer(identity: dataDimension)
        conditionStandardizer = ColumnStandardizer(identity: conditionDimension)

        let streams = RandomStreams(seed: seed)
        func mlp(_ inputs: Int, _ widths: [Int], _ outputs: Int, _ name: String) -> Sequential {
            let rng = streams.stream("vae/init/\(name)")
            var layers: [any Layer] = []
            var n = inputs
            for w in widths {
                layers.append(Linear(inputs: n, outputs: w, rng: rng))
                layers.append(configuration.activation.layer())
                n = w
            }
            layers.append(Linear(inputs: n, outputs: outputs, rng: rng))
            let model = Sequential(layers)
            for p in model.parameters { p.name = "\(name).\(p.name)" }
            return model
        }
        let latent = configuration.latentDimension
        encoder = mlp(dataDimension + conditionDimension, configuration.encoderHidden, 2 * latent, "encoder")
        decoder = mlp(latent + conditionDimension, configuration.decoderHidden, dataDimension, "decoder")
        optimizer = Adam(parameters: encoder.parameters + decoder.parameters,
                         learningRate: Float(configuration.learningRate))
        batchRNG = streams.stream("vae/train/batches")
        noiseRNG = streams.stream("vae/train/noise")
    }

    // MARK: Training

    /// The KL weight β_t at (1-based) step `t`.
    public func klWeight(atStep t: Int) -> Double {
        let w = configuration.klWarmupSteps
        return w == 0 ? configuration.beta : configuration.beta * min(1, Double(t) / Double(w))
    }

    /// Trains for `steps` Adam steps on the rows of `x` (`[n, d]`) with conditions `c` (`[n, k]`;
    /// `[n, 0]` when k = 0). The first call fits the standardisers on this data; later calls keep
    /// them (and continue the optimiser state, warm-up and random streams). Returns the log rows
    /// (also passed to `progress` as they come).
    @discardableResult
    public func train(x: Tensor, c: Tensor, steps: Int, progress: ((TrainingLogRow) -> Void)? = nil) throws -> [TrainingLogRow] {
        guard steps >= 0 else {
            throw ConditionalModelError.invalidConfiguration(field: "steps", value: "\(steps)", requirement: "must be ≥ 0")
        }
        try GenerativeSupport.check(x, columns: dataDimension, what: "x")
        let n = x.shape[0]
        guard n > 0 else { throw ConditionalModelError.emptyData }
        try GenerativeSupport.check(c, columns: conditionDimension, rows: n, what: "c")
        let x2 = x.reshaped([n, dataDimension]), c2 = c.reshaped([n, conditionDimension])
        if !isStandardizerFitted {
            dataStandardizer = ColumnStandardizer(fitting: x2)
            conditionStandardizer = ColumnStandardizer(fitting: c2)
            isStandardizerFitted = true
        }
        let xs = dataStandardizer.transform(x2), cs = conditionStandardizer.transform(c2)

        let cfg = configuration
        let latent = cfg.latentDimension
        let limit = Float(cfg.logVarianceLimit)
        let inverseVariance = Float(1 / (cfg.reconstructionSigma * cfg.reconstructionSigma))
        let sampler = GenerativeBatchSampler(count: n, batchSize: cfg.batchSize, rng: batchRNG)
        var rows: [TrainingLogRow] = []
        var sums = (total: 0.0, reconstruction: 0.0, kl: 0.0, beta: 0.0, mse: 0.0)
        var count = 0

        for s in 0 ..< steps {
            let beta = Float(klWeight(atStep: stepsTrained + 1))
            optimizer.zeroGradients()
            let batch = sampler.nextBatch()
            let xb = MiniBatches.gather(rows: batch, from: xs)
            let cb = MiniBatches.gather(rows: batch, from: cs)
            let b = Float(batch.count)

            let encoded = encoder.forward(GenerativeSupport.concatenatingColumns(xb, cb), training: true)
            let mu = GenerativeSupport.columns(encoded, 0 ..< latent)
            let rawLogVariance = GenerativeSupport.columns(encoded, latent ..< 2 * latent)
            let logVariance = rawLogVariance.map { v in
                v.replacing(with: limit, where: v .> limit).replacing(with: -limit, where: v .< -limit)
            }
            let sigma = logVariance.map { Tensor.lanewise($0 * 0.5, Foundation.exp) }
            let epsilon = GenerativeSupport.gaussian(rows: batch.count, columns: latent, rng: noiseRNG)
            let z = mu + sigma * epsilon
            let reconstruction = decoder.forward(GenerativeSupport.concatenatingColumns(z, cb), training: true)

            let diff = reconstruction - xb
            let squaredError = Double((diff * diff).sum())
            let reconstructionLoss = squaredError * Double(inverseVariance) / 2 / Double(b)
            // Per element: −½(1 + log σ² − μ² − σ²); summed, then averaged over rows.
            let klTerms = logVariance.zipMap(mu) { lv, m in 0.5 * (m * m - 1 - lv) }.zipMap(sigma) { t, sd in t + 0.5 * sd * sd }
            let kl = Double(klTerms.sum()) / Double(b)

            // Backward: decoder, then the reparameterisation and KL terms, then the encoder.
            let dDecoderInput = decoder.backward(diff.scaled(by: inverseVariance / b))
            let dz = GenerativeSupport.columns(dDecoderInput, 0 ..< latent)
            let dMu = dz + mu.scaled(by: beta / b)
            let klScale = 0.5 * beta / b
            var dLogVariance = (dz * sigma * epsilon).scaled(by: 0.5)
            dLogVariance.add(sigma.map { klScale * ($0 * $0 - 1) })
            dLogVariance = dLogVariance.zipMap(rawLogVariance) { g, v in
                g.replacing(with: 0, where: (v .> limit) .| (v .< -limit))
            }
            _ = encoder.backward(GenerativeSupport.concatenatingColumns(dMu, dLogVariance))
            optimizer.step()
            stepsTrained += 1

            sums.total += reconstructionLoss + Double(beta) * kl
            sums.reconstruction += reconstructionLoss
            sums.kl += kl
            sums.beta += Double(beta)
            sums.mse += squaredError / Double(diff.count)
            count += 1
            if (s + 1) % cfg.logInterval == 0 || s == steps - 1 {
                let k = Double(count)
                let row = TrainingLogRow(step: stepsTrained, totalLoss: sums.total / k, reconstructionLoss: sums.reconstruction / k,
                                         klDivergence: sums.kl / k, beta: sums.beta / k, meanSquaredError: sums.mse / k)
                rows.append(row)
                progress?(row)
                sums = (0, 0, 0, 0, 0)
                count = 0
            }
        }
        return rows
    }

    /// ``train(x:c:steps:progress:)`` for tables of doubles (`c` may be `[]` when k = 0).
    @discardableResult
    public func train(x: [[Double]], c: [[Double]], steps: Int, progress: ((TrainingLogRow) -> Void)? = nil) throws -> [TrainingLogRow] {
        let xt = try GenerativeSupport.table(x, columns: dataDimension, expectedRows: nil, what: "x")
        let ct = try GenerativeSupport.table(c, columns: conditionDimension, expectedRows: x.count, what: "c")
        return try train(x: xt, c: ct, steps: steps, progress: progress)
    }

    // MARK: Inference

    /// Standardised `[n, d]` and `[n, k]` copies of validated data.
    private func standardized(x: Tensor, c: Tensor) throws -> (x: Tensor, c: Tensor) {
        try GenerativeSupport.check(x, columns: dataDimension, what: "x")
        let n = x.shape[0]
        try GenerativeSupport.check(c, columns: conditionDimension, rows: n, what: "c")
        return (dataStandardizer.transform(x.reshaped([n, dataDimension])),
                conditionStandardizer.transform(c.reshaped([n, conditionDimension])))
    }

    /// The encoder's posterior q(z | x, c): means and clamped log-variances, `[n, L]` each.
    public func encode(x: Tensor, c: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        let (xs, cs) = try standardized(x: x, c: c)
        let latent = configuration.latentDimension
        let limit = Float(configuration.logVarianceLimit)
        let encoded = encoder.forward(GenerativeSupport.concatenatingColumns(xs, cs), training: false)
        let logVariance = GenerativeSupport.columns(encoded, latent ..< 2 * latent).map { v in
            v.replacing(with: limit, where: v .> limit).replacing(with: -limit, where: v .< -limit)
        }
        return (GenerativeSupport.columns(encoded, 0 ..< latent), logVariance)
    }

    /// Denoising / reconstruction: encoder mean μ(x, c), then the decoder mean x̂(μ, c), in the
    /// data's units (`[n, d]`). Deterministic (no sampling).
    public func reconstruct(x: Tensor, c: Tensor) throws -> Tensor {
        let (_, cs) = try standardized(x: x, c: c)
        let (mu, _) = try encode(x: x, c: c)
        let out = decoder.forward(GenerativeSupport.concatenatingColumns(mu, cs), training: false)
        return dataStandardizer.inverse(out)
    }

    /// ``reconstruct(x:c:)`` for tables of doubles.
    public func reconstruct(x: [[Double]], c: [[Double]]) throws -> [[Double]] {
        let xt = try GenerativeSupport.table(x, columns: dataDimension, expectedRows: nil, what: "x")
        let ct = try GenerativeSupport.table(c, columns: conditionDimension, expectedRows: x.count, what: "c")
        return GenerativeSupport.rows(of: try reconstruct(x: xt, c: ct))
    }

    /// One sample per row of `conditions` (`[n, k]`, data units): z ~ N(0, I) (`[n, L]`, row-major
    /// from `rng`), the decoder mean, plus σ_x·ε (`[n, d]`, drawn from `rng` after all of z) when
    /// `addNoise`. Returns `[n, d]` in the data's units.
    public func sample(conditions: Tensor, rng: RNGStream, addNoise: Bool = true) throws -> Tensor {
        try GenerativeSupport.check(conditions, columns: conditionDimension, what: "conditions")
        let n = conditions.shape[0]
        let c = conditionStandardizer.transform(conditions.reshaped([n, conditionDimension]))
        let z = GenerativeSupport.gaussian(rows: n, columns: configuration.latentDimension, rng: rng)
        var out = decoder.forward(GenerativeSupport.concatenatingColumns(z, c), training: false)
        if addNoise {
            out.add(GenerativeSupport.gaussian(rows: n, columns: dataDimension, rng: rng),
                    scale: Float(configuration.reconstructionSigma))
        }
        return dataStandardizer.inverse(out)
    }

    /// ``sample(conditions:rng:addNoise:)`` for a table of doubles.
    public func sample(conditions: [[Double]], rng: RNGStream, addNoise: Bool = true) throws -> [[Double]] {
        let c = try GenerativeSupport.table(conditions, columns: conditionDimension, expectedRows: nil, what: "conditions")
        return GenerativeSupport.rows(of: try sample(conditions: c, rng: rng, addNoise: addNoise))
    }

    /// `count` unconditional samples (only for k = 0).
    public func sample(count: Int, rng: RNGStream, addNoise: Bool = true) throws -> Tensor {
        guard conditionDimension == 0 else {
            throw ConditionalModelError.shapeMismatch(what: "sample(count:)", expected: "an unconditional model (k = 0)",
                                                      found: "k = \(conditionDimension)")
        }
        return try sample(conditions: Tensor.zeros([max(count, 0), 0]), rng: rng, addNoise: addNoise)
    }

    // MARK: Checkpoints

    /// The checkpoint metadata: the model kind, dimensions, seed, progress and every configuration value.
    var checkpointMetadata: [String: String] {
        let c = configuration
        return [
            "model": Self.modelKind,
            "data_dimension": "\(dataDimension)",
            "condition_dimension": "\(conditionDimension)",
            "seed": "\(seed)",
            "steps_trained": "\(stepsTrained)",
            "standardizer_fitted": "\(isStandardizerFitted)",
            "latent_dimension": "\(c.latentDimension)",
            "encoder_hidden": GenerativeSupport.widthsString(c.encoderHidden),
            "decoder_hidden": GenerativeSupport.widthsString(c.decoderHidden),
            "activation": c.activation.rawValue,
            "beta": "\(c.beta)",
            "kl_warmup_steps": "\(c.klWarmupSteps)",
            "reconstruction_sigma": "\(c.reconstructionSigma)",
            "log_variance_limit": "\(c.logVarianceLimit)",
            "learning_rate": "\(c.learningRate)",
            "batch_size": "\(c.batchSize)",
            "log_interval": "\(c.logInterval)",
        ]
    }

    /// Writes encoder and decoder weights, the standardisers (`x_mean`, `x_std`, `c_mean`,
    /// `c_std`) and the configuration (metadata, `"model": "vae"`) to a safetensors file through
    /// ``ModelCheckpoint``. Optimiser moments and random-stream positions are not saved.
    public func save(to path: String) throws {
        let standardizers = GenerativeSupport.standardizerParameters(x: dataStandardizer, c: conditionStandardizer)
        try ModelCheckpoint.save(parameters: parameters + standardizers, configuration: checkpointMetadata, to: path)
    }

    /// A model read back from ``save(to:)``. Throws
    /// ``ConditionalModelError/wrongModelKind(path:expected:found:)`` for another model's file and
    /// ``CheckpointError`` / ``SafeTensorsError`` for damaged files. Reconstructions and samples
    /// match the saved model exactly; further training starts with fresh optimiser moments and
    /// random streams (the warm-up continues from the saved step count).
    public static func load(from path: String) throws -> ConditionalVAE {
        let m = try GenerativeSupport.metadata(path: path, kind: modelKind)
        typealias S = GenerativeSupport
        let activationName = try S.string(m, "activation", path: path)
        guard let activation = Activation(rawValue: activationName) else {
            throw ConditionalModelError.invalidCheckpoint(path: path, reason: "unknown activation \"\(activationName)\"")
        }
        let configuration = Configuration(
            latentDimension: try S.int(m, "latent_dimension", path: path),
            encoderHidden: try S.widths(m, "encoder_hidden", path: path),
            decoderHidden: try S.widths(m, "decoder_hidden", path: path),
            activation: activation,
            beta: try S.double(m, "beta", path: path),
            klWarmupSteps: try S.int(m, "kl_warmup_steps", path: path),
            reconstructionSigma: try S.double(m, "reconstruction_sigma", path: path),
            logVarianceLimit: try S.double(m, "log_variance_limit", path: path),
            learningRate: try S.double(m, "learning_rate", path: path),
            batchSize: try S.int(m, "batch_size", path: path),
            logInterval: try S.int(m, "log_interval", path: path))
        let model = try ConditionalVAE(configuration: configuration,
                                       dataDimension: try S.int(m, "data_dimension", path: path),
                                       conditionDimension: try S.int(m, "condition_dimension", path: path),
                                       seed: try S.uint64(m, "seed", path: path))
        let steps = try S.int(m, "steps_trained", path: path)
        let fitted = try S.bool(m, "standardizer_fitted", path: path)
        let standardizers = S.standardizerParameters(x: model.dataStandardizer, c: model.conditionStandardizer)
        try ModelCheckpoint.load(into: model.parameters + standardizers, expecting: m, from: path)
        (model.dataStandardizer, model.conditionStandardizer) = try S.standardizers(standardizers, path: path)
        model.stepsTrained = steps
        model.isStandardizerFitted = fitted
        return model
    }
}
