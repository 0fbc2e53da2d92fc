/// Why a motion model could not be built.
///
/// Each case carries the offending value, the limit it broke and, for waypoint paths, the
/// waypoint `index`, so a scenario loader can point at the exact key
/// (`uavs[2].trajectory.waypoints[3].speed_mps`). `index` is `nil` for models without waypoints.
///
/// ```swift
/// do {
///     _ = try WaypointTrajectory(waypoints: plan, loop: false, limits: .uavDefault)
/// } catch .speedAboveLimit(let index?, let speed, let limit) {
///     print("waypoints[\(index)].speed_mps: \(speed) m/s is above the limit of \(limit) m/s")
/// } catch {
///     print(error)   // every case has a readable description
/// }
/// ```
public enum MobilityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A speed above ``MotionLimits/maxSpeedMps``; `index` is the waypoint whose leg is too fast.
    case speedAboveLimit(index: Int?, speedMps: Double, limitMps: Double)
    /// An altitude outside the limits' band (or not finite); `index` is the waypoint (nil: a
    /// centre or a sweep).
    case altitudeOutOfRange(index: Int?, altitudeMeters: Double, range: ClosedRange<Double>)
    /// A sustained turn (loiter circle: speed / radius) faster than the limit.
    case turnRateAboveLimit(requiredDegPerS: Double, limitDegPerS: Double)
    /// A waypoint path needs at least two waypoints.
    case tooFewWaypoints(count: Int)
    /// A parameter that must be a positive finite number is not (zero, negative, NaN or ∞).
    /// `parameter` is the Swift argument name, e.g. `radiusMeters`.
    case nonPositive(parameter: String, value: Double)
    /// A waypoint's speed (used on the leg leaving it) is not a positive finite number.
    case invalidWaypointSpeed(index: Int, speedMps: Double)
    /// The leg from `waypoints[index]` to the next waypoint (back to `waypoints[0]` for the
    /// closing leg of a loop) has no length (identical points) or no defined great circle
    /// (antipodal points).
    case degenerateLeg(index: Int)
    /// A latitude outside −90…90° or a non-finite coordinate; `index` is the waypoint, if any.
    case invalidCoordinate(index: Int?, latitudeDeg: Double, longitudeDeg: Double)
    /// An area (circle, box, sweep box or loiter size) that cannot be used; the text says why.
    case invalidArea(String)
    /// A parameter that must be finite is NaN or infinite (e.g. `phaseDeg`).
    case notFinite(parameter: String, value: Double)
    /// The ``MotionLimits`` themselves are inconsistent; the text says why.
    case invalidLimits(String)
    /// A random walk would need more legs than it may precompute (horizon / leg duration).
    case tooManyLegs(count: Int, maximum: Int)

    public var description: String {
        func at(_ index: Int?) -> String { index.map { "waypoint \($0): " } ?? "" }
        switch self {
        case let .speedAboveLimit(index, speed, limit):
            return "\(at(index))speed \(speed) m/s is above the limit of \(limit) m/s"
        case let .altitudeOutOfRange(index, altitude, range):
            return "\(at(index))altitude \(altitude) m is outside the allowed band "
                + "\(range.lowerBound) … \(range.upperBound) m"
        case let .turnRateAboveLimit(required, limit):
            return "the turn needs \(required)°/s, above the limit of \(limit)°/s "
                + "(use a larger radius or a lower speed)"
        case let .tooFewWaypoints(count):
            return "a waypoint path needs at least 2 waypoints, found \(count)"
        case let .nonPositive(parameter, value):
            return "\(parameter) must be a positive number, found \(value)"
        case let .invalidWaypointSpeed(index, speed):
            return "waypoint \(index): speed must be a positive number, found \(speed) m/s"
        case let .degenerateLeg(index):
            return "waypoint \(index): the leg to the next waypoint has zero length or joins antipodal points"
        case let .invalidCoordinate(index, lat, lon):
            return "\(at(index))invalid coordinate (\(lat)°, \(lon)°): latitude must be in [-90, 90] "
                + "and both must be finite"
        case let .invalidArea(reason):
            return "invalid area: \(reason)"
        case let .notFinite(parameter, value):
            return "\(parameter) must be finite, found \(value)"
        case let .invalidLimits(reason):
            return "invalid motion limits: \(reason)"
        case let .tooManyLegs(count, maximum):
            return "the walk needs \(count) legs, more than the maximum of \(maximum): use longer legs or a shorter horizon"
        }
    }
}
