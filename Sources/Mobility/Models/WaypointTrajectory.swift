import Foundation
import Orbits
import SimCore

/// A path through waypoints, each leg flown at constant speed, optionally repeated forever.
///
/// **Legs.** The horizontal track of a leg is the great circle joining the two waypoints on the
/// sphere of ellipsoid normals: geodetic latitude and longitude are treated as spherical
/// coordinates, the normal vector is rotated at a uniform angular rate from one waypoint's to the
/// next, and each point is placed on the WGS-84 ellipsoid by the exact geodetic → ECEF formula.
/// The track therefore passes exactly through both waypoints and differs from the ellipsoidal
/// geodesic by a fraction of a percent of its length in lateral offset. Altitude changes linearly
/// along the curve; against time it runs ahead by at most Δh²/(8R) (3 mm for a 400 m climb),
/// because the horizontal speed per unit angle grows with height.
///
/// **Timing.** A leg's length is the 3-D length of that curve (including climb), integrated when
/// the path is built (5-point Gauss–Legendre on K sub-intervals, K = max(8, length / 10 km)).
/// Its duration is length / speed, and time maps to the curve parameter piecewise linearly over
/// those sub-intervals, so the realised speed |dr/dt| equals `speedMps` to better than 10⁻⁵ on
/// any leg (what is left is the metric's variation inside one sub-interval).
///
/// **Corners.** Heading changes at waypoints are instantaneous: the velocity jumps there and no
/// turn-rate limit is applied. Speed changes are instantaneous too.
///
/// **Ends.** Before time 0 the node waits at `waypoints[0]`. A non-looping path arrives at the last
/// waypoint at ``totalDuration`` and holds there (zero velocity). A looping path flies a closing
/// leg from the last waypoint back to the first at the last waypoint's speed and repeats with
/// period ``period``: `positionECEF(at: t) == positionECEF(at: t + period)` exactly.
///
/// **Cost.** A query is a binary search over leg start times plus a few multiplications, one
/// `sin`/`cos` pair and a square root; no allocation.
///
/// ```swift
/// let plan = [
///     Waypoint(latitudeDeg: 48.850, longitudeDeg: 2.350, altitudeMeters: 100, speedMps: 15),
///     Waypoint(latitudeDeg: 48.860, longitudeDeg: 2.370, altitudeMeters: 150, speedMps: 20),
///     Waypoint(latitudeDeg: 48.870, longitudeDeg: 2.350, altitudeMeters: 150, speedMps: 20),
/// ]
/// let uav = try WaypointTrajectory(waypoints: plan, loop: true, limits: .uavDefault)
/// let r = uav.positionECEF(at: .seconds(90))     // km, ECEF
/// let lap = uav.period                            // one trip round the loop
/// ```
public struct WaypointTrajectory: MotionModel {
    /// The waypoint type (also available as the top-level ``Mobility/Waypoint``).
    public typealias Waypoint = Mobility.Waypoint

    /// How a leg's horizontal track is interpolated.
    enum LegPath: Sendable, Hashable {
        /// Great circle on the sphere of normals (public behaviour).
        case greatCircle
        /// Latitude and longitude linear along the leg: meridians and parallels stay exactly on
        /// themselves, so a lawnmower sweep never leaves its box.
        case latitudeLongitudeLinear
    }

    /// One leg's geometry, by curve parameter s ∈ [0, 1].
    struct Leg: Sendable, Hashable {
        // Great circle: n(s) = startNormal·cos(sΘ) + towardEnd·sin(sΘ).
        var startNormal: SIMD3<Double>
        var towardEnd: SIMD3<Double>
        var angle: Double
        // Latitude/longitude-linear: φ(s) = φ₀ + s·Δφ, λ(s) = λ₀ + s·Δλ (radians).
        var startLatitudeRad: Double
        var deltaLatitudeRad: Double
        var startLongitudeRad: Double
        var deltaLongitudeRad: Double
        // Height, km: h(s) = h₀ + s·Δh.
        var startHeightKm: Double
        var deltaHeightKm: Double
    }

    /// Sub-intervals per leg of the piecewise-linear time ↔ parameter map: at least 8, and one
    /// per 10 km of leg (at most 4096), so the metric barely varies inside one.
    static let minimumSubintervals = 8
    static let subintervalLengthKm = 10.0
    static let maximumSubintervals = 4096

