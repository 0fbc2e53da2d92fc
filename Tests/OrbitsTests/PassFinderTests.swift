import Foundation
import Testing
@testable import Orbits
import SimCore

/// A closed-form circular orbit (test-only, independent of the library's propagators).
struct CircularOrbit: Propagator {
    var epoch: UTCInstant
    var radiusKm: Double
    var inclinationDeg: Double
    var raanDeg: Double
    var argumentOfLatitudeDeg: Double

    func state(minutesSinceEpoch minutes: Double) throws -> StateVector {
        let mu = 398_600.8
        let n = (mu / (radiusKm * radiusKm * radiusKm)).squareRoot()  // rad/s
        let u = argumentOfLatitudeDeg * .pi / 180 + n * minutes * 60
        let i = inclinationDeg * .pi / 180, o = raanDeg * .pi / 180
        let p = SIMD3(cos(o), sin(o), 0.0)
        let q = SIMD3(-sin(o) * cos(i), cos(o) * cos(i), sin(i))
        return StateVector(position: radiusKm * (cos(u) * p + sin(u) * q),
                           velocity: radiusKm * n * (-sin(u) * p + cos(u) * q))
    }
}

@Suite("Pass finder")
struct PassFinderTests {
    static let start = UTCInstant(year: 2024, month: 5, day: 12)
    static let orbit = CircularOrbit(epoch: start, radiusKm: 6378.137 + 550, inclinationDeg: 53, raanDeg: 40, argumentOfLatitudeDeg: 10)
    static let site = Observer(Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 35))

    /// Elevation at a time, the way a user would compute it by hand.
    static func elevation(_ t: UTCInstant) throws -> Double {
        site.lookAngles(to: EarthRotation.temeToECEF(try orbit.state(at: t), at: t)).elevationDeg
    }

    /// Rise/set brackets from a 1 s scan: (second before, rising?).
    static func scan(mask: Double, hours: Int) throws -> [(Int, Bool)] {
        var out: [(Int, Bool)] = []
        var previous = try elevation(start) - mask
        for s in 1 ... hours * 3600 {
            let e = try elevation(start + .seconds(Int64(s))) - mask
            if (previous < 0) != (e < 0) { out.append((s - 1, previous < 0)) }
            previous = e
        }
        return out
    }

    @Test("rise and set times agree with a brute-force 1 s scan and are accurate to 1 ms", arguments: [(10.0, 20.0), (25.0, 300.0), (0.0, 60.0)])
    func againstBruteForce(mask: Double, step: Double) throws {
        let finder = PassFinder(propagator: Self.orbit, observer: Self.site, minElevationDeg: mask, stepSeconds: step)
        let passes = try finder.passes(from: Self.start, to: Self.start + .hours(24))
        let brackets = try Self.scan(mask: mask, hours: 24)
        // The scan's crossings, in order, against the finder's rises and sets.
        var found: [(UTCInstant, Bool)] = []
        for p in passes {
            if let r = p.rise { found.append((r, true)) }
            if let s = p.set { found.append((s, false)) }
        }
        #expect(found.count == brackets.count, "finder \(found.count) crossings, scan \(brackets.count)")
        #expect(passes.count >= 3)
        for ((t, rising), (second, scanRising)) in zip(found, brackets) {
            #expect(rising == scanRising)
            let offset = (t - Self.start).seconds
            #expect(offset >= Double(second) - 1e-6 && offset <= Double(second + 1) + 1e-6)
            // 1 ms accuracy: the mask is crossed within ±2 ms of the reported time.
            let before = try Self.elevation(t - .milliseconds(2)) - mask
            let after = try Self.elevation(t + .milliseconds(2)) - mask
            #expect(rising ? (before < 0 && after > 0) : (before > 0 && after < 0))
        }
        for p in passes {
            // Culmination: a true maximum, within 1 ms, and above the mask.
            #expect(p.maxElevationDeg > mask)
            let e0 = try Self.elevation(p.culmination)
            #expect(abs(e0 - p.maxElevationDeg) < 1e-9)
            #expect(try Self.elevation(p.culmination - .milliseconds(20)) <= e0 + 1e-9)
            #expect(try Self.elevation(p.culmination + .milliseconds(20)) <= e0 + 1e-9)
        }
    }

    @Test("a pass in progress at the window's start or end has no rise or no set")
    func openEnds() throws {
        let finder = PassFinder(propagator: Self.orbit, observer: Self.site, minElevationDeg: 10)
        let full = try finder.passes(from: Self.start, to: Self.start + .hours(24))
        let p = try #require(full.first { $0.rise != nil && $0.set != nil })
        let rise = try #require(p.rise), set = try #require(p.set)
        let mid = p.culmination
        let late = try finder.passes(from: mid, to: set + .minutes(1))
        #expect(late.first?.rise == nil)
        #expect(abs(((late.first?.set ?? mid) - set).seconds) < 2e-3)
        let early = try finder.passes(from: rise - .minutes(1), to: mid)
        #expect(early.last?.set == nil)
        #expect(abs(((early.last?.rise ?? mid) - rise).seconds) < 2e-3)
    }

    @Test("an empty window is an error")
    func emptyWindow() {
        let finder = PassFinder(propagator: Self.orbit, observer: Self.site, minElevationDeg: 10)
        #expect(throws: PassSearchError.self) { try finder.passes(from: Self.start, to: Self.start) }
    }
}
