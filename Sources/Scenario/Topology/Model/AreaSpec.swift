import Foundation
import Orbits

/// An area on the ground: a circle around a point or a latitude/longitude box (degrees).
///
/// A box has `latitudeMin < latitudeMax` and `longitudeMin < longitudeMax` (no antimeridian wrap).
/// A circle's radius is measured in the local tangent plane at its centre, the plane random
/// placement draws from (see ``contains(latitudeDeg:longitudeDeg:)``).
///
/// ```swift
/// let paris = AreaSpec.circle(centerLatitudeDeg: 48.86, centerLongitudeDeg: 2.35, radiusKm: 20)
/// paris.contains(latitudeDeg: 48.9, longitudeDeg: 2.4)   // true
/// ```
public enum AreaSpec: Sendable, Hashable, Codable {
    case circle(centerLatitudeDeg: Double, centerLongitudeDeg: Double, radiusKm: Double)
    case box(latitudeMin: Double, latitudeMax: Double, longitudeMin: Double, longitudeMax: Double)

    /// Whether a point lies in the area (edges included).
    ///
    /// Box: plain latitude and longitude bounds. Circle: the point, on the ellipsoid, is on the
    /// centre's side of the Earth and its offset from the centre projected on the centre's local
    /// east–north plane is at most the radius (plus a micrometre for rounding).
    public func contains(latitudeDeg: Double, longitudeDeg: Double) -> Bool {
        switch self {
        case let .box(latMin, latMax, lonMin, lonMax):
            return latitudeDeg >= latMin && latitudeDeg <= latMax && longitudeDeg >= lonMin && longitudeDeg <= lonMax
        case let .circle(lat0, lon0, radiusKm):
            let frame = LocalTangentFrame(latitudeDeg: lat0, longitudeDeg: lon0)
            let d = Geodetic(latitudeDeg: latitudeDeg, longitudeDeg: longitudeDeg).ecefKm - frame.originKm
            guard (d * frame.up).sum() > -frame.originRadiusKm else { return false }
            let east = (d * frame.east).sum(), north = (d * frame.north).sum()
            return (east * east + north * north).squareRoot() <= radiusKm + 1e-9
        }
    }
}

/// A point: latitude and longitude in degrees, altitude in metres above the WGS-84 ellipsoid.
public struct PointSpec: Sendable, Hashable, Codable {
    public var latitudeDeg: Double
    public var longitudeDeg: Double
    public var altitudeMeters: Double

    public init(latitudeDeg: Double, longitudeDeg: Double, altitudeMeters: Double = 0) {
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
        self.altitudeMeters = altitudeMeters
    }

    public var geodetic: Geodetic { Geodetic(latitudeDeg: latitudeDeg, longitudeDeg: longitudeDeg, altitudeMeters: altitudeMeters) }
}

/// East, north and up unit vectors (ECEF) at a point on the ellipsoid.
struct LocalTangentFrame {
    let originKm: SIMD3<Double>
    let originRadiusKm: Double
    let east: SIMD3<Double>
    let north: SIMD3<Double>
    let up: SIMD3<Double>

    init(latitudeDeg: Double, longitudeDeg: Double) {
        let lat = latitudeDeg * .pi / 180, lon = longitudeDeg * .pi / 180
        originKm = Geodetic(latitudeDeg: latitudeDeg, longitudeDeg: longitudeDeg).ecefKm
        originRadiusKm = (originKm * originKm).sum().squareRoot()
        east = SIMD3(-sin(lon), cos(lon), 0)
        north = SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat))
        up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
    }

    /// The ellipsoid point (latitude, longitude) below the tangent-plane point `east`, `north` km
    /// from the origin: the plane point converted to geodetic coordinates, altitude dropped.
    func groundPoint(eastKm: Double, northKm: Double) -> (latitudeDeg: Double, longitudeDeg: Double) {
        let g = Geodetic(ecefKm: originKm + eastKm * east + northKm * north)
        return (g.latitudeDeg, g.longitudeDeg)
    }
}
