import Foundation
import Orbits
import SimCore

/// A region of the Earth's surface: a circle around a centre or a latitude/longitude box.
///
/// Areas bound random walks and place random users. ``randomPoint(using:)`` is uniform over
/// the area's surface, so user density is the same everywhere in the area.
///
/// - A **box** is `latitudeMin ≤ φ ≤ latitudeMax`, `longitudeMin ≤ λ ≤ longitudeMax` (degrees,
///   geodetic, no antimeridian wrap: `longitudeMin < longitudeMax` within −180…180).
/// - A **circle** is the set of points within `radiusKm` of the centre, measured in the
///   centre's local plane: a point at angular distance ρ (on the sphere of normals) in direction
///   (east, north) has plane coordinates `x = ξ·N₀`, `y = η·M₀` with `(ξ, η)` the east and north
///   components of ρ, and N₀, M₀ the WGS-84 radii of curvature at the centre. This is an
///   azimuthal-equidistant map scaled to the ellipsoid; it matches the true ground distance to
///   first order, with a relative error of order e²·(d/R) (below 10⁻⁴ for d < 1000 km).
///
/// ```swift
/// let city = GeoArea.circle(centerLatitudeDeg: 48.8566, centerLongitudeDeg: 2.3522, radiusKm: 5)
/// let rng = RandomStreams(seed: 1).stream("placement/users")
/// let p = city.randomPoint(using: rng)            // (latitudeDeg, longitudeDeg)
/// assert(city.contains(latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg))
/// ```
public enum GeoArea: Sendable, Hashable, Codable {
    /// Points within `radiusKm` (0 < r ≤ 1000 km) of the centre (degrees).
    case circle(centerLatitudeDeg: Double, centerLongitudeDeg: Double, radiusKm: Double)
    /// A latitude/longitude box, degrees.
    case box(latitudeMin: Double, latitudeMax: Double, longitudeMin: Double, longitudeMax: Double)

    /// Largest circle radius accepted, km: the local-plane map is meant for regional areas.
    public static let maxCircleRadiusKm = 1000.0

    /// Throws ``MobilityError/invalidArea(_:)`` (or `.invalidCoordinate` for a bad centre) unless
    /// the area is usable: a circle with a valid centre and 0 < radius ≤ 1000 km, or a box with
    /// −90 ≤ latitudeMin < latitudeMax ≤ 90 and −180 ≤ longitudeMin < longitudeMax ≤ 180.
    public func validate() throws(MobilityError) {
        switch self {
        case let .circle(lat, lon, radius):
            try Check.coordinate(lat, lon, index: nil)
            guard radius > 0, radius <= Self.maxCircleRadiusKm else {
                throw .invalidArea("circle radius must be in (0, \(Self.maxCircleRadiusKm)] km, found \(radius) km")
            }
        case let .box(latMin, latMax, lonMin, lonMax):
            guard latMin >= -90, latMax <= 90, latMin < latMax else {
                throw .invalidArea("box latitudes need -90 ≤ latitudeMin < latitudeMax ≤ 90, found \(latMin) … \(latMax)")
            }
            guard lonMin >= -180, lonMax <= 180, lonMin < lonMax else {
                throw .invalidArea("box longitudes need -180 ≤ longitudeMin < longitudeMax ≤ 180 (no antimeridian wrap), "
                    + "found \(lonMin) … \(lonMax)")
            }
        }
    }

    /// Whether a surface point lies in the area (edges included). Longitudes are taken modulo 360°.
    public func contains(latitudeDeg: Double, longitudeDeg: Double) -> Bool {
        switch self {
        case let .circle(lat, lon, radius):
            let plane = LocalPlane(centerLatitudeDeg: lat, centerLongitudeDeg: lon)
            let p = plane.coordinates(latitudeDeg: latitudeDeg, longitudeDeg: longitudeDeg)
            return p.x * p.x + p.y * p.y <= radius * radius
        case let .box(latMin, latMax, lonMin, lonMax):
            guard latitudeDeg >= latMin, latitudeDeg <= latMax else { return false }
            var offset = (longitudeDeg - lonMin).truncatingRemainder(dividingBy: 360)
            if offset < 0 { offset += 360 }
            return lonMin + offset <= lonMax
        }
    }

    /// A point drawn uniformly over the area's surface, using two draws of `rng` in a fixed order.
    ///
    /// - Box: exactly area-uniform on the WGS-84 ellipsoid. Longitude is uniform; latitude is
    ///   uniform in the authalic function q(φ) (Snyder 1987, *Map Projections — A Working Manual*,
    ///   eq. 3-12), whose derivative is proportional to the area element M·N·cos φ. On a sphere this
    ///   reduces to "uniform in sin φ". Draws: latitude first, then longitude.
    /// - Circle: radius `r·√u₁`, bearing `360°·u₂` in the centre's local plane (see the type's
    ///   description): uniform in that plane, so uniform on the surface up to the map's
    ///   distortion of order (d/R)² (10⁻⁶ at 6 km).
    ///
    /// The area should be valid (``validate()``); an invalid one gives meaningless points.
    public func randomPoint(using rng: RNGStream) -> (latitudeDeg: Double, longitudeDeg: Double) {
        switch self {
        case let .circle(lat, lon, radius):
            let rho = radius * rng.uniform().squareRoot()
            let bearing = 2 * Double.pi * rng.uniform()
            let plane = LocalPlane(centerLatitudeDeg: lat, centerLongitudeDeg: lon)
            let n = plane.normal(x: rho * sin(bearing), y: rho * cos(bearing))
            let g = Ellipsoid.geodetic(normal: n, heightKm: 0)
            return (g.latitudeDeg, g.longitudeDeg)
        case let .box(latMin, latMax, lonMin, lonMax):
            let q0 = Authalic.q(sinLatitude: sin(latMin * Ellipsoid.radiansPerDegree))
            let q1 = Authalic.q(sinLatitude: sin(latMax * Ellipsoid.radiansPerDegree))
            let q = q0 + rng.uniform() * (q1 - q0)
            let latDeg = Authalic.latitudeRad(q: q) * Ellipsoid.degreesPerRadian
            let lonDeg = lonMin + rng.uniform() * (lonMax - lonMin)
            return (min(max(latDeg, latMin), latMax), lonDeg)
        }
    }
}
