import Channels
import Foundation
import Links
import Orbits
import SimCore

/// What the agent of a ``PowerAllocationEnvironment`` is told about each user's channel.
///
/// The reward never depends on it: it is always computed on the ground truth (DESIGN.md, "Why the
/// channel-model comparison is honest"). The two bounds of every comparison are built in:
///
/// - `oracle`: the belief is the ground-truth sample of that epoch (the same LOS state, shadowing and
///   fading the reward uses).
/// - `blind`: distance only — free-space loss at the slant range, LOS probability a constant 0.5,
///   nothing else.
/// - `provider`: any ``ChannelProvider`` (`empirical`, `gdm`, … or a test's own).
public enum PowerAllocationBelief: Sendable {
    case oracle
    case blind
    case provider(any ChannelProvider)

    /// `oracle`, `blind` or the provider's name.
    public var name: String {
        switch self {
        case .oracle: "oracle"
        case .blind: "blind"
        case .provider(let p): p.name
        }
    }

    /// The names ``PowerAllocationContext/belief(named:model:seed:)`` accepts.
    public static var names: [String] { ChannelProviders.names + RLSpec.builtInChannels }
}

/// The power-allocation environment could not be set up; names the topology file and the key at fault.
///
/// `Topologies/x.yaml: rl.serving: no node of kind 'haps' (the topology has no HAPs)`
public struct PowerAllocationError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The topology file.
    public var file: String
    /// `rl.serving`, `rl.scene`, `--channel`, …
    public var keyPath: String
    public var message: String

    public init(file: String, keyPath: String, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { "\(file): \(keyPath): \(message)" }
}

/// Everything a ``PowerAllocationEnvironment`` reads and never changes, loaded once and shared
/// read-only by any number of environment copies (on any threads): the topology and its upper nodes,
/// the urban scene and its street cells, the ground truth, the belief provider and the link budget
/// constants.
///
/// ```swift
/// let topology = try TopologyLoader.load(path: "Topologies/default.yaml")
/// let context = try PowerAllocationContext(topology: topology, channel: "gdm", channelModel: "maps/paris")
/// let envs = (0 ..< 8).map { _ in PowerAllocationEnvironment(context: context) }
/// let oracle = context.with(belief: .oracle)      // same scene, truth and nodes; another belief
/// ```
public final class PowerAllocationContext: @unchecked Sendable {
    /// The topology (its `rl` section with the overrides applied is ``spec``).
    public let topology: Topology
    /// The environment's settings: `topology.rl` with the `channel` / `channelModel` overrides.
    public let spec: RLSpec
    /// The user link whose carrier, bandwidth and minimum elevation are used.
    public let link: LinkSpec
    /// The kind of the serving node.
    public let servingKind: PlatformKind
    /// The serving node's name when `rl.serving` names one node; nil when it names a kind.
    public let servingNode: String?
    /// The urban scene the users stand in, and its label (`seed-1`, a file name).
    public let scene: UrbanScene
    public let sceneLabel: String
    /// The true channel.
    public let truth: GroundTruth
    /// What the agent is told.
    public let belief: PowerAllocationBelief
    /// The users' radio (receive antenna, noise): the first user group's, else the built-in one.
    public let userRadio: RadioSpec
    /// The observation's path-loss reference: free-space loss over the serving kind's altitude at
    /// time 0 (the mean over the kind's nodes), dB.
    public let referenceLossDb: Double
    /// Noise power in one user's subband (bandwidth / K), dBW.
    public let subbandNoisePowerDbw: Double
    /// Street cells (no building, away from the scene's edge) users are placed on, row-major.
    public let streetCells: [(column: Int, row: Int)]
    /// Receiver height above the street, metres.
    public let receiverHeightMeters = 1.5

    /// Users per episode, K.
    public var users: Int { spec.users }

    let uppers: UpperNodes
    /// Upper-node indices the serving node is chosen from (one index for a named node).
    let candidates: [Int]
    /// The scene centre at receiver height: ECEF km, geodetic, local up.
    let centreECEF: SIMD3<Double>
    let centreUp: SIMD3<Double>
    let rxPattern: AntennaPattern
    let rxPointing: Pointing
    /// Serving satellites are chosen among a subset refreshed every `refreshEpochs` epochs: those
    /// whose sub-point is within a cone (cosine `cullCosine[j]` for `candidates[j]`) of the scene centre
    /// that no satellite outside it can leave for the minimum elevation before the next refresh.
    let refreshEpochs: Int
    let cullCosine: [Double]

