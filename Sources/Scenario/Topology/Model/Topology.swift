import Links
import SimCore

/// A whole scenario as read from a topology file: validated, with every default filled in and
/// every random placement drawn, ready for the engine to build a simulation from.
///
/// All parts are plain values (`Sendable`, `Hashable`, `Codable`), so a run can record its
/// fully resolved configuration with a sorted-keys `JSONEncoder`. The schema is
/// `docs/topology.md`.
///
/// ```swift
/// let topology = try TopologyLoader.load(path: "Topologies/default.yaml")
/// print(topology.scenario.duration, topology.constellations.map(\.name))
/// ```
public struct Topology: Sendable, Hashable, Codable {
    /// The topology file as given to the loader.
    public var sourcePath: String
    /// The folder of the topology file (`.` when the path has none); relative `tle` and `csv`
    /// paths are resolved against it.
    public var directory: String
    public var scenario: ScenarioSettings
    public var constellations: [ConstellationSpec]
    public var haps: [AerialSpec]
    public var uavs: [AerialSpec]
    public var users: [GroundGroupSpec]
    public var gateways: [GroundGroupSpec]
    /// One entry per link type that exists, in file order (`user-satellite` alone by default).
    public var links: [LinkSpec]
    public var selection: SelectionSpec
    public var outputs: OutputSpec
    /// The power-allocation RL environment (``RLSpec``; its defaults when the file has no `rl`).
    public var rl: RLSpec

    public init(sourcePath: String, directory: String, scenario: ScenarioSettings, constellations: [ConstellationSpec],
                haps: [AerialSpec], uavs: [AerialSpec], users: [GroundGroupSpec], gateways: [GroundGroupSpec],
                links: [LinkSpec], selection: SelectionSpec, outputs: OutputSpec, rl: RLSpec = RLSpec()) {
        self.sourcePath = sourcePath
        self.directory = directory
        self.scenario = scenario
        self.constellations = constellations
        self.haps = haps
        self.uavs = uavs
        self.users = users
        self.gateways = gateways
        self.links = links
        self.selection = selection
        self.outputs = outputs
        self.rl = rl
    }

    /// The link of a type, if the topology has it.
    public func link(_ type: LinkType) -> LinkSpec? { links.first { $0.type == type } }
}

/// Run-wide settings: the `scenario` section.
public struct ScenarioSettings: Sendable, Hashable, Codable {
    /// Run folder prefix, `[A-Za-z0-9._-]+`.
    public var name: String
    /// Simulation time 0.
    public var epoch: UTCInstant
    /// Simulated time, > 0.
    public var duration: SimTime
    /// Mobility/visibility epoch, > 0 (default 1 s).
    public var step: SimTime
    /// The scenario seed (default 1); every random draw comes from a named stream of it.
    public var seed: UInt64
    /// Propagation environment (default urban).
    public var environment: Environment
    /// Area of interest: the default area for random placement and random walks.
    public var area: AreaSpec?

    public init(name: String, epoch: UTCInstant, duration: SimTime, step: SimTime = .seconds(1), seed: UInt64 = 1,
                environment: Environment = .urban, area: AreaSpec? = nil) {
        self.name = name
        self.epoch = epoch
        self.duration = duration
        self.step = step
        self.seed = seed
        self.environment = environment
        self.area = area
    }

    /// The scenario's random streams.
    public var randomStreams: RandomStreams { RandomStreams(seed: seed) }
}
