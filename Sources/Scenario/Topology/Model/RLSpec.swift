import SimCore

/// The reward of the power-allocation environment (`rl.reward`).
public enum RLReward: String, Sendable, Hashable, Codable, CaseIterable {
    /// Σ_k w_k·rate_k / K: the demand-weighted mean spectral efficiency.
    case sumRate = "sum-rate"
    /// Σ_k w_k·ln(0.01 + rate_k) / K.
    case proportionalFair = "proportional-fair"
}

/// Where the power-allocation environment's urban scene comes from (`rl.scene`): a seed of a
/// generated city, or a height-map / footprint file (resolved against the topology's folder).
public enum RLScene: Sendable, Hashable, Codable {
    case seed(UInt64)
    case file(String)

    /// The ``SceneSource`` it names.
    public var source: SceneSource {
        switch self {
        case .seed(let s): .generated(seed: s)
        case .file(let path): .file(path)
        }
    }
}

/// The power-allocation reinforcement-learning environment of a topology: the optional `rl`
/// section (docs/topology.md, "rl"), every default filled in.
///
/// A serving node (a satellite, HAP or UAV) splits a total power budget between K ground users at
/// each decision epoch; see ``PowerAllocationEnvironment``.
///
/// ```swift
/// let topology = try TopologyLoader.load(path: "Topologies/default.yaml")
/// topology.rl.users            // 8
/// topology.rl.powerBudgetW     // 20
/// ```
public struct RLSpec: Sendable, Hashable, Codable {
    /// `satellite`, `haps`, `uav` (the node of that kind highest over the scene centre at each epoch)
    /// or the name of one satellite, HAP or UAV.
    public var serving: String
    /// The user link whose frequency, bandwidth, minimum elevation and user radio are used; nil: the
    /// `user-<kind>` link of the serving node's kind.
    public var link: LinkType?
    /// K, the users served at each epoch.
    public var users: Int
    /// Total transmit power of the serving node, W (replaces its radio's `tx_power_dbw`).
    public var powerBudgetW: Double
    /// Time between decision epochs.
    public var decisionInterval: SimTime
    /// Decisions per episode; the episode is then truncated.
    public var episodeSteps: Int
    public var reward: RLReward
    /// Subtracted × (power used / budget) from every reward.
    public var powerCost: Double
    /// A user whose true SNR is below this is in outage, dB.
    public var outageSnrDb: Double
    /// Subtracted × (users in outage / K) from every reward.
    public var outagePenalty: Double
    public var scene: RLScene
    /// The provider of the agent's belief: a ``ChannelProviders`` name, `oracle` or `blind`.
    public var channel: String
    /// The model or map `gdm`, `gan` and `vae` read, resolved against the topology's folder.
    public var channelModel: String?

    /// The provider names that need no ``ChannelProviders`` entry.
    public static let builtInChannels = ["oracle", "blind"]
    /// The words `serving` accepts besides node names.
    public static let servingKinds = ["satellite", "haps", "uav"]
    /// The link types a power-allocation environment can use.
    public static let userLinks: [LinkType] = [.userSatellite, .userHaps, .userUav]

    public init(serving: String = "satellite", link: LinkType? = nil, users: Int = 8, powerBudgetW: Double = 20,
                decisionInterval: SimTime = .seconds(10), episodeSteps: Int = 32, reward: RLReward = .sumRate,
                powerCost: Double = 0.1, outageSnrDb: Double = 0, outagePenalty: Double = 0.5,
                scene: RLScene = .seed(1), channel: String = "empirical", channelModel: String? = nil) {
        self.serving = serving
        self.link = link
        self.users = users
        self.powerBudgetW = powerBudgetW
        self.decisionInterval = decisionInterval
        self.episodeSteps = episodeSteps
        self.reward = reward
        self.powerCost = powerCost
        self.outageSnrDb = outageSnrDb
        self.outagePenalty = outagePenalty
        self.scene = scene
        self.channel = channel
        self.channelModel = channelModel
    }

    /// The kind word `serving` holds, or nil when it names a node.
    public var servingKind: PlatformKindWord? { PlatformKindWord(rawValue: serving) }

    /// The kinds `serving` may name.
    public enum PlatformKindWord: String, Sendable, Hashable, CaseIterable {
        case satellite, haps, uav

        /// The user link of this kind.
        public var userLink: LinkType {
            switch self {
            case .satellite: .userSatellite
            case .haps: .userHaps
            case .uav: .userUav
            }
        }
    }
}
