import ArgumentParser
import Foundation
import Learn
import Scenario
import SimCore

/// Which environment a PPO run trains on, and how to make copies of it.
struct EnvironmentChoice {
    var name: String
    var make: () -> any RLEnvironment
    var settings: PPOConfiguration
    var defaultSteps: Int

    static let classicNames = ["cartpole", "pendulum"]

    static func classic(_ name: String) throws -> EnvironmentChoice {
        switch name.lowercased() {
        case "cartpole", "cartpole-v1": return EnvironmentChoice(name: "CartPole-v1", make: { CartPole() }, settings: .cartPole, defaultSteps: 100_000)
        case "pendulum", "pendulum-v1": return EnvironmentChoice(name: "Pendulum-v1", make: { Pendulum() }, settings: .pendulum, defaultSteps: 300_000)
        default: throw ValidationError("--env: expected cartpole, pendulum or sagin, found '\(name)'")
        }
    }
}

/// Settings by name for `--settings`.
func ppoSettings(named name: String) throws -> PPOConfiguration {
    switch name {
    case "zoo", "cartpole": return .cartPole
    case "pendulum": return .pendulum
    case "sagin": return saginSettings
    case "cleanrl": return .cleanRL
    case "sb3": return .stableBaselines3
    default: throw ValidationError("--settings: expected zoo, pendulum, sagin, cleanrl or sb3, found '\(name)'")
    }
}

/// The power-allocation environment's settings: 8 copies × 64 steps (two 32-epoch episodes each),
/// 8 mini-batches of 64, 10 epochs, learning rate 3e-4 annealed, γ = 0, no entropy bonus, observation
/// and reward normalisation. γ = 0 because the environment is a contextual bandit: an allocation
/// changes nothing that later rewards depend on (the truth moves on by itself; only the previous
/// shares are echoed in the observation), so every later reward in a return is noise to the critic.
/// Measured on ppo-study.yaml with the oracle belief, 100,000 steps: γ 0.9 ended 0.3 below the
/// equal-power baseline, γ 0 6.6 above it.
var saginSettings: PPOConfiguration {
    var c = PPOConfiguration()
    c.environments = 8; c.rolloutSteps = 64; c.minibatches = 8; c.epochs = 10
    c.learningRate = 3e-4; c.gamma = 0; c.gaeLambda = 0.95
    c.entropyCoefficient = 0; c.valueClip = nil
    c.normalizeObservations = true; c.normalizeRewards = true
    return c
}

/// One trained agent and what it wrote.
struct PPORunResult {
    var trainer: PPOTrainer
    var finalSmoothedReturn: Double?
    var evaluation: [Double]
}

/// Trains one agent, writing rewards.csv, monitor.csv and policy.safetensors into `folder` (a staging
/// folder), with a progress line on standard error.
func trainPPO(_ choice: EnvironmentChoice, settings: PPOConfiguration, steps: Int, seed: UInt64, resume: String?,
              folder: String, evaluationSeeds: [UInt64], label: String, quiet: Bool = false) throws -> PPORunResult {
    let trainer = try resume.map { try PPOTrainer.resume(from: $0, makeEnvironment: choice.make, totalSteps: steps) }
        ?? PPOTrainer(environments: (0 ..< settings.environments).map { _ in choice.make() }, configuration: settings,
                      totalSteps: steps, seed: seed)
    let c = trainer.configuration
    let rewards = try AtomicTextFile(path: "\(folder)/rewards.csv")
    rewards.append(PPOLog.rewardsHeader(smoothingWindow: c.smoothingWindow) + "\n")
    let progress = TrainingProgress(prefix: "", quiet: quiet)
    let every = max(1, trainer.totalIterations / 10)
    var last: PPOIterationStats?
    while let s = trainer.trainIteration() {
        rewards.append(PPOLog.rewardsRow(s) + "\n")
        last = s
        guard progress.interactive || s.iteration % every == 0 || trainer.isFinished else { continue }
        progress.show(String(format: "%@ iteration %d/%d, %d steps, smoothed return %@, %.0f steps/s", label, s.iteration,
                             trainer.totalIterations, s.environmentSteps, s.smoothedReturn.map { String(format: "%.1f", $0) } ?? "–",
                             Double(s.environmentSteps) / max(s.wallTime, 1e-9)))
    }
    progress.finish()
    try rewards.commit()
    try writeAtomically(PPOLog.monitorCSV(trainer.episodes, startTime: trainer.vector.startTime, environmentID: trainer.vector.id),
                        to: "\(folder)/monitor.csv")
    try trainer.save(to: "\(folder)/policy.safetensors")
    let evaluation = evaluationSeeds.isEmpty ? [] : trainer.evaluate(choice.make(), seeds: evaluationSeeds)
    return PPORunResult(trainer: trainer, finalSmoothedReturn: last?.smoothedReturn, evaluation: evaluation)
}

