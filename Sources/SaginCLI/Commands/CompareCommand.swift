import ArgumentParser
import Foundation
import Learn
import Report
import Scenario
import SimCore

/// `sagin compare`: one PPO agent per (channel model, seed) on the same scenario, every final policy
/// evaluated on the truth with the same evaluation seeds.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train and evaluate the PPO power-allocation agent under several channel models.",
        discussion: """
        For each channel in --channels and each seed 1…--seeds, trains PPO on the topology's rl
        environment with that channel as the agent's belief (the reward is always computed on the
        ground truth), then runs --eval-episodes episodes of the deterministic final policy from the
        same evaluation seeds for every run. gdm, gan and vae need a model: give it with
        --channel-model NAME=PATH (a map folder for gdm, a safetensors file for gan/vae), or the
        topology's rl.channel_model when rl.channel names it; otherwise the command trains one first
        (sagin dataset on a second city, sagin train, and sagin map for gdm) and says so.
        Writes into --out: comparison.csv (per channel: mean ± std over seeds of the final evaluated
        return, with min, max, the equal-power baseline, sum rate and outages, and how often the
        belief's LOS state and path loss matched the truth in the evaluation episodes), curves.csv (every
        run's smoothed training return per iteration, long format), reward_curves.svg (mean smoothed
        training return per channel with a ± one-std band over seeds), runs/<channel>-seed<k>/
        (rewards.csv, monitor.csv, policy.safetensors), models/ (any model trained) and summary.json.
        """
    )

    @Argument(help: "Topology file with an rl section (defaults fill in a missing one).")
    var topology: String

    @Option(help: "Channel models, comma-separated: empirical, empirical-sampled, gdm, gan, vae, oracle, blind.")
    var channels: String = "empirical,gan,vae,gdm,oracle,blind"

    @Option(help: "Seeds per channel (1…N).")
    var seeds: Int = 3

    @Option(help: "PPO iterations per run (overrides --steps).")
    var iterations: Int?

    @Option(help: "Environment steps per run.")
    var steps: Int = 100_000

    @Option(help: "PPO settings: sagin (default), cleanrl or sb3.")
    var settings: String = "sagin"

    @OptionGroup(title: "Single settings") var overrides: PPOOverrides

    @Option(help: "A model for a channel, NAME=PATH (repeatable): gdm=map-folder, gan=gan.safetensors, vae=vae.safetensors.")
    var channelModel: [String] = []

    @Option(help: "Evaluation episodes per run (seeds 2,000,001, 2,000,002, … for every run).")
    var evalEpisodes: Int = 20

    @Option(help: "Rows of the dataset a missing channel model is trained on.")
    var trainSamples: Int = 20_000

    @Option(help: "Optimiser steps of a missing channel model (default: the model's own).")
    var modelSteps: Int?

    @Option(help: "Cells per side of a gdm map built here.")
    var mapCells: Int = 50

    @Option(help: "Output folder (must not exist; default runs/compare-<scenario>-<UTC time>).")
    var out: String?

    @Option(help: "OpenBLAS threads.")
    var threads: Int = 1

    @Flag(help: "No progress lines.")
    var quiet = false

    func channelList() throws -> [String] {
        let names = channels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else { throw ValidationError("--channels: expected names separated by commas") }
        for n in names where !PowerAllocationBelief.names.contains(n) {
            throw ValidationError("--channels: unknown channel '\(n)'; known: \(PowerAllocationBelief.names.joined(separator: ", "))")
        }
        guard Set(names).count == names.count else { throw ValidationError("--channels: a channel is named twice") }
        return names
    }

    func givenModels() throws -> [String: String] {
        var models: [String: String] = [:]
        for entry in channelModel {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["gdm", "gan", "vae"].contains(parts[0]) else {
                throw ValidationError("--channel-model: expected gdm=PATH, gan=PATH or vae=PATH, found '\(entry)'")
            }
            guard FileManager.default.fileExists(atPath: parts[1]) else { throw ValidationError("--channel-model: \(parts[1]) does not exist") }
            models[parts[0]] = parts[1]
        }
        return models
    }

    func validate() throws {
        _ = try channelList()
        _ = try givenModels()
        guard seeds > 0 else { throw ValidationError("--seeds must be at least 1") }
        guard evalEpisodes > 0 else { throw ValidationError("--eval-episodes must be at least 1") }
        if let i = iterations, i <= 0 { throw ValidationError("--iterations must be at least 1") }
        guard trainSamples > 0, mapCells > 0 else { throw ValidationError("--train-samples and --map-cells must be positive") }
    }

    func run() throws {
        let names = try channelList()
        var models = try givenModels()
        let topo: Topology
        do { topo = try TopologyLoader.load(path: topology) } catch { throw ValidationError("\(error)") }
        var c = try ppoSettings(named: settings)
        c = try overrides.apply(to: c)
        let total = iterations.map { $0 * c.batchSize } ?? steps
        guard total >= c.batchSize else { throw ValidationError("--steps must be at least one rollout (\(c.batchSize) steps)") }
        BLAS.setThreads(threads)
        let folder = try out.map { try RunFolder(path: $0) }
            ?? RunFolder(parent: "runs", name: "compare-\(topo.scenario.name)", timestamp: .now)
        let staging = folder.stagingPath
        let say: (String) -> Void = { if !quiet { print($0) } }

        // Channel models: given, from the topology, or trained here.
        if let m = topo.rl.channelModel, ["gdm", "gan", "vae"].contains(topo.rl.channel), models[topo.rl.channel] == nil {
            models[topo.rl.channel] = m
        }
        var trained: [String: String] = [:]
        let needed = names.filter { ["gdm", "gan", "vae"].contains($0) && models[$0] == nil }
        if !needed.isEmpty {
            try FileManager.default.createDirectory(atPath: "\(staging)/models", withIntermediateDirectories: true)
            let sceneArgument = Self.sceneArgument(topo.rl.scene)
            let trainScene = Self.trainingScene(topo.rl.scene)
            let csv = "\(staging)/models/train.csv"
            say("no model given for \(needed.joined(separator: ", ")): training \(needed.count == 1 ? "it" : "them") here (models/)")
            say("  sagin dataset --topology \(topology) --scene \(trainScene) --samples \(trainSamples) --seed 9 --out models/train.csv")
            let dataset = try DatasetCommand.parse(["--topology", topology, "--scene", trainScene, "--samples", "\(trainSamples)",
                                                    "--seed", "9", "--out", csv])
            try dataset.run()
            for name in needed {
                let file = "\(staging)/models/\(name).safetensors"
                let stepArgs = modelSteps.map { ["--steps", "\($0)"] } ?? []
                say("  sagin train --model \(name) --data models/train.csv --out models/\(name).safetensors\(stepArgs.isEmpty ? "" : " --steps \(modelSteps!)")")
                let train = try TrainCommand.parse(["--model", name, "--data", csv, "--out", file, "--seed", "1"] + stepArgs + (quiet ? ["--quiet"] : []))
                try train.run()
                if name == "gdm" {
                    let map = "\(staging)/models/gdm-map"
                    say("  sagin map --topology \(topology) --scene \(sceneArgument) --model models/gdm.safetensors --cells \(mapCells) --out models/gdm-map")
                    let mapCommand = try MapCommand.parse(["--topology", topology, "--scene", sceneArgument, "--model", file,
                                                           "--cells", "\(mapCells)", "--out", map])
                    try mapCommand.run()
                    models[name] = map
                } else {
                    models[name] = file
                }
                trained[name] = "models/" + (name == "gdm" ? "gdm-map" : "\(name).safetensors")
            }
        }

        // One context (nodes, scene, truth) shared by every run; each channel swaps the belief only.
        let base: PowerAllocationContext
        do { base = try PowerAllocationContext(topology: topo, channel: "oracle") } catch { throw ValidationError("\(error)") }
        let evalSeeds = (0 ..< evalEpisodes).map { UInt64(2_000_001 + $0) }
        var results: [CompareRun] = []
        for name in names {
            let belief: PowerAllocationBelief
            do {
                belief = try PowerAllocationContext.belief(named: name, model: models[name], seed: topo.scenario.seed,
                                                           file: topo.sourcePath, keyPath: "--channels")
            } catch { throw ValidationError("\(error)") }
            let context = base.with(belief: belief)
            let choice = EnvironmentChoice(name: "SaginPowerAllocation-v0", make: { PowerAllocationEnvironment(context: context) },
                                           settings: c, defaultSteps: total)
            for seed in 1 ... UInt64(seeds) {
                let runFolder = "\(staging)/runs/\(name)-seed\(seed)"
                try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
                let result = try trainPPO(choice, settings: c, steps: total, seed: seed, resume: nil, folder: runFolder,
                                          evaluationSeeds: [], label: "\(name) seed \(seed)", quiet: quiet)
                let evaluation = Self.evaluate(result.trainer, make: choice.make, seeds: evalSeeds)
                results.append(CompareRun(channel: name, seed: seed, history: result.trainer.history, evaluation: evaluation))
                say(String(format: "%@ seed %llu: evaluated return %.3f (equal power %.3f), training %.1f s", name, seed,
                           evaluation.meanReturn, evaluation.meanEqualPowerReturn, result.trainer.history.last?.wallTime ?? 0))
            }
        }

        let comparison = CompareRun.comparisonCSV(results, channels: names)
        try folder.write("comparison.csv", contents: comparison)
        try folder.write("curves.csv", contents: CompareRun.curvesCSV(results))
        try folder.write("reward_curves.svg", contents: CompareRun.curvesSVG(results, channels: names, scenario: topo.scenario.name,
                                                                              window: c.smoothingWindow))
        let summary: [String: Any] = [
            "topology": topology, "scenario": topo.scenario.name, "channels": names, "seeds": seeds, "steps_per_run": total,
            "evaluation_seeds": evalSeeds.map { Int($0) }, "settings": try settingsJSON(c),
            "models_given": models.filter { trained[$0.key] == nil }, "models_trained_here": trained,
            "blas_core": BLAS.coreName, "environment": ["users": topo.rl.users, "episode_steps": topo.rl.episodeSteps,
                                                        "reward": topo.rl.reward.rawValue, "serving": topo.rl.serving],
        ]
        try folder.write("summary.json", contents: jsonText(summary))
        let path = try folder.commit()
        print(comparison, terminator: "")
        if !trained.isEmpty {
            // The training commands above printed paths inside the staging folder; this is where they are now.
            print("models trained here: \(trained.keys.sorted().map { "\(path)/\(trained[$0]!)" }.joined(separator: ", "))")
        }
        print("results: \(path)/ (comparison.csv, curves.csv, reward_curves.svg, runs/, summary.json)")
    }

    static func sceneArgument(_ scene: RLScene) -> String {
        switch scene {
        case .seed(let s): "\(s)"
        case .file(let p): p
        }
    }

    /// The city learned channel models are trained on: another generated city than the one the agent
    /// works in (seed + 1000), or the scene file itself when the scene is a file.
    static func trainingScene(_ scene: RLScene) -> String {
        switch scene {
        case .seed(let s): "\(s &+ 1000)"
        case .file(let p): p
        }
    }

    /// Deterministic-policy episodes from each seed: return, the equal-power baseline's return on the
    /// same truth, the mean true sum rate per step and outages per step.
    static func evaluate(_ trainer: PPOTrainer, make: () -> any RLEnvironment, seeds: [UInt64]) -> CompareRun.Evaluation {
        let env = make()
        var returns: [Double] = [], equal: [Double] = [], rate = 0.0, outages = 0.0, steps = 0
        var losAgreement = 0, judged = 0, squaredError = 0.0
        for seed in seeds {
            var observation = env.reset(seed: seed)
            var total = 0.0, baseline = 0.0
            while true {
                // How well the belief the agent sees matches the truth its action is rewarded on.
                if let power = env as? PowerAllocationEnvironment, power.epoch.access {
                    for user in power.epoch.users {
                        let trueLOS = user.truth.isLOS ?? (user.truth.losProbability >= 0.5)
                        if (user.belief.losProbability >= 0.5) == trueLOS { losAgreement += 1 }
                        let e = user.belief.totalPathLossDb - user.truth.totalPathLossDb
                        squaredError += e * e
                        judged += 1
                    }
                }
                let r = env.step(trainer.act(observation))
                total += r.reward
                baseline += r.info["equal_power_reward"] ?? .nan
                rate += r.info["true_sum_rate"] ?? .nan
                outages += r.info["outages"] ?? .nan
                steps += 1
                if r.done { break }
                observation = r.observation
            }
            returns.append(total)
            equal.append(baseline)
        }
        return CompareRun.Evaluation(returns: returns, equalPowerReturns: equal, meanSumRate: rate / Double(steps),
                                     meanOutages: outages / Double(steps),
                                     beliefLOSAccuracy: judged == 0 ? .nan : Double(losAgreement) / Double(judged),
                                     beliefPathLossRMSE: judged == 0 ? .nan : (squaredError / Double(judged)).squareRoot())
    }
}

