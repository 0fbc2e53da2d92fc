import ArgumentParser
import Foundation
import SimCore

/// `sagin demo`: the built-in scheduler demonstration (what `make run` runs until topology scenarios land).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the built-in relay-queue demonstration of the event scheduler.",
        discussion: """
        Ground users send packets (Poisson, --arrival-rate per second) through a UAV relay and a
        satellite uplink, each a single exponential server. The run writes summary.json (measured
        means next to the closed-form tandem M/M/1 values) and queue_samples.csv into a new folder
        under --output.
        """
    )

    @Option(help: "Scenario seed.") var seed: UInt64 = 1
    @Option(help: "Simulated duration (e.g. 90s, 30min, 6h, 1d2h).") var duration = DurationArgument(.hours(1))
    @Option(help: "Packet arrival rate, packets/s.") var arrivalRate: Double = 50
    @Option(help: "UAV relay service rate, packets/s.") var uavServiceRate: Double = 100
    @Option(help: "Satellite uplink service rate, packets/s.") var satelliteServiceRate: Double = 80
    @Option(help: "Interval between queue samples.") var sampleInterval = DurationArgument(.seconds(10))
    @Option(help: "Folder under which the run folder is created.") var output: String = "runs"

    var configuration: RelayQueueDemo.Configuration {
        var c = RelayQueueDemo.Configuration()
        c.seed = seed
        c.duration = duration.value
        c.arrivalRatePerSecond = arrivalRate
        c.uavServiceRatePerSecond = uavServiceRate
        c.satelliteServiceRatePerSecond = satelliteServiceRate
        c.sampleInterval = sampleInterval.value
        return c
    }

    func validate() throws {
        do { try configuration.validate() } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        let config = configuration
        let (result, stats) = try RelayQueueDemo.run(config)
        let folder = try RunFolder(parent: output, name: "demo", timestamp: .now)
        try DemoOutput.write(result, config: config, to: folder)
        let path = try folder.commit()
        print(DemoOutput.report(result, stats: stats))
        print("results: \(path)/summary.json, \(path)/queue_samples.csv")
    }
}

/// Files and console text of a demo run.
public enum DemoOutput {
    struct Summary: Codable {
        var tool: String
        var version: String
        var configuration: RelayQueueDemo.Configuration
        var packetsGenerated: Int
        var packetsDelivered: Int
        var eventsExecuted: UInt64
        var meanEndToEndDelayS: RelayQueueDemo.Comparison
        var meanPacketsAtUAV: RelayQueueDemo.Comparison
        var meanPacketsAtSatellite: RelayQueueDemo.Comparison

        enum CodingKeys: String, CodingKey {
            case tool, version, configuration, packetsGenerated = "packets_generated", packetsDelivered = "packets_delivered"
            case eventsExecuted = "events_executed", meanEndToEndDelayS = "mean_end_to_end_delay_s"
            case meanPacketsAtUAV = "mean_packets_at_uav", meanPacketsAtSatellite = "mean_packets_at_satellite"
        }
    }

    /// summary.json: deterministic (no wall-clock figures), keys sorted.
    public static func summaryJSON(_ r: RelayQueueDemo.Result, config: RelayQueueDemo.Configuration) throws -> String {
        let summary = Summary(tool: "sagin demo", version: SaginCommand.version, configuration: config,
                              packetsGenerated: r.packetsGenerated, packetsDelivered: r.packetsDelivered,
                              eventsExecuted: r.eventsExecuted, meanEndToEndDelayS: r.meanDelaySeconds,
                              meanPacketsAtUAV: r.meanUAVPackets, meanPacketsAtSatellite: r.meanSatellitePackets)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
    }

    /// queue_samples.csv: one row per sample.
    public static func samplesCSV(_ r: RelayQueueDemo.Result) -> String {
        var out = "time_s,uav_queue_packets,satellite_queue_packets,delivered_packets\n"
        for s in r.samples {
            out += "\(s.time.seconds),\(s.uavQueue),\(s.satelliteQueue),\(s.delivered)\n"
        }
        return out
    }

    static func write(_ r: RelayQueueDemo.Result, config: RelayQueueDemo.Configuration, to folder: RunFolder) throws {
        try folder.write("summary.json", contents: summaryJSON(r, config: config))
        try folder.write("queue_samples.csv", contents: samplesCSV(r))
    }

    static func report(_ r: RelayQueueDemo.Result, stats: SchedulerStatistics) -> String {
        func row(_ name: String, _ c: RelayQueueDemo.Comparison) -> String {
            let ci = c.ci95HalfWidth.map { " ± \(fmt($0))" } ?? ""
            return "  \(name): measured \(fmt(c.measured))\(ci), theory \(fmt(c.theory))"
        }
        return """
        relay-queue demo: \(r.packetsGenerated) packets generated, \(r.packetsDelivered) delivered
        \(row("mean end-to-end delay (s)", r.meanDelaySeconds))
        \(row("mean packets at UAV      ", r.meanUAVPackets))
        \(row("mean packets at satellite", r.meanSatellitePackets))
          scheduler: \(stats.eventsExecuted) events in \(fmt(stats.wallSeconds)) s wall (\(String(format1: stats.eventsPerSecond / 1e6)) M events/s)
        """
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
}