    /// Loads the topology's `rl` environment; `channel` and `channelModel` override `rl.channel`
    /// and `rl.channel_model`. `sceneOptions` sets the scene's size and resolution (2 km at 1 m by default).
    ///
    /// - Throws: ``PowerAllocationError`` naming the file and key.
    public convenience init(topology: Topology, channel: String? = nil, channelModel: String? = nil,
                            sceneOptions: SceneSource.Options = SceneSource.Options()) throws {
        var spec = topology.rl
        if let channel { spec.channel = channel }
        if let channelModel { spec.channelModel = channelModel }
        let key = channel == nil ? "rl.channel" : "--channel"
        let belief = try Self.belief(named: spec.channel, model: spec.channelModel, seed: topology.scenario.seed,
                                     file: topology.sourcePath, keyPath: key)
        try self.init(topology: topology, spec: spec, belief: belief, sceneOptions: sceneOptions)
    }

    /// Loads the topology's `rl` environment with the agent's belief given directly (e.g. a test's
    /// own provider).
    public convenience init(topology: Topology, belief: PowerAllocationBelief,
                            sceneOptions: SceneSource.Options = SceneSource.Options()) throws {
        var spec = topology.rl
        spec.channel = belief.name
        try self.init(topology: topology, spec: spec, belief: belief, sceneOptions: sceneOptions)
    }

    /// The belief called `name`: `oracle`, `blind` or a ``ChannelProviders`` name (`model` for
    /// `gdm`, `gan` and `vae`; `seed` for the sampling providers).
    public static func belief(named name: String, model: String?, seed: UInt64, file: String = "",
                              keyPath: String = "rl.channel") throws -> PowerAllocationBelief {
        switch name {
        case "oracle": return .oracle
        case "blind": return .blind
        case TraceChannelProvider.providerName:
            throw PowerAllocationError(file: file, keyPath: keyPath, message: "the trace provider replays a run's links forward "
                                       + "in time and cannot answer the environment's arbitrary (user, instant) queries; "
                                       + "choose empirical, empirical-sampled, gdm, gan, vae, oracle or blind")
        default:
            do {
                return .provider(try ChannelProviders.make(named: name, seed: seed, model: model))
            } catch ChannelProviderError.unknownProvider(let name, let known) {
                throw PowerAllocationError(file: file, keyPath: keyPath, message: "unknown channel provider '\(name)'; "
                                           + "known: \((known + RLSpec.builtInChannels).joined(separator: ", "))")
            } catch {
                throw PowerAllocationError(file: file, keyPath: keyPath, message: "\(error)")
            }
        }
    }

    /// The same context (nodes, scene, truth, constants: nothing is loaded again) with another belief.
    public func with(belief: PowerAllocationBelief) -> PowerAllocationContext {
        var spec = spec
        spec.channel = belief.name
        return PowerAllocationContext(copying: self, spec: spec, belief: belief)
    }

    private init(copying o: PowerAllocationContext, spec: RLSpec, belief: PowerAllocationBelief) {
        topology = o.topology
        self.spec = spec
        link = o.link
        servingKind = o.servingKind
        servingNode = o.servingNode
        scene = o.scene
        sceneLabel = o.sceneLabel
        truth = o.truth
        self.belief = belief
        userRadio = o.userRadio
        referenceLossDb = o.referenceLossDb
        subbandNoisePowerDbw = o.subbandNoisePowerDbw
        streetCells = o.streetCells
        uppers = o.uppers
        candidates = o.candidates
        centreECEF = o.centreECEF
        centreUp = o.centreUp
        rxPattern = o.rxPattern
        rxPointing = o.rxPointing
        refreshEpochs = o.refreshEpochs
        cullCosine = o.cullCosine
    }

