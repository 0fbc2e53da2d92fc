import Foundation
import Testing
import Links
@testable import Channels

/// Al-Hourani et al. 2014 against the derived tables in ../shared/reference/channel/air-to-ground.md
/// (P_LOS to 4 decimals, mean excess loss to 2 decimals), computed there from
/// P_LOS = 1/(1 + a·exp(−b(θ − a))) and E[η] = P·η_LOS + (1 − P)·η_NLOS.
@Suite("Al-Hourani 2014")
struct AlHouraniTests {
    static let elevations: [Double] = [10, 20, 30, 40, 50, 60, 70, 80, 90]

    /// Columns: suburban, urban, dense urban, high-rise urban.
    static let losTable: [[Double]] = [
        [0.6494, 0.9927, 0.9999, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000],
        [0.0997, 0.3543, 0.7310, 0.9308, 0.9852, 0.9970, 0.9994, 0.9999, 1.0000],
        [0.0618, 0.1652, 0.3728, 0.6410, 0.8429, 0.9416, 0.9798, 0.9932, 0.9977],
        [0.0092, 0.0202, 0.0438, 0.0926, 0.1850, 0.3357, 0.5293, 0.7145, 0.8478],
    ]
    static let excessTable: [[Double]] = [
        [7.43, 0.25, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10],
        [18.11, 13.27, 6.11, 2.31, 1.28, 1.06, 1.01, 1.00, 1.00],
        [21.68, 19.47, 15.02, 9.28, 4.96, 2.85, 2.03, 1.75, 1.65],
        [33.71, 33.36, 32.61, 31.07, 28.13, 23.36, 17.22, 11.35, 7.13],
    ]
    static let parameters = [AlHourani.suburban, AlHourani.urban, AlHourani.denseUrban, AlHourani.highRiseUrban]

    @Test func losProbabilityTable() {
        for (column, p) in Self.parameters.enumerated() {
            for (i, el) in Self.elevations.enumerated() {
                let value = AlHourani.losProbability(p, elevationDeg: el)
                #expect(abs(value - Self.losTable[column][i]) <= 5e-5 + 1e-12, "column \(column) θ \(el)")
            }
        }
    }

    @Test func meanExcessLossTable() {
        for (column, p) in Self.parameters.enumerated() {
            for (i, el) in Self.elevations.enumerated() {
                let value = AlHourani.meanExcessLossDb(p, elevationDeg: el)
                #expect(abs(value - Self.excessTable[column][i]) <= 0.005 + 1e-12, "column \(column) θ \(el)")
            }
        }
    }

    /// The brief's spot values, and the paper's parameters per environment (rural = suburban).
    @Test func spotValuesAndParameters() {
        #expect(abs(AlHourani.losProbability(environment: .urban, elevationDeg: 30) - 0.7310) < 5e-4)
        #expect(abs(AlHourani.losProbability(environment: .denseUrban, elevationDeg: 50) - 0.8429) < 5e-4)
        #expect(abs(AlHourani.losProbability(environment: .suburban, elevationDeg: 10) - 0.6494) < 5e-4)
        #expect(abs(AlHourani.meanExcessLossDb(environment: .urban, elevationDeg: 20) - 13.27) < 0.01)
        #expect(AlHourani.parameters(for: .suburban) == AlHourani.Parameters(a: 4.88, b: 0.43, etaLosDb: 0.1, etaNlosDb: 21))
        #expect(AlHourani.parameters(for: .urban) == AlHourani.Parameters(a: 9.61, b: 0.16, etaLosDb: 1.0, etaNlosDb: 20))
        #expect(AlHourani.parameters(for: .denseUrban) == AlHourani.Parameters(a: 12.08, b: 0.11, etaLosDb: 1.6, etaNlosDb: 23))
        #expect(AlHourani.parameters(for: .rural) == AlHourani.suburban)
        #expect(AlHourani.highRiseUrban == AlHourani.Parameters(a: 27.23, b: 0.08, etaLosDb: 2.3, etaNlosDb: 34))
        #expect(AlHourani.parameters(for: .highRiseUrban) == AlHourani.highRiseUrban)
        // At θ = a the S-curve is at 1/(1 + a): urban 1/10.61 = 0.094250707.
        #expect(abs(AlHourani.losProbability(AlHourani.urban, elevationDeg: 9.61) - 1 / 10.61) < 1e-15)
    }

    /// PL_ξ = FSPL + η_ξ: 2 GHz, 1 km → FSPL 98.468383 dB (20·log10(4π·1e3·2e9/c)); urban NLOS +20 dB.
    @Test func perStatePathLoss() {
        let fspl = FreeSpace.pathLossDb(distanceMeters: 1e3, frequencyHz: 2e9)
        #expect(abs(fspl - 98.468383) < 1e-6)
        #expect(abs(AlHourani.pathLossDb(los: true, distanceMeters: 1e3, frequencyHz: 2e9,
                                         parameters: AlHourani.urban) - (fspl + 1.0)) < 1e-12)
        #expect(abs(AlHourani.pathLossDb(los: false, distanceMeters: 1e3, frequencyHz: 2e9,
                                         parameters: AlHourani.urban) - (fspl + 20)) < 1e-12)
    }

    /// The tables again through `Environment`, for all four of the paper's environments including
    /// `high-rise` (Environment.highRiseUrban).
    @Test func tablesByEnvironment() {
        let environments: [Environment] = [.suburban, .urban, .denseUrban, .highRiseUrban]
        for (column, env) in environments.enumerated() {
            for (i, el) in Self.elevations.enumerated() {
                #expect(abs(AlHourani.losProbability(environment: env, elevationDeg: el) - Self.losTable[column][i]) <= 5e-5 + 1e-12)
                #expect(abs(AlHourani.meanExcessLossDb(environment: env, elevationDeg: el) - Self.excessTable[column][i]) <= 0.005 + 1e-12)
            }
        }
        // Paper's reported optimal elevation for high-rise ≈ 75.52° sits on the steep part of the curve.
        #expect(abs(AlHourani.losProbability(environment: .highRiseUrban, elevationDeg: 27.23) - 1 / 28.23) < 1e-15)
    }
}
