/// The kinematic envelope a vehicle must stay inside: speed, altitude band and turn rate.
///
/// Trajectory initialisers check their parameters against the limits and throw
/// ``MobilityError`` when a path breaks one, so an impossible flight plan fails when the scenario
/// loads instead of producing a silently unrealistic run.
///
/// ```swift
/// let uav = try LoiterCircle(center: Geodetic(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 120),
///                            radiusMeters: 300, speedMps: 20, limits: .uavDefault)
/// var custom = MotionLimits.hapsDefault
/// custom.maxSpeedMps = 40
/// ```
public struct MotionLimits: Sendable, Hashable, Codable {
    /// Largest speed along the path, m/s (> 0; `.infinity` for no limit).
    public var maxSpeedMps: Double
    /// Lowest height above the WGS-84 ellipsoid, metres.
    public var minAltitudeMeters: Double
    /// Highest height above the WGS-84 ellipsoid, metres (≥ `minAltitudeMeters`).
    public var maxAltitudeMeters: Double
    /// Largest heading change rate in a sustained turn, degrees per second (> 0). Checked for
    /// loiter circles (speed / radius); waypoint and lawnmower corners are taken instantaneously.
    public var maxTurnRateDegPerS: Double

    /// Limits from their four values (units in the names).
    public init(maxSpeedMps: Double, minAltitudeMeters: Double, maxAltitudeMeters: Double,
                maxTurnRateDegPerS: Double) {
        self.maxSpeedMps = maxSpeedMps
        self.minAltitudeMeters = minAltitudeMeters
        self.maxAltitudeMeters = maxAltitudeMeters
        self.maxTurnRateDegPerS = maxTurnRateDegPerS
    }

    /// A small multirotor or fixed-wing UAV: 30 m/s, 10–500 m, 45°/s.
    public static let uavDefault = MotionLimits(maxSpeedMps: 30, minAltitudeMeters: 10,
                                                maxAltitudeMeters: 500, maxTurnRateDegPerS: 45)

    /// A stratospheric high-altitude platform: 60 m/s, 15–25 km, 5°/s.
    public static let hapsDefault = MotionLimits(maxSpeedMps: 60, minAltitudeMeters: 15_000,
                                                 maxAltitudeMeters: 25_000, maxTurnRateDegPerS: 5)

    /// No limit at all (infinite speed and turn rate, any altitude). Ground users use this.
    /// Note that JSON cannot hold the infinities: encode custom limits instead.
    public static let unlimited = MotionLimits(maxSpeedMps: .infinity, minAltitudeMeters: -.infinity,
                                               maxAltitudeMeters: .infinity, maxTurnRateDegPerS: .infinity)

    /// The allowed altitude band, metres. Only meaningful for limits that pass ``validate()``.
    public var altitudeRangeMeters: ClosedRange<Double> {
        // Guarded so inconsistent limits never trap here; `validate()` reports them.
        minAltitudeMeters <= maxAltitudeMeters ? minAltitudeMeters ... maxAltitudeMeters
            : minAltitudeMeters ... minAltitudeMeters
    }

    /// Throws ``MobilityError/invalidLimits(_:)`` unless the speed and turn-rate limits are
    /// positive and the altitude band is a non-empty interval (no NaNs).
    public func validate() throws(MobilityError) {
        guard maxSpeedMps > 0 else {
            throw .invalidLimits("maxSpeedMps must be positive, found \(maxSpeedMps)")
        }
        guard maxTurnRateDegPerS > 0 else {
            throw .invalidLimits("maxTurnRateDegPerS must be positive, found \(maxTurnRateDegPerS)")
        }
        guard !minAltitudeMeters.isNaN, !maxAltitudeMeters.isNaN, minAltitudeMeters <= maxAltitudeMeters else {
            throw .invalidLimits("the altitude band [\(minAltitudeMeters), \(maxAltitudeMeters)] m is empty")
        }
    }
}
