import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

@Suite("Areas and random placement")
struct GeoAreaTests {
    static let n = 20_000

    /// Fraction of `n` random points of `area` with latitude below `latitudeDeg`.
    static func fractionBelow(_ latitudeDeg: Double, in area: GeoArea, seed: UInt64) -> Double {
        let rng = RandomStreams(seed: seed).stream("placement/test")
        var below = 0
        for _ in 0 ..< n where area.randomPoint(using: rng).latitudeDeg < latitudeDeg { below += 1 }
        return Double(below) / Double(n)
    }

    /// Four binomial standard deviations for proportion p over n draws.
    static func fourSigma(_ p: Double) -> Double { 4 * (p * (1 - p) / Double(n)).squareRoot() }

    /// Ellipsoid area between two latitudes per radian of longitude, ∫ M·N·cos φ dφ (Simpson,
    /// 2000 panels): an independent check of the authalic function.
    static func bandArea(_ lat0: Double, _ lat1: Double) -> Double {
        let m = 2000
        let h = (lat1 - lat0) / Double(m)
        func f(_ deg: Double) -> Double {
            Reference.meridianRadius(latitudeDeg: deg) * Reference.primeVerticalRadius(latitudeDeg: deg) * cos(deg * .pi / 180)
        }
        var sum = f(lat0) + f(lat1)
        for k in 1 ..< m { sum += (k % 2 == 1 ? 4 : 2) * f(lat0 + Double(k) * h) }
        return sum * h / 3 * .pi / 180
    }

    @Test("a box symmetric about the equator puts half its points in the northern half")
    func symmetricBox() {
        let area = GeoArea.box(latitudeMin: -40, latitudeMax: 40, longitudeMin: -10, longitudeMax: 30)
        let f = Self.fractionBelow(0, in: area, seed: 1)
        #expect(abs(f - 0.5) < Self.fourSigma(0.5))
    }

    @Test("a 0–60° box puts the area fraction below 30°: sin30/sin60 = 0.577 on a sphere, ∫MN cos φ on WGS-84")
    func areaUniformLatitude() {
        let area = GeoArea.box(latitudeMin: 0, latitudeMax: 60, longitudeMin: 0, longitudeMax: 1)
        let f = Self.fractionBelow(30, in: area, seed: 2)
        let sphere = sin(Double.pi / 6) / sin(Double.pi / 3)
        let ellipsoid = Self.bandArea(0, 30) / Self.bandArea(0, 60)
        #expect(abs(f - sphere) < Self.fourSigma(sphere))
        #expect(abs(f - ellipsoid) < Self.fourSigma(ellipsoid))
        // Uniform in latitude would give 0.5, 21σ away: the test can tell the difference.
        #expect(abs(f - 0.5) > 4 * Self.fourSigma(0.5))
    }

    @Test("the authalic inverse: φ → q(φ) → φ to 1e-13 rad, and q matches ∫MN cos φ")
    func authalicRoundTrip() {
        for deg in stride(from: -89.9, through: 89.9, by: 0.7) {
            let phi = deg * .pi / 180
            #expect(abs(Authalic.latitudeRad(q: Authalic.q(sinLatitude: sin(phi))) - phi) < 1e-13)
        }
        // Area between the equator and φ is a²·q(φ)/2 per radian of longitude (Snyder eq. 3-12).
        let q40 = Authalic.q(sinLatitude: sin(40 * Double.pi / 180))
        #expect(abs(Reference.a * Reference.a * q40 / 2 / Self.bandArea(0, 40) - 1) < 1e-10)
    }

    @Test("circle points lie within the radius, are uniform in area (¼ within r/2) and fill every bearing")
    func circlePoints() {
        let area = GeoArea.circle(centerLatitudeDeg: 52, centerLongitudeDeg: 4, radiusKm: 8)
        let rng = RandomStreams(seed: 3).stream("placement/circle")
        var inner = 0, east = 0
        let mLat = Reference.meridianRadius(latitudeDeg: 52)
        let nCos = Reference.primeVerticalRadius(latitudeDeg: 52) * cos(52 * Double.pi / 180)
        for _ in 0 ..< Self.n {
            let p = area.randomPoint(using: rng)
            #expect(area.contains(latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg))
            let dy = (p.latitudeDeg - 52) * .pi / 180 * mLat, dx = (p.longitudeDeg - 4) * .pi / 180 * nCos
            let d = (dx * dx + dy * dy).squareRoot()
            #expect(d <= 8 * (1 + 2e-3))  // equirectangular distance ≈ plane distance to (d/R)·tan φ
            if d < 4 { inner += 1 }
            if dx > 0 { east += 1 }
        }
        #expect(abs(Double(inner) / Double(Self.n) - 0.25) < Self.fourSigma(0.25))
        #expect(abs(Double(east) / Double(Self.n) - 0.5) < Self.fourSigma(0.5))
    }

    @Test("circle contains: a point due north or east at 0.999 r is in, at 1.001 r is out")
    func circleContains() {
        let area = GeoArea.circle(centerLatitudeDeg: -20, centerLongitudeDeg: 150, radiusKm: 30)
        let mLat = Reference.meridianRadius(latitudeDeg: -20)
        let nCos = Reference.primeVerticalRadius(latitudeDeg: -20) * cos(20 * Double.pi / 180)
        for f in [0.999, 1.001] {
            let north = -20 + 30 * f / mLat * 180 / .pi
            let east = 150 + 30 * f / nCos * 180 / .pi
            #expect(area.contains(latitudeDeg: north, longitudeDeg: 150) == (f < 1))
            #expect(area.contains(latitudeDeg: -20, longitudeDeg: east) == (f < 1))
        }
        #expect(area.contains(latitudeDeg: -20, longitudeDeg: 150))
        #expect(!area.contains(latitudeDeg: 20, longitudeDeg: -30))  // the antipode
    }

    @Test("box contains: edges included, longitudes taken modulo 360°")
    func boxContains() {
        let area = GeoArea.box(latitudeMin: 10, latitudeMax: 20, longitudeMin: 170, longitudeMax: 180)
        #expect(area.contains(latitudeDeg: 10, longitudeDeg: 170))
        #expect(area.contains(latitudeDeg: 20, longitudeDeg: 180))
        #expect(area.contains(latitudeDeg: 15, longitudeDeg: -185))  // = 175°
        #expect(area.contains(latitudeDeg: 15, longitudeDeg: -180))  // = 180°
        #expect(!area.contains(latitudeDeg: 15, longitudeDeg: -179))
        #expect(!area.contains(latitudeDeg: 9.999, longitudeDeg: 175))
    }

    @Test("random placement repeats for the same stream and draws exactly two numbers per point",
          arguments: [GeoArea.box(latitudeMin: 1, latitudeMax: 2, longitudeMin: 3, longitudeMax: 4),
                      GeoArea.circle(centerLatitudeDeg: 1, centerLongitudeDeg: 2, radiusKm: 3)])
    func placementDeterminism(area: GeoArea) {
        let a = RandomStreams(seed: 9).stream("p"), b = RandomStreams(seed: 9).stream("p")
        for _ in 0 ..< 100 {
            let p = area.randomPoint(using: a), q = area.randomPoint(using: b)
            #expect(p == q)
        }
        let c = RandomStreams(seed: 9).stream("p")
        for _ in 0 ..< 200 { _ = c.uniform() }
        #expect(a.uniform() == c.uniform())
    }
}
