import Foundation
import Testing
@testable import SaginCLI
import SimCore

/// Runs the built `sagin` executable (it sits next to the test bundle) and captures its output.
func runSagin(_ arguments: [String], environment overrides: [String: String?] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("sagin")
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
        Issue.record("sagin executable not found at \(exe.path)")
        return (-1, "", "")
    }
    let process = Process()
    process.executableURL = exe
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in overrides { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite("OpenBLAS launcher")
struct LauncherTests {
    @Test("without OPENBLAS_CORETYPE the launcher re-executes with the core this CPU supports")
    func launcherSetsCore() throws {
        guard let expected = OpenBLASLaunch.coreType(cpuFlags: OpenBLASLaunch.currentCPUFlags()) else {
            print("skipped: this CPU has neither avx2 nor avx512f, so the launcher leaves OpenBLAS alone")
            return
        }
        let r = try runSagin(["doctor"], environment: [OpenBLASLaunch.variable: nil, OpenBLASLaunch.markerVariable: nil])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("BLAS core:      \(expected) (OPENBLAS_CORETYPE=\(expected), set by launcher)"), "\(r.stdout)")
        #expect(r.stdout.contains("openblas"), "cblas_sgemm must come from OpenBLAS: \(r.stdout)")
        #expect(!r.stdout.contains("warning"))
    }

    @Test("a user's OPENBLAS_CORETYPE wins and is reported as theirs")
    func userChoiceWins() throws {
        let r = try runSagin(["doctor"], environment: [OpenBLASLaunch.variable: "Prescott", OpenBLASLaunch.markerVariable: nil])
        #expect(r.status == 0)
        #expect(r.stdout.contains("BLAS core:      Prescott (OPENBLAS_CORETYPE=Prescott, set by user)"), "\(r.stdout)")
    }

    @Test("--version names the version, the BLAS core and GSL")
    func version() throws {
        let r = try runSagin(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("sagin \(SaginCommand.version) (OpenBLAS core "))
        #expect(r.stdout.contains("GSL \(GSLInfo.version)"))
    }
}

@Suite("Relay-queue demonstration")
struct DemoTests {
    static func config(seed: UInt64, duration: SimTime) -> RelayQueueDemo.Configuration {
        var c = RelayQueueDemo.Configuration()
        c.seed = seed
        c.duration = duration
        return c
    }

    @Test("measured means agree with the tandem M/M/1 closed forms")
    func matchesQueueingTheory() throws {
        // λ = 50/s, μ1 = 100/s, μ2 = 80/s: E[T] = 1/50 + 1/30 s, L1 = 1, L2 = 5/3 (Jackson network).
        let (r, stats) = try RelayQueueDemo.run(Self.config(seed: 3, duration: .hours(2)))
        #expect(abs(r.meanDelaySeconds.theory - (1.0 / 50 + 1.0 / 30)) < 1e-15)
        #expect(abs(r.meanUAVPackets.theory - 1) < 1e-15)
        #expect(abs(r.meanSatellitePackets.theory - 5.0 / 3) < 1e-15)
        let half = try #require(r.meanDelaySeconds.ci95HalfWidth)
        // Within two 95% half-widths (about four standard errors) of the theory; the interval
        // itself is a few percent of the mean for 360,000 packets.
        #expect(abs(r.meanDelaySeconds.measured - r.meanDelaySeconds.theory) < 2 * half)
        #expect(half < 0.05 * r.meanDelaySeconds.theory)
        #expect(abs(r.meanUAVPackets.measured / r.meanUAVPackets.theory - 1) < 0.05)
        #expect(abs(r.meanSatellitePackets.measured / r.meanSatellitePackets.theory - 1) < 0.05)
        // Poisson arrivals: count within 5 standard deviations of λ·T.
        let expected = 50.0 * 7200
        #expect(abs(Double(r.packetsGenerated) - expected) < 5 * expected.squareRoot())
        // Conservation: generated = delivered + still queued at the end.
        let last = try #require(r.samples.last)
        #expect(last.time == .hours(2))
        #expect(r.packetsGenerated == r.packetsDelivered + last.uavQueue + last.satelliteQueue)
        #expect(r.samples.count == 721)  // every 10 s from 0 to 2 h inclusive
        #expect(stats.eventsExecuted == r.eventsExecuted)
    }

    @Test("same seed gives byte-identical outputs; another seed differs")
    func determinism() throws {
        func outputs(seed: UInt64) throws -> String {
            let c = Self.config(seed: seed, duration: .minutes(10))
            let (r, _) = try RelayQueueDemo.run(c)
            return try DemoOutput.summaryJSON(r, config: c) + DemoOutput.samplesCSV(r)
        }
        let a = try outputs(seed: 1), b = try outputs(seed: 1), c = try outputs(seed: 2)
        #expect(a == b)
        #expect(a != c)
        #expect(a.contains("\"seed\" : 1"))
    }

    @Test("invalid settings are rejected with the option named")
    func validation() {
        var c = RelayQueueDemo.Configuration()
        c.arrivalRatePerSecond = -1
        #expect(throws: DemoConfigurationError.self) { try RelayQueueDemo.run(c) }
        c = RelayQueueDemo.Configuration()
        c.sampleInterval = .zero
        #expect(throws: DemoConfigurationError.self) { try RelayQueueDemo.run(c) }
    }

    @Test("`sagin demo` writes a complete run folder and says where")
    func commandWritesRunFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sagin-demo-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runSagin(["demo", "--duration", "5min", "--seed", "7", "--output", dir.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(entries.count == 1, "\(entries)")
        let folder = try #require(entries.first)
        #expect(folder.hasPrefix("demo-") && !folder.contains("partial"))
        #expect(r.stdout.contains("results: \(dir.path)/\(folder)/summary.json"))
        let csv = try String(contentsOfFile: "\(dir.path)/\(folder)/queue_samples.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "time_s,uav_queue_packets,satellite_queue_packets,delivered_packets")
        #expect(lines.count == 1 + 31)  // 0 s … 300 s every 10 s
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/\(folder)/summary.json"))) as? [String: Any]
        #expect((summary?["configuration"] as? [String: Any])?["duration"] as? String == "5min")
    }

    @Test("bad command-line input fails with a message naming the value", arguments: [
        (["demo", "--duration", "5x"], "5x"),
        (["demo", "--arrival-rate=-3"], "arrival rate must be a positive number, got -3.0"),
        (["demo", "--satellite-service-rate", "0"], "satellite service rate must be a positive number, got 0.0"),
        (["bench", "scheduler", "--pending", "10,abc"], "abc"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sagin-bad-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runSagin(arguments + (arguments.first == "demo" ? ["--output", dir.path] : []))
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path), "nothing may be written on bad input")
    }
}

@Suite("Benchmarks (functional checks only; timing lives in `sagin bench`)")
struct BenchFunctionTests {
    @Test("the hold model executes exactly the requested events and keeps the queue size")
    func holdModel() {
        let m = HoldBenchmark.run(pending: 100, events: 20_000, seed: 1)
        #expect(m.events == 20_000)
        #expect(m.pending == 100)
        #expect(m.wallSeconds > 0)
    }

    @Test("the sgemm probe reports a positive rate")
    func sgemmProbe() {
        #expect(SgemmProbe.gflops(size: 64, minimumSeconds: 0.01) > 0)
    }
}
