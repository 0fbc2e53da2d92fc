import Foundation

/// Solves Kepler's equation M = E − e sin E for the eccentric anomaly of an elliptical orbit.
///
/// Newton's method from Vallado's starting value (E₀ = M ± e, Fundamentals of Astrodynamics and
/// Applications, Algorithm 2 "KepEqtnE"), safeguarded by bisection inside the bracket
/// [M − e, M + e] that always contains the root, so it converges for every 0 ≤ e < 1, including
/// e → 1 near perigee where plain Newton can overshoot. Iteration stops when a step is below
/// 1e-14 rad.
///
/// ```swift
/// let e = KeplerEquation.eccentricAnomalyRad(meanAnomalyRad: 1.0, eccentricity: 0.5)   // ≈ 1.49870113351785
/// ```
public enum KeplerEquation {
    /// Convergence tolerance on the eccentric anomaly, rad.
    public static let toleranceRad = 1e-14

    /// The eccentric anomaly E, rad, for a mean anomaly M, rad, and eccentricity 0 ≤ e < 1.
    ///
    /// M is first reduced to [−π, π]; the result lies in the same interval, on the same side of
    /// zero as the reduced M (E − M has the sign of sin M). Non-finite input returns NaN.
    public static func eccentricAnomalyRad(meanAnomalyRad: Double, eccentricity e: Double) -> Double {
        guard meanAnomalyRad.isFinite, e.isFinite else { return .nan }
        let m = meanAnomalyRad.remainder(dividingBy: 2 * Double.pi)
        if e == 0 { return m }
        // f(E) = E − e sin E − m is increasing, f(m − e) ≤ 0 ≤ f(m + e).
        var lo = max(m - e, -Double.pi), hi = min(m + e, Double.pi)
        var eAnomaly = m < 0 ? m - e : m + e
        eAnomaly = min(max(eAnomaly, lo), hi)
        for _ in 0 ..< 100 {
            let f = eAnomaly - e * sin(eAnomaly) - m
            if f == 0 { return eAnomaly }
            if f < 0 { lo = eAnomaly } else { hi = eAnomaly }
            let slope = 1 - e * cos(eAnomaly)
            var next = eAnomaly - f / slope
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }  // Newton left the bracket: bisect
            if abs(next - eAnomaly) <= toleranceRad { return next }
            eAnomaly = next
        }
        return eAnomaly
    }
}

/// Shared two-body geometry for ``KeplerPropagator`` and ``J2SecularPropagator``.
enum KeplerMath {
    static let radiansPerDegree = Double.pi / 180
    static let degreesPerRadian = 180 / Double.pi

    /// The TEME state for elements at one instant, with the anomaly and the orientation angles
    /// each moving at a constant rate.
    ///
    /// Position: perifocal coordinates (a(cos E − e), a√(1−e²) sin E) rotated by R3(−Ω) R1(−i)
    /// R3(−ω) (Vallado, Algorithm 10 "COE2RV"). Velocity is the exact time derivative of that
    /// position: dr/dM·Ṁ + ω̇ (ĥ × r) + Ω̇ (ẑ × r), with dE/dM = a/r. With Ṁ = sqrt(mu/a³) and
    /// ω̇ = Ω̇ = 0 it is the two-body velocity sqrt(mu a)/r (−sin E, √(1−e²) cos E).
    static func state(semiMajorAxisKm a: Double, eccentricity e: Double, inclinationRad i: Double, raanRad raan: Double,
                      argumentOfPerigeeRad argp: Double, meanAnomalyRad m: Double, meanAnomalyRateRadPerSec mDot: Double,
                      argumentOfPerigeeRateRadPerSec argpDot: Double = 0, raanRateRadPerSec raanDot: Double = 0) -> StateVector {
        let eAnomaly = KeplerEquation.eccentricAnomalyRad(meanAnomalyRad: m, eccentricity: e)
        let cosE = cos(eAnomaly), sinE = sin(eAnomaly)
        let beta = (1 - e * e).squareRoot()
        let radius = a * (1 - e * cosE)
        let xPf = a * (cosE - e), yPf = a * beta * sinE
        let dEdt = mDot * a / radius
        let vxPf = -a * sinE * dEdt, vyPf = a * beta * cosE * dEdt

        let cO = cos(raan), sO = sin(raan), cw = cos(argp), sw = sin(argp), ci = cos(i), si = sin(i)
        let pHat = SIMD3<Double>(cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si)
        let qHat = SIMD3<Double>(-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si)
        let position = xPf * pHat + yPf * qHat
        var velocity = vxPf * pHat + vyPf * qHat
        if argpDot != 0 || raanDot != 0 {
            let hHat = SIMD3<Double>(sO * si, -cO * si, ci)
            velocity += argpDot * cross(hHat, position) + raanDot * SIMD3<Double>(-position.y, position.x, 0)
        }
        return StateVector(position: position, velocity: velocity)
    }

    /// An angle in degrees reduced to [0, 360).
    static func normalizedDeg(_ deg: Double) -> Double {
        let r = deg.truncatingRemainder(dividingBy: 360)
        let n = r < 0 ? r + 360 : r
        return n >= 360 ? 0 : n
    }

    @inline(__always) static func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }
    @inline(__always) static func norm(_ a: SIMD3<Double>) -> Double { dot(a, a).squareRoot() }
    @inline(__always) static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
}
