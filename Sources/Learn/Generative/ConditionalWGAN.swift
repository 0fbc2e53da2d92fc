import Foundation
import SimCore

/// A conditional Wasserstein GAN with gradient penalty (Gulrajani et al. 2017) for numeric data:
/// a generator G(z ⊕ c) → x and a critic D(x ⊕ c) → score, both MLPs with leaky-ReLU hidden
/// layers and linear outputs, trained on standardised data.
///
/// Losses, per batch of B rows (real x with conditions c, fake x̃ = G(z ⊕ c) for the same c,
/// z ~ N(0, I), and x̂ = u·x + (1 − u)·x̃ with u ~ U[0, 1] per row):
///
///     critic:     L_D = mean D(x̃ ⊕ c) − mean D(x ⊕ c) + λ·mean (‖∇D(x̂ ⊕ c)‖ − 1)²
///     generator:  L_G = −mean D(G(z ⊕ c) ⊕ c)
///
/// `criticIterations` critic updates precede every generator update; one training *step* is one
/// generator update. The gradient of the penalty with respect to the critic's weights (a
/// second-order derivative) is computed in closed form, which is exact because the critic's
/// activations are piecewise linear (see ``WGANCritic`` and docs/learn-generative.md). By default
/// the penalty uses the gradient with respect to the critic's whole input x ⊕ c
/// (`penalizeConditionGradient: false` restricts it to the data columns x). Samples come from an
/// exponential moving average of the generator's weights (`generatorAverageDecay`, 0 = off).
///
/// ```swift
/// let gan = try ConditionalWGAN(configuration: .init(), dataDimension: 3, conditionDimension: 2, seed: 7)
/// let log = try gan.train(x: features, c: conditions, steps: 20_000) { row in print(row.csvLine) }
/// let fake = try gan.sample(conditions: wanted, rng: RandomStreams(seed: 1).stream("samples"))
/// try gan.save(to: "gan.safetensors")
/// let again = try ConditionalWGAN.load(from: "gan.safetensors")
/// ```
///
/// Everything is deterministic: the same seed, data and call sequence give bit-identical weights,
/// and the same `rng` state gives identical samples.
public final class ConditionalWGAN {
    /// The `"model"` value in checkpoint metadata.
    public static let modelKind = "gan"

    /// Architecture and training hyper-parameters (defaults from the WGAN-GP paper's recipe).
    public struct Configuration: Sendable, Equatable {
        /// Dimension of the generator's noise z ~ N(0, I). Default 8; ≥ 1.
        public var latentDimension: Int
        /// Hidden widths of the generator (z ⊕ c → … → x). Default [128, 128]; non-empty, each ≥ 1.
        public var generatorHidden: [Int]
        /// Hidden widths of the critic (x ⊕ c → … → 1). Default [128, 128]; non-empty, each ≥ 1.
        public var criticHidden: [Int]
        /// Negative slope of the leaky ReLUs (0 = ReLU). Default 0.2; in [0, 1).
        public var leakySlope: Double
        /// Gradient-penalty weight λ. Default 10; finite, ≥ 0.
        public var penaltyWeight: Double
        /// Critic updates per generator update (n_critic). Default 5; ≥ 1.
        public var criticIterations: Int
        /// Adam learning rate of both networks. Default 1e-4; finite, > 0.
        public var learningRate: Double
        /// Adam β1. Default 0; in [0, 1).
        public var beta1: Double
        /// Adam β2. Default 0.9; in [0, 1).
        public var beta2: Double
        /// Rows per batch (the whole data set when it has fewer rows). Default 256; ≥ 1.
        public var batchSize: Int
        /// The gradient penalty uses the critic's gradient with respect to its whole input x ⊕ c
        /// (true) or to the data part x only (false, the textbook conditional form). Default true:
        /// on the two-class test problem the x-only penalty, which leaves the critic unconstrained
        /// across conditions, trained far less reliably (see docs/learn-generative.md).
        public var penalizeConditionGradient: Bool
        /// Decay of an exponential moving average of the generator's weights, used for sampling
        /// (0 = off: sample from the trained generator itself). At generator step t the average
        /// moves with decay min(decay, (1 + t)/(10 + t)), so early averages are not dominated by
        /// the initial weights. Averaging damps the oscillation of GAN training. Default 0.999;
        /// in [0, 1).
        public var generatorAverageDecay: Double
        /// One log row per this many steps (averages over the window). Default 1; ≥ 1.
        public var logInterval: Int

