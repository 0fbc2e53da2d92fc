import Foundation
import SimCore

/// Earth rotation: Greenwich mean sidereal time and the TEME → ECEF (pseudo Earth-fixed) rotation.
///
/// Follows Vallado et al. 2006, "Revisiting Spacetrack Report #3", §§ on `gstime` and `teme2ecef`:
/// IAU-82 GMST, rotation about z only. UT1 is taken equal to UTC and polar motion is ignored (no
/// Earth-orientation data is used), which moves ECEF positions by up to ~400 m (UT1−UTC < 0.9 s)
/// and ~15 m (polar motion) — well inside what link budgets care about.
public enum EarthRotation {
    /// Earth's rotation rate, rad/s (Vallado's `thetasa` without length-of-day correction).
    public static let rateRadPerSecond = 7.292_115_146_706_98e-5

    /// Greenwich mean sidereal time (IAU-82), radians in [0, 2π), for a UT1 Julian date.
    public static func gmst(julianDateUT1 jd: Double) -> Double {
        let t = (jd - 2_451_545.0) / 36_525.0
        var seconds = -6.2e-6 * t * t * t + 0.093_104 * t * t + (876_600.0 * 3_600 + 8_640_184.812_866) * t + 67_310.548_41
        seconds = (seconds * (Double.pi / 180) / 240.0).truncatingRemainder(dividingBy: 2 * Double.pi)
        return seconds < 0 ? seconds + 2 * Double.pi : seconds
    }

    /// GMST at a UTC instant (UT1 = UTC).
    public static func gmst(at t: UTCInstant) -> Double {
        let (whole, fraction) = JulianDate.split(t)
        return gmst(julianDateUT1: whole + fraction)
    }

    /// Rotates a TEME state into the Earth-fixed frame at the given GMST: position by R3(θ),
    /// velocity by R3(θ) minus ω × r (the frame rotates).
    @inlinable
    public static func temeToECEF(_ s: StateVector, gmst theta: Double) -> StateVector {
        let c = cos(theta), sn = sin(theta)
        let p = SIMD3(c * s.position.x + sn * s.position.y, -sn * s.position.x + c * s.position.y, s.position.z)
        let v = SIMD3(c * s.velocity.x + sn * s.velocity.y, -sn * s.velocity.x + c * s.velocity.y, s.velocity.z)
        let w = rateRadPerSecond
        return StateVector(position: p, velocity: SIMD3(v.x + w * p.y, v.y - w * p.x, v.z))
    }

    /// The inverse of ``temeToECEF(_:gmst:)``.
    @inlinable
    public static func ecefToTEME(_ s: StateVector, gmst theta: Double) -> StateVector {
        let w = rateRadPerSecond
        let p = s.position
        let v = SIMD3(s.velocity.x - w * p.y, s.velocity.y + w * p.x, s.velocity.z)
        let c = cos(theta), sn = sin(theta)
        return StateVector(position: SIMD3(c * p.x - sn * p.y, sn * p.x + c * p.y, p.z),
                           velocity: SIMD3(c * v.x - sn * v.y, sn * v.x + c * v.y, v.z))
    }

    /// TEME → ECEF at a UTC instant.
    public static func temeToECEF(_ s: StateVector, at t: UTCInstant) -> StateVector {
        temeToECEF(s, gmst: gmst(at: t))
    }
}
