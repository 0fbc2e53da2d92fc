import ArgumentParser
import Foundation
import Scenario

/// `sagin trace …`: real link traces.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Read real link traces (mahimahi delivery traces, per-interval delay traces).",
        subcommands: [TraceStatsCommand.self]
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
