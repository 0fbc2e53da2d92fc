import Foundation
import SimCore

/// PPO's policy and value networks: two separate MLPs (CleanRL's and Stable-Baselines3's layout for
/// classic control), `observation → hidden… (tanh) → outputs` for the actor and `→ 1` for the critic,
/// orthogonally initialised with zero biases (gain √2 on hidden layers, 0.01 on the policy output,
/// 1 on the value output). A box action space adds a state-independent log standard deviation
/// (`log_std`, one per action dimension, initially `initialLogStd`).
///
/// Parameter names: `actor.0.weight`, …, `critic.4.bias`, `log_std`.
public final class ActorCritic {
    public let observationSize: Int
    public let actionSpace: ActionSpace
    public let hidden: [Int]
    public let actor: Sequential
    public let critic: Sequential
    public let logStd: Parameter?
    public let parameters: [Parameter]

    public init(observationSize: Int, actionSpace: ActionSpace, hidden: [Int] = [64, 64], initialLogStd: Float = 0,
                rng: RNGStream) {
        precondition(observationSize > 0 && actionSpace.policyOutputs > 0 && !hidden.isEmpty && hidden.allSatisfy { $0 > 0 },
                     "ActorCritic: sizes must be positive")
        self.observationSize = observationSize
        self.actionSpace = actionSpace
        self.hidden = hidden
        func mlp(_ outputs: Int, outputGain: Double, prefix: String) -> Sequential {
            var layers: [any Layer] = []
            var inputs = observationSize
            for h in hidden {
                let l = Linear(inputs: inputs, outputs: h, rng: rng)
                Initializer.orthogonal(&l.weight.value, gain: 2.0.squareRoot(), rng: rng)
                Initializer.zeros(&l.bias.value)
                layers += [l, Tanh()]
                inputs = h
            }
            let out = Linear(inputs: inputs, outputs: outputs, rng: rng)
            Initializer.orthogonal(&out.weight.value, gain: outputGain, rng: rng)
            Initializer.zeros(&out.bias.value)
            layers.append(out)
            let s = Sequential(layers)
            for p in s.parameters { p.name = "\(prefix).\(p.name)" }
            return s
        }
        actor = mlp(actionSpace.policyOutputs, outputGain: 0.01, prefix: "actor")
        critic = mlp(1, outputGain: 1, prefix: "critic")
        if case .box(let low, _) = actionSpace {
            logStd = Parameter(name: "log_std", value: Tensor(shape: [low.count], repeating: initialLogStd))
        } else {
            logStd = nil
        }
        parameters = actor.parameters + critic.parameters + (logStd.map { [$0] } ?? [])
    }

    /// Logits (discrete) or action means (box), `[rows, policyOutputs]`.
    public func policyOutputs(_ observations: Tensor) -> Tensor { actor.forward(observations, training: true) }

    /// State values, one per row.
    public func values(_ observations: Tensor) -> Tensor { critic.forward(observations, training: true) }

    /// Draws an action for one row of policy outputs and returns it with its log-probability; with
    /// `deterministic` the most likely action (the argmax, or the mean).
    public func sample(outputs: UnsafeBufferPointer<Float>, rng: RNGStream?, deterministic: Bool) -> (action: [Float], logProbability: Double) {
        switch actionSpace {
        case .discrete(let n):
            var maxLogit = -Double.infinity
            for j in 0 ..< n { maxLogit = max(maxLogit, Double(outputs[j])) }
            var sum = 0.0
            for j in 0 ..< n { sum += exp(Double(outputs[j]) - maxLogit) }
            let logZ = maxLogit + log(sum)
            var choice = 0
            if deterministic || rng == nil {
                for j in 1 ..< n where outputs[j] > outputs[choice] { choice = j }
            } else {
                let u = rng!.uniform()
                var cumulative = 0.0
                choice = n - 1
                for j in 0 ..< n {
                    cumulative += exp(Double(outputs[j]) - logZ)
                    if u < cumulative { choice = j; break }
                }
            }
            return ([Float(choice)], Double(outputs[choice]) - logZ)
        case .box(let low, _):
            let d = low.count
            var action = [Float](repeating: 0, count: d)
            var logp = 0.0
            let logSigma = logStd!.value.values
            for j in 0 ..< d {
                let sigma = exp(Double(logSigma[j]))
                let noise = (deterministic || rng == nil) ? 0 : rng!.normal()
                let a = Float(Double(outputs[j]) + sigma * noise)
                action[j] = a
                let z = (Double(a) - Double(outputs[j])) / sigma
                logp += -0.5 * z * z - Double(logSigma[j]) - 0.5 * log(2 * Double.pi)
            }
            return (action, logp)
        }
    }

