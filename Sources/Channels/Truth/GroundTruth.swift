import Foundation
import Links
import SimCore

/// Names a link for the truth's random streams: its upper end (satellite, HAP, UAV) and lower end
/// (user, gateway). The small-scale draws of a link at an instant depend on both; the shadowing
/// seen by a user depends on the upper end and on where the user stands.
public struct LinkKey: Sendable, Hashable, CustomStringConvertible {
    /// Name of the upper end, e.g. "sat-12".
    public var upper: String
    /// Name of the lower end, e.g. "user-3".
    public var lower: String

    public init(upper: String, lower: String) {
        self.upper = upper
        self.lower = lower
    }

    /// "upper|lower".
    public var description: String { "\(upper)|\(lower)" }
}

/// What the truth drew for one link at one instant: the channel state, the LOS profile used and
/// the small-scale realisation (the fading in `state.fadingDb` is its narrowband gain).
public struct TruthSample: Sendable, Hashable {
    /// The channel state (path loss and parts, LOS state, fading, K, delay spread).
    public var state: ChannelState
    /// The NTN-TDL profile of the state.
    public var profile: TDLProfile
    /// The realisation of that profile, delays scaled by `state.delaySpreadSeconds`.
    public var realisation: TDLRealisation
}

/// The ground truth of the simulated world: what a link's channel *is* (DESIGN.md,
/// `GroundTruth.channel(geometry, time)`), as opposed to what a ``ChannelProvider`` believes.
///
/// For one link at one instant:
///
/// 1. **LOS** from the scene's geometry (``LineOfSightModel``): a satellite or HAP is a direction
///    (`isLOS(receiver:azimuthDeg:elevationDeg:)` with the geometry's azimuth and elevation); a UAV or
///    ground node a point (`isLOS(from:to:)`, the upper end's ENU position, or the receiver plus
///    slant range along the look direction when none is given).
/// 2. **Large-scale loss** for that state. Satellite/HAP: TR 38.811 (``TR38811``) — FSPL + gaseous
///    absorption + scintillation, + clutter loss when NLOS, shadow fading with σ_SF of the state.
///    UAV: Al-Hourani (``AlHourani``) — FSPL + η of the state, shadowing with
///    ``Options/uavShadowingSigmaLosDb`` / ``Options/uavShadowingSigmaNlosDb`` (default 0: the
///    σ of Al-Hourani's GLOBECOM 2014 companion paper were not available). Ground: FSPL only.
/// 3. **Shadowing** `σ_SF · g_state(x)`: g is a ``ShadowingField`` (one for LOS, one for NLOS,
///    decorrelation distances from ``TR38811/shadowingDecorrelationDistanceMeters(environment:los:)``,
///    37 m LOS, 50 m NLOS, 120 m rural NLOS) evaluated at the receiver's ground position
///    (east, north) shifted by an offset of up to ±10⁶ m hashed from the upper end's name, so nearby
///    users of one satellite see correlated shadowing while different satellites see independent
///    regions of the field. Time does not enter: a static user keeps its shadowing.
/// 4. **Small-scale fading**: a realisation of the state's NTN-TDL profile (``Options/losProfile``,
///    default NTN-TDL-D; ``Options/nlosProfile``, default NTN-TDL-A) with delays scaled by the
///    state's median delay spread (``NTNDelaySpread``; UAV and ground links:
///    ``Options/uavDelaySpreadSeconds``, nominal 100 ns of TR 38.901 Table 7.7.3-1). `fadingDb` is
///    −10·log10 of its narrowband gain |Σ a|²: Rician with the profile's narrowband K
///    (``TDLProfile/narrowbandKFactorDb``, NTN-TDL-D 7.0 dB) when LOS, Rayleigh when NLOS, mean
///    power 1. Block fading: an independent draw per (link, instant) — the coherence time is taken
///    to be no longer than the sampling interval; no Doppler correlation between instants.
///
/// `losProbability` is 1 or 0 (the state is known to the truth; the empirical prior is
/// ``TR38811/losProbability(environment:elevationDeg:)``), `isLOS` is set, `kFactorDb` is the
/// narrowband K of the LOS profile (nil when NLOS) and `delaySpreadSeconds` the scaling DS.
///
/// Random streams (``RandomStreams`` of `seed`): "truth/shadowing/los" and "truth/shadowing/nlos"
/// (field parameters, drawn at init) and "truth/smallscale/<upper>|<lower>/<t ns>" per call. So the
/// truth is a pure function of (scene, environment, seed, options, geometry, position, link, time):
/// same inputs, same state, whatever the order of calls.
///
/// The tables use the truth's `environment` (the scene's), not `geometry.environment`.
///
/// ```swift
/// let truth = GroundTruth(scene: scene, environment: .urban, seed: 42)
/// let state = truth.channel(geometry, receiverENU: SIMD3(120, -40, 1.5), upperENU: nil,
///                           link: LinkKey(upper: "sat-12", lower: "user-3"), at: .seconds(60))
/// state.totalPathLossDb      // what the reward's link budget subtracts
/// ```
public struct GroundTruth: Sendable {
    /// Knobs of the truth channel.
    public struct Options: Sendable, Hashable {
        /// Sinusoids per shadowing field.
        public var shadowingComponents: Int = ShadowingField.defaultComponents
        /// Draw shadow fading (false: `shadowingDb` = 0).
        public var shadowingEnabled: Bool = true
        /// Draw small-scale fading (false: `fadingDb` = 0; the TDL realisation is still drawn).
        public var fadingEnabled: Bool = true
        /// TDL profile of LOS links.
        public var losProfile: TDLProfile = .ntnTDLD
        /// TDL profile of NLOS links.
        public var nlosProfile: TDLProfile = .ntnTDLA
        /// σ of UAV shadowing in LOS, dB.
        public var uavShadowingSigmaLosDb: Double = 0
        /// σ of UAV shadowing in NLOS, dB.
        public var uavShadowingSigmaNlosDb: Double = 0
        /// Delay spread of UAV and ground links, seconds (TR 38.901 Table 7.7.3-1 "nominal").
        public var uavDelaySpreadSeconds: Double = 100e-9

