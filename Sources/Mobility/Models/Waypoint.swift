/// One point of a ``WaypointTrajectory``: where to pass and how fast to fly the next leg.
///
/// ```swift
/// let plan = [
///     Waypoint(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 100, speedMps: 15),
///     Waypoint(latitudeDeg: 48.86, longitudeDeg: 2.37, altitudeMeters: 150, speedMps: 15),
/// ]
/// ```
public struct Waypoint: Sendable, Hashable, Codable {
    /// Geodetic latitude, degrees (−90…90).
    public var latitudeDeg: Double
    /// Longitude, degrees east.
    public var longitudeDeg: Double
    /// Height above the WGS-84 ellipsoid, metres.
    public var altitudeMeters: Double
    /// Speed along the leg *leaving* this waypoint, m/s (the 3-D speed along the path). The last
    /// waypoint's speed is used only by a looping path, for the closing leg back to the first.
    public var speedMps: Double

    public init(latitudeDeg: Double, longitudeDeg: Double, altitudeMeters: Double, speedMps: Double) {
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
        self.altitudeMeters = altitudeMeters
        self.speedMps = speedMps
    }
}
