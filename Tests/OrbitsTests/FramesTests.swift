import Foundation
import Testing
@testable import Orbits
import SimCore

@Suite("Frames and look angles")
struct FramesTests {
    @Test("GMST for Vallado's example 3-5 (1992-08-20 12:14 UT1) is 152.578787886°")
    func gmstExample() {
        let t = UTCInstant(year: 1992, month: 8, day: 20, hour: 12, minute: 14)
        let deg = EarthRotation.gmst(at: t) * 180 / .pi
        #expect(abs(deg - 152.578_787_886) < 1e-6)
    }

    @Test("TEME → ECEF → TEME is the identity; |r| is kept; the ECEF velocity removes Earth rotation")
    func temeRoundTrip() {
        let s = StateVector(position: SIMD3(5094.18016210, 6127.64465950, 6380.34453270),
                            velocity: SIMD3(-4.746131487, 0.785818041, 5.531931288))
        for theta in stride(from: 0.0, to: 2 * .pi, by: 0.37) {
            let e = EarthRotation.temeToECEF(s, gmst: theta)
            let back = EarthRotation.ecefToTEME(e, gmst: theta)
            #expect((back.position - s.position).length < 1e-9)
            #expect((back.velocity - s.velocity).length < 1e-12)
            #expect(abs((e.position).length - (s.position).length) < 1e-9)
        }
        // A point co-rotating with the Earth at the equator has zero ECEF velocity.
        let r = 7000.0, w = EarthRotation.rateRadPerSecond
        let corotating = StateVector(position: SIMD3(r, 0, 0), velocity: SIMD3(0, w * r, 0))
        #expect((EarthRotation.temeToECEF(corotating, gmst: 0).velocity).length < 1e-15)
    }

    @Test("WGS-84 anchors: equator/prime meridian and the pole")
    func wgs84Anchors() {
        let eq = Geodetic(latitudeDeg: 0, longitudeDeg: 0).ecefKm
        #expect(eq == SIMD3(6378.137, 0, 0))
        let pole = Geodetic(latitudeDeg: 90, longitudeDeg: 0).ecefKm
        #expect(abs(pole.z - 6356.752_314_245) < 1e-9)  // polar radius b = a(1 − f)
        #expect(abs(pole.x) < 1e-9)
    }

    @Test("geodetic → ECEF → geodetic round trip to 1 mm, ground to GEO, poles included")
    func geodeticRoundTrip() {
        let rng = RandomStreams(seed: 4).stream("geodetic")
        var worst = 0.0
        for k in 0 ..< 20_000 {
            let lat = k % 97 == 0 ? (k % 2 == 0 ? 90.0 : -90.0) : rng.uniform(-90, 90)
            let g = Geodetic(latitudeDeg: lat, longitudeDeg: rng.uniform(-180, 180),
                             altitudeMeters: k % 3 == 0 ? rng.uniform(-500, 9_000) : rng.uniform(0, 4.0e7))
            let e = g.ecefKm
            let back = Geodetic(ecefKm: e)
            let error = (back.ecefKm - e).length * 1e6  // mm
            worst = max(worst, error)
            #expect(abs(back.altitudeMeters - g.altitudeMeters) < 1e-3, "\(g) → \(back)")
        }
        #expect(worst < 1.0, "worst ECEF round-trip error \(worst) mm")
    }

    @Test("look angles in closed-form cases: zenith, horizon due east and due north, receding target")
    func lookAngles() {
        let site = Geodetic(latitudeDeg: 40, longitudeDeg: -105, altitudeMeters: 1600)
        let obs = Observer(site)
        // A target 550 km straight up the ellipsoid normal: elevation 90°, range 550 km.
        let zenith = Geodetic(latitudeDeg: 40, longitudeDeg: -105, altitudeMeters: 1600 + 550_000).ecefKm
        let up = obs.lookAngles(to: StateVector(position: zenith, velocity: .zero))
        #expect(abs(up.elevationDeg - 90) < 1e-6)
        #expect(abs(up.rangeKm - 550) < 1e-9)
        // Along the local east and north axes: on the horizon.
        let east = obs.lookAngles(to: StateVector(position: obs.ecefKm + 1000 * obs.east, velocity: .zero))
        #expect(abs(east.elevationDeg) < 1e-9 && abs(east.azimuthDeg - 90) < 1e-9)
        let north = obs.lookAngles(to: StateVector(position: obs.ecefKm + 1000 * obs.north, velocity: .zero))
        #expect(abs(north.elevationDeg) < 1e-9 && (north.azimuthDeg < 1e-9 || north.azimuthDeg > 360 - 1e-9))
        let south = obs.lookAngles(to: StateVector(position: obs.ecefKm - 1000 * obs.north, velocity: .zero))
        #expect(abs(south.azimuthDeg - 180) < 1e-9)
        // Receding along the line of sight at 7 km/s: range rate +7; a UAV following at the same
        // velocity sees zero.
        let los = (zenith - obs.ecefKm).normalized
        let moving = StateVector(position: zenith, velocity: 7 * los)
        #expect(abs(obs.lookAngles(to: moving).rangeRateKmPerS - 7) < 1e-12)
        #expect(abs(Observer(site, velocityKmPerS: 7 * los).lookAngles(to: moving).rangeRateKmPerS) < 1e-12)
    }
}