        public init(latentDimension: Int = 8, generatorHidden: [Int] = [128, 128], criticHidden: [Int] = [128, 128],
                    leakySlope: Double = 0.2, penaltyWeight: Double = 10, criticIterations: Int = 5,
                    learningRate: Double = 1e-4, beta1: Double = 0, beta2: Double = 0.9,
                    batchSize: Int = 256, penalizeConditionGradient: Bool = true, generatorAverageDecay: Double = 0.999,
                    logInterval: Int = 1) {
            self.latentDimension = latentDimension
            self.generatorHidden = generatorHidden
            self.criticHidden = criticHidden
            self.leakySlope = leakySlope
            self.penaltyWeight = penaltyWeight
            self.criticIterations = criticIterations
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.batchSize = batchSize
            self.penalizeConditionGradient = penalizeConditionGradient
            self.generatorAverageDecay = generatorAverageDecay
            self.logInterval = logInterval
        }

        /// Throws ``ConditionalModelError/invalidConfiguration(field:value:requirement:)`` for the
        /// first value out of range.
        public func validate() throws {
            func fail(_ field: String, _ value: Any, _ requirement: String) -> ConditionalModelError {
                .invalidConfiguration(field: field, value: "\(value)", requirement: requirement)
            }
            if latentDimension < 1 { throw fail("latentDimension", latentDimension, "must be ≥ 1") }
            if generatorHidden.isEmpty || generatorHidden.contains(where: { $0 < 1 }) {
                throw fail("generatorHidden", generatorHidden, "must be a non-empty list of widths ≥ 1")
            }
            if criticHidden.isEmpty || criticHidden.contains(where: { $0 < 1 }) {
                throw fail("criticHidden", criticHidden, "must be a non-empty list of widths ≥ 1")
            }
            if !(leakySlope >= 0 && leakySlope < 1) { throw fail("leakySlope", leakySlope, "must be in [0, 1)") }
            if !(penaltyWeight >= 0 && penaltyWeight.isFinite) {
                throw fail("penaltyWeight", penaltyWeight, "must be finite and ≥ 0")
            }
            if criticIterations < 1 { throw fail("criticIterations", criticIterations, "must be ≥ 1") }
            if !(learningRate > 0 && learningRate.isFinite) {
                throw fail("learningRate", learningRate, "must be finite and > 0")
            }
            if !(beta1 >= 0 && beta1 < 1) { throw fail("beta1", beta1, "must be in [0, 1)") }
            if !(beta2 >= 0 && beta2 < 1) { throw fail("beta2", beta2, "must be in [0, 1)") }
            if batchSize < 1 { throw fail("batchSize", batchSize, "must be ≥ 1") }
            if !(generatorAverageDecay >= 0 && generatorAverageDecay < 1) {
                throw fail("generatorAverageDecay", generatorAverageDecay, "must be in [0, 1)")
            }
            if logInterval < 1 { throw fail("logInterval", logInterval, "must be ≥ 1") }
        }
    }

    /// One row of the training log: means over the steps of the logging window (over all critic
    /// updates for the critic columns).
    public struct TrainingLogRow: Sendable, Equatable {
        /// Generator steps completed (over the model's life), at the end of the window.
        public var step: Int
        /// L_D including the penalty.
        public var criticLoss: Double
        /// L_G = −mean D(fake).
        public var generatorLoss: Double
        /// λ·mean (‖∇D‖ − 1)².
        public var gradientPenalty: Double
        /// mean D(real) − mean D(fake): the critic's estimate of the Wasserstein-1 distance (in
        /// standardised units).
        public var wassersteinEstimate: Double

        public static let csvHeader = "step,critic_loss,generator_loss,gradient_penalty,wasserstein_estimate"
        public var csvLine: String { "\(step),\(criticLoss),\(generatorLoss),\(gradientPenalty),\(wassersteinEstimate)" }
    }

    public let configuration: Configuration
    /// d: columns of the data x.
    public let dataDimension: Int
    /// k: columns of the condition c (0 for an unconditional model).
    public let conditionDimension: Int
    /// The seed of the initial weights and of the training draws.
    public let seed: UInt64
    /// Generator steps taken so far.
    public private(set) var stepsTrained = 0
    /// Standardisation of x, fitted by the first ``train(x:c:steps:progress:)`` call.
    public private(set) var dataStandardizer: ColumnStandardizer
    /// Standardisation of c, fitted with ``dataStandardizer``.
    public private(set) var conditionStandardizer: ColumnStandardizer
    /// True once the standardisers have been fitted.
    public private(set) var isStandardizerFitted = false

