import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

@Suite("Velocities and fixed positions")
struct VelocityTests {
    /// One model of each kind, with times that avoid corners by more than the difference step.
    static func models() throws -> [(String, any MotionModel, [SimTime])] {
        let waypoints = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: 35, longitudeDeg: 139, altitudeMeters: 100, speedMps: 20),
            Waypoint(latitudeDeg: 35.02, longitudeDeg: 139.01, altitudeMeters: 400, speedMps: 12),
            Waypoint(latitudeDeg: 35.0, longitudeDeg: 139.03, altitudeMeters: 200, speedMps: 28),
        ], loop: true, limits: .uavDefault)
        let loiter = try LoiterCircle(center: Geodetic(latitudeDeg: -10, longitudeDeg: 30, altitudeMeters: 18_000),
                                      radiusMeters: 3000, speedMps: 30, clockwise: false, limits: .hapsDefault)
        let sweep = try LawnmowerSweep(latitudeMin: 70, latitudeMax: 70.05, longitudeMin: -20, longitudeMax: -19.8,
                                       altitudeMeters: 300, speedMps: 25, trackSpacingMeters: 1500, headingDeg: 90,
                                       limits: .uavDefault)
        let walk = try RandomWalk(start: Geodetic(latitudeDeg: 60, longitudeDeg: 10, altitudeMeters: 5), speedMps: 1.5,
                                  legDuration: .seconds(45),
                                  bounds: .circle(centerLatitudeDeg: 60, centerLongitudeDeg: 10, radiusKm: 0.1),
                                  horizon: .hours(3), rng: RandomStreams(seed: 1).stream("v"))
        let boxWalk = try RandomWalk(start: Geodetic(latitudeDeg: 60, longitudeDeg: 10, altitudeMeters: 5), speedMps: 1.5,
                                     legDuration: .seconds(45),
                                     bounds: .box(latitudeMin: 59.999, latitudeMax: 60.001, longitudeMin: 9.998, longitudeMax: 10.002),
                                     horizon: .hours(3), rng: RandomStreams(seed: 1).stream("v"))
        func spread(_ period: Double) -> [SimTime] { (0 ..< 300).map { SimTime(seconds: period * (Double($0) + 0.37) / 300) } }
        return [("waypoints", waypoints, spread(waypoints.period.seconds)),
                ("loiter", loiter, spread(loiter.period.seconds)),
                ("lawnmower", sweep, spread(sweep.period.seconds)),
                ("walk in a circle", walk, spread(3 * 3600)),
                ("walk in a box", boxWalk, spread(3 * 3600))]
    }

    @Test("velocityECEF equals the central difference of positionECEF (away from corners and reflections)")
    func velocityMatchesFiniteDifference() throws {
        for (name, model, times) in try Self.models() {
            var agree = 0
            for t in times {
                let v = model.velocityECEF(at: t)
                let fd = Reference.finiteDifferenceVelocity(model, at: t)
                // Corners (waypoints, reflections) inside ±1 ms make the difference meaningless
                // there; everywhere else the two agree to 1e-6 relative.
                if (v - fd).length <= 1e-6 * v.length + 1e-12 { agree += 1 }
            }
            #expect(agree >= times.count - 3, "\(name): \(agree)/\(times.count)")
        }
    }

    @Test("a fixed position is its geodetic point in ECEF, with zero velocity, at every time")
    func fixedPosition() {
        let g = Geodetic(latitudeDeg: -33.9, longitudeDeg: 18.4, altitudeMeters: 12)
        let m = FixedPosition(g)
        for t in [SimTime.seconds(-5), .zero, .days(30)] {
            #expect(m.positionECEF(at: t) == g.ecefKm)
            #expect(m.velocityECEF(at: t) == .zero)
            #expect(m.geodetic(at: t) == g)
        }
    }

    @Test("geodetic(at:) and positionECEF(at:) describe the same point for every model")
    func geodeticMatchesECEF() throws {
        for (name, model, times) in try Self.models() {
            for t in times.prefix(50) {
                let d = (model.geodetic(at: t).ecefKm - model.positionECEF(at: t)).length
                #expect(d < 1e-9, "\(name) at \(t): \(d) km")
            }
        }
    }
}
