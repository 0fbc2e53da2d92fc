import Foundation
import Links
import Orbits
import SimCore
import Testing
@testable import Scenario

/// A scratch folder with a topology file in it.
struct Scratch {
    let dir: String
    init(_ tag: String) throws {
        dir = NSTemporaryDirectory() + "sagin-run-\(tag)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

/// Reads a CSV written by the recorder (no quoted fields in these tests) into dictionaries.
func readCSV(_ path: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    guard !lines.isEmpty else { return [] }
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(header, fields))
    }
}

@Suite("Scenario runs")
struct ScenarioRunTests {
    /// A 6×4 Walker shell at 550 km and one user in Paris, 6 hours: few enough passes to compare one by one.
    static let passesTopology = """
    scenario:
      name: passes-check
      epoch: 2024-05-12T00:00:00Z
      duration: 6h
      step: 1s
      seed: 1
    constellations:
      - name: s
        walker: {planes: 6, per_plane: 4, phasing: 1, altitude_km: 550, inclination_deg: 53}
    users:
      - name: u
        placement:
          type: list
          points: [{name: paris, lat: 48.8566, lon: 2.3522, alt_m: 35}]
    links:
      - {type: user-satellite, min_elevation_deg: 10}
    outputs:
      links_interval: 60s
    """

    @Test("access windows match PassFinder (what `sagin passes` prints) to a millisecond")
    func accessWindowsMatchPasses() throws {
        let scratch = try Scratch("passes")
        defer { scratch.remove() }
        let path = try scratch.write("t.yaml", Self.passesTopology)
        let topology = try TopologyLoader.load(path: path)
        let result = try ScenarioRunner.run(topology, options: .init(outputDirectory: scratch.dir + "/runs"))
        let rows = try readCSV(result.folder + "/access.csv")

        // Independent reference: the Walker shell's TLEs through SGP4 and PassFinder (bracket + root).
        let epoch = topology.scenario.epoch
        let end = epoch + topology.scenario.duration
        let shell = try WalkerConstellation(planes: 6, perPlane: 4, phasing: 1, altitudeKm: 550, inclinationDeg: 53,
                                            epoch: epoch)
        let observer = Observer(Geodetic(latitudeDeg: 48.8566, longitudeDeg: 2.3522, altitudeMeters: 35))
        var expected: [(sat: String, rise: Double, set: Double)] = []
        for (k, tle) in shell.tles().enumerated() {
            let sat = shell.satellites[k]
            let finder = PassFinder(propagator: try SGP4Propagator(tle: tle), observer: observer, minElevationDeg: 10,
                                    stepSeconds: 10)
            for p in try finder.passes(from: epoch, to: end) {
                let rise = p.rise.map { ($0 - epoch).seconds } ?? 0
                let set = p.set.map { ($0 - epoch).seconds } ?? topology.scenario.duration.seconds
                expected.append(("s-\(sat.plane)-\(sat.slot)", rise, set))
            }
        }
        #expect(expected.count >= 20, "the reference should have a fair number of passes, got \(expected.count)")
        #expect(rows.count == expected.count)
        for e in expected {
            let match = rows.first { $0["peer"] == e.sat && abs(Double($0["start_s"]!)! - e.rise) < 1 }
            guard let m = match else {
                Issue.record("no access row for \(e.sat) rising at \(e.rise) s")
                continue
            }
            #expect(abs(Double(m["start_s"]!)! - e.rise) < 1e-3, "\(e.sat) rise")
            #expect(abs(Double(m["end_s"]!)! - e.set) < 1e-3, "\(e.sat) set")
        }
    }

