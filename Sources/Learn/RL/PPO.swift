import Foundation
import SimCore

/// PPO's settings. The defaults are CleanRL `ppo.py`'s (discrete actions); the presets hold the
/// settings this project uses for each environment (see docs/rl.md for where they come from).
public struct PPOConfiguration: Sendable, Equatable, Codable {
    /// Environment copies stepped together.
    public var environments = 4
    /// Steps per copy in one rollout (the batch is environments × rolloutSteps).
    public var rolloutSteps = 128
    /// Mini-batches per epoch (the batch is shuffled once per epoch and split).
    public var minibatches = 4
    /// Passes over each batch.
    public var epochs = 4
    public var learningRate: Float = 2.5e-4
    /// Linear decay of the learning rate over the run: iteration i (from 1) uses lr·(1 − (i − 1)/iterations).
    public var annealLearningRate = true
    public var gamma = 0.99
    public var gaeLambda = 0.95
    public var clip = 0.2
    /// Anneal the clip range like the learning rate (RL Zoo's `lin_0.2`).
    public var annealClip = false
    /// Clip the value loss around the rollout values (CleanRL's `clip_vloss`); nil for plain MSE.
    public var valueClip: Double? = 0.2
    public var entropyCoefficient = 0.01
    public var valueCoefficient = 0.5
    public var maxGradientNorm: Float = 0.5
    public var normalizeAdvantages = true
    /// Running mean/std observation normalisation, clipped to ±observationClip.
    public var normalizeObservations = false
    public var observationClip: Float = 10
    /// Divide rewards by the running std of the discounted return, clipped to ±rewardClip.
    public var normalizeRewards = false
    public var rewardClip = 10.0
    /// Stop an update's epochs early once the approximate KL exceeds this.
    public var targetKL: Double? = nil
    public var hidden = [64, 64]
    public var adamEpsilon: Float = 1e-5
    /// Initial log standard deviation of a Gaussian policy.
    public var initialLogStd: Float = 0
    /// Episodes in the sliding window of rewards.csv's smoothed return.
    public var smoothingWindow = 20

    public init() {}

    public var batchSize: Int { environments * rolloutSteps }
    public var minibatchSize: Int { batchSize / minibatches }

    /// CleanRL `ppo.py` (CartPole-v1's defaults there).
    public static let cleanRL = PPOConfiguration()

    /// RL Baselines3 Zoo's tuned CartPole-v1 settings: 8 copies × 32 steps, one mini-batch of 256,
    /// 20 epochs, γ 0.98, λ 0.8, learning rate 1e-3 and clip 0.2 both decayed linearly, no entropy
    /// bonus, no value clipping. Solves CartPole within 100,000 steps.
    public static var cartPole: PPOConfiguration {
        var c = PPOConfiguration()
        c.environments = 8; c.rolloutSteps = 32; c.minibatches = 1; c.epochs = 20
        c.gamma = 0.98; c.gaeLambda = 0.8; c.learningRate = 1e-3; c.annealClip = true
        c.entropyCoefficient = 0; c.valueClip = nil
        return c
    }

    /// Pendulum-v1 with a plain Gaussian policy: 4 copies × 1024 steps, 64 mini-batches of 64,
    /// 10 epochs, γ 0.9, λ 0.95, learning rate 1e-3 (annealed), observation and reward normalisation
    /// (RL Zoo's Pendulum settings without gSDE). Above −300 within 300,000 steps for seeds 1–3.
    public static var pendulum: PPOConfiguration {
        var c = PPOConfiguration()
        c.environments = 4; c.rolloutSteps = 1024; c.minibatches = 64; c.epochs = 10
        c.gamma = 0.9; c.gaeLambda = 0.95; c.learningRate = 1e-3
        c.entropyCoefficient = 0; c.valueClip = nil
        c.normalizeObservations = true; c.normalizeRewards = true
        return c
    }

    /// Stable-Baselines3's `PPO()` defaults: 1 copy × 2048 steps, mini-batches of 64, 10 epochs,
    /// learning rate 3e-4 constant, no value clipping, no entropy bonus.
    public static var stableBaselines3: PPOConfiguration {
        var c = PPOConfiguration()
        c.environments = 1; c.rolloutSteps = 2048; c.minibatches = 32; c.epochs = 10
        c.learningRate = 3e-4; c.annealLearningRate = false; c.entropyCoefficient = 0; c.valueClip = nil
        return c
    }

