/// The Earth constants SGP4 is evaluated with (Vallado's `getgravconst`).
///
/// Element sets are fitted with WGS-72, so ``wgs72`` is the default and the only choice that
/// reproduces published SGP4 output; ``wgs72old`` and ``wgs84`` are offered for comparisons.
///
/// ```swift
/// let sgp4 = try SGP4Propagator(tle: tle, gravity: .wgs72)
/// ```
public struct SGP4GravityModel: Sendable, Hashable {
    /// Gravitational parameter, km³/s².
    public let muKm3PerS2: Double
    /// Equatorial radius, km (one SGP4 distance unit).
    public let radiusEarthKm: Double
    /// sqrt(mu) in Earth radii^1.5 per minute (SGP4's `xke`).
    public let xke: Double
    /// Minutes per SGP4 time unit, 1 / `xke` (SGP4's `tumin`).
    public let tumin: Double
    /// Unnormalised zonal harmonic J2.
    public let j2: Double
    /// Unnormalised zonal harmonic J3.
    public let j3: Double
    /// Unnormalised zonal harmonic J4.
    public let j4: Double
    /// J3 / J2.
    public let j3oj2: Double

    /// Constants with `xke` derived from mu and the radius, as `getgravconst` does for WGS-72 and WGS-84.
    init(muKm3PerS2 mu: Double, radiusEarthKm re: Double, xke: Double? = nil, j2: Double, j3: Double, j4: Double) {
        muKm3PerS2 = mu
        radiusEarthKm = re
        let k = xke ?? 60.0 / (re * re * re / mu).squareRoot()
        self.xke = k
        tumin = 1.0 / k
        self.j2 = j2
        self.j3 = j3
        self.j4 = j4
        j3oj2 = j3 / j2
    }

    /// WGS-72 (mu 398600.8 km³/s², 6378.135 km), the standard SGP4 constants.
    public static let wgs72 = SGP4GravityModel(muKm3PerS2: 398_600.8, radiusEarthKm: 6_378.135,
                                               j2: 0.001_082_616, j3: -0.000_002_538_81, j4: -0.000_001_655_97)
    /// The original Spacetrack Report #3 WGS-72 values with `xke` = 0.0743669161.
    public static let wgs72old = SGP4GravityModel(muKm3PerS2: 398_600.799_64, radiusEarthKm: 6_378.135, xke: 0.074_366_916_1,
                                                  j2: 0.001_082_616, j3: -0.000_002_538_81, j4: -0.000_001_655_97)
    /// WGS-84 / EGM-96 (mu 398600.5 km³/s², 6378.137 km).
    public static let wgs84 = SGP4GravityModel(muKm3PerS2: 398_600.5, radiusEarthKm: 6_378.137,
                                               j2: 0.001_082_629_989_05, j3: -0.000_002_532_153_06, j4: -0.000_001_610_987_61)
}

/// Vallado's operation mode: `improved` ('i', the default) or `afspc` ('a', the Air Force
/// Space Command code's sidereal-time formula and node quadrant handling).
public enum SGP4OperationMode: Sendable, Hashable {
    /// 'i': modern sidereal time (`gstime`), no extra node wrap.
    case improved
    /// 'a': 1970-based sidereal time series and the AFSPC node quadrant fix in the Lyddane branch.
    case afspc
}
