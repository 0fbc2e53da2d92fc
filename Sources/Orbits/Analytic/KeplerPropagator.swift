import SimCore

/// Two-body (unperturbed Keplerian) propagation of classical elements.
///
/// The mean anomaly advances at the two-body mean motion n = sqrt(mu/a³); Kepler's equation is
/// solved by ``KeplerEquation`` to 1e-14 rad. Output is position (km) and velocity (km/s) on TEME
/// axes, like ``SGP4Propagator``, so all propagators share one TEME → ECEF conversion. `mu`
/// defaults to WGS-72's 398600.8 km³/s² (``EarthGravityConstants/wgs72MuKm3PerS2``), the value
/// SGP4 uses.
///
/// ```swift
/// let epoch = UTCInstant(year: 2025, month: 1, day: 1)
/// let elements = try KeplerianElements(semiMajorAxisKm: 6_928.135, eccentricity: 0.001, inclinationDeg: 53,
///                                      raanDeg: 40, argumentOfPerigeeDeg: 0, meanAnomalyDeg: 10, epoch: epoch)
/// let kepler = try KeplerPropagator(elements: elements)
/// let s = kepler.state(minutesSinceEpoch: 90)         // s.position (km), s.velocity (km/s)
/// ```
public struct KeplerPropagator: Propagator {
    /// The elements at ``epoch``.
    public let elements: KeplerianElements
    /// Gravitational parameter, km³/s².
    public let muKm3PerS2: Double
    /// Two-body mean motion sqrt(mu/a³), rad/s.
    public let meanMotionRadPerSec: Double

    public var epoch: UTCInstant { elements.epoch }

    /// A propagator for validated elements.
    public init(elements: KeplerianElements,
                muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) throws(OrbitalElementsError) {
        guard muKm3PerS2.isFinite, muKm3PerS2 > 0 else { throw .nonPositiveMu(muKm3PerS2) }
        self.elements = elements
        self.muKm3PerS2 = muKm3PerS2
        meanMotionRadPerSec = elements.meanMotionRadPerSec(muKm3PerS2: muKm3PerS2)
    }

    /// A two-body propagator from a TLE: mean motion (rev/day) → a = (mu/n²)^(1/3).
    ///
    /// The TLE's drag terms are ignored and its Kozai mean motion is read as a two-body one; see
    /// ``KeplerianElements/init(tle:muKm3PerS2:)``.
    ///
    /// ```swift
    /// let kepler = try KeplerPropagator(tle: tle)
    /// ```
    public init(tle: TLE, muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) throws(OrbitalElementsError) {
        try self.init(elements: KeplerianElements(tle: tle, muKm3PerS2: muKm3PerS2), muKm3PerS2: muKm3PerS2)
    }

    /// Two-body period 2π/n, seconds.
    public var periodSeconds: Double { 2 * Double.pi / meanMotionRadPerSec }

    /// The TEME state `minutes` after the epoch (negative before it). Never throws.
    public func state(minutesSinceEpoch minutes: Double) -> StateVector {
        let t = minutes * 60
        let m0 = elements.meanAnomalyDeg * KeplerMath.radiansPerDegree
        // Reduce the elapsed mean motion separately so long spans keep precision.
        let advance = (meanMotionRadPerSec * t).remainder(dividingBy: 2 * Double.pi)
        return KeplerMath.state(semiMajorAxisKm: elements.semiMajorAxisKm, eccentricity: elements.eccentricity,
                                inclinationRad: elements.inclinationDeg * KeplerMath.radiansPerDegree,
                                raanRad: elements.raanDeg * KeplerMath.radiansPerDegree,
                                argumentOfPerigeeRad: elements.argumentOfPerigeeDeg * KeplerMath.radiansPerDegree,
                                meanAnomalyRad: m0 + advance, meanAnomalyRateRadPerSec: meanMotionRadPerSec)
    }
}