    private init(topology: Topology, spec: RLSpec, belief: PowerAllocationBelief, sceneOptions: SceneSource.Options) throws {
        let file = topology.sourcePath
        func fail(_ key: String, _ message: String) -> PowerAllocationError {
            PowerAllocationError(file: file, keyPath: key, message: message)
        }
        guard spec.users >= 1 else { throw fail("rl.users", "expected at least 1 user, found \(spec.users)") }
        guard spec.powerBudgetW > 0, spec.powerBudgetW.isFinite else {
            throw fail("rl.power_budget_w", "expected a power budget > 0 W, found \(spec.powerBudgetW)")
        }
        guard spec.episodeSteps >= 1 else { throw fail("rl.episode_steps", "expected at least 1 step, found \(spec.episodeSteps)") }
        guard spec.decisionInterval > .zero else {
            throw fail("rl.decision_interval", "expected a duration > 0, found \(spec.decisionInterval)")
        }
        let (episodeNs, overflow) = spec.decisionInterval.nanoseconds.multipliedReportingOverflow(by: Int64(spec.episodeSteps))
        guard !overflow, episodeNs <= topology.scenario.duration.nanoseconds else {
            throw fail("rl.episode_steps", "expected an episode no longer than scenario.duration (\(topology.scenario.duration)), "
                       + "found episode_steps × decision_interval = \(spec.episodeSteps) × \(spec.decisionInterval)")
        }

        let built: ScenarioRunner.Built
        do {
            built = try ScenarioRunner.build(topology, channelOverride: nil)
        } catch {
            throw fail("topology", "\(error)")
        }
        let uppers = built.uppers

        // The serving node: a kind (highest over the scene centre at each epoch) or one named node.
        let kind: PlatformKind
        let candidates: [Int]
        if let word = spec.servingKind {
            let range: Range<Int>
            switch word {
            case .satellite: (kind, range) = (.satellite, uppers.satelliteRange)
            case .haps: (kind, range) = (.haps, uppers.hapsRange)
            case .uav: (kind, range) = (.uav, uppers.uavRange)
            }
            guard !range.isEmpty else {
                throw fail("rl.serving", "no node of kind '\(word.rawValue)' in \(file)")
            }
            candidates = Array(range)
            servingNode = nil
        } else {
            guard let i = uppers.names.firstIndex(of: spec.serving) else {
                throw fail("rl.serving", "no satellite, HAP or UAV is called '\(spec.serving)'; expected "
                           + "\(RLSpec.servingKinds.joined(separator: ", ")) or the name of one")
            }
            kind = uppers.kinds[i]
            candidates = [i]
            servingNode = spec.serving
        }
        servingKind = kind
        let linkType = spec.link ?? (kind == .satellite ? .userSatellite : kind == .haps ? .userHaps : .userUav)
        guard linkType.upperEnd.rawValue == kind.rawValue else {
            throw fail("rl.link", "link '\(linkType.rawValue)' is served by \(linkType.upperEnd.rawValue) nodes, "
                       + "but the serving node is a \(kind.rawValue)")
        }
        guard let cls = built.classes.first(where: { $0.spec.type == linkType }) else {
            throw fail("rl.link", "the topology has no '\(linkType.rawValue)' link; add it to 'links'")
        }
        link = cls.spec

        // The scene and where users may stand.
        do {
            (scene, sceneLabel) = try spec.scene.source.make(topology: topology, options: sceneOptions)
        } catch {
            throw fail("rl.scene", "\(error)")
        }
        let margin = ChannelDataset.edgeMargin(scene: scene, classes: [cls], options: ChannelDataset.Options(samples: 1, seed: 0))
        streetCells = ChannelDataset.streetCells(scene: scene, margin: margin)
        guard streetCells.count >= spec.users else {
            throw fail("rl.users", "the scene has \(streetCells.count) street cells at least \(Int(margin.rounded())) m "
                       + "from its edge, fewer than the \(spec.users) users")
        }

        truth = GroundTruth(scene: scene, environment: topology.scenario.environment, seed: topology.scenario.seed)
        userRadio = topology.users.first?.radio ?? RadioSpec.builtInDefault(.user)
        subbandNoisePowerDbw = Noise.noisePowerDbw(temperatureK: userRadio.effectiveSystemTemperatureK,
                                                   bandwidthHz: link.bandwidthHz / Double(spec.users))
        rxPattern = RadioModel.antenna(userRadio.antenna)
        rxPointing = RadioModel.pointing(userRadio.pointing)

        let centre = scene.geodetic(ofENU: SIMD3(0, 0, receiverHeightMeters))
        centreECEF = centre.ecefKm
        centreUp = LowerNodes.up(centre)

        // Reference loss: free space over the serving kind's mean altitude at time 0.
        var mutableUppers = uppers
        var x = [Double](repeating: 0, count: uppers.count), y = x, z = x
        mutableUppers.fill(at: .zero, epoch: topology.scenario.epoch, x: &x, y: &y, z: &z)
        let altitudes = candidates.map { Geodetic(ecefKm: SIMD3(x[$0], y[$0], z[$0])).altitudeMeters }
        let altitude = altitudes.reduce(0, +) / Double(altitudes.count)
        referenceLossDb = FreeSpace.pathLossDb(distanceMeters: max(altitude, 10), frequencyHz: link.frequencyHz)

        // Culling cones over about a minute of epochs: a satellite can rise above the mask before the
        // next refresh only if its sub-point is within λ_max + (angular rate bound × span) + slack.
        refreshEpochs = max(1, Int(60_000_000_000 / spec.decisionInterval.nanoseconds))
        if kind == .satellite && candidates.count > 1 {
            let span = Double(refreshEpochs) * spec.decisionInterval.seconds
            let slack = 0.5 * Double.pi / 180
            let elevation = max(0, link.minElevationDeg * .pi / 180 - slack)
            let observerRadius = centreECEF.length
            cullCosine = candidates.map { i in
                let (rate, apogee) = uppers.satellites.angularRateBound(i, at: topology.scenario.epoch)
                guard apogee > 0 else { return -2 }
                let lambda = acos(min(1, observerRadius * cos(elevation) / (apogee * 1.01))) - elevation
                let half = lambda + rate * span + slack
                return half >= .pi ? -2 : cos(half)
            }
        } else {
            cullCosine = []
        }

        self.topology = topology
        self.spec = spec
        self.belief = belief
        self.uppers = uppers
        self.candidates = candidates
    }
}
