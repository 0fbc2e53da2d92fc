import ArgumentParser
import Channels
import Foundation
import Learn
import Scenario
import SimCore

/// `sagin map`: the GDM channel information map over a scene.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Build the GDM channel information map: LOS/NLOS of every (grid cell, sky direction) of the scene.",
        discussion: """
        Each cell of a --cells × --cells grid over the scene (inside the margin where low rays meet
        buildings) gets a receiver on a street point; for each of --azimuth-bins × --elevation-bands sky
        directions (elevation from the satellite link's minimum to 90°) a virtual satellite at the link's
        altitude is measured from the ground truth (seed --seed, instant --time) and the measurement
        classified by the zero-shot diffusion classifier of --model (a `sagin train --model gdm` file whose
        features are observable link features). Writes into --out: map.json (read by the gdm channel
        provider), map.csv (per cell and direction: LOS probability, predicted and true LOS), map.png
        (grey heat map of the mean LOS probability per cell) and map.svg (the heat map over scene.png).
          sagin map --topology Topologies/default.yaml --scene 1 --model gdm.safetensors --out map
        """
    )

    @OptionGroup var scene: SceneArguments
    @Option(help: "GDM model file (sagin train --model gdm).") var model: String
    @Option(help: "Output folder (must not exist).") var out: String
    @Option(help: "Cells per side of the grid.") var cells: Int = 50
    @Option(help: "Azimuth sectors per cell.") var azimuthBins: Int = 8
    @Option(help: "Elevation bands per cell.") var elevationBands: Int = 4
    @Option(help: "Instant of the virtual measurements since the scenario epoch.") var time: DurationArgument = DurationArgument(.zero)
    @Option(help: "Seed of the ground truth measured.") var seed: UInt64 = 1
    @Option(help: "Measurement-noise multiplier (as the model's training dataset was made).") var measurementNoise: Double = 1
    @Option(help: "Classifier timestep grid size.") var classifierTimesteps: Int = 64
    @Option(help: "Classifier noises per timestep.") var noises: Int = 4
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        guard measurementNoise >= 0, measurementNoise.isFinite else { throw ValidationError("--measurement-noise must be a finite number ≥ 0") }
        guard cells >= 1, azimuthBins >= 1, elevationBands >= 1 else {
            throw ValidationError("--cells, --azimuth-bins and --elevation-bands must be at least 1")
        }
        try reportingErrors {
            let (topo, city, label) = try scene.load()
            let gdm = try DiffusionModel.load(from: model)
            let classifier = try DiffusionClassifier(
                model: gdm, configuration: .grid(classifierTimesteps, noises: noises, modelTimesteps: gdm.configuration.timesteps))
            var options = InformationMapBuilder.Options()
            options.cells = cells
            options.azimuthBins = azimuthBins
            options.elevationBands = elevationBands
            options.time = time.value
            options.seed = seed
            options.measurementNoiseScale = measurementNoise
            let progress = TrainingProgress(prefix: "map: ", quiet: quiet)
            let r = try InformationMapBuilder.build(topology: topo, scene: city, classifier: classifier, options: options,
                                                    to: out) { done, total in
                progress.show("classified \(done)/\(total)")
            }
            progress.finish()
            print("gdm map: \(label), \(cells)×\(cells) cells of \(String(format1: r.map.cellMeters)) m × \(r.map.directions) directions; \(r.classified) measured (cells without a street point are empty)")
            print("  measuring \(String(format4: r.measureSeconds)) s, classifying \(String(format4: r.classifySeconds)) s")
            print("  agreement with the truth's LOS state \(String(format4: r.accuracy)) (truth LOS share \(String(format4: r.truthLOSFraction)))")
            print("results: \(r.folder)/map.json, map.csv, map.png, map.svg, scene.png")
        }
    }
}
