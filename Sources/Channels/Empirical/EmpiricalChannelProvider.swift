import Foundation
import Links
import SimCore

/// The `empirical` and `empirical-sampled` channels: published large-scale models, either as expected
/// values over the LOS state or as a drawn LOS state with log-normal shadow fading.
///
/// By the kind of node at the link's upper end:
///
/// | upper end | model | LOS link | NLOS link | shadowing σ |
/// |---|---|---|---|---|
/// | satellite, HAPS | 3GPP TR 38.811 (``TR38811``) | FSPL + atm + scint | + CL(θq) | σ_SF(env, band, state, θq) |
/// | UAV | Al-Hourani et al. 2014 (``AlHourani``) | FSPL + η_LOS | FSPL + η_NLOS | none (0) |
/// | ground | free space | FSPL | — | none |
///
/// FSPL uses `geometry.slantRangeMeters` and the exact 20·log10(4πdf/c). The elevation is the true
/// `geometry.elevationDeg` at the lower end (not ns-3's geocentric quirk, see ``TR38811``).
///
/// ## Modes
///
/// * ``Mode/expected`` (the default, provider name `empirical`): the LOS state is averaged out in
///   decibels — the clutter / excess term is P_NLOS·CL (TR 38.811) or P_LOS·η_LOS + P_NLOS·η_NLOS
///   (Al-Hourani), `shadowingDb` is 0 and `isLOS` is nil. Time is not used.
/// * ``Mode/sampled(seed:)`` (provider name `empirical-sampled`): the LOS state is drawn with
///   probability P_LOS and the shadow fading from N(0, σ_SF(env, band, state, θq)) (TR 38.811
///   Tables 6.6.2-x). UAV links draw the Al-Hourani state and have no shadowing (the paper's
///   companion σ tables are not implemented). Ground links are LOS, free space.
///
/// ## Determinism of the sampled draws
///
/// A draw is a pure function of (seed, link key, time): a counter-based hash (SplitMix64's
/// finaliser chained over seed, link key and the time in nanoseconds, then evaluated at counters
/// 0, 1, 2), not a stateful stream — see ``draws(seed:linkKey:time:)``. ``estimate(_:at:)`` has no
/// link identity, so its link key is ``linkKey(_:)``: both ends' ECEF positions rounded to whole
/// metres. Callers that know a geometry-independent link identity (e.g. a link index) should pass it to
/// ``estimate(_:at:linkKey:)`` instead. Consequences: the same call always returns the same state,
/// whatever else was drawn before; draws at different times or for different links are independent (no
/// temporal or spatial correlation: TR 38.811's decorrelation distances are not applied); two
/// carriers on the same link and time share the LOS state and the standard-normal shadowing
/// variate (scaled by each band's σ).
///
/// ```swift
/// let expected = EmpiricalChannelProvider()                         // name "empirical"
/// let sampled = EmpiricalChannelProvider(mode: .sampled(seed: 42))  // name "empirical-sampled"
/// let s = sampled.estimate(geometry, at: .seconds(60))
/// s.isLOS                      // true or false, drawn with probability s.losProbability
/// s.shadowingDb                // σ_SF·z
/// EmpiricalChannelProvider.state(upperKind: .satellite, environment: .urban, frequencyHz: 2e9,
///                                elevationDeg: 30, distanceMeters: 1_075_088, condition: .los)
///     .totalPathLossDb         // 161.30 dB
/// ```
public struct EmpiricalChannelProvider: ChannelProvider {
    /// How ``estimate(_:at:)`` treats the LOS state and shadowing.
    public enum Mode: Sendable, Hashable {
        /// Expected values over the LOS state, no shadowing (`empirical`).
        case expected
        /// LOS state and shadow fading drawn deterministically from (seed, link, time) (`empirical-sampled`).
        case sampled(seed: UInt64)
    }

    /// The LOS state to evaluate the models in (``state(upperKind:environment:frequencyHz:elevationDeg:distanceMeters:condition:shadowingDb:)``).
    public enum Condition: String, Sendable, Hashable, CaseIterable, Codable {
        /// Line of sight: no clutter loss (TR 38.811) or η_LOS (Al-Hourani).
        case los
        /// Non line of sight: clutter loss CL(θq) (TR 38.811) or η_NLOS (Al-Hourani).
        case nlos
        /// Average over the LOS state in dB: P_NLOS·CL or P_LOS·η_LOS + P_NLOS·η_NLOS.
        case expected
    }

    /// The uniform and standard-normal variates of one draw.
    public struct Draws: Sendable, Hashable {
        /// Uniform on [0, 1): the link is LOS when `uniform < P_LOS`.
        public var uniform: Double
        /// Standard normal (Box–Muller): shadowing = σ_SF · `normal`.
        public var normal: Double

        public init(uniform: Double, normal: Double) {
            self.uniform = uniform
            self.normal = normal
        }
    }

