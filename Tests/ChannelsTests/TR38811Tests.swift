import Foundation
import Testing
import Links
@testable import Channels

/// TR 38.811 building blocks against the published tables (Tables 6.6.1-1, 6.6.2-1/2/3, 6.6.6.2.1-1),
/// eq. 6.6-3, and path losses printed by ns-3 3.44 for a ground node and a 600 km satellite at true
/// elevation 30°, urban, shadowing off (../shared/reference/channel/tr38811.md).
@Suite("TR 38.811")
struct TR38811Tests {
    /// d = √(R² sin²θ + h² + 2hR) − R sinθ, R = 6371 km: the reference note's values
    /// (600 km: 1931.6 / 1075.1 / 600 km; GEO 35 786 km: 40 581 / 38 609 / 35 786 km at 10° / 30° / 90°).
    @Test(arguments: [
        (600e3, 10.0, 1_931.6e3, 0.05e3), (600e3, 30.0, 1_075.1e3, 0.05e3), (600e3, 90.0, 600e3, 1e-6),
        (35_786e3, 10.0, 40_581e3, 0.5e3), (35_786e3, 30.0, 38_609e3, 0.5e3), (35_786e3, 90.0, 35_786e3, 1e-6),
    ])
    func slantRange(altitude: Double, elevation: Double, expected: Double, tolerance: Double) {
        #expect(abs(TR38811.slantRangeMeters(elevationDeg: elevation, altitudeMeters: altitude) - expected) <= tolerance)
    }

    /// ns-3 3.44, urban, 600 km, θ = 30° (d = 1 075 088.0 m): 2 GHz LOS 161.30 / NLOS 190.30 dB;
    /// 20 GHz LOS 179.90 / NLOS 217.40 dB. By hand: 2 GHz = FSPL 159.0973 + ionospheric 6.22/2^1.5 = 2.1991
    /// (+ CL 29.0 NLOS); 20 GHz = FSPL 179.0973 + gaseous 0.25/sin 30° = 0.5 + tropospheric 0.30
    /// (+ CL 37.5 NLOS). ns-3 prints two decimals and uses FSPL's 32.45 (0.0022 dB above the exact form
    /// used here), hence the 0.01 dB tolerance.
    @Test(arguments: [(2e9, true, 161.30), (2e9, false, 190.30), (20e9, true, 179.90), (20e9, false, 217.40)])
    func ns3PerStatePathLoss(frequency: Double, los: Bool, ns3: Double) {
        let d = TR38811.slantRangeMeters(elevationDeg: 30, altitudeMeters: 600e3)
        let pl = TR38811.pathLossDb(los: los, distanceMeters: d, frequencyHz: frequency, elevationDeg: 30,
                                    environment: .urban)
        #expect(abs(pl - ns3) < 0.01)
    }

