import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

@Suite("Loiter circles")
struct LoiterCircleTests {
    static let uavCenter = Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 150)
    static let hapCenter = Geodetic(latitudeDeg: 45, longitudeDeg: 10, altitudeMeters: 20_000)

    /// Horizontal offset from the centre (km): east and north components and the distance from the
    /// centre's vertical axis.
    static func offset(_ p: SIMD3<Double>, from c: Geodetic) -> (east: Double, north: Double, axis: Double) {
        let d = p - c.ecefKm
        let f = Reference.enu(c)
        let horizontal = d - d.dot(f.up) * f.up
        return (d.dot(f.east), d.dot(f.north), horizontal.length)
    }

    @Test("distance from the centre's vertical is the radius at every time", arguments: [
        (48.85, 150.0, 400.0, 20.0), (45.0, 20_000.0, 50_000.0, 60.0), (-70.0, 300.0, 90.0, 12.0),
    ])
    func radius(latitudeDeg: Double, altitudeMeters: Double, radiusMeters: Double, speedMps: Double) throws {
        let c = Geodetic(latitudeDeg: latitudeDeg, longitudeDeg: -40, altitudeMeters: altitudeMeters)
        let m = try LoiterCircle(center: c, radiusMeters: radiusMeters, speedMps: speedMps, phaseDeg: 33, limits: .unlimited)
        for k in 0 ..< 200 {
            let t = SimTime(seconds: Double(k) * 3.7)
            let o = Self.offset(m.positionECEF(at: t), from: c)
            #expect(abs(o.axis * 1000 - radiusMeters) < 1e-6 * max(1, radiusMeters / 1000))
        }
    }

    @Test("period is 2πr/v and the circle closes after one period")
    func period() throws {
        let m = try LoiterCircle(center: Self.uavCenter, radiusMeters: 400, speedMps: 20, limits: .uavDefault)
        #expect(abs(m.period.seconds - 2 * Double.pi * 400 / 20) <= 0.5e-9)
        for t in [SimTime.zero, .seconds(17), .seconds(1000)] {
            // The period is rounded to 1 ns, i.e. at most 10 nm of arc at 20 m/s.
            #expect((m.positionECEF(at: t + m.period) - m.positionECEF(at: t)).length < 1e-11)
        }
        // Half a period later the node is diametrically opposite.
        let half = SimTime(seconds: m.period.seconds / 2)
        let p0 = Self.offset(m.positionECEF(at: .zero), from: Self.uavCenter)
        let p1 = Self.offset(m.positionECEF(at: half), from: Self.uavCenter)
        #expect(abs(p0.east + p1.east) < 1e-9 && abs(p0.north + p1.north) < 1e-9)
    }

    @Test("starting due north, a clockwise circle is due east a quarter period later, a counter-clockwise one due west")
    func direction() throws {
        let r = 0.4  // km
        for clockwise in [true, false] {
            let m = try LoiterCircle(center: Self.uavCenter, radiusMeters: 400, speedMps: 20, clockwise: clockwise,
                                     limits: .uavDefault)
            let start = Self.offset(m.positionECEF(at: .zero), from: Self.uavCenter)
            #expect(abs(start.north - r) < 1e-6 && abs(start.east) < 1e-9)
            let quarter = Self.offset(m.positionECEF(at: SimTime(seconds: m.period.seconds / 4)), from: Self.uavCenter)
            #expect(abs(quarter.east - (clockwise ? r : -r)) < 1e-6)
            #expect(abs(quarter.north) < 1e-6)
        }
    }

    @Test("phaseDeg is the starting bearing from north", arguments: [0.0, 90.0, 135.0, 270.0])
    func phase(phaseDeg: Double) throws {
        let m = try LoiterCircle(center: Self.uavCenter, radiusMeters: 300, speedMps: 10, phaseDeg: phaseDeg,
                                 limits: .uavDefault)
        let o = Self.offset(m.positionECEF(at: .zero), from: Self.uavCenter)
        let bearing = atan2(o.east, o.north) * 180 / .pi
        // Difference wrapped to (−180, 180].
        let difference = (bearing - phaseDeg).truncatingRemainder(dividingBy: 360)
        #expect(min(abs(difference), 360 - abs(difference)) < 1e-9)
    }

    @Test("geodetic altitude stays at the centre's to within r²·|1/(M+h) − 1/(N+h)|/4 + e²r³/R² + 1 mm",
          arguments: [(48.85, 150.0, 400.0), (45.0, 20_000.0, 50_000.0), (0.0, 20_000.0, 30_000.0)])
    func constantAltitude(latitudeDeg: Double, altitudeMeters: Double, radiusMeters: Double) throws {
        let c = Geodetic(latitudeDeg: latitudeDeg, longitudeDeg: 10, altitudeMeters: altitudeMeters)
        let m = try LoiterCircle(center: c, radiusMeters: radiusMeters, speedMps: 20, limits: .unlimited)
        let h = altitudeMeters / 1000, r = radiusMeters / 1000
        let curvatureGap = abs(1 / (Reference.meridianRadius(latitudeDeg: latitudeDeg) + h)
            - 1 / (Reference.primeVerticalRadius(latitudeDeg: latitudeDeg) + h))
        // Leading term: Euler's normal curvature varies as cos 2θ around the circle; next: the radii
        // of curvature change across the circle (∝ e²r³/R², 2 cm at r = 50 km).
        let bound = (r * r * curvatureGap / 4 + Reference.e2 * r * r * r / (6371 * 6371)) * 1000 + 1e-3
        var worst = 0.0
        for k in 0 ..< 360 {
            let g = m.geodetic(at: SimTime(seconds: m.period.seconds * Double(k) / 360))
            worst = max(worst, abs(g.altitudeMeters - altitudeMeters))
        }
        #expect(worst <= bound)
    }

    @Test("realised speed by finite differences is v, and velocityECEF is the closed-form derivative")
    func speedAndVelocity() throws {
        let m = try LoiterCircle(center: Self.hapCenter, radiusMeters: 5_000, speedMps: 45, clockwise: false,
                                 phaseDeg: 200, limits: .hapsDefault)
        for k in 0 ..< 50 {
            let t = SimTime(seconds: Double(k) * 13.1)
            #expect(abs(Reference.speedMps(m, at: t) - 45) < 1e-6)
            let fd = Reference.finiteDifferenceVelocity(m, at: t)
            #expect((m.velocityECEF(at: t) - fd).length < 1e-9)
            #expect(abs(m.velocityECEF(at: t).length * 1000 - 45) < 1e-9)
        }
        #expect(abs(m.turnRateDegPerS - 45.0 / 5000 * 180 / .pi) < 1e-12)
    }

    @Test("the tightest legal circle, r = v / maxTurnRate, is accepted; 1% tighter is not")
    func turnRateBoundary() throws {
        let minimum = 30 / (45 * Double.pi / 180)
        _ = try LoiterCircle(center: Self.uavCenter, radiusMeters: minimum, speedMps: 30, limits: .uavDefault)
        #expect(throws: MobilityError.self) {
            try LoiterCircle(center: Self.uavCenter, radiusMeters: minimum * 0.99, speedMps: 30, limits: .uavDefault)
        }
    }
}
