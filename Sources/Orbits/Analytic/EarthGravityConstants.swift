/// Earth's gravitational parameter, equatorial radius and J2 for the analytic propagators.
///
/// The defaults are WGS-72, the constants SGP4 is defined with (Hoots & Roehrich, Spacetrack
/// Report No. 3, 1980; Vallado et al., "Revisiting Spacetrack Report #3", AIAA 2006-6753), so a
/// Kepler or J2 propagator built from a TLE uses the same Earth as ``SGP4Propagator``.
///
/// ```swift
/// let kepler = try KeplerPropagator(elements: elements)                        // WGS-72 mu
/// let j2 = try J2SecularPropagator(elements: elements, gravity: .wgs84)         // another Earth
/// ```
public struct EarthGravityConstants: Sendable, Hashable {
    /// Gravitational parameter GM, km³/s².
    public var muKm3PerS2: Double
    /// Equatorial radius, km.
    public var equatorialRadiusKm: Double
    /// Second zonal harmonic (dimensionless, unnormalised).
    public var j2: Double

    /// Creates a set of constants.
    public init(muKm3PerS2: Double, equatorialRadiusKm: Double, j2: Double) {
        self.muKm3PerS2 = muKm3PerS2
        self.equatorialRadiusKm = equatorialRadiusKm
        self.j2 = j2
    }

    /// WGS-72 gravitational parameter, 398600.8 km³/s² (SGP4's `mu`).
    public static let wgs72MuKm3PerS2 = 398_600.8
    /// WGS-72 equatorial radius, 6378.135 km (SGP4's `radiusearthkm`).
    public static let wgs72RadiusKm = 6_378.135
    /// WGS-72 J2, 0.001082616 (SGP4's `j2`).
    public static let wgs72J2 = 0.001_082_616

    /// WGS-72, as SGP4 uses it.
    public static let wgs72 = EarthGravityConstants(muKm3PerS2: wgs72MuKm3PerS2, equatorialRadiusKm: wgs72RadiusKm, j2: wgs72J2)
    /// WGS-84 / EGM-96 values as in Vallado's SGP4 `wgs84` option: 398600.5 km³/s², 6378.137 km, J2 0.00108262998905.
    public static let wgs84 = EarthGravityConstants(muKm3PerS2: 398_600.5, equatorialRadiusKm: 6_378.137, j2: 0.001_082_629_989_05)
}
