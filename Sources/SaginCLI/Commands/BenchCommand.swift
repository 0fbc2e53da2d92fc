import ArgumentParser
import Foundation
import Orbits
import SimCore

/// `sagin bench …`: release-build benchmarks of the hot paths.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of the simulator's hot paths (build with -c release).",
        subcommands: [SchedulerBench.self, SGP4Bench.self, ScenarioBench.self, LOSBench.self, LearnBench.self, GDMBench.self, PPOBench.self, TraceBench.self]
    )
}

/// The median of benchmark repetitions (the upper middle value for an even count).
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

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
            let median = median(rates)
            print("pending \(size): median \(String(format1: median / 1e6)) M events/s over \(repetitions) runs")
        }
        if let csv {
            try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
            print("wrote \(csv)")
        }
    }
}

/// `sagin bench sgp4`: TLE loading and SGP4 propagation throughput.
struct SGP4Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgp4",
        abstract: "TLE loading and SGP4 propagation throughput (scalar and batch paths).",
        discussion: """
        Propagates every satellite of the file over --steps time steps, --repeat times, and prints
        the median propagations per second of each path: scalar (SGP4Propagator.state), the generic
        BatchPropagator, and the SIMD SGP4BatchPropagator. Reference on this machine kind: Vallado's
        C++ SGP4 at -O2, 3.3 M propagations/s on one core (starlink-2024-05.tle, 400 steps); SIMD
        batch implementations elsewhere report 11–16 M/s.
        """
    )

    @Option(help: "TLE file.") var tle: String
    @Option(help: "Time steps per run.") var steps: Int = 400
    @Option(help: "Minutes between steps.") var stepMinutes: Double = 1
    @Option(name: .customLong("repeat"), help: "Runs per path; the median is reported.") var repetitions: Int = 5

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive") }
        guard repetitions > 0 else { throw ValidationError("--repeat must be positive") }
        guard stepMinutes > 0 else { throw ValidationError("--step-minutes must be positive") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        // Loading: the file as given, and ten thousand satellites (the file repeated) from memory.
        let t0 = Clock.seconds()
        let loaded = try TLEParser.load(path: tle)
        let loadSeconds = Clock.seconds() - t0
        let text = try String(contentsOfFile: tle, encoding: .utf8)
        let copies = max(1, Int((10_000.0 / Double(max(1, loaded.tles.count))).rounded(.up)))
        let big = String(repeating: text.hasSuffix("\n") ? text : text + "\n", count: copies)
        let t1 = Clock.seconds()
        let many = try TLEParser.parse(text: big, file: "\(tle) ×\(copies)")
        let bigSeconds = Clock.seconds() - t1
        print("loaded \(loaded.tles.count) TLEs in \(String(format: "%.1f", loadSeconds * 1e3)) ms; \(many.tles.count) TLEs in \(String(format: "%.1f", bigSeconds * 1e3)) ms")

        var propagators: [SGP4Propagator] = []
        var initFailures = 0
        for t in loaded.tles {
            if let p = try? SGP4Propagator(tle: t) { propagators.append(p) } else { initFailures += 1 }
        }
        let start = propagators.map(\.epoch).max() ?? .now
        print("SGP4: \(propagators.count) satellites (\(initFailures) failed to initialise), \(steps) steps of \(stepMinutes) min, BLAS core \(BLAS.coreName)")
        for (name, measure) in [("scalar        ", { SGP4Benchmark.scalar(propagators, steps: steps, stepMinutes: stepMinutes) }),
                                ("batch generic ", { SGP4Benchmark.batch(propagators, start: start, steps: steps, stepMinutes: stepMinutes) }),
                                ("batch SIMD    ", { SGP4Benchmark.simd(propagators, start: start, steps: steps, stepMinutes: stepMinutes) })] {
            var rates: [Double] = []
            var last: SGP4Benchmark.Measurement?
            for _ in 0 ..< repetitions {
                let m = measure()
                rates.append(m.perSecond)
                last = m
            }
            let median = median(rates)
            let failures = last?.failures ?? 0
            print("\(name): median \(String(format1: median / 1e6)) M propagations/s over \(repetitions) runs (\(failures) failed propagations per run)")
        }
    }
}
