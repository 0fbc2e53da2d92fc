import ArgumentParser
import Foundation
import Learn
import Report
import Scenario
import SimCore

/// `sagin study …`: the case studies as commands.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a case study end to end and write its tables and figures.",
        subcommands: [StudyClassifyCommand.self, StudyPPOCommand.self]
    )
}

/// `sagin study classify`: the LOS/NLOS case study — a train city, a held-out test city, every method.
struct StudyClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "LOS/NLOS classification case study: train city, held-out test city, all methods compared.",
        discussion: """
        1. Generates a train city (--train-scene) and a held-out test city (--test-scene) over --topology and
           draws --train-samples and --test-samples labelled links from the ground truth (sagin dataset,
           seed --dataset-seed).
        2. Trains and scores --methods on the observable features (the ten scalar link features and the
           16 power-delay-profile bins; the cnn takes the bins as its sequence): gdm (zero-shot diffusion
           classifier), knn, gbdt, cnn and the elevation-only TR 38.811 rule.
        3. Denoises the test features with the GDM after adding Gaussian noise of --noise standard
           deviations (deterministic DDIM, --reverse-steps) and records the RMSE at every step; as a
           baseline, an unconditional VAE trained on the training features (--vae-steps) reconstructs
           the same noisy features.
        Writes into --out (a new folder): train.csv, test.csv, comparison.csv and comparison.svg
        (accuracy and F1 per method; train and inference seconds in the CSV), denoising.csv and
        denoising.svg, gdm.safetensors with its loss log, and summary.txt.
          sagin study classify --out study-classify
        """
    )

    @Option(help: "Topology of the cities and links.") var topology: String = "Topologies/default.yaml"
    @Option(help: "Output folder (must not exist).") var out: String = "study-classify"
    @Option(help: "Scene seed of the training city.") var trainScene: Int = 1
    @Option(help: "Scene seed of the held-out test city.") var testScene: Int = 2
    @Option(help: "Training links.") var trainSamples: Int = 20_000
    @Option(help: "Test links.") var testSamples: Int = 10_000
    @Option(help: "Seed of the datasets' draws and ground truth.") var datasetSeed: UInt64 = 9
    @Option(help: "Multiplies every measurement-noise level of the datasets (a harder study above 1).") var measurementNoise: Double = 1
    @Option(help: "Comma-separated methods.") var methods: String = "gdm,knn,gbdt,cnn,empirical"
    @Option(help: "Measurement noise added before denoising, in standard deviations of each feature.") var noise: Double = 0.5
    @Option(help: "DDIM steps of the denoising curve.") var reverseSteps: Int = 10
    @Option(help: "Training steps of the VAE whose reconstruction is the denoising baseline (0: none).") var vaeSteps: Int = 4000
    @OptionGroup var settings: ClassifierSettings

    func run() throws {
        let names = try settings.methodNames(methods)
        guard trainSamples > 0, testSamples > 0 else { throw ValidationError("--train-samples and --test-samples must be positive") }
        guard vaeSteps >= 0 else { throw ValidationError("--vae-steps must be ≥ 0") }
        guard noise > 0, reverseSteps >= 1 else { throw ValidationError("--noise must be positive and --reverse-steps at least 1") }
        guard trainScene != testScene else { throw ValidationError("--train-scene and --test-scene must differ (the test city is held out)") }
        try reportingErrors {
            let topo = try TopologyLoader.load(path: topology)
            // The staging folder is removed if anything fails before the commit.
            let folder = try RunFolder(path: out)
            try study(topology: topo, names: names, folder: folder)
            try folder.commit()
            print("results: \(out)/comparison.csv, comparison.svg, denoising.csv, denoising.svg, summary.txt")
        }
    }

    func study(topology topo: Topology, names: [String], folder: RunFolder) throws {
        let dir = folder.stagingPath
        let trainPath = dir + "/train.csv", testPath = dir + "/test.csv"
        var t0 = Clock.seconds()
        for (seed, samples, path) in [(trainScene, trainSamples, trainPath), (testScene, testSamples, testPath)] {
            let scene = try SceneSource(argument: "\(seed)").make(topology: topo, options: .init()).scene
            var options = ChannelDataset.Options(samples: samples, seed: datasetSeed)
            options.measurementNoiseScale = measurementNoise
            let r = try ChannelDataset.write(topology: topo, scene: scene, sceneLabel: "seed-\(seed)", options: options, to: path)
            print("study: city seed-\(seed): \(r.rows) links, LOS share \(String(format4: r.losFraction))")
        }
        print("study: datasets in \(String(format1: Clock.seconds() - t0)) s")
        let train = try DatasetColumns.load(path: trainPath, label: "los", features: nil)
        let test = try LabelledTable.load(path: testPath, label: "los", features: train.featureNames)
        print("study: \(train.featureNames.count) features (\(train.featureNames.joined(separator: ", ")))")

        var denoising: [DiffusionModel.DenoisingStep] = []
        var vaeRMSE: Double?
        let results = try settings.compare(names, train: train, trainPath: trainPath, test: test, testPath: testPath,
                                           label: "los") { model in
            try model.save(to: dir + "/gdm.safetensors")
            // Noise of `noise` standard deviations per feature, from its own stream.
            t0 = Clock.seconds()
            let clean = DatasetColumns.tensor(test)
            var noisy = clean
            let rng = RandomStreams(seed: datasetSeed).stream("study/denoising-noise")
            let d = model.dataDimension
            for i in 0 ..< noisy.count {
                noisy.values[i] += Float(noise) * model.standardDeviation[i % d] * Float(rng.normal())
            }
            denoising = model.denoise(noisy, noiseStandardDeviation: noise, reverseSteps: reverseSteps, clean: clean).steps
            print("study: denoising \(test.rows) links in \(String(format1: Clock.seconds() - t0)) s, RMSE \(denoising.map { String(format4: $0.iterateRMSE) }.joined(separator: " → "))")
            if vaeSteps > 0 {
                // The same noisy rows through an unconditional VAE of the training features.
                t0 = Clock.seconds()
                let vae = try ConditionalVAE(configuration: .init(), dataDimension: d, conditionDimension: 0, seed: settings.seed)
                let none = { (rows: Int) in Tensor(shape: [rows, 0], values: []) }
                _ = try vae.train(x: DatasetColumns.tensor(train), c: none(train.rows), steps: vaeSteps)
                let reconstructed = model.standardize(try vae.reconstruct(x: noisy, c: none(test.rows)))
                let reference = model.standardize(clean)
                var sum = 0.0
                for i in 0 ..< reference.count { let e = Double(reconstructed.values[i] - reference.values[i]); sum += e * e }
                vaeRMSE = (sum / Double(reference.count)).squareRoot()
                print("study: VAE reconstruction (\(vaeSteps) steps, \(String(format1: Clock.seconds() - t0)) s): RMSE \(String(format4: vaeRMSE!))")
            }
        }
        try folder.write("comparison.csv", contents: ClassifierSettings.report(results))
        try folder.write("comparison.svg", contents: SVGChart.bars(
            title: "LOS/NLOS on a held-out city (train seed-\(trainScene), test seed-\(testScene))",
            categories: results.map(\.method),
            series: [.init(name: "accuracy", values: results.map(\.metrics.accuracy)),
                     .init(name: "F1 (LOS)", values: results.map(\.metrics.f1))],
            yLabel: "score", yRange: 0 ... 1))
        var summary = "sagin study classify: \(topo.sourcePath), train city seed-\(trainScene) (\(trainSamples) links), test city seed-\(testScene) (\(testSamples) links), dataset seed \(datasetSeed), measurement noise ×\(measurementNoise)\n\n"
        summary += ClassifierSettings.table(results) + "\n\n"
        if let best = results.max(by: { $0.metrics.accuracy < $1.metrics.accuracy }) {
            summary += "highest accuracy: \(best.method) (\(String(format4: best.metrics.accuracy)))\n"
        }
        if !denoising.isEmpty {
            var csv = "step,timestep,iterate_rmse,prediction_rmse\n"
            for s in denoising {
                csv += "\(s.index),\(s.timestep),\(s.iterateRMSE),\(s.predictionRMSE.isNaN ? "" : "\(s.predictionRMSE)")\n"
            }
            try folder.write("denoising.csv", contents: csv)
            try folder.write("denoising.svg", contents: SVGChart.lines(
                title: "GDM denoising (noise \(noise) σ, deterministic DDIM)", x: denoising.map { Double($0.index) },
                series: [.init(name: "RMSE of x_t/√ᾱ_t to the clean features", values: denoising.map(\.iterateRMSE)),
                         .init(name: "RMSE of the x̂₀ prediction", values: denoising.map(\.predictionRMSE))]
                    + (vaeRMSE.map { v in [.init(name: "VAE reconstruction", values: denoising.map { _ in v })] } ?? []),
                xLabel: "reverse step", yLabel: "RMSE (standardised units)"))
            summary += "denoising RMSE per reverse step: \(denoising.map { String(format4: $0.iterateRMSE) }.joined(separator: " → "))\n"
            if let vaeRMSE { summary += "VAE reconstruction RMSE of the same noisy features: \(String(format4: vaeRMSE))\n" }
        }
        try folder.write("summary.txt", contents: summary)
    }
}

