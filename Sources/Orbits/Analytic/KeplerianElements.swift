import Foundation
import SimCore

/// Classical (Keplerian) orbital elements of an elliptical orbit at an epoch.
///
/// Angles are in degrees, as in a TLE; the semi-major axis is in km. The reference axes are
/// TEME's (the frame SGP4 works in), so states computed from these elements plug into the same
/// TEME → ECEF conversion as SGP4 output. Elements are validated on creation: 0 ≤ e < 1,
/// a > 0, 0° ≤ i ≤ 180°, all values finite.
///
/// ```swift
/// let epoch = UTCInstant(year: 2025, month: 1, day: 1)
/// let leo = try KeplerianElements(semiMajorAxisKm: 6_928.135, eccentricity: 0, inclinationDeg: 53,
///                                 raanDeg: 0, argumentOfPerigeeDeg: 0, meanAnomalyDeg: 0, epoch: epoch)
/// let fromState = try KeplerianElements(state: leo.state(), epoch: epoch)
/// ```
public struct KeplerianElements: Sendable, Hashable {
    /// Semi-major axis, km.
    public let semiMajorAxisKm: Double
    /// Eccentricity, 0 ≤ e < 1.
    public let eccentricity: Double
    /// Inclination, degrees in 0 ... 180.
    public let inclinationDeg: Double
    /// Right ascension of the ascending node, degrees.
    public let raanDeg: Double
    /// Argument of perigee, degrees.
    public let argumentOfPerigeeDeg: Double
    /// Mean anomaly at the epoch, degrees.
    public let meanAnomalyDeg: Double
    /// Epoch of the elements.
    public let epoch: UTCInstant

    /// Elements from a semi-major axis; throws if any value is out of range.
    public init(semiMajorAxisKm: Double, eccentricity: Double, inclinationDeg: Double, raanDeg: Double,
                argumentOfPerigeeDeg: Double, meanAnomalyDeg: Double, epoch: UTCInstant) throws(OrbitalElementsError) {
        for (name, value) in [("semiMajorAxisKm", semiMajorAxisKm), ("eccentricity", eccentricity),
                              ("inclinationDeg", inclinationDeg), ("raanDeg", raanDeg),
                              ("argumentOfPerigeeDeg", argumentOfPerigeeDeg), ("meanAnomalyDeg", meanAnomalyDeg)]
            where !value.isFinite {
            throw .nonFinite(field: name)
        }
        guard semiMajorAxisKm > 0 else { throw .nonPositiveSemiMajorAxis(semiMajorAxisKm) }
        guard eccentricity >= 0, eccentricity < 1 else { throw .eccentricityOutOfRange(eccentricity) }
        guard inclinationDeg >= 0, inclinationDeg <= 180 else { throw .inclinationOutOfRange(inclinationDeg) }
        self.init(validatedSemiMajorAxisKm: semiMajorAxisKm, eccentricity: eccentricity, inclinationDeg: inclinationDeg,
                  raanDeg: raanDeg, argumentOfPerigeeDeg: argumentOfPerigeeDeg, meanAnomalyDeg: meanAnomalyDeg, epoch: epoch)
    }

    /// Elements whose ranges the caller has already checked (no validation).
    init(validatedSemiMajorAxisKm a: Double, eccentricity: Double, inclinationDeg: Double, raanDeg: Double,
         argumentOfPerigeeDeg: Double, meanAnomalyDeg: Double, epoch: UTCInstant) {
        semiMajorAxisKm = a
        self.eccentricity = eccentricity
        self.inclinationDeg = inclinationDeg
        self.raanDeg = raanDeg
        self.argumentOfPerigeeDeg = argumentOfPerigeeDeg
        self.meanAnomalyDeg = meanAnomalyDeg
        self.epoch = epoch
    }

    /// Elements from a two-body mean motion: a = (mu / n²)^(1/3).
    ///
    /// ```swift
    /// let e = try KeplerianElements(meanMotionRevPerDay: 15.5, eccentricity: 0.0004, inclinationDeg: 51.6,
    ///                               raanDeg: 10, argumentOfPerigeeDeg: 90, meanAnomalyDeg: 270, epoch: epoch)
    /// ```
    public init(meanMotionRevPerDay: Double, eccentricity: Double, inclinationDeg: Double, raanDeg: Double,
                argumentOfPerigeeDeg: Double, meanAnomalyDeg: Double, epoch: UTCInstant,
                muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) throws(OrbitalElementsError) {
        guard meanMotionRevPerDay.isFinite, meanMotionRevPerDay > 0 else { throw .nonPositiveMeanMotion(meanMotionRevPerDay) }
        guard muKm3PerS2.isFinite, muKm3PerS2 > 0 else { throw .nonPositiveMu(muKm3PerS2) }
        try self.init(semiMajorAxisKm: Self.semiMajorAxisKm(meanMotionRevPerDay: meanMotionRevPerDay, muKm3PerS2: muKm3PerS2),
                      eccentricity: eccentricity, inclinationDeg: inclinationDeg, raanDeg: raanDeg,
                      argumentOfPerigeeDeg: argumentOfPerigeeDeg, meanAnomalyDeg: meanAnomalyDeg, epoch: epoch)
    }

