import Foundation

/// A point on or above the WGS-84 ellipsoid.
///
/// ```swift
/// let site = Geodetic(latitudeDeg: 48.8566, longitudeDeg: 2.3522, altitudeMeters: 35)
/// let ecef = site.ecefKm          // Earth-fixed position, km
/// let back = Geodetic(ecefKm: ecef)
/// ```
public struct Geodetic: Sendable, Hashable, CustomStringConvertible {
    /// Geodetic latitude, degrees north (−90…90).
    public var latitudeDeg: Double
    /// Longitude, degrees east (−180…180).
    public var longitudeDeg: Double
    /// Height above the ellipsoid, metres.
    public var altitudeMeters: Double

    public init(latitudeDeg: Double, longitudeDeg: Double, altitudeMeters: Double = 0) {
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
        self.altitudeMeters = altitudeMeters
    }

    public var description: String { "(\(latitudeDeg)°, \(longitudeDeg)°, \(altitudeMeters) m)" }

    /// Earth-fixed (ECEF) position, km.
    public var ecefKm: SIMD3<Double> {
        let lat = latitudeDeg * .pi / 180, lon = longitudeDeg * .pi / 180
        let h = altitudeMeters / 1000
        let sinLat = sin(lat)
        let n = WGS84.semiMajorAxisKm / (1 - WGS84.eccentricitySquared * sinLat * sinLat).squareRoot()
        return SIMD3((n + h) * cos(lat) * cos(lon), (n + h) * cos(lat) * sin(lon), (n * (1 - WGS84.eccentricitySquared) + h) * sinLat)
    }

    /// The geodetic coordinates of an Earth-fixed position (km), by Bowring's iteration; converges
    /// to well below a millimetre in 5 iterations from the ground to GEO.
    public init(ecefKm r: SIMD3<Double>) {
        let a = WGS84.semiMajorAxisKm, e2 = WGS84.eccentricitySquared
        let p = (r.x * r.x + r.y * r.y).squareRoot()
        let lon = atan2(r.y, r.x)
        var lat = atan2(r.z, p * (1 - e2))
        var h = 0.0
        for _ in 0 ..< 6 {
            let sinLat = sin(lat)
            let n = a / (1 - e2 * sinLat * sinLat).squareRoot()
            // Height in a form that stays accurate at the poles (no division by cos(lat)).
            h = p * cos(lat) + (r.z + e2 * n * sinLat) * sinLat - n
            lat = atan2(r.z, p * (1 - e2 * n / (n + h)))
        }
        let sinLat = sin(lat)
        let n = a / (1 - e2 * sinLat * sinLat).squareRoot()
        h = p * cos(lat) + (r.z + e2 * n * sinLat) * sinLat - n
        self.init(latitudeDeg: lat * 180 / .pi, longitudeDeg: lon * 180 / .pi, altitudeMeters: h * 1000)
    }
}

/// The WGS-84 ellipsoid (NIMA TR8350.2).
public enum WGS84 {
    /// Equatorial radius, km.
    public static let semiMajorAxisKm = 6378.137
    /// Flattening.
    public static let flattening = 1 / 298.257_223_563
    /// First eccentricity squared, f(2 − f).
    public static let eccentricitySquared = flattening * (2 - flattening)
}