    /// CleanRL `ppo_continuous_action.py` (continuous control defaults).
    public static var cleanRLContinuous: PPOConfiguration {
        var c = PPOConfiguration()
        c.environments = 1; c.rolloutSteps = 2048; c.minibatches = 32; c.epochs = 10
        c.learningRate = 3e-4; c.entropyCoefficient = 0
        c.normalizeObservations = true; c.normalizeRewards = true
        return c
    }

    /// Checks the settings; the message names the setting at fault.
    public func validate() throws {
        func fail(_ m: String) -> PPOError { PPOError.invalidConfiguration(m) }
        guard environments > 0 else { throw fail("environments must be at least 1, found \(environments)") }
        guard rolloutSteps > 0 else { throw fail("rollout steps must be at least 1, found \(rolloutSteps)") }
        guard minibatches > 0, batchSize % minibatches == 0 else {
            throw fail("mini-batches (\(minibatches)) must divide the batch of \(environments) × \(rolloutSteps) = \(batchSize)")
        }
        guard minibatchSize >= 2 || !normalizeAdvantages else { throw fail("advantage normalisation needs mini-batches of at least 2") }
        guard epochs > 0 else { throw fail("epochs must be at least 1, found \(epochs)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learning rate must be positive, found \(learningRate)") }
        guard (0 ... 1).contains(gamma), (0 ... 1).contains(gaeLambda) else { throw fail("gamma and lambda must lie in [0, 1]") }
        guard clip > 0 else { throw fail("clip must be positive, found \(clip)") }
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 > 0 }) else { throw fail("hidden layer sizes must be positive, found \(hidden)") }
        guard smoothingWindow > 0 else { throw fail("smoothing window must be at least 1") }
    }

    /// The settings as text (checkpoint metadata).
    var metadata: [String: String] {
        [
            "environments": "\(environments)", "rollout_steps": "\(rolloutSteps)", "minibatches": "\(minibatches)",
            "epochs": "\(epochs)", "learning_rate": "\(learningRate)", "anneal_learning_rate": "\(annealLearningRate)",
            "gamma": "\(gamma)", "gae_lambda": "\(gaeLambda)", "clip": "\(clip)", "anneal_clip": "\(annealClip)",
            "value_clip": valueClip.map { "\($0)" } ?? "none", "entropy_coefficient": "\(entropyCoefficient)",
            "value_coefficient": "\(valueCoefficient)", "max_gradient_norm": "\(maxGradientNorm)",
            "normalize_advantages": "\(normalizeAdvantages)", "normalize_observations": "\(normalizeObservations)",
            "observation_clip": "\(observationClip)", "normalize_rewards": "\(normalizeRewards)", "reward_clip": "\(rewardClip)",
            "target_kl": targetKL.map { "\($0)" } ?? "none", "hidden": hidden.map(String.init).joined(separator: "-"),
            "adam_epsilon": "\(adamEpsilon)", "initial_log_std": "\(initialLogStd)", "smoothing_window": "\(smoothingWindow)",
        ]
    }

    init(metadata m: [String: String], path: String) throws {
        func value<T: LosslessStringConvertible>(_ key: String) throws -> T {
            guard let s = m[key], let v = T(s) else { throw PPOError.badCheckpoint(path: path, reason: "metadata '\(key)' is missing or unreadable") }
            return v
        }
        func optional(_ key: String) throws -> Double? {
            guard let s = m[key] else { throw PPOError.badCheckpoint(path: path, reason: "metadata '\(key)' is missing") }
            if s == "none" { return nil }
            guard let v = Double(s) else { throw PPOError.badCheckpoint(path: path, reason: "metadata '\(key)' is unreadable: \(s)") }
            return v
        }
        self.init()
        environments = try value("environments"); rolloutSteps = try value("rollout_steps"); minibatches = try value("minibatches")
        epochs = try value("epochs"); learningRate = try value("learning_rate"); annealLearningRate = try value("anneal_learning_rate")
        gamma = try value("gamma"); gaeLambda = try value("gae_lambda"); clip = try value("clip"); annealClip = try value("anneal_clip")
        valueClip = try optional("value_clip"); entropyCoefficient = try value("entropy_coefficient")
        valueCoefficient = try value("value_coefficient"); maxGradientNorm = try value("max_gradient_norm")
        normalizeAdvantages = try value("normalize_advantages"); normalizeObservations = try value("normalize_observations")
        observationClip = try value("observation_clip"); normalizeRewards = try value("normalize_rewards")
        rewardClip = try value("reward_clip"); targetKL = try optional("target_kl")
        guard let h = m["hidden"] else { throw PPOError.badCheckpoint(path: path, reason: "metadata 'hidden' is missing") }
        hidden = try h.split(separator: "-").map {
            guard let v = Int($0) else { throw PPOError.badCheckpoint(path: path, reason: "metadata 'hidden' is unreadable: \(h)") }
            return v
        }
        adamEpsilon = try value("adam_epsilon"); initialLogStd = try value("initial_log_std")
        smoothingWindow = try value("smoothing_window")
    }
}

