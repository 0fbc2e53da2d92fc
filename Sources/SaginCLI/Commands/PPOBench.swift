import ArgumentParser
import Foundation
import Learn
import SimCore

/// `sagin bench ppo`: environment steps per second of a whole PPO training loop on CartPole-v1.
struct PPOBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo",
        abstract: "Steps/s of a full PPO training loop (rollout + update) on CartPole-v1, and the return reached.",
        discussion: """
        Trains PPO on CartPole-v1 for --steps environment steps with each seed and reports, per seed,
        the wall time of the whole loop (rollout, GAE, every epoch's mini-batch updates), environment
        steps per second, the mean return of the last 20 episodes, and the step at which that mean
        first reached 475. --settings: `zoo` (RL Baselines3 Zoo's tuned CartPole settings: 8 copies ×
        32 steps, 20 epochs of one 256-sample mini-batch; the default), `cleanrl` (CleanRL ppo.py: 4 × 128,
        4 epochs × 4 mini-batches), `sb3` (Stable-Baselines3's PPO defaults: 1 copy × 2048, 10 epochs
        of mini-batches of 64, no value clipping, no entropy bonus).
        Reference on this machine kind: Stable-Baselines3 2.9.2 PPO, default settings, PyTorch on one
        thread: 1,512 steps/s, mean return 500 after 50,000 steps. Target: ≥ 20,000 steps/s.
        """
    )

    @Option(help: "Environment steps per seed.")
    var steps: Int = 100_000

    @Option(help: "Seeds, comma-separated.")
    var seeds: String = "1,2,3"

    @Option(help: "Settings: zoo, cleanrl or sb3.")
    var settings: String = "zoo"

    @Option(help: "OpenBLAS threads.")
    var threads: Int = 1

    @Option(help: "Also write the measurements as CSV to this file.")
    var csv: String?

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        let seedList = try parseSeeds(seeds, option: "--seeds")
        guard ["zoo", "cleanrl", "sb3"].contains(settings) else {
            throw ValidationError("--settings: expected zoo, cleanrl or sb3, found '\(settings)'")
        }
        let c = try ppoSettings(named: settings)
        guard steps >= c.batchSize else { throw ValidationError("--steps must be at least one rollout (\(c.batchSize))") }
        BLAS.setThreads(threads)
        print("PPO on CartPole-v1, settings \(settings) (\(c.environments) × \(c.rolloutSteps) steps, \(c.epochs) epochs × \(c.minibatches) mini-batches), \(steps) steps per seed")
        print("BLAS core \(BLAS.coreName), \(BLAS.threads) thread(s)")
        var rows = ["seed,steps,seconds,steps_per_s,final_mean_return_last20,first_step_mean_ge_475"]
        var rates: [Double] = []
        for seed in seedList {
            let trainer = try PPOTrainer(environments: (0 ..< c.environments).map { _ in CartPole() }, configuration: c,
                                         totalSteps: steps, seed: seed)
            var solvedAt: Int? = nil
            let t0 = Clock.seconds()
            while let s = trainer.trainIteration() {
                if solvedAt == nil, let r = s.smoothedReturn, s.episodes >= 20, r >= 475 { solvedAt = s.environmentSteps }
            }
            let seconds = Clock.seconds() - t0
            let last = trainer.episodes.suffix(20)
            let mean = last.reduce(0) { $0 + $1.totalReward } / Double(max(last.count, 1))
            let rate = Double(trainer.environmentSteps) / seconds
            rates.append(rate)
            print(String(format: "seed %llu: %d steps in %.2f s = %.0f steps/s; mean return of the last 20 episodes %.1f; ≥ 475 first at %@",
                         seed, trainer.environmentSteps, seconds, rate, mean, solvedAt.map { "\($0) steps" } ?? "never"))
            rows.append("\(seed),\(trainer.environmentSteps),\(String(format: "%.3f", seconds)),\(String(format: "%.0f", rate)),\(String(format: "%.2f", mean)),\(solvedAt.map(String.init) ?? "")")
        }
        print(String(format: "median %.0f steps/s (target ≥ 20,000; Stable-Baselines3 2.9.2: 1,512)", median(rates)))
        if let csv { try writeAtomically(rows.joined(separator: "\n") + "\n", to: csv) }
    }
}

/// Comma-separated unsigned seeds, e.g. "1,2,3".
func parseSeeds(_ text: String, option: String) throws -> [UInt64] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty else { throw ValidationError("\(option): expected seeds separated by commas") }
    return try parts.map {
        guard let s = UInt64($0) else { throw ValidationError("\(option): '\($0)' is not a non-negative integer seed") }
        return s
    }
}