        public init() {}
    }

    /// The scene that answers geometric LOS.
    public let scene: any LineOfSightModel
    /// The propagation environment of the scene.
    public let environment: Environment
    /// The scenario seed.
    public let seed: UInt64
    /// The options.
    public let options: Options
    /// Shadowing field of LOS links.
    public let losField: ShadowingField
    /// Shadowing field of NLOS links.
    public let nlosField: ShadowingField

    public init(scene: any LineOfSightModel, environment: Environment, seed: UInt64, options: Options = Options()) {
        self.scene = scene
        self.environment = environment
        self.seed = seed
        self.options = options
        let streams = RandomStreams(seed: seed)
        losField = ShadowingField(
            decorrelationDistanceMeters: TR38811.shadowingDecorrelationDistanceMeters(environment: environment, los: true),
            components: options.shadowingComponents, stream: streams.stream("truth/shadowing/los"))
        nlosField = ShadowingField(
            decorrelationDistanceMeters: TR38811.shadowingDecorrelationDistanceMeters(environment: environment, los: false),
            components: options.shadowingComponents, stream: streams.stream("truth/shadowing/nlos"))
    }

    /// The true channel of `link` with `geometry` at `time`.
    ///
    /// - Parameters:
    ///   - geometry: the link's geometry (elevation, azimuth, slant range, frequency, upper kind).
    ///   - receiverENU: the lower end in the scene's local ENU metres (z = height above ground).
    ///   - upperENU: the upper end in the same frame, for UAV and ground links; nil to place it at the
    ///     slant range along the geometry's look direction. Ignored for satellites and HAPs.
    ///   - link: names the ends (seeds the small-scale draw and the shadowing offset).
    ///   - time: the instant (seeds the small-scale draw).
    public func channel(_ geometry: LinkGeometry, receiverENU: SIMD3<Double>, upperENU: SIMD3<Double>? = nil,
                        link: LinkKey, at time: SimTime) -> ChannelState {
        sample(geometry, receiverENU: receiverENU, upperENU: upperENU, link: link, at: time).state
    }

    /// The LOS state the scene gives this link.
    public func isLOS(_ geometry: LinkGeometry, receiverENU: SIMD3<Double>, upperENU: SIMD3<Double>? = nil) -> Bool {
        switch geometry.upperKind {
        case .satellite, .haps:
            return scene.isLOS(receiver: receiverENU, azimuthDeg: geometry.azimuthDeg, elevationDeg: geometry.elevationDeg)
        case .uav, .ground:
            let upper = upperENU ?? Self.point(from: receiverENU, azimuthDeg: geometry.azimuthDeg,
                                               elevationDeg: geometry.elevationDeg, range: geometry.slantRangeMeters)
            return scene.isLOS(from: receiverENU, to: upper)
        }
    }

