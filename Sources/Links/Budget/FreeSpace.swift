import Foundation

/// Free-space path loss (Friis): FSPL = 20·log10(4π·d·f/c), dB.
///
/// TR 38.811 eq. 6.6-2 writes the same as 32.45 + 20·log10(f/GHz) + 20·log10(d/m); 32.45 is
/// 20·log10(4π·10⁹/c) = 32.4478 rounded, so the TR form (and ns-3) read 0.0022 dB higher.
/// This type uses the exact form.
///
/// ```swift
/// FreeSpace.pathLossDb(distanceMeters: 600e3, frequencyHz: 2e9)        // 154.03 dB (LEO at zenith)
/// FreeSpace.pathLossDb(distanceMeters: 35_786e3, frequencyHz: 20e9)    // 209.54 dB (GEO at zenith)
/// ```
public enum FreeSpace {
    /// Speed of light in vacuum, m/s (exact).
    public static let speedOfLightMetersPerSecond: Double = 299_792_458

    /// 20·log10(4π·d·f/c), dB, with d in metres and f in hertz.
    @inlinable
    public static func pathLossDb(distanceMeters: Double, frequencyHz: Double) -> Double {
        20 * log10(4 * .pi * distanceMeters * frequencyHz / speedOfLightMetersPerSecond)
    }

    /// Wavelength c/f, metres.
    @inlinable
    public static func wavelengthMeters(frequencyHz: Double) -> Double {
        speedOfLightMetersPerSecond / frequencyHz
    }
}
