import Orbits
import SimCore
import Testing
@testable import Mobility

/// A closed-form mover for checking the protocol's default velocity.
private struct EastwardAtEquator: MotionModel {
    let metresPerSecond: Double
    func geodetic(at t: SimTime) -> Geodetic {
        // Along the equator, longitude advances by v·t / a radians.
        let lon = metresPerSecond * t.seconds / (WGS84.semiMajorAxisKm * 1000) * 180 / .pi
        return Geodetic(latitudeDeg: 0, longitudeDeg: lon, altitudeMeters: 0)
    }
}

@Suite struct MotionModelTests {
    @Test func defaultVelocityIsCentralDifference() {
        let m = EastwardAtEquator(metresPerSecond: 20)
        let v = m.velocityECEF(at: .seconds(10)) * 1000  // m/s
        #expect(abs(v.length - 20) < 1e-6)
        #expect(abs(v.y - 20) < 1e-3)  // eastward at lon ≈ 0 is +y
    }
}
