import Foundation
import Channels
import Links
import Orbits
import SimCore

/// Labelled link samples from a scenario over an urban scene: observable features as a receiver
/// would measure them, plus the true LOS state and path loss (what `sagin dataset` writes).
///
/// Each sample draws an instant uniformly in the scenario's duration, a receiver at street level on
/// a random street cell of the scene (away from the edge, see ``Options/edgeMarginMeters``), and one
/// upper node uniformly among those above the link type's minimum elevation at that instant (every
/// `user-*` link type of the topology takes part). The truth channel comes from ``GroundTruth`` over
/// the scene, the features from ``LinkFeatures/measure(truth:_:receiverENU:upperENU:link:at:measurement:)``
/// with the link type's downlink budget (the upper end's radio transmits, the user's radio receives).
///
/// Everything random comes from `options.seed`: the stream `dataset/draws` for instants, receivers
/// and peers; the ground truth's own streams for LOS-independent randomness. The same topology,
/// scene and seed give a byte-identical file.
///
/// ```swift
/// let scene = UrbanScene.generate(parameters: .urban, widthMeters: 2000, heightMeters: 2000,
///                                 resolutionMeters: 1, origin: centre, rng: RandomStreams(seed: 1).stream("scene"))
/// let result = try ChannelDataset.write(topology: topo, scene: scene, sceneLabel: "seed-1",
///                                       options: .init(samples: 10_000, seed: 7), to: "train.csv")
/// ```
public enum ChannelDataset {
    public struct Options: Sendable {
        /// Number of rows.
        public var samples: Int
        /// Seed of the dataset's draws and of the ground truth.
        public var seed: UInt64
        /// Receivers drawn per instant (satellite positions are computed once per instant).
        public var samplesPerInstant: Int = 16
        /// Receiver height above the street, metres.
        public var receiverHeightMeters: Double = 1.5
        /// Receivers stay this far from the scene's edge, so that low rays cross buildings instead of
        /// leaving the scene at once. nil: the distance over which a ray at the lowest mask of the
        /// link types climbs above the tallest building, capped at a quarter of the scene's size.
        public var edgeMarginMeters: Double?
        /// Multiplies every measurement-noise knob of ``FeatureMeasurement`` (1: the defaults).
        public var measurementNoiseScale: Double = 1

        public init(samples: Int, seed: UInt64) {
            self.samples = samples
            self.seed = seed
        }
    }

    /// What was written.
    public struct Result: Sendable {
        public var path: String
        public var rows: Int
        public var losFraction: Double
        public var instants: Int
    }

    /// The columns ahead of ``LinkFeatures/csvColumns``.
    public static let leadingColumns = ["sample", "time_s", "time_utc", "scene", "receiver_x_m", "receiver_y_m",
                                        "receiver_lat_deg", "receiver_lon_deg", "peer", "link_type", "frequency_hz"]

