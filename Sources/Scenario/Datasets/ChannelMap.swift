import Foundation
import Channels
import Links
import Orbits
import SimCore

/// The channel information map of an urban scene (the truth the GDM map will be judged against):
/// for a grid of cells over the scene and the satellites and HAPs where they are at one instant, the
/// fraction of links from street level that are line of sight, and per cell a sky LOS mask over
/// (azimuth, elevation) bins.
///
/// Inside each cell the receivers are the street points of a regular `probesPerSide` × `probesPerSide`
/// sub-grid (points on buildings are skipped) at ``Options/receiverHeightMeters``. A link is any
/// (receiver, upper node) pair above its link type's minimum elevation; its LOS comes from the scene's
/// ray marching. The sky mask gives, per bin centre direction, the fraction of the cell's receivers
/// with a clear ray. Nothing is random: the same scene and instant give the same files.
///
/// Writes into a folder (created through a staging folder renamed into place):
/// - `map.csv`: `cell_x_m, cell_y_m, lat_deg, lon_deg, built_up_fraction, street_points, visible_links,
///   los_links, los_fraction` (empty `los_fraction` where the cell has no street point or no link);
/// - `sky.csv`: `cell_x_m, cell_y_m, azimuth_deg, elevation_deg, los_fraction` (bin centres);
/// - `map.png`: the LOS fraction as a grey heat map, one block of pixels per cell, north up (black 0,
///   white 1; cells without a street point or a link are black too, `map.csv` tells them apart);
/// - `scene.png`: the building heights (``UrbanScene/writePNG(path:metresPerLevel:)``).
public enum ChannelMap {
    public struct Options: Sendable {
        /// Instant since the scenario epoch.
        public var time: SimTime = .zero
        /// Cell size, metres.
        public var cellMeters: Double = 100
        /// Receivers per cell side (a regular sub-grid; street points only).
        public var probesPerSide: Int = 4
        /// Azimuth bins of the sky mask (equal width from north, clockwise).
        public var azimuthBins: Int = 36
        /// Elevation bins of the sky mask (equal width over 0…90°).
        public var elevationBins: Int = 9
        /// Receiver height above the street, metres.
        public var receiverHeightMeters: Double = 1.5
        /// Pixels per cell side in `map.png` (nil: about 800 pixels across).
        public var pixelsPerCell: Int?

        public init() {}
    }

    public struct Result: Sendable {
        public var folder: String
        public var cells: Int
        /// Cells with at least one street point and one link.
        public var cellsWithLinks: Int
        /// LOS links over all links, all cells.
        public var losFraction: Double
        public var upperNodesInView: Int
    }

