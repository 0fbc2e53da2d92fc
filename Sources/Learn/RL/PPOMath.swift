import Foundation

/// Generalised advantage estimation (Schulman et al. 2016), as CleanRL and Stable-Baselines3 compute
/// it over one environment's rollout:
///
///     δ_t = r_t + γ·V_next[t] − V[t]
///     A_t = δ_t + γλ·(1 − end_t)·A_{t+1}          returns_t = A_t + V[t]
///
/// `nextValues[t]` is the value of the state after step t: 0 when the step terminated the episode,
/// V(final observation) when a time limit truncated it (bootstrapping is correct there), V(s_{t+1})
/// otherwise — the last entry is the bootstrap value of the rollout's final observation.
/// `episodeEnds[t]` (terminated or truncated) stops the λ-recursion at episode boundaries.
///
/// ```swift
/// let (advantages, returns) = GAE.compute(rewards: [1, 1], values: [0.5, 0.4], nextValues: [0.4, 0],
///                                         episodeEnds: [false, true], gamma: 0.99, lambda: 0.95)
/// ```
public enum GAE {
    public static func compute(rewards: [Double], values: [Double], nextValues: [Double], episodeEnds: [Bool],
                               gamma: Double, lambda: Double) -> (advantages: [Double], returns: [Double]) {
        let n = rewards.count
        precondition(values.count == n && nextValues.count == n && episodeEnds.count == n, "GAE: arrays of equal length")
        var advantages = [Double](repeating: 0, count: n)
        var next = 0.0
        for t in stride(from: n - 1, through: 0, by: -1) {
            let delta = rewards[t] + gamma * nextValues[t] - values[t]
            next = delta + gamma * lambda * (episodeEnds[t] ? 0 : next)
            advantages[t] = next
        }
        return (advantages, zip(advantages, values).map { $0 + $1 })
    }
}

/// PPO's clipped surrogate objective (Schulman et al. 2017) as a loss to minimise, over a mini-batch:
///
///     ρ_i = exp(logπ_new(a_i) − logπ_old(a_i))
///     L   = −(1/N) Σ min(ρ_i·A_i, clip(ρ_i, 1 − ε, 1 + ε)·A_i)
///
/// with the gradient with respect to each new log-probability (−ρ_i·A_i/N where the unclipped term is
/// the minimum, 0 where the clipped, constant term is), the fraction of clipped samples, and the KL
/// estimate mean((ρ − 1) − log ρ) (CleanRL's `approx_kl`).
public enum PPOLoss {
    public struct Policy: Sendable, Equatable {
        public var loss: Double
        public var gradient: [Double]
        public var clipFraction: Double
        public var approximateKL: Double
    }

    public static func clippedSurrogate(newLogProbabilities: [Double], oldLogProbabilities: [Double],
                                        advantages: [Double], clip epsilon: Double) -> Policy {
        let n = newLogProbabilities.count
        precondition(oldLogProbabilities.count == n && advantages.count == n && n > 0, "PPOLoss: arrays of equal, positive length")
        var loss = 0.0, clipped = 0, kl = 0.0
        var gradient = [Double](repeating: 0, count: n)
        for i in 0 ..< n {
            let logRatio = newLogProbabilities[i] - oldLogProbabilities[i]
            let ratio = exp(logRatio)
            let a = advantages[i]
            let unclippedTerm = ratio * a
            let clippedTerm = min(max(ratio, 1 - epsilon), 1 + epsilon) * a
            if unclippedTerm <= clippedTerm {
                loss -= unclippedTerm
                gradient[i] = -unclippedTerm / Double(n)
            } else {
                loss -= clippedTerm
            }
            if abs(ratio - 1) > epsilon { clipped += 1 }
            kl += (ratio - 1) - logRatio
        }
        return Policy(loss: loss / Double(n), gradient: gradient, clipFraction: Double(clipped) / Double(n),
                      approximateKL: kl / Double(n))
    }

    /// ½·mean((V − R)²), or with `clip` the clipped form max((V − R)², (V_old + clip(V − V_old, ±c) − R)²)
    /// (CleanRL's `clip_vloss`); returns the loss and ∂loss/∂V.
    public static func value(predictions: [Double], returns: [Double], oldValues: [Double]? = nil,
                             clip: Double? = nil) -> (loss: Double, gradient: [Double]) {
        let n = predictions.count
        precondition(returns.count == n && n > 0, "PPOLoss.value: arrays of equal, positive length")
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: n)
        for i in 0 ..< n {
            let e = predictions[i] - returns[i]
            if let c = clip, let old = oldValues?[i] {
                let clippedV = old + min(max(predictions[i] - old, -c), c)
                let ec = clippedV - returns[i]
                if ec * ec > e * e {
                    loss += ec * ec
                    // The clipped prediction moves with V only inside the clip range.
                    gradient[i] = abs(predictions[i] - old) < c ? ec / Double(n) : 0
                    continue
                }
            }
            loss += e * e
            gradient[i] = e / Double(n)
        }
        return (0.5 * loss / Double(n), gradient)
    }
}