    let generator: Sequential
    /// The moving average of the generator's weights (nil when `generatorAverageDecay` is 0).
    let averagedGenerator: Sequential?
    let critic: WGANCritic
    private let generatorOptimizer: Adam
    private let criticOptimizer: Adam
    private let batchRNG: RNGStream
    private let latentRNG: RNGStream
    private let interpolationRNG: RNGStream

    /// Generator parameters, named `generator.0.weight`, `generator.0.bias`, `generator.2.weight`, …
    public var generatorParameters: [Parameter] { generator.parameters }
    /// The averaged generator's parameters (`generator_average.0.weight`, …; empty when averaging is off).
    public var averagedGeneratorParameters: [Parameter] { averagedGenerator?.parameters ?? [] }
    /// Critic parameters, named `critic.0.weight`, … (the output layer last).
    public var criticParameters: [Parameter] { critic.parameters }

    /// A new model with weights drawn from the substreams `"gan/init/generator"` and
    /// `"gan/init/critic"` of `RandomStreams(seed:)`. Throws for an invalid configuration or
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
        let slope = Float(configuration.leakySlope)
        func makeGenerator(_ name: String) -> Sequential {
            // The average starts as a copy: both draw from the same stream name.
            let rng = streams.stream("gan/init/generator")
            var layers: [any Layer] = []
            var width = configuration.latentDimension + conditionDimension
            for h in configuration.generatorHidden {
                layers.append(Linear(inputs: width, outputs: h, rng: rng))
                layers.append(LeakyReLU(slope: slope))
                width = h
            }
            layers.append(Linear(inputs: width, outputs: dataDimension, rng: rng))
            let model = Sequential(layers)
            for p in model.parameters { p.name = "\(name).\(p.name)" }
            return model
        }
        generator = makeGenerator("generator")
        averagedGenerator = configuration.generatorAverageDecay > 0 ? makeGenerator("generator_average") : nil
        critic = WGANCritic(inputs: dataDimension + conditionDimension, hidden: configuration.criticHidden, slope: slope,
                            rng: streams.stream("gan/init/critic"))

