import Foundation
import Orbits
import SimCore

/// ITU-R P.1410 statistical city: built-up fraction `alpha`, buildings per km² `beta`, Rayleigh
/// height scale `gamma` (metres).
///
/// ```swift
/// let city = P1410.urban                        // (0.3, 500, 15)
/// city.buildingSideMeters                       // 1000·√(α/β) ≈ 24.5 m
/// city.gridPitchMeters                          // 1000/√β ≈ 44.7 m
/// ```
public struct P1410: Sendable, Hashable, CustomStringConvertible {
    /// Ratio of built-up land area to total land area, 0 < α < 1.
    public var alpha: Double
    /// Mean number of buildings per km².
    public var beta: Double
    /// Scale parameter of the Rayleigh distribution of building heights, metres.
    public var gamma: Double

    public init(alpha: Double, beta: Double, gamma: Double) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
    }

    /// Suburban (0.1, 750, 8).
    public static let suburban = P1410(alpha: 0.1, beta: 750, gamma: 8)
    /// Urban (0.3, 500, 15).
    public static let urban = P1410(alpha: 0.3, beta: 500, gamma: 15)
    /// Dense urban (0.5, 300, 20).
    public static let denseUrban = P1410(alpha: 0.5, beta: 300, gamma: 20)
    /// High-rise urban (0.5, 300, 50).
    public static let highRise = P1410(alpha: 0.5, beta: 300, gamma: 50)

    /// The presets by name: `suburban`, `urban`, `dense-urban`, `high-rise`.
    public static let presets: [String: P1410] = [
        "suburban": .suburban, "urban": .urban, "dense-urban": .denseUrban, "high-rise": .highRise,
    ]

    /// Side of the square buildings of the Manhattan grid, 1000·√(α/β) metres.
    public var buildingSideMeters: Double { 1000 * (alpha / beta).squareRoot() }
    /// Pitch of the Manhattan grid, 1000/√β metres (one building per pitch², so β per km²).
    public var gridPitchMeters: Double { 1000 / beta.squareRoot() }
    /// Mean building height, γ·√(π/2) metres.
    public var meanHeightMeters: Double { gamma * (Double.pi / 2).squareRoot() }
    /// Variance of the building height, (2 − π/2)·γ² m².
    public var heightVariance: Double { (2 - Double.pi / 2) * gamma * gamma }

    /// The P.1410 geometric LOS probability for a link of ground length `groundDistanceMeters`
    /// between a transmitter at `txHeightMeters` and a receiver at `rxHeightMeters`
    /// (air-to-ground.md §2, with m = ⌊r·√(αβ) − 1⌋, r in km; P = 1 when m < 0).
    public func losProbability(groundDistanceMeters r: Double, txHeightMeters hTx: Double, rxHeightMeters hRx: Double) -> Double {
        let m = Int((r / 1000 * (alpha * beta).squareRoot() - 1).rounded(.down))
        guard m >= 0 else { return 1 }
        var p = 1.0
        for n in 0 ... m {
            let h = hTx - (Double(n) + 0.5) * (hTx - hRx) / Double(m + 1)
            p *= 1 - exp(-(h * h) / (2 * gamma * gamma))
        }
        return p
    }

    public var description: String { "P.1410(α \(alpha), β \(beta)/km², γ \(gamma) m)" }
}

/// A city as a building-height raster, with geometric line of sight by ray marching.
///
/// **Raster convention.** `width` columns (east) × `height` rows (north) of square cells of side
/// `resolutionMeters`; `heights[row * width + column]` is the building height in metres (0 = street
/// or open ground). Row 0 is the southernmost row, column 0 the westernmost. The raster covers
/// x ∈ [−W/2, W/2), y ∈ [−H/2, H/2) around the origin, W = width·resolution, H = height·resolution;
/// cell (column c, row r) is the square x ∈ [−W/2 + c·res, −W/2 + (c+1)·res), y likewise with r.
/// Image files (PGM, PNG) store the northernmost row first, as an image is viewed with north up.
///
/// **Coordinates.** Local east-north-up metres relative to `origin` (a geodetic point); `z` is height
/// above the ground. Outside the raster the ground is open and flat.
///
/// **LOS semantics.** A cell of height h blocks a ray when the ray passes through the cell's column
/// below h (the lowest ray height over the cell's horizontal extent is strictly below h; grazing a
/// roof is LOS). The cells containing the endpoints (the receiver's own cell, and in the
/// point-to-point form also the other end's cell) are ignored, so a receiver inside or on a building
/// sees out of it. Directions with negative elevation are NLOS (the ground blocks).
///
/// ```swift
/// let streams = RandomStreams(seed: 1)
/// let scene = UrbanScene.generate(parameters: .urban, widthMeters: 500, heightMeters: 500,
///                                 resolutionMeters: 1, origin: Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35),
///                                 rng: streams.stream("scene"))
/// scene.isLOS(receiver: SIMD3(10, -20, 1.5), azimuthDeg: 135, elevationDeg: 40)
/// ```
public struct UrbanScene: LineOfSightModel, CustomStringConvertible {
    /// Columns (east-west cells).
    public let width: Int
    /// Rows (north-south cells).
    public let height: Int
    /// Side of a cell, metres.
    public let resolutionMeters: Double
    /// Building heights, metres, row-major from the south-west corner (`row * width + column`).
    public let heights: [Float]
    /// The geodetic point at the centre of the raster (x = y = 0, ground level).
    public let origin: Geodetic
    /// Height of the tallest building, metres.
    public let maxHeightMeters: Float
    /// The max-height pyramid used by the ray marcher.
    let pyramid: HeightPyramid
    /// The buildings as bucketed boxes, for direction queries from street level.
    let rectangles: RectangleIndex
    /// ECEF → ENU rotation rows and the origin's ECEF position (metres).
    private let east: SIMD3<Double>, north: SIMD3<Double>, up: SIMD3<Double>, originECEF: SIMD3<Double>

