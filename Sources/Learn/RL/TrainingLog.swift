import Foundation

/// The text of a PPO run's log files.
///
/// - rewards.csv: one row per iteration (rollout + update). The smoothed-return column names its
///   window (`smoothed_return_last20`). Empty fields where there is nothing to report (no episode
///   finished in the iteration), which pandas reads as NaN. `wall_time_s` is the only column that
///   differs between two runs with the same seed.
/// - monitor.csv: Stable-Baselines3's `Monitor` format, so SB3's `load_results` and plotting tools
///   read it: a first line `#{"t_start": <unix time>, "env_id": "<id>"}`, then `r,l,t` — episode
///   return, length and seconds since `t_start` — one row per finished episode, rounded to six
///   decimals as SB3 does.
public enum PPOLog {
    public static func rewardsHeader(smoothingWindow: Int) -> String {
        ["iteration", "env_steps", "wall_time_s", "mean_episode_return", "cumulative_reward",
         "smoothed_return_last\(smoothingWindow)", "episodes", "mean_step_reward", "learning_rate", "clip_range",
         "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance", "grad_norm"]
            .joined(separator: ",")
    }

    public static func rewardsRow(_ s: PPOIterationStats) -> String {
        func f(_ x: Double?) -> String {
            guard let x, x.isFinite else { return "" }
            return String(format: "%.6g", x)
        }
        return [String(s.iteration), String(s.environmentSteps), String(format: "%.3f", s.wallTime), f(s.meanEpisodeReturn),
                f(s.cumulativeReward), f(s.smoothedReturn), String(s.episodes), f(s.meanStepReward), f(Double(s.learningRate)),
                f(s.clip), f(s.policyLoss), f(s.valueLoss), f(s.entropy), f(s.approximateKL), f(s.clipFraction),
                f(s.explainedVariance), f(s.gradientNorm)].joined(separator: ",")
    }

    public static func rewardsCSV(_ history: [PPOIterationStats], smoothingWindow: Int) -> String {
        ([rewardsHeader(smoothingWindow: smoothingWindow)] + history.map(rewardsRow)).joined(separator: "\n") + "\n"
    }

    /// SB3's `round(x, 6)` written as Python's `repr` of that float would be (shortest form).
    static func rounded6(_ x: Double) -> String {
        let r = (x * 1e6).rounded() / 1e6
        return r == r.rounded() && abs(r) < 1e15 ? String(format: "%.1f", r) : "\(r)"
    }

    public static func monitorCSV(_ episodes: [EpisodeRecord], startTime: Double, environmentID: String) -> String {
        var text = "#{\"t_start\": \(startTime), \"env_id\": \"\(environmentID)\"}\nr,l,t\n"
        for e in episodes { text += "\(rounded6(e.totalReward)),\(e.length),\(rounded6(e.wallTime))\n" }
        return text
    }
}
