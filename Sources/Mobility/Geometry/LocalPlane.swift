import Foundation
import Orbits

/// The local plane of a circle area: an azimuthal-equidistant map around the centre, scaled by
/// the ellipsoid's radii of curvature there (east by N₀, north by M₀), so plane distances are
/// ground distances (km) to first order in every direction.
struct LocalPlane: Sendable, Hashable {
    let frame: LocalFrame

    init(centerLatitudeDeg: Double, centerLongitudeDeg: Double) {
        frame = LocalFrame(latitudeDeg: centerLatitudeDeg, longitudeDeg: centerLongitudeDeg)
    }

    /// The normal at plane point (x east, y north), km.
    @inline(__always)
    func normal(x: Double, y: Double) -> SIMD3<Double> {
        let xi = x / frame.primeVerticalRadiusKm, eta = y / frame.meridianRadiusKm
        let rho = (xi * xi + eta * eta).squareRoot()
        let direction = xi * frame.east + eta * frame.north  // length ρ
        return cos(rho) * frame.up + Self.sinc(rho) * direction
    }

    /// The normal and its time derivative for a point moving at (vx, vy) km/s in the plane.
    @inline(__always)
    func normalAndRate(x: Double, y: Double, vx: Double, vy: Double) -> (normal: SIMD3<Double>, rate: SIMD3<Double>) {
        let xi = x / frame.primeVerticalRadiusKm, eta = y / frame.meridianRadiusKm
        let dxi = vx / frame.primeVerticalRadiusKm, deta = vy / frame.meridianRadiusKm
        let rho = (xi * xi + eta * eta).squareRoot()
        let direction = xi * frame.east + eta * frame.north
        let directionRate = dxi * frame.east + deta * frame.north
        let sinc = Self.sinc(rho)
        // ρ·ρ̇ = ξξ̇ + ηη̇; d/dt[cos ρ] = −sinc(ρ)·ρρ̇; d/dt[sinc ρ] = g(ρ)·ρρ̇ with g = (ρ cos ρ − sin ρ)/ρ³.
        let rhoRhoDot = xi * dxi + eta * deta
        let g: Double
        if rho < 1e-4 {
            g = -1.0 / 3 + rho * rho / 30
        } else {
            g = (rho * cos(rho) - sin(rho)) / (rho * rho * rho)
        }
        let n = cos(rho) * frame.up + sinc * direction
        let dn = (-sinc * rhoRhoDot) * frame.up + sinc * directionRate + (g * rhoRhoDot) * direction
        return (n, dn)
    }

    /// Plane coordinates (km) of a surface point: the inverse of ``normal(x:y:)``.
    func coordinates(latitudeDeg: Double, longitudeDeg: Double) -> (x: Double, y: Double) {
        let n = Ellipsoid.normal(latitudeRad: latitudeDeg * Ellipsoid.radiansPerDegree,
                                 longitudeRad: longitudeDeg * Ellipsoid.radiansPerDegree)
        let e = n.dot(frame.east), nn = n.dot(frame.north)
        let sinRho = (e * e + nn * nn).squareRoot()
        let rho = atan2(sinRho, n.dot(frame.up))
        // At the centre and at its antipode the direction is undefined; only the distance matters.
        guard sinRho > 0 else { return (rho * frame.primeVerticalRadiusKm, 0) }
        let scale = rho / sinRho
        return (e * scale * frame.primeVerticalRadiusKm, nn * scale * frame.meridianRadiusKm)
    }

    @inline(__always)
    static func sinc(_ x: Double) -> Double { abs(x) < 1e-4 ? 1 - x * x / 6 : sin(x) / x }
}