    /// The waypoints, as given.
    public let waypoints: [Waypoint]
    /// Whether the path closes back to `waypoints[0]` and repeats.
    public let loop: Bool
    /// The limits the path was checked against.
    public let limits: MotionLimits
    /// Time to fly the whole path once: to the last waypoint (non-looping) or round the loop and
    /// back to `waypoints[0]` (looping). Rounded to the nanosecond.
    public let totalDuration: SimTime
    /// Time at which each waypoint is reached on the first pass (`arrivalTimes[0] == .zero`),
    /// rounded to the nanosecond.
    public let arrivalTimes: [SimTime]

    let path: LegPath
    let legs: [Leg]
    /// Cumulative leg start times, seconds; `legs.count + 1` entries (the last is the total).
    let legStartSeconds: [Double]
    /// Per leg, K + 1 node times from the leg's start, seconds (node j is at s = j/K); leg i's
    /// nodes are `nodeSeconds[nodeStart[i] ..< nodeStart[i + 1]]`.
    let nodeSeconds: [Double]
    let nodeStart: [Int]
    let waypointPositions: [SIMD3<Double>]
    let periodNanoseconds: Int64

    /// The period of a looping path (equal to ``totalDuration``). For a non-looping path this is
    /// the arrival time at the last waypoint; the path does not repeat.
    public var period: SimTime { totalDuration }

    /// A validated waypoint path.
    ///
    /// - Parameters:
    ///   - waypoints: at least 2. Every altitude must lie in the limits' band. Every speed that is
    ///     used (all but the last for a non-looping path) must be positive, finite and at most
    ///     `limits.maxSpeedMps`. Consecutive waypoints (and, when looping, the last and the first)
    ///     must differ and must not be antipodal.
    ///   - loop: fly back to the first waypoint and repeat (true) or hold at the last (false).
    ///   - limits: speed and altitude limits (the turn-rate limit is not applied: corners are
    ///     instantaneous).
    /// - Throws: ``MobilityError`` — `.invalidLimits`, `.tooFewWaypoints`, `.invalidCoordinate`,
    ///   `.altitudeOutOfRange`, `.invalidWaypointSpeed`, `.speedAboveLimit` or `.degenerateLeg`,
    ///   with the waypoint index.
    public init(waypoints: [Waypoint], loop: Bool, limits: MotionLimits) throws(MobilityError) {
        try self.init(waypoints: waypoints, loop: loop, limits: limits, path: .greatCircle)
    }

    init(waypoints: [Waypoint], loop: Bool, limits: MotionLimits, path: LegPath) throws(MobilityError) {
        try limits.validate()
        guard waypoints.count >= 2 else { throw .tooFewWaypoints(count: waypoints.count) }
        let legCount = loop ? waypoints.count : waypoints.count - 1
        for (i, w) in waypoints.enumerated() {
            try Check.coordinate(w.latitudeDeg, w.longitudeDeg, index: i)
            try Check.altitude(w.altitudeMeters, within: limits, index: i)
            if i < legCount {
                guard w.speedMps > 0, w.speedMps.isFinite else {
                    throw .invalidWaypointSpeed(index: i, speedMps: w.speedMps)
                }
                try Check.speed(w.speedMps, within: limits, index: i)
            }
        }

        var legs: [Leg] = []
        var legStart: [Double] = [0]
        var nodes: [Double] = []
        var nodeStart: [Int] = [0]
        legs.reserveCapacity(legCount)
        for i in 0 ..< legCount {
            let from = waypoints[i], to = waypoints[(i + 1) % waypoints.count]
            guard let leg = Self.makeLeg(from: from, to: to) else { throw .degenerateLeg(index: i) }
            let estimate = Self.cumulativeLengths(of: leg, path: path, subintervals: Self.minimumSubintervals)
            guard let estimatedTotal = estimate.last, estimatedTotal >= 1e-6 else { throw .degenerateLeg(index: i) }
            // Clamped as a Double first so absurd (but finite) altitudes cannot overflow the Int.
            let k = Int(min(Double(Self.maximumSubintervals),
                            max(Double(Self.minimumSubintervals), (estimatedTotal / Self.subintervalLengthKm).rounded(.up))))
            let lengths = k == Self.minimumSubintervals
                ? estimate : Self.cumulativeLengths(of: leg, path: path, subintervals: k)
            let total = lengths[k]
            let speedKmPerS = from.speedMps / 1000
            nodes.append(contentsOf: lengths.map { $0 / speedKmPerS })
            nodeStart.append(nodes.count)
            legStart.append(legStart[i] + total / speedKmPerS)
            legs.append(leg)
        }

        self.waypoints = waypoints
        self.loop = loop
        self.limits = limits
        self.path = path
        self.legs = legs
        legStartSeconds = legStart
        nodeSeconds = nodes
        self.nodeStart = nodeStart
        waypointPositions = waypoints.map {
            Geodetic(latitudeDeg: $0.latitudeDeg, longitudeDeg: $0.longitudeDeg, altitudeMeters: $0.altitudeMeters).ecefKm
        }
        totalDuration = SimTime.saturating(seconds: legStart[legCount])
        periodNanoseconds = max(1, totalDuration.nanoseconds)
        arrivalTimes = (0 ..< waypoints.count).map { SimTime.saturating(seconds: legStart[$0]) }
    }

