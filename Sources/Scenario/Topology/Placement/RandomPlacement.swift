import Foundation
import SimCore

/// Uniform random points over an area's surface, drawn from one named stream.
///
/// Two draws per point, in this order: a box takes longitude = lon_min + u₁·(lon_max − lon_min) and
/// latitude = asin(sin φ_min + u₂·(sin φ_max − sin φ_min)) — uniform in longitude and in
/// sin(latitude), which is uniform in area on a sphere (Archimedes' hat-box theorem). A circle takes
/// r = R·√u₁ and bearing θ = 2π·u₂ from north, a uniform disc in the local tangent plane at the
/// centre, mapped to the ellipsoid point below it.
///
/// ```swift
/// let stream = RandomStreams(seed: 1).stream("placement/users")
/// let points = RandomPlacement.points(count: 100, in: area, stream: stream)
/// ```
enum RandomPlacement {
    static func points(count: Int, in area: AreaSpec, stream: RNGStream) -> [(latitudeDeg: Double, longitudeDeg: Double)] {
        var out: [(latitudeDeg: Double, longitudeDeg: Double)] = []
        out.reserveCapacity(count)
        switch area {
        case let .box(latMin, latMax, lonMin, lonMax):
            let s0 = sin(latMin * .pi / 180), s1 = sin(latMax * .pi / 180)
            for _ in 0 ..< count {
                let u1 = stream.uniform(), u2 = stream.uniform()
                let lon = lonMin + u1 * (lonMax - lonMin)
                // Clamp: asin(sin φ) can land an ulp outside the box.
                let lat = Swift.min(Swift.max(asin(s0 + u2 * (s1 - s0)) * 180 / .pi, latMin), latMax)
                out.append((lat, lon))
            }
        case let .circle(lat0, lon0, radiusKm):
            let frame = LocalTangentFrame(latitudeDeg: lat0, longitudeDeg: lon0)
            for _ in 0 ..< count {
                let u1 = stream.uniform(), u2 = stream.uniform()
                let r = radiusKm * u1.squareRoot(), theta = 2 * .pi * u2
                out.append(frame.groundPoint(eastKm: r * sin(theta), northKm: r * cos(theta)))
            }
        }
        return out
    }
}
