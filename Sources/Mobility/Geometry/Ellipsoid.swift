import Foundation
import Orbits

/// WGS-84 geometry written in terms of the ellipsoid normal.
///
/// A geodetic latitude φ and longitude λ define the outward normal
/// `n = (cos φ cos λ, cos φ sin λ, sin φ)`. The Earth-fixed position at height h is
///
///     r = ((N + h) n.x, (N + h) n.y, (N (1 − e²) + h) n.z),   N = a / √(1 − e² n.z²)
///
/// (the usual geodetic → ECEF formula with cos φ cos λ = n.x, …), which needs no trigonometry
/// once `n` is known. Models move `n` on the unit sphere (great circles, small circles) and
/// map it through this formula, so positions stay exactly at the height they ask for.
enum Ellipsoid {
    static let a = WGS84.semiMajorAxisKm
    static let e2 = WGS84.eccentricitySquared
    static let degreesPerRadian = 180 / Double.pi
    static let radiansPerDegree = Double.pi / 180

    /// The normal at geodetic (φ, λ), radians.
    @inline(__always)
    static func normal(latitudeRad lat: Double, longitudeRad lon: Double) -> SIMD3<Double> {
        let c = cos(lat)
        return SIMD3(c * cos(lon), c * sin(lon), sin(lat))
    }

    /// Local east unit vector at longitude λ (radians).
    @inline(__always)
    static func east(longitudeRad lon: Double) -> SIMD3<Double> { SIMD3(-sin(lon), cos(lon), 0) }

    /// Local north unit vector at (φ, λ), radians.
    @inline(__always)
    static func north(latitudeRad lat: Double, longitudeRad lon: Double) -> SIMD3<Double> {
        let s = sin(lat)
        return SIMD3(-s * cos(lon), -s * sin(lon), cos(lat))
    }

    /// Prime-vertical radius of curvature N(φ), km.
    @inline(__always)
    static func primeVerticalRadius(sinLatitude s: Double) -> Double { a / (1 - e2 * s * s).squareRoot() }

    /// Meridian radius of curvature M(φ) = a(1 − e²)/(1 − e² sin²φ)^{3/2}, km.
    @inline(__always)
    static func meridianRadius(sinLatitude s: Double) -> Double {
        let w = 1 - e2 * s * s
        return a * (1 - e2) / (w * w.squareRoot())
    }

    /// ECEF position (km) of the point with normal `n` at height `h` km.
    @inline(__always)
    static func position(normal n: SIMD3<Double>, heightKm h: Double) -> SIMD3<Double> {
        let bigN = a / (1 - e2 * n.z * n.z).squareRoot()
        return SIMD3((bigN + h) * n.x, (bigN + h) * n.y, (bigN * (1 - e2) + h) * n.z)
    }

    /// Time derivative of ``position(normal:heightKm:)`` given `ṅ` and `ḣ`: differentiate each
    /// term, with dN/dt = N e² n.z ṅ.z / (1 − e² n.z²).
    @inline(__always)
    static func velocity(normal n: SIMD3<Double>, normalRate dn: SIMD3<Double>,
                         heightKm h: Double, heightRate dh: Double) -> SIMD3<Double> {
        let w = 1 - e2 * n.z * n.z
        let bigN = a / w.squareRoot()
        let dN = bigN * e2 * n.z * dn.z / w
        return SIMD3((dN + dh) * n.x + (bigN + h) * dn.x,
                     (dN + dh) * n.y + (bigN + h) * dn.y,
                     ((1 - e2) * dN + dh) * n.z + (bigN * (1 - e2) + h) * dn.z)
    }

    /// Geodetic coordinates of the point with normal `n` at height `h` km (exact: no iteration).
    @inline(__always)
    static func geodetic(normal n: SIMD3<Double>, heightKm h: Double) -> Geodetic {
        let lat = atan2(n.z, (n.x * n.x + n.y * n.y).squareRoot())
        return Geodetic(latitudeDeg: lat * degreesPerRadian, longitudeDeg: atan2(n.y, n.x) * degreesPerRadian,
                        altitudeMeters: h * 1000)
    }
}

/// The local east-north-up basis at a geodetic point (ellipsoid normal as "up").
struct LocalFrame: Sendable, Hashable {
    let east: SIMD3<Double>
    let north: SIMD3<Double>
    let up: SIMD3<Double>
    /// Meridian and prime-vertical radii of curvature at the point's latitude, km (on the ellipsoid).
    let meridianRadiusKm: Double
    let primeVerticalRadiusKm: Double

    init(latitudeDeg: Double, longitudeDeg: Double) {
        let lat = latitudeDeg * Ellipsoid.radiansPerDegree, lon = longitudeDeg * Ellipsoid.radiansPerDegree
        east = Ellipsoid.east(longitudeRad: lon)
        north = Ellipsoid.north(latitudeRad: lat, longitudeRad: lon)
        up = Ellipsoid.normal(latitudeRad: lat, longitudeRad: lon)
        meridianRadiusKm = Ellipsoid.meridianRadius(sinLatitude: sin(lat))
        primeVerticalRadiusKm = Ellipsoid.primeVerticalRadius(sinLatitude: sin(lat))
    }
}