    /// Writes `options.samples` rows to `path` (through a temporary file renamed into place).
    public static func write(topology: Topology, scene: UrbanScene, sceneLabel: String, options: Options,
                             to path: String) throws -> Result {
        guard options.samples > 0 else { throw DatasetError("--samples must be at least 1, found \(options.samples)") }
        guard options.measurementNoiseScale >= 0, options.measurementNoiseScale.isFinite else {
            throw DatasetError("--measurement-noise must be a finite number ≥ 0, found \(options.measurementNoiseScale)")
        }
        let built = try ScenarioRunner.build(topology, channelOverride: nil)
        var uppers = built.uppers
        let classes = built.classes.filter { [.userSatellite, .userHaps, .userUav].contains($0.spec.type) }
        guard !classes.isEmpty else {
            throw DatasetError("\(topology.sourcePath): the topology has no user-satellite, user-haps or user-uav link")
        }
        guard classes.contains(where: { !$0.uppers.isEmpty }) else {
            throw DatasetError("\(topology.sourcePath): no node can serve its user links (no satellites, HAPs or UAVs)")
        }
        let streets = streetCells(scene: scene, margin: edgeMargin(scene: scene, classes: classes, options: options))
        guard !streets.isEmpty else { throw DatasetError("the scene has no street cell away from its edge") }

        let truth = GroundTruth(scene: scene, environment: topology.scenario.environment, seed: options.seed)
        let draws = RandomStreams(seed: options.seed).stream("dataset/draws")
        let userRadio = topology.users.first?.radio ?? RadioSpec.builtInDefault(.user)
        let epoch = topology.scenario.epoch
        let durationNs = topology.scenario.duration.nanoseconds

        let output = try AtomicTextFile(path: path)
        output.append((leadingColumns + LinkFeatures.csvColumns).joined(separator: ",") + "\n")
        var x = [Double](repeating: 0, count: uppers.count), y = x, z = x
        var rows = 0, los = 0, instants = 0, emptyInstants = 0
        while rows < options.samples {
            // Whole milliseconds, so the time column is exact.
            let t = SimTime(nanoseconds: Int64(draws.uniform() * Double(durationNs / 1_000_000)) * 1_000_000)
            uppers.fill(at: t, epoch: epoch, x: &x, y: &y, z: &z)
            instants += 1
            var servedThisInstant = false
            for _ in 0 ..< options.samplesPerInstant where rows < options.samples {
                let cell = streets[Int(draws.uniform() * Double(streets.count)) % streets.count]
                let centre = scene.cellCentre(column: cell.column, row: cell.row)
                let rx = SIMD3(centre.x, centre.y, options.receiverHeightMeters)
                let g = scene.geodetic(ofENU: rx)
                let lower = g.ecefKm
                var candidates: [(cls: Int, upper: Int, look: (elevationDeg: Double, azimuthDeg: Double, rangeKm: Double))] = []
                for (c, cls) in classes.enumerated() {
                    for u in cls.uppers {
                        let look = Sky.look(lower: lower, geodetic: g, upper: SIMD3(x[u], y[u], z[u]))
                        if look.elevationDeg >= cls.spec.minElevationDeg { candidates.append((c, u, look)) }
                    }
                }
                guard !candidates.isEmpty else { continue }
                servedThisInstant = true
                let pick = candidates[Int(draws.uniform() * Double(candidates.count)) % candidates.count]
                let cls = classes[pick.cls]
                let upperPosition = SIMD3(x[pick.upper], y[pick.upper], z[pick.upper])
                let kind = uppers.kinds[pick.upper]
                let upperGeodetic = Geodetic(ecefKm: upperPosition)
                let geometry = LinkGeometry(
                    upperECEFKm: upperPosition, lowerECEFKm: lower, elevationDeg: pick.look.elevationDeg,
                    azimuthDeg: pick.look.azimuthDeg, slantRangeMeters: pick.look.rangeKm * 1000,
                    frequencyHz: cls.spec.frequencyHz, environment: topology.scenario.environment, upperKind: kind,
                    upperAltitudeMeters: upperGeodetic.altitudeMeters, lowerAltitudeMeters: g.altitudeMeters)
                let upperENU: SIMD3<Double>? = kind == .satellite ? nil : scene.enu(of: upperGeodetic)
                let measurement = Self.measurement(spec: cls.spec, tx: uppers.radios[pick.upper], rx: userRadio)
                    .scalingNoise(by: options.measurementNoiseScale)
                let receiverName = "rx-\(rows)"
                let features = LinkFeatures.measure(truth: truth, geometry, receiverENU: rx, upperENU: upperENU,
                                                    link: LinkKey(upper: uppers.names[pick.upper], lower: receiverName),
                                                    at: t, measurement: measurement)
                let fields: [String] = [
                    String(rows), fixed(t.seconds, 3), (epoch + t).description, sceneLabel, fixed(rx.x, 2), fixed(rx.y, 2),
                    fixed(g.latitudeDeg, 7), fixed(g.longitudeDeg, 7), uppers.names[pick.upper],
                    cls.spec.type.rawValue, fixed(cls.spec.frequencyHz, 0),
                ]
                output.append(fields.joined(separator: ",") + "," + features.csvRow + "\n")
                rows += 1
                if features.los { los += 1 }
            }
            if !servedThisInstant {
                emptyInstants += 1
                if emptyInstants > 1000 && emptyInstants * 10 > instants * 9 {
                    output.discard()
                    throw DatasetError("\(topology.sourcePath): no upper node is above the minimum elevation over the scene at \(emptyInstants) of \(instants) instants; check the constellation and links[].min_elevation_deg")
                }
            }
        }
        try output.commit()
        return Result(path: path, rows: rows, losFraction: Double(los) / Double(max(rows, 1)), instants: instants)
    }

    /// The downlink budget a user measures on `spec`: the upper end's EIRP towards the user (tracking
    /// assumed for pointing antennas) and the user's gain, noise in the link's bandwidth.
    static func measurement(spec: LinkSpec, tx: RadioSpec, rx: RadioSpec) -> FeatureMeasurement {
        var m = FeatureMeasurement()
        let f = spec.frequencyHz
        m.eirpDbw = tx.txPowerDbw + RadioModel.antenna(tx.antenna).gainDbi(offBoresightDeg: 0, frequencyHz: f)
            - tx.otherLossesDb
        m.rxGainDbi = RadioModel.antenna(rx.antenna).gainDbi(offBoresightDeg: 0, frequencyHz: f) - rx.otherLossesDb
        m.noisePowerDbw = Noise.noisePowerDbw(temperatureK: rx.effectiveSystemTemperatureK, bandwidthHz: spec.bandwidthHz)
        m.bandwidthHz = spec.bandwidthHz
        return m
    }

    static func edgeMargin(scene: UrbanScene, classes: [LinkClass], options: Options) -> Double {
        if let m = options.edgeMarginMeters { return max(0, m) }
        let lowest = max(1, classes.map(\.spec.minElevationDeg).min() ?? 10)
        let climb = Double(scene.maxHeightMeters) / tan(lowest * .pi / 180)
        return min(climb, min(scene.widthMeters, scene.heightMeters) / 4)
    }

    /// Cells with no building, at least `margin` from every edge, in row-major order.
    static func streetCells(scene: UrbanScene, margin: Double) -> [(column: Int, row: Int)] {
        let m = Int((margin / scene.resolutionMeters).rounded(.up))
        guard scene.width > 2 * m, scene.height > 2 * m else { return [] }
        var cells: [(column: Int, row: Int)] = []
        for row in m ..< scene.height - m {
            for column in m ..< scene.width - m where scene.height(column: column, row: row) <= 0 {
                cells.append((column, row))
            }
        }
        return cells
    }

    static func fixed(_ v: Double, _ decimals: Int) -> String {
        var bytes: [UInt8] = []
        CSVWriter.appendFixed(v, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A dataset could not be made; the message names the input at fault.
public struct DatasetError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A text file written under a temporary name beside its destination and renamed into place by
/// ``commit()``, so a reader never sees half a file. Appended text is written out in 1 MiB blocks, so
/// long outputs (datasets, training logs) stream in constant memory.
public final class AtomicTextFile {
    public let path: String
    public let temporary: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let h = FileHandle(forWritingAtPath: temporary) else {
            throw DatasetError("\(path): cannot create the file (does its folder exist and is it writable?)")
        }
        handle = h
    }

    public func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    public func commit() throws {
        flush()
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    public func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
