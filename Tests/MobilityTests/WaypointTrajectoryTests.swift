import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

@Suite("Waypoint trajectories")
struct WaypointTrajectoryTests {
    static let hap = MotionLimits.hapsDefault

    @Test("an equatorial leg at constant altitude lasts (a + h)·Δλ / v: the circle of radius a + h")
    func equatorialLegDuration() throws {
        let h = 20_000.0, v = 50.0
        let path = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: 0, longitudeDeg: 10, altitudeMeters: h, speedMps: v),
            Waypoint(latitudeDeg: 0, longitudeDeg: 13, altitudeMeters: h, speedMps: v),
        ], loop: false, limits: Self.hap)
        let expected = (Reference.a * 1000 + h) * (3 * Double.pi / 180) / v
        // Rounded to the nanosecond; the integral of a constant is exact to rounding.
        #expect(abs(path.totalDuration.seconds - expected) <= 1e-9)
        #expect(path.arrivalTimes == [.zero, path.totalDuration])
    }

    @Test("a vertical leg (same point, new altitude) lasts Δh / v")
    func verticalLeg() throws {
        let path = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: 45, longitudeDeg: 7, altitudeMeters: 50, speedMps: 4),
            Waypoint(latitudeDeg: 45, longitudeDeg: 7, altitudeMeters: 450, speedMps: 4),
        ], loop: false, limits: .uavDefault)
        #expect(abs(path.totalDuration.seconds - 100) <= 1e-9)
        let mid = path.geodetic(at: .seconds(25))
        #expect(abs(mid.altitudeMeters - 150) < 1e-6)
        #expect(abs(Reference.speedMps(path, at: .seconds(60)) - 4) < 1e-6)
    }

    static let plan = [
        Waypoint(latitudeDeg: 48.850, longitudeDeg: 2.350, altitudeMeters: 100, speedMps: 15),
        Waypoint(latitudeDeg: 48.860, longitudeDeg: 2.370, altitudeMeters: 300, speedMps: 25),
        Waypoint(latitudeDeg: 48.870, longitudeDeg: 2.350, altitudeMeters: 300, speedMps: 10),
        Waypoint(latitudeDeg: 48.852, longitudeDeg: 2.330, altitudeMeters: 60, speedMps: 30),
    ]

    @Test("passes through every waypoint at its arrival time, waits before 0 and holds after the end")
    func passesThroughWaypoints() throws {
        let path = try WaypointTrajectory(waypoints: Self.plan, loop: false, limits: .uavDefault)
        #expect(path.arrivalTimes.count == 4)
        for (i, w) in Self.plan.enumerated() {
            let expected = Geodetic(latitudeDeg: w.latitudeDeg, longitudeDeg: w.longitudeDeg,
                                    altitudeMeters: w.altitudeMeters).ecefKm
            // Arrival times are rounded to 1 ns: at most 30 m/s × 0.5 ns of position.
            #expect((path.positionECEF(at: path.arrivalTimes[i]) - expected).length < 1e-9)
        }
        let last = Geodetic(latitudeDeg: 48.852, longitudeDeg: 2.330, altitudeMeters: 60)
        for t in [path.totalDuration, path.totalDuration + .seconds(1), path.totalDuration + .days(3)] {
            #expect((path.positionECEF(at: t) - last.ecefKm).length < 1e-12)
            #expect(path.velocityECEF(at: t) == .zero)
            #expect(path.geodetic(at: t) == last)
        }
        let first = Geodetic(latitudeDeg: 48.850, longitudeDeg: 2.350, altitudeMeters: 100).ecefKm
        #expect(path.positionECEF(at: .seconds(-30)) == first)
        #expect(path.velocityECEF(at: .seconds(-30)) == .zero)
        #expect(path.period == path.totalDuration)
    }

    @Test("the realised speed |Δr|/Δt equals each leg's speed to 1e-5, climbs included")
    func realisedSpeed() throws {
        let path = try WaypointTrajectory(waypoints: Self.plan, loop: true, limits: .uavDefault)
        let times = path.arrivalTimes.map(\.seconds) + [path.period.seconds]
        for leg in 0 ..< 4 {
            for f in stride(from: 0.01, through: 0.99, by: 0.049) {
                let t = SimTime(seconds: times[leg] + f * (times[leg + 1] - times[leg]))
                let v = Reference.speedMps(path, at: t)
                #expect(abs(v / Self.plan[leg].speedMps - 1) < 1e-5, "leg \(leg) at \(f): \(v) m/s")
            }
        }
    }

    @Test("a 3300 km meridional HAP climb keeps its speed to 1e-5 (the metric varies by 0.4% along it)")
    func longLegSpeed() throws {
        let path = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: 0, longitudeDeg: 20, altitudeMeters: 15_000, speedMps: 55),
            Waypoint(latitudeDeg: 30, longitudeDeg: 20, altitudeMeters: 25_000, speedMps: 55),
        ], loop: false, limits: Self.hap)
        var worst = 0.0
        for f in stride(from: 0.001, to: 1, by: 0.0137) {
            let t = SimTime(seconds: f * path.totalDuration.seconds)
            worst = max(worst, abs(Reference.speedMps(path, at: t) / 55 - 1))
        }
        #expect(worst < 1e-5)
        // The track is the meridian itself, so longitude never changes.
        #expect(abs(path.geodetic(at: SimTime(seconds: 0.37 * path.totalDuration.seconds)).longitudeDeg - 20) < 1e-12)
    }

    @Test("a loop is periodic, p(t) == p(t + period) bit for bit, and its closing leg uses the last speed")
    func loopPeriodicity() throws {
        let h = 18_000.0
        let path = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: 0, longitudeDeg: 0, altitudeMeters: h, speedMps: 40),
            Waypoint(latitudeDeg: 0, longitudeDeg: 1, altitudeMeters: h, speedMps: 40),
            Waypoint(latitudeDeg: 0, longitudeDeg: 2, altitudeMeters: h, speedMps: 20),
        ], loop: true, limits: Self.hap)
        let degree = (Reference.a * 1000 + h) * Double.pi / 180  // metres per degree along the equator
        // Out two degrees at 40 m/s, back two at the last waypoint's 20 m/s.
        #expect(abs(path.period.seconds - (2 * degree / 40 + 2 * degree / 20)) <= 1e-9)
        for seconds in stride(from: -5000.0, to: 40_000, by: 777.7) {
            let t = SimTime(seconds: seconds)
            #expect(path.positionECEF(at: t) == path.positionECEF(at: t + path.period))
            #expect(path.positionECEF(at: t) == path.positionECEF(at: t + 5 * path.period))
        }
        // On the closing leg the node flies west at 20 m/s.
        let t = SimTime(seconds: 2 * degree / 40 + degree / 20)
        #expect(abs(path.geodetic(at: t).longitudeDeg - 1) < 1e-9)
        #expect(abs(Reference.speedMps(path, at: t) - 20) < 1e-6)
        #expect(path.velocityECEF(at: t).y < 0)
    }

    @Test("altitude is linear along a leg: at fraction f of the leg time it is h₀ + f·Δh to within Δh²/(8(a + h))")
    func altitudeInterpolation() throws {
        // On the equator the horizontal speed per unit angle is (a + h), growing with h, so the
        // climb runs slightly ahead of time-linear: by Δh·f(1 − f)·Δh/(2(a + h)) at most, Δh²/(8(a + h)) at f = ½.
        let path = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: 0, longitudeDeg: 10, altitudeMeters: 50, speedMps: 20),
            Waypoint(latitudeDeg: 0, longitudeDeg: 10.04, altitudeMeters: 450, speedMps: 20),
        ], loop: false, limits: .uavDefault)
        let a = Reference.a * 1000
        for f in [0.1, 0.25, 0.5, 0.75, 0.9] {
            let g = path.geodetic(at: SimTime(seconds: f * path.totalDuration.seconds))
            let bound = 400 * f * (1 - f) * 400 / (2 * (a + 50)) + 1e-6
            #expect(abs(g.altitudeMeters - (50 + f * 400)) <= bound)
            #expect(abs(g.latitudeDeg) < 1e-12)
        }
    }

    @Test("the great-circle track: a point a third of the way lies on the plane through both waypoints' normals")
    func greatCircleTrack() throws {
        let a = Geodetic(latitudeDeg: 40, longitudeDeg: -5, altitudeMeters: 20_000)
        let b = Geodetic(latitudeDeg: 45, longitudeDeg: 5, altitudeMeters: 20_000)
        let path = try WaypointTrajectory(waypoints: [
            Waypoint(latitudeDeg: a.latitudeDeg, longitudeDeg: a.longitudeDeg, altitudeMeters: 20_000, speedMps: 60),
            Waypoint(latitudeDeg: b.latitudeDeg, longitudeDeg: b.longitudeDeg, altitudeMeters: 20_000, speedMps: 60),
        ], loop: false, limits: Self.hap)
        let plane = Reference.enu(a).up.cross(Reference.enu(b).up).normalized
        for f in [0.2, 1.0 / 3, 0.8] {
            let g = path.geodetic(at: SimTime(seconds: f * path.totalDuration.seconds))
            #expect(abs(Reference.enu(g).up.dot(plane)) < 1e-14)
            #expect(abs(g.altitudeMeters - 20_000) < 1e-6)
        }
    }

    @Test("the last waypoint's speed is ignored without a loop and checked with one")
    func unusedLastSpeed() throws {
        var plan = Self.plan
        plan[3].speedMps = 0
        let path = try WaypointTrajectory(waypoints: plan, loop: false, limits: .uavDefault)
        #expect(path.arrivalTimes.count == 4)
        #expect(throws: MobilityError.invalidWaypointSpeed(index: 3, speedMps: 0)) {
            try WaypointTrajectory(waypoints: plan, loop: true, limits: .uavDefault)
        }
    }
}