        let lr = Float(configuration.learningRate)
        generatorOptimizer = Adam(parameters: generator.parameters, learningRate: lr,
                                  beta1: configuration.beta1, beta2: configuration.beta2)
        criticOptimizer = Adam(parameters: critic.parameters, learningRate: lr,
                               beta1: configuration.beta1, beta2: configuration.beta2)
        batchRNG = streams.stream("gan/train/batches")
        latentRNG = streams.stream("gan/train/latent")
        interpolationRNG = streams.stream("gan/train/interpolation")
    }

    // MARK: Training

    /// Trains for `steps` generator updates (each after `criticIterations` critic updates) on the
    /// rows of `x` (`[n, d]`) with conditions `c` (`[n, k]`; `[n, 0]` when k = 0). The first call
    /// fits the standardisers on this data; later calls keep them (and continue the optimiser
    /// state and random streams). Returns the log rows (also passed to `progress` as they come).
    @discardableResult
    public func train(x: Tensor, c: Tensor, steps: Int, progress: ((TrainingLogRow) -> Void)? = nil) throws -> [TrainingLogRow] {
        let (xs, cs) = try prepareTrainingData(x: x, c: c, steps: steps)
        let cfg = configuration
        let d = dataDimension
        let penalized = cfg.penalizeConditionGradient ? d + conditionDimension : d
        let lambda = Float(cfg.penaltyWeight)
        let sampler = GenerativeBatchSampler(count: xs.rows, batchSize: cfg.batchSize, rng: batchRNG)
        var rows: [TrainingLogRow] = []
        var sums = (critic: 0.0, generator: 0.0, penalty: 0.0, wasserstein: 0.0)
        var criticCount = 0, generatorCount = 0

        for s in 0 ..< steps {
            for _ in 0 ..< cfg.criticIterations {
                criticOptimizer.zeroGradients()
                let batch = sampler.nextBatch()
                let xb = MiniBatches.gather(rows: batch, from: xs)
                let cb = MiniBatches.gather(rows: batch, from: cs)
                let b = batch.count
                let z = GenerativeSupport.gaussian(rows: b, columns: cfg.latentDimension, rng: latentRNG)
                let fake = generator.forward(GenerativeSupport.concatenatingColumns(z, cb), training: true)
                var interpolated = fake
                for r in 0 ..< b {
                    let u = Float(interpolationRNG.uniform())
                    for j in 0 ..< d {
                        let i = r * d + j
                        interpolated.values[i] = u * xb.values[i] + (1 - u) * fake.values[i]
                    }
                }
                let result = critic.accumulateLossGradients(
                    real: GenerativeSupport.concatenatingColumns(xb, cb),
                    fake: GenerativeSupport.concatenatingColumns(fake, cb),
                    interpolated: GenerativeSupport.concatenatingColumns(interpolated, cb),
                    penalizedColumns: penalized, penaltyWeight: lambda)
                criticOptimizer.step()
                sums.critic += Double(result.loss)
                sums.penalty += Double(result.penalty)
                sums.wasserstein += Double(result.wasserstein)
                criticCount += 1
            }

            generatorOptimizer.zeroGradients()
            let batch = sampler.nextBatch()
            let cb = MiniBatches.gather(rows: batch, from: cs)
            let b = batch.count
            let z = GenerativeSupport.gaussian(rows: b, columns: cfg.latentDimension, rng: latentRNG)
            let fake = generator.forward(GenerativeSupport.concatenatingColumns(z, cb), training: true)
            let (scores, pre) = critic.forward(GenerativeSupport.concatenatingColumns(fake, cb))
            let gScores = Tensor(shape: [b, 1], repeating: -1 / Float(b))
            // The critic's parameter gradients picked up here are cleared before its next update.
            let dInput = critic.backward(gScores, preActivations: pre)
            _ = generator.backward(GenerativeSupport.columns(dInput, 0 ..< d))
            generatorOptimizer.step()
            if let averaged = averagedGenerator {
                let t = Double(stepsTrained)
                let rate = Float(1 - min(cfg.generatorAverageDecay, (1 + t) / (10 + t)))
                for (a, p) in zip(averaged.parameters, generator.parameters) {
                    a.value.add(p.value - a.value, scale: rate)       // a ← a + (1 − decay)(p − a)
                }
            }
            sums.generator += -Double(scores.mean())
            generatorCount += 1
            stepsTrained += 1

            if (s + 1) % cfg.logInterval == 0 || s == steps - 1 {
                let nc = Double(criticCount), ng = Double(generatorCount)
                let row = TrainingLogRow(step: stepsTrained, criticLoss: sums.critic / nc, generatorLoss: sums.generator / ng,
                                         gradientPenalty: sums.penalty / nc, wassersteinEstimate: sums.wasserstein / nc)
                rows.append(row)
                progress?(row)
                sums = (0, 0, 0, 0)
                criticCount = 0
                generatorCount = 0
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

    /// Validates the data, fits the standardisers on the first call, and returns standardised copies.
    private func prepareTrainingData(x: Tensor, c: Tensor, steps: Int) throws -> (Tensor, Tensor) {
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
        return (dataStandardizer.transform(x2), conditionStandardizer.transform(c2))
    }

    // MARK: Sampling

    /// One sample x per row of `conditions` (`[n, k]`, in the data's units), drawing the noise
    /// z ~ N(0, I) row by row from `rng`, through the averaged generator when
    /// `generatorAverageDecay` > 0 (else the trained generator). Returns `[n, d]` in the data's units.
    public func sample(conditions: Tensor, rng: RNGStream) throws -> Tensor {
        try GenerativeSupport.check(conditions, columns: conditionDimension, what: "conditions")
        let n = conditions.shape[0]
        let c = conditionStandardizer.transform(conditions.reshaped([n, conditionDimension]))
        let z = GenerativeSupport.gaussian(rows: n, columns: configuration.latentDimension, rng: rng)
        let out = (averagedGenerator ?? generator).forward(GenerativeSupport.concatenatingColumns(z, c), training: false)
        return dataStandardizer.inverse(out)
    }

    /// ``sample(conditions:rng:)`` for a table of doubles.
    public func sample(conditions: [[Double]], rng: RNGStream) throws -> [[Double]] {
        let c = try GenerativeSupport.table(conditions, columns: conditionDimension, expectedRows: nil, what: "conditions")
        return GenerativeSupport.rows(of: try sample(conditions: c, rng: rng))
    }

    /// `count` unconditional samples (only for k = 0).
    public func sample(count: Int, rng: RNGStream) throws -> Tensor {
        guard conditionDimension == 0 else {
            throw ConditionalModelError.shapeMismatch(what: "sample(count:)", expected: "an unconditional model (k = 0)",
                                                      found: "k = \(conditionDimension)")
        }
        return try sample(conditions: Tensor.zeros([max(count, 0), 0]), rng: rng)
    }

    /// The critic's scores D(x ⊕ c) (`[n, 1]`) for data and conditions in the data's units.
    public func criticScores(x: Tensor, c: Tensor) throws -> Tensor {
        try GenerativeSupport.check(x, columns: dataDimension, what: "x")
        let n = x.shape[0]
        try GenerativeSupport.check(c, columns: conditionDimension, rows: n, what: "c")
        let input = GenerativeSupport.concatenatingColumns(dataStandardizer.transform(x.reshaped([n, dataDimension])),
                                                           conditionStandardizer.transform(c.reshaped([n, conditionDimension])))
        return critic.forward(input).scores
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
            "generator_hidden": GenerativeSupport.widthsString(c.generatorHidden),
            "critic_hidden": GenerativeSupport.widthsString(c.criticHidden),
            "leaky_slope": "\(c.leakySlope)",
            "penalty_weight": "\(c.penaltyWeight)",
            "critic_iterations": "\(c.criticIterations)",
            "learning_rate": "\(c.learningRate)",
            "generator_average_decay": "\(c.generatorAverageDecay)",
            "beta1": "\(c.beta1)",
            "beta2": "\(c.beta2)",
            "batch_size": "\(c.batchSize)",
            "penalize_condition_gradient": "\(c.penalizeConditionGradient)",
            "log_interval": "\(c.logInterval)",
        ]
    }

    /// Writes generator and critic weights, the standardisers (`x_mean`, `x_std`, `c_mean`,
    /// `c_std`) and the configuration (metadata, `"model": "gan"`) to a safetensors file through
    /// ``ModelCheckpoint``. Optimiser moments and random-stream positions are not saved.
    public func save(to path: String) throws {
        let standardizers = GenerativeSupport.standardizerParameters(x: dataStandardizer, c: conditionStandardizer)
        try ModelCheckpoint.save(parameters: generator.parameters + averagedGeneratorParameters + critic.parameters + standardizers,
                                 configuration: checkpointMetadata, to: path)
    }

    /// A model read back from ``save(to:)``. Throws
    /// ``ConditionalModelError/wrongModelKind(path:expected:found:)`` for another model's file and
    /// ``CheckpointError`` / ``SafeTensorsError`` for damaged files. Sampling matches the saved
    /// model exactly; further training starts with fresh optimiser moments and random streams.
    public static func load(from path: String) throws -> ConditionalWGAN {
        let m = try GenerativeSupport.metadata(path: path, kind: modelKind)
        typealias S = GenerativeSupport
        let configuration = Configuration(
            latentDimension: try S.int(m, "latent_dimension", path: path),
            generatorHidden: try S.widths(m, "generator_hidden", path: path),
            criticHidden: try S.widths(m, "critic_hidden", path: path),
            leakySlope: try S.double(m, "leaky_slope", path: path),
            penaltyWeight: try S.double(m, "penalty_weight", path: path),
            criticIterations: try S.int(m, "critic_iterations", path: path),
            learningRate: try S.double(m, "learning_rate", path: path),
            beta1: try S.double(m, "beta1", path: path),
            beta2: try S.double(m, "beta2", path: path),
            batchSize: try S.int(m, "batch_size", path: path),
            penalizeConditionGradient: try S.bool(m, "penalize_condition_gradient", path: path),
            generatorAverageDecay: try S.double(m, "generator_average_decay", path: path),
            logInterval: try S.int(m, "log_interval", path: path))
        let model = try ConditionalWGAN(configuration: configuration,
                                        dataDimension: try S.int(m, "data_dimension", path: path),
                                        conditionDimension: try S.int(m, "condition_dimension", path: path),
                                        seed: try S.uint64(m, "seed", path: path))
        let steps = try S.int(m, "steps_trained", path: path)
        let fitted = try S.bool(m, "standardizer_fitted", path: path)
        let standardizers = S.standardizerParameters(x: model.dataStandardizer, c: model.conditionStandardizer)
        try ModelCheckpoint.load(into: model.generator.parameters + model.averagedGeneratorParameters + model.critic.parameters + standardizers,
                                 expecting: m, from: path)
        (model.dataStandardizer, model.conditionStandardizer) = try S.standardizers(standardizers, path: path)
        model.stepsTrained = steps
        model.isStandardizerFitted = fitted
        return model
    }
}

// MARK: - Critic with the closed-form gradient penalty

/// The WGAN critic: D(v) = w_outᵀ h_L + b_out with h_l = φ(a_l), a_l = W_l h_{l−1} + b_l, h_0 = v
/// and φ the leaky ReLU of negative slope α, so φ'(a) = m ∈ {1, α} and φ'' = 0 off the kinks.
///
/// **Input gradient.** With u_L = m_L ⊙ w_out and u_{l−1} = m_{l−1} ⊙ (W_lᵀ u_l), the input
/// gradient is g = ∇_v D = W_1ᵀ u_1 — ordinary backpropagation of 1 through the network with the
/// masks held fixed. In batch form (rows = samples) U_{l−1} = (U_l·W_l) ⊙ M_{l−1}, G = U_1·W_1.
///
/// **Penalty gradient.** P = λ/B Σ_i (‖P g_i‖ − 1)² where P keeps the penalised columns. With the
/// masks fixed, g is a *linear* network run backwards, multilinear in (W_1 … W_L, w_out), so
/// backpropagating r_i = ∂P/∂g_i = (2λ/B)(‖P g_i‖ − 1)·P g_i/‖P g_i‖ through it gives, with s_0 = r,
///
///     ∂P/∂W_l  += u_l s_{l−1}ᵀ,     s_l = m_l ⊙ (W_l s_{l−1})      (l = 1 … L)
///     ∂P/∂w_out += s_L,             ∂P/∂b_l = ∂P/∂b_out = 0
///
/// summed over the batch: ∂W_l += U_lᵀ·S_{l−1} and S_l = (S_{l−1}·W_lᵀ) ⊙ M_l — two sgemm calls
/// per layer. (For two hidden layers this is the recipe's u2, v1, u1, g, r, s1 sequence.)
final class WGANCritic {
    let hidden: [Linear]
    let output: Linear
    let slope: Float

    var parameters: [Parameter] { hidden.flatMap(\.parameters) + output.parameters }

    /// Layers named `critic.0`, `critic.2`, … (the indices `Sequential` would give with the
    /// activations in between), initialised from `rng` in that order.
    init(inputs: Int, hidden widths: [Int], slope: Float, rng: RNGStream) {
        precondition(!widths.isEmpty, "WGANCritic: needs at least one hidden layer")
        var layers: [Linear] = []
        var n = inputs
        for (i, w) in widths.enumerated() {
            layers.append(Linear(inputs: n, outputs: w, name: "critic.\(2 * i)", rng: rng))
            n = w
        }
        hidden = layers
        output = Linear(inputs: n, outputs: 1, name: "critic.\(2 * widths.count)", rng: rng)
        self.slope = slope
    }

    /// Scores `[B, 1]` and each hidden layer's pre-activation `[B, H_l]`.
    func forward(_ input: Tensor) -> (scores: Tensor, preActivations: [Tensor]) {
        let s = slope
        var h = input
        var pre: [Tensor] = []
        pre.reserveCapacity(hidden.count)
        for layer in hidden {
            let a = layer.forward(h, training: true)
            pre.append(a)
            h = a.map { $0.replacing(with: $0 * s, where: $0 .< 0) }
        }
        return (output.forward(h, training: true), pre)
    }

    /// Backward pass of the last ``forward(_:)`` for ∂L/∂scores `g`: adds into the parameter
    /// gradients and returns ∂L/∂input.
    func backward(_ g: Tensor, preActivations pre: [Tensor]) -> Tensor {
        let s = slope
        var d = output.backward(g)
        for (layer, a) in zip(hidden, pre).reversed() {
            d = d.zipMap(a) { gv, av in gv.replacing(with: gv * s, where: av .< 0) }
            d = layer.backward(d)
        }
        return d
    }

    /// The leaky-ReLU slopes φ'(a): 1 where a ≥ 0, α below.
    private func masks(_ pre: [Tensor]) -> [Tensor] {
        let s = slope
        return pre.map { a in a.map { SIMD16<Float>(repeating: 1).replacing(with: s, where: $0 .< 0) } }
    }

    /// Input gradients G = ∇_v D for every row of `input` (`[B, inputs]`), with the U_l and masks
    /// that produced them (see the type's documentation).
    func inputGradients(_ input: Tensor) -> (g: Tensor, u: [Tensor], masks: [Tensor]) {
        let b = input.rows
        let (_, pre) = forward(input)
        let m = masks(pre)
        let layers = hidden.count
        var u = [Tensor](repeating: Tensor.zeros([0]), count: layers)
        u[layers - 1] = GenerativeSupport.multiplyingRows(m[layers - 1], by: output.weight.value.reshaped([output.inputs]))
        for l in stride(from: layers - 1, to: 0, by: -1) {
            var v = Tensor.uninitialized([b, hidden[l].inputs])
            Tensor.matmul(u[l], hidden[l].weight.value, into: &v)          // [B, H_l]·[H_l, H_{l−1}]
            u[l - 1] = v * m[l - 1]
        }
        var g = Tensor.uninitialized([b, hidden[0].inputs])
        Tensor.matmul(u[0], hidden[0].weight.value, into: &g)              // [B, H_1]·[H_1, inputs]
        return (g, u, m)
    }

    /// Adds ∂P/∂θ of P = λ/B Σ_i (‖g_i[0 ..< penalizedColumns]‖ − 1)² at the rows of `input` into
    /// the parameter gradients and returns P. (Runs its own forward pass.)
    @discardableResult
    func accumulatePenaltyGradients(_ input: Tensor, penalizedColumns p: Int, weight lambda: Float) -> Float {
        let b = input.rows, n = input.columns
        precondition(p >= 1 && p <= n, "WGANCritic: penalised columns \(p) of \(n)")
        let (g, u, m) = inputGradients(input)
        var r = Tensor.zeros([b, n])
        var penalty = 0.0
        let coefficient = 2 * Double(lambda) / Double(b)
        for i in 0 ..< b {
            var sq = 0.0
            for j in 0 ..< p { let v = Double(g.values[i * n + j]); sq += v * v }
            let norm = sq.squareRoot()
            penalty += (norm - 1) * (norm - 1)
            guard norm > 0 else { continue }   // (‖g‖ − 1)² has no gradient at g = 0; take 0
            let factor = Float(coefficient * (norm - 1) / norm)
            for j in 0 ..< p { r.values[i * n + j] = factor * g.values[i * n + j] }
        }
        var s = r
        for l in 0 ..< hidden.count {
            Tensor.matmul(u[l], s, transposeA: true, beta: 1, into: &hidden[l].weight.gradient)   // += U_lᵀ·S_{l−1}
            var t = Tensor.uninitialized([b, hidden[l].outputs])
            Tensor.matmul(s, hidden[l].weight.value, transposeB: true, into: &t)                  // S_{l−1}·W_lᵀ
            s = t * m[l]
        }
        s.accumulateColumnSums(into: &output.weight.gradient)
        return Float(Double(lambda) * penalty / Double(b))
    }

    /// Adds the gradient of L_D = mean D(fake) − mean D(real) + P(interpolated) and returns
    /// (L_D, mean D(real) − mean D(fake), P). All three inputs are full critic inputs (x ⊕ c).
    func accumulateLossGradients(real: Tensor, fake: Tensor, interpolated: Tensor, penalizedColumns: Int,
                                 penaltyWeight: Float) -> (loss: Float, wasserstein: Float, penalty: Float) {
        let nr = real.rows, nf = fake.rows
        let both = Tensor(shape: [nr + nf, real.columns], values: real.values + fake.values)
        let (scores, pre) = forward(both)
        var meanReal = 0.0, meanFake = 0.0
        for i in 0 ..< nr { meanReal += Double(scores.values[i]) }
        for i in nr ..< nr + nf { meanFake += Double(scores.values[i]) }
        meanReal /= Double(nr)
        meanFake /= Double(nf)
        var g = Tensor.uninitialized([nr + nf, 1])
        for i in 0 ..< nr { g.values[i] = -1 / Float(nr) }
        for i in nr ..< nr + nf { g.values[i] = 1 / Float(nf) }
        _ = backward(g, preActivations: pre)
        let penalty = penaltyWeight > 0
            ? accumulatePenaltyGradients(interpolated, penalizedColumns: penalizedColumns, weight: penaltyWeight) : 0
        let w = Float(meanReal - meanFake)
        return (-w + penalty, w, penalty)
    }
}
