import ArgumentParser
import SimCore

/// The `sagin` command-line tool.
public struct SaginCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "sagin",
            abstract: "Discrete-event simulator for space-air-ground integrated networks.",
            discussion: """
            `sagin run Topologies/default.yaml` simulates a scenario from a topology file (docs/topology.md);
            the tool also offers satellite pass prediction, Walker constellations as TLEs, the scheduler
            demonstration, the benchmarks and an environment check.
            """,
            version: "sagin \(version) (OpenBLAS core \(BLAS.coreName), GSL \(GSLInfo.version))",
            subcommands: [RunCommand.self, ReplayCommand.self, PPOCommand.self, CompareCommand.self, TraceCommand.self, DemoCommand.self, PassesCommand.self, WalkerCommand.self, ChannelCommand.self, DatasetCommand.self, ChannelMapCommand.self, SceneCommand.self, ClassifyCommand.self, TrainCommand.self, MapCommand.self, StudyCommand.self, BenchCommand.self, DoctorCommand.self]
        )
    }

    public init() {}
}

/// A duration option such as `90s`, `1500ms`, `6h`, `1d2h`.
struct DurationArgument: ExpressibleByArgument {
    var value: SimTime
    init?(argument: String) {
        guard let t = try? SimTime(parsing: argument) else { return nil }
        value = t
    }
    init(_ value: SimTime) { self.value = value }
    var defaultValueDescription: String { value.description }
}