public enum PPOError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case badCheckpoint(path: String, reason: String)
    case incompatibleCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let m): "PPO settings: \(m)"
        case .badCheckpoint(let p, let r): "\(p): not a PPO checkpoint of this version: \(r)"
        case .incompatibleCheckpoint(let p, let r): "\(p): the checkpoint does not fit this environment: \(r)"
        }
    }
}

/// What one PPO iteration (rollout + update) measured; one row of rewards.csv.
public struct PPOIterationStats: Sendable, Equatable {
    public var iteration: Int
    /// Environment steps so far (all copies).
    public var environmentSteps: Int
    /// Seconds since training started (wall clock).
    public var wallTime: Double
    /// Mean raw return of the episodes that ended in this iteration (nil when none did).
    public var meanEpisodeReturn: Double?
    /// Mean raw return of the last `smoothingWindow` episodes so far (nil before the first).
    public var smoothedReturn: Double?
    /// Episodes finished so far.
    public var episodes: Int
    /// Sum of every raw reward so far, over all copies.
    public var cumulativeReward: Double
    /// Mean raw reward per step in this iteration's rollout.
    public var meanStepReward: Double
    public var learningRate: Float
    public var clip: Double
    /// Means over the update's mini-batches.
    public var policyLoss: Double
    public var valueLoss: Double
    public var entropy: Double
    public var approximateKL: Double
    public var clipFraction: Double
    /// 1 − Var(returns − values)/Var(returns) over the batch.
    public var explainedVariance: Double
    /// Global gradient norm before clipping, mean over mini-batches.
    public var gradientNorm: Double
}

/// Proximal Policy Optimisation (Schulman et al. 2017) as CleanRL writes it, with the details of
/// ../shared/reference/ml/ppo.md: vectorised copies, GAE with value bootstrap (truncated episodes
/// bootstrap from the final observation's value, as Stable-Baselines3 does; terminated ones do not),
/// per-mini-batch advantage normalisation (unbiased std + 1e-8), clipped surrogate, optionally clipped
/// value loss, entropy bonus, one Adam (eps 1e-5) over both networks, global gradient clipping,
/// linear learning-rate annealing, observation and reward normalisation, checkpoints and resume.
///
/// The update runs the actor's and the critic's passes on two threads and OpenBLAS on one thread
/// during each iteration (restored afterwards).
///
/// Randomness: the networks' initialisation uses the stream `ppo/init`, iteration i's action
/// sampling and shuffling the stream `ppo/iteration-i`, resets `vector-env/resets` — all from `seed`.
/// The same seed, settings and environments give the same run bit for bit.
///
/// ```swift
/// let trainer = try PPOTrainer(environments: (0..<8).map { _ in CartPole() }, configuration: .cartPole,
///                              totalSteps: 100_000, seed: 1)
/// while let stats = trainer.trainIteration() { print(stats.smoothedReturn ?? 0) }
/// ```
public final class PPOTrainer {
    public let configuration: PPOConfiguration
    public let policy: ActorCritic
    public let optimizer: Adam
    public let vector: VectorEnvironment
    public let seed: UInt64
    /// Iterations in the whole run (the learning-rate schedule's length).
    public let totalIterations: Int
    /// Iterations done.
    public private(set) var iteration = 0
    public private(set) var observationStatistics: RunningMeanStd?
    public private(set) var returnStatistics: RunningMeanStd?
    /// Every iteration's statistics so far.
    public private(set) var history: [PPOIterationStats] = []
    private var cumulativeReward = 0.0
    private var discountedReturns: [Double]
    /// Steps done before a resume (added to the vector's own count).
    private var stepOffset = 0
    private var episodeOffset = 0
    private var wallOffset = 0.0

