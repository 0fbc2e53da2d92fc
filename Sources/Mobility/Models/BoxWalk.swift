import Foundation
import Orbits

/// A walk in a latitude/longitude box: per leg, the start (radians) and the rates (rad/s).
struct BoxWalk: Sendable {
    let latitudeMin: Double, latitudeMax: Double, longitudeMin: Double, longitudeMax: Double  // radians
    var startLatitude: [Double] = []
    var startLongitude: [Double] = []
    var latitudeRate: [Double] = []
    var longitudeRate: [Double] = []

    init(start: Geodetic, headingsDeg: [Double], speedKmPerS: Double, legSeconds: Double,
         latitudeMin: Double, latitudeMax: Double, longitudeMin: Double, longitudeMax: Double) {
        let r = Ellipsoid.radiansPerDegree
        self.latitudeMin = latitudeMin * r
        self.latitudeMax = latitudeMax * r
        self.longitudeMin = longitudeMin * r
        self.longitudeMax = longitudeMax * r
        // The start's longitude, brought into the box's 360° window.
        var offset = (start.longitudeDeg - longitudeMin).truncatingRemainder(dividingBy: 360)
        if offset < 0 { offset += 360 }
        var lat = min(max(start.latitudeDeg * r, self.latitudeMin), self.latitudeMax)
        var lon = min(longitudeMin + offset, longitudeMax) * r
        for heading in headingsDeg {
            let s = sin(lat)
            // Avoid dividing by zero on a box that touches a pole.
            let cosLat = max(cos(lat), 1e-12)
            let latRate = speedKmPerS * cos(heading * r) / Ellipsoid.meridianRadius(sinLatitude: s)
            let lonRate = speedKmPerS * sin(heading * r) / (Ellipsoid.primeVerticalRadius(sinLatitude: s) * cosLat)
            startLatitude.append(lat)
            startLongitude.append(lon)
            latitudeRate.append(latRate)
            longitudeRate.append(lonRate)
            lat = Self.fold(lat + latRate * legSeconds, self.latitudeMin, self.latitudeMax).value
            lon = Self.fold(lon + lonRate * legSeconds, self.longitudeMin, self.longitudeMax).value
        }
    }

    /// Reflects `x` into [lo, hi] (a triangle wave of period 2(hi − lo)); `sign` is −1 where the
    /// motion is mirrored. Values already inside are returned unchanged.
    @inline(__always)
    static func fold(_ x: Double, _ lo: Double, _ hi: Double) -> (value: Double, sign: Double) {
        if x >= lo, x <= hi { return (x, 1) }
        let width = hi - lo
        var y = (x - lo).truncatingRemainder(dividingBy: 2 * width)
        if y < 0 { y += 2 * width }
        return y <= width ? (lo + y, 1) : (min(hi, max(lo, lo + 2 * width - y)), -1)
    }

    @inline(__always)
    func state(leg k: Int, seconds tau: Double) -> (normal: SIMD3<Double>, rate: SIMD3<Double>) {
        let (lat, latSign) = Self.fold(startLatitude[k] + latitudeRate[k] * tau, latitudeMin, latitudeMax)
        let (lon, lonSign) = Self.fold(startLongitude[k] + longitudeRate[k] * tau, longitudeMin, longitudeMax)
        let sinLat = sin(lat), cosLat = cos(lat), sinLon = sin(lon), cosLon = cos(lon)
        let n = SIMD3(cosLat * cosLon, cosLat * sinLon, sinLat)
        let north = SIMD3(-sinLat * cosLon, -sinLat * sinLon, cosLat)
        let east = SIMD3(-sinLon, cosLon, 0)
        let rate = (latSign * latitudeRate[k]) * north + (lonSign * longitudeRate[k] * cosLat) * east
        return (n, rate)
    }
}
