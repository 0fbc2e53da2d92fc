import Foundation
import SimCore

/// How an antenna's gain varies with the angle off its boresight.
///
/// Four shapes cover the simulator's terminals. All are rotationally symmetric about the boresight,
/// so one angle θ (degrees, 0…180) describes a direction:
///
/// | case | peak gain | off boresight |
/// |---|---|---|
/// | `isotropic` | 0 dBi | 0 dBi |
/// | `omni(gainDbi:)` | `gainDbi` | `gainDbi` (constant) |
/// | `bessel(apertureRadiusMeters:efficiency:)` | η(2πa/λ)² | TR 38.811 §6.4.1: G_max·4\|J1(ka sinθ)/(ka sinθ)\|² |
/// | `dish(diameterMeters:efficiency:)` | η(πD/λ)² | uniform-aperture main lobe, then ITU-R S.465-style envelope |
///
/// `bessel` is the TR 38.811 satellite antenna (k = 2π/λ, a the aperture radius). Its relative
/// pattern is exactly 1 at θ = 0 (J1(x)/x → 1/2) and is floored at
/// ``besselFloorBelowPeakDb`` below the peak, both at its nulls and for θ ≥ 90° (TR 38.811 gives
/// nothing behind the aperture plane; ns-3's `CircularApertureAntennaModel` likewise returns a fixed
/// minimum there, `AntennaMinGainDb` = −100 dB by default).
///
/// `dish` is a parabolic reflector of diameter D: the same uniform-aperture main lobe (a = D/2) out to
/// its first null (ka sinθ = 3.8317), then the sidelobe envelope 32 − 25 log10(θ°) dBi up to 48° and
/// −10 dBi beyond (ITU-R S.465 / S.580 reference envelope). The envelope is capped at the peak gain,
/// and inside the main lobe the gain never drops below the envelope's value at the first null, so the
/// pattern is continuous and finite. If the dish is smaller than 1.22 λ (no first null before 90°),
/// the main lobe runs to 90°.
///
/// ```swift
/// let satellite = AntennaPattern.bessel(apertureRadiusMeters: 0.5, efficiency: 1)
/// satellite.peakGainDbi(frequencyHz: 2e9)                       // 26.43 dBi
/// satellite.gainDbi(offBoresightDeg: 2, frequencyHz: 2e9)       // 25.84 dBi
/// let vsat = AntennaPattern.dish(diameterMeters: 0.6, efficiency: 0.65)
/// vsat.peakGainDbi(frequencyHz: 20e9)                           // 40.12 dBi
/// vsat.gainDbi(offBoresightDeg: 10, frequencyHz: 20e9)          // 7.0 dBi (sidelobe envelope)
/// ```
public enum AntennaPattern: Sendable, Hashable, Codable {
    /// 0 dBi in every direction.
    case isotropic
    /// A constant gain in every direction, dBi.
    case omni(gainDbi: Double)
    /// TR 38.811 §6.4.1 satellite antenna: a uniformly illuminated circular aperture of radius `a`
    /// (metres) with aperture efficiency η (0…1).
    case bessel(apertureRadiusMeters: Double, efficiency: Double)
    /// Parabolic reflector of diameter D (metres) with aperture efficiency η (typically 0.55–0.7).
    case dish(diameterMeters: Double, efficiency: Double)

    /// How far below its peak the `bessel` pattern may fall (its nulls, and everything at θ ≥ 90°), dB.
    public static let besselFloorBelowPeakDb: Double = 100
    /// Gain of the `dish` pattern beyond 48° off boresight (ITU-R S.465 back-lobe level), dBi.
    public static let dishFarSidelobeGainDbi: Double = -10
    /// The angle where the `dish` sidelobe envelope reaches its far-sidelobe level, degrees.
    public static let dishFarSidelobeStartDeg: Double = 48
    /// First positive zero of J1 (DLMF Table 10.21.1): the first null of a uniform circular aperture
    /// is at k·a·sinθ = j₁,₁.
    public static let firstZeroOfJ1: Double = 3.8317059702075125

