import Foundation
import SimCore

/// Two-body propagation plus the first-order secular drift that Earth's oblateness (J2) causes in
/// the node, the argument of perigee and the mean anomaly.
///
/// Semi-major axis, eccentricity and inclination stay constant (J2 has no first-order secular
/// effect on them); short- and long-period terms are ignored, so positions differ from SGP4 by
/// up to ~10 km in LEO, but the node regression that shapes constellation geometry over days is
/// right. With p = a(1 − e²) and n = sqrt(mu/a³) (Vallado, Fundamentals of Astrodynamics and
/// Applications, 4th ed., §9.6, secular J2 rates, eqs. 9-37 to 9-41; equation numbers vary by
/// edition):
///
///     dΩ/dt = −3/2 n J2 (Re/p)² cos i
///     dω/dt =  3/4 n J2 (Re/p)² (5 cos² i − 1)
///     dM/dt =  n [1 + 3/4 J2 (Re/p)² √(1 − e²) (3 cos² i − 1)]
///
/// Constants default to WGS-72 (J2 = 0.001082616, Re = 6378.135 km, mu = 398600.8 km³/s²).
///
/// ```swift
/// let j2 = try J2SecularPropagator(elements: elements)
/// print(j2.raanRateDegPerDay)                          // ≈ −4.49° per day at 550 km, 53°
/// let s = try j2.state(at: epoch + .hours(24))
/// ```
public struct J2SecularPropagator: Propagator {
    /// The mean elements at ``epoch``.
    public let elements: KeplerianElements
    /// The Earth model (mu, Re, J2).
    public let gravity: EarthGravityConstants
    /// Unperturbed mean motion sqrt(mu/a³), rad/s.
    public let meanMotionRadPerSec: Double
    /// dΩ/dt, rad/s.
    public let raanRateRadPerSec: Double
    /// dω/dt, rad/s.
    public let argumentOfPerigeeRateRadPerSec: Double
    /// dM/dt (perturbed mean motion), rad/s.
    public let meanAnomalyRateRadPerSec: Double

    public var epoch: UTCInstant { elements.epoch }

    /// A J2-secular propagator for validated elements.
    public init(elements: KeplerianElements, gravity: EarthGravityConstants = .wgs72) throws(OrbitalElementsError) {
        guard gravity.muKm3PerS2.isFinite, gravity.muKm3PerS2 > 0 else { throw .nonPositiveMu(gravity.muKm3PerS2) }
        guard gravity.equatorialRadiusKm.isFinite, gravity.j2.isFinite else { throw .nonFinite(field: "gravity") }
        self.elements = elements
        self.gravity = gravity
        let rates = Self.secularRates(semiMajorAxisKm: elements.semiMajorAxisKm, eccentricity: elements.eccentricity,
                                      inclinationDeg: elements.inclinationDeg, gravity: gravity)
        meanMotionRadPerSec = rates.meanMotion
        raanRateRadPerSec = rates.raan
        argumentOfPerigeeRateRadPerSec = rates.argumentOfPerigee
        meanAnomalyRateRadPerSec = rates.meanAnomaly
    }

    /// A J2-secular propagator from a TLE (mean motion → a with the model's mu; drag ignored).
    ///
    /// ```swift
    /// let j2 = try J2SecularPropagator(tle: tle)
    /// ```
    public init(tle: TLE, gravity: EarthGravityConstants = .wgs72) throws(OrbitalElementsError) {
        try self.init(elements: KeplerianElements(tle: tle, muKm3PerS2: gravity.muKm3PerS2), gravity: gravity)
    }

    /// dΩ/dt in degrees per day (negative: westward regression for prograde orbits).
    public var raanRateDegPerDay: Double { raanRateRadPerSec * KeplerMath.degreesPerRadian * 86_400 }
    /// dω/dt in degrees per day.
    public var argumentOfPerigeeRateDegPerDay: Double { argumentOfPerigeeRateRadPerSec * KeplerMath.degreesPerRadian * 86_400 }

    /// The TEME state `minutes` after the epoch (negative before it). Never throws.
    ///
    /// Velocity is the exact time derivative of the position, including the turning of the node
    /// and the perigee.
    public func state(minutesSinceEpoch minutes: Double) -> StateVector {
        let t = minutes * 60
        let twoPi = 2 * Double.pi
        let d = KeplerMath.radiansPerDegree
        return KeplerMath.state(
            semiMajorAxisKm: elements.semiMajorAxisKm, eccentricity: elements.eccentricity,
            inclinationRad: elements.inclinationDeg * d,
            raanRad: elements.raanDeg * d + (raanRateRadPerSec * t).remainder(dividingBy: twoPi),
            argumentOfPerigeeRad: elements.argumentOfPerigeeDeg * d + (argumentOfPerigeeRateRadPerSec * t).remainder(dividingBy: twoPi),
            meanAnomalyRad: elements.meanAnomalyDeg * d + (meanAnomalyRateRadPerSec * t).remainder(dividingBy: twoPi),
            meanAnomalyRateRadPerSec: meanAnomalyRateRadPerSec,
            argumentOfPerigeeRateRadPerSec: argumentOfPerigeeRateRadPerSec,
            raanRateRadPerSec: raanRateRadPerSec)
    }

    /// The secular rates (rad/s) for mean elements, from the formulas in the type's description.
    ///
    /// ```swift
    /// let r = J2SecularPropagator.secularRates(semiMajorAxisKm: 7_078.135, eccentricity: 0, inclinationDeg: 98.19)
    /// // r.raan * 180 / .pi * 86_400 ≈ 0.9856 (sun-synchronous)
    /// ```
    public static func secularRates(semiMajorAxisKm a: Double, eccentricity e: Double, inclinationDeg: Double,
                                    gravity: EarthGravityConstants = .wgs72)
        -> (meanMotion: Double, raan: Double, argumentOfPerigee: Double, meanAnomaly: Double) {
        let n = (gravity.muKm3PerS2 / (a * a * a)).squareRoot()
        let p = a * (1 - e * e)
        let k = gravity.j2 * (gravity.equatorialRadiusKm / p) * (gravity.equatorialRadiusKm / p)
        let c = cos(inclinationDeg * KeplerMath.radiansPerDegree)
        let raan = -1.5 * n * k * c
        let argp = 0.75 * n * k * (5 * c * c - 1)
        let meanAnomaly = n * (1 + 0.75 * k * (1 - e * e).squareRoot() * (3 * c * c - 1))
        return (n, raan, argp, meanAnomaly)
    }
}