    /// The elements of a TLE, its mean motion taken as a two-body mean motion.
    ///
    /// A TLE's mean motion is SGP4's Kozai mean motion, which folds in J2; reading it as a
    /// two-body mean motion changes the semi-major axis by up to a few km (relative order J2).
    /// Use ``SGP4Propagator`` when the TLE itself is the reference.
    ///
    /// ```swift
    /// let elements = try KeplerianElements(tle: iss)
    /// ```
    public init(tle: TLE, muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) throws(OrbitalElementsError) {
        try self.init(meanMotionRevPerDay: tle.meanMotionRevPerDay, eccentricity: tle.eccentricity,
                      inclinationDeg: tle.inclinationDeg, raanDeg: tle.raanDeg, argumentOfPerigeeDeg: tle.argumentOfPerigeeDeg,
                      meanAnomalyDeg: tle.meanAnomalyDeg, epoch: tle.epoch, muKm3PerS2: muKm3PerS2)
    }

    /// Osculating elements of a position/velocity state (Vallado, Fundamentals of Astrodynamics
    /// and Applications, Algorithm 9 "RV2COE").
    ///
    /// Circular and equatorial orbits, where the usual angles are undefined, get the conventions
    /// the forward mapping uses: an equatorial orbit has RAAN 0 (the node line is the x axis), a
    /// circular orbit has argument of perigee 0 (the anomaly is the argument of latitude).
    /// Throws for non-elliptical (parabolic or hyperbolic) or rectilinear states.
    ///
    /// ```swift
    /// let e = try KeplerianElements(state: StateVector(position: [7000, 0, 0], velocity: [0, 7.5, 0]), epoch: epoch)
    /// ```
    public init(state: StateVector, epoch: UTCInstant,
                muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) throws(OrbitalElementsError) {
        guard muKm3PerS2.isFinite, muKm3PerS2 > 0 else { throw .nonPositiveMu(muKm3PerS2) }
        let r = state.position, v = state.velocity
        let rNorm = KeplerMath.norm(r), v2 = KeplerMath.dot(v, v)
        let h = KeplerMath.cross(r, v), hNorm = KeplerMath.norm(h)
        guard rNorm > 0, hNorm > 1e-12 * rNorm * v2.squareRoot(), hNorm.isFinite else { throw .degenerateState }
        let energy = v2 / 2 - muKm3PerS2 / rNorm
        guard energy < 0 else { throw .notElliptic(specificEnergyKm2PerS2: energy) }
        let a = -muKm3PerS2 / (2 * energy)
        let eVec = ((v2 - muKm3PerS2 / rNorm) * r - KeplerMath.dot(r, v) * v) / muKm3PerS2
        let e = KeplerMath.norm(eVec)
        let hHat = h / hNorm
        let inclination = acos(min(max(hHat.z, -1), 1))

        // Node line: z × h, or the x axis for an equatorial orbit.
        let node = SIMD3<Double>(-h.y, h.x, 0)
        let nodeNorm = KeplerMath.norm(node)
        let nHat = nodeNorm > 1e-12 * hNorm ? node / nodeNorm : SIMD3<Double>(1, 0, 0)
        let mHat = KeplerMath.cross(hHat, nHat)  // in-plane, 90° ahead of the node
        let raan = nodeNorm > 1e-12 * hNorm ? atan2(nHat.y, nHat.x) : 0
        let circular = e < 1e-12
        let argp = circular ? 0 : atan2(KeplerMath.dot(eVec, mHat), KeplerMath.dot(eVec, nHat))
        let argLat = atan2(KeplerMath.dot(r, mHat), KeplerMath.dot(r, nHat))
        let eClamped = circular ? 0 : e
        let nu = argLat - argp
        let eccAnomaly = atan2((1 - eClamped * eClamped).squareRoot() * sin(nu), eClamped + cos(nu))
        let meanAnomaly = eccAnomaly - eClamped * sin(eccAnomaly)
        try self.init(semiMajorAxisKm: a, eccentricity: eClamped, inclinationDeg: inclination * KeplerMath.degreesPerRadian,
                      raanDeg: KeplerMath.normalizedDeg(raan * KeplerMath.degreesPerRadian),
                      argumentOfPerigeeDeg: KeplerMath.normalizedDeg(argp * KeplerMath.degreesPerRadian),
                      meanAnomalyDeg: KeplerMath.normalizedDeg(meanAnomaly * KeplerMath.degreesPerRadian), epoch: epoch)
    }