    // MARK: MotionModel

    public func positionECEF(at t: SimTime) -> SIMD3<Double> {
        switch locate(t) {
        case let .holding(index):
            return waypointPositions[index]
        case let .moving(leg, s, _):
            let p = Self.evaluate(legs[leg], path: path, s: s)
            return Ellipsoid.position(normal: p.normal, heightKm: p.heightKm)
        }
    }

    public func velocityECEF(at t: SimTime) -> SIMD3<Double> {
        switch locate(t) {
        case .holding:
            return .zero
        case let .moving(leg, s, rate):
            let p = Self.evaluate(legs[leg], path: path, s: s)
            return Ellipsoid.velocity(normal: p.normal, normalRate: p.normalRate * rate,
                                      heightKm: p.heightKm, heightRate: p.heightRate * rate)
        }
    }

    public func geodetic(at t: SimTime) -> Geodetic {
        switch locate(t) {
        case let .holding(index):
            let w = waypoints[index]
            return Geodetic(latitudeDeg: w.latitudeDeg, longitudeDeg: w.longitudeDeg, altitudeMeters: w.altitudeMeters)
        case let .moving(leg, s, _):
            let p = Self.evaluate(legs[leg], path: path, s: s)
            return Ellipsoid.geodetic(normal: p.normal, heightKm: p.heightKm)
        }
    }

    // MARK: Internals

    enum Location {
        case holding(waypoint: Int)
        /// On `leg` at curve parameter `s`, with ds/dt = `rate` (1/s).
        case moving(leg: Int, s: Double, rate: Double)
    }

