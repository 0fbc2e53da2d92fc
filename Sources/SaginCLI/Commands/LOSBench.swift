import ArgumentParser
import Channels
import Dispatch
import Foundation
import Orbits
import SimCore

/// `sagin bench los`: line-of-sight queries per second through a generated P.1410 city.
struct LOSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "los",
        abstract: "Geometric LOS queries per second through a generated urban scene (ray marching).",
        discussion: """
        Generates a square Manhattan-grid city from ITU-R P.1410 statistics (--preset), then times
        satellite-style LOS queries (direction form, UrbanScene.isLOS(receiver:azimuthDeg:elevationDeg:)):
        receivers at 1.5 m on random street cells, azimuth uniform in [0, 360)°, elevation uniform in
        [10, 90]°. A pool of at most 2^20 distinct queries is drawn from the seeded stream
        "bench/los" before timing and cycled through; the queries are split evenly over --threads.
        Prints the scene build time (raster, pyramid, box index), queries/s (median of --repeat runs) and the
        LOS fraction overall and by elevation band. Target: ≥ 10 M queries/s for the urban preset,
        2 km × 2 km at 1 m, 2 threads, release build.
        """
    )

    @Option(name: .customLong("size-m"), help: "Side of the square scene, metres.")
    var sizeMeters: Double = 2000

    @Option(name: .customLong("resolution-m"), help: "Cell size, metres.")
    var resolutionMeters: Double = 1

    @Option(help: "LOS queries per run.")
    var queries: Int = 10_000_000

    @Option(help: "Threads the queries are split over.")
    var threads: Int = 2

    @Option(help: "Seed of the scene and query streams.")
    var seed: UInt64 = 1

    @Option(help: "P.1410 preset: suburban, urban, dense-urban, high-rise.")
    var preset: String = "urban"

    @Option(name: .customLong("repeat"), help: "Timed runs; the median queries/s is reported.")
    var repetitions: Int = 3

    @Option(name: .customLong("per-receiver"), help: "Consecutive queries sharing one receiver (as when a ground user checks every satellite in view); 1 = a new random receiver for every query.")
    var perReceiver: Int = 1

    @Option(help: "Query form: 'angles' (isLOS(receiver:azimuthDeg:elevationDeg:), sin/cos per query), 'vector' (isLOS(receiver:direction:), ENU unit vectors precomputed with the pool) or 'both'.")
    var api: String = "both"

    func validate() throws {
        guard P1410.presets[preset] != nil else {
            throw ValidationError("--preset: expected one of \(P1410.presets.keys.sorted().joined(separator: ", ")), found '\(preset)'")
        }
        guard sizeMeters > 0, resolutionMeters > 0, sizeMeters / resolutionMeters <= 40_000 else {
            throw ValidationError("--size-m and --resolution-m must be positive with at most 40,000 cells a side")
        }
        guard queries > 0 else { throw ValidationError("--queries must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        guard perReceiver > 0 else { throw ValidationError("--per-receiver must be positive") }
        guard repetitions > 0 else { throw ValidationError("--repeat must be positive") }
        guard ["vector", "angles", "both"].contains(api) else { throw ValidationError("--api: expected angles, vector or both, found '\(api)'") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        let parameters = P1410.presets[preset]!
        let streams = RandomStreams(seed: seed)
        let t0 = DispatchTime.now().uptimeNanoseconds
        let scene = UrbanScene.generate(parameters: parameters, widthMeters: sizeMeters, heightMeters: sizeMeters,
                                        resolutionMeters: resolutionMeters, origin: Geodetic(latitudeDeg: 0, longitudeDeg: 0),
                                        rng: streams.stream("scene"))
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print("scene: \(preset) \(parameters), \(scene.width)×\(scene.height) cells at \(resolutionMeters) m, built-up fraction \(String(format: "%.3f", scene.builtUpFraction)), tallest \(String(format: "%.1f", scene.maxHeightMeters)) m; built in \(String(format: "%.3f", buildSeconds)) s")

        guard scene.builtUpFraction < 1 else { throw ValidationError("the scene has no street cells") }
        let pool = QueryPool(scene: scene, count: min(queries, 1 << 20), perReceiver: perReceiver, rng: streams.stream("bench/los"))
        print("\(queries) queries per run over \(threads) thread(s), pool of \(pool.count) distinct queries, \(perReceiver) per receiver, elevation uniform 10…90°")

        for form in api == "both" ? ["angles", "vector"] : [api] {
            try time(form: form, scene: scene, pool: pool, buildSeconds: buildSeconds)
        }
    }

    func time(form: String, scene: UrbanScene, pool: QueryPool, buildSeconds: Double) throws {
        print(form == "vector" ? "isLOS(receiver:direction:), precomputed ENU direction vectors:" : "isLOS(receiver:azimuthDeg:elevationDeg:):")
        var rates: [Double] = []
        var losCount = 0
        var bandLOS = [Int](repeating: 0, count: 4)
        let useVector = form == "vector"
        for r in 1 ... repetitions {
            let counts = Counts(threads: threads)
            let n = queries, nThreads = threads
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: nThreads) { t in
                let lo = n * t / nThreads, hi = n * (t + 1) / nThreads
                var los = 0
                var band = (0, 0, 0, 0)
                let m = pool.count
                var k = lo % m
                for _ in lo ..< hi {
                    let visible = useVector
                        ? scene.isLOS(receiver: pool.receiver[k], direction: pool.direction[k])
                        : scene.isLOS(receiver: pool.receiver[k], azimuthDeg: pool.azimuth[k], elevationDeg: pool.elevation[k])
                    if visible {
                        los += 1
                        switch pool.band[k] {
                        case 0: band.0 += 1
                        case 1: band.1 += 1
                        case 2: band.2 += 1
                        default: band.3 += 1
                        }
                    }
                    k += 1
                    if k == m { k = 0 }
                }
                counts.set(t, los, [band.0, band.1, band.2, band.3])
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(queries) / seconds
            rates.append(rate)
            (losCount, bandLOS) = counts.totals()
            print("  run \(r): \(String(format: "%.3f", seconds)) s, \(String(format: "%.2f", rate / 1e6)) M queries/s, LOS fraction \(String(format: "%.4f", Double(losCount) / Double(queries)))")
        }
        let bandTotals = pool.bandTotals(queries: queries)
        let bands = (0 ..< 4).map { b in
            "\(10 + 20 * b)–\(30 + 20 * b)°: \(String(format: "%.3f", Double(bandLOS[b]) / Double(max(bandTotals[b], 1))))"
        }
        print("  LOS fraction \(String(format: "%.4f", Double(losCount) / Double(queries))) (by elevation \(bands.joined(separator: ", ")))")
        print("  median \(String(format: "%.2f", median(rates) / 1e6)) M LOS queries/s (\(form)) over \(repetitions) run(s), \(threads) thread(s); scene build \(String(format: "%.3f", buildSeconds)) s")
    }
}

/// Pre-drawn queries: street-level receivers and directions (as angles and as ENU unit vectors).
struct QueryPool: Sendable {
    var receiver: [SIMD3<Double>] = [], azimuth: [Double] = [], elevation: [Double] = []
    var direction: [SIMD3<Double>] = [], band: [UInt8] = []
    var count: Int { receiver.count }

    init(scene: UrbanScene, count: Int, perReceiver: Int, rng: RNGStream) {
        let halfW = scene.widthMeters / 2, halfH = scene.heightMeters / 2
        var p = SIMD2<Double>(0, 0)
        for k in 0 ..< count {
            if k % perReceiver == 0 {
                repeat {
                    p = SIMD2(rng.uniform() * 2 * halfW - halfW, rng.uniform() * 2 * halfH - halfH)
                } while scene.height(at: p) > 0
            }
            receiver.append(SIMD3(p.x, p.y, 1.5))
            let az = rng.uniform() * 360, el = 10 + rng.uniform() * 80
            azimuth.append(az)
            elevation.append(el)
            let a = az * .pi / 180, e = el * .pi / 180
            direction.append(SIMD3(sin(a) * cos(e), cos(a) * cos(e), sin(e)))
            band.append(UInt8(min(3, Int((el - 10) / 20))))
        }
    }

    /// Queries per elevation band (10–30, 30–50, 50–70, 70–90°) among the first `queries` of the cycle.
    func bandTotals(queries: Int) -> [Int] {
        var perPool = [Int](repeating: 0, count: 4)
        for b in band { perPool[Int(b)] += 1 }
        let full = queries / count, rest = queries % count
        var totals = perPool.map { $0 * full }
        for k in 0 ..< rest { totals[Int(band[k])] += 1 }
        return totals
    }
}

/// Per-thread results, each thread writing only its own slot.
private final class Counts: @unchecked Sendable {
    private var los: [Int]
    private var bands: [[Int]]
    private let lock = NSLock()

    init(threads: Int) {
        los = [Int](repeating: 0, count: threads)
        bands = [[Int]](repeating: [0, 0, 0, 0], count: threads)
    }

    func set(_ t: Int, _ l: Int, _ b: [Int]) {
        lock.lock(); defer { lock.unlock() }
        los[t] = l
        bands[t] = b
    }

    func totals() -> (Int, [Int]) {
        lock.lock(); defer { lock.unlock() }
        var b = [0, 0, 0, 0]
        for row in bands { for k in 0 ..< 4 { b[k] += row[k] } }
        return (los.reduce(0, +), b)
    }
}
