import Foundation

/// Where a target appears from an observer: azimuth, elevation, range and range rate.
public struct LookAngles: Sendable, Hashable {
    /// Azimuth, degrees clockwise from true north, in [0, 360).
    public var azimuthDeg: Double
    /// Elevation above the local horizon (the ellipsoid's tangent plane), degrees.
    public var elevationDeg: Double
    /// Slant range, km.
    public var rangeKm: Double
    /// Rate of change of the range, km/s (positive when receding).
    public var rangeRateKmPerS: Double

    public init(azimuthDeg: Double, elevationDeg: Double, rangeKm: Double, rangeRateKmPerS: Double) {
        self.azimuthDeg = azimuthDeg
        self.elevationDeg = elevationDeg
        self.rangeKm = rangeKm
        self.rangeRateKmPerS = rangeRateKmPerS
    }
}

/// An observer: a ground point, a UAV or a HAP, at a geodetic position with an Earth-fixed velocity.
///
/// ```swift
/// let site = Observer(Geodetic(latitudeDeg: 52.2, longitudeDeg: 0.12, altitudeMeters: 20))
/// let ecef = EarthRotation.temeToECEF(try sgp4.state(at: t), at: t)
/// let look = site.lookAngles(to: ecef)       // azimuth, elevation, range, range rate
/// ```
public struct Observer: Sendable, Hashable {
    public var location: Geodetic
    /// Earth-fixed velocity of the observer, km/s (zero for a ground site).
    public var velocityKmPerS: SIMD3<Double>
    /// Earth-fixed position, km (cached).
    public let ecefKm: SIMD3<Double>
    // Rows of the ECEF → east-north-up rotation.
    let east: SIMD3<Double>, north: SIMD3<Double>, up: SIMD3<Double>

    public init(_ location: Geodetic, velocityKmPerS: SIMD3<Double> = .zero) {
        self.location = location
        self.velocityKmPerS = velocityKmPerS
        ecefKm = location.ecefKm
        let lat = location.latitudeDeg * .pi / 180, lon = location.longitudeDeg * .pi / 180
        east = SIMD3(-sin(lon), cos(lon), 0)
        north = SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat))
        up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
    }

    /// East-north-up coordinates (km) of an Earth-fixed point (km) in the observer's local frame.
    public func enu(ofECEFKm p: SIMD3<Double>) -> SIMD3<Double> {
        let d = p - ecefKm
        return SIMD3(d.dot(east), d.dot(north), d.dot(up))
    }

    /// Look angles to a target's Earth-fixed state (km, km/s).
    public func lookAngles(to target: StateVector) -> LookAngles {
        let rho = target.position - ecefKm
        let range = rho.length
        let e = rho.dot(east), n = rho.dot(north), u = rho.dot(up)
        var az = atan2(e, n) * 180 / .pi
        if az < 0 { az += 360 }
        let el = asin(max(-1, min(1, u / range))) * 180 / .pi
        let rate = (target.velocity - velocityKmPerS).dot(rho) / range
        return LookAngles(azimuthDeg: az, elevationDeg: el, rangeKm: range, rangeRateKmPerS: rate)
    }

    /// Elevation only (degrees), for pass searches.
    public func elevationDeg(of targetKm: SIMD3<Double>) -> Double {
        let rho = targetKm - ecefKm
        return asin(max(-1, min(1, rho.dot(up) / rho.length))) * 180 / .pi
    }
}
