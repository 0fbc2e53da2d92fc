import Foundation
import Links

/// 3GPP TR 38.811 (v15.4.0) large-scale channel for satellite and HAPS links, as ns-3 3.44
/// implements it (`ThreeGppNTN*PropagationLossModel`, `ThreeGppNTN*ChannelConditionModel`).
///
/// The building blocks of the `empirical` provider and of later sampling providers:
///
/// ```
/// PL_LOS  = FSPL(d, f) + PL_atm(f, θ) + PL_scint(f, θq)
/// PL_NLOS = FSPL(d, f) + CL(env, band, θq) + PL_atm(f, θ) + PL_scint(f, θq)
/// ```
///
/// θ is the true elevation of the satellite at the ground terminal, degrees; θq its quantization
/// to the tabulated angles (``quantizedElevationDeg(_:)``). Table look-ups (LOS probability, σ_SF,
/// clutter loss, tropospheric scintillation) use θq, gaseous absorption the raw θ. Rural uses the
/// suburban LOS-probability column (TR 38.811 Table 6.6.1-1 groups them). TR 38.811 has no high-rise
/// scenario: ``Environment/highRiseUrban`` uses the dense-urban tables throughout.
///
/// ns-3 differs in one respect that this type does not copy: its elevation is computed from the
/// node with the smaller ECEF z, which for a satellite south of the user yields 90° − nadir angle
/// instead of the elevation. Here every function takes the true elevation.
///
/// ```swift
/// let d = TR38811.slantRangeMeters(elevationDeg: 30, altitudeMeters: 600e3)          // 1 075 088 m
/// TR38811.losProbability(environment: .urban, elevationDeg: 30)                      // 0.493
/// TR38811.pathLossDb(los: true, distanceMeters: d, frequencyHz: 2e9,
///                    elevationDeg: 30, environment: .urban)                          // 161.30 dB
/// TR38811.pathLossDb(los: false, distanceMeters: d, frequencyHz: 2e9,
///                    elevationDeg: 30, environment: .urban)                          // 190.30 dB
/// ```
public enum TR38811 {
    /// Frequency band of the clutter-loss and shadow-fading tables (TR 38.811 Tables 6.6.2-x).
    ///
    /// ```swift
    /// TR38811.Band(frequencyHz: 2e9)      // .s
    /// TR38811.Band(frequencyHz: 20e9)     // .ka
    /// ```
    public enum Band: String, Sendable, Hashable, CaseIterable, Codable {
        /// S band (2 GHz) columns.
        case s = "S"
        /// Ka band (20 GHz downlink / 30 GHz uplink) columns.
        case ka = "Ka"

        /// ns-3's switch: S band below 13 GHz, Ka band from 13 GHz.
        @inlinable
        public init(frequencyHz: Double) { self = frequencyHz < 13e9 ? .s : .ka }
    }

    /// Earth radius of TR 38.811 eq. 6.6-3 and of ns-3's geocentric sphere, metres.
    public static let earthRadiusMeters: Double = 6_371_000
    /// Elevations below this are raised to it before dividing by sin θ (gaseous absorption), degrees.
    public static let minimumElevationDeg: Double = 1

    // MARK: Elevation

    /// Tabulated elevation nearest to `elevationDeg` (10, 20, …, 90): 10 below 10°, otherwise
    /// round(θ/10)·10 with halves rounded away from zero (C `round`, as ns-3), capped at 90.
    /// So 14.9 → 10, 15 → 20, 84.9 → 80, 85.1 → 90, 5 → 10.
    @inlinable
    public static func quantizedElevationDeg(_ elevationDeg: Double) -> Int {
        guard elevationDeg >= 10 else { return 10 }     // also NaN
        return Int((min(elevationDeg, 90) / 10).rounded(.toNearestOrAwayFromZero)) * 10
    }

    /// Row index 0…8 of the tables for `elevationDeg`.
    @inlinable
    static func row(_ elevationDeg: Double) -> Int { quantizedElevationDeg(elevationDeg) / 10 - 1 }

    /// Slant range from a ground terminal to a platform at `altitudeMeters` seen at `elevationDeg`,
    /// metres (TR 38.811 eq. 6.6-3): d = √(R² sin²θ + h² + 2hR) − R sinθ.
    @inlinable
    public static func slantRangeMeters(elevationDeg: Double, altitudeMeters: Double,
                                        earthRadiusMeters: Double = earthRadiusMeters) -> Double {
        let rSin = earthRadiusMeters * sin(elevationDeg * .pi / 180)
        let h = altitudeMeters
        return (rSin * rSin + h * h + 2 * h * earthRadiusMeters).squareRoot() - rSin
    }

