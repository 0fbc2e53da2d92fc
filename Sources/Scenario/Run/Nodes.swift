import Foundation
import Links
import Mobility
import Orbits
import SimCore

/// The role of a node at the lower end of links.
enum LowerRole: String {
    case user, gateway, uav
}

/// Nodes at the upper end of links: satellites first, then HAPs, then UAVs.
struct UpperNodes {
    var satellites: SatelliteSet
    /// HAPs then UAVs, indices `satellites.count ..< count`.
    let aerial: [any MotionModel]
    let names: [String]
    let kinds: [PlatformKind]
    let radios: [RadioSpec]
    let hapsRange: Range<Int>
    let uavRange: Range<Int>

    var count: Int { names.count }
    var satelliteRange: Range<Int> { 0 ..< satellites.count }

    /// Earth-fixed position (km) of upper node `i` at simulation time `t`.
    func position(_ i: Int, at t: SimTime, epoch: UTCInstant, gmst: Double) -> SIMD3<Double> {
        if i < satellites.count { return satellites.positionECEF(i, at: epoch + t, gmst: gmst) }
        return aerial[i - satellites.count].positionECEF(at: t)
    }

    /// Fills position buffers for every upper node at `t`.
    mutating func fill(at t: SimTime, epoch: UTCInstant, x: inout [Double], y: inout [Double], z: inout [Double]) {
        satellites.fill(at: epoch + t, x: &x, y: &y, z: &z)
        let s = satellites.count
        for (k, m) in aerial.enumerated() {
            let r = m.positionECEF(at: t)
            x[s + k] = r.x; y[s + k] = r.y; z[s + k] = r.z
        }
    }
}

/// Nodes at the lower end of links: users, gateways and UAVs (for UAV–satellite links).
struct LowerNodes {
    let names: [String]
    let roles: [LowerRole]
    let motion: [any MotionModel]
    let radios: [RadioSpec]
    /// True when the node never moves (positions cached).
    let isStatic: [Bool]
    /// Upper-node index of the same UAV, for a UAV never to link to itself.
    let sameNodeAsUpper: [Int?]
    let maxSpeedMps: Double
    let minAltitudeMeters: Double

    var count: Int { names.count }

    /// Position (km) and geodetic up unit vector at `t`.
    func place(_ l: Int, at t: SimTime) -> (position: SIMD3<Double>, up: SIMD3<Double>) {
        let g = motion[l].geodetic(at: t)
        return (g.ecefKm, LowerNodes.up(g))
    }

    static func up(_ g: Geodetic) -> SIMD3<Double> {
        let lat = g.latitudeDeg * .pi / 180, lon = g.longitudeDeg * .pi / 180
        return SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
    }
}

/// Elevation geometry of a link seen from its lower end.
enum Sky {
    /// Sine of the elevation of `upper` seen from `lower` with local vertical `up`.
    @inline(__always)
    static func sinElevation(lower: SIMD3<Double>, up: SIMD3<Double>, upper: SIMD3<Double>) -> Double {
        let d = upper - lower
        let r = (d * d).sum().squareRoot()
        return r > 0 ? (d * up).sum() / r : -1
    }

    /// Elevation (deg), azimuth (deg from north) and range (km) of `upper` from a lower node.
    static func look(lower: SIMD3<Double>, geodetic g: Geodetic, upper: SIMD3<Double>) -> (elevationDeg: Double, azimuthDeg: Double, rangeKm: Double) {
        let lat = g.latitudeDeg * .pi / 180, lon = g.longitudeDeg * .pi / 180
        let east = SIMD3(-sin(lon), cos(lon), 0)
        let north = SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat))
        let up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
        let d = upper - lower
        let r = d.length
        let el = asin(max(-1, min(1, d.dot(up) / r))) * 180 / .pi
        var az = atan2(d.dot(east), d.dot(north)) * 180 / .pi
        if az < 0 { az += 360 }
        return (el, az, r)
    }
}