/// `sagin ppo`: trains one PPO agent.
struct PPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo",
        abstract: "Train a PPO agent on CartPole-v1, Pendulum-v1 or the SAGIN power-allocation environment.",
        discussion: """
        Writes into --out (default runs/ppo-<env>-<UTC time>): rewards.csv (one row per iteration:
        steps, wall time, mean and smoothed episode return, cumulative reward, losses, entropy,
        approximate KL, clip fraction, explained variance), monitor.csv (Stable-Baselines3's format),
        policy.safetensors (networks, Adam state, normalisers; continue with --resume) and
        summary.json (settings, final returns, the deterministic policy's evaluation).
        Settings: zoo (CartPole's default), pendulum (Pendulum's default), sagin (the power-allocation
        environment's default), cleanrl, sb3 — see docs/rl.md.
        """
    )

    @Option(help: "Environment: cartpole, pendulum or sagin.")
    var env: String = "cartpole"

    @OptionGroup var sagin: SaginEnvironmentOptions

    @Option(help: "Environment steps (default: 100,000 CartPole, 300,000 Pendulum, 200,000 sagin).")
    var steps: Int?

    @Option(help: "Seed of the networks, the sampling and the environment resets.")
    var seed: UInt64 = 1

    @Option(help: "Settings: zoo, pendulum, sagin, cleanrl or sb3 (default: the environment's).")
    var settings: String?

    @OptionGroup(title: "Single settings") var overrides: PPOOverrides

    @Option(help: "Continue the run saved in this policy.safetensors (--steps then counts the whole run).")
    var resume: String?

    @Option(help: "Episodes of the deterministic policy evaluated at the end (seeds 1_000_001, 1_000_002, …).")
    var evalEpisodes: Int = 10

    @Option(help: "Output folder (must not exist).")
    var out: String?

    @Option(help: "OpenBLAS threads.")
    var threads: Int = 1

    func run() throws {
        let choice = try env.lowercased() == "sagin" ? sagin.choice() : EnvironmentChoice.classic(env)
        var c = try settings.map(ppoSettings(named:)) ?? choice.settings
        if let s = settings, s == "sb3" || s == "cleanrl", choice.name != "CartPole-v1" { c.normalizeObservations = true }
        c = try overrides.apply(to: c)
        let total = steps ?? choice.defaultSteps
        guard total >= c.batchSize else { throw ValidationError("--steps must be at least one rollout (\(c.batchSize) steps)") }
        guard evalEpisodes >= 0 else { throw ValidationError("--eval-episodes must be ≥ 0") }
        if let r = resume, !FileManager.default.fileExists(atPath: r) { throw ValidationError("--resume: \(r) does not exist") }
        BLAS.setThreads(threads)
        let folder = try out.map { try RunFolder(path: $0) }
            ?? RunFolder(parent: "runs", name: "ppo-\(choice.name.lowercased())", timestamp: .now)
        let evalSeeds = (0 ..< evalEpisodes).map { UInt64(1_000_001 + $0) }
        let result = try trainPPO(choice, settings: c, steps: total, seed: seed, resume: resume, folder: folder.stagingPath,
                                  evaluationSeeds: evalSeeds, label: choice.name)
        let t = result.trainer
        let evalMean = result.evaluation.isEmpty ? nil : result.evaluation.reduce(0, +) / Double(result.evaluation.count)
        let summary: [String: Any] = [
            "environment": choice.name, "seed": seed, "steps": t.environmentSteps, "iterations": t.iteration,
            "episodes": t.history.last?.episodes ?? 0, "smoothed_return": result.finalSmoothedReturn ?? NSNull(),
            "smoothing_window": t.configuration.smoothingWindow, "evaluation_returns": result.evaluation,
            "evaluation_mean_return": evalMean ?? NSNull(), "resumed_from": resume ?? NSNull(),
            "wall_time_s": t.history.last?.wallTime ?? 0, "blas_core": BLAS.coreName,
            "settings": try settingsJSON(t.configuration), "environment_options": sagin.summary(choice),
        ]
        try folder.write("summary.json", contents: jsonText(summary))
        let path = try folder.commit()
        print(String(format: "%@: %d steps, smoothed return (last %d episodes) %@, deterministic evaluation %@ over %d episodes",
                     choice.name, t.environmentSteps, t.configuration.smoothingWindow,
                     result.finalSmoothedReturn.map { String(format: "%.2f", $0) } ?? "–",
                     evalMean.map { String(format: "%.2f", $0) } ?? "–", result.evaluation.count))
        print("results: \(path)/ (rewards.csv, monitor.csv, policy.safetensors, summary.json)")
    }
}

/// The settings as a JSON object (snake_case keys; unset optional settings are left out).
func settingsJSON(_ c: PPOConfiguration) throws -> Any {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return try JSONSerialization.jsonObject(with: encoder.encode(c))
}

/// Pretty, key-sorted JSON text.
func jsonText(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
}

/// Command-line overrides of single PPO settings.
struct PPOOverrides: ParsableArguments {
    @Option(help: "Environment copies.") var envs: Int?
    @Option(help: "Steps per copy per rollout.") var rolloutSteps: Int?
    @Option(help: "Mini-batches per epoch.") var minibatches: Int?
    @Option(help: "Epochs per update.") var epochs: Int?
    @Option(help: "Initial learning rate.") var learningRate: Float?
    @Option(help: "Discount factor γ.") var gamma: Double?
    @Option(help: "GAE λ.") var gaeLambda: Double?
    @Option(help: "Entropy coefficient.") var entCoef: Double?
    @Option(help: "Initial log standard deviation of a Gaussian policy.") var logStdInit: Float?
    @Option(help: "Learning-rate annealing: on or off.") var annealLr: String?

    func apply(to settings: PPOConfiguration) throws -> PPOConfiguration {
        var c = settings
        if let v = envs { c.environments = v }
        if let v = rolloutSteps { c.rolloutSteps = v }
        if let v = minibatches { c.minibatches = v }
        if let v = epochs { c.epochs = v }
        if let v = learningRate { c.learningRate = v }
        if let v = gamma { c.gamma = v }
        if let v = gaeLambda { c.gaeLambda = v }
        if let v = entCoef { c.entropyCoefficient = v }
        if let v = logStdInit { c.initialLogStd = v }
        if let v = annealLr {
            guard v == "on" || v == "off" else { throw ValidationError("--anneal-lr: expected on or off, found '\(v)'") }
            c.annealLearningRate = v == "on"
        }
        do { try c.validate() } catch let e as PPOError { throw ValidationError("\(e)") }
        return c
    }
}
