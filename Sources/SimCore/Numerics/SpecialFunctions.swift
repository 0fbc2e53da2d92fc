internal import CGSL

/// Special functions from GSL (`gsl_sf_*`, `gsl_cdf_*`), as plain Swift functions.
///
/// ```swift
/// SpecialFunctions.besselJ0(2.404825557695773)   // ≈ 0 (first zero of J0)
/// SpecialFunctions.normalCDF(1.96)               // 0.9750021048517795
/// ```
public enum SpecialFunctions {
    /// Bessel function of the first kind, order 0.
    public static func besselJ0(_ x: Double) -> Double { gsl_sf_bessel_J0(x) }
    /// Bessel function of the first kind, order 1 (used by the TR 38.811 satellite antenna pattern).
    public static func besselJ1(_ x: Double) -> Double { gsl_sf_bessel_J1(x) }
    /// Bessel function of the first kind, integer order `n`.
    public static func besselJ(_ n: Int, _ x: Double) -> Double { gsl_sf_bessel_Jn(Int32(n), x) }
    /// Modified Bessel function of the first kind, order 0.
    public static func besselI0(_ x: Double) -> Double { gsl_sf_bessel_I0(x) }
    /// Modified Bessel function of the first kind, order 1.
    public static func besselI1(_ x: Double) -> Double { gsl_sf_bessel_I1(x) }
    /// `exp(-|x|)·I0(x)`, finite for large arguments (Rician densities and moments).
    public static func besselI0Scaled(_ x: Double) -> Double { gsl_sf_bessel_I0_scaled(x) }
    /// `exp(-|x|)·I1(x)`.
    public static func besselI1Scaled(_ x: Double) -> Double { gsl_sf_bessel_I1_scaled(x) }
    /// The error function.
    public static func erf(_ x: Double) -> Double { gsl_sf_erf(x) }
    /// The complementary error function, accurate in the tail.
    public static func erfc(_ x: Double) -> Double { gsl_sf_erfc(x) }
    /// ln Γ(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double { gsl_sf_lngamma(x) }
    /// Standard normal cumulative distribution Φ(x).
    public static func normalCDF(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }
    /// Standard normal upper tail Q(x) = 1 − Φ(x), accurate in the tail.
    public static func normalQ(_ x: Double) -> Double { gsl_cdf_ugaussian_Q(x) }
    /// Inverse of Φ: the x with Φ(x) = p, for 0 < p < 1.
    public static func normalQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }

    /// Quantile of Student's t distribution: the x with P(T ≤ x) = p for ν degrees of freedom.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double { gsl_cdf_tdist_Pinv(p, nu) }

    /// Mean of the Rice distribution with parameters ν, σ: σ·√(π/2)·L½(−ν²/2σ²), with the Laguerre
    /// function L½(x) = e^{x/2}[(1−x)I0(−x/2) − x·I1(−x/2)] (evaluated with scaled Bessel functions).
    public static func riceMean(nu: Double, sigma: Double) -> Double {
        let x = -nu * nu / (2 * sigma * sigma)
        // e^{x/2}·I_k(−x/2) = exp(-|x/2|)·I_k(|x/2|) since x ≤ 0: exactly the scaled functions.
        let half = -x / 2
        let laguerre = (1 - x) * gsl_sf_bessel_I0_scaled(half) - x * gsl_sf_bessel_I1_scaled(half)
        return sigma * (Double.pi / 2).squareRoot() * laguerre
    }
}
