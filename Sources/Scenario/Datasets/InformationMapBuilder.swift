import Channels
import Foundation
import Learn
import Links
import Orbits
import SimCore

/// Builds the GDM channel information map (`sagin map`): a virtual measurement of every
/// (grid cell, sky direction) over the scene, classified LOS/NLOS by the zero-shot diffusion
/// classifier, written as `map.json` (what the `gdm` provider reads), `map.csv`, `map.png` (grey heat
/// map) and `map.svg` (the heat map over `scene.png`).
public enum InformationMapBuilder {
    public struct Options: Sendable {
        /// Cells per side of the square grid.
        public var cells = 50
        /// Azimuth sectors and elevation bands (between the link's minimum elevation and 90°).
        public var azimuthBins = 8
        public var elevationBands = 4
        /// Instant of the virtual measurements (shadowing and fading draws), from the scenario epoch.
        public var time: SimTime = .zero
        /// Seed of the ground truth that the virtual measurements come from.
        public var seed: UInt64 = 1
        public var receiverHeightMeters = 1.5
        /// Multiplies every measurement-noise knob (use the training dataset's value).
        public var measurementNoiseScale: Double = 1
        /// Rows classified per progress report.
        public var chunk = 4096
        public init() {}
    }

    public struct Result: Sendable {
        public var folder: String
        public var map: ChannelInformationMap
        /// Directions measured and classified (cells with a street point × directions).
        public var classified: Int
        /// Share of the classified directions whose map label equals the truth's LOS state.
        public var accuracy: Double
        public var truthLOSFraction: Double
        public var measureSeconds: Double
        public var classifySeconds: Double
    }

