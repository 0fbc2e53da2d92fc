import Links
import SimCore

/// A channel state: path loss and its parts, LOS probability and (when sampled) the LOS/NLOS state.
///
/// All losses are in dB and positive. `totalPathLossDb` is what a link budget subtracts from EIRP
/// plus receive gain; `extraLossDb` is everything beyond free space.
///
/// ```swift
/// let state = provider.estimate(geometry, at: now)
/// let input = LinkBudgetInput(txPowerDbw: 10, txAntenna: satAntenna, rxAntenna: .isotropic,
///                             frequencyHz: geometry.frequencyHz, bandwidthHz: 20e6,
///                             systemTemperatureK: 290, freeSpaceLossDb: state.freeSpaceLossDb,
///                             extraLossDb: state.extraLossDb)
/// ```
public struct ChannelState: Sendable, Hashable {
    /// Free-space path loss (TR 38.811 eq. 6.6-2), dB.
    public var freeSpaceLossDb: Double
    /// Gaseous absorption (TR 38.811 §6.6.4), dB.
    public var atmosphericLossDb: Double
    /// Ionospheric or tropospheric scintillation (TR 38.811 §6.6.6), dB.
    public var scintillationLossDb: Double
    /// Clutter loss (TR 38.811 Tables 6.6.2-x; NLOS only) or A2G excess loss (Al-Hourani η), dB.
    public var clutterLossDb: Double
    /// Shadow fading, dB (0 for an expected-value estimate).
    public var shadowingDb: Double
    /// Probability that the link is line of sight.
    public var losProbability: Double
    /// The LOS state when one was drawn or known; nil for an expected-value estimate.
    public var isLOS: Bool?
    /// Small-scale fading loss, dB: −10·log10 of the fading power gain |h|² (negative when the
    /// multipath adds up constructively); 0 for a large-scale estimate.
    public var fadingDb: Double
    /// Rician K-factor of the small-scale fading, dB; nil when not modelled (−∞ would be Rayleigh).
    public var kFactorDb: Double?
    /// RMS delay spread, seconds; nil when not modelled.
    public var delaySpreadSeconds: Double?

    public init(freeSpaceLossDb: Double, atmosphericLossDb: Double = 0, scintillationLossDb: Double = 0,
                clutterLossDb: Double = 0, shadowingDb: Double = 0, losProbability: Double = 1, isLOS: Bool? = nil,
                fadingDb: Double = 0, kFactorDb: Double? = nil, delaySpreadSeconds: Double? = nil) {
        self.freeSpaceLossDb = freeSpaceLossDb
        self.atmosphericLossDb = atmosphericLossDb
        self.scintillationLossDb = scintillationLossDb
        self.clutterLossDb = clutterLossDb
        self.shadowingDb = shadowingDb
        self.losProbability = losProbability
        self.isLOS = isLOS
        self.fadingDb = fadingDb
        self.kFactorDb = kFactorDb
        self.delaySpreadSeconds = delaySpreadSeconds
    }

    /// Loss beyond free space, dB (includes small-scale fading when there is any).
    public var extraLossDb: Double { atmosphericLossDb + scintillationLossDb + clutterLossDb + shadowingDb + fadingDb }
    /// Total path loss, dB.
    public var totalPathLossDb: Double { freeSpaceLossDb + extraLossDb }
}

/// What a channel model believes about a link: `estimate(geometry, time) -> ChannelState` (DESIGN.md).
///
/// Providers are chosen by name per link type in a topology file (`channel: empirical`).
///
/// ```swift
/// let provider = try ChannelProviders.make(named: "empirical")
/// let state = provider.estimate(geometry, at: .seconds(60))
/// ```
public protocol ChannelProvider: Sendable {
    /// The name used in topology files and on the command line.
    var name: String { get }
    /// The channel state of a link with this geometry at `time`.
    func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState
    /// The channel state of the link named `link` (`<lower node>:<upper node>`) with this geometry at
    /// `time`. Providers that replay per-link records (the `trace` provider) look the link up by name;
    /// the default ignores the name and calls ``estimate(_:at:)``.
    func estimate(_ geometry: LinkGeometry, at time: SimTime, link: String) -> ChannelState
}

extension ChannelProvider {
    public func estimate(_ geometry: LinkGeometry, at time: SimTime, link: String) -> ChannelState {
        estimate(geometry, at: time)
    }
}
