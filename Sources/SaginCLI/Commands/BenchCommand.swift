import ArgumentParser
import Foundation
import SimCore

/// `sagin bench …`: release-build benchmarks of the hot paths.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of the simulator's hot paths (build with -c release).",
        subcommands: [SchedulerBench.self]
    )
}

/// `sagin bench scheduler`: the hold model.
struct SchedulerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Event-queue throughput with the hold model.",
        discussion: """
        The queue starts with --pending events; each executed event draws an exponential delay from
        an RNG stream and schedules one new event. Prints events/s for each repetition and the median.
        References on this machine kind: ns-3 3.37 PriorityQueue 4.7 M events/s (1,000 pending) and
        3.2 M (100,000); ns-3 Calendar 5.0 M (1,000); SimPy 0.63 M.
        """
    )

    @Option(help: "Pending events held in the queue (comma-separated for several sizes).")
    var pending: String = "1000"

    @Option(help: "Events executed per repetition.")
    var events: UInt64 = 1_000_000

    @Option(name: .customLong("repeat"), help: "Repetitions per size; the median is reported.")
    var repetitions: Int = 5

    @Option(help: "Seed of the delay stream.")
    var seed: UInt64 = 1

    @Option(help: "Also write the measurements as CSV to this file.")
    var csv: String?

    func pendingSizes() throws -> [Int] {
        try pending.split(separator: ",").map { part in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ValidationError("--pending: expected positive integers separated by commas, found '\(part)'")
            }
            return n
        }
    }

    func validate() throws {
        _ = try pendingSizes()
        guard events > 0 else { throw ValidationError("--events must be positive") }
        guard repetitions > 0 else { throw ValidationError("--repeat must be positive") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        print("BLAS core \(BLAS.coreName); hold model, \(events) events per run, \(repetitions) runs, seed \(seed)")
        var rows = ["pending,run,events,wall_s,events_per_s"]
        for size in try pendingSizes() {
            var rates: [Double] = []
            for r in 1 ... repetitions {
                let m = HoldBenchmark.run(pending: size, events: events, seed: seed)
                rates.append(m.eventsPerSecond)
                rows.append("\(size),\(r),\(m.events),\(m.wallSeconds),\(m.eventsPerSecond)")
                print("  pending \(size)  run \(r): \(String(format1: m.eventsPerSecond / 1e6)) M events/s")
            }
            let median = rates.sorted()[rates.count / 2]
            print("pending \(size): median \(String(format1: median / 1e6)) M events/s over \(repetitions) runs")
        }
        if let csv {
            try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
            print("wrote \(csv)")
        }
    }
}