/// One (channel, seed) run of a comparison.
struct CompareRun {
    struct Evaluation {
        var returns: [Double]
        var equalPowerReturns: [Double]
        var meanSumRate: Double
        var meanOutages: Double
        /// Share of (user, epoch) pairs where the belief's LOS probability ≥ 0.5 matches the true state.
        var beliefLOSAccuracy: Double
        /// RMS difference between the belief's and the truth's total path loss, dB.
        var beliefPathLossRMSE: Double
        var meanReturn: Double { returns.reduce(0, +) / Double(returns.count) }
        var meanEqualPowerReturn: Double { equalPowerReturns.reduce(0, +) / Double(equalPowerReturns.count) }
    }

    var channel: String
    var seed: UInt64
    var history: [PPOIterationStats]
    var evaluation: Evaluation

    static let comparisonColumns = ["channel", "seeds", "eval_return_mean", "eval_return_std", "eval_return_min", "eval_return_max",
                                    "equal_power_return", "gain_over_equal_power", "eval_sum_rate_mean", "eval_outages_per_step",
                                    "train_return_mean", "train_return_std", "env_steps", "train_time_s_mean",
                                    "belief_los_accuracy", "belief_path_loss_rmse_db"]

    static func meanStd(_ x: [Double]) -> (mean: Double, std: Double) {
        let m = x.reduce(0, +) / Double(x.count)
        // Sample standard deviation across seeds (n − 1), 0 for one seed.
        let s = x.count > 1 ? (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot() : 0
        return (m, s)
    }


    static func g(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "" }

    static func comparisonCSV(_ runs: [CompareRun], channels: [String]) -> String {
        var lines = [comparisonColumns.joined(separator: ",")]
        for name in channels {
            let rs = runs.filter { $0.channel == name }
            guard !rs.isEmpty else { continue }
            let eval = meanStd(rs.map(\.evaluation.meanReturn))
            let equal = meanStd(rs.map(\.evaluation.meanEqualPowerReturn)).mean
            let train = meanStd(rs.map { $0.history.last?.smoothedReturn ?? .nan })
            let perRun = rs.map(\.evaluation.meanReturn)
            lines.append([name, "\(rs.count)", g(eval.mean), g(eval.std), g(perRun.min()!), g(perRun.max()!), g(equal),
                          g(eval.mean - equal), g(rs.map(\.evaluation.meanSumRate).reduce(0, +) / Double(rs.count)),
                          g(rs.map(\.evaluation.meanOutages).reduce(0, +) / Double(rs.count)), g(train.mean), g(train.std),
                          "\(rs[0].history.last?.environmentSteps ?? 0)",
                          String(format: "%.1f", rs.map { $0.history.last?.wallTime ?? 0 }.reduce(0, +) / Double(rs.count)),
                          g(rs[0].evaluation.beliefLOSAccuracy), g(rs[0].evaluation.beliefPathLossRMSE)]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func curvesCSV(_ runs: [CompareRun]) -> String {
        var lines = ["channel,seed,iteration,env_steps,mean_episode_return,smoothed_return,cumulative_reward"]
        for r in runs {
            for s in r.history {
                lines.append("\(r.channel),\(r.seed),\(s.iteration),\(s.environmentSteps),\(g(s.meanEpisodeReturn ?? .nan)),\(g(s.smoothedReturn ?? .nan)),\(g(s.cumulativeReward))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func curvesSVG(_ runs: [CompareRun], channels: [String], scenario: String, window: Int) -> String {
        let x = (runs.first?.history ?? []).map { Double($0.environmentSteps) }
        let series: [SVGChart.Series] = channels.compactMap { name in
            let rs = runs.filter { $0.channel == name }
            guard !rs.isEmpty else { return nil }
            var mean: [Double] = [], lower: [Double] = [], upper: [Double] = []
            for i in x.indices {
                let v = rs.compactMap { i < $0.history.count ? $0.history[i].smoothedReturn : nil }
                guard !v.isEmpty else { mean.append(.nan); lower.append(.nan); upper.append(.nan); continue }
                let ms = meanStd(v)
                mean.append(ms.mean); lower.append(ms.mean - ms.std); upper.append(ms.mean + ms.std)
            }
            return SVGChart.Series(name: name, values: mean, bandLower: lower, bandUpper: upper)
        }
        return SVGChart.lines(title: "\(scenario): episode return (mean of last \(window) episodes), mean ± std over seeds",
                              x: x, series: series, xLabel: "environment steps", yLabel: "episode return", markers: x.count <= 40)
    }
}
