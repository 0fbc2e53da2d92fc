import Foundation
import SimCore

/// Running mean and variance of vectors, merged batch by batch with Chan et al.'s parallel update
/// (Gymnasium's `RunningMeanStd`, Stable-Baselines3's `VecNormalize`): count starts at 1e-4, mean
/// at 0, variance at 1; the variance is the population one. Kept in double precision.
public struct RunningMeanStd: Sendable, Equatable {
    public var mean: [Double]
    public var variance: [Double]
    public var count: Double

    public init(size: Int) {
        mean = [Double](repeating: 0, count: size)
        variance = [Double](repeating: 1, count: size)
        count = 1e-4
    }

    /// Merges a batch of `rows` vectors stored row after row in `batch`.
    public mutating func update(_ batch: [Float], rows: Int) {
        let d = mean.count
        precondition(batch.count == rows * d && rows > 0, "RunningMeanStd: \(batch.count) values for \(rows) rows of \(d)")
        var batchMean = [Double](repeating: 0, count: d), batchVar = batchMean
        for r in 0 ..< rows { for j in 0 ..< d { batchMean[j] += Double(batch[r * d + j]) } }
        for j in 0 ..< d { batchMean[j] /= Double(rows) }
        for r in 0 ..< rows {
            for j in 0 ..< d { let e = Double(batch[r * d + j]) - batchMean[j]; batchVar[j] += e * e }
        }
        for j in 0 ..< d { batchVar[j] /= Double(rows) }
        merge(mean: batchMean, variance: batchVar, count: Double(rows))
    }

    /// Merges one scalar per row (the discounted returns of reward normalisation).
    public mutating func update(scalars: [Double]) {
        precondition(mean.count == 1 && !scalars.isEmpty, "RunningMeanStd: scalar update needs size 1")
        let n = Double(scalars.count)
        let m = scalars.reduce(0, +) / n
        let v = scalars.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        merge(mean: [m], variance: [v], count: n)
    }

    mutating func merge(mean batchMean: [Double], variance batchVar: [Double], count batchCount: Double) {
        let total = count + batchCount
        for j in mean.indices {
            let delta = batchMean[j] - mean[j]
            let m2 = variance[j] * count + batchVar[j] * batchCount + delta * delta * count * batchCount / total
            mean[j] += delta * batchCount / total
            variance[j] = m2 / total
        }
        count = total
    }

    /// `(x − mean)/√(var + 1e-8)` clipped to ±`clip`, written over `x` (rows of the vector size).
    public func normalize(_ x: inout [Float], clip: Float) {
        let d = mean.count
        let scale = variance.map { Float(1 / ($0 + 1e-8).squareRoot()) }
        let offset = mean.map(Float.init)
        for i in x.indices {
            let j = i % d
            x[i] = min(max((x[i] - offset[j]) * scale[j], -clip), clip)
        }
    }
}

/// One finished episode, as Stable-Baselines3's `Monitor` records it.
public struct EpisodeRecord: Sendable, Equatable {
    /// Sum of the raw rewards.
    public var totalReward: Double
    public var length: Int
    /// Seconds since the vector environment was created (wall clock).
    public var wallTime: Double
    /// Which copy it ran in.
    public var environment: Int
    /// Environment steps taken by all copies when it ended.
    public var globalStep: Int
}

/// Several copies of an environment stepped in lock-step with automatic reset (Stable-Baselines3's
/// `DummyVecEnv` semantics): when a copy's episode ends, its final observation is kept in the
/// transition and the copy is reset at once, so `observations` always holds the next policy input.
///
/// Box actions are clipped to their bounds here (the policy's unclipped sample is what PPO learns
/// from). Every reset draws its seed from the stream `vector-env/resets` of the seed, in copy order,
/// so a run is reproducible; episode returns and lengths are tracked on the raw rewards.
public final class VectorEnvironment {
    public let environments: [any RLEnvironment]
    /// The current observation of each copy.
    public private(set) var observations: [[Float]]
    /// Episodes finished so far, in the order they ended.
    public private(set) var episodes: [EpisodeRecord] = []
    /// Environment steps taken, summed over copies.
    public private(set) var steps = 0
    /// When the vector was created (Unix time, seconds), monitor.csv's `t_start`.
    public let startTime: Double
    private let resetSeeds: RNGStream
    private var runningReturns: [Double]
    private var runningLengths: [Int]
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    /// What one copy did in one step.
    public struct Transition {
        public var reward: Double
        public var terminated: Bool
        public var truncated: Bool
        /// The episode's last observation when it ended (the copy has already been reset).
        public var finalObservation: [Float]?
        public var info: [String: Double]
    }

    public init(_ environments: [any RLEnvironment], seed: UInt64) {
        precondition(!environments.isEmpty, "VectorEnvironment: needs at least one environment")
        let first = environments[0]
        precondition(environments.allSatisfy { $0.observationSize == first.observationSize && $0.actionSpace == first.actionSpace },
                     "VectorEnvironment: copies must share observation size and action space")
        self.environments = environments
        resetSeeds = RandomStreams(seed: seed).stream("vector-env/resets")
        observations = []
        runningReturns = [Double](repeating: 0, count: environments.count)
        runningLengths = [Int](repeating: 0, count: environments.count)
        startTime = Date().timeIntervalSince1970
        started = clock.now
        for env in environments { observations.append(env.reset(seed: resetSeeds.next())) }
    }

    public var count: Int { environments.count }
    public var observationSize: Int { environments[0].observationSize }
    public var actionSpace: ActionSpace { environments[0].actionSpace }
    public var id: String { environments[0].id }

    /// Seconds since creation.
    public var elapsed: Double {
        let d = clock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Steps every copy with its action (`actions[i]`, `actionSize` numbers each).
    public func step(_ actions: [[Float]]) -> [Transition] {
        precondition(actions.count == environments.count, "VectorEnvironment: \(actions.count) actions for \(environments.count) copies")
        var out: [Transition] = []
        out.reserveCapacity(environments.count)
        steps += environments.count
        for (i, env) in environments.enumerated() {
            var action = actions[i]
            if case .box(let low, let high) = env.actionSpace {
                for j in action.indices { action[j] = min(max(action[j], low[j]), high[j]) }
            }
            let r = env.step(action)
            runningReturns[i] += r.reward
            runningLengths[i] += 1
            var final: [Float]? = nil
            if r.done {
                final = r.observation
                episodes.append(EpisodeRecord(totalReward: runningReturns[i], length: runningLengths[i], wallTime: elapsed,
                                              environment: i, globalStep: steps))
                runningReturns[i] = 0
                runningLengths[i] = 0
                observations[i] = env.reset(seed: resetSeeds.next())
            } else {
                observations[i] = r.observation
            }
            out.append(Transition(reward: r.reward, terminated: r.terminated, truncated: r.truncated,
                                  finalObservation: final, info: r.info))
        }
        return out
    }
}
