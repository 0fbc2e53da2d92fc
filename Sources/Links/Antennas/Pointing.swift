import Foundation
import Orbits

/// Where an antenna's boresight points.
///
/// - `tracking`: at the other end of the link (a gimballed or electronically steered antenna,
///   or a user terminal tracking its satellite). The link sees the peak gain.
/// - `nadir`: towards Earth's centre (−position). A satellite's fixed beam, or a UAV's belly antenna.
/// - `zenith`: along the geocentric up direction (+position/|position|). A fixed ground or
///   UAV-top antenna looking straight up. Geocentric, not geodetic: at mid latitudes the two
///   verticals differ by up to 0.19°, well inside any antenna's beam.
///
/// ``offBoresightDeg(pointing:from:to:)`` turns a pointing and the two link ends into the angle an
/// ``AntennaPattern`` needs.
///
/// ```swift
/// let sat = SIMD3<Double>(6971, 0, 0)                 // 600 km above the equator, ECEF km
/// let user = SIMD3<Double>(6371, 0, 0)                // directly below it
/// Pointing.offBoresightDeg(pointing: .nadir, from: sat, to: user)    // 0
/// Pointing.zenith.offBoresightDeg(from: user, to: sat)               // 0
/// Pointing.offBoresightDeg(pointing: .tracking, from: sat, to: user) // 0, always
/// ```
public enum Pointing: String, Sendable, Hashable, Codable, CaseIterable {
    case tracking
    case nadir
    case zenith

    /// The angle, degrees (0…180), between the boresight of an antenna at `from` pointed as `pointing`
    /// and the direction from `from` to `to`. Both positions are Earth-fixed (ECEF), km.
    ///
    /// Returns 0 for `tracking`, and 0 when the direction is undefined (coincident ends, or an antenna
    /// at Earth's centre).
    @inlinable
    public static func offBoresightDeg(pointing: Pointing, from ownECEFKm: SIMD3<Double>,
                                       to otherECEFKm: SIMD3<Double>) -> Double {
        let lineOfSight = otherECEFKm - ownECEFKm
        switch pointing {
        case .tracking:
            return 0
        case .nadir:
            return angleDeg(lineOfSight, -ownECEFKm)
        case .zenith:
            return angleDeg(lineOfSight, ownECEFKm)
        }
    }

    /// The off-boresight angle of `to` seen from `from` with this pointing, degrees.
    /// See ``offBoresightDeg(pointing:from:to:)``.
    @inlinable
    public func offBoresightDeg(from ownECEFKm: SIMD3<Double>, to otherECEFKm: SIMD3<Double>) -> Double {
        Self.offBoresightDeg(pointing: self, from: ownECEFKm, to: otherECEFKm)
    }

    /// Angle between two vectors, degrees; atan2(|u×v|, u·v) stays accurate near 0° and 180°,
    /// where acos of the normalized dot product loses half its digits.
    @inlinable
    static func angleDeg(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
        let crossNorm = u.cross(v).length
        let dot = u.dot(v)
        if crossNorm == 0 && dot == 0 { return 0 }
        return atan2(crossNorm, dot) * 180 / .pi
    }
}
