import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

@Suite("Random walks")
struct RandomWalkTests {
    static let start = Geodetic(latitudeDeg: 45, longitudeDeg: 7, altitudeMeters: 0)
    static let bigBox = GeoArea.box(latitudeMin: 44, latitudeMax: 46, longitudeMin: 6, longitudeMax: 8)
    static let bigCircle = GeoArea.circle(centerLatitudeDeg: 45, centerLongitudeDeg: 7, radiusKm: 100)

    static func walk(_ area: GeoArea, seed: UInt64, start: Geodetic = start, speed: Double = 1.4,
                     leg: SimTime = .seconds(60), horizon: SimTime = .hours(2)) throws -> RandomWalk {
        try RandomWalk(start: start, speedMps: speed, legDuration: leg, bounds: area, horizon: horizon,
                       rng: RandomStreams(seed: seed).stream("user/0/mobility"))
    }

    static func samples(_ m: RandomWalk, count: Int = 500) -> [SIMD3<Double>] {
        (0 ..< count).map { m.positionECEF(at: SimTime(seconds: m.horizon.seconds * Double($0) / Double(count - 1))) }
    }

    @Test("same seed ⇒ bit-identical positions; another seed ⇒ a different path", arguments: [bigBox, bigCircle])
    func determinism(area: GeoArea) throws {
        let a = Self.samples(try Self.walk(area, seed: 11))
        let b = Self.samples(try Self.walk(area, seed: 11))
        let c = Self.samples(try Self.walk(area, seed: 12))
        #expect(a == b)
        #expect(a[0] == c[0])  // both start at `start`
        #expect(zip(a, c).filter { ($0 - $1).length > 1e-3 }.count > 400)
    }

    @Test("one heading per leg, drawn in order: the stream is advanced by exactly ⌈horizon/leg⌉ draws")
    func drawsOnePerLeg() throws {
        let rng = RandomStreams(seed: 3).stream("walk")
        let reference = RandomStreams(seed: 3).stream("walk")
        let m = try RandomWalk(start: Self.start, speedMps: 1, legDuration: .seconds(7), bounds: Self.bigBox,
                               horizon: .seconds(100), rng: rng)
        #expect(m.legCount == 15)  // ⌈100 / 7⌉
        for k in 0 ..< 15 { #expect(m.headingsDeg[k] == 360 * reference.uniform()) }
        #expect(rng.uniform() == reference.uniform())
    }

    @Test("away from the edge every leg is a step of exactly speed × leg", arguments: [bigBox, bigCircle])
    func stepLength(area: GeoArea) throws {
        let m = try Self.walk(area, seed: 5, speed: 1.4, leg: .seconds(60))
        for k in 0 ..< m.legCount - 1 {
            let step = (m.positionECEF(at: .seconds(Int64(60 * (k + 1)))) - m.positionECEF(at: .seconds(Int64(60 * k)))).length
            // 84 m; the chord is shorter than the arc by d³/(24R²) ≈ 1e-12 relative.
            #expect(abs(step * 1000 / 84 - 1) < 1e-5, "leg \(k)")
        }
    }

    @Test("realised speed by finite differences is the walking speed", arguments: [bigBox, bigCircle])
    func realisedSpeed(area: GeoArea) throws {
        let m = try Self.walk(area, seed: 8, speed: 2.5, leg: .seconds(30))
        for k in 0 ..< 200 {
            let t = SimTime(seconds: 30 * Double(k) + 13.3)
            #expect(abs(Reference.speedMps(m, at: t) / 2.5 - 1) < 1e-5)
        }
    }

    @Test("over a day in a small area (thousands of reflections) every position stays inside", arguments: [
        GeoArea.box(latitudeMin: 44.999, latitudeMax: 45.003, longitudeMin: 6.998, longitudeMax: 7.001),
        GeoArea.circle(centerLatitudeDeg: 45.0005, centerLongitudeDeg: 7, radiusKm: 0.2),
    ])
    func staysInside(area: GeoArea) throws {
        let m = try Self.walk(area, seed: 21, speed: 3, leg: .seconds(200), horizon: .days(1))
        var edgeHits = 0
        for k in 0 ..< 20_000 {
            let g = Geodetic(ecefKm: m.positionECEF(at: SimTime(seconds: 86_400 * Double(k) / 20_000)))
            #expect(Self.inside(area, g, tolerance: 1e-9))
            if !Self.inside(area, g, tolerance: -0.02) { edgeHits += 1 }
        }
        // The walk really does reach the edge (so the containment above is not vacuous).
        #expect(edgeHits > 100)
    }

    /// Inside the area grown by `tolerance` (a fraction of the circle radius, or of the box size).
    static func inside(_ area: GeoArea, _ g: Geodetic, tolerance: Double) -> Bool {
        switch area {
        case let .circle(lat, lon, r):
            // Ground distance north/east in the centre's plane, from the radii of curvature.
            let dy = (g.latitudeDeg - lat) * .pi / 180 * Reference.meridianRadius(latitudeDeg: lat)
            let dx = (g.longitudeDeg - lon) * .pi / 180 * Reference.primeVerticalRadius(latitudeDeg: lat) * cos(lat * .pi / 180)
            // The plane map differs from this equirectangular estimate by ~(d/R)·tan φ ≈ 3e-5 at 200 m.
            return (dx * dx + dy * dy).squareRoot() <= r * (1 + tolerance + 1e-4)
        case let .box(latMin, latMax, lonMin, lonMax):
            let gLat = (latMax - latMin) * tolerance, gLon = (lonMax - lonMin) * tolerance
            return g.latitudeDeg >= latMin - gLat && g.latitudeDeg <= latMax + gLat
                && g.longitudeDeg >= lonMin - gLon && g.longitudeDeg <= lonMax + gLon
        }
    }

    @Test("GeoArea.contains agrees: every sampled position of a reflecting circle walk is contained")
    func containsAgrees() throws {
        let area = GeoArea.circle(centerLatitudeDeg: -33.9, centerLongitudeDeg: 18.4, radiusKm: 0.3)
        let m = try Self.walk(area, seed: 2, start: Geodetic(latitudeDeg: -33.9, longitudeDeg: 18.4, altitudeMeters: 2),
                              speed: 1.4, leg: .seconds(300), horizon: .hours(12))
        for k in 0 ..< 5000 {
            let g = m.geodetic(at: SimTime(seconds: 12 * 3600 * Double(k) / 5000))
            #expect(area.contains(latitudeDeg: g.latitudeDeg, longitudeDeg: g.longitudeDeg)
                || Self.inside(area, g, tolerance: 1e-9))
            #expect(abs(g.altitudeMeters - 2) < 1e-6)
        }
    }

    @Test("waits at the start before 0 and holds the horizon position after it")
    func holds() throws {
        let m = try Self.walk(Self.bigBox, seed: 4, horizon: .seconds(1000))
        #expect((m.positionECEF(at: .seconds(-10)) - Self.start.ecefKm).length < 1e-12)
        let end = m.positionECEF(at: .seconds(1000))
        #expect(m.positionECEF(at: .hours(5)) == end)
        #expect(m.velocityECEF(at: .hours(5)) == .zero)
        #expect(m.velocityECEF(at: .seconds(-1)) == .zero)
        // 1000 s = 16 legs of 60 s plus 40 s of a 17th.
        #expect(m.legCount == 17)
    }
}
