import SimCore

/// A kind of link, named lower end – upper end.
public enum LinkType: String, Sendable, Hashable, Codable, CaseIterable {
    case userSatellite = "user-satellite"
    case userHaps = "user-haps"
    case userUav = "user-uav"
    case uavSatellite = "uav-satellite"
    case gatewaySatellite = "gateway-satellite"

    /// The upper end's node kind.
    public var upperEnd: NodeKind {
        switch self {
        case .userSatellite, .uavSatellite, .gatewaySatellite: return .satellite
        case .userHaps: return .haps
        case .userUav: return .uav
        }
    }

    /// The lower end's node kind.
    public var lowerEnd: NodeKind {
        switch self {
        case .userSatellite, .userHaps, .userUav: return .user
        case .uavSatellite: return .uav
        case .gatewaySatellite: return .gateway
        }
    }
}

/// Which end transmits.
public enum LinkDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// The upper end transmits.
    case downlink
    /// The lower end transmits.
    case uplink
}

/// One link type of a topology: `links[i]`, fully resolved.
public struct LinkSpec: Sendable, Hashable, Codable {
    public var type: LinkType
    /// Carrier, Hz (the file gives GHz).
    public var frequencyHz: Double
    /// Channel bandwidth, Hz (the file gives MHz).
    public var bandwidthHz: Double
    public var direction: LinkDirection
    /// Access exists while the elevation seen from the lower end is at least this, degrees.
    public var minElevationDeg: Double
    /// Channel provider name.
    public var channel: String
    /// The trained model or map the provider reads (`gdm`: a `sagin map` folder), resolved against the
    /// topology file's folder; nil when the provider needs none.
    public var channelModel: String?
    /// DVB-S2X roll-off: symbol rate = bandwidth / (1 + rolloff).
    public var rolloff: Double
    /// `channel: trace`: how the recorded trace is read between its samples, `hold` or `linear`.
    public var traceInterpolation: String = "hold"
    /// `channel: trace`: the provider for the links and instants the trace does not cover
    /// (`trace_fallback`): one of ``traceFallbacks``, which need no `channel_model` (that is the trace).
    public var traceFallback: String = "empirical"
    /// The providers `trace_fallback` accepts.
    public static let traceFallbacks = ["empirical", "empirical-sampled"]
    /// Measured capacity and delay traces that replace the modelled capacity and delay (`measured`).
    public var measured: MeasuredLinkSpec?

    public init(type: LinkType, frequencyHz: Double, bandwidthHz: Double, direction: LinkDirection = .downlink,
                minElevationDeg: Double, channel: String = "empirical", rolloff: Double = 0.1) {
        self.type = type
        self.frequencyHz = frequencyHz
        self.bandwidthHz = bandwidthHz
        self.direction = direction
        self.minElevationDeg = minElevationDeg
        self.channel = channel
        self.rolloff = rolloff
    }

    /// The link a type gets when the file gives only `type`.
    public static func defaults(for type: LinkType) -> LinkSpec {
        let frequencyHz = type == .gatewaySatellite ? 20e9 : 2e9
        let minElevationDeg: Double = type.upperEnd == .satellite ? 25 : 10
        return LinkSpec(type: type, frequencyHz: frequencyHz, bandwidthHz: 20e6, minElevationDeg: minElevationDeg)
    }
}

/// A link type's measured traces (`links[i].measured`): a mahimahi packet-delivery trace as its
/// capacity and a LeoCC-style delay trace (one-way delay in ms per 10 ms) as its delay. Both repeat
/// with their period, as mahimahi replays them, and are read at `time + offset`.
public struct MeasuredLinkSpec: Sendable, Hashable, Codable {
    /// mahimahi trace file, resolved against the topology file's folder; nil keeps the modelled capacity.
    public var capacityTrace: String?
    /// Delay trace file; nil keeps the propagation delay.
    public var delayTrace: String?
    /// The capacity at t is the trace's deliveries in [t, t + window) × 1500 B × 8 / window.
    public var window: SimTime
    /// Trace time at simulation time 0.
    public var offset: SimTime

    public init(capacityTrace: String? = nil, delayTrace: String? = nil, window: SimTime = .seconds(1),
                offset: SimTime = .zero) {
        self.capacityTrace = capacityTrace
        self.delayTrace = delayTrace
        self.window = window
        self.offset = offset
    }
}

/// Which links a recorded trace samples every `trace_interval`.
public enum TraceScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Each node's serving link.
    case serving
    /// Every link in access (above the elevation mask), serving or not.
    case access
}

/// How a node picks its serving node among those in access.
public enum SelectionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case highestElevation = "highest-elevation"
    case strongestSNR = "strongest-snr"
    case longestVisibility = "longest-visibility"
}

/// Serving-node selection: the `selection` section.
public struct SelectionSpec: Sendable, Hashable, Codable {
    public var policy: SelectionPolicy
    /// 0: keep the serving node until its access ends; otherwise re-evaluate this often.
    public var reselectInterval: SimTime
    /// strongest-snr: switch only when another node is this much better, dB; highest-elevation
    /// reads it as degrees (1° per dB).
    public var hysteresisDb: Double

    public init(policy: SelectionPolicy = .highestElevation, reselectInterval: SimTime = .zero, hysteresisDb: Double = 3) {
        self.policy = policy
        self.reselectInterval = reselectInterval
        self.hysteresisDb = hysteresisDb
    }
}

/// What a run writes: the `outputs` section.
public struct OutputSpec: Sendable, Hashable, Codable {
    /// Where run folders are created (relative to the current directory, not the topology).
    public var directory: String
    /// How often `links.csv` samples every serving link.
    public var linksInterval: SimTime
    public var writeLinks: Bool
    public var writeAccess: Bool
    public var writeHandovers: Bool
    /// Record a link-state trace (`trace.csv` in the run folder).
    public var writeTrace: Bool = false
    /// How often the trace samples its links; nil: `linksInterval`.
    public var traceInterval: SimTime?
    /// Which links each trace sample records.
    public var traceLinks: TraceScope = .serving

    public init(directory: String = "runs", linksInterval: SimTime = .seconds(10), writeLinks: Bool = true,
                writeAccess: Bool = true, writeHandovers: Bool = true) {
        self.directory = directory
        self.linksInterval = linksInterval
        self.writeLinks = writeLinks
        self.writeAccess = writeAccess
        self.writeHandovers = writeHandovers
    }
}