    public static func write(topology: Topology, scene: UrbanScene, options o: Options, to folder: String) throws -> Result {
        guard o.cellMeters > 0, o.probesPerSide >= 1, o.azimuthBins >= 1, o.elevationBins >= 1, (o.pixelsPerCell ?? 1) >= 1 else {
            throw DatasetError("cell size, probes, bins and pixels per cell must be positive")
        }
        guard o.time >= .zero, o.time <= topology.scenario.duration else {
            throw DatasetError("--time \(o.time) is outside the scenario's duration \(topology.scenario.duration)")
        }
        let built = try ScenarioRunner.build(topology, channelOverride: nil)
        var uppers = built.uppers
        let classes = built.classes.filter { [.userSatellite, .userHaps].contains($0.spec.type) }
        guard !classes.isEmpty else {
            throw DatasetError("\(topology.sourcePath): the topology has no user-satellite or user-haps link")
        }
        var x = [Double](repeating: 0, count: uppers.count), y = x, z = x
        uppers.fill(at: o.time, epoch: topology.scenario.epoch, x: &x, y: &y, z: &z)

        // Directions (ENU unit vectors seen from the scene origin) of every upper node in view of the
        // scene centre; over a few kilometres they differ by hundredths of a degree for satellites.
        let origin = scene.origin
        let originECEF = origin.ecefKm
        var links: [(azimuthDeg: Double, elevationDeg: Double)] = []
        for cls in classes {
            for u in cls.uppers {
                let look = Sky.look(lower: originECEF, geodetic: origin, upper: SIMD3(x[u], y[u], z[u]))
                if look.elevationDeg >= cls.spec.minElevationDeg { links.append((look.azimuthDeg, look.elevationDeg)) }
            }
        }

        let columns = max(1, Int((scene.widthMeters / o.cellMeters).rounded(.down)))
        let rows = max(1, Int((scene.heightMeters / o.cellMeters).rounded(.down)))
        let x0 = -Double(columns) * o.cellMeters / 2, y0 = -Double(rows) * o.cellMeters / 2
        let ppc = o.pixelsPerCell ?? max(1, 800 / max(columns, rows))

        let staging = try RunFolder(path: folder)
        let mapCSV = try CSVWriter(path: staging.stagingPath + "/map.csv", header: [
            "cell_x_m", "cell_y_m", "lat_deg", "lon_deg", "built_up_fraction", "street_points", "visible_links",
            "los_links", "los_fraction",
        ])
        let skyCSV = try CSVWriter(path: staging.stagingPath + "/sky.csv", header: [
            "cell_x_m", "cell_y_m", "azimuth_deg", "elevation_deg", "los_fraction",
        ])
        var heat = [UInt8](repeating: 0, count: columns * rows * ppc * ppc)
        var totalLinks = 0, totalLOS = 0, cellsWithLinks = 0
        let azWidth = 360.0 / Double(o.azimuthBins), elWidth = 90.0 / Double(o.elevationBins)
        for r in 0 ..< rows {
            for c in 0 ..< columns {
                let cx = x0 + (Double(c) + 0.5) * o.cellMeters, cy = y0 + (Double(r) + 0.5) * o.cellMeters
                var probes: [SIMD3<Double>] = []
                for j in 0 ..< o.probesPerSide {
                    for i in 0 ..< o.probesPerSide {
                        let px = x0 + Double(c) * o.cellMeters + (Double(i) + 0.5) * o.cellMeters / Double(o.probesPerSide)
                        let py = y0 + Double(r) * o.cellMeters + (Double(j) + 0.5) * o.cellMeters / Double(o.probesPerSide)
                        if scene.height(at: SIMD2(px, py)) <= 0 { probes.append(SIMD3(px, py, o.receiverHeightMeters)) }
                    }
                }
                var losLinks = 0
                for p in probes {
                    for l in links where scene.isLOS(receiver: p, azimuthDeg: l.azimuthDeg, elevationDeg: l.elevationDeg) {
                        losLinks += 1
                    }
                }
                let visible = probes.count * links.count
                let g = scene.geodetic(ofENU: SIMD3(cx, cy, 0))
                let context = scene.context(at: SIMD2(cx, cy), radiusMeters: o.cellMeters / 2)
                mapCSV.field(cx, decimals: 1); mapCSV.field(cy, decimals: 1)
                mapCSV.field(g.latitudeDeg, decimals: 7); mapCSV.field(g.longitudeDeg, decimals: 7)
                mapCSV.field(context.builtUpFraction, decimals: 4)
                mapCSV.field(probes.count); mapCSV.field(visible); mapCSV.field(losLinks)
                if visible > 0 {
                    let fraction = Double(losLinks) / Double(visible)
                    mapCSV.field(fraction, decimals: 4)
                    cellsWithLinks += 1
                    totalLinks += visible
                    totalLOS += losLinks
                    // North up: image row 0 is the northernmost cell row.
                    let level = UInt8((fraction * 255).rounded())
                    let top = (rows - 1 - r) * ppc
                    for py in top ..< top + ppc {
                        for px in c * ppc ..< (c + 1) * ppc {
                            heat[py * columns * ppc + px] = level
                        }
                    }
                } else {
                    mapCSV.emptyField()
                }
                mapCSV.endRow()
                for eb in 0 ..< o.elevationBins {
                    let el = (Double(eb) + 0.5) * elWidth
                    for ab in 0 ..< o.azimuthBins {
                        let az = (Double(ab) + 0.5) * azWidth
                        skyCSV.field(cx, decimals: 1); skyCSV.field(cy, decimals: 1)
                        skyCSV.field(az, decimals: 2); skyCSV.field(el, decimals: 2)
                        if probes.isEmpty {
                            skyCSV.emptyField()
                        } else {
                            let clear = probes.reduce(0) { $0 + (scene.isLOS(receiver: $1, azimuthDeg: az, elevationDeg: el) ? 1 : 0) }
                            skyCSV.field(Double(clear) / Double(probes.count), decimals: 4)
                        }
                        skyCSV.endRow()
                    }
                }
            }
        }
        try mapCSV.close()
        try skyCSV.close()
        let png = PNGCodec.encode8(width: columns * ppc, height: rows * ppc, samples: heat,
                                   text: [("Description", "LOS fraction per cell, 0 black to 1 white, north up")])
        try Data(png).write(to: URL(fileURLWithPath: staging.stagingPath + "/map.png"))
        try scene.writePNG(path: staging.stagingPath + "/scene.png")
        try staging.commit()
        return Result(folder: folder, cells: columns * rows, cellsWithLinks: cellsWithLinks,
                      losFraction: totalLinks > 0 ? Double(totalLOS) / Double(totalLinks) : 0,
                      upperNodesInView: links.count)
    }
}
