/// A HAP or UAV: `haps[i]` and `uavs[i]` of a topology.
public struct AerialSpec: Sendable, Hashable, Codable {
    public var name: String
    public var trajectory: TrajectorySpec
    /// The limits the trajectory was checked against (per-kind defaults merged with the file's).
    public var limits: LimitsSpec
    public var radio: RadioSpec

    public init(name: String, trajectory: TrajectorySpec, limits: LimitsSpec, radio: RadioSpec) {
        self.name = name
        self.trajectory = trajectory
        self.limits = limits
        self.radio = radio
    }
}

/// Flight limits of a HAP or UAV; a trajectory that breaks one is rejected at load time.
public struct LimitsSpec: Sendable, Hashable, Codable {
    public var maxSpeedMps: Double
    public var minAltitudeMeters: Double
    public var maxAltitudeMeters: Double
    public var maxTurnRateDegPerS: Double

    public init(maxSpeedMps: Double, minAltitudeMeters: Double, maxAltitudeMeters: Double, maxTurnRateDegPerS: Double) {
        self.maxSpeedMps = maxSpeedMps
        self.minAltitudeMeters = minAltitudeMeters
        self.maxAltitudeMeters = maxAltitudeMeters
        self.maxTurnRateDegPerS = maxTurnRateDegPerS
    }

    /// UAV defaults: 30 m/s, 10–500 m, 45°/s.
    public static let uavDefault = LimitsSpec(maxSpeedMps: 30, minAltitudeMeters: 10, maxAltitudeMeters: 500, maxTurnRateDegPerS: 45)
    /// HAP defaults: 60 m/s, 15–25 km, 5°/s.
    public static let hapsDefault = LimitsSpec(maxSpeedMps: 60, minAltitudeMeters: 15_000, maxAltitudeMeters: 25_000,
                                               maxTurnRateDegPerS: 5)
}

/// How a HAP or UAV moves. Altitudes are metres above the WGS-84 ellipsoid, speeds m/s.
///
/// JSON form: `{"fixed": {"point": …}}`, `{"waypoints": {"points": […], "loop": false}}`,
/// `{"loiter": {"center": …, "radiusMeters": …, …}}`, `{"lawnmower": {…}}`.
public enum TrajectorySpec: Sendable, Hashable, Codable {
    /// Hovers at a point.
    case fixed(PointSpec)
    /// Flies from waypoint to waypoint at each waypoint's speed (the speed of the leg leaving
    /// it); without `loop` it holds at the last one, with `loop` it flies back to the first at
    /// the last one's speed.
    case waypoints([WaypointSpec], loop: Bool)
    /// Circles `center` at `radiusMeters`; `phaseDeg` is the start angle clockwise from north.
    case loiter(center: PointSpec, radiusMeters: Double, speedMps: Double, clockwise: Bool, phaseDeg: Double)
    /// Back-and-forth tracks `trackSpacingMeters` apart over a box; `headingDeg` 0 starts with a
    /// north–south track, 90 with an east–west one.
    case lawnmower(latitudeMin: Double, latitudeMax: Double, longitudeMin: Double, longitudeMax: Double,
                   altitudeMeters: Double, speedMps: Double, trackSpacingMeters: Double, headingDeg: Double)

    enum FixedCodingKeys: String, CodingKey { case _0 = "point" }
    enum WaypointsCodingKeys: String, CodingKey { case _0 = "points", loop }
}

/// A waypoint; `speedMps` is the speed of the leg leaving it (0 for the last waypoint of a path
/// that does not loop and gave none: it holds there).
public struct WaypointSpec: Sendable, Hashable, Codable {
    public var latitudeDeg: Double
    public var longitudeDeg: Double
    public var altitudeMeters: Double
    public var speedMps: Double

    public init(latitudeDeg: Double, longitudeDeg: Double, altitudeMeters: Double, speedMps: Double) {
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
        self.altitudeMeters = altitudeMeters
        self.speedMps = speedMps
    }
}
