import ArgumentParser
import Foundation
import Scenario

/// `sagin trace …`: real link traces.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Read real link traces (mahimahi delivery traces, per-interval delay traces).",
        subcommands: [TraceStatsCommand.self, TraceExportCommand.self]
    )
}

/// `sagin trace stats FILE`: duration, capacity or delay statistics of a trace file.
struct TraceStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Duration and capacity (mahimahi) or delay (per-interval) statistics of a trace file.",
        discussion: """
        mahimahi: one delivery time (ms) per line, non-decreasing, 1500 B per line; prints the period,
        mean capacity, 100 ms bins' p10/median/p90 and empty bins, and the smallest and largest 1 s bins
        (bins are ⌈period/width⌉, the last possibly partial, each divided by the full width).
        delay: one one-way delay (ms) per --interval-ms (LeoCC's format); prints min, median, p90, max and
        the times of spikes at least 20 ms above the median. --format auto takes a non-decreasing file
        for mahimahi and any other for delay, and says which it assumed.
        """
    )

    @Argument(help: "Trace file.") var file: String
    @Option(help: "auto, mahimahi or delay.") var format: String = "auto"
    @Option(help: "Interval of a delay trace, ms.") var intervalMs: Int = 10

    func run() throws {
        guard ["auto", "mahimahi", "delay"].contains(format) else {
            throw ValidationError("--format: expected auto, mahimahi or delay, found '\(format)'")
        }
        guard intervalMs > 0 else { throw ValidationError("--interval-ms must be positive") }
        do {
            var kind = format
            if kind == "auto" {
                let values = try DelayTrace(path: file).delaysMs
                kind = zip(values, values.dropFirst()).allSatisfy { $0 <= $1 } ? "mahimahi" : "delay"
                print("format: \(kind) (auto: the times \(kind == "mahimahi" ? "never decrease" : "go up and down"); --format to choose)")
            }
            if kind == "mahimahi" {
                let t = try MahimahiTrace(path: file)
                let bins = t.binnedCapacityBitsPerSecond(binMs: 100).map { $0 / 1e6 }
                let seconds = t.binnedCapacityBitsPerSecond(binMs: 1000).map { $0 / 1e6 }
                print(String(format: "%@: mahimahi trace, %d deliveries, period %.3f s", file, t.deliveryMs.count, Double(t.periodMs) / 1000))
                print(String(format: "mean capacity %.2f Mbit/s (1500 B per delivery)", t.meanCapacityBitsPerSecond / 1e6))
                print(String(format: "100 ms bins: p10 %.2f, median %.2f, p90 %.2f Mbit/s; %d empty of %d",
                             percentile(bins, 10), percentile(bins, 50), percentile(bins, 90), bins.filter { $0 == 0 }.count, bins.count))
                print(String(format: "1 s bins: smallest %.2f, largest %.2f Mbit/s", seconds.min()!, seconds.max()!))
            } else {
                let t = try DelayTrace(path: file, intervalMs: intervalMs)
                let d = t.delaysMs.map(Double.init)
                let median = percentile(d, 50)
                var spikes: [Double] = []
                for (i, v) in d.enumerated() where v >= median + 20 {
                    let time = Double(i * intervalMs) / 1000
                    if let last = spikes.last, time - last < 1 { continue }
                    spikes.append(time)
                }
                print(String(format: "%@: delay trace, %d intervals of %d ms, duration %.2f s", file, d.count, intervalMs, Double(t.durationMs) / 1000))
                print(String(format: "one-way delay: min %.0f, median %.0f, p90 %.0f, max %.0f ms", d.min()!, median, percentile(d, 90), d.max()!))
                print("spikes ≥ median + 20 ms at: " + (spikes.isEmpty ? "none" : spikes.map { String(format: "%.2f s", $0) }.joined(separator: ", ")))
            }
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// `sagin trace export-mahimahi`: a simulated node's link capacity from a run's links.csv as a
/// mahimahi delivery trace.
struct TraceExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-mahimahi",
        abstract: "Write a node's simulated link capacity (a run's links.csv) as a mahimahi delivery trace.",
        discussion: """
        Takes the rows of --node in a run's links.csv (whichever peer serves it), holds each sample's
        capacity until the next sample (the run's links_interval), and writes --duration of it from --from
        as a mahimahi trace (1500-byte deliveries, each sample interval within one packet of its capacity),
        for `mm-link`:
          sagin trace export-mahimahi --links runs/default-…/links.csv --node user-0 --out user-0.mahimahi
        """
    )

    @Option(help: "links.csv of a run.") var links: String
    @Option(help: "Node whose link is exported (the links.csv 'node' column).") var node: String
    @Option(help: "Capacity column: shannon (shannon_bps), dvbs2x (dvbs2x_bps) or capacity (capacity_bps: DVB-S2X or the link type's measured capacity trace).") var capacity: String = "shannon"
    @Option(help: "Start, seconds since the scenario start.") var from: Double = 0
    @Option(help: "Length of the trace, seconds (mahimahi repeats it).") var duration: Double = 60
    @Option(help: "Output file (written under a temporary name, renamed at the end).") var out: String

    func run() throws {
        let columns = ["shannon": "shannon_bps", "dvbs2x": "dvbs2x_bps", "capacity": "capacity_bps"]
        guard let column = columns[capacity] else { throw ValidationError("--capacity: expected shannon, dvbs2x or capacity, found '\(capacity)'") }
        guard duration > 0, from >= 0 else { throw ValidationError("--duration must be positive and --from ≥ 0") }
        guard let text = try? String(contentsOfFile: links, encoding: .utf8) else { throw ValidationError("\(links): cannot be read") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first?.split(separator: ",").map(String.init) else { throw ValidationError("\(links): the file is empty") }
        guard let ti = header.firstIndex(of: "time_s"), let ni = header.firstIndex(of: "node"), let ci = header.firstIndex(of: column) else {
            throw ValidationError("\(links):1: expected the columns time_s, node and \(column) (a sagin run's links.csv)")
        }
        var samples: [(time: Double, bps: Double)] = []
        var nodes = Set<String>()
        for (k, line) in lines.enumerated().dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == header.count else { throw ValidationError("\(links):\(k + 1): \(f.count) fields, the header has \(header.count)") }
            nodes.insert(String(f[ni]))
            guard f[ni] == node else { continue }
            guard let t = Double(f[ti]), let c = Double(f[ci]), t.isFinite, c.isFinite, c >= 0 else {
                throw ValidationError("\(links):\(k + 1): time_s '\(f[ti])' or \(column) '\(f[ci])' is not a number ≥ 0")
            }
            if let last = samples.last, t <= last.time {
                throw ValidationError("\(links):\(k + 1): time \(f[ti]) s of \(node) does not come after \(last.time) s")
            }
            samples.append((t, c))
        }
        guard !samples.isEmpty else {
            throw ValidationError("\(links): no rows for node '\(node)'; nodes in the file: \(nodes.sorted().prefix(8).joined(separator: ", "))\(nodes.count > 8 ? ", …" : "")")
        }
        // Sample-and-hold on a 1 ms grid, then one capacity value per 100 ms for fromCapacity.
        let stepMs = 100
        let count = Int((duration * 1000 / Double(stepMs)).rounded(.up))
        var series: [Double] = []
        var j = 0
        for k in 0 ..< count {
            let t = from + Double(k * stepMs) / 1000
            while j + 1 < samples.count && samples[j + 1].time <= t { j += 1 }
            guard samples[0].time <= t, t <= samples.last!.time + (samples.count > 1 ? samples[1].time - samples[0].time : 0) else {
                throw ValidationError("--from/--duration: \(node) has samples from \(samples[0].time) s to \(samples.last!.time) s, the trace needs \(from)–\(from + duration) s")
            }
            series.append(samples[j].bps)
        }
        guard let trace = MahimahiTrace.fromCapacity(series, intervalMs: stepMs) else { throw ValidationError("nothing to write") }
        try writeAtomically(trace.text, to: out)
        print(String(format: "%@: %d deliveries over %.1f s, mean %.2f Mbit/s (the samples' mean %.2f Mbit/s), from %@ %@",
                     out, trace.deliveryMs.count, Double(trace.periodMs) / 1000, trace.meanCapacityBitsPerSecond / 1e6,
                     series.reduce(0, +) / Double(series.count) / 1e6, node, column))
    }
}
