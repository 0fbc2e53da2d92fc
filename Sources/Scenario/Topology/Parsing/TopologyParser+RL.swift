import Channels
import Foundation
import SimCore

extension TopologyParser {
    static let rlKeys = ["serving", "link", "users", "power_budget_w", "decision_interval", "episode_steps", "reward",
                         "power_cost", "outage_snr_db", "outage_penalty", "scene", "channel", "channel_model"]

    /// Providers that read a model file or map (`channel_model`).
    static let rlModelChannels = [GDMChannelProvider.providerName, GenerativeChannelProvider.Kind.gan.rawValue,
                                  GenerativeChannelProvider.Kind.vae.rawValue]

    /// The `rl` section (docs/topology.md, "rl"), checked against the nodes and links read before it.
    func parseRL(_ v: YAMLValue, scenario: ScenarioSettings, constellations: [ConstellationSpec], haps: [AerialSpec],
                 uavs: [AerialSpec], links: [LinkSpec]) throws(TopologyError) -> RLSpec {
        let m = try v.map()
        try m.checkKeys(Self.rlKeys)
        var rl = RLSpec()

        // serving: a kind word or the name of one upper node; its kind picks the default link.
        var servingKind = RLSpec.PlatformKindWord.satellite
        if let s = m["serving"] {
            let text = try s.string()
            if let kind = RLSpec.PlatformKindWord(rawValue: text) {
                let present = switch kind {
                case .satellite: constellations.contains { $0.source.count > 0 }
                case .haps: !haps.isEmpty
                case .uav: !uavs.isEmpty
                }
                guard present else {
                    let section = kind == .satellite ? "constellations" : kind.rawValue + "s"
                    throw s.error(.invalidValue, "no node of kind '\(kind.rawValue)' in \(file) (its '\(section)' section is empty "
                                  + "or absent); expected a kind that exists or the name of a satellite, HAP or UAV")
                }
                servingKind = kind
            } else if haps.contains(where: { $0.name == text }) {
                servingKind = .haps
            } else if uavs.contains(where: { $0.name == text }) {
                servingKind = .uav
            } else if Self.satelliteNames(constellations).contains(text) {
                servingKind = .satellite
            } else {
                let candidates = RLSpec.servingKinds + haps.map(\.name) + uavs.map(\.name)
                let hint = EditDistance.closest(to: text, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
                throw s.error(.invalidValue, "expected satellite, haps, uav or the name of a satellite, HAP or UAV, "
                              + "found '\(text)'\(hint)")
            }
            rl.serving = text
        } else if constellations.allSatisfy({ $0.source.count == 0 }) {
            throw m.missing("serving", "the topology has no satellites, so name the serving kind (haps or uav) or node")
        }

        // link: a user link of the serving kind that the topology has.
        let linkValue = m["link"]
        let linkType = try linkValue.map { v throws(TopologyError) in
            LinkType(rawValue: try v.word(RLSpec.userLinks.map(\.rawValue)))!
        } ?? servingKind.userLink
        let linkPlace = linkValue ?? m["serving"] ?? v
        guard linkType.upperEnd.rawValue == servingKind.rawValue else {
            throw linkPlace.error(.invalidValue, "link '\(linkType.rawValue)' is served by \(linkType.upperEnd.rawValue) nodes but "
                                  + "the serving node is a \(servingKind.rawValue); expected \(servingKind.userLink.rawValue)")
        }
        guard links.contains(where: { $0.type == linkType }) else {
            throw linkPlace.error(.invalidValue, "the topology has no '\(linkType.rawValue)' link; add it to 'links' "
                                  + "(present: \(links.map(\.type.rawValue).joined(separator: ", ")))")
        }
        rl.link = linkValue == nil ? nil : linkType

        rl.users = try m.optional("users") { v throws(TopologyError) in
            let k = try v.integer()
            try v.require(k >= 1 && k <= 4096, "a number of users in [1, 4096]")
            return k
        } ?? rl.users
        rl.powerBudgetW = try m.optional("power_budget_w") { v throws(TopologyError) in
            try v.positiveNumber("a power budget > 0 W")
        } ?? rl.powerBudgetW
        rl.decisionInterval = try m.optional("decision_interval", positiveDuration) ?? rl.decisionInterval
        let stepsValue = m["episode_steps"]
        rl.episodeSteps = try stepsValue.map { v throws(TopologyError) in
            let n = try v.integer()
            try v.require(n >= 1 && n <= 10_000_000, "a number of decisions per episode in [1, 10000000]")
            return n
        } ?? rl.episodeSteps
        // The episode (its last observation included) must fit in the scenario.
        let (episodeNs, overflow) = rl.decisionInterval.nanoseconds.multipliedReportingOverflow(by: Int64(rl.episodeSteps))
        if overflow || episodeNs > scenario.duration.nanoseconds {
            let place = stepsValue ?? m["decision_interval"] ?? v
            throw place.error(.outOfRange, "expected an episode no longer than scenario.duration (\(scenario.duration)), found "
                              + "episode_steps × decision_interval = \(rl.episodeSteps) × \(rl.decisionInterval)")
        }
        rl.reward = try m.optional("reward") { v throws(TopologyError) in try v.word(RLReward.self) } ?? rl.reward
        rl.powerCost = try m.optional("power_cost") { v throws(TopologyError) in try v.nonNegativeNumber("a cost ≥ 0") }
            ?? rl.powerCost
        rl.outageSnrDb = try m.optional("outage_snr_db") { v throws(TopologyError) in try v.number() } ?? rl.outageSnrDb
        rl.outagePenalty = try m.optional("outage_penalty") { v throws(TopologyError) in
            try v.nonNegativeNumber("a penalty ≥ 0")
        } ?? rl.outagePenalty
        if let s = m["scene"] {
            if let text = s.text, s.isPlain, YAMLValue.isInteger(text) {
                rl.scene = .seed(try seedValue(s))
            } else {
                let path = try s.string()
                guard !path.isEmpty else {
                    throw s.error(.invalidValue, "expected a city seed (a whole number) or a scene file, found an empty string")
                }
                let resolved = TopologyPaths.resolve(path, against: directory)
                guard FileManager.default.fileExists(atPath: resolved) else {
                    throw s.error(.missingFile, "scene file \(resolved) does not exist (expected a seed or a .pgm, .png or .csv file)")
                }
                rl.scene = .file(resolved)
            }
        }
        if let c = m["channel"] {
            rl.channel = try c.word(ChannelProviders.names + RLSpec.builtInChannels)
        }
        if let c = m["channel_model"], !c.isNull {
            let path = try c.string()
            guard !path.isEmpty else { throw c.error(.invalidValue, "expected the path of a channel model or map, found an empty string") }
            rl.channelModel = TopologyPaths.resolve(path, against: directory)
        }
        if Self.rlModelChannels.contains(rl.channel), rl.channelModel == nil {
            throw m.missing("channel_model", "channel '\(rl.channel)' reads a model file or `sagin map` folder")
        }
        return rl
    }

    /// Every satellite name the shells give (the naming rule of the scenario builder).
    static func satelliteNames(_ constellations: [ConstellationSpec]) -> Set<String> {
        var names = Set<String>()
        for shell in constellations {
            switch shell.source {
            case .walker(let p, _):
                for plane in 0 ..< p.planes { for slot in 0 ..< p.perPlane { names.insert("\(shell.name)-\(plane)-\(slot)") } }
            case .tle(_, let tles):
                for tle in tles {
                    var name = tle.name.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                        ?? "\(shell.name)-\(tle.catalogNumber)"
                    if names.contains(name) { name += "-\(tle.catalogNumber)" }
                    names.insert(name)
                }
            }
        }
        return names
    }
}
