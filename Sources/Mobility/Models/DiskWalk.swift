import Foundation
import Orbits

/// A walk in a circle's local plane: straight segments between reflections, precomputed.
struct DiskWalk: Sendable {
    let plane: LocalPlane
    /// Segment start (seconds from its leg's start), position (km) and velocity (km/s) in the plane.
    var segmentStart: [Double] = []
    var x: [Double] = [], y: [Double] = []
    var vx: [Double] = [], vy: [Double] = []
    /// Leg k's segments are `firstSegment[k] ..< firstSegment[k + 1]`.
    var firstSegment: [Int] = [0]

    /// Reflections per leg before the node is stopped for the rest of the leg (only reachable by
    /// legs many times longer than the circle, grazing its edge).
    static let maxReflectionsPerLeg = 100_000

    init(start: Geodetic, headingsDeg: [Double], speedKmPerS: Double, legSeconds: Double,
         plane: LocalPlane, radiusKm r: Double) {
        self.plane = plane
        let c = plane.coordinates(latitudeDeg: start.latitudeDeg, longitudeDeg: start.longitudeDeg)
        var p = SIMD2(c.x, c.y)
        p = Self.clamp(p, r)
        for heading in headingsDeg {
            let alpha = heading * Ellipsoid.radiansPerDegree
            var v = speedKmPerS * SIMD2(sin(alpha), cos(alpha))
            var t = 0.0
            append(t, p, v)
            var reflections = 0
            while true {
                // Time to the exit: the larger root of |p + v τ|² = r² (p inside, so c ≤ 0);
                // written without cancellation for either sign of b.
                let a = (v * v).sum(), b = (p * v).sum(), cc = (p * p).sum() - r * r
                let root = max(0, b * b - a * cc).squareRoot()
                let exit = b > 0 ? max(0, -cc) / (b + root) : (root - b) / a
                if t + exit >= legSeconds { break }
                if reflections == Self.maxReflectionsPerLeg {
                    v = .zero
                    append(t, p, v)
                    break
                }
                t += exit
                p = Self.clamp(p + exit * v, r)
                let normal = p / r
                v -= 2 * (v * normal).sum() * normal
                append(t, p, v)
                reflections += 1
            }
            p = Self.clamp(p + (legSeconds - t) * v, r)
            firstSegment.append(segmentStart.count)
        }
    }

    private mutating func append(_ t: Double, _ p: SIMD2<Double>, _ v: SIMD2<Double>) {
        segmentStart.append(t)
        x.append(p.x)
        y.append(p.y)
        vx.append(v.x)
        vy.append(v.y)
    }

    /// `p` pulled onto the circle if a rounding error put it outside.
    static func clamp(_ p: SIMD2<Double>, _ r: Double) -> SIMD2<Double> {
        let length = (p * p).sum().squareRoot()
        return length > r ? p * (r / length) : p
    }

    @inline(__always)
    func state(leg k: Int, seconds tau: Double) -> (normal: SIMD3<Double>, rate: SIMD3<Double>) {
        // Last segment of the leg starting at or before tau.
        var lo = firstSegment[k], hi = firstSegment[k + 1] - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if segmentStart[mid] <= tau { lo = mid } else { hi = mid - 1 }
        }
        let dt = tau - segmentStart[lo]
        return plane.normalAndRate(x: x[lo] + vx[lo] * dt, y: y[lo] + vy[lo] * dt, vx: vx[lo], vy: vy[lo])
    }
}