    /// Provider name used by topology files and the command line.
    public static let expectedName = "empirical"
    /// Provider name of the sampled mode.
    public static let sampledName = "empirical-sampled"

    /// Expected values or sampled draws.
    public let mode: Mode

    /// `empirical` (expected) or `empirical-sampled`.
    public var name: String {
        switch mode {
        case .expected: return Self.expectedName
        case .sampled: return Self.sampledName
        }
    }

    public init(mode: Mode = .expected) { self.mode = mode }

    /// Channel state of a link with `geometry` at `time`: the expected state, or a draw keyed by
    /// ``linkKey(_:)`` (rounded end positions) and `time`.
    @inlinable
    public func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        switch mode {
        case .expected:
            return Self.state(geometry, condition: .expected)
        case .sampled:
            return estimate(geometry, at: time, linkKey: Self.linkKey(geometry))
        }
    }

    /// Channel state with an explicit, geometry-independent link key (e.g. a link index); in the
    /// expected mode the key and `time` are ignored.
    @inlinable
    public func estimate(_ geometry: LinkGeometry, at time: SimTime, linkKey: UInt64) -> ChannelState {
        switch mode {
        case .expected:
            return Self.state(geometry, condition: .expected)
        case .sampled(let seed):
            return Self.sampledState(geometry, draws: Self.draws(seed: seed, linkKey: linkKey, time: time))
        }
    }

    // MARK: Plain functions

    /// Channel state in an explicit LOS `condition`, with a given shadowing (dB, added to the loss).
    ///
    /// `elevationDeg` is the true elevation at the lower end; `distanceMeters` the slant (3D) range.
    /// `losProbability` is always filled; `isLOS` is true / false for `.los` / `.nlos`, nil for
    /// `.expected`. Ground (`upperKind == .ground`) links are free space in every condition.
    @inlinable
    public static func state(upperKind: PlatformKind, environment: Environment, frequencyHz: Double,
                             elevationDeg: Double, distanceMeters: Double, condition: Condition,
                             shadowingDb: Double = 0) -> ChannelState {
        let f = frequencyHz
        let fspl = FreeSpace.pathLossDb(distanceMeters: distanceMeters, frequencyHz: f)
        let isLOS: Bool? = switch condition {
        case .los: true
        case .nlos: false
        case .expected: nil
        }
        switch upperKind {
        case .satellite, .haps:
            let pLos = TR38811.losProbability(environment: environment, elevationDeg: elevationDeg)
            let clutter = TR38811.clutterLossDb(environment: environment, band: TR38811.Band(frequencyHz: f),
                                                elevationDeg: elevationDeg)
            let clutterTerm: Double = switch condition {
            case .los: 0
            case .nlos: clutter
            case .expected: (1 - pLos) * clutter
            }
            return ChannelState(
                freeSpaceLossDb: fspl,
                atmosphericLossDb: TR38811.atmosphericLossDb(frequencyHz: f, elevationDeg: elevationDeg),
                scintillationLossDb: TR38811.scintillationLossDb(frequencyHz: f, elevationDeg: elevationDeg),
                clutterLossDb: clutterTerm,
                shadowingDb: shadowingDb,
                losProbability: pLos,
                isLOS: isLOS)
        case .uav:
            // The S-curve is fitted for 0…90°; a UAV below the horizon is treated as at 0°.
            let parameters = AlHourani.parameters(for: environment)
            let pLos = AlHourani.losProbability(parameters, elevationDeg: uavElevationDeg(elevationDeg))
            let excess: Double = switch condition {
            case .los: parameters.etaLosDb
            case .nlos: parameters.etaNlosDb
            case .expected: pLos * parameters.etaLosDb + (1 - pLos) * parameters.etaNlosDb
            }
            return ChannelState(freeSpaceLossDb: fspl, clutterLossDb: excess, shadowingDb: shadowingDb,
                                losProbability: pLos, isLOS: isLOS)
        case .ground:
            return ChannelState(freeSpaceLossDb: fspl, shadowingDb: shadowingDb, losProbability: 1,
                                isLOS: condition == .expected ? nil : true)
        }
    }

    /// ``state(upperKind:environment:frequencyHz:elevationDeg:distanceMeters:condition:shadowingDb:)``
    /// for a link geometry.
    @inlinable
    public static func state(_ geometry: LinkGeometry, condition: Condition, shadowingDb: Double = 0) -> ChannelState {
        state(upperKind: geometry.upperKind, environment: geometry.environment, frequencyHz: geometry.frequencyHz,
              elevationDeg: geometry.elevationDeg, distanceMeters: geometry.slantRangeMeters,
              condition: condition, shadowingDb: shadowingDb)
    }

    /// P_LOS of the model that applies to `upperKind` (TR 38.811 Table 6.6.1-1 at θq, the Al-Hourani
    /// S-curve, or 1 for ground links).
    @inlinable
    public static func losProbability(upperKind: PlatformKind, environment: Environment, elevationDeg: Double) -> Double {
        switch upperKind {
        case .satellite, .haps: return TR38811.losProbability(environment: environment, elevationDeg: elevationDeg)
        case .uav: return AlHourani.losProbability(environment: environment, elevationDeg: uavElevationDeg(elevationDeg))
        case .ground: return 1
        }
    }

    /// Standard deviation of the shadow fading in a LOS or NLOS state, dB: TR 38.811 σ_SF(env, band,
    /// state, θq) for satellites and HAPS; 0 for UAV (Al-Hourani) and ground links.
    @inlinable
    public static func shadowingSigmaDb(upperKind: PlatformKind, environment: Environment, frequencyHz: Double,
                                        elevationDeg: Double, los: Bool) -> Double {
        switch upperKind {
        case .satellite, .haps:
            return TR38811.shadowFadingSigmaDb(environment: environment, band: TR38811.Band(frequencyHz: frequencyHz),
                                               los: los, elevationDeg: elevationDeg)
        case .uav, .ground:
            return 0
        }
    }

    /// The sampled state for given variates: LOS when `draws.uniform < P_LOS`, shadowing
    /// σ_SF(state)·`draws.normal`.
    @inlinable
    public static func sampledState(upperKind: PlatformKind, environment: Environment, frequencyHz: Double,
                                    elevationDeg: Double, distanceMeters: Double, draws: Draws) -> ChannelState {
        let pLos = losProbability(upperKind: upperKind, environment: environment, elevationDeg: elevationDeg)
        let los = draws.uniform < pLos
        let sigma = shadowingSigmaDb(upperKind: upperKind, environment: environment, frequencyHz: frequencyHz,
                                     elevationDeg: elevationDeg, los: los)
        return state(upperKind: upperKind, environment: environment, frequencyHz: frequencyHz,
                     elevationDeg: elevationDeg, distanceMeters: distanceMeters, condition: los ? .los : .nlos,
                     shadowingDb: sigma * draws.normal)
    }

    /// ``sampledState(upperKind:environment:frequencyHz:elevationDeg:distanceMeters:draws:)`` for a geometry.
    @inlinable
    public static func sampledState(_ geometry: LinkGeometry, draws: Draws) -> ChannelState {
        sampledState(upperKind: geometry.upperKind, environment: geometry.environment,
                     frequencyHz: geometry.frequencyHz, elevationDeg: geometry.elevationDeg,
                     distanceMeters: geometry.slantRangeMeters, draws: draws)
    }

    @inlinable
    static func uavElevationDeg(_ elevationDeg: Double) -> Double { min(max(elevationDeg, 0), 90) }

    // MARK: Deterministic draws

    /// The link key ``estimate(_:at:)`` uses when it has no link identity: a hash of both ends' ECEF
    /// positions rounded to whole metres (frequency, environment and kind are not part of it).
    @inlinable
    public static func linkKey(_ geometry: LinkGeometry) -> UInt64 {
        var h: UInt64 = 0x6C69_6E6B_6B65_7921      // "linkkey!"
        for i in 0 ..< 3 { h = mix64(h ^ roundedMetres(geometry.upperECEFKm[i])) }
        for i in 0 ..< 3 { h = mix64(h ^ roundedMetres(geometry.lowerECEFKm[i])) }
        return h
    }

    /// A coordinate in km as whole metres, bit pattern (0 for non-finite values).
    @inlinable
    static func roundedMetres(_ km: Double) -> UInt64 {
        let metres = (km * 1000).rounded()
        guard metres.isFinite else { return 0 }
        return UInt64(bitPattern: Int64(max(min(metres, 9e15), -9e15)))
    }

    /// The variates of the draw for (seed, link key, time): counter-based, so a pure function of
    /// its arguments. base = fmix(fmix(fmix(seed ⊕ c) ⊕ key) ⊕ t_ns); x_i = fmix(base + i·φ) for
    /// i = 0, 1, 2 (φ = 0x9E3779B97F4A7C15, fmix = SplitMix64's finaliser); `uniform` = x₀'s top
    /// 53 bits / 2^53, `normal` = Box–Muller cos branch from x₁, x₂ mapped to (0, 1).
    @inlinable
    public static func draws(seed: UInt64, linkKey: UInt64, time: SimTime) -> Draws {
        let base = mix64(mix64(mix64(seed ^ 0x5341_4749_4E2D_4348) ^ linkKey) ^ UInt64(bitPattern: time.nanoseconds))
        let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
        let x0 = mix64(base), x1 = mix64(base &+ golden), x2 = mix64(base &+ 2 &* golden)
        let uniform = Double(x0 >> 11) * 0x1p-53
        let u1 = (Double(x1 >> 11) + 0.5) * 0x1p-53
        let u2 = (Double(x2 >> 11) + 0.5) * 0x1p-53
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return Draws(uniform: uniform, normal: normal)
    }

    /// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
    @inlinable
    public static func mix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
