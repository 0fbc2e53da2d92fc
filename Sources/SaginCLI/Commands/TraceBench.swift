import ArgumentParser
import Channels
import Foundation
import Scenario
import SimCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `sagin bench trace`: writing, validating and replaying a recorded link-state trace.
struct TraceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Link-state trace throughput: write, validate and stream-replay a synthetic trace (rows/s, memory).",
        discussion: """
        Writes a synthetic trace of --links links sampled every --interval for --hours with
        LinkStateTraceWriter (seeded values of realistic magnitude: free-space loss 150–190 dB, normal
        shadowing, LOS states, K-factors on two links in three, gaps and off-grid rows), then times
        (median of --repeat runs) the validation pass (LinkStateTrace.validate against the topology's
        link ids) and the replay pass (LinkStateTraceReplay, every link queried at every sample instant
        and half-way between), and reports rows/s of each and of both together (what opening and
        replaying a trace costs). Also checks the trace's number parser against strtod on --numbers
        random doubles' shortest decimals (zero mismatches required), and the process's resident memory
        during the replay (VmRSS from /proc/self/status, peak from getrusage) beside the file's size:
        replay memory must not grow with the trace. Target: ≥ 5,000,000 rows/s for parsing and replay,
        24 h × 100 links at 1 s in constant memory, 2 cores, release build. --trace times a trace kept by
        an earlier run (--keep) instead of writing one; --only times one pass. SAGIN_TRACE_THREADS sets
        the number of parse threads (default 2).
        """
    )

    @Option(help: "Links in the trace.") var links: Int = 100
    @Option(help: "Hours of trace.") var hours: Double = 24
    @Option(help: "Sampling interval (a duration: 1s, 500ms, 10s).") var interval: String = "1s"
    @Option(help: "Replay interpolation: hold or linear.") var interpolation: String = "hold"
    @Option(help: "Folder for the trace file (default: the system's temporary folder).") var dir: String?
    @Flag(help: "Keep the trace file.") var keep = false
    @Option(help: "Time this trace, kept by an earlier run with --keep and the same --links, --hours, --interval and --seed, instead of writing a new one.")
    var trace: String?
    @Option(help: "Passes to time: all, validate or replay.") var only: String = "all"
    @Option(name: .customLong("repeat"), help: "Timed runs of each pass; the median is reported.") var repetitions: Int = 3
    @Option(help: "Random doubles checked against strtod.") var numbers: Int = 1_000_000
    @Option(help: "Seed of the synthetic values.") var seed: UInt64 = 1
    @Option(help: "Also write the measurements as CSV to this file.") var csv: String?
    @Flag(help: "Run in a debug build anyway (figures are then meaningless).") var allowDebug = false

    static let target = 5_000_000.0

    func run() throws {
        #if DEBUG
        guard allowDebug else {
            throw ValidationError("debug build: benchmark figures are meaningful only in a release build (`swift build -c release`); --allow-debug runs it anyway")
        }
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        let step: SimTime
        do { step = try SimTime(parsing: interval) } catch { throw ValidationError("--interval: \(error)") }
        guard step.nanoseconds > 0 else { throw ValidationError("--interval must be positive") }
        guard let mode = LinkStateTraceInterpolation(rawValue: interpolation) else {
            throw ValidationError("--interpolation: expected hold or linear, found '\(interpolation)'")
        }
        guard links > 0, hours > 0, repetitions > 0, numbers >= 0 else {
            throw ValidationError("--links, --hours and --repeat must be positive, --numbers not negative")
        }
        let folder = dir ?? FileManager.default.temporaryDirectory.path
        let path = trace ?? (folder as NSString).appendingPathComponent("sagin-bench-trace-\(getpid()).csv")
        guard ["all", "validate", "replay"].contains(only) else { throw ValidationError("--only: expected all, validate or replay, found '\(only)'") }
        let instants = Int((hours * 3600e9 / Double(step.nanoseconds)).rounded(.down))
        guard instants > 0 else { throw ValidationError("--hours is shorter than one --interval") }
        var table = ["phase,run,rows,bytes,seconds,rows_per_s,vmrss_kb,maxrss_kb"]
        func record(_ phase: String, _ run: Int, _ rows: Int, _ bytes: Int, _ seconds: Double) {
            table.append("\(phase),\(run),\(rows),\(bytes),\(String(format: "%.4f", seconds)),\(String(format: "%.0f", Double(rows) / seconds)),\(Memory.residentKB),\(Memory.peakKB)")
        }
        print("link-state trace: \(links) links × \(hours) h every \(step) (\(instants) instants), \(mode.rawValue) replay, seed \(seed), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("memory at start: VmRSS \(Memory.text(Memory.residentKB)), peak \(Memory.text(Memory.peakKB))")

        // Write.
        let names = (0 ..< links).map { l -> (id: String, type: String, tx: String, rx: String) in
            let user = "user-\(String(l, radix: 10).zeroPadded(to: 3))"
            if l % 10 == 9 {
                let hap = "hap-\(l / 10)"
                return ("\(user):\(hap)", "user-hap", hap, user)
            }
            let sat = "sat-\(String(l * 37 % 1584, radix: 10).zeroPadded(to: 4))"
            return ("\(user):\(sat)", "user-satellite", sat, user)
        }
        let header = LinkStateTraceHeader(
            scenario: "bench", seed: seed, epoch: "2024-05-12T00:00:00Z", intervalSeconds: step.seconds, links: "access",
            topology: nil, channels: ["user-satellite": "synthetic", "user-hap": "synthetic"], saginVersion: SaginCommand.version)
        let keepFile = keep || trace != nil
        defer { if !keepFile { try? FileManager.default.removeItem(atPath: path) } }
        let written: Int
        let known = Dictionary(uniqueKeysWithValues: names.map { ($0.id, $0.type) })
        var writeSeconds: Double?
        if trace != nil {
            written = try LinkStateTrace.validate(path: path, knownLinks: known, lenient: false).rows
        } else {
            let t0 = Clock.seconds()
            written = try SyntheticTrace.write(path: path, header: header, names: names, instants: instants, step: step, seed: seed)
            writeSeconds = Clock.seconds() - t0
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if let writeSeconds {
            record("write", 1, written, bytes, writeSeconds)
            print("write:    \(written.grouped) rows, \(Memory.text(bytes / 1024)) in \(String(format: "%.1f", writeSeconds)) s (\(rate(written, writeSeconds)) rows/s)\(keep ? " → \(path)" : "")")
        } else {
            print("trace:    \(path), \(written.grouped) rows (not written)")
        }

        // Validate.
        var validateRates: [Double] = []
        for r in 1 ... repetitions where only != "replay" {
            let t = Clock.seconds()
            let summary = try LinkStateTrace.validate(path: path, knownLinks: known, lenient: false)
            let seconds = Clock.seconds() - t
            guard summary.rows == written, summary.links == links else {
                throw ValidationError("validation read \(summary.rows) rows of \(summary.links) links; \(written) of \(links) were written")
            }
            validateRates.append(Double(written) / seconds)
            record("validate", r, written, bytes, seconds)
            print("validate: run \(r): \(String(format: "%.3f", seconds)) s = \(rate(written, seconds)) rows/s (\(String(format: "%.2f", Double(bytes) / seconds / 1e9)) GB/s)")
        }

        // Replay: every link at every instant and half-way between.
        var replayRates: [Double] = [], combinedRates: [Double] = []
        var samples: [(fraction: Double, kb: Int)] = []
        let before = Memory.residentKB
        for r in 1 ... repetitions where only != "validate" {
            let t = Clock.seconds()
            let replay = try LinkStateTraceReplay(path: path, links: names.map(\.id), knownLinks: known, interpolation: mode, lenient: false)
            let opened = Clock.seconds()
            let half = step.nanoseconds / 2
            let marks = Set([instants / 4, instants / 2, 3 * instants / 4, instants - 1])
            for k in 0 ..< instants {
                let at = SimTime(nanoseconds: Int64(k) * step.nanoseconds)
                for l in 0 ..< links { _ = replay.state(link: l, at: at) }
                let between = SimTime(nanoseconds: at.nanoseconds + half)
                for l in 0 ..< links { _ = replay.state(link: l, at: between) }
                if r == 1 && marks.contains(k) { samples.append((Double(k + 1) / Double(instants), Memory.residentKB)) }
            }
            let done = Clock.seconds()
            let s = replay.statistics
            guard s.rowsRead == written else { throw ValidationError("replay read \(s.rowsRead) rows; \(written) were written") }
            replayRates.append(Double(written) / (done - opened))
            combinedRates.append(Double(written) / (done - t))
            record("replay", r, written, bytes, done - opened)
            record("validate+replay", r, written, bytes, done - t)
            print("replay:   run \(r): \(String(format: "%.3f", done - opened)) s = \(rate(written, done - opened)) rows/s; with its validation \(String(format: "%.3f", done - t)) s = \(rate(written, done - t)) rows/s; \((2 * instants * links).grouped) queries: \(s.exact.grouped) exact, \(s.held.grouped) held, \(s.interpolated.grouped) interpolated, \(s.uncovered.grouped) uncovered")
        }

        // The number parser against strtod.
        let check = NumberCheck.run(count: numbers, seed: seed)
        table.append("numbers,1,\(check.count),0,\(String(format: "%.4f", check.oursSeconds)),\(String(format: "%.0f", Double(check.count) / max(check.oursSeconds, 1e-9))),\(Memory.residentKB),\(Memory.peakKB)")

        print("")
        if !validateRates.isEmpty { print("validation   median \(rate(median(validateRates))) rows/s   (target ≥ 5,000,000)") }
        if !replayRates.isEmpty {
            print("replay       median \(rate(median(replayRates))) rows/s   (target ≥ 5,000,000)")
            print("both         median \(rate(median(combinedRates))) rows/s   (validation + replay of the file, as LinkStateTraceReplay does)")
        }
        print("numbers      \(check.count.grouped) random doubles' descriptions: \(check.mismatches) mismatches against strtod\(check.mismatches > 0 ? " (first: \(check.firstMismatch ?? ""))" : "")")
        print("memory       file \(Memory.text(bytes / 1024)); VmRSS before replay \(Memory.text(before)), during the first replay " +
              samples.map { "\(Int(($0.fraction * 100).rounded())) %: \(Memory.text($0.kb))" }.joined(separator: ", ") +
              "; growth from 25 % to 100 % of the trace \(Memory.text((samples.last?.kb ?? 0) - (samples.first?.kb ?? 0))); peak RSS \(Memory.text(Memory.peakKB))")
        if let csv { try writeAtomically(table.joined(separator: "\n") + "\n", to: csv) }
        if !keepFile { print("removed \(path) (--keep keeps it)") }
        if check.mismatches > 0 { throw ExitCode.failure }
    }

    func rate(_ rows: Int, _ seconds: Double) -> String { rate(Double(rows) / seconds) }
    func rate(_ perSecond: Double) -> String { Int(perSecond.rounded()).grouped }
}

/// The synthetic trace: deterministic, seeded values of realistic magnitude.
private enum SyntheticTrace {
    static func write(path: String, header: LinkStateTraceHeader, names: [(id: String, type: String, tx: String, rx: String)],
                      instants: Int, step: SimTime, seed: UInt64) throws -> Int {
        let rng = RandomStreams(seed: seed).stream("bench/trace")
        let links = names.count
        let baseLoss = (0 ..< links).map { _ in rng.uniform(150, 190) }
        let writer = try LinkStateTraceWriter(path: path, header: header)
        let offset = step.nanoseconds / 3
        func row(_ l: Int, _ ns: Int64) -> LinkStateTraceRow {
            let los = rng.uniform() < 0.7
            let elevation = 10 + 80 * (0.5 + 0.5 * sin(Double(ns) * 1e-12 + Double(l)))
            let range = 550e3 / sin(elevation * .pi / 180)
            let state = ChannelState(
                freeSpaceLossDb: baseLoss[l] + 20 * log10(range / 550e3), atmosphericLossDb: rng.uniform(0.1, 2),
                scintillationLossDb: rng.uniform(0, 0.6), clutterLossDb: los ? 0 : rng.uniform(20, 30),
                shadowingDb: rng.normal(mean: 0, standardDeviation: los ? 1.2 : 4), losProbability: rng.uniform(),
                isLOS: l % 7 == 6 ? nil : los, fadingDb: l % 4 == 3 ? 0 : rng.normal(mean: 0, standardDeviation: 1),
                kFactorDb: l % 3 == 2 ? nil : rng.uniform(0, 15), delaySpreadSeconds: l % 2 == 1 ? nil : rng.uniform(1e-9, 5e-7))
            let snr = 200 - state.totalPathLossDb
            let shannon = 20e6 * log2(1 + pow(10, snr / 10))
            return LinkStateTraceRow(time: SimTime(nanoseconds: ns), linkID: names[l].id, linkType: names[l].type, tx: names[l].tx,
                                     rx: names[l].rx, elevationDeg: elevation, azimuthDeg: rng.uniform(0, 360), rangeMeters: range,
                                     channel: state, snrDb: snr, shannonBps: shannon, capacityBps: shannon * 0.8,
                                     delaySeconds: range / 299_792_458)
        }
        do {
            for k in 0 ..< instants {
                let ns = Int64(k) * step.nanoseconds
                // A few gaps (a link unseen for one sample) and a few off-grid rows a third of a step later.
                for l in 0 ..< links where (k &* 13 &+ l) % 101 != 0 { writer.write(row(l, ns)) }
                for l in 0 ..< links where (k &+ 3 &* l) % 50 == 0 { writer.write(row(l, ns + offset)) }
            }
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
        return writer.rows
    }
}

/// The trace reader's number parser against the C library's strtod.
private enum NumberCheck {
    struct Result {
        var count = 0
        var mismatches = 0
        var firstMismatch: String?
        var oursSeconds = 0.0
        var strtodSeconds = 0.0
    }

    static func run(count: Int, seed: UInt64) -> Result {
        let rng = RandomStreams(seed: seed).stream("bench/trace/numbers")
        var result = Result()
        result.count = count
        // Half realistic magnitudes (the fast paths), half random bit patterns (every exponent).
        var texts: [String] = []
        texts.reserveCapacity(min(count, 1 << 20))
        var done = 0
        while done < count {
            texts.removeAll(keepingCapacity: true)
            while texts.count < (1 << 20) && done + texts.count < count {
                let d: Double
                if texts.count % 2 == 0 {
                    d = rng.uniform(-300, 300) * pow(10, Double(rng.integer(below: 12)) - 6)
                } else {
                    var x = Double(bitPattern: rng.next())
                    while !x.isFinite { x = Double(bitPattern: rng.next()) }
                    d = x
                }
                texts.append(d.description)
            }
            var ours = [UInt64](repeating: 0, count: texts.count)
            var theirs = ours
            let t0 = Clock.seconds()
            for (i, text) in texts.enumerated() { ours[i] = LinkStateTrace.parseNumber(text)?.bitPattern ?? 0x7FF8_0000_0000_0001 }
            let t1 = Clock.seconds()
            for (i, text) in texts.enumerated() { theirs[i] = strtod(text, nil).bitPattern }
            let t2 = Clock.seconds()
            result.oursSeconds += t1 - t0
            result.strtodSeconds += t2 - t1
            for i in texts.indices where ours[i] != theirs[i] {
                result.mismatches += 1
                if result.firstMismatch == nil { result.firstMismatch = texts[i] }
            }
            done += texts.count
        }
        return result
    }
}

/// Resident memory of this process.
private enum Memory {
    /// VmRSS from /proc/self/status, KiB (0 where there is no /proc).
    static var residentKB: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Peak resident memory (getrusage ru_maxrss), KiB on Linux.
    static var peakKB: Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss) / 1024   // bytes on Darwin
        #endif
    }

    static func text(_ kb: Int) -> String {
        abs(kb) >= 1 << 20 ? String(format: "%.2f GiB", Double(kb) / Double(1 << 20)) : String(format: "%.1f MiB", Double(kb) / 1024)
    }
}

private extension Int {
    /// Thousands separated by commas: 8,640,000.
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}

private extension String {
    func zeroPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
