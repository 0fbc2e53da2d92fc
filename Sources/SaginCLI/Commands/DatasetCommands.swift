import ArgumentParser
import Channels
import Foundation
import Scenario
import SimCore

/// Options shared by the commands that put a topology over an urban scene.
struct SceneArguments: ParsableArguments {
    @Option(help: "Topology file (YAML); its area (or first user) centres the scene, its environment picks the preset.")
    var topology: String

    @Option(help: "A seed (whole number) for a generated ITU-R P.1410 city, or a .pgm/.png height map or .csv of footprints.")
    var scene: String

    @Option(help: "Side of a generated or footprint scene, metres.")
    var sceneSizeM: Double = 2000

    @Option(help: "Cell size, metres (also the resolution of a height-map file).")
    var resolutionM: Double = 1

    @Option(help: "P.1410 preset of a generated city: suburban, urban, dense-urban, high-rise (default: from scenario.environment).")
    var preset: String?

    @Option(help: "Metres per grey level of a height-map file (default: 0.1 for PGM; the PNG's own sagin scale).")
    var metresPerLevel: Double?

    func load() throws -> (topology: Topology, scene: UrbanScene, label: String) {
        let topo: Topology
        do {
            topo = try TopologyLoader.load(path: topology)
        } catch {
            throw CLIError("\(error)")
        }
        var options = SceneSource.Options()
        options.sizeMeters = sceneSizeM
        options.resolutionMeters = resolutionM
        options.preset = preset
        options.metresPerLevel = metresPerLevel
        do {
            let (scene, label) = try SceneSource(argument: scene).make(topology: topo, options: options)
            return (topo, scene, label)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// An error printed as `error: <message>` with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning a thrown error into `error: …` on stderr and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// `sagin dataset`: labelled link samples (features + true LOS and path loss) over an urban scene.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Write labelled link samples (observable features, true LOS/NLOS, true path loss) as CSV.",
        discussion: """
        Each row: an instant drawn over the scenario, a street-level receiver on the scene, one satellite,
        HAP or UAV above its link's minimum elevation; the truth channel over the scene and the features a
        receiver would measure (received power, SNR, excess delay, RMS delay spread, K-factor, resolvable
        paths, elevation, azimuth, built-up fraction, mean building height; with measurement noise).
        Two scene seeds give a training city and a held-out test city:
          sagin dataset --topology Topologies/default.yaml --scene 1 --samples 20000 --out train.csv
          sagin dataset --topology Topologies/default.yaml --scene 2 --samples 5000 --out test.csv
        Columns are documented in docs/ground-truth.md. Same inputs and seed, same file byte for byte.
        """
    )

    @OptionGroup var scene: SceneArguments

    @Option(help: "Number of rows.")
    var samples: Int

    @Option(help: "Output CSV file (written under a temporary name, renamed at the end).")
    var out: String

    @Option(help: "Seed of the draws and the ground truth (default: the topology's scenario.seed).")
    var seed: UInt64?

    @Option(help: "Receivers drawn per instant.")
    var perInstant: Int = 16

    @Option(help: "Multiplies every measurement-noise level (power 1 dB, delays 5 %, angles 0.1°, context, PDP 1 dB) — e.g. 5 for a harder dataset.")
    var measurementNoise: Double = 1

    func run() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1, found \(samples)") }
        guard perInstant >= 1 else { throw ValidationError("--per-instant must be at least 1, found \(perInstant)") }
        try reportingErrors {
            let (topo, city, label) = try scene.load()
            var options = ChannelDataset.Options(samples: samples, seed: seed ?? topo.scenario.seed)
            options.samplesPerInstant = perInstant
            options.measurementNoiseScale = measurementNoise
            let start = Clock.seconds()
            let result = try ChannelDataset.write(topology: topo, scene: city, sceneLabel: label, options: options, to: out)
            print("dataset: \(result.rows) samples over \(label) (\(city.width)×\(city.height) cells of \(city.resolutionMeters) m, built-up \(String(format1: city.builtUpFraction * 100)) %) at \(result.instants) instants")
            print("  LOS \(String(format1: result.losFraction * 100)) %, wall \(String(format1: Clock.seconds() - start)) s")
            print("results: \(result.path)")
        }
    }
}

