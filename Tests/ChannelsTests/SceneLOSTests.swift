import Foundation
import Testing
import SimCore
@testable import Channels

/// Ray marching through UrbanScene against analytic walls and against an exhaustive test of every
/// building cell.
@Suite struct SceneLOSTests {
    /// A 200 m × 200 m scene at 1 m with one wall of height `wallHeight` two cells thick, either
    /// across x (cells x ∈ [start, start + 2)) or across y.
    static func wallScene(height wallHeight: Float, start: Int, acrossX: Bool) -> UrbanScene {
        let n = 200
        var h = [Float](repeating: 0, count: n * n)
        for r in 0 ..< n {
            for c in 0 ..< n {
                // scene x of cell c's west edge is c − 100
                let coord = acrossX ? c - 100 : r - 100
                if coord >= start && coord < start + 2 { h[r * n + c] = wallHeight }
            }
        }
        return UrbanScene(width: n, height: n, resolutionMeters: 1, heights: h)
    }

    static let rx = SIMD3<Double>(0.3, 0.2, 1.5)

    /// LOS iff tan(el) ≥ (H − h_rx)/D_along_ray: checked 0.01° either side of the threshold angle,
    /// towards walls east, west, north and south, along the axis and at diagonal azimuths.
    @Test(arguments: [
        // (wall start, across x?, azimuth)
        (20, true, 90.0), (20, true, 45.0), (20, true, 135.0), (20, true, 60.0),
        (-22, true, 270.0), (-22, true, 225.0), (-22, true, 315.0),
        (20, false, 0.0), (20, false, 45.0), (20, false, 315.0), (20, false, 30.0),
        (-22, false, 180.0), (-22, false, 135.0), (-22, false, 225.0),
    ])
    func wallThreshold(start: Int, acrossX: Bool, azimuth: Double) {
        let wall: Float = 30
        let scene = Self.wallScene(height: wall, start: start, acrossX: acrossX)
        let rad = azimuth * .pi / 180
        // Perpendicular distance from the receiver to the near face, and the horizontal path length to it.
        let face = Double(start >= 0 ? start : start + 2)
        let perpendicular = acrossX ? abs(face - Self.rx.x) : abs(face - Self.rx.y)
        let along = perpendicular / abs(acrossX ? sin(rad) : cos(rad))
        let threshold = atan((Double(wall) - Self.rx.z) / along) * 180 / .pi
        #expect(!scene.isLOS(receiver: Self.rx, azimuthDeg: azimuth, elevationDeg: threshold - 0.01))
        #expect(scene.isLOS(receiver: Self.rx, azimuthDeg: azimuth, elevationDeg: threshold + 0.01))
        #expect(!scene.isLOSWithoutPyramid(receiver: Self.rx, azimuthDeg: azimuth, elevationDeg: threshold - 0.01))
        #expect(scene.isLOSWithoutPyramid(receiver: Self.rx, azimuthDeg: azimuth, elevationDeg: threshold + 0.01))
        // Facing away from the wall: nothing in the way, even at grazing elevations.
        #expect(scene.isLOS(receiver: Self.rx, azimuthDeg: azimuth + 180, elevationDeg: 0.5))
    }

    /// Point-to-point over the wall at x ∈ [20, 22): the segment from the receiver to a UAV 100 m east
    /// is LOS iff its height at the near face, 1.5 + (z_b − 1.5)·19.7/100, reaches the wall top;
    /// both orders of the endpoints agree.
    @Test func segmentOverWall() {
        let scene = Self.wallScene(height: 30, start: 20, acrossX: true)
        let a = Self.rx
        let d = 100.0
        let zStar = a.z + (30 - a.z) * d / (20 - a.x)
        for (dz, expected) in [(-0.1, false), (0.1, true)] {
            let b = SIMD3(a.x + d, a.y, zStar + dz)
            #expect(scene.isLOS(from: a, to: b) == expected)
            #expect(scene.isLOS(from: b, to: a) == expected)
            #expect(scene.isLOS(from: a, to: b, usePyramid: false) == expected)
        }
        // Diagonal segment (45°): horizontal distance to the face is 19.7·√2.
        let bDiag = SIMD3(a.x + 60, a.y + 60, 0.0)
        let zDiag = a.z + (30 - a.z) * 60 / (20 - a.x)
        #expect(!scene.isLOS(from: a, to: bDiag + SIMD3(0, 0, zDiag - 0.1)))
        #expect(scene.isLOS(from: a, to: bDiag + SIMD3(0, 0, zDiag + 0.1)))
        // A segment ending before the wall is LOS however low.
        #expect(scene.isLOS(from: a, to: SIMD3(19.5, 0.2, 1.0)))
        // Below the ground: NLOS.
        #expect(!scene.isLOS(from: a, to: SIMD3(10, 0, -1)))
    }

