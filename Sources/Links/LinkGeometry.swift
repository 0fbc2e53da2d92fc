/// What kind of node the upper end of a link is; channel models differ by it.
public enum PlatformKind: String, Sendable, Hashable, CaseIterable, Codable {
    case satellite
    case haps
    case uav
    case ground
}

/// The geometry of one link at one instant, as seen from its lower end (the ground user, gateway or UAV).
///
/// Positions are Earth-fixed (ECEF, km). Elevation and azimuth are those of the upper end seen from the
/// lower end's local horizon (WGS-84 normal), not ns-3's geocentric approximation.
///
/// ```swift
/// let site = Observer(Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35))
/// let look = site.lookAngles(to: satelliteECEF)
/// let geometry = LinkGeometry(upperECEFKm: satelliteECEF.position, lowerECEFKm: site.ecefKm,
///                             elevationDeg: look.elevationDeg, azimuthDeg: look.azimuthDeg,
///                             slantRangeMeters: look.rangeKm * 1000, frequencyHz: 2e9,
///                             environment: .urban, upperKind: .satellite,
///                             upperAltitudeMeters: 550e3, lowerAltitudeMeters: 35)
/// let state = EmpiricalChannelProvider().estimate(geometry, at: now)
/// ```
public struct LinkGeometry: Sendable, Hashable {
    /// Upper end (satellite, HAP, UAV), ECEF km.
    public var upperECEFKm: SIMD3<Double>
    /// Lower end (user, gateway, UAV), ECEF km.
    public var lowerECEFKm: SIMD3<Double>
    /// Elevation of the upper end above the lower end's horizon, degrees.
    public var elevationDeg: Double
    /// Azimuth of the upper end from the lower end, degrees clockwise from north.
    public var azimuthDeg: Double
    /// Slant range, metres.
    public var slantRangeMeters: Double
    /// Carrier frequency, Hz.
    public var frequencyHz: Double
    /// Propagation environment at the lower end.
    public var environment: Environment
    /// Kind of node at the upper end.
    public var upperKind: PlatformKind
    /// Height of the upper end above the ellipsoid, metres.
    public var upperAltitudeMeters: Double
    /// Height of the lower end above the ellipsoid, metres.
    public var lowerAltitudeMeters: Double

    public init(upperECEFKm: SIMD3<Double>, lowerECEFKm: SIMD3<Double>, elevationDeg: Double, azimuthDeg: Double,
                slantRangeMeters: Double, frequencyHz: Double, environment: Environment, upperKind: PlatformKind,
                upperAltitudeMeters: Double, lowerAltitudeMeters: Double) {
        self.upperECEFKm = upperECEFKm
        self.lowerECEFKm = lowerECEFKm
        self.elevationDeg = elevationDeg
        self.azimuthDeg = azimuthDeg
        self.slantRangeMeters = slantRangeMeters
        self.frequencyHz = frequencyHz
        self.environment = environment
        self.upperKind = upperKind
        self.upperAltitudeMeters = upperAltitudeMeters
        self.lowerAltitudeMeters = lowerAltitudeMeters
    }
}