    @Test("handovers follow the highest-elevation policy exactly on a small deterministic case")
    func handoverCountsMatchIndependentReplay() throws {
        let scratch = try Scratch("handover")
        defer { scratch.remove() }
        let path = try scratch.write("t.yaml", Self.passesTopology)
        let topology = try TopologyLoader.load(path: path)
        let result = try ScenarioRunner.run(topology, options: .init(outputDirectory: scratch.dir + "/runs"))
        let access = try readCSV(result.folder + "/access.csv")
        let handovers = try readCSV(result.folder + "/handovers.csv")

        // Replay the policy from the access windows alone: keep the serving satellite until its
        // window ends; then take the satellite in access with the highest elevation at that instant.
        let epoch = topology.scenario.epoch
        let shell = try WalkerConstellation(planes: 6, perPlane: 4, phasing: 1, altitudeKm: 550, inclinationDeg: 53,
                                            epoch: epoch)
        var propagators: [String: SGP4Propagator] = [:]
        for (k, tle) in shell.tles().enumerated() {
            propagators["s-\(shell.satellites[k].plane)-\(shell.satellites[k].slot)"] = try SGP4Propagator(tle: tle)
        }
        let observer = Observer(Geodetic(latitudeDeg: 48.8566, longitudeDeg: 2.3522, altitudeMeters: 35))
        func elevation(_ sat: String, _ t: Double) throws -> Double {
            let when = epoch + SimTime(seconds: t)
            return observer.lookAngles(to: EarthRotation.temeToECEF(try propagators[sat]!.state(at: when), at: when)).elevationDeg
        }
        let windows = access.map { (sat: $0["peer"]!, start: Double($0["start_s"]!)!, end: Double($0["end_s"]!)!) }
        var events: [(t: Double, to: String?, reason: String)] = []
        var serving: (sat: String, end: Double)?
        // Decision instants: every window start (attach if idle) and every serving window end.
        var t = 0.0
        let horizon = topology.scenario.duration.seconds
        while t <= horizon {
            if serving == nil {
                let open = windows.filter { $0.start <= t && $0.end > t }
                if let best = try open.max(by: { try elevation($0.sat, t) < elevation($1.sat, t) }) {
                    serving = (best.sat, best.end)
                    events.append((t, best.sat, "attach"))
                }
            }
            // Next decision: the serving window's end, or the next window start while idle.
            if let s = serving {
                t = s.end
                if t >= horizon { break }
                let open = windows.filter { $0.start <= t && $0.end > t && $0.sat != s.sat }
                if let best = try open.max(by: { try elevation($0.sat, t) < elevation($1.sat, t) }) {
                    serving = (best.sat, best.end)
                    events.append((t, best.sat, "handover"))
                } else {
                    serving = nil
                    events.append((t, nil, "outage"))
                }
            } else {
                guard let next = windows.map(\.start).filter({ $0 > t }).min() else { break }
                t = next
            }
        }
        #expect(handovers.count == events.count)
        for (row, e) in zip(handovers, events) {
            #expect(row["reason"] == e.reason)
            #expect(abs(Double(row["time_s"]!)! - e.t) < 1e-6)
            #expect(row["to"] == (e.to ?? ""))
        }
        let expectedHandovers = events.filter { $0.reason == "handover" }.count
        #expect(result.summary.handoversTotal == expectedHandovers)
        #expect(expectedHandovers > 0, "the case should exercise at least one handover")
    }

    /// A small mixed scenario with every random element: random placement, random walks, UAVs.
    static let mixedTopology = """
    scenario:
      name: mixed
      epoch: 2024-05-12T00:00:00Z
      duration: 10min
      step: 1s
      seed: 99
      environment: urban
      area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 5}
    constellations:
      - name: leo
        walker: {planes: 12, per_plane: 12, phasing: 1, altitude_km: 550, inclination_deg: 53}
    uavs:
      - name: uav-a
        trajectory: {type: loiter, center: {lat: 48.8566, lon: 2.3522, alt_m: 120}, radius_m: 300, speed_mps: 10}
    users:
      - name: user
        placement: {type: random, count: 12}
        mobility: {model: random-walk, speed_mps: 1.4, leg: 30s}
    links:
      - {type: user-satellite, min_elevation_deg: 20}
      - {type: user-uav, frequency_ghz: 3.5}
      - {type: uav-satellite, min_elevation_deg: 20}
    selection: {policy: strongest-snr, reselect_interval: 20s}
    outputs: {links_interval: 5s}
    """

    @Test("the same seed gives byte-identical run folders")
    func sameSeedSameBytes() throws {
        let scratch = try Scratch("determinism")
        defer { scratch.remove() }
        let path = try scratch.write("t.yaml", Self.mixedTopology)
        let topology = try TopologyLoader.load(path: path)
        let a = try ScenarioRunner.run(topology, options: .init(outputDirectory: scratch.dir + "/a"))
        let b = try ScenarioRunner.run(topology, options: .init(outputDirectory: scratch.dir + "/b"))
        let files = ["run.json", "summary.json", "access.csv", "handovers.csv", "links.csv"]
        for f in files {
            let x = try Data(contentsOf: URL(fileURLWithPath: a.folder + "/" + f))
            let y = try Data(contentsOf: URL(fileURLWithPath: b.folder + "/" + f))
            #expect(x == y, "\(f) differs between two runs with the same seed")
            #expect(!x.isEmpty)
        }
        #expect(a.summary.counts.linkSamples > 0)
        // A different seed moves the random users, so links.csv changes.
        var other = topology
        other.scenario.seed = 100
        let c = try ScenarioRunner.run(try TopologyLoader.load(yaml: Self.mixedTopology.replacingOccurrences(of: "seed: 99", with: "seed: 100"), path: path),
                                       options: .init(outputDirectory: scratch.dir + "/c"))
        let x = try Data(contentsOf: URL(fileURLWithPath: a.folder + "/links.csv"))
        let z = try Data(contentsOf: URL(fileURLWithPath: c.folder + "/links.csv"))
        #expect(x != z)
        _ = other
    }