    /// Policies: the receiver's own cell is ignored; negative elevation is NLOS; zenith is LOS; rays
    /// from outside the raster are marched from where they enter it.
    @Test func policies() {
        let n = 40
        var h = [Float](repeating: 0, count: n * n)
        h[20 * n + 20] = 50  // a one-cell tower at x, y ∈ [0, 1)
        for r in 10 ..< 15 { for c in 10 ..< 15 { h[r * n + c] = 50 } }  // a 5 m block at x, y ∈ [−10, −5)
        let scene = UrbanScene(width: n, height: n, resolutionMeters: 1, heights: h)
        let inTower = SIMD3(0.5, 0.5, 1.5)
        for az in stride(from: 0.0, to: 360, by: 30) where !(180 ... 270).contains(az) {  // the block is to the south-west
            #expect(scene.isLOS(receiver: inTower, azimuthDeg: az, elevationDeg: 5))
        }
        // Inside the 5 m block (centre cell), the neighbouring built cells block a 60° ray.
        #expect(!scene.isLOS(receiver: SIMD3(-7.5, -7.5, 1.5), azimuthDeg: 0, elevationDeg: 60))
        #expect(scene.isLOS(receiver: SIMD3(-7.5, -7.5, 1.5), azimuthDeg: 0, elevationDeg: 90))
        #expect(!scene.isLOS(receiver: SIMD3(5, 5, 1.5), azimuthDeg: 0, elevationDeg: -1))
        #expect(scene.isLOS(receiver: SIMD3(5, 5, 1.5), azimuthDeg: 0, elevationDeg: 0))
        // From 30 m west of the raster, aimed at the tower below its top: NLOS; aimed away: LOS.
        let outside = SIMD3(-50.0, 0.5, 1.5)
        #expect(!scene.isLOS(receiver: outside, azimuthDeg: 90, elevationDeg: 10))
        #expect(scene.isLOS(receiver: outside, azimuthDeg: 90, elevationDeg: 60))
        #expect(scene.isLOS(receiver: outside, azimuthDeg: 270, elevationDeg: 1))
        // Segments: through the tower NLOS, over it LOS, into it (end cell ignored) LOS.
        #expect(!scene.isLOS(from: SIMD3(-15, 0.5, 10), to: SIMD3(15, 0.5, 10)))
        #expect(scene.isLOS(from: SIMD3(-15, 0.5, 60), to: SIMD3(15, 0.5, 60)))
        #expect(scene.isLOS(from: SIMD3(-15, 0.5, 10), to: SIMD3(0.5, 0.5, 10)))
    }

    /// Built cells of a scene as (west x, south y, height, column, row).
    static func builtCells(_ scene: UrbanScene) -> [(x: Double, y: Double, h: Double, c: Int, r: Int)] {
        var out: [(Double, Double, Double, Int, Int)] = []
        for r in 0 ..< scene.height {
            for c in 0 ..< scene.width where scene.height(column: c, row: r) > 0 {
                out.append((-scene.widthMeters / 2 + Double(c) * scene.resolutionMeters,
                            -scene.heightMeters / 2 + Double(r) * scene.resolutionMeters,
                            Double(scene.height(column: c, row: r)), c, r))
            }
        }
        return out
    }

    /// Exhaustive reference: the ray meets built cell k iff it passes over the cell's square within
    /// [0, tEnd] and its lowest height there is below the cell's height.
    static func exhaustiveLOS(_ cells: [(x: Double, y: Double, h: Double, c: Int, r: Int)], resolution res: Double,
                              from o: SIMD3<Double>, direction d: SIMD3<Double>, tEnd: Double, ignoring ignored: [(Int, Int)]) -> Bool {
        for cell in cells {
            let tx1 = (cell.x - o.x) / d.x, tx2 = (cell.x + res - o.x) / d.x
            let ty1 = (cell.y - o.y) / d.y, ty2 = (cell.y + res - o.y) / d.y
            let lo = max(0, min(tx1, tx2), min(ty1, ty2)), hi = min(tEnd, max(tx1, tx2), max(ty1, ty2))
            guard lo < hi, cell.h > min(o.z + lo * d.z, o.z + hi * d.z) else { continue }
            if !ignored.contains(where: { $0 == (cell.c, cell.r) }) { return false }
        }
        return true
    }