    /// A scene from a raster. `heights.count` must be `width * height`; negative or non-finite
    /// heights are treated as 0.
    public init(width: Int, height: Int, resolutionMeters: Double, heights: [Float], origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0)) {
        precondition(width > 0 && height > 0, "UrbanScene needs a non-empty raster")
        precondition(heights.count == width * height, "UrbanScene: heights.count \(heights.count) != width·height \(width * height)")
        precondition(resolutionMeters > 0 && resolutionMeters.isFinite, "UrbanScene: resolution must be positive")
        let clean = heights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        self.width = width
        self.height = height
        self.resolutionMeters = resolutionMeters
        self.heights = clean
        self.origin = origin
        self.maxHeightMeters = clean.max() ?? 0
        self.pyramid = HeightPyramid(heights: clean, width: width, height: height, maxHeight: clean.max() ?? 0)
        self.rectangles = RectangleIndex(heights: clean, width: width, height: height)
        let lat = origin.latitudeDeg * .pi / 180, lon = origin.longitudeDeg * .pi / 180
        east = SIMD3(-sin(lon), cos(lon), 0)
        north = SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat))
        up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
        originECEF = origin.ecefKm * 1000
    }

    public var description: String {
        "UrbanScene(\(width)×\(height) cells of \(resolutionMeters) m, built-up \(builtUpFraction), tallest \(maxHeightMeters) m, origin \(origin))"
    }

    /// Width of the covered area, metres.
    public var widthMeters: Double { Double(width) * resolutionMeters }
    /// Height (north-south extent) of the covered area, metres.
    public var heightMeters: Double { Double(height) * resolutionMeters }

    /// East-north-up position (metres) of a geodetic point relative to `origin`: the exact rotation
    /// of the ECEF difference into the origin's local frame (up is the ellipsoid normal at the origin).
    public func enu(of point: Geodetic) -> SIMD3<Double> {
        let d = point.ecefKm * 1000 - originECEF
        return SIMD3((east * d).sum(), (north * d).sum(), (up * d).sum())
    }

    /// The geodetic point at a local east-north-up position (the inverse of ``enu(of:)``).
    public func geodetic(ofENU p: SIMD3<Double>) -> Geodetic {
        let ecef = originECEF + east * p.x + north * p.y + up * p.z
        return Geodetic(ecefKm: ecef / 1000)
    }

    /// The cell (column, row) containing a ground point, or nil outside the raster.
    public func cell(containing p: SIMD2<Double>) -> (column: Int, row: Int)? {
        let cx = ((p.x + widthMeters / 2) / resolutionMeters).rounded(.down)
        let cy = ((p.y + heightMeters / 2) / resolutionMeters).rounded(.down)
        guard cx >= 0, cy >= 0, cx < Double(width), cy < Double(height) else { return nil }
        return (Int(cx), Int(cy))
    }

    /// The centre of cell (column, row), metres.
    public func cellCentre(column: Int, row: Int) -> SIMD2<Double> {
        SIMD2((Double(column) + 0.5) * resolutionMeters - widthMeters / 2,
              (Double(row) + 0.5) * resolutionMeters - heightMeters / 2)
    }

    /// Building height of cell (column, row), metres.
    public func height(column: Int, row: Int) -> Float { heights[row * width + column] }

    /// Building height at a ground point, metres (0 outside the raster).
    public func height(at p: SIMD2<Double>) -> Double {
        guard let c = cell(containing: p) else { return 0 }
        return Double(height(column: c.column, row: c.row))
    }

    /// Built-up fraction and mean built height of the cells whose centres lie within `radiusMeters`
    /// of `at`. Cells outside the raster count as open ground; a disc smaller than a cell uses the
    /// cell containing `at`.
    public func context(at p: SIMD2<Double>, radiusMeters: Double) -> SceneContext {
        let res = resolutionMeters
        let x0 = -widthMeters / 2, y0 = -heightMeters / 2
        let r = max(radiusMeters, 0)
        let c0 = Int(((p.x - r - x0) / res).rounded(.down)), c1 = Int(((p.x + r - x0) / res).rounded(.down))
        let r0 = Int(((p.y - r - y0) / res).rounded(.down)), r1 = Int(((p.y + r - y0) / res).rounded(.down))
        var total = 0, built = 0
        var sum = 0.0
        for row in r0 ... r1 {
            let dy = y0 + (Double(row) + 0.5) * res - p.y
            for column in c0 ... c1 {
                let dx = x0 + (Double(column) + 0.5) * res - p.x
                guard dx * dx + dy * dy <= r * r else { continue }
                total += 1
                if column >= 0, row >= 0, column < width, row < height {
                    let h = heights[row * width + column]
                    if h > 0 { built += 1; sum += Double(h) }
                }
            }
        }
        if total == 0 {
            let h = height(at: p)
            return SceneContext(builtUpFraction: h > 0 ? 1 : 0, meanHeightMeters: h)
        }
        return SceneContext(builtUpFraction: Double(built) / Double(total), meanHeightMeters: built > 0 ? sum / Double(built) : 0)
    }

    /// Fraction of built cells (height > 0) in the whole raster.
    public var builtUpFraction: Double {
        Double(heights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }) / Double(heights.count)
    }
}

