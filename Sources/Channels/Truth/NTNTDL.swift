import Foundation
import Links
import SimCore

/// A tapped-delay-line power delay profile with delays normalised to an RMS delay spread of 1
/// (3GPP TR 38.811 §6.9.2, NTN-TDL; scaling as TR 38.901 §7.7.3: τ = τ_norm · DS_desired).
///
/// Source of the tap tables: TR 38.811 v15.4.0 Tables 6.9.2-1 (NTN-TDL-A), 6.9.2-2 (-B),
/// 6.9.2-3 (-C) and 6.9.2-4 (-D), as reproduced in public implementations found in the code index
/// (a MATLAB `tdl_profile.m` citing TR 38.811 Tables 6.9.2-1..4, and a Python NTN-TDL channel
/// simulator with the same numbers; MATLAB's `nrTDLChannel` implements the same profiles under the
/// names "NTN-TDL-A" … "NTN-TDL-D"). The LOS profiles split the first tap into a specular (LOS)
/// part and a Rayleigh part at the same delay; the ratio of their powers is the first-tap K-factor
/// (NTN-TDL-C 10.224 dB, NTN-TDL-D 11.707 dB).
///
/// ```swift
/// let p = TDLProfile.ntnTDLD
/// p.firstTapKFactorDb              // 11.707
/// p.narrowbandKFactorDb            // ≈ 7.0 dB: specular over all diffuse power (flat-fading K)
/// p.normalizedRMSDelaySpread       // ≈ 1
/// ```
public struct TDLProfile: Sendable, Hashable, CustomStringConvertible {
    /// One tap: normalised delay, power (dB, as tabulated) and whether it is the specular LOS part.
    public struct Tap: Sendable, Hashable {
        /// Delay in units of the desired RMS delay spread.
        public var normalizedDelay: Double
        /// Tap power, dB (the table's value, before normalisation to unit total power).
        public var powerDb: Double
        /// True for the specular (LOS, deterministic amplitude) component; false for Rayleigh.
        public var isSpecular: Bool

        public init(normalizedDelay: Double, powerDb: Double, isSpecular: Bool = false) {
            self.normalizedDelay = normalizedDelay
            self.powerDb = powerDb
            self.isSpecular = isSpecular
        }
    }

    /// "NTN-TDL-A" …
    public var name: String
    /// The taps in table order.
    public var taps: [Tap]

    public init(name: String, taps: [Tap]) {
        self.name = name
        self.taps = taps
    }

    /// NTN-TDL-A (NLOS), TR 38.811 Table 6.9.2-1.
    public static let ntnTDLA = TDLProfile(name: "NTN-TDL-A", taps: [
        Tap(normalizedDelay: 0, powerDb: 0),
        Tap(normalizedDelay: 1.0811, powerDb: -4.675),
        Tap(normalizedDelay: 2.8416, powerDb: -6.482),
    ])
    /// NTN-TDL-B (NLOS), TR 38.811 Table 6.9.2-2.
    public static let ntnTDLB = TDLProfile(name: "NTN-TDL-B", taps: [
        Tap(normalizedDelay: 0, powerDb: 0),
        Tap(normalizedDelay: 0.7249, powerDb: -1.973),
        Tap(normalizedDelay: 0.7410, powerDb: -4.332),
        Tap(normalizedDelay: 5.7392, powerDb: -11.914),
    ])
    /// NTN-TDL-C (LOS), TR 38.811 Table 6.9.2-3; first-tap K = 10.224 dB.
    public static let ntnTDLC = TDLProfile(name: "NTN-TDL-C", taps: [
        Tap(normalizedDelay: 0, powerDb: -0.394, isSpecular: true),
        Tap(normalizedDelay: 0, powerDb: -10.618),
        Tap(normalizedDelay: 14.8124, powerDb: -23.373),
    ])
    /// NTN-TDL-D (LOS), TR 38.811 Table 6.9.2-4; first-tap K = 11.707 dB.
    public static let ntnTDLD = TDLProfile(name: "NTN-TDL-D", taps: [
        Tap(normalizedDelay: 0, powerDb: -0.284, isSpecular: true),
        Tap(normalizedDelay: 0, powerDb: -11.991),
        Tap(normalizedDelay: 0.5596, powerDb: -9.887),
        Tap(normalizedDelay: 7.3340, powerDb: -16.771),
    ])
    /// All four NTN profiles.
    public static let all: [TDLProfile] = [.ntnTDLA, .ntnTDLB, .ntnTDLC, .ntnTDLD]

    /// The profile's name.
    public var description: String { name }

    /// True when the profile has a specular tap.
    public var isLOS: Bool { taps.contains { $0.isSpecular } }

