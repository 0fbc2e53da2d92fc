import Foundation
import Testing
import Orbits
import SimCore
@testable import Channels

/// UrbanScene.generate against the ITU-R P.1410 parameters it is given, seeding, and ENU placement.
@Suite struct SceneGenerationTests {
    /// Buildings of a raster as 4-connected components of built cells: (height, touches the border,
    /// bounding-box columns, bounding-box rows).
    static func buildings(_ s: UrbanScene) -> [(height: Float, border: Bool, columns: Int, rows: Int)] {
        var seen = [Bool](repeating: false, count: s.width * s.height)
        var out: [(Float, Bool, Int, Int)] = []
        var stack: [Int] = []
        for start in 0 ..< s.heights.count where s.heights[start] > 0 && !seen[start] {
            seen[start] = true
            stack.append(start)
            var c0 = Int.max, c1 = Int.min, r0 = Int.max, r1 = Int.min
            while let k = stack.popLast() {
                let r = k / s.width, c = k % s.width
                c0 = min(c0, c); c1 = max(c1, c); r0 = min(r0, r); r1 = max(r1, r)
                for (dc, dr) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let cc = c + dc, rr = r + dr
                    guard cc >= 0, rr >= 0, cc < s.width, rr < s.height else { continue }
                    let kk = rr * s.width + cc
                    if s.heights[kk] > 0 && !seen[kk] { seen[kk] = true; stack.append(kk) }
                }
            }
            let border = c0 == 0 || r0 == 0 || c1 == s.width - 1 || r1 == s.height - 1
            out.append((s.heights[start], border, c1 - c0 + 1, r1 - r0 + 1))
        }
        return out
    }

    /// Scene statistics of a 2 km × 2 km city at 2 m for each preset. Tolerances:
    /// * built-up fraction: per axis the raster is a comb of period S, so its covered fraction f
    ///   differs from W_b/S by at most S/(4L) from the partial period at the edge, plus the
    ///   rasterisation error of each building's cell count (a two-valued, zero-mean error of
    ///   variance ≤ 1/4 cell², so 4 standard deviations of the sum of n_b terms is 2√n_b cells);
    ///   the 2-D fraction is f_x·f_y.
    /// * density: the buildings entirely inside the raster number a_x·a_y with a = ⌊(L − W_b)/S⌋ or
    ///   ⌈(L − W_b)/S⌉ per axis, ±1 for a building within a cell of the border.
    /// * heights: the sample mean within 4 standard errors √(Var/n) of γ√(π/2), with
    ///   Var = (2 − π/2)γ²; the sample variance within 4 standard errors √((μ₄ − σ⁴)/n) of Var, where
    ///   μ₄ = (3 + 0.245089)σ⁴ for the Rayleigh distribution (excess kurtosis 0.245089).
    /// * squares: every building away from the border spans ⌊W_b/res⌋ or ⌈W_b/res⌉ cells a side.
    @Test(arguments: ["suburban", "urban", "dense-urban", "high-rise"])
    func statisticsMatchP1410(preset: String) {
        let p = P1410.presets[preset]!
        let l = 2000.0, res = 2.0
        let scene = UrbanScene.generate(parameters: p, widthMeters: l, heightMeters: l, resolutionMeters: res,
                                        rng: RandomStreams(seed: 2024).stream("scene"))
        #expect(scene.width == 1000 && scene.height == 1000)
        let s = p.gridPitchMeters, wb = p.buildingSideMeters
        let nb = (l / s).rounded(.up)
        let axisTolerance = s / (4 * l) + 2 * nb.squareRoot() * res / l
        let fx = wb / s
        let alphaTolerance = 2 * fx * axisTolerance + axisTolerance * axisTolerance
        #expect(abs(scene.builtUpFraction - p.alpha) <= alphaTolerance,
                "built-up fraction \(scene.builtUpFraction) vs α \(p.alpha) ± \(alphaTolerance)")

        let b = Self.buildings(scene)
        let interior = b.filter { !$0.border }
        let a = (l - wb) / s
        let lowCount = Int(a.rounded(.down)) - 1, highCount = Int(a.rounded(.up)) + 1
        #expect(interior.count >= lowCount * lowCount && interior.count <= highCount * highCount,
                "\(interior.count) interior buildings, expected \(lowCount * lowCount)…\(highCount * highCount) for β \(p.beta)/km²")
        let side = wb / res
        for building in interior {
            #expect(Double(building.columns) >= side.rounded(.down) && Double(building.columns) <= side.rounded(.up))
            #expect(Double(building.rows) >= side.rounded(.down) && Double(building.rows) <= side.rounded(.up))
        }

        let hs = b.map { Double($0.height) }
        let n = Double(hs.count)
        let mean = hs.reduce(0, +) / n
        let variance = hs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        #expect(abs(mean - p.meanHeightMeters) <= 4 * (p.heightVariance / n).squareRoot(),
                "mean height \(mean) vs γ√(π/2) = \(p.meanHeightMeters) (n = \(hs.count))")
        let mu4MinusSigma4 = (2 + 0.245089) * p.heightVariance * p.heightVariance
        #expect(abs(variance - p.heightVariance) <= 4 * (mu4MinusSigma4 / n).squareRoot(),
                "height variance \(variance) vs (2 − π/2)γ² = \(p.heightVariance)")
    }

    /// Same seed, same raster; another seed, another raster.
    @Test func seeding() {
        func make(_ seed: UInt64) -> UrbanScene {
            UrbanScene.generate(parameters: .urban, widthMeters: 200, heightMeters: 150, resolutionMeters: 1,
                                rng: RandomStreams(seed: seed).stream("scene"))
        }
        let a = make(7), b = make(7), c = make(8)
        #expect(a.heights == b.heights)
        #expect(a.heights != c.heights)
        #expect(a.width == 200 && a.height == 150)
    }

    /// enu(of:) is 0 at the origin, +z straight up, and inverts geodetic(ofENU:); 1 km north is
    /// ≈ 1 km along the north axis.
    @Test func enuPlacement() {
        let origin = Geodetic(latitudeDeg: 48.8566, longitudeDeg: 2.3522, altitudeMeters: 35)
        let scene = UrbanScene(width: 4, height: 4, resolutionMeters: 1, heights: [Float](repeating: 0, count: 16), origin: origin)
        #expect(simd_length(scene.enu(of: origin)) < 1e-6)
        let up = scene.enu(of: Geodetic(latitudeDeg: origin.latitudeDeg, longitudeDeg: origin.longitudeDeg, altitudeMeters: 135))
        #expect(abs(up.z - 100) < 1e-6 && abs(up.x) < 1e-6 && abs(up.y) < 1e-6)
        for p in [SIMD3(120.0, -40, 1.5), SIMD3(-900.0, 2500, 300), SIMD3(0.0, 0, 20_000)] {
            let back = scene.enu(of: scene.geodetic(ofENU: p))
            #expect(simd_length(back - p) < 1e-3)
        }
        // One arc-minute of latitude ≈ 1855 m at 48.9° (meridian radius of curvature).
        let north = scene.enu(of: Geodetic(latitudeDeg: origin.latitudeDeg + 1.0 / 60, longitudeDeg: origin.longitudeDeg, altitudeMeters: 35))
        #expect(abs(north.y - 1853.5) < 3 && abs(north.x) < 1e-6 && north.z < 0)
    }

    /// The P.1410 closed form: probability 1 for short links and decreasing with distance.
    @Test func closedFormLOSProbability() {
        let p = P1410.urban
        #expect(p.losProbability(groundDistanceMeters: 10, txHeightMeters: 100, rxHeightMeters: 1.5) == 1)
        let near = p.losProbability(groundDistanceMeters: 200, txHeightMeters: 100, rxHeightMeters: 1.5)
        let far = p.losProbability(groundDistanceMeters: 2000, txHeightMeters: 100, rxHeightMeters: 1.5)
        #expect(near > far && far > 0 && near < 1)
    }
}

private func simd_length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
