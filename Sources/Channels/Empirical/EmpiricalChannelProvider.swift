import Foundation
import Links
import SimCore

/// The `empirical` channel: published large-scale models, as expected values (no random draws).
///
/// By the kind of node at the link's upper end:
///
/// | upper end | model | losses |
/// |---|---|---|
/// | satellite, HAPS | 3GPP TR 38.811 (``TR38811``) | FSPL + gaseous absorption + scintillation + (1 − P_LOS)·CL |
/// | UAV | Al-Hourani et al. 2014 (``AlHourani``) | FSPL + P_LOS·η_LOS + (1 − P_LOS)·η_NLOS |
/// | ground | free space | FSPL |
///
/// FSPL uses `geometry.slantRangeMeters` and the exact 20·log10(4πdf/c). The elevation is the true
/// `geometry.elevationDeg` at the lower end. The clutter term is the expectation over the LOS state
/// taken in decibels (P_NLOS·CL), reported in `clutterLossDb`; `losProbability` is filled,
/// `shadowingDb` is 0 and `isLOS` is nil. Time is not used: the estimate depends on geometry only.
///
/// ```swift
/// let provider = EmpiricalChannelProvider()
/// let state = provider.estimate(geometry, at: .zero)
/// state.totalPathLossDb        // what the link budget subtracts
/// state.losProbability         // TR 38.811 Table 6.6.1-1 or the Al-Hourani S-curve
/// ```
public struct EmpiricalChannelProvider: ChannelProvider {
    /// `empirical`.
    public let name = "empirical"

    public init() {}

    /// Expected channel state of a link with `geometry`; `time` is ignored.
    @inlinable
    public func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        let f = geometry.frequencyHz
        let fspl = FreeSpace.pathLossDb(distanceMeters: geometry.slantRangeMeters, frequencyHz: f)
        let elevation = geometry.elevationDeg
        switch geometry.upperKind {
        case .satellite, .haps:
            let pLos = TR38811.losProbability(environment: geometry.environment, elevationDeg: elevation)
            let clutter = TR38811.clutterLossDb(environment: geometry.environment,
                                                band: TR38811.Band(frequencyHz: f), elevationDeg: elevation)
            return ChannelState(
                freeSpaceLossDb: fspl,
                atmosphericLossDb: TR38811.atmosphericLossDb(frequencyHz: f, elevationDeg: elevation),
                scintillationLossDb: TR38811.scintillationLossDb(frequencyHz: f, elevationDeg: elevation),
                clutterLossDb: (1 - pLos) * clutter,
                shadowingDb: 0,
                losProbability: pLos,
                isLOS: nil)
        case .uav:
            // The S-curve is fitted for 0…90°; a UAV below the horizon is treated as at 0°.
            let parameters = AlHourani.parameters(for: geometry.environment)
            let theta = min(max(elevation, 0), 90)
            let pLos = AlHourani.losProbability(parameters, elevationDeg: theta)
            return ChannelState(
                freeSpaceLossDb: fspl,
                clutterLossDb: pLos * parameters.etaLosDb + (1 - pLos) * parameters.etaNlosDb,
                shadowingDb: 0,
                losProbability: pLos,
                isLOS: nil)
        case .ground:
            return ChannelState(freeSpaceLossDb: fspl, losProbability: 1, isLOS: nil)
        }
    }
}
