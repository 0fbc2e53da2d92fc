import Foundation
import Orbits
import SimCore

/// A boustrophedon ("lawnmower") survey of a latitude/longitude box at constant altitude and speed.
///
/// - `headingDeg == 0`: tracks run along meridians. The first track flies north along the west
///   edge; the node then shifts east by `trackSpacingMeters` along the north edge, flies south,
///   shifts east along the south edge, and so on.
/// - `headingDeg == 90`: tracks run along parallels. The first track flies east along the south
///   edge; the node shifts north along the east edge, flies west, and so on.
///
/// Track spacing is a ground distance measured at the box's mid-latitude: the longitude step is
/// `spacing / (N(φ_mid)·cos φ_mid)` and the latitude step `spacing / M(φ_mid)` (WGS-84 radii of
/// curvature, on the ellipsoid). The number of tracks is `⌊width / spacing⌋ + 1` where `width` is
/// the box's ground extent across the tracks at mid-latitude (east-west for heading 0, north-south
/// for heading 90); the strip beyond the last track is narrower than one spacing.
///
/// The sweep is a ``WaypointTrajectory`` whose legs are linear in latitude and longitude, so
/// tracks and shifts follow meridians and parallels exactly and every position stays inside the
/// box. Corners are instantaneous (no turn-rate limit). At the end of the last track the node
/// flies straight (in latitude/longitude) back to the first waypoint and repeats (`loop`), or
/// holds there.
///
/// ```swift
/// let survey = try LawnmowerSweep(latitudeMin: 43.60, latitudeMax: 43.62,
///                                 longitudeMin: 1.43, longitudeMax: 1.46,
///                                 altitudeMeters: 120, speedMps: 12, trackSpacingMeters: 200,
///                                 limits: .uavDefault)
/// survey.trackCount       // ⌊2422 m / 200 m⌋ + 1 = 13
/// survey.period           // one full sweep plus the flight back to the start
/// ```
public struct LawnmowerSweep: MotionModel {
    /// The box, degrees.
    public let latitudeMin: Double
    public let latitudeMax: Double
    public let longitudeMin: Double
    public let longitudeMax: Double
    /// Flight altitude above the ellipsoid, metres.
    public let altitudeMeters: Double
    /// Ground speed along every leg, m/s.
    public let speedMps: Double
    /// Distance between adjacent tracks, metres.
    public let trackSpacingMeters: Double
    /// 0 (north-south tracks) or 90 (east-west tracks).
    public let headingDeg: Double
    /// Number of parallel tracks.
    public let trackCount: Int
    /// The underlying path (its waypoints are the track ends, in flight order).
    public let trajectory: WaypointTrajectory

    /// The most tracks a sweep may have.
    public static let maxTrackCount = 100_000

    /// One full sweep (plus the return leg when looping), as ``WaypointTrajectory/totalDuration``.
    public var totalDuration: SimTime { trajectory.totalDuration }
    /// The repeat period of a looping sweep (equal to ``totalDuration``).
    public var period: SimTime { trajectory.period }
    /// Whether the sweep repeats.
    public var loop: Bool { trajectory.loop }