    /// A random raster with odd dimensions (partial pyramid blocks at the edges) and iid towers.
    static func randomRaster(seed: UInt64) -> UrbanScene {
        let rng = RandomStreams(seed: seed).stream("test/raster")
        let w = 77, h = 53
        var hs = [Float](repeating: 0, count: w * h)
        for k in 0 ..< w * h where rng.uniform() < 0.08 { hs[k] = Float(rng.uniform() * 40) }
        return UrbanScene(width: w, height: h, resolutionMeters: 1.5, heights: hs)
    }

    /// The box index (street receivers inside the raster), the pyramid-accelerated walk, the plain
    /// cell walk and the exhaustive test agree exactly on
    /// 2,000 random direction rays (receivers anywhere, also inside towers and outside the raster)
    /// and 2,000 random segments, in a random raster and in a generated P.1410 city.
    @Test(arguments: [0, 1])
    func pyramidMatchesExhaustive(sceneKind: Int) {
        let scene = sceneKind == 0
            ? Self.randomRaster(seed: 3)
            : UrbanScene.generate(parameters: .denseUrban, widthMeters: 120, heightMeters: 90, resolutionMeters: 1,
                                  rng: RandomStreams(seed: 5).stream("scene"))
        let rng = RandomStreams(seed: 11).stream("test/rays")
        let halfW = scene.widthMeters / 2 + 10, halfH = scene.heightMeters / 2 + 10
        func ownCell(_ p: SIMD3<Double>) -> [(Int, Int)] {
            scene.cell(containing: SIMD2(p.x, p.y)).map { [($0.column, $0.row)] } ?? []
        }
        let cells = Self.builtCells(scene)
        var mismatches = 0, los = 0
        for _ in 0 ..< 2000 {
            let o = SIMD3(rng.uniform(-halfW, halfW), rng.uniform(-halfH, halfH), rng.uniform(0, 30))
            let az = rng.uniform(0, 360), el = rng.uniform(0, 90)
            let a = az * .pi / 180, e = el * .pi / 180
            let d = SIMD3(sin(a) * cos(e), cos(a) * cos(e), sin(e))
            let fast = scene.isLOS(receiver: o, azimuthDeg: az, elevationDeg: el)
            let plain = scene.isLOSWithoutPyramid(receiver: o, azimuthDeg: az, elevationDeg: el)
            let vector = scene.isLOS(receiver: o, direction: d * 7.5)  // any length
            let walk = scene.isLOSByWalk(receiver: o, azimuthDeg: az, elevationDeg: el)  // no box index
            let exact = Self.exhaustiveLOS(cells, resolution: scene.resolutionMeters, from: o, direction: d, tEnd: 1e6, ignoring: ownCell(o))
            if fast != exact || plain != exact || vector != exact || walk != exact { mismatches += 1 }
            if exact { los += 1 }
        }
        #expect(mismatches == 0)
        #expect(los > 200 && los < 1800, "the rays should mix LOS and NLOS, got \(los) LOS of 2000")
        mismatches = 0; los = 0
        for _ in 0 ..< 2000 {
            let a = SIMD3(rng.uniform(-halfW, halfW), rng.uniform(-halfH, halfH), rng.uniform(0, 20))
            let b = SIMD3(rng.uniform(-halfW, halfW), rng.uniform(-halfH, halfH), rng.uniform(0, 60))
            let exact = Self.exhaustiveLOS(cells, resolution: scene.resolutionMeters, from: a, direction: b - a, tEnd: 1, ignoring: ownCell(a) + ownCell(b))
            if scene.isLOS(from: a, to: b) != exact || scene.isLOS(from: a, to: b, usePyramid: false) != exact
                || scene.isLOS(from: b, to: a) != exact { mismatches += 1 }
            if exact { los += 1 }
        }
        #expect(mismatches == 0)
        #expect(los > 200 && los < 1800, "the segments should mix LOS and NLOS, got \(los) LOS of 2000")
    }