    /// Builds the map over `scene` for the first user link to satellites (or HAPs) of `topology`.
    public static func build(topology: Topology, scene: UrbanScene, classifier: DiffusionClassifier, options o: Options,
                             to folder: String, progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        guard o.cells >= 1, o.azimuthBins >= 1, o.elevationBands >= 1, o.chunk >= 1 else {
            throw DatasetError("--cells, --azimuth-bins and --elevation-bands must be at least 1")
        }
        let model = classifier.model
        let columnIndex = Dictionary(uniqueKeysWithValues: LinkFeatures.csvColumns.enumerated().map { ($1, $0) })
        let featureColumns: [Int] = try model.featureNames.map { name in
            guard let i = columnIndex[name], !LinkFeatures.labelColumns.contains(name) else {
                throw DatasetError("the model's feature '\(name)' is not an observable link feature; a map model must use only \(LinkFeatures.csvColumns.filter { !LinkFeatures.labelColumns.contains($0) }.joined(separator: ", "))")
            }
            return i
        }
        guard !featureColumns.isEmpty else { throw DatasetError("the model file names no feature columns") }
        let built = try ScenarioRunner.build(topology, channelOverride: nil)
        var uppers = built.uppers
        guard let cls = built.classes.first(where: { $0.spec.type == .userSatellite && !$0.uppers.isEmpty })
                ?? built.classes.first(where: { $0.spec.type == .userHaps && !$0.uppers.isEmpty }) else {
            throw DatasetError("\(topology.sourcePath): the topology has no user-satellite or user-haps link with upper nodes")
        }
        var x = [Double](repeating: 0, count: uppers.count), y = x, z = x
        uppers.fill(at: o.time, epoch: topology.scenario.epoch, x: &x, y: &y, z: &z)
        let u0 = cls.uppers.lowerBound
        let upperAltitude = Geodetic(ecefKm: SIMD3(x[u0], y[u0], z[u0])).altitudeMeters
        let kind = uppers.kinds[u0]
        let userRadio = topology.users.first?.radio ?? RadioSpec.builtInDefault(.user)
        let measurement = ChannelDataset.measurement(spec: cls.spec, tx: uppers.radios[u0], rx: userRadio)
            .scalingNoise(by: o.measurementNoiseScale)
        let truth = GroundTruth(scene: scene, environment: topology.scenario.environment, seed: o.seed)

        // The grid covers the scene inside the margin where low rays still meet buildings.
        let margin = ChannelDataset.edgeMargin(scene: scene, classes: [cls], options: ChannelDataset.Options(samples: 1, seed: o.seed))
        let side = max(scene.resolutionMeters, min(scene.widthMeters, scene.heightMeters) - 2 * margin)
        let cell = side / Double(o.cells)
        let x0 = -side / 2, y0 = -side / 2
        let minElevation = max(cls.spec.minElevationDeg, 0)
        let edges = (0 ... o.elevationBands).map { minElevation + (90 - minElevation) * Double($0) / Double(o.elevationBands) }
        let directions = o.azimuthBins * o.elevationBands
        var map = ChannelInformationMap(
            originLatitudeDeg: scene.origin.latitudeDeg, originLongitudeDeg: scene.origin.longitudeDeg,
            originAltitudeMeters: scene.origin.altitudeMeters, x0: x0, y0: y0, cellMeters: cell, columns: o.cells,
            rows: o.cells, azimuthBins: o.azimuthBins, elevationEdges: edges,
            values: [Float](repeating: .nan, count: o.cells * o.cells * directions))

        // Virtual measurements: a receiver on a street point of each cell, a satellite at the link's
        // altitude in each direction.
        let t0 = Clock.seconds()
        var featureRows: [Float] = []
        var slots: [Int] = []
        var truthLOS: [Bool] = []
        var receivers = [SIMD3<Double>?](repeating: nil, count: o.cells * o.cells)
        let earthRadius = 6_371_000.0
        for r in 0 ..< o.cells {
            for c in 0 ..< o.cells {
                guard let p = streetPoint(scene: scene, centre: map.cellCentre(column: c, row: r), halfSide: cell / 2) else { continue }
                let rx = SIMD3(p.x, p.y, o.receiverHeightMeters)
                receivers[r * o.cells + c] = rx
                let g = scene.geodetic(ofENU: rx)
                for band in 0 ..< o.elevationBands {
                    let el = map.elevationCentre(band), e = el * .pi / 180
                    let re: Double = earthRadius * sin(e)
                    let range: Double = (re * re + upperAltitude * upperAltitude + 2 * earthRadius * upperAltitude).squareRoot() - re
                    for bin in 0 ..< o.azimuthBins {
                        let az = map.azimuthCentre(bin), a = az * .pi / 180
                        let direction = SIMD3(cos(e) * sin(a), cos(e) * cos(a), sin(e))
                        let upper = scene.geodetic(ofENU: rx + direction * range)
                        let geometry = LinkGeometry(
                            upperECEFKm: upper.ecefKm, lowerECEFKm: g.ecefKm, elevationDeg: el, azimuthDeg: az,
                            slantRangeMeters: range, frequencyHz: cls.spec.frequencyHz,
                            environment: topology.scenario.environment, upperKind: kind,
                            upperAltitudeMeters: upperAltitude, lowerAltitudeMeters: g.altitudeMeters)
                        let features = LinkFeatures.measure(
                            truth: truth, geometry, receiverENU: rx, upperENU: kind == .satellite ? nil : scene.enu(of: upper),
                            link: LinkKey(upper: "map-\(band)-\(bin)", lower: "cell-\(c)-\(r)"), at: o.time,
                            measurement: measurement)
                        let values = features.values
                        for i in featureColumns { featureRows.append(Float(values[i])) }
                        slots.append(((r * o.cells + c) * o.elevationBands + band) * o.azimuthBins + bin)
                        truthLOS.append(features.los)
                    }
                }
            }
        }
        let measureSeconds = Clock.seconds() - t0
        guard !slots.isEmpty else { throw DatasetError("no grid cell has a street point") }

        // Classification in chunks (for progress); the classifier's answer does not depend on the chunking
        // beyond float rounding.
        let t1 = Clock.seconds()
        let d = featureColumns.count
        var correct = 0
        var start = 0
        while start < slots.count {
            let end = min(start + o.chunk, slots.count)
            let x = Tensor(shape: [end - start, d], values: Array(featureRows[start * d ..< end * d]))
            let result = classifier.classify(x)
            for k in 0 ..< end - start {
                let pLOS = result.probabilities[k * model.classCount + min(1, model.classCount - 1)]
                map.values[slots[start + k]] = Float(pLOS)
                if (result.labels[k] == 1) == truthLOS[start + k] { correct += 1 }
            }
            start = end
            progress?(start, slots.count)
        }
        let classifySeconds = Clock.seconds() - t1

        let staging = try RunFolder(path: folder)
        try map.jsonData().write(to: URL(fileURLWithPath: staging.stagingPath + "/" + ChannelInformationMap.fileName))
        let csv = try CSVWriter(path: staging.stagingPath + "/map.csv", header: [
            "cell_x_m", "cell_y_m", "lat_deg", "lon_deg", "azimuth_deg", "elevation_deg", "los_probability",
            "predicted_los", "true_los",
        ])
        var truthBySlot = [Bool?](repeating: nil, count: map.values.count)
        for (k, s) in slots.enumerated() { truthBySlot[s] = truthLOS[k] }
        for r in 0 ..< o.cells {
            for c in 0 ..< o.cells {
                let centre = map.cellCentre(column: c, row: r)
                let g = scene.geodetic(ofENU: SIMD3(centre.x, centre.y, 0))
                for band in 0 ..< o.elevationBands {
                    for bin in 0 ..< o.azimuthBins {
                        let s = ((r * o.cells + c) * o.elevationBands + band) * o.azimuthBins + bin
                        csv.field(centre.x, decimals: 1); csv.field(centre.y, decimals: 1)
                        csv.field(g.latitudeDeg, decimals: 7); csv.field(g.longitudeDeg, decimals: 7)
                        csv.field(map.azimuthCentre(bin), decimals: 2); csv.field(map.elevationCentre(band), decimals: 2)
                        if let t = truthBySlot[s] {
                            csv.field(Double(map.values[s]), decimals: 4)
                            csv.field(map.values[s] >= 0.5 ? 1 : 0)
                            csv.field(t ? 1 : 0)
                        } else {
                            csv.emptyField(); csv.emptyField(); csv.emptyField()
                        }
                        csv.endRow()
                    }
                }
            }
        }
        try csv.close()
        try writeImages(map: map, scene: scene, folder: staging.stagingPath)
        try staging.commit()
        return Result(folder: folder, map: map, classified: slots.count, accuracy: Double(correct) / Double(slots.count),
                      truthLOSFraction: Double(truthLOS.filter { $0 }.count) / Double(truthLOS.count),
                      measureSeconds: measureSeconds, classifySeconds: classifySeconds)
    }

