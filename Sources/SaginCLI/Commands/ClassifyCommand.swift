import ArgumentParser
import Channels
import Foundation
import Learn
import Links
import SimCore

/// `sagin classify`: LOS/NLOS (or any 0/1 label) classifiers compared on a train/test split.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train and compare binary classifiers on a labelled CSV train/test split.",
        discussion: """
        Works on any CSV with a header row and a 0/1 label column (also true/false, los/nlos). Features
        are --features, or every all-numeric column except the label and sagin's key and truth columns
        (sample, time_s, receiver_*, frequency_hz, path_loss_db). Methods:
          gdm        zero-shot diffusion classifier: a class-conditional diffusion model trained on the
                     training rows (--gdm-steps, --gdm-timesteps, --seed) or read from --gdm-model, its prior
                     correction fitted on the training rows, then Bayes' rule on the denoising error
                     (--gdm-grid timesteps × --gdm-noises noises)
          knn        k-nearest neighbours on z-scored features (--k)
          gbdt       gradient-boosted trees, second order with histogram splits (--trees, --depth, --learning-rate)
          cnn        1-D CNN over the sequence columns (--sequence-prefix, default pdp_: pdp_00_db, pdp_01_db, …
                     in index order) with the other features as scalar inputs (--epochs, --batch-size,
                     --cnn-learning-rate, --width, --seed)
          empirical  no learning: LOS when the TR 38.811 LOS probability at the row's elevation_deg is at least 0.5
                     (--environment); needs an elevation_deg column in the test file
        Prints and writes (--out) accuracy, precision, recall, F1, the confusion matrix, and training and
        inference time per method.
          sagin classify --train train.csv --test test.csv --methods gdm,knn,gbdt,cnn,empirical
        """
    )

    @Option(help: "Training CSV.") var train: String
    @Option(help: "Test CSV (same columns).") var test: String
    @Option(help: "Comma-separated methods: gdm, knn, gbdt, cnn, empirical.") var methods: String = "knn,gbdt,empirical"
    @Option(help: "Label column (0/1, true/false or los/nlos).") var label: String = "los"
    @Option(help: "Comma-separated feature columns (default: every all-numeric column but the label and sagin's key/truth columns).") var features: String?
    @Option(help: "Results CSV.") var out: String = "classification.csv"
    @OptionGroup var settings: ClassifierSettings

    func run() throws {
        let names = try settings.methodNames(methods)
        try reportingErrors {
            let trainTable = try DatasetColumns.load(path: train, label: label, features: features)
            let testTable = try LabelledTable.load(path: test, label: label, features: trainTable.featureNames)
            print("classify: \(trainTable.rows) training and \(testTable.rows) test rows, \(trainTable.featureNames.count) features (\(trainTable.featureNames.joined(separator: ", "))), label '\(label)'")
            let results = try settings.compare(names, train: trainTable, trainPath: train, test: testTable, testPath: test, label: label)
            let csv = ClassifierSettings.report(results)
            try writeAtomically(csv, to: out)
            print("results: \(out)")
        }
    }
}

/// One method's scores on the test split.
struct MethodResult {
    var method: String
    var metrics: BinaryMetrics
    var trainSeconds: Double
    var inferenceSeconds: Double
}

/// The methods' settings shared by `sagin classify` and `sagin study classify`.
struct ClassifierSettings: ParsableArguments {
    static let knownMethods = ["gdm", "knn", "gbdt", "cnn", "empirical"]

    @Option(help: "Neighbours for knn.") var k: Int = 15
    @Option(help: "Trees for gbdt.") var trees: Int = 100
    @Option(help: "Tree depth for gbdt.") var depth: Int = 6
    @Option(help: "Learning rate (shrinkage) for gbdt.") var learningRate: Double = 0.3
    @Option(help: "Environment of the empirical method: dense-urban, urban, suburban, rural, high-rise.") var environment: String = "urban"
    @Option(help: "Name prefix of the cnn's sequence columns (<prefix><index>[_suffix]).") var sequencePrefix: String = "pdp_"
    @Option(help: "Training epochs for cnn.") var epochs: Int = SequenceCNNClassifier.Configuration().epochs
    @Option(help: "Mini-batch size for cnn.") var batchSize: Int = SequenceCNNClassifier.Configuration().batchSize
    @Option(help: "Adam learning rate for cnn.") var cnnLearningRate: Double = 0.002
    @Option(help: "Hidden units of the cnn's head.") var width: Int = SequenceCNNClassifier.Configuration().width
    @Option(help: "Seed of the cnn's and gdm's weights, batch order and noise.") var seed: UInt64 = 1
    @Option(help: "gdm: a trained model (sagin train --model gdm) instead of training one; its features must be the selected ones.") var gdmModel: String?
    @Option(help: "gdm: training steps.") var gdmSteps: Int = DiffusionModel.Configuration().steps
    @Option(help: "gdm: diffusion steps T.") var gdmTimesteps: Int = DiffusionModel.Configuration().timesteps
    @Option(help: "gdm: hidden widths, dash-separated.") var gdmHidden: String = "256-256-256"
    @Option(help: "gdm: width of the time and label embeddings (even).") var gdmTimeDimension: Int = DiffusionModel.Configuration().timeDimension
    @Option(help: "gdm: classifier timestep grid.") var gdmGrid: Int = 64
    @Option(help: "gdm: classifier noises per timestep.") var gdmNoises: Int = 4

