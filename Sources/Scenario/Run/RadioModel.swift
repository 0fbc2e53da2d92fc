import Foundation
import Channels
import Links
import Orbits
import SimCore

/// One evaluated link: geometry, what the channel provider says, the link budget, and the capacity and
/// one-way delay the link offers (modelled, or from the link type's measured traces).
struct LinkEvaluation {
    var geometry: LinkGeometry
    var channel: ChannelState
    var budget: LinkBudget
    /// DVB-S2X capacity, or the measured capacity trace's, bit/s.
    var capacityBps: Double
    /// Propagation delay (range / c), or the measured delay trace's, s.
    var delaySeconds: Double
}

/// A link type's measured capacity and delay traces, loaded (`links[i].measured`).
struct MeasuredLink {
    var capacity: MahimahiTrace?
    var delay: DelayTrace?
    var window: SimTime
    var offset: SimTime

    init(_ spec: MeasuredLinkSpec) throws(TraceError) {
        capacity = try spec.capacityTrace.map { p throws(TraceError) in try MahimahiTrace(path: p) }
        delay = try spec.delayTrace.map { p throws(TraceError) in try DelayTrace(path: p) }
        window = spec.window
        offset = spec.offset
    }
}

/// Evaluates a link between a lower and an upper node with their radios and the link type's channel provider.
///
/// Downlinks transmit from the upper end, uplinks from the lower end; the receiver's system
/// temperature and the transmitter's power, antenna and pointing come from the nodes' radios.
struct RadioModel {
    let environment: Environment

    static func antenna(_ a: AntennaSpec) -> AntennaPattern {
        switch a {
        case .isotropic: .isotropic
        case .omni(let g): .omni(gainDbi: g)
        case .bessel(let r, let e): .bessel(apertureRadiusMeters: r, efficiency: e)
        case .dish(let d, let e): .dish(diameterMeters: d, efficiency: e)
        }
    }

    static func pointing(_ p: PointingSpec) -> Pointing {
        switch p {
        case .tracking: .tracking
        case .nadir: .nadir
        case .zenith: .zenith
        }
    }

    func evaluate(linkClass cls: LinkClass, lowerGeodetic g: Geodetic, lowerECEFKm lower: SIMD3<Double>,
                  lowerRadio: RadioSpec, upperECEFKm upper: SIMD3<Double>, upperKind: PlatformKind,
                  upperRadio: RadioSpec, link: String, at t: SimTime) -> LinkEvaluation {
        let look = Sky.look(lower: lower, geodetic: g, upper: upper)
        let upperAltitude = upperKind == .satellite ? Geodetic(ecefKm: upper).altitudeMeters
                                                    : (upper.length - lower.length) * 1000 + g.altitudeMeters
        let geometry = LinkGeometry(upperECEFKm: upper, lowerECEFKm: lower, elevationDeg: look.elevationDeg,
                                    azimuthDeg: look.azimuthDeg, slantRangeMeters: look.rangeKm * 1000,
                                    frequencyHz: cls.spec.frequencyHz, environment: environment, upperKind: upperKind,
                                    upperAltitudeMeters: upperAltitude, lowerAltitudeMeters: g.altitudeMeters)
        let channel = cls.provider.estimate(geometry, at: t, link: link)
        let downlink = cls.spec.direction == .downlink
        let tx = downlink ? upperRadio : lowerRadio, rx = downlink ? lowerRadio : upperRadio
        let txPosition = downlink ? upper : lower, rxPosition = downlink ? lower : upper
        let input = LinkBudgetInput(
            txPowerDbw: tx.txPowerDbw, txAntenna: Self.antenna(tx.antenna),
            txOffBoresightDeg: Self.pointing(tx.pointing).offBoresightDeg(from: txPosition, to: rxPosition),
            rxAntenna: Self.antenna(rx.antenna),
            rxOffBoresightDeg: Self.pointing(rx.pointing).offBoresightDeg(from: rxPosition, to: txPosition),
            frequencyHz: cls.spec.frequencyHz, bandwidthHz: cls.spec.bandwidthHz, rolloff: cls.spec.rolloff,
            txOtherLossesDb: tx.otherLossesDb, rxOtherLossesDb: rx.otherLossesDb,
            systemTemperatureK: rx.effectiveSystemTemperatureK,
            freeSpaceLossDb: channel.freeSpaceLossDb, extraLossDb: channel.extraLossDb)
        let budget = LinkBudget(input)
        var capacity = budget.dvbs2xCapacityBps, delay = look.rangeKm * 1000 / Self.speedOfLight
        if let m = cls.measured {
            if let trace = m.capacity { capacity = trace.capacityBitsPerSecond(at: t + m.offset, window: m.window) }
            if let trace = m.delay { delay = trace.delaySeconds(at: t + m.offset) }
        }
        return LinkEvaluation(geometry: geometry, channel: channel, budget: budget, capacityBps: capacity, delaySeconds: delay)
    }

    /// m/s.
    static let speedOfLight = 299_792_458.0

    /// `<lower node>:<upper node>`, the link's name in recorded traces.
    static func linkID(lower: String, upper: String) -> String { lower + ":" + upper
    }
}
