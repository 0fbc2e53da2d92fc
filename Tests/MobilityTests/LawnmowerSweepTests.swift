import Foundation
import Orbits
import SimCore
import Testing
@testable import Mobility

// A box on the equator, where the ground widths are closed-form: a·Δλ east-west (N(0) = a)
// and a(1 − e²)·Δφ north-south (M(0) = a(1 − e²)).
private let latMin = -0.05, latMax = 0.05, lonMin = 10.0, lonMax = 10.1

@Suite("Lawnmower sweeps")
struct LawnmowerSweepTests {

    static func sweep(heading: Double, spacing: Double, loop: Bool = true) throws -> LawnmowerSweep {
        try LawnmowerSweep(latitudeMin: latMin, latitudeMax: latMax, longitudeMin: lonMin, longitudeMax: lonMax,
                           altitudeMeters: 120, speedMps: 15, trackSpacingMeters: spacing, headingDeg: heading,
                           loop: loop, limits: .uavDefault)
    }

    @Test("track count is ⌊width/spacing⌋ + 1", arguments: [(0.0, 1000.0), (0.0, 3000.0), (90.0, 700.0), (0.0, 20_000.0)])
    func trackCount(heading: Double, spacing: Double) throws {
        let m = try Self.sweep(heading: heading, spacing: spacing)
        let widthKm = heading == 0
            ? Reference.a * (lonMax - lonMin) * .pi / 180
            : Reference.a * (1 - Reference.e2) * (latMax - latMin) * .pi / 180
        let expected = Int((widthKm * 1000 / spacing).rounded(.down)) + 1
        #expect(m.trackCount == expected)
        #expect(m.trajectory.waypoints.count == 2 * expected)
    }

    @Test("heading 0: the first track flies north up the west edge, the next one south, one spacing east")
    func northSouthOrder() throws {
        let m = try Self.sweep(heading: 0, spacing: 1000)
        let g0 = m.geodetic(at: .zero), g1 = m.geodetic(at: .seconds(60))
        #expect(abs(g0.latitudeDeg - latMin) < 1e-12 && abs(g0.longitudeDeg - lonMin) < 1e-12)
        #expect(g1.latitudeDeg > g0.latitudeDeg && abs(g1.longitudeDeg - lonMin) < 1e-12)
        let w = m.trajectory.waypoints
        #expect(w[1].latitudeDeg == latMax && w[2].latitudeDeg == latMax && w[3].latitudeDeg == latMin)
        // One spacing east on the ground: Δλ = 1 km / a at the equator.
        #expect(abs((w[2].longitudeDeg - w[1].longitudeDeg) * .pi / 180 * Reference.a - 1) < 1e-12)
    }

    @Test("heading 90: the first track flies east along the south edge, then one spacing north and west")
    func eastWestOrder() throws {
        let m = try Self.sweep(heading: 90, spacing: 700)
        let g1 = m.geodetic(at: .seconds(60))
        #expect(abs(g1.latitudeDeg - latMin) < 1e-12 && g1.longitudeDeg > lonMin)
        let w = m.trajectory.waypoints
        #expect(w[1].longitudeDeg == lonMax && w[2].longitudeDeg == lonMax && w[3].longitudeDeg == lonMin)
        let meridian = Reference.a * (1 - Reference.e2)  // M(0)
        #expect(abs((w[2].latitudeDeg - w[1].latitudeDeg) * .pi / 180 * meridian - 0.7) < 1e-12)
    }

    @Test("every position of a full sweep lies in the box, at the sweep altitude", arguments: [0.0, 90.0])
    func staysInBox(heading: Double) throws {
        // A box at 60°N, where a great circle between the corners would bulge ~100 m outside.
        let m = try LawnmowerSweep(latitudeMin: 60, latitudeMax: 60.2, longitudeMin: 24, longitudeMax: 25,
                                   altitudeMeters: 400, speedMps: 30, trackSpacingMeters: 2500, headingDeg: heading,
                                   limits: .uavDefault)
        let n = 4000
        for k in 0 ... n {
            let t = SimTime(seconds: m.period.seconds * Double(k) / Double(n))
            // Independently through the iterative ECEF → geodetic conversion.
            let g = Geodetic(ecefKm: m.positionECEF(at: t))
            #expect(g.latitudeDeg >= 60 - 1e-9 && g.latitudeDeg <= 60.2 + 1e-9)
            #expect(g.longitudeDeg >= 24 - 1e-9 && g.longitudeDeg <= 25 + 1e-9)
            #expect(abs(g.altitudeMeters - 400) < 1e-6)
        }
    }

    @Test("realised speed is the sweep speed on tracks, shifts and the return leg")
    func realisedSpeed() throws {
        let m = try Self.sweep(heading: 0, spacing: 3000)
        let arrivals = m.trajectory.arrivalTimes.map(\.seconds) + [m.period.seconds]
        for leg in 0 ..< arrivals.count - 1 {
            let t = SimTime(seconds: (arrivals[leg] + arrivals[leg + 1]) / 2)
            #expect(abs(Reference.speedMps(m, at: t) - 15) < 15e-6, "leg \(leg)")
        }
    }

    @Test("a looping sweep repeats; a non-looping one holds at the end of the last track")
    func loopAndHold() throws {
        let looping = try Self.sweep(heading: 0, spacing: 3000)
        for s in stride(from: 0.0, to: 5000, by: 123.4) {
            let t = SimTime(seconds: s)
            #expect(looping.positionECEF(at: t) == looping.positionECEF(at: t + looping.period))
        }
        let once = try Self.sweep(heading: 0, spacing: 3000, loop: false)
        // 4 tracks: the last (even count) ends at the south edge of the easternmost track.
        #expect(once.trackCount == 4)
        let end = once.geodetic(at: once.totalDuration + .hours(1))
        #expect(end.latitudeDeg == latMin)
        #expect(abs((end.longitudeDeg - lonMin) * .pi / 180 * Reference.a - 9) < 1e-9)
        #expect(once.velocityECEF(at: once.totalDuration + .seconds(1)) == .zero)
        // The loop adds the return leg: Δλ = 9 km / a west along the south edge's parallel, whose
        // radius at 120 m is (N(φ) + h)·cos φ.
        let returnLeg = looping.period.seconds - once.totalDuration.seconds
        let parallelRadius = (Reference.primeVerticalRadius(latitudeDeg: latMin) + 0.12) * cos(latMin * .pi / 180)
        #expect(abs(returnLeg - parallelRadius * (9 / Reference.a) / 0.015) < 1e-6)
    }
}
