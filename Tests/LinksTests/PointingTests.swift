import Foundation
import Testing
import Orbits
@testable import Links

/// Off-boresight angles against the Earth-centre triangle: for a ground point G and a satellite S at
/// Earth-central angle φ, the nadir angle η at S and the zenith angle z at G satisfy z = η + φ (angles
/// of triangle O-G-S) and sin η = (R/r)·sin z (law of sines).
@Suite("Pointing")
struct PointingTests {
    static let r = 6371.0 + 600.0    // satellite radius, km
    static let earthRadius = 6371.0

    @Test(arguments: [0.0, 1.0, 5.0, 10.0, 15.0, 20.0])
    func nadirAndZenithTriangle(centralAngleDeg phi: Double) {
        let sat = SIMD3<Double>(Self.r, 0, 0)
        let p = phi * Double.pi / 180
        let ground = SIMD3<Double>(Self.earthRadius * cos(p), Self.earthRadius * sin(p), 0)
        let eta = Pointing.offBoresightDeg(pointing: .nadir, from: sat, to: ground)
        let z = Pointing.zenith.offBoresightDeg(from: ground, to: sat)
        // Closed form: tan η = R sin φ / (r − R cos φ).
        let etaRef = atan2(Self.earthRadius * sin(p), Self.r - Self.earthRadius * cos(p)) * 180 / .pi
        #expect(abs(eta - etaRef) < 1e-12)
        #expect(abs(z - (eta + phi)) < 1e-11)
        #expect(abs(sin(eta * .pi / 180) - Self.earthRadius / Self.r * sin(z * .pi / 180)) < 1e-14)
        #expect(Pointing.offBoresightDeg(pointing: .tracking, from: sat, to: ground) == 0)
    }

    /// Zenith antenna seeing a satellite at geocentric elevation ε has off-boresight 90° − ε; on a
    /// sphere-positioned site (latitude 0, geodetic = geocentric up) this matches Orbits' look angles.
    @Test func zenithMatchesElevation() {
        let site = Observer(Geodetic(latitudeDeg: 0, longitudeDeg: 10, altitudeMeters: 0))
        let sat = SIMD3<Double>(6971 * cos(0.3), 6971 * sin(0.3), 500)
        let off = Pointing.zenith.offBoresightDeg(from: site.ecefKm, to: sat)
        #expect(abs(off - (90 - site.elevationDeg(of: sat))) < 1e-9)
    }

    @Test func degenerateAndOpposite() {
        let p = SIMD3<Double>(7000, 0, 0)
        #expect(Pointing.offBoresightDeg(pointing: .nadir, from: p, to: p) == 0)
        #expect(Pointing.offBoresightDeg(pointing: .zenith, from: p, to: SIMD3(8000, 0, 0)) == 0)
        #expect(Pointing.offBoresightDeg(pointing: .zenith, from: p, to: SIMD3(6000, 0, 0)) == 180)
        #expect(Pointing.offBoresightDeg(pointing: .nadir, from: p, to: SIMD3(8000, 0, 0)) == 180)
        #expect(abs(Pointing.offBoresightDeg(pointing: .nadir, from: p, to: SIMD3(7000, 10, 0)) - 90) < 1e-12)
    }

    @Test(arguments: Pointing.allCases) func rawValueRoundTrips(_ p: Pointing) {
        #expect(Pointing(rawValue: p.rawValue) == p)
    }
}