    /// For a mini-batch of policy outputs: each row's log-probability of its stored action, and its
    /// entropy (``policyGradient(outputs:actions:weights:entropyWeight:)`` differentiates both).
    public func logProbabilities(outputs: Tensor, actions: [Float]) -> (logProbabilities: [Double], entropies: [Double]) {
        let rows = outputs.rows
        var logps = [Double](repeating: 0, count: rows), entropies = logps
        forEachRow(outputs: outputs, actions: actions) { i, logp, entropy, _ in
            logps[i] = logp
            entropies[i] = entropy
        }
        return (logps, entropies)
    }

    /// ∂loss/∂outputs for loss = Σ_i weights[i]·logπ(a_i | row i) + entropyWeight·mean_i H_i; the
    /// log-std part goes into `log_std`'s gradient.
    public func policyGradient(outputs: Tensor, actions: [Float], weights: [Double], entropyWeight: Double) -> Tensor {
        let rows = outputs.rows, width = outputs.columns
        var g = Tensor.zeros([rows, width])
        let perRowEntropy = entropyWeight / Double(rows)
        var logStdGradient = [Double](repeating: 0, count: logStd?.value.count ?? 0)
        forEachRow(outputs: outputs, actions: actions) { i, _, _, row in
            switch row {
            case .discrete(let probabilities, let logProbabilities, let entropy, let action):
                for j in 0 ..< width {
                    let onehot = j == action ? 1.0 : 0.0
                    // ∂logπ(a)/∂z_j = 1[j = a] − p_j;  ∂H/∂z_j = −p_j·(log p_j + H).
                    let dEntropy = -probabilities[j] * (logProbabilities[j] + entropy)
                    g.values[i * width + j] = Float(weights[i] * (onehot - probabilities[j]) + perRowEntropy * dEntropy)
                }
            case .gaussian(let standardized, let sigma):
                for j in 0 ..< width {
                    // ∂logπ/∂μ_j = (a_j − μ_j)/σ_j²;  ∂logπ/∂logσ_j = z_j² − 1;  ∂H/∂logσ_j = 1.
                    g.values[i * width + j] = Float(weights[i] * standardized[j] / sigma[j])
                    logStdGradient[j] += weights[i] * (standardized[j] * standardized[j] - 1) + perRowEntropy
                }
            }
        }
        if let logStd {
            for j in 0 ..< logStdGradient.count { logStd.gradient.values[j] += Float(logStdGradient[j]) }
        }
        return g
    }

    private enum RowTerms {
        case discrete(probabilities: [Double], logProbabilities: [Double], entropy: Double, action: Int)
        case gaussian(standardized: [Double], sigma: [Double])
    }

    private func forEachRow(outputs: Tensor, actions: [Float], _ body: (Int, Double, Double, RowTerms) -> Void) {
        let rows = outputs.rows, width = outputs.columns
        precondition(width == actionSpace.policyOutputs && actions.count == rows * actionSpace.actionSize,
                     "ActorCritic: \(outputs.shape) outputs for \(actions.count) action values")
        switch actionSpace {
        case .discrete:
            var p = [Double](repeating: 0, count: width), lp = p
            for i in 0 ..< rows {
                var m = -Double.infinity
                for j in 0 ..< width { m = max(m, Double(outputs.values[i * width + j])) }
                var s = 0.0
                for j in 0 ..< width { s += exp(Double(outputs.values[i * width + j]) - m) }
                let logZ = m + log(s)
                var h = 0.0
                for j in 0 ..< width {
                    lp[j] = Double(outputs.values[i * width + j]) - logZ
                    p[j] = exp(lp[j])
                    h -= p[j] * lp[j]
                }
                let a = Int(actions[i])
                body(i, lp[a], h, .discrete(probabilities: p, logProbabilities: lp, entropy: h, action: a))
            }
        case .box:
            let logSigma = logStd!.value.values.map(Double.init)
            let sigma = logSigma.map { exp($0) }
            let entropy = logSigma.reduce(0) { $0 + 0.5 + 0.5 * log(2 * Double.pi) + $1 }
            var z = [Double](repeating: 0, count: width)
            for i in 0 ..< rows {
                var logp = 0.0
                for j in 0 ..< width {
                    z[j] = (Double(actions[i * width + j]) - Double(outputs.values[i * width + j])) / sigma[j]
                    logp += -0.5 * z[j] * z[j] - logSigma[j] - 0.5 * log(2 * Double.pi)
                }
                body(i, logp, entropy, .gaussian(standardized: z, sigma: sigma))
            }
        }
    }
}