    /// Tap powers in linear units scaled so they sum to 1 (table order).
    public var normalizedPowers: [Double] {
        let linear = taps.map { pow(10, $0.powerDb / 10) }
        let total = linear.reduce(0, +)
        return linear.map { $0 / total }
    }

    /// K-factor of the first tap (specular power over the Rayleigh power at the same delay), dB;
    /// nil for an NLOS profile.
    public var firstTapKFactorDb: Double? {
        guard let s = taps.firstIndex(where: \.isSpecular) else { return nil }
        let d = taps[s].normalizedDelay
        let diffuse = taps.indices.filter { $0 != s && taps[$0].normalizedDelay == d }
            .map { pow(10, taps[$0].powerDb / 10) }.reduce(0, +)
        return taps[s].powerDb - 10 * log10(diffuse)
    }

    /// K-factor of the flat (narrowband) channel Σ taps: specular power over all diffuse power, dB;
    /// nil for an NLOS profile. This is the K of ``TDLRealisation/narrowbandPowerGain``.
    public var narrowbandKFactorDb: Double? {
        guard isLOS else { return nil }
        let p = normalizedPowers
        let spec = taps.indices.filter { taps[$0].isSpecular }.map { p[$0] }.reduce(0, +)
        return 10 * log10(spec / (1 - spec))
    }

    /// RMS delay spread of the normalised delays weighted by the normalised powers (≈ 1 by design).
    public var normalizedRMSDelaySpread: Double {
        Self.rmsDelaySpread(delays: taps.map(\.normalizedDelay), powers: normalizedPowers)
    }

    /// RMS delay spread √(Σpτ²/Σp − (Σpτ/Σp)²) of a power delay profile (any units of delay).
    public static func rmsDelaySpread(delays: [Double], powers: [Double]) -> Double {
        precondition(delays.count == powers.count, "delays and powers differ in length")
        let total = powers.reduce(0, +)
        guard total > 0 else { return 0 }
        var m1 = 0.0, m2 = 0.0
        for (t, p) in zip(delays, powers) {
            m1 += p * t
            m2 += p * t * t
        }
        m1 /= total
        m2 /= total
        return max(m2 - m1 * m1, 0).squareRoot()
    }
}

/// One random realisation of a ``TDLProfile``: complex gains at distinct delays (taps that share a
/// delay, like the specular and Rayleigh parts of a LOS first tap, are summed), mean total power 1.
///
/// Each Rayleigh tap of normalised power p is a circular complex Gaussian, real and imaginary parts
/// N(0, p/2); the specular tap has amplitude √p and a uniform random phase. So the narrowband gain
/// Σ gains is Rayleigh (NLOS profiles) or Rician with ``TDLProfile/narrowbandKFactorDb`` (LOS).
///
/// ```swift
/// let r = TDLRealisation.draw(profile: .ntnTDLA, delaySpreadSeconds: 100e-9,
///                             stream: RandomStreams(seed: 1).stream("tdl"))
/// r.powers                   // per-delay |a|²
/// r.narrowbandPowerGain      // |Σ a|², mean 1
/// ```
public struct TDLRealisation: Sendable, Hashable {
    /// Distinct tap delays, seconds, increasing.
    public var delaysSeconds: [Double]
    /// Complex gains (real, imaginary) at those delays.
    public var gains: [SIMD2<Double>]

    public init(delaysSeconds: [Double], gains: [SIMD2<Double>]) {
        precondition(delaysSeconds.count == gains.count, "delays and gains differ in length")
        self.delaysSeconds = delaysSeconds
        self.gains = gains
    }

    /// Per-delay power |a|².
    public var powers: [Double] { gains.map { $0.x * $0.x + $0.y * $0.y } }

    /// Narrowband (carrier-frequency) power gain |Σ a|²: the flat-fading power gain of the link.
    public var narrowbandPowerGain: Double {
        let s = gains.reduce(SIMD2<Double>(0, 0), +)
        return s.x * s.x + s.y * s.y
    }

    /// RMS delay spread of the realised power delay profile, seconds.
    public var rmsDelaySpreadSeconds: Double {
        TDLProfile.rmsDelaySpread(delays: delaysSeconds, powers: powers)
    }