    /// Gain at `offBoresightDeg` degrees off the boresight, dBi, at `frequencyHz`.
    ///
    /// Finite for every angle; angles are folded into 0…180° (negative angles mirror positive ones).
    @inlinable
    public func gainDbi(offBoresightDeg: Double, frequencyHz: Double) -> Double {
        switch self {
        case .isotropic:
            return 0
        case .omni(let gain):
            return gain
        case .bessel(let radius, let efficiency):
            let ka = Self.waveNumber(frequencyHz: frequencyHz) * radius
            let peak = 10 * log10(efficiency * ka * ka)
            let theta = Self.foldedAngleDeg(offBoresightDeg)
            if theta >= 90 { return peak - Self.besselFloorBelowPeakDb }
            let relative = Self.uniformApertureRelativeDb(ka * sin(theta * .pi / 180))
            return peak + max(relative, -Self.besselFloorBelowPeakDb)
        case .dish(let diameter, let efficiency):
            let ka = Self.waveNumber(frequencyHz: frequencyHz) * diameter / 2
            let peak = 10 * log10(efficiency * ka * ka)
            let theta = Self.foldedAngleDeg(offBoresightDeg)
            let firstNullDeg = ka > Self.firstZeroOfJ1 ? asin(Self.firstZeroOfJ1 / ka) * 180 / .pi : 90
            if theta < firstNullDeg {
                let floor = min(peak, Self.sidelobeEnvelopeDbi(offBoresightDeg: firstNullDeg))
                return max(peak + Self.uniformApertureRelativeDb(ka * sin(theta * .pi / 180)), floor)
            }
            return min(peak, Self.sidelobeEnvelopeDbi(offBoresightDeg: theta))
        }
    }

    /// Gain on the boresight, dBi, at `frequencyHz`.
    @inlinable
    public func peakGainDbi(frequencyHz: Double) -> Double {
        switch self {
        case .isotropic:
            return 0
        case .omni(let gain):
            return gain
        case .bessel(let radius, let efficiency):
            // η(2πa/λ)² = η(ka)²
            let ka = Self.waveNumber(frequencyHz: frequencyHz) * radius
            return 10 * log10(efficiency * ka * ka)
        case .dish(let diameter, let efficiency):
            // η(πD/λ)² = η(k·D/2)²
            let ka = Self.waveNumber(frequencyHz: frequencyHz) * diameter / 2
            return 10 * log10(efficiency * ka * ka)
        }
    }

    /// Normalized pattern of a uniformly illuminated circular aperture, 10·log10(4|J1(x)/x|²), dB
    /// (0 at x = 0, −∞ at the zeros of J1), with x = k·a·sinθ.
    @inlinable
    public static func uniformApertureRelativeDb(_ x: Double) -> Double {
        let ax = abs(x)
        // J1(x)/x = 1/2 − x²/16 + x⁴/384 − …; the next term is below 1e-18 for x < 1e-4.
        let ratio = ax < 1e-4 ? 0.5 - ax * ax / 16 : SpecialFunctions.besselJ1(ax) / ax
        return 20 * log10(2 * abs(ratio))
    }

    /// The ITU-R S.465-style sidelobe envelope used by `dish`: 32 − 25·log10(θ) dBi for θ < 48°,
    /// −10 dBi from 48° to 180°.
    @inlinable
    public static func sidelobeEnvelopeDbi(offBoresightDeg theta: Double) -> Double {
        theta < dishFarSidelobeStartDeg ? 32 - 25 * log10(theta) : dishFarSidelobeGainDbi
    }

    /// k = 2π f / c, rad/m.
    @inlinable
    static func waveNumber(frequencyHz: Double) -> Double {
        2 * .pi * frequencyHz / FreeSpace.speedOfLightMetersPerSecond
    }

    /// |θ| folded into 0…180°.
    @inlinable
    static func foldedAngleDeg(_ angle: Double) -> Double {
        let a = abs(angle).truncatingRemainder(dividingBy: 360)
        return a > 180 ? 360 - a : a
    }
}

extension AntennaPattern: CustomStringConvertible {
    /// A readable summary, e.g. `dish D=2.4 m η=0.65`.
    public var description: String {
        switch self {
        case .isotropic:
            return "isotropic"
        case .omni(let gain):
            return "omni \(gain) dBi"
        case .bessel(let radius, let efficiency):
            return "bessel a=\(radius) m η=\(efficiency) (TR 38.811 §6.4.1)"
        case .dish(let diameter, let efficiency):
            return "dish D=\(diameter) m η=\(efficiency)"
        }
    }
}
