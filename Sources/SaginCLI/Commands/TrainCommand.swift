import ArgumentParser
import Channels
import Foundation
import Learn
import SimCore

/// Columns of `sagin dataset` files that are keys or parts of the truth, not observations: left out
/// of the default feature set of `sagin train` and `sagin classify` (name features explicitly with
/// `--features` to use them).
enum DatasetColumns {
    static let notObservable: Set<String> = [
        "sample", "time_s", "receiver_x_m", "receiver_y_m", "receiver_lat_deg", "receiver_lon_deg", "frequency_hz",
        "path_loss_db", "free_space_loss_db", "excess_loss_db", "slant_range_m",
    ]

    /// Loads a labelled CSV with `--features` (comma-separated) or the default observable columns.
    static func load(path: String, label: String, features: String?) throws -> LabelledTable {
        let wanted = features?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return try LabelledTable.load(path: path, label: label, features: wanted, excluding: notObservable)
    }

    static func tensor(_ t: LabelledTable) -> Tensor {
        Tensor(shape: [t.rows, t.featureNames.count], values: t.features)
    }
}

/// Writes `text` to `path` through a temporary file in the same directory (no half-written file).
func writeAtomically(_ text: String, to path: String) throws {
    let tmp = path + ".partial-\(getpid())"
    try text.write(toFile: tmp, atomically: false, encoding: .utf8)
    if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    try FileManager.default.moveItem(atPath: tmp, toPath: path)
}

/// A training progress line on standard error: rewritten in place on a terminal, one line per log
/// row otherwise.
struct TrainingProgress {
    let prefix: String
    let interactive = isatty(2) != 0
    var quiet = false