    // MARK: LOS probability (Table 6.6.1-1)

    /// Probability of line of sight at `elevationDeg` (TR 38.811 Table 6.6.1-1, step look-up at the
    /// quantized elevation; rural uses the suburban column, high-rise the dense-urban one).
    @inlinable
    public static func losProbability(environment: Environment, elevationDeg: Double) -> Double {
        let i = row(elevationDeg)
        switch environment {
        case .denseUrban, .highRiseUrban: return Tables.losDenseUrban[i]
        case .urban: return Tables.losUrban[i]
        case .suburban, .rural: return Tables.losSuburbanRural[i]
        }
    }

    // MARK: Shadow fading and clutter loss (Tables 6.6.2-1/2/3)

    /// Standard deviation of the log-normal shadow fading, dB (TR 38.811 Tables 6.6.2-1 dense urban,
    /// 6.6.2-2 urban (4 dB LOS, 6 dB NLOS throughout), 6.6.2-3 suburban and rural).
    @inlinable
    public static func shadowFadingSigmaDb(environment: Environment, band: Band, los: Bool,
                                           elevationDeg: Double) -> Double {
        let i = row(elevationDeg)
        switch (environment, band, los) {
        case (.denseUrban, .s, true), (.highRiseUrban, .s, true): return Tables.denseUrbanSigmaLosS[i]
        case (.denseUrban, .s, false), (.highRiseUrban, .s, false): return Tables.denseUrbanSigmaNlosS[i]
        case (.denseUrban, .ka, true), (.highRiseUrban, .ka, true): return Tables.denseUrbanSigmaLosKa[i]
        case (.denseUrban, .ka, false), (.highRiseUrban, .ka, false): return Tables.denseUrbanSigmaNlosKa[i]
        case (.urban, _, true): return 4
        case (.urban, _, false): return 6
        case (.suburban, .s, true), (.rural, .s, true): return Tables.suburbanSigmaLosS[i]
        case (.suburban, .s, false), (.rural, .s, false): return Tables.suburbanSigmaNlosS[i]
        case (.suburban, .ka, true), (.rural, .ka, true): return Tables.suburbanSigmaLosKa[i]
        case (.suburban, .ka, false), (.rural, .ka, false): return Tables.suburbanSigmaNlosKa[i]
        }
    }

    /// Clutter loss of an NLOS link, dB (TR 38.811 Tables 6.6.2-1/2/3; urban shares the dense-urban
    /// values). A LOS link has no clutter loss.
    @inlinable
    public static func clutterLossDb(environment: Environment, band: Band, elevationDeg: Double) -> Double {
        let i = row(elevationDeg)
        switch (environment, band) {
        case (.denseUrban, .s), (.highRiseUrban, .s), (.urban, .s): return Tables.urbanClutterS[i]
        case (.denseUrban, .ka), (.highRiseUrban, .ka), (.urban, .ka): return Tables.urbanClutterKa[i]
        case (.suburban, .s), (.rural, .s): return Tables.suburbanClutterS[i]
        case (.suburban, .ka), (.rural, .ka): return Tables.suburbanClutterKa[i]
        }
    }

    /// Shadowing decorrelation distance ns-3 uses with TR 38.811 (Tables 6.7.2-x), metres:
    /// 37 m LOS; 50 m NLOS, 120 m NLOS rural.
    @inlinable
    public static func shadowingDecorrelationDistanceMeters(environment: Environment, los: Bool) -> Double {
        if los { return 37 }
        return environment == .rural ? 120 : 50
    }

    // MARK: Atmosphere and scintillation (§6.6.4, §6.6.6)

    /// Zenith gaseous attenuation at `frequencyHz` (ITU-R P.676 Fig. 6, standard atmosphere, as
    /// tabulated by ns-3 per whole GHz; index round(f/1 GHz), clamped to 0…100 GHz), dB.
    @inlinable
    public static func zenithAttenuationDb(frequencyHz: Double) -> Double {
        let ghz = (frequencyHz / 1e9).rounded(.toNearestOrAwayFromZero)
        guard ghz > 0 else { return 0 }     // also NaN
        return Tables.zenithAttenuation[Int(min(ghz, 100))]
    }

    /// Gaseous absorption along the slant path, dB (TR 38.811 §6.6.4): A_zenith(f)/sin θ, applied as in
    /// ns-3 only when (θ < 10° and f > 1 GHz) or f ≥ 10 GHz, otherwise 0. θ is the raw elevation,
    /// raised to ``minimumElevationDeg``.
    @inlinable
    public static func atmosphericLossDb(frequencyHz: Double, elevationDeg: Double) -> Double {
        guard (elevationDeg < 10 && frequencyHz > 1e9) || frequencyHz >= 10e9 else { return 0 }
        let theta = max(elevationDeg, minimumElevationDeg)
        return zenithAttenuationDb(frequencyHz: frequencyHz) / sin(theta * .pi / 180)
    }

