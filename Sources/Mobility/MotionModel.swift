import Orbits
import SimCore

/// Anything that moves (or stands still) near the Earth: UAVs, HAPs, ground users and gateways.
///
/// A motion model is a pure function of simulation time: the same `t` always gives the same
/// position, so visibility root finding can evaluate it at any instant, in any order.
/// Random models (random walk) draw their whole path from a named RNG stream when built.
///
/// Conforming models: ``FixedPosition``, ``WaypointTrajectory``, ``LoiterCircle``,
/// ``LawnmowerSweep`` and ``RandomWalk``; all of them answer in O(1) or O(log n) without allocating.
///
/// ```swift
/// let hover = FixedPosition(Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 120))
/// let r = hover.positionECEF(at: .seconds(30))   // km, Earth-fixed
/// ```
public protocol MotionModel: Sendable {
    /// Earth-fixed (ECEF, WGS-84) position in kilometres at `t` (time since the scenario epoch).
    func positionECEF(at t: SimTime) -> SIMD3<Double>
    /// Earth-fixed velocity in km/s at `t`.
    func velocityECEF(at t: SimTime) -> SIMD3<Double>
    /// Geodetic position at `t`.
    func geodetic(at t: SimTime) -> Geodetic
}

extension MotionModel {
    public func positionECEF(at t: SimTime) -> SIMD3<Double> { geodetic(at: t).ecefKm }

    /// Central difference over ±0.5 s; models with a closed form override it.
    public func velocityECEF(at t: SimTime) -> SIMD3<Double> {
        let h = SimTime.milliseconds(500)
        return (positionECEF(at: t + h) - positionECEF(at: t - h)) / 1.0
    }
}