    /// A street point (outside buildings) of the cell: its centre if that is a street, else the street
    /// scene cell nearest to the centre within the cell; nil when the cell is all buildings.
    static func streetPoint(scene: UrbanScene, centre: SIMD2<Double>, halfSide: Double) -> SIMD2<Double>? {
        if scene.height(at: centre) <= 0 { return centre }
        let step = scene.resolutionMeters
        let rings = Int(halfSide / step)
        guard rings >= 1 else { return nil }
        for ring in 1 ... rings {
            var best: (SIMD2<Double>, Double)?
            for j in -ring ... ring {
                for i in -ring ... ring where max(abs(i), abs(j)) == ring {
                    let p = centre + SIMD2(Double(i), Double(j)) * step
                    if scene.height(at: p) <= 0 {
                        let d = Double(i * i + j * j)
                        if best == nil || d < best!.1 { best = (p, d) }
                    }
                }
            }
            if let best { return best.0 }
        }
        return nil
    }

    /// `map.png`: the mean LOS probability over directions per cell (black 0 … white 1, north up, no
    /// data black); `map.svg`: the same as colours (red NLOS … green LOS) at 55 % opacity over
    /// `scene.png`.
    static func writeImages(map: ChannelInformationMap, scene: UrbanScene, folder: String) throws {
        let n = map.columns, m = map.rows, dirs = map.directions
        var means = [Double?](repeating: nil, count: n * m)
        for k in 0 ..< n * m {
            let v = map.values[k * dirs ..< (k + 1) * dirs].filter { !$0.isNaN }
            if !v.isEmpty { means[k] = v.reduce(0.0) { $0 + Double($1) } / Double(v.count) }
        }
        let ppc = max(1, 800 / max(n, m))
        var grey = [UInt8](repeating: 0, count: n * ppc * m * ppc)
        for r in 0 ..< m {
            for c in 0 ..< n {
                guard let v = means[r * n + c] else { continue }
                let level = UInt8((v * 255).rounded())
                for py in (m - 1 - r) * ppc ..< (m - r) * ppc { for px in c * ppc ..< (c + 1) * ppc { grey[py * n * ppc + px] = level } }
            }
        }
        try Data(PNGCodec.encode8(width: n * ppc, height: m * ppc, samples: grey,
                                  text: [("Description", "GDM channel map: mean LOS probability per cell, 0 black to 1 white, north up")]))
            .write(to: URL(fileURLWithPath: folder + "/map.png"))
        try scene.writePNG(path: folder + "/scene.png")
        // SVG in scene metres (x east, y north flipped), the scene image underneath.
        let w = scene.widthMeters, h = scene.heightMeters
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="\(-w / 2) \(-h / 2) \(w) \(h)" width="800" height="\(Int(800 * h / w))">
        <title>GDM channel information map: mean LOS probability per cell (red NLOS, green LOS)</title>
        <image href="scene.png" x="\(-w / 2)" y="\(-h / 2)" width="\(w)" height="\(h)" preserveAspectRatio="none"/>
        <g opacity="0.55">

        """
        for r in 0 ..< m {
            for c in 0 ..< n {
                guard let v = means[r * n + c] else { continue }
                let centre = map.cellCentre(column: c, row: r)
                let (red, green, blue) = colour(v)
                svg += "<rect x=\"\(fmt(centre.x - map.cellMeters / 2))\" y=\"\(fmt(-centre.y - map.cellMeters / 2))\" width=\"\(fmt(map.cellMeters))\" height=\"\(fmt(map.cellMeters))\" fill=\"rgb(\(red),\(green),\(blue))\"/>\n"
            }
        }
        svg += "</g>\n</svg>\n"
        try svg.write(toFile: folder + "/map.svg", atomically: false, encoding: .utf8)
    }

    /// Red (0) → yellow (0.5) → green (1).
    static func colour(_ v: Double) -> (Int, Int, Int) {
        let a = (215.0, 25.0, 28.0), b = (255.0, 255.0, 191.0), c = (26.0, 150.0, 65.0)
        let t = min(max(v, 0), 1)
        let (p, q, s) = t < 0.5 ? (a, b, t * 2) : (b, c, t * 2 - 1)
        return (Int((p.0 + (q.0 - p.0) * s).rounded()), Int((p.1 + (q.1 - p.1) * s).rounded()), Int((p.2 + (q.2 - p.2) * s).rounded()))
    }

    static func fmt(_ v: Double) -> String { ChannelDataset.fixed(v, 1) }
}