    /// A trainer for `totalSteps` environment steps (rounded down to whole iterations, at least one).
    /// `environments.count` must equal `configuration.environments`.
    public convenience init(environments: [any RLEnvironment], configuration: PPOConfiguration, totalSteps: Int, seed: UInt64) throws {
        try self.init(environments: environments, configuration: configuration, totalSteps: totalSteps, seed: seed, resetSeed: seed)
    }

    private init(environments: [any RLEnvironment], configuration: PPOConfiguration, totalSteps: Int, seed: UInt64,
                 resetSeed: UInt64) throws {
        try configuration.validate()
        guard environments.count == configuration.environments else {
            throw PPOError.invalidConfiguration("\(environments.count) environments given, the settings ask for \(configuration.environments)")
        }
        guard totalSteps >= configuration.batchSize else {
            throw PPOError.invalidConfiguration("total steps \(totalSteps) is less than one rollout of \(configuration.batchSize)")
        }
        self.configuration = configuration
        self.seed = seed
        totalIterations = totalSteps / configuration.batchSize
        vector = VectorEnvironment(environments, seed: resetSeed)
        policy = ActorCritic(observationSize: vector.observationSize, actionSpace: vector.actionSpace, hidden: configuration.hidden,
                             initialLogStd: configuration.initialLogStd, rng: RandomStreams(seed: seed).stream("ppo/init"))
        optimizer = Adam(parameters: policy.parameters, learningRate: configuration.learningRate, eps: configuration.adamEpsilon)
        if configuration.normalizeObservations {
            var stats = RunningMeanStd(size: vector.observationSize)
            stats.update(vector.observations.flatMap { $0 }, rows: vector.count)
            observationStatistics = stats
        }
        if configuration.normalizeRewards { returnStatistics = RunningMeanStd(size: 1) }
        discountedReturns = [Double](repeating: 0, count: vector.count)
    }

    /// Environment steps taken so far.
    public var environmentSteps: Int { stepOffset + vector.steps }
    /// Finished episodes (this session's; see ``EpisodeRecord``).
    public var episodes: [EpisodeRecord] { vector.episodes }
    public var isFinished: Bool { iteration >= totalIterations }

    /// Observations as the policy sees them (normalised with the current statistics when enabled).
    public func policyInput(_ raw: [Float], rows: Int) -> Tensor {
        var x = raw
        observationStatistics?.normalize(&x, clip: configuration.observationClip)
        return Tensor(shape: [rows, policy.observationSize], values: x)
    }

    /// The action for one raw observation: the policy's mean or argmax with `deterministic`,
    /// else a sample from `rng`. Box actions are clipped to their bounds.
    public func act(_ observation: [Float], deterministic: Bool = true, rng: RNGStream? = nil) -> [Float] {
        let outputs = policy.policyOutputs(policyInput(observation, rows: 1))
        var action = outputs.values.withUnsafeBufferPointer { policy.sample(outputs: $0, rng: rng, deterministic: deterministic).action }
        if case .box(let low, let high) = policy.actionSpace {
            for j in action.indices { action[j] = min(max(action[j], low[j]), high[j]) }
        }
        return action
    }

    /// Runs whole episodes of `environment` from each seed with the deterministic policy and returns
    /// their raw returns (the policy and normalisers are not changed).
    public func evaluate(_ environment: any RLEnvironment, seeds: [UInt64], maxSteps: Int = 1_000_000) -> [Double] {
        seeds.map { seed in
            var observation = environment.reset(seed: seed)
            var total = 0.0
            for _ in 0 ..< maxSteps {
                let r = environment.step(act(observation))
                total += r.reward
                if r.done { break }
                observation = r.observation
            }
            return total
        }
    }

