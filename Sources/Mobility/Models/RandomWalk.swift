import Foundation
import Orbits
import SimCore

/// A random walk inside an area: constant speed, a new uniformly random heading every leg,
/// specular reflection at the area's edge.
///
/// The whole path, from time 0 to `horizon`, is drawn when the walk is built: one heading per leg,
/// `360°·u` with `u` the next `rng.uniform()`, in leg order. Queries never touch the generator, so
/// the walk is a pure function of time; the same stream state gives bit-identical positions.
/// Before time 0 the node waits at `start`; from `horizon` on it holds the position it reached
/// at `horizon` (zero velocity).
///
/// `speedMps` is the ground speed (on the ellipsoid surface below the node); the node keeps the
/// start's altitude. Geometry depends on the area:
///
/// - **Box**: each leg is a straight line in latitude/longitude whose rates are set from the local
///   radii of curvature at the leg's start, `φ̇ = v cos α / M(φ₀)`, `λ̇ = v sin α / (N(φ₀) cos φ₀)`,
///   so the speed is exact at the leg's start and drifts by about `tan φ · d / R` over a leg of
///   length d (10⁻⁵ for 60 m at 45°). Reflection mirrors the crossing coordinate at the box's edge
///   (a meridian edge flips the east component, a parallel edge the north component), evaluated
///   in closed form by folding, so positions never leave the box.
/// - **Circle**: legs are straight lines in the circle's local plane (see ``GeoArea``), where the
///   walk reflects off the circle exactly (line–circle intersection, mirrored about the radius);
///   reflection points are precomputed. The plane maps to the surface with distortion of order
///   (d/R)², so the speed is exact to ~10⁻⁶ within 6 km of the centre.
///
/// Storage is a few `Double`s per leg (plus one segment per reflection for circles); a query is an
/// integer division (or a short binary search over a leg's reflections) and a few `sin`/`cos`, with
/// no allocation.
///
/// ```swift
/// let streams = RandomStreams(seed: 7)
/// let area = GeoArea.circle(centerLatitudeDeg: 51.5, centerLongitudeDeg: -0.12, radiusKm: 2)
/// let walker = try RandomWalk(start: Geodetic(latitudeDeg: 51.5, longitudeDeg: -0.12, altitudeMeters: 1.5),
///                             speedMps: 1.4, legDuration: .seconds(60), bounds: area,
///                             horizon: .hours(6), rng: streams.stream("user/3/mobility"))
/// let here = walker.geodetic(at: .minutes(90))
/// ```
public struct RandomWalk: MotionModel {
    /// Where the walk starts (its altitude is kept throughout).
    public let start: Geodetic
    /// Ground speed, m/s.
    public let speedMps: Double
    /// Time between heading draws.
    public let legDuration: SimTime
    /// The area the walk stays in.
    public let bounds: GeoArea
    /// End of the precomputed path; the node holds its position from then on.
    public let horizon: SimTime
    /// The heading drawn for each leg, degrees clockwise from north (before any reflection).
    public let headingsDeg: [Double]

    /// Number of legs, ⌈horizon / legDuration⌉.
    public var legCount: Int { headingsDeg.count }

    /// The most legs a walk may precompute.
    public static let maxLegCount = 20_000_000

    let heightKm: Double
    let storage: Storage

    enum Storage: Sendable {
        case box(BoxWalk)
        case circle(DiskWalk)
    }

