import Foundation
import SimCore

/// A seeded, stationary, isotropic random field over the ground plane with zero mean, unit variance
/// and exponential autocorrelation ρ(d) = exp(−d/d_corr) (Gudmundson's model, the form TR 38.811 /
/// TR 38.901 assume for shadow fading with the decorrelation distance d_corr).
///
/// Built as a sum of N sinusoids (spectral method):
///
/// ```
/// g(x) = √(2/N) · Σₙ cos(kₙ·x + φₙ)
/// ```
///
/// with phases φₙ uniform on [0, 2π), directions uniform, and wavenumbers |kₙ| drawn from the radial
/// spectral density of the 2-D exponential covariance, p(k) = d k (1 + d²k²)^(−3/2)
/// (the Hankel transform of exp(−r/d)), by inversion: |k| = √((1 − u)^(−2) − 1) / d. Over the
/// ensemble of seeds E[g] = 0, E[g²] = 1 and E[g(x) g(x + r)] = E[J₀(|k| r)] = exp(−r/d) exactly;
/// g is Gaussian in the limit N → ∞ (for finite N its kurtosis is 3 − 3/(2N)). Within one
/// realisation the spatial correlation at lag r is (1/N) Σ cos(kₙ·r), which scatters around
/// exp(−r/d) with standard deviation ≈ 0.66/√N (0.04 for the default N = 256).
///
/// ```swift
/// let field = ShadowingField(decorrelationDistanceMeters: 50,
///                            stream: RandomStreams(seed: 7).stream("truth/shadowing/nlos"))
/// let sfDb = 6 * field.value(at: SIMD2(120, -40))     // σ_SF · g
/// ```
public struct ShadowingField: Sendable, Hashable {
    /// d_corr, metres.
    public let decorrelationDistanceMeters: Double
    let kx: [Double]
    let ky: [Double]
    let phase: [Double]
    /// √(2/N).
    let scale: Double

    /// Default number of sinusoids.
    public static let defaultComponents = 256

    /// A field drawing its 3·N parameters (|k|, direction, phase per sinusoid) from `stream`.
    public init(decorrelationDistanceMeters: Double, components: Int = defaultComponents, stream: RNGStream) {
        precondition(decorrelationDistanceMeters > 0, "decorrelation distance must be positive")
        precondition(components > 0, "a field needs at least one sinusoid")
        self.decorrelationDistanceMeters = decorrelationDistanceMeters
        var kx = [Double](), ky = [Double](), phase = [Double]()
        kx.reserveCapacity(components)
        ky.reserveCapacity(components)
        phase.reserveCapacity(components)
        for _ in 0..<components {
            let u = stream.uniform()
            let oneMinus = 1 - u
            let k = (1 / (oneMinus * oneMinus) - 1).squareRoot() / decorrelationDistanceMeters
            let theta = 2 * Double.pi * stream.uniform()
            kx.append(k * cos(theta))
            ky.append(k * sin(theta))
            phase.append(2 * Double.pi * stream.uniform())
        }
        self.kx = kx
        self.ky = ky
        self.phase = phase
        scale = (2 / Double(components)).squareRoot()
    }

    /// Number of sinusoids.
    public var components: Int { phase.count }

    /// The field at ground point `p` (metres, any fixed planar frame), dimensionless, unit variance.
    public func value(at p: SIMD2<Double>) -> Double {
        var s = 0.0
        for n in 0..<phase.count {
            s += cos(kx[n] * p.x + ky[n] * p.y + phase[n])
        }
        return scale * s
    }

    /// The target autocorrelation exp(−d/d_corr).
    public static func autocorrelation(distanceMeters d: Double, decorrelationDistanceMeters dc: Double) -> Double {
        exp(-abs(d) / dc)
    }
}