/// `sagin channel-map`: the truth channel information map of a scene at one instant.
struct ChannelMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel-map",
        abstract: "Write the LOS fraction per cell and each cell's sky LOS mask (CSV and PNG) for one instant.",
        discussion: """
        For a grid of cells over the scene and the satellites and HAPs in view at --time, writes into --out:
        map.csv (LOS fraction of the street-level links per cell), sky.csv (per cell, the fraction of its
        street points with a clear ray towards each azimuth/elevation bin centre), map.png (the LOS
        fraction as a grey heat map, north up) and scene.png (building heights). See docs/ground-truth.md.
          sagin channel-map --topology Topologies/default.yaml --scene 1 --time 10min --out cim-10min
        """
    )

    @OptionGroup var scene: SceneArguments

    @Option(help: "Output folder (must not exist).")
    var out: String

    @Option(help: "Instant since the scenario epoch (e.g. 0s, 10min).")
    var time: DurationArgument = DurationArgument(.zero)

    @Option(help: "Cell size, metres.")
    var cellM: Double = 100

    @Option(help: "Receivers per cell side (street points of a regular sub-grid).")
    var probes: Int = 4

    @Option(help: "Azimuth bins of the sky mask.")
    var azimuthBins: Int = 36

    @Option(help: "Elevation bins of the sky mask (over 0–90°).")
    var elevationBins: Int = 9

    func run() throws {
        guard cellM > 0 else { throw ValidationError("--cell-m must be positive, found \(cellM)") }
        guard probes >= 1, azimuthBins >= 1, elevationBins >= 1 else {
            throw ValidationError("--probes, --azimuth-bins and --elevation-bins must be at least 1")
        }
        try reportingErrors {
            let (topo, city, label) = try scene.load()
            var options = ChannelMap.Options()
            options.time = time.value
            options.cellMeters = cellM
            options.probesPerSide = probes
            options.azimuthBins = azimuthBins
            options.elevationBins = elevationBins
            let r = try ChannelMap.write(topology: topo, scene: city, options: options, to: out)
            print("channel map: \(label) at \(time.value), \(r.upperNodesInView) satellites/HAPs in view, \(r.cells) cells (\(r.cellsWithLinks) with street links)")
            print("  LOS fraction over all links \(String(format1: r.losFraction * 100)) %")
            print("results: \(r.folder)/map.csv, sky.csv, map.png, scene.png")
        }
    }
}

/// `sagin scene`: build or load a scene and write it as an image.
struct SceneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scene",
        abstract: "Write an urban scene (generated from a seed or loaded) as a PNG or 16-bit PGM height map.",
        discussion: """
        PNG: 8-bit grey, the tallest building white, the scale in a tEXt chunk (sagin:metres-per-level);
        PGM: 16-bit, decimetres per level. Both north up. Prints the scene's P.1410 statistics.
          sagin scene --topology Topologies/default.yaml --scene 1 --out city.png
        """
    )

    @OptionGroup var scene: SceneArguments

    @Option(help: "Output image, .png or .pgm.")
    var out: String

    func run() throws {
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ext == "png" || ext == "pgm" else { throw ValidationError("--out must end in .png or .pgm, found '\(out)'") }
        try reportingErrors {
            let (_, city, label) = try scene.load()
            if ext == "png" { try city.writePNG(path: out) } else { try city.writePGM(path: out) }
            let built = city.heights.filter { $0 > 0 }
            let mean = built.isEmpty ? 0 : built.reduce(0) { $0 + Double($1) } / Double(built.count)
            print("scene \(label): \(city.width)×\(city.height) cells of \(city.resolutionMeters) m, built-up \(String(format1: city.builtUpFraction * 100)) %, mean built height \(String(format1: mean)) m, tallest \(String(format1: Double(city.maxHeightMeters))) m")
            print("results: \(out)")
        }
    }
}