    /// Scintillation loss, dB (TR 38.811 §6.6.6, as ns-3 applies it): below 6 GHz the ionospheric term
    /// 6.22/f_GHz^1.5 (P_fluc(4 GHz) = 1.1 dB scaled as f^−1.5 and divided by √2; elevation-free); from
    /// 6 GHz the tropospheric Table 6.6.6.2.1-1 (20 GHz, 99 %) at the quantized elevation.
    @inlinable
    public static func scintillationLossDb(frequencyHz: Double, elevationDeg: Double) -> Double {
        if frequencyHz < 6e9 {
            let ghz = frequencyHz / 1e9
            return 6.22 / (ghz * ghz.squareRoot())
        }
        return Tables.troposphericScintillation[row(elevationDeg)]
    }

    // MARK: Path loss

    /// Path loss of a LOS (`los` true) or NLOS link, dB: FSPL + gaseous absorption + scintillation,
    /// plus clutter loss when NLOS. No shadow fading (draw it from ``shadowFadingSigmaDb(environment:band:los:elevationDeg:)``).
    ///
    /// FSPL is the exact 20·log10(4πdf/c) (``FreeSpace``); ns-3's 32.45 form reads 0.0022 dB higher.
    @inlinable
    public static func pathLossDb(los: Bool, distanceMeters: Double, frequencyHz: Double,
                                  elevationDeg: Double, environment: Environment) -> Double {
        var loss = FreeSpace.pathLossDb(distanceMeters: distanceMeters, frequencyHz: frequencyHz)
            + atmosphericLossDb(frequencyHz: frequencyHz, elevationDeg: elevationDeg)
            + scintillationLossDb(frequencyHz: frequencyHz, elevationDeg: elevationDeg)
        if !los {
            loss += clutterLossDb(environment: environment, band: Band(frequencyHz: frequencyHz),
                                  elevationDeg: elevationDeg)
        }
        return loss
    }

    /// Expected path loss over the LOS state, in dB: P_LOS·PL_LOS + (1 − P_LOS)·PL_NLOS
    /// = FSPL + atm + scint + (1 − P_LOS)·CL. (An average of decibels, not of linear power.)
    @inlinable
    public static func expectedPathLossDb(distanceMeters: Double, frequencyHz: Double,
                                          elevationDeg: Double, environment: Environment) -> Double {
        let p = losProbability(environment: environment, elevationDeg: elevationDeg)
        return p * pathLossDb(los: true, distanceMeters: distanceMeters, frequencyHz: frequencyHz,
                              elevationDeg: elevationDeg, environment: environment)
            + (1 - p) * pathLossDb(los: false, distanceMeters: distanceMeters, frequencyHz: frequencyHz,
                                   elevationDeg: elevationDeg, environment: environment)
    }

    /// The tables, one entry per tabulated elevation 10°, 20°, …, 90° (index θq/10 − 1).
    ///
    /// ```swift
    /// TR38811.Tables.losUrban[2]                      // 0.493, P_LOS at 30°
    /// TR38811.Tables.zenithAttenuation[20]            // 0.25 dB at 20 GHz
    /// ```
    public enum Tables {
        /// Table 6.6.1-1, dense urban.
        public static let losDenseUrban: [Double] = [0.282, 0.331, 0.398, 0.468, 0.537, 0.612, 0.738, 0.820, 0.981]
        /// Table 6.6.1-1, urban.
        public static let losUrban: [Double] = [0.246, 0.386, 0.493, 0.613, 0.726, 0.805, 0.919, 0.968, 0.992]
        /// Table 6.6.1-1, suburban and rural.
        public static let losSuburbanRural: [Double] = [0.782, 0.869, 0.919, 0.929, 0.935, 0.940, 0.949, 0.952, 0.998]

