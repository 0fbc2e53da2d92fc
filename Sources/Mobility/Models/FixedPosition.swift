import Orbits
import SimCore

/// A node that never moves: a gateway, a parked user, a hovering UAV.
///
/// ```swift
/// let gateway = FixedPosition(Geodetic(latitudeDeg: 52.2, longitudeDeg: 0.12, altitudeMeters: 20))
/// gateway.positionECEF(at: .hours(3)) == gateway.positionECEF(at: .zero)   // true
/// ```
public struct FixedPosition: MotionModel, Hashable {
    /// Where the node is.
    public let location: Geodetic
    /// Its Earth-fixed position, km (computed once).
    public let ecefKm: SIMD3<Double>

    /// A node fixed at `location`.
    public init(_ location: Geodetic) {
        self.location = location
        ecefKm = location.ecefKm
    }

    public func positionECEF(at t: SimTime) -> SIMD3<Double> { ecefKm }
    public func velocityECEF(at t: SimTime) -> SIMD3<Double> { .zero }
    public func geodetic(at t: SimTime) -> Geodetic { location }
}