    @Test("stopping early through the API leaves a consistent folder marked partial")
    func stopEarly() throws {
        let scratch = try Scratch("partial")
        defer { scratch.remove() }
        let path = try scratch.write("t.yaml", Self.mixedTopology)
        let topology = try TopologyLoader.load(path: path)
        let control = RunControl()
        control.onProgress = { p in if p.simulated >= .seconds(150) { control.requestStop() } }
        let r = try ScenarioRunner.run(topology, options: .init(outputDirectory: scratch.dir + "/runs"), control: control)
        #expect(r.partial)
        #expect(r.summary.status == "partial")
        #expect(r.summary.simulatedSeconds >= 149 && r.summary.simulatedSeconds <= 151)
        // The folder is under its final name, complete, and nothing is left in staging.
        let listing = try FileManager.default.contentsOfDirectory(atPath: scratch.dir + "/runs")
        #expect(listing == [URL(fileURLWithPath: r.folder).lastPathComponent])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: r.folder + "/summary.json"))) as? [String: Any]
        #expect(summary?["status"] as? String == "partial")
        let access = try readCSV(r.folder + "/access.csv")
        for row in access { #expect(Double(row["end_s"]!)! <= r.summary.simulatedSeconds + 1e-9) }
        let links = try readCSV(r.folder + "/links.csv")
        #expect(!links.isEmpty)
        for row in links { #expect(Double(row["time_s"]!)! <= r.summary.simulatedSeconds + 1e-9) }
        // Open windows were closed at the stop and flagged.
        #expect(access.contains { $0["end_truncated"] == "true" })
    }

    @Test("a HAP straight above a user gives the hand-computed link budget")
    func hapOverheadBudget() throws {
        // HAP at 20 km above the user (same lat/lon), isotropic antennas, 2 GHz, 10 MHz, urban.
        let yaml = """
        scenario: {name: hap-budget, epoch: 2024-05-12T00:00:00Z, duration: 30s, step: 1s, environment: urban}
        haps:
          - name: hap
            trajectory: {type: fixed, point: {lat: 10.0, lon: 20.0, alt_m: 20000}}
            radio: {tx_power_dbw: 10, antenna: {pattern: isotropic}, pointing: nadir}
        users:
          - name: u
            placement: {type: list, points: [{name: u0, lat: 10.0, lon: 20.0, alt_m: 0}]}
            radio: {antenna: {pattern: isotropic}, system_temperature_k: 290}
        links:
          - {type: user-haps, frequency_ghz: 2.0, bandwidth_mhz: 10, min_elevation_deg: 10}
        outputs: {links_interval: 10s}
        """
        let scratch = try Scratch("budget")
        defer { scratch.remove() }
        let path = try scratch.write("t.yaml", yaml)
        let r = try ScenarioRunner.run(try TopologyLoader.load(path: path), options: .init(outputDirectory: scratch.dir + "/runs"))
        let rows = try readCSV(r.folder + "/links.csv")
        #expect(rows.count == 4)  // t = 0, 10, 20, 30 s
        let row = try #require(rows.first)
        // By hand: d = 20,000 m; FSPL = 20 log10(4π d f / c) = 124.4890 dB.
        // TR 38.811 at 90° (HAP link, urban, 2 GHz): no gaseous term (θ ≥ 10°, f < 10 GHz);
        // ionospheric scintillation 6.22 / 2^1.5 = 2.1991 dB; expected clutter (1 − 0.992) · 25.5 = 0.2040 dB.
        // P_rx = 10 − 124.4890 − 2.4031 = −116.8921 dBW; N = −228.5991 + 10 log10(290) + 70 = −133.9752 dBW;
        // SNR = 17.0831 dB.
        #expect(abs(Double(row["elevation_deg"]!)! - 90) < 1e-3)
        #expect(abs(Double(row["range_m"]!)! - 20_000) < 0.2)
        #expect(abs(Double(row["free_space_loss_db"]!)! - 124.489) < 2e-3)
        #expect(abs(Double(row["extra_loss_db"]!)! - 2.403) < 2e-3)
        #expect(abs(Double(row["rx_power_dbw"]!)! - (-116.892)) < 2e-3)
        #expect(abs(Double(row["snr_db"]!)! - 17.083) < 2e-3)
        // Shannon: 10 MHz · log2(1 + 10^1.708310) = 57.03 Mbit/s.
        let shannon = 10e6 * log2(1 + pow(10, 1.708310))
        #expect(abs(Double(row["shannon_bps"]!)! - shannon) / shannon < 1e-4)
        #expect(r.summary.availability == 1)
        #expect(r.summary.handoversTotal == 0)
    }
}