    /// Two-body mean motion sqrt(mu / a³), rad/s.
    public func meanMotionRadPerSec(muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) -> Double {
        (muKm3PerS2 / (semiMajorAxisKm * semiMajorAxisKm * semiMajorAxisKm)).squareRoot()
    }

    /// Two-body mean motion, revolutions per day.
    public func meanMotionRevPerDay(muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) -> Double {
        meanMotionRadPerSec(muKm3PerS2: muKm3PerS2) * 86_400 / (2 * Double.pi)
    }

    /// Two-body orbital period 2π sqrt(a³ / mu), seconds.
    public func periodSeconds(muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) -> Double {
        2 * Double.pi / meanMotionRadPerSec(muKm3PerS2: muKm3PerS2)
    }

    /// The TEME state at the epoch under two-body motion.
    public func state(muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) -> StateVector {
        KeplerMath.state(semiMajorAxisKm: semiMajorAxisKm, eccentricity: eccentricity,
                        inclinationRad: inclinationDeg * KeplerMath.radiansPerDegree, raanRad: raanDeg * KeplerMath.radiansPerDegree,
                        argumentOfPerigeeRad: argumentOfPerigeeDeg * KeplerMath.radiansPerDegree,
                        meanAnomalyRad: meanAnomalyDeg * KeplerMath.radiansPerDegree,
                        meanAnomalyRateRadPerSec: meanMotionRadPerSec(muKm3PerS2: muKm3PerS2))
    }

    /// Semi-major axis for a two-body mean motion: a = (mu / n²)^(1/3), n in rad/s.
    public static func semiMajorAxisKm(meanMotionRevPerDay: Double,
                                       muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) -> Double {
        let n = meanMotionRevPerDay * 2 * Double.pi / 86_400
        return cbrt(muKm3PerS2 / (n * n))
    }

    /// Two-body mean motion for a semi-major axis, revolutions per day.
    public static func meanMotionRevPerDay(semiMajorAxisKm a: Double,
                                           muKm3PerS2: Double = EarthGravityConstants.wgs72MuKm3PerS2) -> Double {
        (muKm3PerS2 / (a * a * a)).squareRoot() * 86_400 / (2 * Double.pi)
    }
}

/// Why a set of orbital elements (or the state they were computed from) was rejected.
public enum OrbitalElementsError: Error, Equatable, CustomStringConvertible {
    /// A value is NaN or infinite; `field` names the parameter.
    case nonFinite(field: String)
    /// The semi-major axis must be positive (km).
    case nonPositiveSemiMajorAxis(Double)
    /// The mean motion must be positive (rev/day).
    case nonPositiveMeanMotion(Double)
    /// The gravitational parameter must be positive (km³/s²).
    case nonPositiveMu(Double)
    /// Only elliptical orbits are supported: 0 ≤ e < 1.
    case eccentricityOutOfRange(Double)
    /// Inclination must lie in 0 ... 180 degrees.
    case inclinationOutOfRange(Double)
    /// The state is not bound (specific energy ≥ 0): parabolic or hyperbolic.
    case notElliptic(specificEnergyKm2PerS2: Double)
    /// The state has zero radius or zero angular momentum (rectilinear motion).
    case degenerateState

    public var description: String {
        switch self {
        case let .nonFinite(field): return "orbital element \(field) is not a finite number"
        case let .nonPositiveSemiMajorAxis(a): return "semi-major axis \(a) km must be positive"
        case let .nonPositiveMeanMotion(n): return "mean motion \(n) rev/day must be positive"
        case let .nonPositiveMu(mu): return "gravitational parameter \(mu) km^3/s^2 must be positive"
        case let .eccentricityOutOfRange(e): return "eccentricity \(e) is outside 0 <= e < 1 (elliptical orbits only)"
        case let .inclinationOutOfRange(i): return "inclination \(i) deg is outside 0...180"
        case let .notElliptic(energy): return "state is not on an elliptical orbit (specific energy \(energy) km^2/s^2 >= 0)"
        case .degenerateState: return "state has zero radius or zero angular momentum"
        }
    }
}
