import ArgumentParser
import Channels
import Foundation
import Learn
import Scenario
import SimCore

/// `sagin bench gdm`: the GDM figures on this machine.
struct GDMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gdm",
        abstract: "GDM training, zero-shot classification, map building and map lookup throughput.",
        discussion: """
        Writes a training dataset (--train-samples, scene seed 1) and a held-out test dataset
        (--test-samples, scene seed 2) of --topology with `sagin dataset`'s generator (dataset seed 9)
        into a temporary folder, then times: (a) training the GDM (--steps, default model settings) on
        the ten observable link features; (b) fitting the prior correction and classifying the test
        links zero-shot (accuracy against the truth); (c) building a --cells × --cells map with
        --directions sky directions (8 azimuths × 4 elevation bands) over scene seed 3; (d) lookups in
        that map (random points and directions, --queries). Targets: (a) < 3 min for 20,000 samples,
        (b) < 30 s for 10,000 links, (c) < 5 min for 50 × 50 × 32, (d) ≥ 1 M queries/s.
        """
    )

    @Option(help: "Topology of the datasets and the map.") var topology: String = "Topologies/default.yaml"
    @Option(help: "Training samples.") var trainSamples: Int = 20_000
    @Option(help: "Test links classified.") var testSamples: Int = 10_000
    @Option(help: "GDM training steps.") var steps: Int = 6000
    @Option(help: "Map cells per side.") var cells: Int = 50
    @Option(help: "Map lookups timed.") var queries: Int = 10_000_000
    @Option(help: "OpenBLAS threads.") var threads: Int = 1
    @Option(help: "Keep the temporary folder (datasets, model, map) here instead of deleting it.") var keep: String?

    static let features = ["rx_power_dbw", "snr_db", "excess_delay_s", "rms_delay_spread_s", "k_factor_db",
                           "resolvable_paths", "elevation_deg", "azimuth_deg", "built_up_fraction", "mean_building_height_m"]

    func run() throws {
        guard trainSamples > 0, testSamples > 0, steps >= 0, cells >= 1, queries >= 1, threads >= 1 else {
            throw ValidationError("sizes must be positive")
        }
        try reportingErrors {
            BLAS.setThreads(threads)
            print("OpenBLAS core: \(BLAS.coreName), threads \(threads)")
            let folder = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("sagin-bench-gdm-\(getpid())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
            let topo = try TopologyLoader.load(path: topology)
            func scene(_ seed: Int) throws -> UrbanScene { try SceneSource(argument: "\(seed)").make(topology: topo, options: .init()).scene }
            let trainPath = folder + "/train.csv", testPath = folder + "/test.csv"
            _ = try ChannelDataset.write(topology: topo, scene: try scene(1), sceneLabel: "seed-1",
                                         options: .init(samples: trainSamples, seed: 9), to: trainPath)
            _ = try ChannelDataset.write(topology: topo, scene: try scene(2), sceneLabel: "seed-2",
                                         options: .init(samples: testSamples, seed: 9), to: testPath)
            let train = try LabelledTable.load(path: trainPath, label: "los", features: Self.features)
            let test = try LabelledTable.load(path: testPath, label: "los", features: Self.features)

            var config = DiffusionModel.Configuration()
            config.steps = steps
            let model = try DiffusionModel(configuration: config, dataDimension: Self.features.count, classCount: 2, seed: 1)
            model.featureNames = Self.features
            var t0 = Clock.seconds()
            model.train(data: DatasetColumns.tensor(train), labels: train.labels)
            let trainSeconds = Clock.seconds() - t0
            print("(a) training: \(trainSamples) samples, \(steps) steps of \(config.batchSize): \(String(format1: trainSeconds)) s   (target < 180 s for 20,000)")

            let classifier = try DiffusionClassifier(model: model)
            t0 = Clock.seconds()
            classifier.calibrate(data: DatasetColumns.tensor(train), labels: train.labels)
            let calibrateSeconds = Clock.seconds() - t0
            t0 = Clock.seconds()
            let result = classifier.classify(DatasetColumns.tensor(test))
            let classifySeconds = Clock.seconds() - t0
            let metrics = BinaryMetrics(truth: test.labels, predicted: result.labels)
            print("(b) zero-shot: prior correction \(String(format1: calibrateSeconds)) s; \(testSamples) links in \(String(format1: classifySeconds)) s (\(String(format1: Double(testSamples) / classifySeconds)) links/s, \(String(format1: result.rowsPerInput)) network rows per link), accuracy \(String(format4: metrics.accuracy))   (target < 30 s for 10,000)")
            try model.save(to: folder + "/gdm.safetensors")

            var options = InformationMapBuilder.Options()
            options.cells = cells
            t0 = Clock.seconds()
            let map = try InformationMapBuilder.build(topology: topo, scene: try scene(3), classifier: classifier,
                                                      options: options, to: folder + "/map")
            let mapSeconds = Clock.seconds() - t0
            print("(c) map: \(cells)×\(cells) cells × \(map.map.directions) directions, \(map.classified) measured: \(String(format1: mapSeconds)) s (measure \(String(format1: map.measureSeconds)) s, classify \(String(format1: map.classifySeconds)) s), agreement with the truth \(String(format4: map.accuracy))   (target < 300 s for 50 × 50 × 32)")

            // Random queries inside the grid, generated before timing.
            let rng = RandomStreams(seed: 1).stream("bench/map-queries")
            let m = map.map
            let n = min(queries, 1 << 20)
            let xs = (0 ..< n).map { _ in m.x0 + rng.uniform() * m.cellMeters * Double(m.columns) }
            let ys = (0 ..< n).map { _ in m.y0 + rng.uniform() * m.cellMeters * Double(m.rows) }
            let els = (0 ..< n).map { _ in m.elevationEdges[0] + rng.uniform() * (90 - m.elevationEdges[0]) }
            let azs = (0 ..< n).map { _ in rng.uniform() * 360 }
            var sum: Float = 0, hits = 0
            t0 = Clock.seconds()
            for q in 0 ..< queries {
                let i = q % n
                if let v = m.losProbability(east: xs[i], north: ys[i], elevationDeg: els[i], azimuthDeg: azs[i]) { sum += v; hits += 1 }
            }
            let lookupSeconds = Clock.seconds() - t0
            print("(d) map lookups: \(queries) in \(String(format4: lookupSeconds)) s = \(String(format1: Double(queries) / lookupSeconds / 1e6)) M queries/s (\(hits) with a value, checksum \(sum))   (target ≥ 1 M/s)")
            if let keep { print("files: \(keep)") }
        }
    }
}