    /// A validated sweep.
    ///
    /// - Parameters:
    ///   - latitudeMin, latitudeMax, longitudeMin, longitudeMax: the box, degrees
    ///     (−90 ≤ latitudeMin < latitudeMax ≤ 90, −180 ≤ longitudeMin < longitudeMax ≤ 180).
    ///   - altitudeMeters: within the limits' band.
    ///   - speedMps: 0 < v ≤ `limits.maxSpeedMps`.
    ///   - trackSpacingMeters: > 0; at most ``maxTrackCount`` tracks may result.
    ///   - headingDeg: 0 or 90; anything else throws `.invalidArea`.
    ///   - loop: repeat the sweep (default) or hold at the end of the last track.
    ///   - limits: speed and altitude limits.
    /// - Throws: ``MobilityError`` — `.invalidLimits`, `.invalidArea`, `.altitudeOutOfRange`,
    ///   `.nonPositive` (`speedMps`, `trackSpacingMeters`) or `.speedAboveLimit`.
    public init(latitudeMin: Double, latitudeMax: Double, longitudeMin: Double, longitudeMax: Double,
                altitudeMeters: Double, speedMps: Double, trackSpacingMeters: Double,
                headingDeg: Double = 0, loop: Bool = true, limits: MotionLimits) throws(MobilityError) {
        try limits.validate()
        try GeoArea.box(latitudeMin: latitudeMin, latitudeMax: latitudeMax,
                        longitudeMin: longitudeMin, longitudeMax: longitudeMax).validate()
        try Check.altitude(altitudeMeters, within: limits, index: nil)
        try Check.positive(speedMps, "speedMps")
        try Check.speed(speedMps, within: limits, index: nil)
        try Check.positive(trackSpacingMeters, "trackSpacingMeters")
        guard headingDeg == 0 || headingDeg == 90 else {
            throw .invalidArea("lawnmower headingDeg must be 0 (north-south tracks) or 90 (east-west tracks), "
                + "found \(headingDeg)")
        }

        let northSouth = headingDeg == 0
        let r = Ellipsoid.radiansPerDegree
        let sinMid = sin((latitudeMin + latitudeMax) / 2 * r)
        let spacingKm = trackSpacingMeters / 1000
        // Ground extent across the tracks at mid-latitude, km, and the angular step between tracks, degrees.
        let widthKm: Double, stepDeg: Double
        if northSouth {
            let kmPerRadian = Ellipsoid.primeVerticalRadius(sinLatitude: sinMid) * (1 - sinMid * sinMid).squareRoot()
            widthKm = (longitudeMax - longitudeMin) * r * kmPerRadian
            stepDeg = spacingKm / kmPerRadian / r
        } else {
            let kmPerRadian = Ellipsoid.meridianRadius(sinLatitude: sinMid)
            widthKm = (latitudeMax - latitudeMin) * r * kmPerRadian
            stepDeg = spacingKm / kmPerRadian / r
        }
        // The 1e-9 absorbs rounding when the width is an exact multiple of the spacing.
        let ratio = widthKm / spacingKm
        guard ratio < Double(Self.maxTrackCount) else {
            throw .invalidArea("track spacing \(trackSpacingMeters) m gives more than \(Self.maxTrackCount) tracks")
        }
        let tracks = Int((ratio + 1e-9).rounded(.down)) + 1

        var points: [Waypoint] = []
        points.reserveCapacity(2 * tracks)
        func add(_ lat: Double, _ lon: Double) {
            points.append(Waypoint(latitudeDeg: lat, longitudeDeg: lon, altitudeMeters: altitudeMeters, speedMps: speedMps))
        }
        for k in 0 ..< tracks {
            let forward = k % 2 == 0
            if northSouth {
                let lon = min(longitudeMin + Double(k) * stepDeg, longitudeMax)
                add(forward ? latitudeMin : latitudeMax, lon)
                add(forward ? latitudeMax : latitudeMin, lon)
            } else {
                let lat = min(latitudeMin + Double(k) * stepDeg, latitudeMax)
                add(lat, forward ? longitudeMin : longitudeMax)
                add(lat, forward ? longitudeMax : longitudeMin)
            }
        }
        self.latitudeMin = latitudeMin
        self.latitudeMax = latitudeMax
        self.longitudeMin = longitudeMin
        self.longitudeMax = longitudeMax
        self.altitudeMeters = altitudeMeters
        self.speedMps = speedMps
        self.trackSpacingMeters = trackSpacingMeters
        self.headingDeg = headingDeg
        trackCount = tracks
        trajectory = try WaypointTrajectory(waypoints: points, loop: loop, limits: limits, path: .latitudeLongitudeLinear)
    }

    public func positionECEF(at t: SimTime) -> SIMD3<Double> { trajectory.positionECEF(at: t) }
    public func velocityECEF(at t: SimTime) -> SIMD3<Double> { trajectory.velocityECEF(at: t) }
    public func geodetic(at t: SimTime) -> Geodetic { trajectory.geodetic(at: t) }
}