    @inline(__always)
    func locate(_ t: SimTime) -> Location {
        let tau: Double
        if loop {
            var r = t.nanoseconds % periodNanoseconds
            if r < 0 { r += periodNanoseconds }
            tau = Double(r) * 1e-9
        } else {
            if t.nanoseconds <= 0 { return .holding(waypoint: 0) }
            if t >= totalDuration { return .holding(waypoint: waypoints.count - 1) }
            tau = t.seconds
        }
        // Last leg starting at or before tau.
        var lo = 0, hi = legs.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if legStartSeconds[mid] <= tau { lo = mid } else { hi = mid - 1 }
        }
        let base = nodeStart[lo]
        let k = nodeStart[lo + 1] - base - 1
        let duration = nodeSeconds[base + k]
        let local = min(max(tau - legStartSeconds[lo], 0), duration)
        // Node times are nearly uniform: guess, then step to the right sub-interval.
        var j = min(k - 1, Int(local / duration * Double(k)))
        while j > 0, nodeSeconds[base + j] > local { j -= 1 }
        while j < k - 1, nodeSeconds[base + j + 1] <= local { j += 1 }
        let t0 = nodeSeconds[base + j], dt = nodeSeconds[base + j + 1] - t0
        let s = (Double(j) + (local - t0) / dt) / Double(k)
        return .moving(leg: lo, s: s, rate: 1 / (Double(k) * dt))
    }

    struct LegPoint {
        var normal: SIMD3<Double>
        var normalRate: SIMD3<Double>  // dn/ds
        var heightKm: Double
        var heightRate: Double  // dh/ds, km
    }

    @inline(__always)
    static func evaluate(_ leg: Leg, path: LegPath, s: Double) -> LegPoint {
        let h = leg.startHeightKm + s * leg.deltaHeightKm
        switch path {
        case .greatCircle:
            let c = cos(s * leg.angle), sn = sin(s * leg.angle)
            let n = c * leg.startNormal + sn * leg.towardEnd
            let dn = leg.angle * (c * leg.towardEnd - sn * leg.startNormal)
            return LegPoint(normal: n, normalRate: dn, heightKm: h, heightRate: leg.deltaHeightKm)
        case .latitudeLongitudeLinear:
            let lat = leg.startLatitudeRad + s * leg.deltaLatitudeRad
            let lon = leg.startLongitudeRad + s * leg.deltaLongitudeRad
            let sinLat = sin(lat), cosLat = cos(lat), sinLon = sin(lon), cosLon = cos(lon)
            let n = SIMD3(cosLat * cosLon, cosLat * sinLon, sinLat)
            let north = SIMD3(-sinLat * cosLon, -sinLat * sinLon, cosLat)
            let east = SIMD3(-sinLon, cosLon, 0)
            let dn = leg.deltaLatitudeRad * north + (leg.deltaLongitudeRad * cosLat) * east
            return LegPoint(normal: n, normalRate: dn, heightKm: h, heightRate: leg.deltaHeightKm)
        }
    }

    /// The leg between two waypoints, or nil when the great circle is undefined (antipodes).
    static func makeLeg(from: Waypoint, to: Waypoint) -> Leg? {
        let r = Ellipsoid.radiansPerDegree
        let a = Ellipsoid.normal(latitudeRad: from.latitudeDeg * r, longitudeRad: from.longitudeDeg * r)
        let b = Ellipsoid.normal(latitudeRad: to.latitudeDeg * r, longitudeRad: to.longitudeDeg * r)
        let perpendicular = b - a.dot(b) * a
        let sinAngle = perpendicular.length
        let cosAngle = a.dot(b)
        if sinAngle < 1e-12, cosAngle < 0 { return nil }
        let vertical = sinAngle < 1e-15
        return Leg(startNormal: a,
                   towardEnd: vertical ? .zero : perpendicular / sinAngle,
                   angle: vertical ? 0 : atan2(sinAngle, cosAngle),
                   startLatitudeRad: from.latitudeDeg * r,
                   deltaLatitudeRad: (to.latitudeDeg - from.latitudeDeg) * r,
                   startLongitudeRad: from.longitudeDeg * r,
                   deltaLongitudeRad: (to.longitudeDeg - from.longitudeDeg) * r,
                   startHeightKm: from.altitudeMeters / 1000,
                   deltaHeightKm: (to.altitudeMeters - from.altitudeMeters) / 1000)
    }

    /// 5-point Gauss–Legendre abscissae and weights on [−1, 1] (exact for degree-9 polynomials).
    static let gaussNodes = [-0.906_179_845_938_664_0, -0.538_469_310_105_683_1, 0,
                             0.538_469_310_105_683_1, 0.906_179_845_938_664_0]
    static let gaussWeights = [0.236_926_885_056_189_1, 0.478_628_670_499_366_5, 0.568_888_888_888_888_9,
                               0.478_628_670_499_366_5, 0.236_926_885_056_189_1]

    /// Cumulative 3-D length ∫ |dr/ds| ds (km) at s = j/K, j = 0 … K. The integrand is smooth and
    /// nearly constant, so Gauss–Legendre per sub-interval is accurate to ~1e-12 relative.
    static func cumulativeLengths(of leg: Leg, path: LegPath, subintervals k: Int) -> [Double] {
        var lengths = [Double](repeating: 0, count: k + 1)
        let half = 0.5 / Double(k)
        for j in 0 ..< k {
            let mid = (Double(j) + 0.5) / Double(k)
            var sum = 0.0
            for i in 0 ..< 5 {
                let p = evaluate(leg, path: path, s: mid + half * gaussNodes[i])
                sum += gaussWeights[i] * Ellipsoid.velocity(normal: p.normal, normalRate: p.normalRate,
                                                            heightKm: p.heightKm, heightRate: p.heightRate).length
            }
            lengths[j + 1] = lengths[j] + sum * half
        }
        return lengths
    }
}
