import Foundation
import Orbits
import SimCore

/// Circling at constant speed around a centre point: a UAV or HAP holding station.
///
/// The circle lies in a plane parallel to the local east-north tangent plane at the centre:
///
///     r(t) = c − δ·û + R·(sin θ(t)·ê + cos θ(t)·n̂),   θ(t) = θ₀ ± (v/R)·t
///
/// with c the centre's ECEF position, (ê, n̂, û) its east-north-up basis, R = `radiusMeters`,
/// v = `speedMps` and θ the bearing from north (clockwise: +). A circle drawn in the tangent plane
/// itself would rise above the ellipsoid by about R²/(2ρ), ρ the radius of curvature (≈ 0.08 m
/// for R = 1 km, ≈ 200 m for R = 50 km); the plane is therefore lowered by
/// δ = ρ − √(ρ² − R²), with 1/ρ the mean of the normal curvatures 1/(M + h) and 1/(N + h) at the
/// centre. The geodetic altitude then stays at the centre's altitude to within
/// R²·|1/(M + h) − 1/(N + h)|/4 + O(R⁴/ρ³): under 1 mm for R = 1 km, under 0.7 m for R = 50 km.
/// Because the path is an exact plane circle, the speed is exactly v, the distance from the
/// centre's vertical axis is exactly R, the period is exactly 2πR/v, and the velocity is closed form.
///
/// ```swift
/// let hub = Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 150)
/// let orbit = try LoiterCircle(center: hub, radiusMeters: 400, speedMps: 20, clockwise: true,
///                              phaseDeg: 90, limits: .uavDefault)   // starts due east of the hub
/// orbit.period          // 2π·400/20 ≈ 125.66 s
/// ```
public struct LoiterCircle: MotionModel {
    /// Centre of the circle; its altitude is the flight altitude.
    public let center: Geodetic
    /// Horizontal radius (distance from the centre's vertical), metres.
    public let radiusMeters: Double
    /// Speed along the circle, m/s.
    public let speedMps: Double
    /// Clockwise seen from above (bearing increasing) when true.
    public let clockwise: Bool
    /// Bearing of the starting point from the centre, degrees clockwise from north.
    public let phaseDeg: Double
    /// The limits the circle was checked against.
    public let limits: MotionLimits
    /// Time for one lap, 2πR/v, rounded to the nanosecond.
    public let period: SimTime

    let planeCenterKm: SIMD3<Double>
    let east: SIMD3<Double>
    let north: SIMD3<Double>
    let radiusKm: Double
    /// dθ/dt, rad/s, signed (+ clockwise).
    let bearingRate: Double
    let phaseRad: Double

    /// The heading change rate v/R, degrees per second.
    public var turnRateDegPerS: Double { speedMps / radiusMeters * Ellipsoid.degreesPerRadian }

    /// Largest radius accepted, metres (the plane-circle construction is for regional circles).
    public static let maxRadiusMeters = 1_000_000.0

    /// A validated loiter circle.
    ///
    /// - Parameters:
    ///   - center: centre point; its altitude must lie in the limits' band.
    ///   - radiusMeters: 0 < R ≤ 1000 km.
    ///   - speedMps: 0 < v ≤ `limits.maxSpeedMps`.
    ///   - clockwise: direction seen from above (default clockwise).
    ///   - phaseDeg: starting bearing from the centre, degrees clockwise from north (default 0: due north).
    ///   - limits: also bounds the turn rate: v/R (as °/s) ≤ `limits.maxTurnRateDegPerS`, i.e.
    ///     R ≥ v / maxTurnRate.
    /// - Throws: ``MobilityError`` — `.invalidLimits`, `.invalidCoordinate`, `.altitudeOutOfRange`,
    ///   `.nonPositive` (`radiusMeters`, `speedMps`), `.invalidArea` (radius too large),
    ///   `.speedAboveLimit`, `.notFinite` (`phaseDeg`) or `.turnRateAboveLimit`.
    public init(center: Geodetic, radiusMeters: Double, speedMps: Double, clockwise: Bool = true,
                phaseDeg: Double = 0, limits: MotionLimits) throws(MobilityError) {
        try limits.validate()
        try Check.coordinate(center.latitudeDeg, center.longitudeDeg, index: nil)
        try Check.altitude(center.altitudeMeters, within: limits, index: nil)
        try Check.positive(radiusMeters, "radiusMeters")
        guard radiusMeters <= Self.maxRadiusMeters else {
            throw .invalidArea("loiter radius \(radiusMeters) m is above the maximum of \(Self.maxRadiusMeters) m")
        }
        try Check.positive(speedMps, "speedMps")
        try Check.speed(speedMps, within: limits, index: nil)
        guard phaseDeg.isFinite else { throw .notFinite(parameter: "phaseDeg", value: phaseDeg) }
        let turnRate = speedMps / radiusMeters * Ellipsoid.degreesPerRadian
        // A relative slack of 1e-12 so R = v / maxTurnRate exactly is accepted.
        guard turnRate <= limits.maxTurnRateDegPerS * (1 + 1e-12) else {
            throw .turnRateAboveLimit(requiredDegPerS: turnRate, limitDegPerS: limits.maxTurnRateDegPerS)
        }

        self.center = center
        self.radiusMeters = radiusMeters
        self.speedMps = speedMps
        self.clockwise = clockwise
        self.phaseDeg = phaseDeg
        self.limits = limits
        let frame = LocalFrame(latitudeDeg: center.latitudeDeg, longitudeDeg: center.longitudeDeg)
        let h = center.altitudeMeters / 1000
        let rho = 2 / (1 / (frame.meridianRadiusKm + h) + 1 / (frame.primeVerticalRadiusKm + h))
        radiusKm = radiusMeters / 1000
        let drop = radiusKm * radiusKm / (rho + (rho * rho - radiusKm * radiusKm).squareRoot())  // ρ − √(ρ² − R²)
        planeCenterKm = center.ecefKm - drop * frame.up
        east = frame.east
        north = frame.north
        bearingRate = (clockwise ? 1 : -1) * speedMps / radiusMeters
        phaseRad = phaseDeg * Ellipsoid.radiansPerDegree
        period = SimTime.saturating(seconds: 2 * Double.pi * radiusMeters / speedMps)
    }

    public func positionECEF(at t: SimTime) -> SIMD3<Double> {
        let theta = phaseRad + bearingRate * t.seconds
        return planeCenterKm + radiusKm * (sin(theta) * east + cos(theta) * north)
    }

    public func velocityECEF(at t: SimTime) -> SIMD3<Double> {
        let theta = phaseRad + bearingRate * t.seconds
        return (radiusKm * bearingRate) * (cos(theta) * east - sin(theta) * north)
    }

    public func geodetic(at t: SimTime) -> Geodetic { Geodetic(ecefKm: positionECEF(at: t)) }
}
