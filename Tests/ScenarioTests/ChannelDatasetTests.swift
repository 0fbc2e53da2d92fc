import Channels
import Foundation
import Orbits
import SimCore
import Testing
@testable import Scenario

@Suite("Channel datasets and maps")
struct ChannelDatasetTests {
    /// A small Walker shell over Paris with one user group; the scene is centred on the area.
    static let topologyText = """
    scenario:
      name: dataset-check
      epoch: 2024-05-12T00:00:00Z
      duration: 2h
      step: 10s
      seed: 5
      environment: urban
      area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 1}
    constellations:
      - name: leo
        walker: {planes: 12, per_plane: 12, phasing: 1, altitude_km: 550, inclination_deg: 53}
    users:
      - name: u
        placement: {type: random, count: 2}
    links:
      - {type: user-satellite, min_elevation_deg: 20}
    """

    static func topology(_ scratch: Scratch) throws -> Topology {
        try TopologyLoader.load(path: try scratch.write("t.yaml", topologyText))
    }

    static func city(seed: UInt64, topology: Topology) throws -> UrbanScene {
        var o = SceneSource.Options()
        o.sizeMeters = 400
        o.resolutionMeters = 1
        return try SceneSource.generated(seed: seed).make(topology: topology, options: o).scene
    }

    @Test("same topology, scene and seed give a byte-identical dataset; another dataset seed or city differs")
    func determinism() throws {
        let scratch = try Scratch("dataset")
        defer { scratch.remove() }
        let topo = try Self.topology(scratch)
        let scene = try Self.city(seed: 1, topology: topo)
        func write(_ name: String, scene: UrbanScene, seed: UInt64) throws -> Data {
            let path = scratch.dir + "/" + name
            let r = try ChannelDataset.write(topology: topo, scene: scene, sceneLabel: "s",
                                             options: .init(samples: 120, seed: seed), to: path)
            #expect(r.rows == 120)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let a = try write("a.csv", scene: scene, seed: 3)
        let b = try write("b.csv", scene: scene, seed: 3)
        #expect(a == b)
        #expect(try write("c.csv", scene: scene, seed: 4) != a)
        #expect(try write("d.csv", scene: try Self.city(seed: 2, topology: topo), seed: 3) != a)
        // No temporary file is left beside the outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.dir).filter { $0.hasPrefix(".") }.isEmpty)

        let rows = try readCSV(scratch.dir + "/a.csv")
        #expect(rows.count == 120)
        #expect(Set(rows.first.map { Array($0.keys) } ?? []) == Set(ChannelDataset.leadingColumns + LinkFeatures.csvColumns))
        // 16 PDP bins per row, the strongest at 0 dB, none below the −40 dB floor.
        let pdpColumns = (0 ..< 16).map(LinkFeatures.pdpColumnName)
        #expect(pdpColumns.allSatisfy { LinkFeatures.csvColumns.contains($0) })
        #expect(rows.allSatisfy { r in
            let bins = pdpColumns.map { Double(r[$0]!)! }
            return bins.max() == 0 && bins.allSatisfy { $0 >= -40 }
        })
        // Labels: both states occur in an urban city, and NLOS links lose more (TR 38.811 clutter loss).
        let los = rows.filter { $0["los"] == "1" }, nlos = rows.filter { $0["los"] == "0" }
        #expect(los.count + nlos.count == rows.count)
        #expect(!los.isEmpty && !nlos.isEmpty)
        func meanExcess(_ r: [[String: String]]) -> Double {
            r.map { Double($0["path_loss_db"]!)! }.reduce(0, +) / Double(r.count)
        }
        #expect(meanExcess(nlos) > meanExcess(los) + 10)
        // Every peer is above the 20° mask (the noisy elevation feature has σ = 0.1°).
        #expect(rows.allSatisfy { Double($0["elevation_deg"]!)! > 19.5 })
    }

    @Test("--measurement-noise scales only the measurement: same links and truth, features closer to it without noise")
    func measurementNoise() throws {
        let scratch = try Scratch("dataset-noise")
        defer { scratch.remove() }
        let topo = try Self.topology(scratch)
        let scene = try Self.city(seed: 1, topology: topo)
        func rows(_ scale: Double) throws -> [[String: String]] {
            var o = ChannelDataset.Options(samples: 200, seed: 5)
            o.measurementNoiseScale = scale
            let path = scratch.dir + "/n\(scale).csv"
            _ = try ChannelDataset.write(topology: topo, scene: scene, sceneLabel: "s", options: o, to: path)
            return try readCSV(path)
        }
        let quiet = try rows(0), normal = try rows(1), loud = try rows(5)
        for key in ["los", "path_loss_db", "excess_loss_db", "peer", "receiver_x_m"] {
            #expect(quiet.map { $0[key] } == normal.map { $0[key] } && loud.map { $0[key] } == normal.map { $0[key] }, "\(key)")
        }
        // Received power = EIRP + G − path loss + N(0, σ): the spread of (rx + path loss) is σ (0, 1, 5 dB).
        func spread(_ r: [[String: String]]) -> Double {
            let v = r.map { Double($0["rx_power_dbw"]!)! + Double($0["path_loss_db"]!)! }
            let m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
        }
        #expect(spread(quiet) < 1e-6)
        #expect(abs(spread(normal) - 1) < 0.15 && abs(spread(loud) - 5) < 0.75, "\(spread(normal)), \(spread(loud))")
        #expect(throws: DatasetError.self) {
            var o = ChannelDataset.Options(samples: 10, seed: 5)
            o.measurementNoiseScale = -1
            _ = try ChannelDataset.write(topology: topo, scene: scene, sceneLabel: "s", options: o, to: scratch.dir + "/bad.csv")
        }
    }

    @Test("over an empty city every dataset link is LOS and every map cell is fully LOS")
    func emptyCity() throws {
        let scratch = try Scratch("empty-city")
        defer { scratch.remove() }
        let topo = try Self.topology(scratch)
        let origin = try SceneSource.origin(of: topo)
        let empty = UrbanScene(width: 200, height: 200, resolutionMeters: 1, heights: [Float](repeating: 0, count: 40_000),
                               origin: origin)
        let path = scratch.dir + "/empty.csv"
        _ = try ChannelDataset.write(topology: topo, scene: empty, sceneLabel: "empty", options: .init(samples: 50, seed: 1),
                                     to: path)
        #expect(try readCSV(path).allSatisfy { $0["los"] == "1" })

        var o = ChannelMap.Options()
        o.cellMeters = 50
        o.azimuthBins = 8
        o.elevationBins = 3
        let r = try ChannelMap.write(topology: topo, scene: empty, options: o, to: scratch.dir + "/map")
        #expect(r.cells == 16)
        #expect(r.losFraction == 1 || r.upperNodesInView == 0)
        let sky = try readCSV(scratch.dir + "/map/sky.csv")
        #expect(sky.count == 16 * 8 * 3)
        #expect(sky.allSatisfy { $0["los_fraction"] == "1.0000" })
        for file in ["map.csv", "sky.csv", "map.png", "scene.png"] {
            #expect(FileManager.default.fileExists(atPath: scratch.dir + "/map/" + file), "\(file)")
        }
    }

    @Test("a wall north of the cells blocks exactly the sky bins the closed form says")
    func wallSkyMask() throws {
        let scratch = try Scratch("wall")
        defer { scratch.remove() }
        let topo = try Self.topology(scratch)
        // 200 m × 200 m at 1 m; a 30 m wall filling the cell row whose south face is at y = 60 m.
        let size = 200, wallHeight: Float = 30, wallSouth = 60.0
        var heights = [Float](repeating: 0, count: size * size)
        let wallRow = Int(wallSouth) + size / 2           // cell rows run south to north from y = −100 m
        for column in 0 ..< size { heights[wallRow * size + column] = wallHeight }
        let scene = UrbanScene(width: size, height: size, resolutionMeters: 1, heights: heights,
                               origin: try SceneSource.origin(of: topo))
        var o = ChannelMap.Options()
        o.cellMeters = 50
        o.probesPerSide = 2
        o.azimuthBins = 12
        o.elevationBins = 6
        _ = try ChannelMap.write(topology: topo, scene: scene, options: o, to: scratch.dir + "/map")
        let sky = try readCSV(scratch.dir + "/map/sky.csv")
        var checked = 0
        for row in sky {
            let cx = Double(row["cell_x_m"]!)!, cy = Double(row["cell_y_m"]!)!
            guard cy < wallSouth else { continue }            // cells south of the wall only
            let az = Double(row["azimuth_deg"]!)! * .pi / 180, el = Double(row["elevation_deg"]!)! * .pi / 180
            // The cell's probes: a 2 × 2 sub-grid at 1.5 m. A ray heading north (cos az > 0) meets the
            // wall's south face after (60 − y)/cos(az) metres of ground, unless it has left the scene
            // sideways, and is blocked while its height there, 1.5 + distance·tan(el), is below 30 m.
            // Rays heading south never meet it.
            var clear = 0
            for j in 0 ..< 2 {
                for i in 0 ..< 2 {
                    let px = cx + (Double(i) - 0.5) * 25
                    let py = cy + (Double(j) - 0.5) * 25
                    let northward = cos(az)
                    if northward <= 1e-9 { clear += 1; continue }
                    let distance = (wallSouth - py) / northward
                    // A ray that leaves the scene sideways (x outside ±100 m) before the wall is clear.
                    let xAtWall = px + distance * sin(az)
                    if xAtWall >= 100 || xAtWall < -100 || 1.5 + distance * tan(el) >= Double(wallHeight) { clear += 1 }
                }
            }
            #expect(Double(row["los_fraction"]!)! == Double(clear) / 4, "cell (\(cx), \(cy)) az \(row["azimuth_deg"]!) el \(row["elevation_deg"]!)")
            checked += 1
        }
        #expect(checked == 12 * 12 * 6)   // 3 of the 4 cell rows are south of the wall, 4 columns each
    }
}