        /// Table 6.6.2-1 (dense urban), σ_SF LOS, S band, dB.
        public static let denseUrbanSigmaLosS: [Double] = [3.5, 3.4, 2.9, 3.0, 3.1, 2.7, 2.5, 2.3, 1.2]
        /// Table 6.6.2-1, σ_SF NLOS, S band, dB.
        public static let denseUrbanSigmaNlosS: [Double] = [15.5, 13.9, 12.4, 11.7, 10.6, 10.5, 10.1, 9.2, 9.2]
        /// Table 6.6.2-1, σ_SF LOS, Ka band, dB.
        public static let denseUrbanSigmaLosKa: [Double] = [2.9, 2.4, 2.7, 2.4, 2.4, 2.7, 2.6, 2.8, 0.6]
        /// Table 6.6.2-1, σ_SF NLOS, Ka band, dB.
        public static let denseUrbanSigmaNlosKa: [Double] = [17.1, 17.1, 15.6, 14.6, 14.2, 12.6, 12.1, 12.3, 12.3]
        /// Tables 6.6.2-1/2 (dense urban and urban), clutter loss, S band, dB.
        public static let urbanClutterS: [Double] = [34.3, 30.9, 29.0, 27.7, 26.8, 26.2, 25.8, 25.5, 25.5]
        /// Tables 6.6.2-1/2, clutter loss, Ka band, dB.
        public static let urbanClutterKa: [Double] = [44.3, 39.9, 37.5, 35.8, 34.6, 33.8, 33.3, 33.0, 32.9]

        /// Table 6.6.2-3 (suburban and rural), σ_SF LOS, S band, dB.
        public static let suburbanSigmaLosS: [Double] = [1.79, 1.14, 1.14, 0.92, 1.42, 1.56, 0.85, 0.72, 0.72]
        /// Table 6.6.2-3, σ_SF NLOS, S band, dB.
        public static let suburbanSigmaNlosS: [Double] = [8.93, 9.08, 8.78, 10.25, 10.56, 10.74, 10.17, 11.52, 11.52]
        /// Table 6.6.2-3, clutter loss, S band, dB.
        public static let suburbanClutterS: [Double] = [19.52, 18.17, 18.42, 18.28, 18.63, 17.68, 16.50, 16.30, 16.30]
        /// Table 6.6.2-3, σ_SF LOS, Ka band, dB.
        public static let suburbanSigmaLosKa: [Double] = [1.9, 1.6, 1.9, 2.3, 2.7, 3.1, 3.0, 3.6, 0.4]
        /// Table 6.6.2-3, σ_SF NLOS, Ka band, dB.
        public static let suburbanSigmaNlosKa: [Double] = [10.7, 10.0, 11.2, 11.6, 11.8, 10.8, 10.8, 10.8, 10.8]
        /// Table 6.6.2-3, clutter loss, Ka band, dB.
        public static let suburbanClutterKa: [Double] = [29.5, 24.6, 21.9, 20.0, 18.7, 17.8, 17.2, 16.9, 16.8]

        /// Table 6.6.6.2.1-1: tropospheric scintillation at 20 GHz (Toulouse, 99 %), dB.
        public static let troposphericScintillation: [Double] = [1.08, 0.48, 0.30, 0.22, 0.17, 0.13, 0.12, 0.12, 0.12]

        /// Zenith gaseous attenuation (ITU-R P.676 Fig. 6), dB, index = frequency in whole GHz 0…100
        /// (index 0 unused), as tabulated in ns-3's `three-gpp-propagation-loss-model.cc`.
        public static let zenithAttenuation: [Double] = [
            0, 0.0300, 0.0350, 0.0380, 0.0390, 0.0410, 0.0420, 0.0450, 0.0480, 0.0500,
            0.0530, 0.0587, 0.0674, 0.0789, 0.0935, 0.1113, 0.1322, 0.1565, 0.1841, 0.2153,
            0.2500, 0.3362, 0.4581, 0.5200, 0.5200, 0.5000, 0.4500, 0.3850, 0.3200, 0.2700,
            0.2500, 0.2517, 0.2568, 0.2651, 0.2765, 0.2907, 0.3077, 0.3273, 0.3493, 0.3736,
            0.4000, 0.4375, 0.4966, 0.5795, 0.6881, 0.8247, 0.9912, 1.1900, 1.4229, 1.6922,
            2.0000, 4.2654, 10.1504, 19.2717, 31.2457, 45.6890, 62.2182, 80.4496, 100.0000, 140.0205,
            170.0000, 100.0000, 78.1682, 59.3955, 43.5434, 30.4733, 20.0465, 12.1244, 6.5683, 3.2397,
            2.0000, 1.7708, 1.5660, 1.3858, 1.2298, 1.0981, 0.9905, 0.9070, 0.8475, 0.8119,
            0.8000, 0.8000, 0.8000, 0.8000, 0.8000, 0.8000, 0.8000, 0.8000, 0.8000, 0.8000,
            0.8000, 0.8029, 0.8112, 0.8243, 0.8416, 0.8625, 0.8864, 0.9127, 0.9408, 0.9701, 1.0000,
        ]
    }
}