    /// One rollout and one update; nil once the run's iterations are done.
    @discardableResult
    public func trainIteration() -> PPOIterationStats? {
        guard !isFinished else { return nil }
        // The matrices are small and the actor and critic already run on two threads of their own:
        // OpenBLAS's threads would only contend with them (a 50× slow-down measured), so use one.
        let blasThreads = BLAS.threads
        if blasThreads != 1 { BLAS.setThreads(1) }
        defer { if blasThreads != 1 { BLAS.setThreads(blasThreads) } }
        iteration += 1
        let c = configuration
        let fraction = c.annealLearningRate ? 1 - Double(iteration - 1) / Double(totalIterations) : 1
        let lr = Float(Double(c.learningRate) * fraction)
        let clip = c.annealClip ? c.clip * (1 - Double(iteration - 1) / Double(totalIterations)) : c.clip
        optimizer.learningRate = lr
        let rng = RandomStreams(seed: seed).stream("ppo/iteration-\(iteration)")
        let episodesBefore = vector.episodes.count

        // Rollout: T steps of N copies, stored time-major ([t][env]).
        let n = vector.count, steps = c.rolloutSteps, d = policy.observationSize, a = policy.actionSpace.actionSize
        var observations = [Float](), actions = [Float]()
        observations.reserveCapacity(steps * n * d); actions.reserveCapacity(steps * n * a)
        var logps = [Double](), values = [Double](), rewards = [Double](), nextValues = [Double](repeating: 0, count: steps * n)
        var ends = [Bool](repeating: false, count: steps * n)
        var rawRewardSum = 0.0
        var input = policyInput(vector.observations.flatMap { $0 }, rows: n)
        for t in 0 ..< steps {
            let outputs = policy.policyOutputs(input)
            let v = policy.values(input)
            var stepActions: [[Float]] = []
            stepActions.reserveCapacity(n)
            outputs.values.withUnsafeBufferPointer { o in
                let w = outputs.columns
                for i in 0 ..< n {
                    let s = policy.sample(outputs: UnsafeBufferPointer(rebasing: o[(i * w) ..< ((i + 1) * w)]), rng: rng, deterministic: false)
                    stepActions.append(s.action)
                    logps.append(s.logProbability)
                }
            }
            observations += input.values
            for i in 0 ..< n { actions += stepActions[i]; values.append(Double(v.values[i])) }
            let transitions = vector.step(stepActions)
            var truncatedRows: [Int] = [], truncatedObservations: [Float] = []
            for (i, tr) in transitions.enumerated() {
                rawRewardSum += tr.reward
                var r = tr.reward
                if var stats = returnStatistics {
                    // Each copy's discounted return joins the shared statistics as it arrives (copy by
                    // copy, step by step). A batch update of all copies at once (VecNormalize's order)
                    // was tried: Pendulum seed 2 then collapsed from above −300 to −799 late in the run.
                    discountedReturns[i] = discountedReturns[i] * c.gamma + tr.reward
                    stats.update(scalars: [discountedReturns[i]])
                    returnStatistics = stats
                    r = min(max(r / (stats.variance[0] + 1e-8).squareRoot(), -c.rewardClip), c.rewardClip)
                    if tr.terminated || tr.truncated { discountedReturns[i] = 0 }
                }
                rewards.append(r)
                if tr.terminated || tr.truncated { ends[t * n + i] = true }
                if tr.truncated && !tr.terminated, let final = tr.finalObservation {
                    truncatedRows.append(i)
                    truncatedObservations += final
                }
            }
            if var stats = observationStatistics {
                stats.update(vector.observations.flatMap { $0 }, rows: n)
                observationStatistics = stats
            }
            if !truncatedRows.isEmpty {
                // A time limit is not a terminal state: bootstrap from the final observation's value.
                let finalValues = policy.values(policyInput(truncatedObservations, rows: truncatedRows.count))
                for (k, i) in truncatedRows.enumerated() { nextValues[t * n + i] = Double(finalValues.values[k]) }
            }
            input = policyInput(vector.observations.flatMap { $0 }, rows: n)
            if t > 0 {
                for i in 0 ..< n where !ends[(t - 1) * n + i] { nextValues[(t - 1) * n + i] = values[t * n + i] }
            }
        }
        let bootstrap = policy.values(input)
        for i in 0 ..< n where !ends[(steps - 1) * n + i] { nextValues[(steps - 1) * n + i] = Double(bootstrap.values[i]) }
        cumulativeReward += rawRewardSum

        // GAE per copy, then flattened back time-major.
        var advantages = [Double](repeating: 0, count: steps * n), returns = advantages
        for i in 0 ..< n {
            let idx = (0 ..< steps).map { $0 * n + i }
            let g = GAE.compute(rewards: idx.map { rewards[$0] }, values: idx.map { values[$0] },
                                nextValues: idx.map { nextValues[$0] }, episodeEnds: idx.map { ends[$0] },
                                gamma: c.gamma, lambda: c.gaeLambda)
            for (k, j) in idx.enumerated() { advantages[j] = g.advantages[k]; returns[j] = g.returns[k] }
        }

        // Update: epochs × mini-batches of a fresh permutation each epoch.
        let batch = steps * n, mb = c.minibatchSize
        var sums = (policy: 0.0, value: 0.0, entropy: 0.0, kl: 0.0, clipFraction: 0.0, norm: 0.0), updates = 0
        var order = Array(0 ..< batch)
        epochs: for _ in 0 ..< c.epochs {
            for k in stride(from: batch - 1, to: 0, by: -1) { order.swapAt(k, rng.integer(below: k + 1)) }
            var lastKL = 0.0
            for m in 0 ..< c.minibatches {
                let rows = Array(order[(m * mb) ..< ((m + 1) * mb)])
                var x = [Float](repeating: 0, count: mb * d), act = [Float](repeating: 0, count: mb * a)
                for (r, j) in rows.enumerated() {
                    for q in 0 ..< d { x[r * d + q] = observations[j * d + q] }
                    for q in 0 ..< a { act[r * a + q] = actions[j * a + q] }
                }
                var adv = rows.map { advantages[$0] }
                if c.normalizeAdvantages {
                    let mean = adv.reduce(0, +) / Double(mb)
                    let std = (adv.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(mb - 1)).squareRoot()
                    adv = adv.map { ($0 - mean) / (std + 1e-8) }
                }
                optimizer.zeroGradients()
                let obs = Tensor(shape: [mb, d], values: x)
                let oldLogps = rows.map { logps[$0] }, batchReturns = rows.map { returns[$0] }
                let oldValues = c.valueClip == nil ? nil : rows.map { values[$0] }
                // The actor and the critic are separate networks: their forward and backward passes run
                // on two threads (each result depends only on its own network, so runs stay bit-identical).
                var pg = PPOLoss.Policy(loss: 0, gradient: [], clipFraction: 0, approximateKL: 0)
                var entropies: [Double] = []
                var vl = (loss: 0.0, gradient: [Double]())
                let policy = self.policy
                runConcurrently({
                    let outputs = policy.policyOutputs(obs)
                    let (newLogps, h) = policy.logProbabilities(outputs: outputs, actions: act)
                    pg = PPOLoss.clippedSurrogate(newLogProbabilities: newLogps, oldLogProbabilities: oldLogps,
                                                  advantages: adv, clip: clip)
                    entropies = h
                    let gOut = policy.policyGradient(outputs: outputs, actions: act, weights: pg.gradient,
                                                     entropyWeight: -c.entropyCoefficient)
                    _ = policy.actor.backward(gOut)
                }, {
                    let v = policy.values(obs)
                    vl = PPOLoss.value(predictions: v.values.map(Double.init), returns: batchReturns,
                                       oldValues: oldValues, clip: c.valueClip)
                    let gV = Tensor(shape: [mb, 1], values: vl.gradient.map { Float($0 * c.valueCoefficient) })
                    _ = policy.critic.backward(gV)
                })
                let norm = clipGradientNorm(policy.parameters, maxNorm: c.maxGradientNorm)
                optimizer.step()
                sums.policy += pg.loss; sums.value += vl.loss; sums.entropy += entropies.reduce(0, +) / Double(mb)
                sums.kl += pg.approximateKL; sums.clipFraction += pg.clipFraction; sums.norm += Double(norm)
                updates += 1
                lastKL = pg.approximateKL
            }
            if let target = c.targetKL, lastKL > target { break epochs }
        }

        let residual = zip(returns, values).map { $0 - $1 }
        func variance(_ x: [Double]) -> Double {
            let m = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
        }
        let varReturns = variance(returns)
        let explained = varReturns == 0 ? Double.nan : 1 - variance(residual) / varReturns
        let finished = vector.episodes[episodesBefore...]
        let window = vector.episodes.suffix(c.smoothingWindow)
        let u = Double(max(updates, 1))
        let stats = PPOIterationStats(
            iteration: iteration, environmentSteps: environmentSteps, wallTime: wallOffset + vector.elapsed,
            meanEpisodeReturn: finished.isEmpty ? nil : finished.reduce(0) { $0 + $1.totalReward } / Double(finished.count),
            smoothedReturn: window.isEmpty ? nil : window.reduce(0) { $0 + $1.totalReward } / Double(window.count),
            episodes: episodeOffset + vector.episodes.count, cumulativeReward: cumulativeReward,
            meanStepReward: rawRewardSum / Double(batch), learningRate: lr, clip: clip,
            policyLoss: sums.policy / u, valueLoss: sums.value / u, entropy: sums.entropy / u, approximateKL: sums.kl / u,
            clipFraction: sums.clipFraction / u, explainedVariance: explained, gradientNorm: sums.norm / u)
        history.append(stats)
        return stats
    }