    /// The channel state together with the TDL profile and realisation behind its fading.
    public func sample(_ geometry: LinkGeometry, receiverENU: SIMD3<Double>, upperENU: SIMD3<Double>? = nil,
                       link: LinkKey, at time: SimTime) -> TruthSample {
        let los = isLOS(geometry, receiverENU: receiverENU, upperENU: upperENU)
        let f = geometry.frequencyHz
        let elevation = geometry.elevationDeg
        let band = TR38811.Band(frequencyHz: f)
        var state = ChannelState(
            freeSpaceLossDb: FreeSpace.pathLossDb(distanceMeters: geometry.slantRangeMeters, frequencyHz: f),
            losProbability: los ? 1 : 0, isLOS: los)
        let sigma: Double
        let delaySpread: Double
        switch geometry.upperKind {
        case .satellite, .haps:
            state.atmosphericLossDb = TR38811.atmosphericLossDb(frequencyHz: f, elevationDeg: elevation)
            state.scintillationLossDb = TR38811.scintillationLossDb(frequencyHz: f, elevationDeg: elevation)
            state.clutterLossDb = los ? 0 : TR38811.clutterLossDb(environment: environment, band: band, elevationDeg: elevation)
            sigma = TR38811.shadowFadingSigmaDb(environment: environment, band: band, los: los, elevationDeg: elevation)
            delaySpread = NTNDelaySpread.medianSeconds(environment: environment, band: band, los: los, elevationDeg: elevation)
        case .uav:
            state.clutterLossDb = AlHourani.excessLossDb(AlHourani.parameters(for: environment), los: los)
            sigma = los ? options.uavShadowingSigmaLosDb : options.uavShadowingSigmaNlosDb
            delaySpread = options.uavDelaySpreadSeconds
        case .ground:
            sigma = 0
            delaySpread = options.uavDelaySpreadSeconds
        }
        if options.shadowingEnabled && sigma > 0 {
            state.shadowingDb = sigma * normalizedShadowing(los: los, receiverENU: receiverENU, upper: link.upper)
        }
        let profile = los ? options.losProfile : options.nlosProfile
        let stream = RandomStreams(seed: seed).stream("truth/smallscale/\(link)/\(time.nanoseconds)")
        let realisation = TDLRealisation.draw(profile: profile, delaySpreadSeconds: delaySpread, stream: stream)
        if options.fadingEnabled {
            state.fadingDb = -10 * log10(max(realisation.narrowbandPowerGain, 1e-30))
        }
        state.kFactorDb = profile.narrowbandKFactorDb
        state.delaySpreadSeconds = delaySpread
        return TruthSample(state: state, profile: profile, realisation: realisation)
    }

    /// The unit-variance shadowing g_state at the receiver's ground position as seen from `upper`.
    public func normalizedShadowing(los: Bool, receiverENU: SIMD3<Double>, upper: String) -> Double {
        let p = SIMD2(receiverENU.x, receiverENU.y) + Self.fieldOffset(upper)
        return (los ? losField : nlosField).value(at: p)
    }

    /// Offset of the field region seen from an upper end: FNV-1a 64 of its UTF-8 name passed through
    /// MurmurHash3's 64-bit finaliser (so names differing in one byte land far apart), each 32-bit
    /// half mapped to [−10⁶, 10⁶) m.
    public static func fieldOffset(_ upper: String) -> SIMD2<Double> {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in upper.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        let a = Double(UInt32(truncatingIfNeeded: h)) * 0x1p-32
        let b = Double(UInt32(truncatingIfNeeded: h >> 32)) * 0x1p-32
        return SIMD2((2 * a - 1) * 1e6, (2 * b - 1) * 1e6)
    }

    /// The point at `range` metres from `origin` towards (azimuth clockwise from north, elevation), ENU.
    public static func point(from origin: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double,
                             range: Double) -> SIMD3<Double> {
        let az = azimuthDeg * .pi / 180, el = elevationDeg * .pi / 180
        return origin + range * SIMD3(cos(el) * sin(az), cos(el) * cos(az), sin(el))
    }
}