    /// Pyramid codes bracket the height: (code − 1)·q < h ≤ code·q, and every coarser level holds the
    /// maximum code of its 2×2 children.
    @Test func pyramidCodes() {
        let rng = RandomStreams(seed: 9).stream("test/codes")
        let q = 57.0 / 255 * (1 + 1e-6)
        for _ in 0 ..< 10_000 {
            let h = Double(Float(rng.uniform(0, 57)))
            let c = Double(HeightPyramid.code(h, q))
            #expect((c - 1) * q < h && h <= c * q)
        }
        #expect(HeightPyramid.code(0, q) == 0)
        let scene = Self.randomRaster(seed: 4)
        let p = scene.pyramid
        var w = scene.width, h = scene.height
        for level in 1 ... p.topLevel {
            let pw = w, ph = h
            w = (w + 1) / 2; h = (h + 1) / 2
            for r in 0 ..< h {
                for c in 0 ..< w {
                    var m: UInt8 = 0
                    for (cc, rr) in [(2 * c, 2 * r), (2 * c + 1, 2 * r), (2 * c, 2 * r + 1), (2 * c + 1, 2 * r + 1)] where cc < pw && rr < ph {
                        m = max(m, p.data[p.offsets[level - 1] + HeightPyramid.tiledIndex(cc, rr, p.tilesPerRow[level - 1])])
                    }
                    #expect(p.data[p.offsets[level] + HeightPyramid.tiledIndex(c, r, p.tilesPerRow[level])] == m)
                }
            }
        }
        #expect(w == 1 && h == 1)
    }

    /// A brute-force fine-step march (samples every 1 cm, blocked when a sample is below its cell's
    /// height) against the pyramid walk on 1,000 random rays. Sampling can only miss an obstruction
    /// the ray crosses for less than a step (a building corner or a roof edge), so it may say LOS
    /// where the exact walk says NLOS but never the reverse, and then only rarely.
    @Test func pyramidMatchesFineStepMarch() {
        let scene = UrbanScene.generate(parameters: .urban, widthMeters: 100, heightMeters: 100, resolutionMeters: 1,
                                        rng: RandomStreams(seed: 21).stream("scene"))
        let rng = RandomStreams(seed: 22).stream("test/rays")
        let maxH = Double(scene.maxHeightMeters)
        var fineLOSexactNLOS = 0, reverse = 0
        for _ in 0 ..< 1000 {
            var o = SIMD3(rng.uniform(-50, 50), rng.uniform(-50, 50), 1.5)
            while scene.height(at: SIMD2(o.x, o.y)) > 0 { o = SIMD3(rng.uniform(-50, 50), rng.uniform(-50, 50), 1.5) }
            let az = rng.uniform(0, 360), el = rng.uniform(5, 90)
            let a = az * .pi / 180, e = el * .pi / 180
            let d = SIMD3(sin(a) * cos(e), cos(a) * cos(e), sin(e))
            let own = scene.cell(containing: SIMD2(o.x, o.y))!
            var fine = true
            var t = 0.0
            while true {
                let p = o + t * d
                if p.z >= maxH || abs(p.x) >= 50 || abs(p.y) >= 50 { break }
                if let c = scene.cell(containing: SIMD2(p.x, p.y)), c != own,
                   Double(scene.height(column: c.column, row: c.row)) > p.z { fine = false; break }
                t += 0.01
            }
            let fast = scene.isLOS(receiver: o, azimuthDeg: az, elevationDeg: el)
            if fine && !fast { fineLOSexactNLOS += 1 }
            if !fine && fast { reverse += 1 }
        }
        #expect(reverse == 0)
        #expect(fineLOSexactNLOS <= 10, "\(fineLOSexactNLOS) of 1000 rays differ")
    }

    /// context(at:radiusMeters:) on a known layout: a 20 m × 20 m block of height 12 at x, y ∈ [0, 20).
    @Test func context() {
        let n = 100
        var h = [Float](repeating: 0, count: n * n)
        for r in 50 ..< 70 { for c in 50 ..< 70 { h[r * n + c] = 12 } }
        let scene = UrbanScene(width: n, height: n, resolutionMeters: 1, heights: h)
        let inside = scene.context(at: SIMD2(10, 10), radiusMeters: 5)
        #expect(inside.builtUpFraction == 1 && inside.meanHeightMeters == 12)
        let open = scene.context(at: SIMD2(-30, -30), radiusMeters: 10)
        #expect(open.builtUpFraction == 0 && open.meanHeightMeters == 0)
        // On the block's west edge: half the disc is built (to within the cell quantisation).
        let edge = scene.context(at: SIMD2(0, 10), radiusMeters: 8)
        #expect(abs(edge.builtUpFraction - 0.5) < 0.05 && edge.meanHeightMeters == 12)
        // A large disc: 400 built cells of the ≈ π·40² cells in it.
        let big = scene.context(at: SIMD2(10, 10), radiusMeters: 40)
        #expect(abs(big.builtUpFraction - 400 / (Double.pi * 1600)) < 0.005)
    }
}