    /// The same cases to 1e-9 against the hand sums (exact FSPL, 30-digit evaluation).
    @Test func perStateHandSums() {
        let d = TR38811.slantRangeMeters(elevationDeg: 30, altitudeMeters: 600e3)
        let pl2 = TR38811.pathLossDb(los: true, distanceMeters: d, frequencyHz: 2e9, elevationDeg: 30, environment: .urban)
        let pl20 = TR38811.pathLossDb(los: true, distanceMeters: d, frequencyHz: 20e9, elevationDeg: 30, environment: .urban)
        #expect(abs(pl2 - 161.296365648325) < 1e-9)
        #expect(abs(pl20 - 179.897263558834) < 1e-9)
        #expect(abs(TR38811.pathLossDb(los: false, distanceMeters: d, frequencyHz: 2e9, elevationDeg: 30,
                                       environment: .urban) - (161.296365648325 + 29.0)) < 1e-9)
    }

    /// One row of the tables: LOS probability, then (σ LOS, σ NLOS, CL) for S band and for Ka band.
    struct Row: Sendable, CustomStringConvertible {
        var environment: Environment, elevation: Double, pLos: Double
        var s: (Double, Double, Double), ka: (Double, Double, Double)
        var description: String { "\(environment.rawValue) \(elevation)°" }
    }

    /// Every environment at 10° and 90°, typed from Tables 6.6.1-1 and 6.6.2-1/2/3.
    static let rows: [Row] = [
        Row(environment: .denseUrban, elevation: 10, pLos: 0.282, s: (3.5, 15.5, 34.3), ka: (2.9, 17.1, 44.3)),
        Row(environment: .denseUrban, elevation: 90, pLos: 0.981, s: (1.2, 9.2, 25.5), ka: (0.6, 12.3, 32.9)),
        Row(environment: .urban, elevation: 10, pLos: 0.246, s: (4, 6, 34.3), ka: (4, 6, 44.3)),
        Row(environment: .urban, elevation: 90, pLos: 0.992, s: (4, 6, 25.5), ka: (4, 6, 32.9)),
        Row(environment: .suburban, elevation: 10, pLos: 0.782, s: (1.79, 8.93, 19.52), ka: (1.9, 10.7, 29.5)),
        Row(environment: .suburban, elevation: 90, pLos: 0.998, s: (0.72, 11.52, 16.30), ka: (0.4, 10.8, 16.8)),
        Row(environment: .rural, elevation: 10, pLos: 0.782, s: (1.79, 8.93, 19.52), ka: (1.9, 10.7, 29.5)),
        Row(environment: .rural, elevation: 90, pLos: 0.998, s: (0.72, 11.52, 16.30), ka: (0.4, 10.8, 16.8)),
        // Mid-table rows, to catch a shifted column.
        Row(environment: .denseUrban, elevation: 50, pLos: 0.537, s: (3.1, 10.6, 26.8), ka: (2.4, 14.2, 34.6)),
        Row(environment: .urban, elevation: 30, pLos: 0.493, s: (4, 6, 29.0), ka: (4, 6, 37.5)),
        Row(environment: .suburban, elevation: 40, pLos: 0.929, s: (0.92, 10.25, 18.28), ka: (2.3, 11.6, 20.0)),
        Row(environment: .suburban, elevation: 70, pLos: 0.949, s: (0.85, 10.17, 16.50), ka: (3.0, 10.8, 17.2)),
    ]

    @Test(arguments: rows)
    func tablesSpotCheck(row: Row) {
        let e = row.environment, el = row.elevation
        #expect(TR38811.losProbability(environment: e, elevationDeg: el) == row.pLos)
        #expect(TR38811.shadowFadingSigmaDb(environment: e, band: .s, los: true, elevationDeg: el) == row.s.0)
        #expect(TR38811.shadowFadingSigmaDb(environment: e, band: .s, los: false, elevationDeg: el) == row.s.1)
        #expect(TR38811.clutterLossDb(environment: e, band: .s, elevationDeg: el) == row.s.2)
        #expect(TR38811.shadowFadingSigmaDb(environment: e, band: .ka, los: true, elevationDeg: el) == row.ka.0)
        #expect(TR38811.shadowFadingSigmaDb(environment: e, band: .ka, los: false, elevationDeg: el) == row.ka.1)
        #expect(TR38811.clutterLossDb(environment: e, band: .ka, elevationDeg: el) == row.ka.2)
    }

    /// Full LOS-probability columns of Table 6.6.1-1.
    @Test func losProbabilityColumns() {
        let du = [0.282, 0.331, 0.398, 0.468, 0.537, 0.612, 0.738, 0.820, 0.981]
        let u = [0.246, 0.386, 0.493, 0.613, 0.726, 0.805, 0.919, 0.968, 0.992]
        let sr = [0.782, 0.869, 0.919, 0.929, 0.935, 0.940, 0.949, 0.952, 0.998]
        for i in 0 ..< 9 {
            let el = Double(10 * (i + 1))
            #expect(TR38811.losProbability(environment: .denseUrban, elevationDeg: el) == du[i])
            #expect(TR38811.losProbability(environment: .urban, elevationDeg: el) == u[i])
            #expect(TR38811.losProbability(environment: .suburban, elevationDeg: el) == sr[i])
            #expect(TR38811.losProbability(environment: .rural, elevationDeg: el) == sr[i])
        }
    }

    /// θq = 10 below 10°, else round(θ/10)·10 with halves away from zero.
    @Test(arguments: [(14.9, 10), (15.0, 20), (15.1, 20), (84.9, 80), (85.0, 90), (85.1, 90), (5.0, 10),
                      (0.0, 10), (-5.0, 10), (10.0, 10), (24.99, 20), (90.0, 90), (95.0, 90)])
    func quantization(elevation: Double, expected: Int) {
        #expect(TR38811.quantizedElevationDeg(elevation) == expected)
    }

    /// The quantized elevation drives the look-ups: 14.9° reads the 10° row, 15.1° the 20° row.
    @Test func lookUpsUseQuantizedElevation() {
        #expect(TR38811.losProbability(environment: .urban, elevationDeg: 14.9) == 0.246)
        #expect(TR38811.losProbability(environment: .urban, elevationDeg: 15.1) == 0.386)
        #expect(TR38811.losProbability(environment: .denseUrban, elevationDeg: 84.9) == 0.820)
        #expect(TR38811.losProbability(environment: .denseUrban, elevationDeg: 85.1) == 0.981)
        #expect(TR38811.clutterLossDb(environment: .suburban, band: .ka, elevationDeg: 5) == 29.5)
        #expect(TR38811.scintillationLossDb(frequencyHz: 20e9, elevationDeg: 14.9) == 1.08)
        #expect(TR38811.scintillationLossDb(frequencyHz: 20e9, elevationDeg: 15.1) == 0.48)
    }

    /// Gaseous absorption A_zenith(round(f/GHz))/sin θ, only if (θ < 10° and f > 1 GHz) or f ≥ 10 GHz.
    @Test func atmosphericAbsorption() {
        // 2 GHz at 30°: not applied. At 5°: 0.035/sin 5° = 0.401580 dB.
        #expect(TR38811.atmosphericLossDb(frequencyHz: 2e9, elevationDeg: 30) == 0)
        #expect(abs(TR38811.atmosphericLossDb(frequencyHz: 2e9, elevationDeg: 5) - 0.035 / sin(5 * Double.pi / 180)) < 1e-15)
        #expect(abs(TR38811.atmosphericLossDb(frequencyHz: 2e9, elevationDeg: 5) - 0.4015799636) < 1e-9)
        // Exactly 1 GHz below 10°: not applied (f > 1 GHz is strict).
        #expect(TR38811.atmosphericLossDb(frequencyHz: 1e9, elevationDeg: 5) == 0)
        // 20 GHz at 30°: 0.25/0.5 = 0.5 dB. 10 GHz at 45°: 0.053/sin 45° = 0.074953318 dB.
        #expect(abs(TR38811.atmosphericLossDb(frequencyHz: 20e9, elevationDeg: 30) - 0.5) < 1e-14)
        #expect(abs(TR38811.atmosphericLossDb(frequencyHz: 10e9, elevationDeg: 45) - 0.074953318) < 1e-9)
        // 60 GHz oxygen line, 90°: 170 dB zenith; 19.6 GHz rounds to the 20 GHz entry.
        #expect(TR38811.atmosphericLossDb(frequencyHz: 60e9, elevationDeg: 90) == 170)
        #expect(TR38811.zenithAttenuationDb(frequencyHz: 19.6e9) == 0.25)
        // Elevation 0 or below is raised to the minimum, so the loss stays finite.
        let horizon = TR38811.atmosphericLossDb(frequencyHz: 20e9, elevationDeg: 0)
        #expect(horizon.isFinite && abs(horizon - 0.25 / sin(TR38811.minimumElevationDeg * .pi / 180)) < 1e-12)
        #expect(TR38811.zenithAttenuationDb(frequencyHz: 150e9) == 1.0)
    }

    /// Scintillation: below 6 GHz 6.22/f^1.5 (2 GHz → 2.199102 dB), otherwise the 20 GHz table.
    @Test func scintillation() {
        #expect(abs(TR38811.scintillationLossDb(frequencyHz: 2e9, elevationDeg: 45) - 2.199102089490) < 1e-11)
        #expect(abs(TR38811.scintillationLossDb(frequencyHz: 4e9, elevationDeg: 10) - 6.22 / 8) < 1e-15)
        let troposphere = [1.08, 0.48, 0.30, 0.22, 0.17, 0.13, 0.12, 0.12, 0.12]
        for i in 0 ..< 9 {
            #expect(TR38811.scintillationLossDb(frequencyHz: 6e9, elevationDeg: Double(10 * (i + 1))) == troposphere[i])
            #expect(TR38811.scintillationLossDb(frequencyHz: 30e9, elevationDeg: Double(10 * (i + 1))) == troposphere[i])
        }
    }

    @Test func bandSwitchAt13GHz() {
        #expect(TR38811.Band(frequencyHz: 2e9) == .s)
        #expect(TR38811.Band(frequencyHz: 12.99e9) == .s)
        #expect(TR38811.Band(frequencyHz: 13e9) == .ka)
        #expect(TR38811.Band(frequencyHz: 20e9) == .ka)
    }

    @Test func decorrelationDistances() {
        #expect(TR38811.shadowingDecorrelationDistanceMeters(environment: .urban, los: true) == 37)
        #expect(TR38811.shadowingDecorrelationDistanceMeters(environment: .denseUrban, los: false) == 50)
        #expect(TR38811.shadowingDecorrelationDistanceMeters(environment: .rural, los: false) == 120)
    }

    /// Expected loss P·PL_LOS + (1 − P)·PL_NLOS. Urban, 2 GHz, 30°: 0.493·161.296366 + 0.507·190.296366
    /// = 161.296366 + 0.507·29.0 = 175.999365648325 dB.
    @Test func expectedPathLoss() {
        let d = TR38811.slantRangeMeters(elevationDeg: 30, altitudeMeters: 600e3)
        let e = TR38811.expectedPathLossDb(distanceMeters: d, frequencyHz: 2e9, elevationDeg: 30, environment: .urban)
        #expect(abs(e - 175.999365648325) < 1e-9)
    }

    /// TR 38.811 has no high-rise scenario: `high-rise` reads the dense-urban tables everywhere.
    @Test func highRiseUsesDenseUrbanTables() {
        for el in stride(from: 0.0, through: 95, by: 2.5) {
            #expect(TR38811.losProbability(environment: .highRiseUrban, elevationDeg: el)
                == TR38811.losProbability(environment: .denseUrban, elevationDeg: el))
            for band in TR38811.Band.allCases {
                #expect(TR38811.clutterLossDb(environment: .highRiseUrban, band: band, elevationDeg: el)
                    == TR38811.clutterLossDb(environment: .denseUrban, band: band, elevationDeg: el))
                for los in [true, false] {
                    #expect(TR38811.shadowFadingSigmaDb(environment: .highRiseUrban, band: band, los: los, elevationDeg: el)
                        == TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: band, los: los, elevationDeg: el))
                }
            }
        }
        #expect(TR38811.shadowingDecorrelationDistanceMeters(environment: .highRiseUrban, los: false) == 50)
        // Spot values from Table 6.6.2-1 (dense urban): 40°, S band σ NLOS 11.7, Ka CL 35.8; P_LOS 0.468.
        #expect(TR38811.shadowFadingSigmaDb(environment: .highRiseUrban, band: .s, los: false, elevationDeg: 40) == 11.7)
        #expect(TR38811.clutterLossDb(environment: .highRiseUrban, band: .ka, elevationDeg: 40) == 35.8)
        #expect(TR38811.losProbability(environment: .highRiseUrban, elevationDeg: 40) == 0.468)
    }

    /// Dense-urban σ_SF at every tabulated elevation (Table 6.6.2-1), and the remaining suburban
    /// columns (Table 6.6.2-3), to catch a transposed entry.
    @Test func fullShadowingColumns() {
        let duLosS = [3.5, 3.4, 2.9, 3.0, 3.1, 2.7, 2.5, 2.3, 1.2]
        let duNlosS = [15.5, 13.9, 12.4, 11.7, 10.6, 10.5, 10.1, 9.2, 9.2]
        let duLosKa = [2.9, 2.4, 2.7, 2.4, 2.4, 2.7, 2.6, 2.8, 0.6]
        let duNlosKa = [17.1, 17.1, 15.6, 14.6, 14.2, 12.6, 12.1, 12.3, 12.3]
        let suNlosKa = [10.7, 10.0, 11.2, 11.6, 11.8, 10.8, 10.8, 10.8, 10.8]
        let suClS = [19.52, 18.17, 18.42, 18.28, 18.63, 17.68, 16.50, 16.30, 16.30]
        for i in 0 ..< 9 {
            let el = Double(10 * (i + 1))
            #expect(TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: .s, los: true, elevationDeg: el) == duLosS[i])
            #expect(TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: .s, los: false, elevationDeg: el) == duNlosS[i])
            #expect(TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: .ka, los: true, elevationDeg: el) == duLosKa[i])
            #expect(TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: .ka, los: false, elevationDeg: el) == duNlosKa[i])
            #expect(TR38811.shadowFadingSigmaDb(environment: .suburban, band: .ka, los: false, elevationDeg: el) == suNlosKa[i])
            #expect(TR38811.clutterLossDb(environment: .rural, band: .s, elevationDeg: el) == suClS[i])
        }
    }
}