    /// Draws a realisation of `profile` with delays scaled by `delaySpreadSeconds`. Uses exactly
    /// 2 normal draws per Rayleigh tap and 1 uniform draw per specular tap, in table order.
    public static func draw(profile: TDLProfile, delaySpreadSeconds: Double, stream: RNGStream) -> TDLRealisation {
        let p = profile.normalizedPowers
        var delays: [Double] = []
        var gains: [SIMD2<Double>] = []
        for (i, tap) in profile.taps.enumerated() {
            let g: SIMD2<Double>
            if tap.isSpecular {
                let phase = 2 * Double.pi * stream.uniform()
                g = p[i].squareRoot() * SIMD2(cos(phase), sin(phase))
            } else {
                let s = (p[i] / 2).squareRoot()
                g = SIMD2(stream.normal(standardDeviation: s), stream.normal(standardDeviation: s))
            }
            let tau = tap.normalizedDelay * delaySpreadSeconds
            if let j = delays.firstIndex(of: tau) {
                gains[j] += g
            } else {
                delays.append(tau)
                gains.append(g)
            }
        }
        let order = delays.indices.sorted { delays[$0] < delays[$1] }
        return TDLRealisation(delaysSeconds: order.map { delays[$0] }, gains: order.map { gains[$0] })
    }
}

/// Median RMS delay spread of TR 38.811 §6.7.2 (Tables 6.7.2-1a … 6.7.2-8b: lgDS = log10(DS/1 s)),
/// DS = 10^μ_lgDS, by environment, band, LOS state and quantized elevation.
///
/// Values: μ_lgDS as tabulated in ns-3's `src/spectrum/model/three-gpp-channel-model.cc`
/// (`NTNDenseUrbanLOS`, …, `NTNRuralNLOS`, first column). Only the median is used (σ_lgDS is not
/// drawn), so the delay spread is a deterministic function of the large-scale state.
///
/// ```swift
/// NTNDelaySpread.medianSeconds(environment: .urban, band: .s, los: true, elevationDeg: 30)  // 10^−8.21 s ≈ 6.2 ns
/// ```
public enum NTNDelaySpread {
    /// 10^μ_lgDS, seconds, at the quantized elevation (TR38811.quantizedElevationDeg).
    public static func medianSeconds(environment: Environment, band: TR38811.Band, los: Bool,
                                     elevationDeg: Double) -> Double {
        let i = TR38811.quantizedElevationDeg(elevationDeg) / 10 - 1
        return pow(10, muLgDS(environment: environment, band: band, los: los)[i])
    }

    /// μ_lgDS per quantized elevation 10°…90°.
    public static func muLgDS(environment: Environment, band: TR38811.Band, los: Bool) -> [Double] {
        switch (environment, band, los) {
        case (.denseUrban, .s, true), (.highRiseUrban, .s, true): return [-7.12, -7.28, -7.45, -7.73, -7.91, -8.14, -8.23, -8.28, -8.36]
        case (.denseUrban, .ka, true), (.highRiseUrban, .ka, true): return [-7.43, -7.62, -7.76, -8.02, -8.13, -8.3, -8.34, -8.39, -8.45]
        case (.denseUrban, .s, false), (.highRiseUrban, .s, false): return [-6.84, -6.81, -6.94, -7.14, -7.34, -7.53, -7.67, -7.82, -7.84]
        case (.denseUrban, .ka, false), (.highRiseUrban, .ka, false): return [-6.86, -6.84, -7.0, -7.21, -7.42, -7.86, -7.76, -8.07, -7.95]
        case (.urban, .s, true): return [-7.97, -8.12, -8.21, -8.31, -8.37, -8.39, -8.38, -8.35, -8.34]
        case (.urban, .ka, true): return [-8.52, -8.59, -8.51, -8.49, -8.48, -8.44, -8.4, -8.37, -8.35]
        case (.urban, _, false): return [-7.24, -7.7, -7.82, -8.04, -8.08, -8.1, -8.16, -8.03, -8.33]
        case (.suburban, .s, true): return [-8.16, -8.56, -8.72, -8.71, -8.72, -8.66, -8.38, -8.34, -8.34]
        case (.suburban, .ka, true): return [-8.07, -8.61, -8.72, -8.63, -8.54, -8.48, -8.42, -8.39, -8.37]
        case (.suburban, _, false): return [-7.43, -7.63, -7.86, -7.96, -7.98, -8.45, -8.21, -8.69, -8.69]
        case (.rural, .s, true): return [-9.55, -8.68, -8.46, -8.36, -8.29, -8.26, -8.22, -8.2, -8.19]
        case (.rural, .ka, true): return [-9.68, -8.86, -8.59, -8.46, -8.36, -8.3, -8.26, -8.22, -8.21]
        case (.rural, .s, false): return [-9.01, -8.37, -8.05, -7.92, -7.92, -7.96, -7.91, -7.79, -7.74]
        case (.rural, .ka, false): return [-9.13, -8.39, -8.1, -7.96, -7.99, -8.05, -8.01, -8.05, -7.91]
        }
    }
}
