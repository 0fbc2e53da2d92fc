import Foundation
import Orbits
import SimCore
import Testing
@testable import Scenario

/// The repository root, found from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite("Shipped topologies")
struct ShippedTopologiesTests {
    static func load(_ name: String) throws -> Topology {
        try TopologyLoader.load(path: repositoryRoot.appendingPathComponent("Topologies/\(name).yaml").path)
    }

    static func walker(_ spec: ConstellationSpec) -> WalkerParameters? {
        if case let .walker(p, _) = spec.source { return p }
        return nil
    }

    @Test("every file in Topologies/ loads, and the eight the README names are there")
    func everyTopologyLoads() throws {
        let dir = repositoryRoot.appendingPathComponent("Topologies").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        let required = ["default", "starlink-shell1", "starlink-gen1", "oneweb", "geo", "uav-urban", "haps-rural",
                        "iridium-tle"]
        for name in required { #expect(files.contains(name + ".yaml"), "Topologies/\(name).yaml is missing") }
        for file in files {
            #expect(throws: Never.self, "Topologies/\(file)") { _ = try TopologyLoader.load(path: dir + "/" + file) }
        }
        let tleShells = try files.map { try TopologyLoader.load(path: dir + "/" + $0) }
            .flatMap(\.constellations).filter { if case .tle = $0.source { true } else { false } }
        #expect(!tleShells.isEmpty, "one shipped topology loads a TLE file")
    }

    @Test("default.yaml: a Walker LEO shell, a few UAVs over an urban area, tens of users, one hour")
    func defaultTopology() throws {
        let t = try Self.load("default")
        #expect(t.scenario.duration == SimTime(seconds: 3600))
        #expect(t.scenario.environment == .urban)
        let shell = try #require(t.constellations.first.flatMap(Self.walker))
        #expect(shell.altitudeKm < 2000)
        #expect((2 ... 9).contains(t.uavs.count))
        let users = t.users.reduce(0) { $0 + $1.nodes.count }
        #expect((10 ... 99).contains(users))
    }

    @Test("starlink-shell1.yaml: 72×22 at 550 km and 53°, 100 users, 6 hours at 1 s")
    func starlinkShell1() throws {
        let t = try Self.load("starlink-shell1")
        let p = try #require(t.constellations.first.flatMap(Self.walker))
        #expect(t.constellations.count == 1)
        #expect(p.planes == 72 && p.perPlane == 22 && p.altitudeKm == 550 && p.inclinationDeg == 53)
        #expect(t.users.reduce(0) { $0 + $1.nodes.count } == 100)
        #expect(t.scenario.duration == SimTime(seconds: 6 * 3600))
        #expect(t.scenario.step == SimTime(seconds: 1))
    }

    @Test("starlink-gen1.yaml holds the four Gen1 shells of the StarPerf table")
    func starlinkGen1() throws {
        let t = try Self.load("starlink-gen1")
        let shells = t.constellations.compactMap(Self.walker).map { ($0.planes, $0.perPlane, $0.altitudeKm, $0.inclinationDeg) }
        #expect(shells.count == 4)
        let expected: [(Int, Int, Double, Double)] = [(72, 22, 550, 53), (36, 20, 570, 70), (10, 52, 560, 97.6),
                                                      (72, 22, 540, 53.2)]
        for (a, b) in zip(shells, expected) { #expect(a == b) }
    }

    @Test("default.yaml runs: every output file, all its node kinds served, and a mean SNR in a sane band")
    func defaultRunsShortly() throws {
        var t = try Self.load("default")
        t.scenario.duration = SimTime(seconds: 300)
        let scratch = try Scratch("default")
        defer { scratch.remove() }
        let result = try ScenarioRunner.run(t, options: .init(outputDirectory: scratch.dir))
        for file in ["run.json", "summary.json", "access.csv", "handovers.csv", "links.csv"] {
            #expect(FileManager.default.fileExists(atPath: result.folder + "/" + file), "\(file)")
        }
        #expect(!result.partial)
        #expect(Set(result.summary.links.keys) == ["user-satellite", "user-uav", "uav-satellite", "gateway-satellite"])
        for (type, q) in result.summary.links {
            let snr = try #require(q.meanSnrDb, "\(type) was never sampled")
            #expect((0 ... 40).contains(snr), "\(type): mean SNR \(snr) dB")
        }
    }

    /// CI only: a TLE-driven scenario on published Iridium NEXT element sets, checked pass by pass against
    /// PassFinder on the same TLEs (SGP4 → TEME → ITRF → topocentric, bracket and root).
    @Test("a topology on ../shared/reference/tle/iridium-next-2025-01.tle gives PassFinder's access windows")
    func referenceTLEAccessWindows() throws {
        let tlePath = repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/reference/tle/iridium-next-2025-01.tle").path
        guard FileManager.default.fileExists(atPath: tlePath) else {
            print("skipped: ../shared/reference/tle/iridium-next-2025-01.tle not found (reference data is only in CI and developer checkouts)")
            return
        }
        let scratch = try Scratch("iridium")
        defer { scratch.remove() }
        let path = try scratch.write("t.yaml", """
        scenario: {name: iridium-ref, epoch: 2025-01-24T00:00:00Z, duration: 3h, step: 1s, seed: 1}
        constellations:
          - {name: iridium, tle: \(tlePath)}
        users:
          - name: u
            placement: {type: list, points: [{name: paris, lat: 48.8566, lon: 2.3522, alt_m: 35}]}
        links:
          - {type: user-satellite, frequency_ghz: 1.6, bandwidth_mhz: 1, min_elevation_deg: 10}
        outputs: {links_interval: 60s}
        """)
        let topology = try TopologyLoader.load(path: path)
        let tles = try TLEParser.load(path: tlePath).tles
        #expect(topology.constellations.first?.source.count == tles.count)
        let result = try ScenarioRunner.run(topology, options: .init(outputDirectory: scratch.dir + "/runs"))
        let rows = try readCSV(result.folder + "/access.csv")

        let epoch = topology.scenario.epoch, end = epoch + topology.scenario.duration
        let observer = Observer(Geodetic(latitudeDeg: 48.8566, longitudeDeg: 2.3522, altitudeMeters: 35))
        var expected: [(sat: String, rise: Double, set: Double)] = []
        for tle in tles {
            let name = tle.name!.trimmingCharacters(in: .whitespaces)
            let finder = PassFinder(propagator: try SGP4Propagator(tle: tle), observer: observer, minElevationDeg: 10,
                                    stepSeconds: 10)
            for p in try finder.passes(from: epoch, to: end) {
                expected.append((name, p.rise.map { ($0 - epoch).seconds } ?? 0,
                                 p.set.map { ($0 - epoch).seconds } ?? topology.scenario.duration.seconds))
            }
        }
        #expect(expected.count >= 10, "the reference should have a fair number of passes, got \(expected.count)")
        #expect(rows.count == expected.count)
        for e in expected {
            guard let m = rows.first(where: { $0["peer"] == e.sat && abs(Double($0["start_s"]!)! - e.rise) < 1 }) else {
                Issue.record("no access row for \(e.sat) rising at \(e.rise) s")
                continue
            }
            #expect(abs(Double(m["start_s"]!)! - e.rise) < 1e-3, "\(e.sat) rise")
            #expect(abs(Double(m["end_s"]!)! - e.set) < 1e-3, "\(e.sat) set")
        }
    }
}
