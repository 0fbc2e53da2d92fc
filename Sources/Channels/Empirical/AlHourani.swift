import Foundation
import Links

/// Air-to-ground path loss of Al-Hourani, Kandeepan and Lardner, "Optimal LAP altitude for maximum
/// coverage", IEEE Wireless Communications Letters 3(6), 2014: a sigmoid LOS probability in the
/// elevation angle and a mean excess loss η per LOS state on top of free space.
///
/// ```
/// P_LOS(θ) = 1 / (1 + a·exp(−b·(θ − a)))          θ in degrees, seen from the ground user
/// PL_ξ     = FSPL(d) + η_ξ,  ξ ∈ {LOS, NLOS}
/// E[η]     = P_LOS·η_LOS + (1 − P_LOS)·η_NLOS       (dB)
/// ```
///
/// Parameters (paper's table, fitted at 2 GHz to ray tracing of ITU-R P.1410 cities):
///
/// | environment | a | b | η_LOS | η_NLOS |
/// |---|---:|---:|---:|---:|
/// | suburban | 4.88 | 0.43 | 0.1 | 21 |
/// | urban | 9.61 | 0.16 | 1.0 | 20 |
/// | dense urban | 12.08 | 0.11 | 1.6 | 23 |
/// | high-rise urban | 27.23 | 0.08 | 2.3 | 34 |
///
/// The paper has no rural environment; ``parameters(for:)`` gives rural the suburban parameters
/// (the most open environment it fits). ``Environment/highRiseUrban`` (`high-rise`) gets
/// ``highRiseUrban``.
///
/// ```swift
/// AlHourani.losProbability(environment: .urban, elevationDeg: 30)      // 0.7310
/// AlHourani.meanExcessLossDb(environment: .urban, elevationDeg: 20)    // 13.27 dB
/// ```
public enum AlHourani {
    /// The S-curve (a, b) and mean excess losses of one environment.
    ///
    /// ```swift
    /// let custom = AlHourani.Parameters(a: 9.61, b: 0.16, etaLosDb: 1, etaNlosDb: 20)
    /// AlHourani.losProbability(custom, elevationDeg: 45)      // 0.968
    /// ```
    public struct Parameters: Sendable, Hashable, Codable {
        /// S-curve parameter a (also the curve's centre in degrees).
        public var a: Double
        /// S-curve steepness b, 1/degree.
        public var b: Double
        /// Mean excess loss of LOS links, dB.
        public var etaLosDb: Double
        /// Mean excess loss of NLOS links, dB.
        public var etaNlosDb: Double

        public init(a: Double, b: Double, etaLosDb: Double, etaNlosDb: Double) {
            self.a = a
            self.b = b
            self.etaLosDb = etaLosDb
            self.etaNlosDb = etaNlosDb
        }
    }

    /// Suburban: (4.88, 0.43, 0.1 dB, 21 dB).
    public static let suburban = Parameters(a: 4.88, b: 0.43, etaLosDb: 0.1, etaNlosDb: 21)
    /// Urban: (9.61, 0.16, 1.0 dB, 20 dB).
    public static let urban = Parameters(a: 9.61, b: 0.16, etaLosDb: 1.0, etaNlosDb: 20)
    /// Dense urban: (12.08, 0.11, 1.6 dB, 23 dB).
    public static let denseUrban = Parameters(a: 12.08, b: 0.11, etaLosDb: 1.6, etaNlosDb: 23)
    /// High-rise urban: (27.23, 0.08, 2.3 dB, 34 dB).
    public static let highRiseUrban = Parameters(a: 27.23, b: 0.08, etaLosDb: 2.3, etaNlosDb: 34)

    /// Parameters for `environment`; rural gets the suburban ones (not in the paper), high-rise ``highRiseUrban``.
    @inlinable
    public static func parameters(for environment: Environment) -> Parameters {
        switch environment {
        case .denseUrban: return denseUrban
        case .urban: return urban
        case .suburban, .rural: return suburban
        case .highRiseUrban: return highRiseUrban
        }
    }

    /// P_LOS = 1/(1 + a·exp(−b(θ − a))) at elevation θ (degrees).
    @inlinable
    public static func losProbability(_ parameters: Parameters, elevationDeg: Double) -> Double {
        1 / (1 + parameters.a * exp(-parameters.b * (elevationDeg - parameters.a)))
    }

    /// P_LOS for `environment` at elevation θ (degrees).
    @inlinable
    public static func losProbability(environment: Environment, elevationDeg: Double) -> Double {
        losProbability(parameters(for: environment), elevationDeg: elevationDeg)
    }

    /// Excess loss over free space of a LOS (`los` true) or NLOS link, dB: η_LOS or η_NLOS.
    @inlinable
    public static func excessLossDb(_ parameters: Parameters, los: Bool) -> Double {
        los ? parameters.etaLosDb : parameters.etaNlosDb
    }

    /// Mean excess loss P_LOS·η_LOS + (1 − P_LOS)·η_NLOS at elevation θ, dB.
    @inlinable
    public static func meanExcessLossDb(_ parameters: Parameters, elevationDeg: Double) -> Double {
        let p = losProbability(parameters, elevationDeg: elevationDeg)
        return p * parameters.etaLosDb + (1 - p) * parameters.etaNlosDb
    }

    /// Mean excess loss for `environment` at elevation θ, dB.
    @inlinable
    public static func meanExcessLossDb(environment: Environment, elevationDeg: Double) -> Double {
        meanExcessLossDb(parameters(for: environment), elevationDeg: elevationDeg)
    }

    /// Path loss of a LOS or NLOS link, FSPL(d, f) + η_ξ, dB.
    @inlinable
    public static func pathLossDb(los: Bool, distanceMeters: Double, frequencyHz: Double,
                                  parameters: Parameters) -> Double {
        FreeSpace.pathLossDb(distanceMeters: distanceMeters, frequencyHz: frequencyHz)
            + excessLossDb(parameters, los: los)
    }
}
