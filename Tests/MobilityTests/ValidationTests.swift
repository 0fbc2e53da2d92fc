import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

@Suite("Validation errors")
struct ValidationTests {
    static func plan(_ edit: (inout [Waypoint]) -> Void = { _ in }) -> [Waypoint] {
        var w = [
            Waypoint(latitudeDeg: 1.00, longitudeDeg: 2.00, altitudeMeters: 100, speedMps: 10),
            Waypoint(latitudeDeg: 1.01, longitudeDeg: 2.00, altitudeMeters: 100, speedMps: 10),
            Waypoint(latitudeDeg: 1.01, longitudeDeg: 2.01, altitudeMeters: 100, speedMps: 10),
            Waypoint(latitudeDeg: 1.00, longitudeDeg: 2.01, altitudeMeters: 100, speedMps: 10),
        ]
        edit(&w)
        return w
    }

    static let center = Geodetic(latitudeDeg: 1, longitudeDeg: 2, altitudeMeters: 100)

    @Test("a leg faster than the limit names its waypoint")
    func speedAboveLimit() {
        #expect(throws: MobilityError.speedAboveLimit(index: 2, speedMps: 35, limitMps: 30)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[2].speedMps = 35 }, loop: false, limits: .uavDefault)
        }
        #expect(throws: MobilityError.speedAboveLimit(index: nil, speedMps: 70, limitMps: 60)) {
            try LoiterCircle(center: Geodetic(latitudeDeg: 1, longitudeDeg: 2, altitudeMeters: 20_000),
                             radiusMeters: 5000, speedMps: 70, limits: .hapsDefault)
        }
    }

    @Test("an altitude outside the band names its waypoint and the band")
    func altitudeOutOfRange() {
        #expect(throws: MobilityError.altitudeOutOfRange(index: 3, altitudeMeters: 600, range: 10 ... 500)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[3].altitudeMeters = 600 }, loop: false, limits: .uavDefault)
        }
        #expect(throws: MobilityError.altitudeOutOfRange(index: nil, altitudeMeters: 100, range: 15_000 ... 25_000)) {
            try LoiterCircle(center: Self.center, radiusMeters: 5000, speedMps: 20, limits: .hapsDefault)
        }
    }

    @Test("a loiter circle tighter than v / maxTurnRate reports the turn rate it needs")
    func turnRateAboveLimit() {
        // 30 m/s on a 20 m radius: 1.5 rad/s = 85.9°/s.
        #expect(throws: MobilityError.turnRateAboveLimit(requiredDegPerS: 1.5 * 180 / .pi, limitDegPerS: 45)) {
            try LoiterCircle(center: Self.center, radiusMeters: 20, speedMps: 30, limits: .uavDefault)
        }
    }

    @Test("fewer than two waypoints")
    func tooFewWaypoints() {
        #expect(throws: MobilityError.tooFewWaypoints(count: 1)) {
            try WaypointTrajectory(waypoints: [Self.plan()[0]], loop: false, limits: .uavDefault)
        }
        #expect(throws: MobilityError.tooFewWaypoints(count: 0)) {
            try WaypointTrajectory(waypoints: [], loop: true, limits: .uavDefault)
        }
    }

    @Test("non-positive scalars name their parameter", arguments: [0.0, -3.0, .nan, .infinity])
    func nonPositive(value: Double) {
        #expect(throws: MobilityError.self) {
            try LoiterCircle(center: Self.center, radiusMeters: value, speedMps: 10, limits: .uavDefault)
        }
        do {
            _ = try LoiterCircle(center: Self.center, radiusMeters: value, speedMps: 10, limits: .uavDefault)
        } catch {
            guard case let .nonPositive(parameter, found) = error else {
                Issue.record("expected .nonPositive, got \(error)")
                return
            }
            #expect(parameter == "radiusMeters")
            #expect(found == value || (found.isNaN && value.isNaN))
        }
        #expect(throws: MobilityError.nonPositive(parameter: "trackSpacingMeters", value: 0)) {
            try LawnmowerSweep(latitudeMin: 0, latitudeMax: 1, longitudeMin: 0, longitudeMax: 1, altitudeMeters: 100,
                               speedMps: 10, trackSpacingMeters: 0, limits: .uavDefault)
        }
        #expect(throws: MobilityError.nonPositive(parameter: "legDuration", value: 0)) {
            try RandomWalk(start: Self.center, speedMps: 1, legDuration: .zero,
                           bounds: .circle(centerLatitudeDeg: 1, centerLongitudeDeg: 2, radiusKm: 1),
                           horizon: .hours(1), rng: RandomStreams(seed: 1).stream("w"))
        }
    }

    @Test("a zero, negative or NaN waypoint speed names its waypoint")
    func invalidWaypointSpeed() {
        #expect(throws: MobilityError.invalidWaypointSpeed(index: 1, speedMps: -2)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[1].speedMps = -2 }, loop: false, limits: .uavDefault)
        }
    }

    @Test("identical consecutive waypoints, or a loop whose last waypoint is its first, make a degenerate leg")
    func degenerateLeg() {
        #expect(throws: MobilityError.degenerateLeg(index: 1)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[2] = $0[1] }, loop: false, limits: .uavDefault)
        }
        #expect(throws: MobilityError.degenerateLeg(index: 3)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[3] = $0[0] }, loop: true, limits: .uavDefault)
        }
        // Antipodal points have no unique great circle.
        #expect(throws: MobilityError.degenerateLeg(index: 0)) {
            try WaypointTrajectory(waypoints: [
                Waypoint(latitudeDeg: 10, longitudeDeg: 20, altitudeMeters: 20_000, speedMps: 50),
                Waypoint(latitudeDeg: -10, longitudeDeg: -160, altitudeMeters: 20_000, speedMps: 50),
            ], loop: false, limits: .hapsDefault)
        }
    }

    @Test("a latitude beyond ±90° names its waypoint")
    func invalidCoordinate() {
        #expect(throws: MobilityError.invalidCoordinate(index: 0, latitudeDeg: 91, longitudeDeg: 2)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[0].latitudeDeg = 91 }, loop: false, limits: .uavDefault)
        }
    }

    @Test("unusable areas: bad boxes, huge circles, unsupported sweep headings, a walk starting outside")
    func invalidArea() {
        func isInvalidArea(_ body: () throws -> Void) -> Bool {
            do { try body() } catch { if case .invalidArea? = error as? MobilityError { return true } }
            return false
        }
        #expect(isInvalidArea { try GeoArea.box(latitudeMin: 5, latitudeMax: 4, longitudeMin: 0, longitudeMax: 1).validate() })
        #expect(isInvalidArea { try GeoArea.box(latitudeMin: 0, latitudeMax: 1, longitudeMin: 170, longitudeMax: 190).validate() })
        #expect(isInvalidArea { try GeoArea.circle(centerLatitudeDeg: 0, centerLongitudeDeg: 0, radiusKm: 5000).validate() })
        #expect(isInvalidArea {
            _ = try LawnmowerSweep(latitudeMin: 0, latitudeMax: 0.1, longitudeMin: 0, longitudeMax: 0.1, altitudeMeters: 100,
                                   speedMps: 10, trackSpacingMeters: 100, headingDeg: 45, limits: .uavDefault)
        })
        #expect(isInvalidArea {
            _ = try RandomWalk(start: Geodetic(latitudeDeg: 1.1, longitudeDeg: 2), speedMps: 1, legDuration: .seconds(60),
                               bounds: .circle(centerLatitudeDeg: 1, centerLongitudeDeg: 2, radiusKm: 1),
                               horizon: .hours(1), rng: RandomStreams(seed: 1).stream("w"))
        })
    }

    @Test("a NaN phase is not finite")
    func notFinite() {
        #expect(throws: MobilityError.self) {
            try LoiterCircle(center: Self.center, radiusMeters: 100, speedMps: 10, phaseDeg: .nan, limits: .uavDefault)
        }
        do {
            _ = try LoiterCircle(center: Self.center, radiusMeters: 100, speedMps: 10, phaseDeg: .nan, limits: .uavDefault)
        } catch {
            guard case .notFinite(parameter: "phaseDeg", value: _) = error else {
                Issue.record("expected .notFinite(phaseDeg), got \(error)")
                return
            }
        }
    }

    @Test("inconsistent limits are rejected before anything else")
    func invalidLimits() {
        let upsideDown = MotionLimits(maxSpeedMps: 30, minAltitudeMeters: 500, maxAltitudeMeters: 10, maxTurnRateDegPerS: 45)
        #expect(throws: MobilityError.invalidLimits("the altitude band [500.0, 10.0] m is empty")) {
            try WaypointTrajectory(waypoints: Self.plan(), loop: false, limits: upsideDown)
        }
        let noSpeed = MotionLimits(maxSpeedMps: 0, minAltitudeMeters: 0, maxAltitudeMeters: 10, maxTurnRateDegPerS: 45)
        #expect(throws: MobilityError.invalidLimits("maxSpeedMps must be positive, found 0.0")) { try noSpeed.validate() }
        #expect(throws: Never.self) { try MotionLimits.unlimited.validate() }
    }

    @Test("a walk needing more legs than the maximum is refused before drawing anything")
    func tooManyLegs() {
        let rng = RandomStreams(seed: 1).stream("w"), reference = RandomStreams(seed: 1).stream("w")
        #expect(throws: MobilityError.tooManyLegs(count: 86_400_000, maximum: RandomWalk.maxLegCount)) {
            try RandomWalk(start: Self.center, speedMps: 1, legDuration: .milliseconds(1),
                           bounds: .circle(centerLatitudeDeg: 1, centerLongitudeDeg: 2, radiusKm: 1),
                           horizon: .days(1), rng: rng)
        }
        #expect(rng.uniform() == reference.uniform())
    }

    @Test("descriptions name the waypoint and both numbers")
    func descriptions() {
        let d = MobilityError.speedAboveLimit(index: 3, speedMps: 45, limitMps: 30).description
        #expect(d == "waypoint 3: speed 45.0 m/s is above the limit of 30.0 m/s")
        #expect(MobilityError.altitudeOutOfRange(index: nil, altitudeMeters: 5, range: 10 ... 500).description
            == "altitude 5.0 m is outside the allowed band 10.0 … 500.0 m")
    }

    @Test("absurd but legal input saturates instead of trapping: a 1 nm/s loop lasts SimTime.max")
    func saturation() throws {
        let slow = try WaypointTrajectory(waypoints: Self.plan { for i in $0.indices { $0[i].speedMps = 1e-12 } },
                                          loop: true, limits: .uavDefault)
        #expect(slow.period == .max)
        // After a year at 1e-12 m/s the node has moved 3e-5 m from the first waypoint.
        let first = Geodetic(latitudeDeg: 1, longitudeDeg: 2, altitudeMeters: 100).ecefKm
        let moved = (slow.positionECEF(at: .days(365)) - first).length * 1000
        #expect(abs(moved - 1e-12 * 365 * 86_400) < 1e-6)
        #expect(throws: MobilityError.altitudeOutOfRange(index: 0, altitudeMeters: .infinity,
                                                         range: -Double.infinity ... .infinity)) {
            try WaypointTrajectory(waypoints: Self.plan { $0[0].altitudeMeters = .infinity }, loop: false, limits: .unlimited)
        }
    }

    @Test("the preset limits have the documented values")
    func presets() {
        #expect(MotionLimits.uavDefault == MotionLimits(maxSpeedMps: 30, minAltitudeMeters: 10, maxAltitudeMeters: 500,
                                                        maxTurnRateDegPerS: 45))
        #expect(MotionLimits.hapsDefault == MotionLimits(maxSpeedMps: 60, minAltitudeMeters: 15_000,
                                                         maxAltitudeMeters: 25_000, maxTurnRateDegPerS: 5))
        #expect(MotionLimits.unlimited.altitudeRangeMeters.contains(-1e9))
    }
}