    // MARK: Checkpoints

    /// Saves the networks, Adam's moments and step count, the normalisers and the run's position
    /// (iteration, steps, episodes, cumulative reward, seed, schedule length) to a safetensors file,
    /// through a temporary file renamed into place.
    public func save(to path: String) throws {
        var tensors = policy.parameters.map { (name: $0.name, tensor: $0.value) }
        for (k, p) in policy.parameters.enumerated() {
            tensors.append((name: "adam.m.\(p.name)", tensor: Tensor(shape: p.value.shape, values: optimizer.state.firstMoments[k])))
            tensors.append((name: "adam.v.\(p.name)", tensor: Tensor(shape: p.value.shape, values: optimizer.state.secondMoments[k])))
        }
        var metadata = configuration.metadata
        metadata["format"] = "sagin-ppo-1"
        metadata["seed"] = "\(seed)"
        metadata["iteration"] = "\(iteration)"
        metadata["total_iterations"] = "\(totalIterations)"
        metadata["environment_steps"] = "\(environmentSteps)"
        metadata["episodes"] = "\(episodeOffset + vector.episodes.count)"
        metadata["cumulative_reward"] = "\(cumulativeReward)"
        metadata["wall_time_s"] = "\(wallOffset + vector.elapsed)"
        metadata["adam_steps"] = "\(optimizer.state.stepCount)"
        metadata["environment_id"] = vector.id
        metadata["observation_size"] = "\(policy.observationSize)"
        metadata["action_space"] = Self.describe(policy.actionSpace)
        if let s = observationStatistics { metadata["observation_statistics"] = Self.encode(s) }
        if let s = returnStatistics { metadata["return_statistics"] = Self.encode(s) }
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try SafeTensors.save(tensors, metadata: metadata, to: temporary)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    /// A trainer that continues the run saved at `path` with fresh environments, as many as the saved
    /// settings ask for, from `makeEnvironment` (episodes in
    /// progress at the save are not resumed: each copy starts a new episode from a reset seed drawn
    /// for the resume). The configuration, seed and schedule come from the file; `totalSteps`
    /// extends the run when larger than the saved one.
    public static func resume(from path: String, makeEnvironment: () -> any RLEnvironment, totalSteps: Int? = nil) throws -> PPOTrainer {
        let (tensors, m) = try SafeTensors.load(path: path)
        guard m["format"] == "sagin-ppo-1" else { throw PPOError.badCheckpoint(path: path, reason: "format is \(m["format"] ?? "missing"), expected sagin-ppo-1") }
        let configuration = try PPOConfiguration(metadata: m, path: path)
        let environments = (0 ..< configuration.environments).map { _ in makeEnvironment() }
        func integer(_ key: String) throws -> Int {
            guard let s = m[key], let v = Int(s) else { throw PPOError.badCheckpoint(path: path, reason: "metadata '\(key)' is missing or unreadable") }
            return v
        }
        guard let seedText = m["seed"], let seed = UInt64(seedText) else { throw PPOError.badCheckpoint(path: path, reason: "metadata 'seed' is missing") }
        let savedIterations = try integer("total_iterations")
        let iterations = max(savedIterations, (totalSteps ?? 0) / configuration.batchSize)
        // Resets after a resume draw from their own stream, so they do not repeat the first session's starts.
        let trainer = try PPOTrainer(environments: environments, configuration: configuration,
                                     totalSteps: iterations * configuration.batchSize, seed: seed,
                                     resetSeed: RandomStreams(seed: seed).stream("ppo/resume-\(try integer("iteration"))").next())
        guard let first = environments.first, m["observation_size"] == "\(first.observationSize)",
              m["action_space"] == describe(first.actionSpace) else {
            throw PPOError.incompatibleCheckpoint(path: path, reason: "saved for \(m["environment_id"] ?? "?") with \(m["observation_size"] ?? "?") observations and action space \(m["action_space"] ?? "?")")
        }
        for p in trainer.policy.parameters {
            guard let t = tensors[p.name], t.shape == p.value.shape else {
                throw PPOError.badCheckpoint(path: path, reason: "tensor \(p.name) missing or of the wrong shape")
            }
            p.value = t
        }
        var state = trainer.optimizer.state
        for (k, p) in trainer.policy.parameters.enumerated() {
            guard let mt = tensors["adam.m.\(p.name)"], let vt = tensors["adam.v.\(p.name)"],
                  mt.count == p.value.count, vt.count == p.value.count else {
                throw PPOError.badCheckpoint(path: path, reason: "Adam moments of \(p.name) missing")
            }
            state.firstMoments[k] = mt.values
            state.secondMoments[k] = vt.values
        }
        state.stepCount = try integer("adam_steps")
        trainer.optimizer.state = state
        trainer.iteration = try integer("iteration")
        trainer.stepOffset = try integer("environment_steps")
        trainer.episodeOffset = try integer("episodes")
        trainer.cumulativeReward = Double(m["cumulative_reward"] ?? "") ?? 0
        trainer.wallOffset = Double(m["wall_time_s"] ?? "") ?? 0
        if configuration.normalizeObservations {
            guard let s = m["observation_statistics"].flatMap(decode), s.mean.count == first.observationSize else {
                throw PPOError.badCheckpoint(path: path, reason: "observation statistics missing")
            }
            trainer.observationStatistics = s
        }
        if configuration.normalizeRewards {
            guard let s = m["return_statistics"].flatMap(decode), s.mean.count == 1 else {
                throw PPOError.badCheckpoint(path: path, reason: "return statistics missing")
            }
            trainer.returnStatistics = s
        }
        return trainer
    }

    static func describe(_ space: ActionSpace) -> String {
        switch space {
        case .discrete(let n): "discrete(\(n))"
        case .box(let low, let high): "box(\(low.map { "\($0)" }.joined(separator: ",")); \(high.map { "\($0)" }.joined(separator: ",")))"
        }
    }

    /// Doubles written with their shortest exact text, so a round trip is bit-exact.
    static func encode(_ s: RunningMeanStd) -> String {
        "\(s.count)|" + s.mean.map { "\($0)" }.joined(separator: ",") + "|" + s.variance.map { "\($0)" }.joined(separator: ",")
    }

    static func decode(_ text: String) -> RunningMeanStd? {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, let count = Double(parts[0]) else { return nil }
        let mean = parts[1].split(separator: ",").compactMap { Double($0) }
        let variance = parts[2].split(separator: ",").compactMap { Double($0) }
        guard !mean.isEmpty, mean.count == variance.count else { return nil }
        var s = RunningMeanStd(size: mean.count)
        s.mean = mean; s.variance = variance; s.count = count
        return s
    }
}

/// Runs two closures at once on two threads and returns when both are done. The closures must not
/// touch the same state (the caller guarantees it; hence the unchecked box).
func runConcurrently(_ first: () -> Void, _ second: () -> Void) {
    withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            struct Box: @unchecked Sendable { let run: [() -> Void] }
            let box = Box(run: [first, second])
            DispatchQueue.concurrentPerform(iterations: 2) { box.run[$0]() }
        }
    }
}
