import SimCore

/// A group of users or gateways: `users[i]` and `gateways[i]` of a topology, with its placement
/// already resolved into nodes.
public struct GroundGroupSpec: Sendable, Hashable, Codable {
    public var name: String
    /// The group's nodes in placement order (list/CSV order, or draw order for random placement).
    public var nodes: [GroundNodeSpec]
    public var mobility: GroundMobilitySpec
    public var radio: RadioSpec

    public init(name: String, nodes: [GroundNodeSpec], mobility: GroundMobilitySpec, radio: RadioSpec) {
        self.name = name
        self.nodes = nodes
        self.mobility = mobility
        self.radio = radio
    }
}

/// One ground node at its initial position.
public struct GroundNodeSpec: Sendable, Hashable, Codable {
    public var name: String
    public var latitudeDeg: Double
    public var longitudeDeg: Double
    public var altitudeMeters: Double

    public init(name: String, latitudeDeg: Double, longitudeDeg: Double, altitudeMeters: Double = 0) {
        self.name = name
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
        self.altitudeMeters = altitudeMeters
    }
}

/// How the nodes of a ground group move.
///
/// JSON form: `{"stationary": {}}` or `{"randomWalk": {"speedMps": …, "leg": "1min", "area": …}}`.
public enum GroundMobilitySpec: Sendable, Hashable, Codable {
    /// `model: static`.
    case stationary
    /// `model: random-walk`: straight legs of duration `leg` at `speedMps` in uniformly random
    /// directions, reflecting at the edge of `area` (resolved: the file's, the random placement's,
    /// or `scenario.area`).
    case randomWalk(speedMps: Double, leg: SimTime, area: AreaSpec)
}
