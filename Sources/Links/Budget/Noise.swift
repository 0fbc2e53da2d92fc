import Foundation

/// Thermal noise: Boltzmann's constant, system noise temperature and noise power.
///
/// N = k·T·B, so in decibels N[dBW] = −228.6 + 10·log10(T/K) + 10·log10(B/Hz). The system noise
/// temperature of a receiver referred to its antenna terminals is T_sys = T_ant + T0·(F − 1), with
/// F the receiver noise factor (linear, from the noise figure) and T0 = 290 K (IEEE standard
/// reference temperature).
///
/// ```swift
/// let t = Noise.systemTemperatureK(noiseFigureDb: 2, antennaTemperatureK: 150)   // 319.62 K
/// Noise.noisePowerDbw(temperatureK: 290, bandwidthHz: 1e6)                       // −143.98 dBW
/// Noise.boltzmannDbWPerKHz                                                        // −228.599 dBW/(K·Hz)
/// ```
public enum Noise {
    /// Boltzmann's constant, J/K (exact in the 2019 SI).
    public static let boltzmannJPerK: Double = 1.380649e-23
    /// 10·log10(k) = −228.5991671732177 dBW/(K·Hz).
    public static let boltzmannDbWPerKHz: Double = -228.5991671732177
    /// Reference temperature T0 of noise-figure definitions, K.
    public static let referenceTemperatureK: Double = 290

    /// System noise temperature T_ant + 290·(F − 1), K, with F = 10^(noiseFigureDb/10).
    @inlinable
    public static func systemTemperatureK(noiseFigureDb: Double, antennaTemperatureK: Double) -> Double {
        antennaTemperatureK + referenceTemperatureK * (pow(10, noiseFigureDb / 10) - 1)
    }

    /// Noise power k·T·B, dBW.
    @inlinable
    public static func noisePowerDbw(temperatureK: Double, bandwidthHz: Double) -> Double {
        boltzmannDbWPerKHz + 10 * log10(temperatureK) + 10 * log10(bandwidthHz)
    }

    /// Noise power spectral density k·T, dBW/Hz.
    @inlinable
    public static func noiseDensityDbwPerHz(temperatureK: Double) -> Double {
        boltzmannDbWPerKHz + 10 * log10(temperatureK)
    }
}