// MARK: - Generation

extension UrbanScene {
    /// A Manhattan-grid city with ITU-R P.1410 statistics: square buildings of side
    /// 1000·√(α/β) m on a square grid of pitch 1000/√β m (built-up fraction α, β buildings per km²),
    /// each with its own height drawn from Rayleigh(γ). The grid's offset is uniform random in one
    /// pitch along each axis; a cell belongs to a building when its centre lies inside the building's
    /// square. Draws from `rng` in a fixed order (offset x, offset y, then heights row by row of the
    /// grid from the south-west), so the same stream state gives the identical raster.
    public static func generate(parameters p: P1410, widthMeters: Double, heightMeters: Double, resolutionMeters res: Double,
                                origin: Geodetic = Geodetic(latitudeDeg: 0, longitudeDeg: 0), rng: RNGStream) -> UrbanScene {
        precondition(p.alpha > 0 && p.alpha < 1 && p.beta > 0 && p.gamma > 0, "P.1410 needs 0 < α < 1, β > 0, γ > 0")
        let w = max(1, Int((widthMeters / res).rounded())), h = max(1, Int((heightMeters / res).rounded()))
        let side = p.buildingSideMeters, pitch = p.gridPitchMeters
        let x0 = -Double(w) * res / 2, y0 = -Double(h) * res / 2
        let offX = rng.uniform() * pitch, offY = rng.uniform() * pitch
        // Building k along an axis starts at origin0 + offset + (k − 1)·pitch, k = 0 … count − 1:
        // starting one pitch early covers a building clipped by the west/south edge.
        let nx = Int((Double(w) * res / pitch).rounded(.up)) + 2, ny = Int((Double(h) * res / pitch).rounded(.up)) + 2
        // For each axis, the building index covering each cell centre (−1 for a street).
        func axisMask(count n: Int, start: Double, offset: Double, buildings: Int) -> [Int] {
            var mask = [Int](repeating: -1, count: n)
            for k in 0 ..< buildings {
                let lo = start + offset + Double(k - 1) * pitch, hi = lo + side
                // Cells with centre c in [lo, hi): start + (i + 0.5)·res ∈ [lo, hi).
                let i0 = max(0, Int(((lo - start) / res - 0.5).rounded(.up)))
                var i = i0
                while i < n, start + (Double(i) + 0.5) * res < hi {
                    mask[i] = k
                    i += 1
                }
            }
            return mask
        }
        let mx = axisMask(count: w, start: x0, offset: offX, buildings: nx)
        let my = axisMask(count: h, start: y0, offset: offY, buildings: ny)
        var buildingHeights = [Float](repeating: 0, count: nx * ny)
        for k in 0 ..< nx * ny { buildingHeights[k] = Float(max(rng.rayleigh(sigma: p.gamma), 0.01)) }
        var raster = [Float](repeating: 0, count: w * h)
        for row in 0 ..< h where my[row] >= 0 {
            let base = my[row] * nx
            for column in 0 ..< w where mx[column] >= 0 {
                raster[row * w + column] = buildingHeights[base + mx[column]]
            }
        }
        return UrbanScene(width: w, height: h, resolutionMeters: res, heights: raster, origin: origin)
    }
}
