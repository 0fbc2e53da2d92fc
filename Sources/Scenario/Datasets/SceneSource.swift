import Foundation
import Channels
import Links
import Orbits
import SimCore

/// Where the urban scene of a dataset or channel map comes from: a seed (a generated ITU-R P.1410
/// city) or a file (PGM or PNG height map, or a CSV of building footprints).
///
/// The scene is centred on the topology's `scenario.area` (its centre), or on its first user when it
/// has no area. A generated city uses the P.1410 preset of `scenario.environment` (rural and
/// suburban → suburban) unless a preset is named, and draws from the stream `scene` of its seed, so
/// two seeds give two different cities (a training city and a held-out test city).
///
/// ```swift
/// let source = SceneSource(argument: "7")              // .generated(seed: 7)
/// let (scene, label) = try source.make(topology: topo, options: SceneSource.Options())
/// ```
public enum SceneSource: Sendable, Hashable {
    case generated(seed: UInt64)
    case file(String)

    public struct Options: Sendable, Hashable {
        /// Side of a generated (or CSV-rasterised) square scene, metres.
        public var sizeMeters: Double = 2000
        /// Cell size, metres (also the resolution of PGM/PNG files).
        public var resolutionMeters: Double = 1
        /// P.1410 preset of a generated city: suburban, urban, dense-urban, high-rise (nil: from the environment).
        public var preset: String?
        /// Metres per grey level of a PGM/PNG file (nil: 0.1 for PGM, the file's own tEXt scale for PNG).
        public var metresPerLevel: Double?

        public init() {}
    }

    /// A decimal integer is a seed; anything else a file path.
    public init(argument: String) {
        if let seed = UInt64(argument) { self = .generated(seed: seed) } else { self = .file(argument) }
    }

    /// The P.1410 preset name for an environment.
    public static func presetName(for environment: Environment) -> String {
        switch environment {
        case .rural, .suburban: "suburban"
        case .urban: "urban"
        case .denseUrban: "dense-urban"
        case .highRiseUrban: "high-rise"
        }
    }

    /// The scene's origin for a topology: the area's centre, else the first user.
    public static func origin(of topology: Topology) throws -> Geodetic {
        switch topology.scenario.area {
        case let .circle(lat, lon, _)?:
            return Geodetic(latitudeDeg: lat, longitudeDeg: lon)
        case let .box(latMin, latMax, lonMin, lonMax)?:
            return Geodetic(latitudeDeg: (latMin + latMax) / 2, longitudeDeg: (lonMin + lonMax) / 2)
        case nil:
            guard let user = topology.users.first?.nodes.first else {
                throw DatasetError("\(topology.sourcePath): scenario.area is missing and there are no users to centre the scene on")
            }
            return Geodetic(latitudeDeg: user.latitudeDeg, longitudeDeg: user.longitudeDeg)
        }
    }

    /// The scene and a short label for it (`seed-7`, or the file name).
    public func make(topology: Topology, options o: Options) throws -> (scene: UrbanScene, label: String) {
        guard o.sizeMeters > 0, o.resolutionMeters > 0, o.sizeMeters >= o.resolutionMeters else {
            throw DatasetError("--scene-size-m and --resolution-m must be positive, the size at least one cell")
        }
        let origin = try Self.origin(of: topology)
        switch self {
        case .generated(let seed):
            let name = o.preset ?? Self.presetName(for: topology.scenario.environment)
            guard let parameters = P1410.presets[name] else {
                throw DatasetError("--preset: unknown P.1410 preset '\(name)'; known: \(P1410.presets.keys.sorted().joined(separator: ", "))")
            }
            let scene = UrbanScene.generate(parameters: parameters, widthMeters: o.sizeMeters, heightMeters: o.sizeMeters,
                                            resolutionMeters: o.resolutionMeters, origin: origin,
                                            rng: RandomStreams(seed: seed).stream("scene"))
            return (scene, "seed-\(seed)")
        case .file(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw DatasetError("--scene: \(path) is neither a seed (a whole number) nor an existing file")
            }
            let label = URL(fileURLWithPath: path).lastPathComponent
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "pgm":
                return (try UrbanScene.loadPGM(path: path, metresPerLevel: o.metresPerLevel ?? UrbanScene.pgmMetresPerLevel,
                                               resolutionMeters: o.resolutionMeters, origin: origin), label)
            case "png":
                return (try UrbanScene.loadPNG(path: path, metresPerLevel: o.metresPerLevel,
                                               resolutionMeters: o.resolutionMeters, origin: origin), label)
            case "csv":
                let cells = max(1, Int((o.sizeMeters / o.resolutionMeters).rounded()))
                return (try UrbanScene.loadFootprintsCSV(path: path, width: cells, height: cells,
                                                         resolutionMeters: o.resolutionMeters, origin: origin), label)
            default:
                throw DatasetError("--scene: \(path): expected a .pgm or .png height map or a .csv of footprints")
            }
        }
    }
}
