import ArgumentParser
import Foundation
import Learn
import Scenario

/// The SAGIN power-allocation environment's command-line options (`--env sagin`).
struct SaginEnvironmentOptions: ParsableArguments {
    @Option(help: "Topology of the sagin environment (its rl: section sets the serving node, users, budget, reward).")
    var topology: String = "Topologies/default.yaml"

    @Option(help: "Channel provider the agent believes (default: the topology's rl.channel): empirical, empirical-sampled, gdm, gan, vae, oracle, blind.")
    var channel: String?

    @Option(help: "Model file of a gdm, gan or vae provider.")
    var channelModel: String?

    func choice() throws -> EnvironmentChoice {
        let topo: Topology
        do { topo = try TopologyLoader.load(path: topology) } catch { throw ValidationError("\(error)") }
        let context: PowerAllocationContext
        do { context = try PowerAllocationContext(topology: topo, channel: channel, channelModel: channelModel) } catch {
            throw ValidationError("\(error)")
        }
        return EnvironmentChoice(name: "SaginPowerAllocation-v0", make: { PowerAllocationEnvironment(context: context) },
                                 settings: saginSettings, defaultSteps: 200_000)
    }

    func summary(_ choice: EnvironmentChoice) -> [String: Any] {
        choice.name.hasPrefix("Sagin") ? ["topology": topology, "channel": channel ?? NSNull(), "channel_model": channelModel ?? NSNull()] : [:]
    }
}
