import Foundation
import SimCore

/// What one environment step returns (Gymnasium's `(obs, reward, terminated, truncated)`).
///
/// `terminated`: the MDP reached a terminal state (do not bootstrap); `truncated`: the time limit
/// ended the episode (bootstrapping from the observation is correct).
public struct StepResult: Sendable, Equatable {
    public var observation: [Float]
    public var reward: Double
    public var terminated: Bool
    public var truncated: Bool
    /// Extra numbers about the step for logging (empty for the classic-control environments).
    public var info: [String: Double]

    public init(observation: [Float], reward: Double, terminated: Bool, truncated: Bool, info: [String: Double] = [:]) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    public var done: Bool { terminated || truncated }
}

/// Gymnasium's CartPole-v1, ported exactly (`cartpole.py`, explicit Euler, 500-step time limit):
/// the state is kept in Double and only the observation `[x, ẋ, θ, θ̇]` is Float32; reward 1 on every
/// step including the terminating one; terminated when |x| > 2.4 or |θ| > 12° (strict), truncated at
/// step 500. `reset(seed:)` draws each component from U(−0.05, 0.05) with the seed's `cartpole/reset`
/// stream (not numpy's PCG64, so seeds do not reproduce Gymnasium's starts; set ``state`` to do that).
///
/// ```swift
/// let env = CartPole()
/// var obs = env.reset(seed: 1)
/// let r = env.step(action: 1)      // push right
/// ```
public final class CartPole {
    public static let gravity = 9.8, massCart = 1.0, massPole = 0.1, totalMass = 1.1, length = 0.5
    public static let poleMassLength = 0.05, forceMagnitude = 10.0, tau = 0.02
    public static let thetaThreshold = 12 * 2 * Double.pi / 360, xThreshold = 2.4

    /// `[x, ẋ, θ, θ̇]`.
    public var state: [Double] = [0, 0, 0, 0]
    /// Steps taken in this episode.
    public private(set) var steps = 0
    public let maxEpisodeSteps: Int
    public let observationSize = 4
    public let actionCount = 2

    public init(maxEpisodeSteps: Int = 500) { self.maxEpisodeSteps = maxEpisodeSteps }

    public var observation: [Float] { state.map(Float.init) }

    @discardableResult
    public func reset(seed: UInt64) -> [Float] {
        let rng = RandomStreams(seed: seed).stream("cartpole/reset")
        state = (0 ..< 4).map { _ in rng.uniform(-0.05, 0.05) }
        steps = 0
        return observation
    }

    /// Action 0 pushes left (−10 N), 1 right (+10 N).
    public func step(action: Int) -> StepResult {
        precondition(action == 0 || action == 1, "CartPole: action must be 0 or 1, got \(action)")
        var (x, xDot, theta, thetaDot) = (state[0], state[1], state[2], state[3])
        let force = action == 1 ? Self.forceMagnitude : -Self.forceMagnitude
        let c = cos(theta), s = sin(theta)
        let temp = (force + Self.poleMassLength * thetaDot * thetaDot * s) / Self.totalMass
        let thetaAcc = (Self.gravity * s - c * temp) / (Self.length * (4.0 / 3.0 - Self.massPole * c * c / Self.totalMass))
        let xAcc = temp - Self.poleMassLength * thetaAcc * c / Self.totalMass
        x += Self.tau * xDot
        xDot += Self.tau * xAcc
        theta += Self.tau * thetaDot
        thetaDot += Self.tau * thetaAcc
        state = [x, xDot, theta, thetaDot]
        steps += 1
        let terminated = x < -Self.xThreshold || x > Self.xThreshold || theta < -Self.thetaThreshold || theta > Self.thetaThreshold
        return StepResult(observation: observation, reward: 1, terminated: terminated,
                          truncated: !terminated && steps >= maxEpisodeSteps)
    }
}

/// Gymnasium's Pendulum-v1, ported exactly (`pendulum.py`, g = 10, semi-implicit Euler, 200-step
/// time limit, never terminates). The torque arrives as Float32 and, as under NumPy 2, the torque
/// terms `3·u` and `0.001·u²` are computed in Float32 before joining the Double state, so
/// trajectories match Gymnasium's exactly. Observation `[cos θ, sin θ, θ̇]`; θ = 0 is upright;
/// reward = −(normalize(θ)² + 0.1·θ̇² + 0.001·u²) on the state before the step.
public final class Pendulum {
    public static let maxSpeed = 8.0, maxTorque: Float = 2, dt = 0.05, g = 10.0, m = 1.0, l = 1.0

    /// `[θ, θ̇]`.
    public var state: [Double] = [0, 0]
    public private(set) var steps = 0
    public let maxEpisodeSteps: Int
    public let observationSize = 3
    public let actionSize = 1

    public init(maxEpisodeSteps: Int = 200) { self.maxEpisodeSteps = maxEpisodeSteps }

    public var observation: [Float] { [Float(cos(state[0])), Float(sin(state[0])), Float(state[1])] }

    /// θ ~ U(−π, π), θ̇ ~ U(−1, 1) from the seed's `pendulum/reset` stream.
    @discardableResult
    public func reset(seed: UInt64) -> [Float] {
        let rng = RandomStreams(seed: seed).stream("pendulum/reset")
        state = [rng.uniform(-Double.pi, Double.pi), rng.uniform(-1, 1)]
        steps = 0
        return observation
    }

    /// ((x + π) mod 2π) − π with a floored modulo (numpy's), in [−π, π).
    public static func angleNormalize(_ x: Double) -> Double {
        var r = fmod(x + .pi, 2 * .pi)
        if r < 0 { r += 2 * .pi }
        return r - .pi
    }

    public func step(torque: Float) -> StepResult {
        let (th, thDot) = (state[0], state[1])
        let u = min(max(torque, -Self.maxTorque), Self.maxTorque)
        let th0 = Self.angleNormalize(th)
        let cost = th0 * th0 + 0.1 * thDot * thDot + Double(Float(0.001) * (u * u))
        var newThDot = thDot + (3 * Self.g / (2 * Self.l) * sin(th) + Double(Float(3.0 / (Self.m * Self.l * Self.l)) * u)) * Self.dt
        newThDot = min(max(newThDot, -Self.maxSpeed), Self.maxSpeed)
        let newTh = th + newThDot * Self.dt
        state = [newTh, newThDot]
        steps += 1
        return StepResult(observation: observation, reward: -cost, terminated: false, truncated: steps >= maxEpisodeSteps)
    }
}