    /// A walk drawn from `rng`.
    ///
    /// - Parameters:
    ///   - start: starting point; must lie inside `bounds`.
    ///   - speedMps: ground speed, > 0.
    ///   - legDuration: time between heading draws, > 0.
    ///   - bounds: the area (validated with ``GeoArea/validate()``).
    ///   - horizon: how far to precompute, > 0; at most ``maxLegCount`` legs.
    ///   - rng: the stream to draw headings from (one `uniform()` per leg); it is advanced.
    /// - Throws: ``MobilityError`` — `.invalidCoordinate`, `.notFinite` (`start.altitudeMeters`),
    ///   `.nonPositive` (`speedMps`, `legDuration`, `horizon` in seconds), `.invalidArea` (bad
    ///   area, or start outside it) or `.tooManyLegs`.
    public init(start: Geodetic, speedMps: Double, legDuration: SimTime, bounds: GeoArea,
                horizon: SimTime, rng: RNGStream) throws(MobilityError) {
        try Check.coordinate(start.latitudeDeg, start.longitudeDeg, index: nil)
        guard start.altitudeMeters.isFinite else {
            throw .notFinite(parameter: "start.altitudeMeters", value: start.altitudeMeters)
        }
        try Check.positive(speedMps, "speedMps")
        guard legDuration > .zero else { throw .nonPositive(parameter: "legDuration", value: legDuration.seconds) }
        guard horizon > .zero else { throw .nonPositive(parameter: "horizon", value: horizon.seconds) }
        try bounds.validate()
        guard bounds.contains(latitudeDeg: start.latitudeDeg, longitudeDeg: start.longitudeDeg)
            || Self.onCircleEdge(bounds, start) else {
            throw .invalidArea("the walk's start (\(start.latitudeDeg)°, \(start.longitudeDeg)°) lies outside its area")
        }
        let (quotient, remainder) = horizon.nanoseconds.quotientAndRemainder(dividingBy: legDuration.nanoseconds)
        let legs = quotient + (remainder > 0 ? 1 : 0)
        guard legs <= Int64(Self.maxLegCount) else { throw .tooManyLegs(count: Int(legs), maximum: Self.maxLegCount) }

        var headings: [Double] = []
        headings.reserveCapacity(Int(legs))
        for _ in 0 ..< legs { headings.append(360 * rng.uniform()) }

        let speedKmPerS = speedMps / 1000
        let legSeconds = legDuration.seconds
        switch bounds {
        case let .box(latMin, latMax, lonMin, lonMax):
            storage = .box(BoxWalk(start: start, headingsDeg: headings, speedKmPerS: speedKmPerS, legSeconds: legSeconds,
                                   latitudeMin: latMin, latitudeMax: latMax, longitudeMin: lonMin, longitudeMax: lonMax))
        case let .circle(lat, lon, radius):
            storage = .circle(DiskWalk(start: start, headingsDeg: headings, speedKmPerS: speedKmPerS, legSeconds: legSeconds,
                                       plane: LocalPlane(centerLatitudeDeg: lat, centerLongitudeDeg: lon), radiusKm: radius))
        }
        self.start = start
        self.speedMps = speedMps
        self.legDuration = legDuration
        self.bounds = bounds
        self.horizon = horizon
        headingsDeg = headings
        heightKm = start.altitudeMeters / 1000
    }

    /// A start a rounding error outside a circle's edge (e.g. placed there by a previous walk).
    static func onCircleEdge(_ area: GeoArea, _ p: Geodetic) -> Bool {
        guard case let .circle(lat, lon, radius) = area else { return false }
        let c = LocalPlane(centerLatitudeDeg: lat, centerLongitudeDeg: lon)
            .coordinates(latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg)
        return (c.x * c.x + c.y * c.y).squareRoot() <= radius * (1 + 1e-9)
    }

    // MARK: MotionModel

    public func positionECEF(at t: SimTime) -> SIMD3<Double> {
        let (leg, tau) = locate(t)
        return Ellipsoid.position(normal: state(leg: leg, seconds: tau).normal, heightKm: heightKm)
    }

    public func velocityECEF(at t: SimTime) -> SIMD3<Double> {
        guard t >= .zero, t < horizon else { return .zero }
        let (leg, tau) = locate(t)
        let s = state(leg: leg, seconds: tau)
        return Ellipsoid.velocity(normal: s.normal, normalRate: s.rate, heightKm: heightKm, heightRate: 0)
    }

    public func geodetic(at t: SimTime) -> Geodetic {
        let (leg, tau) = locate(t)
        return Ellipsoid.geodetic(normal: state(leg: leg, seconds: tau).normal, heightKm: heightKm)
    }

    /// Leg index and seconds into the leg, with t clamped to [0, horizon].
    @inline(__always)
    func locate(_ t: SimTime) -> (Int, Double) {
        let clamped = min(max(t.nanoseconds, 0), horizon.nanoseconds)
        let leg = min(Int(clamped / legDuration.nanoseconds), headingsDeg.count - 1)
        return (leg, Double(clamped - Int64(leg) * legDuration.nanoseconds) * 1e-9)
    }

    @inline(__always)
    func state(leg: Int, seconds tau: Double) -> (normal: SIMD3<Double>, rate: SIMD3<Double>) {
        switch storage {
        case let .box(walk): return walk.state(leg: leg, seconds: tau)
        case let .circle(walk): return walk.state(leg: leg, seconds: tau)
        }
    }
}