/// `sagin study ppo`: the channel-model comparison of the PPO power-allocation agent, with the settings
/// that reproduce the published table (docs/rl.md).
struct StudyPPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo",
        abstract: "PPO power-allocation case study: one agent per channel model and seed, evaluated on the truth.",
        discussion: """
        Runs `sagin compare Topologies/ppo-study.yaml --channels empirical,gan,vae,gdm,oracle,blind
        --seeds 3 --steps 150000 --eval-episodes 50 --map-cells 100` into --out: it trains the gan, vae
        and gdm channel models first (20,000 links of a second city; the gdm map, 100 × 100 cells of 20 m,
        over the agent's city) unless given with --channel-model NAME=PATH, then 18 PPO agents. About
        23 minutes on a 2-core machine.
        The output is compare's: comparison.csv, curves.csv, reward_curves.svg, runs/, models/, summary.json.
        """
    )

    @Option(help: "Topology of the study.") var topology: String = "Topologies/ppo-study.yaml"
    @Option(help: "Output folder (must not exist).") var out: String = "study-ppo"
    @Option(help: "Channel models compared.") var channels: String = "empirical,gan,vae,gdm,oracle,blind"
    @Option(help: "Seeds per channel.") var seeds: Int = 3
    @Option(help: "Environment steps per agent.") var steps: Int = 150_000
    @Option(help: "Evaluation episodes per agent.") var evalEpisodes: Int = 50
    @Option(help: "A model for a channel, NAME=PATH (repeatable), instead of training it here.") var channelModel: [String] = []
    @Option(help: "Cells per side of the gdm map built here.") var mapCells: Int = 100
    @Flag(help: "No progress lines.") var quiet = false

    func run() throws {
        var arguments = [topology, "--channels", channels, "--seeds", "\(seeds)", "--steps", "\(steps)",
                         "--eval-episodes", "\(evalEpisodes)", "--map-cells", "\(mapCells)", "--out", out]
        for m in channelModel { arguments += ["--channel-model", m] }
        if quiet { arguments.append("--quiet") }
        print("sagin compare " + arguments.joined(separator: " "))
        let compare = try CompareCommand.parse(arguments)
        try compare.run()
    }
}
