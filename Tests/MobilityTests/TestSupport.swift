import Foundation
import Orbits
import SimCore
@testable import Mobility

/// Independent references for the mobility tests (written from the textbook formulas, not
/// from the module's helpers).
enum Reference {
    static let a = WGS84.semiMajorAxisKm
    static let e2 = WGS84.eccentricitySquared

    /// Meridian radius of curvature M(φ), km.
    static func meridianRadius(latitudeDeg: Double) -> Double {
        let s = sin(latitudeDeg * .pi / 180)
        return a * (1 - e2) / pow(1 - e2 * s * s, 1.5)
    }

    /// Prime-vertical radius of curvature N(φ), km.
    static func primeVerticalRadius(latitudeDeg: Double) -> Double {
        let s = sin(latitudeDeg * .pi / 180)
        return a / (1 - e2 * s * s).squareRoot()
    }

    /// East, north, up unit vectors at a geodetic point.
    static func enu(_ g: Geodetic) -> (east: SIMD3<Double>, north: SIMD3<Double>, up: SIMD3<Double>) {
        let lat = g.latitudeDeg * .pi / 180, lon = g.longitudeDeg * .pi / 180
        return (SIMD3(-sin(lon), cos(lon), 0),
                SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat)),
                SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat)))
    }

    /// Central-difference velocity, km/s, over ±h.
    static func finiteDifferenceVelocity(_ m: some MotionModel, at t: SimTime,
                                         h: SimTime = .milliseconds(1)) -> SIMD3<Double> {
        (m.positionECEF(at: t + h) - m.positionECEF(at: t - h)) / (2 * h.seconds)
    }

    /// Realised speed |Δr|/Δt by central difference, m/s.
    static func speedMps(_ m: some MotionModel, at t: SimTime) -> Double {
        finiteDifferenceVelocity(m, at: t).length * 1000
    }
}