    func show(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((interactive ? "\r\(prefix)\(text)\u{1B}[K" : "\(prefix)\(text)\n").utf8))
    }

    func finish() {
        guard !quiet, interactive else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// `sagin train`: trains a generative channel model on a labelled CSV.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a generative channel model (gdm, gan, vae) on a labelled CSV.",
        discussion: """
        gdm: a class-conditional denoising diffusion model over the feature columns (--features, default
        every all-numeric column except the label and sagin's key/truth columns), label column --label;
        after training, the zero-shot classifier's prior correction is fitted on the training rows and
        stored in the model file. The loss log (--loss-log, default <out>.loss.csv) has step,loss,seconds.
        gan, vae: a conditional WGAN-GP or VAE of the link's channel state — excess_loss_db, los,
        k_factor_db and log10 of rms_delay_spread_s — given elevation_deg and frequency_hz (in GHz), the
        variables of the gan and vae channel providers; with --scene-context also given built_up_fraction
        and mean_building_height_m. The CSV must have those columns (sagin dataset writes them). Default steps: 4000 generator steps (gan), 10000 (vae). The loss log has the
        model's losses per step.
          sagin train --model gdm --data train.csv --out gdm.safetensors
          sagin train --model gan --data train.csv --out gan.safetensors
        """
    )

    @Option(help: "Model: gdm, gan or vae.") var model: String
    @Option(help: "Training CSV with a header row.") var data: String
    @Option(help: "Model file (safetensors).") var out: String
    @Option(help: "Label column (0/1, true/false or los/nlos).") var label: String = "los"
    @Option(help: "Comma-separated feature columns (default: every all-numeric column but the label and sagin's key/truth columns).")
    var features: String?
    @Option(help: "Loss log CSV (default: <out>.loss.csv).") var lossLog: String?
    @Option(help: "Optimiser steps (default: the model's, 6000 for gdm).") var steps: Int?
    @Option(help: "Mini-batch size (default: the model's).") var batchSize: Int?
    @Option(help: "Learning rate (default: the model's).") var learningRate: Float?
    @Option(help: "gdm: diffusion steps T.") var timesteps: Int = 1000
    @Option(help: "gdm: hidden widths, dash-separated.") var hidden: String = "256-256-256"
    @Option(help: "gdm: width of the time and label embeddings (even).") var timeDimension: Int = DiffusionModel.Configuration().timeDimension
    @Option(help: "Seed of the initial weights, batches and noise.") var seed: UInt64 = 1
    @Flag(help: "gan, vae: also condition on the receiver's scene context (built_up_fraction, mean_building_height_m).") var sceneContext = false
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        guard ["gdm", "gan", "vae"].contains(model) else {
            throw ValidationError("--model: expected gdm, gan or vae, found '\(model)'")
        }
        if steps.map({ $0 < 0 }) ?? false { throw ValidationError("--steps must be ≥ 0") }
        if model != "gdm" {
            try reportingErrors { try trainChannelModel() }
            return
        }
        let widths = hidden.split(separator: "-").map { Int($0) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--hidden: expected positive widths separated by '-', found '\(hidden)'")
        }
        try reportingErrors {
            let table = try DatasetColumns.load(path: data, label: label, features: features)
            var config = DiffusionModel.Configuration(timesteps: timesteps, timeDimension: timeDimension, hidden: widths.map { $0! })
            if let steps { config.steps = steps }
            if let batchSize { config.batchSize = batchSize }
            if let learningRate { config.learningRate = learningRate }
            let classes = (table.labels.max() ?? 0) + 1
            let gdm = try DiffusionModel(configuration: config, dataDimension: table.featureNames.count,
                                         classCount: max(classes, 2), seed: seed)
            gdm.featureNames = table.featureNames
            print("train gdm: \(table.rows) rows, \(table.featureNames.count) features (\(table.featureNames.joined(separator: ", "))), label '\(label)', \(config.steps) steps of \(config.batchSize)")
            let progress = TrainingProgress(prefix: "train gdm: ", quiet: quiet)
            let log = gdm.train(data: DatasetColumns.tensor(table), labels: table.labels) { row in
                progress.show("step \(row.step)/\(config.steps)  loss \(String(format4: row.loss))  \(String(format4: row.seconds)) s")
            }
            progress.finish()
            let t0 = Clock.seconds()
            let classifier = try DiffusionClassifier(model: gdm, configuration: .grid(modelTimesteps: config.timesteps))
            let s = classifier.calibrate(data: DatasetColumns.tensor(table), labels: table.labels)
            classifier.storeCalibration()
            print("train gdm: prior correction fitted on \(min(table.rows, 1000)) rows in \(String(format4: Clock.seconds() - t0)) s: s = \(s), log priors \(classifier.logPriors.map { String(format4: $0) }.joined(separator: ", "))")
            try gdm.save(to: out)
            let logPath = lossLog ?? out + ".loss.csv"
            try writeAtomically("step,loss,seconds\n" + log.map { "\($0.step),\($0.loss),\($0.seconds)" }.joined(separator: "\n") + "\n",
                                to: logPath)
            print("model: \(out)\nloss log: \(logPath)\ntrain time: \(String(format4: log.last?.seconds ?? 0)) s")
        }
    }

    /// The generated variables and conditions of the gan/vae providers from a dataset CSV.
    static func channelVariables(path: String, sceneContext: Bool) throws -> (x: Tensor, c: Tensor) {
        let columns = ["excess_loss_db", "k_factor_db", "rms_delay_spread_s", "elevation_deg", "frequency_hz"]
            + (sceneContext ? GenerativeChannelProvider.contextColumns : [])
        let t = try LabelledTable.load(path: path, label: "los", features: columns)
        var x: [Float] = [], c: [Float] = []
        for i in 0 ..< t.rows {
            let r = t.row(i)
            let ds = r[r.startIndex + 2]
            guard ds > 0 else {
                throw CLIError("\(path):\(i + 2): rms_delay_spread_s: must be positive (its log10 is modelled), found \(ds)")
            }
            x += [r[r.startIndex], Float(t.labels[i]), r[r.startIndex + 1], log10(ds)]
            c += [r[r.startIndex + 3], r[r.startIndex + 4] / 1e9]
            if sceneContext { c += [r[r.startIndex + 5], r[r.startIndex + 6]] }
        }
        return (Tensor(shape: [t.rows, 4], values: x), Tensor(shape: [t.rows, sceneContext ? 4 : 2], values: c))
    }

    func trainChannelModel() throws {
        let (x, c) = try Self.channelVariables(path: data, sceneContext: sceneContext)
        let k = c.columns
        let logPath = lossLog ?? out + ".loss.csv"
        let progress = TrainingProgress(prefix: "train \(model): ", quiet: quiet)
        let start = Clock.seconds()
        var csv: String
        let conditions = GenerativeChannelProvider.conditionColumns + (sceneContext ? GenerativeChannelProvider.contextColumns : [])
        print("train \(model): \(x.shape[0]) rows; generates \(GenerativeChannelProvider.targetColumns.joined(separator: ", ")) given \(conditions.joined(separator: ", "))")
        if model == "gan" {
            var config = ConditionalWGAN.Configuration()
            if let batchSize { config.batchSize = batchSize }
            if let learningRate { config.learningRate = Double(learningRate) }
            config.logInterval = 50
            let n = steps ?? 4000
            let gan = try ConditionalWGAN(configuration: config, dataDimension: 4, conditionDimension: k, seed: seed)
            let log = try gan.train(x: x, c: c, steps: n) { row in
                progress.show("step \(row.step)/\(n)  critic \(String(format4: row.criticLoss))  W \(String(format4: row.wassersteinEstimate))  \(String(format1: Clock.seconds() - start)) s")
            }
            csv = ConditionalWGAN.TrainingLogRow.csvHeader + "\n" + log.map(\.csvLine).joined(separator: "\n") + "\n"
            progress.finish()
            try gan.save(to: out)
        } else {
            var config = ConditionalVAE.Configuration()
            if let batchSize { config.batchSize = batchSize }
            if let learningRate { config.learningRate = Double(learningRate) }
            config.logInterval = 50
            let n = steps ?? 10_000
            let vae = try ConditionalVAE(configuration: config, dataDimension: 4, conditionDimension: k, seed: seed)
            let log = try vae.train(x: x, c: c, steps: n) { row in
                progress.show("step \(row.step)/\(n)  loss \(String(format4: row.totalLoss))  \(String(format1: Clock.seconds() - start)) s")
            }
            csv = ConditionalVAE.TrainingLogRow.csvHeader + "\n" + log.map(\.csvLine).joined(separator: "\n") + "\n"
            progress.finish()
            try vae.save(to: out)
        }
        try writeAtomically(csv, to: logPath)
        print("model: \(out)\nloss log: \(logPath)\ntrain time: \(String(format4: Clock.seconds() - start)) s")
    }
}
