import Foundation
import SimCore

/// The actions an environment takes: `discrete(n)` (one of n choices, Gymnasium's `Discrete`) or a
/// box of real numbers with bounds (Gymnasium's `Box`).
public enum ActionSpace: Sendable, Equatable {
    case discrete(Int)
    case box(low: [Float], high: [Float])

    /// Outputs of the policy network: n logits, or one mean per action dimension.
    public var policyOutputs: Int {
        switch self {
        case .discrete(let n): n
        case .box(let low, _): low.count
        }
    }

    /// Numbers in one action as the environment receives it: 1 (the index) or the dimension.
    public var actionSize: Int {
        switch self {
        case .discrete: 1
        case .box(let low, _): low.count
        }
    }

    public var isDiscrete: Bool { if case .discrete = self { true } else { false } }
}

/// A Gymnasium-style environment: `reset(seed:)` starts an episode and returns its first observation,
/// `step(_:)` applies one action.
///
/// A discrete action arrives as `[Float(index)]`; a box action as its values, already clipped to the
/// bounds by ``VectorEnvironment`` (the policy's unclipped sample is what PPO stores). Episodes end by
/// `terminated` (a terminal state, no bootstrap) or `truncated` (a time limit, bootstrapped).
/// `StepResult.info` carries extra per-step numbers that loggers may record (`"true_sum_rate"`, …).
public protocol RLEnvironment: AnyObject {
    /// A Gymnasium-style identifier (`"CartPole-v1"`), written into monitor.csv.
    var id: String { get }
    var observationSize: Int { get }
    var actionSpace: ActionSpace { get }
    /// Starts an episode whose randomness comes from `seed` alone.
    func reset(seed: UInt64) -> [Float]
    func step(_ action: [Float]) -> StepResult
}

extension CartPole: RLEnvironment {
    public var id: String { "CartPole-v1" }
    public var actionSpace: ActionSpace { .discrete(actionCount) }
    public func step(_ action: [Float]) -> StepResult { step(action: Int(action[0])) }
}

extension Pendulum: RLEnvironment {
    public var id: String { "Pendulum-v1" }
    public var actionSpace: ActionSpace { .box(low: [-Self.maxTorque], high: [Self.maxTorque]) }
    public func step(_ action: [Float]) -> StepResult { step(torque: action[0]) }
}