    var gdmWidths: [Int] { gdmHidden.split(separator: "-").compactMap { Int($0) } }

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, found \(k)") }
        guard trees >= 1, depth >= 1 else { throw ValidationError("--trees and --depth must be at least 1") }
        guard epochs >= 1, batchSize >= 1, width >= 1, cnnLearningRate > 0 else {
            throw ValidationError("--epochs, --batch-size and --width must be at least 1 and --cnn-learning-rate positive")
        }
        guard !gdmWidths.isEmpty, gdmWidths.allSatisfy({ $0 > 0 }), gdmWidths.count == gdmHidden.split(separator: "-").count else {
            throw ValidationError("--gdm-hidden: expected positive widths separated by '-', found '\(gdmHidden)'")
        }
        guard gdmSteps >= 0, gdmTimesteps >= 2, gdmGrid >= 1, gdmNoises >= 1 else {
            throw ValidationError("--gdm-steps must be ≥ 0, --gdm-timesteps ≥ 2, --gdm-grid and --gdm-noises ≥ 1")
        }
        guard Links.Environment(rawValue: environment) != nil else {
            throw ValidationError("--environment: expected one of \(Links.Environment.allCases.map(\.rawValue).joined(separator: ", ")), found '\(environment)'")
        }
    }

    /// The comma-separated `methods`, checked.
    func methodNames(_ methods: String) throws -> [String] {
        let names = methods.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for m in names where !Self.knownMethods.contains(m) {
            throw ValidationError("--methods: unknown method '\(m)'; known: \(Self.knownMethods.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw ValidationError("--methods: give at least one method") }
        return names
    }

    /// Trains each method on `train` and scores it on `test`, printing the table.
    func compare(_ names: [String], train trainTable: LabelledTable, trainPath: String, test testTable: LabelledTable,
                 testPath: String, label: String, gdmTrained: ((DiffusionModel) throws -> Void)? = nil) throws -> [MethodResult] {
        // gdmTrained sees the diffusion model after every method has been scored (outside the timings).
        let env = Links.Environment(rawValue: environment)!
        // The cnn's sequence/scalar split, checked before anything is trained.
        let split = try names.contains("cnn") ? ClassifyCommand.sequenceSplit(trainTable, prefix: sequencePrefix, file: trainPath) : nil
        if let split {
            let name = { (j: Int) in trainTable.featureNames[j] }
            print("cnn: sequence of \(split.sequence.count) (\(split.sequence.map(name).joined(separator: ", "))), \(split.scalar.count) scalar inputs (\(split.scalar.map(name).joined(separator: ", ")))")
        }
        func tensor(_ t: LabelledTable) -> Tensor { DatasetColumns.tensor(t) }
        func tensor(_ t: LabelledTable, columns: [Int]) -> Tensor { ClassifyCommand.tensor(t, columns: columns) }
        var results: [MethodResult] = []
        var trainedGDM: DiffusionModel?
        for method in names {
            let t0 = Clock.seconds()
            let predict: () throws -> [Int]
            switch method {
            case "gdm":
                let model: DiffusionModel
                if let gdmModel {
                    model = try DiffusionModel.load(from: gdmModel)
                    guard model.featureNames == trainTable.featureNames else {
                        throw CLIError("\(gdmModel): the model's features (\(model.featureNames.joined(separator: ", "))) are not the selected ones (\(trainTable.featureNames.joined(separator: ", "))); pass --features")
                    }
                } else {
                    model = try DiffusionModel(configuration: .init(timesteps: gdmTimesteps, timeDimension: gdmTimeDimension,
                                                                     hidden: gdmWidths, steps: gdmSteps),
                                               dataDimension: trainTable.featureNames.count,
                                               classCount: 2, seed: seed)
                    model.featureNames = trainTable.featureNames
                    model.train(data: tensor(trainTable), labels: trainTable.labels)
                }
                trainedGDM = model
                let classifier = try DiffusionClassifier(
                    model: model, configuration: .grid(gdmGrid, noises: gdmNoises, modelTimesteps: model.configuration.timesteps))
                classifier.calibrate(data: tensor(trainTable), labels: trainTable.labels)
                predict = { classifier.classify(tensor(testTable)).labels }
            case "knn":
                var model = KNearestNeighbors(k: k, weighted: false, standardize: true)
                model.fit(features: tensor(trainTable), labels: trainTable.labels)
                let fitted = model
                predict = { fitted.predict(tensor(testTable)) }
            case "gbdt":
                var model = GradientBoostedTrees(trees: trees, depth: depth, learningRate: Float(learningRate))
                model.fit(features: tensor(trainTable), labels: trainTable.labels)
                let fitted = model
                predict = { fitted.predict(tensor(testTable)) }
            case "cnn":
                guard let split else { preconditionFailure("cnn without its column split") }
                let model = SequenceCNNClassifier(configuration: .init(
                    epochs: epochs, batchSize: batchSize, learningRate: Float(cnnLearningRate), width: width, seed: seed))
                model.fit(sequences: tensor(trainTable, columns: split.sequence),
                          scalars: split.scalar.isEmpty ? nil : tensor(trainTable, columns: split.scalar),
                          labels: trainTable.labels)
                predict = {
                    model.predict(sequences: tensor(testTable, columns: split.sequence),
                                  scalars: split.scalar.isEmpty ? nil : tensor(testTable, columns: split.scalar))
                }
            default:
                let elevation = try LabelledTable.load(path: testPath, label: label, features: ["elevation_deg"])
                predict = {
                    elevation.features.map { TR38811.losProbability(environment: env, elevationDeg: Double($0)) >= 0.5 ? 1 : 0 }
                }
            }
            let t1 = Clock.seconds()
            let predicted = try predict()
            let t2 = Clock.seconds()
            results.append(MethodResult(method: method, metrics: BinaryMetrics(truth: testTable.labels, predicted: predicted),
                                        trainSeconds: t1 - t0, inferenceSeconds: t2 - t1))
        }
        print(Self.table(results))
        if let trainedGDM { try gdmTrained?(trainedGDM) }
        return results
    }

    /// The printed table.
    static func table(_ results: [MethodResult]) -> String {
        func f(_ v: Double) -> String { String(format4: v) }
        var lines = ["method      accuracy  precision  recall   F1      TP     FP     TN     FN     train s  infer s"]
        for r in results {
            let m = r.metrics
            lines.append([r.method.padding(toLength: 11, withPad: " ", startingAt: 0), f(m.accuracy), "   ", f(m.precision), "   ",
                          f(m.recall), f(m.f1), String(m.truePositives).leftPadded(6), String(m.falsePositives).leftPadded(6),
                          String(m.trueNegatives).leftPadded(6), String(m.falseNegatives).leftPadded(6),
                          f(r.trainSeconds).leftPadded(9), f(r.inferenceSeconds).leftPadded(8)].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// The results CSV.
    static func report(_ results: [MethodResult]) -> String {
        func f(_ v: Double) -> String { String(format4: v) }
        var csv = "method,accuracy,precision,recall,f1,true_positives,false_positives,true_negatives,false_negatives,train_s,inference_s\n"
        for r in results {
            let m = r.metrics
            csv += "\(r.method),\(f(m.accuracy)),\(f(m.precision)),\(f(m.recall)),\(f(m.f1)),\(m.truePositives),\(m.falsePositives),\(m.trueNegatives),\(m.falseNegatives),\(f(r.trainSeconds)),\(f(r.inferenceSeconds))\n"
        }
        return csv
    }
}

extension ClassifyCommand {
    /// The feature columns `columns` (indices into `t.featureNames`) as `[rows, columns.count]`.
    static func tensor(_ t: LabelledTable, columns: [Int]) -> Tensor {
        let d = t.featureNames.count
        var values: [Float] = []
        values.reserveCapacity(t.rows * columns.count)
        for i in 0 ..< t.rows { for j in columns { values.append(t.features[i * d + j]) } }
        return Tensor(shape: [t.rows, columns.count], values: values)
    }

    /// The cnn's inputs among the features: sequence columns `<prefix><index>` or
    /// `<prefix><index>_<suffix>` (e.g. `pdp_03_db`) ordered by index, and every other feature as
    /// a scalar input. Throws, naming `file`, when there is no sequence column or an index repeats.
    static func sequenceSplit(_ t: LabelledTable, prefix: String, file: String) throws -> (sequence: [Int], scalar: [Int]) {
        var indexed: [(position: Int, column: Int)] = []
        var scalar: [Int] = []
        for (j, name) in t.featureNames.enumerated() {
            if name.hasPrefix(prefix) {
                let rest = name.dropFirst(prefix.count)
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, let position = Int(digits), rest.count == digits.count || rest.dropFirst(digits.count).first == "_" {
                    indexed.append((position, j))
                    continue
                }
            }
            scalar.append(j)
        }
        guard !indexed.isEmpty else {
            throw CLIError("\(file): the cnn method needs sequence columns named \(prefix)<index>[_suffix] (e.g. \(prefix)00_db, \(prefix)01_db, …, as `sagin dataset` writes its power-delay-profile bins) among the features; none found (set --sequence-prefix, or --features to include them). Features: \(t.featureNames.joined(separator: ", "))")
        }
        indexed.sort { $0.position < $1.position }
        for (a, b) in zip(indexed, indexed.dropFirst()) where a.position == b.position {
            throw CLIError("\(file): sequence columns \(t.featureNames[a.column]) and \(t.featureNames[b.column]) have the same index")
        }
        return (indexed.map(\.column), scalar)
    }
}

extension String {
    /// Four decimals, locale-free.
    init(format4 v: Double) {
        let scaled = (abs(v) * 10_000).rounded()
        let whole = Int(scaled) / 10_000, frac = Int(scaled) % 10_000
        let f = String(frac)
        self = (v < 0 && scaled > 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 4 - f.count) + f
    }

    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
