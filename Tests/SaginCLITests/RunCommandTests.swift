import Foundation
import Testing

@Suite("sagin run")
struct RunCommandTests {
    static let topology = """
    scenario:
      name: cli-run
      epoch: 2024-05-12T00:00:00Z
      duration: 1h
      step: 1s
      seed: 3
      area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 5}
    constellations:
      - name: leo
        walker: {planes: 12, per_plane: 10, phasing: 1, altitude_km: 550, inclination_deg: 53}
    uavs:
      - name: drone
        trajectory: {type: loiter, center: {lat: 48.8566, lon: 2.3522, alt_m: 120}, radius_m: 300, speed_mps: 10}
    users:
      - name: user
        placement: {type: random, count: 5}
    links:
      - {type: user-satellite}
      - {type: user-uav}
    """

    @Test("a run prints its summary and folder; --seed and --duration override the file; the folder is complete")
    func runWritesFolder() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.yaml").path
        try Self.topology.write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try runSagin(["run", path, "--output", out, "--duration", "5min", "--seed", "9"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("run complete: cli-run, seed 9, 5min simulated"), "\(r.stdout)")
        #expect(r.stdout.contains("nodes: 120 satellites, 0 HAPs, 1 UAV, 5 users, 0 gateways"), "\(r.stdout)")
        let folderLine = try #require(r.stdout.split(separator: "\n").last { $0.hasPrefix("results: ") })
        let folder = String(folderLine.dropFirst("results: ".count))
        #expect(folder.hasPrefix(out + "/cli-run-"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == ["access.csv", "handovers.csv", "links.csv", "run.json", "summary.json"])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
            as? [String: Any]
        #expect(summary?["status"] as? String == "complete")
        #expect(summary?["seed"] as? Int == 9)
        #expect(summary?["simulated_s"] as? Double == 300)
        // Only the finished folder is there: no staging folders left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).count == 1)

        let quiet = try runSagin(["run", path, "--output", out, "--duration", "1min", "--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.split(separator: "\n").count == 1 && quiet.stdout.hasPrefix(out + "/cli-run-"))
    }

    @Test("bad topologies stop with exit 1, file:line:column and the key path, and write nothing",
          arguments: [
              ("speed_mps: 10}", "speed_mps: 10, spin: 2}", ":13:", "uavs[0].trajectory.spin"),
              ("  seed: 3", "  seed: -3", ":6:", "scenario.seed"),
              ("  - {type: user-uav}", "  - {type: user-uav, min_elevation_deg: 95}", ":19:", "links[1].min_elevation_deg"),
          ])
    func badTopology(find: String, replace: String, line: String, keyPath: String) throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.yaml").path
        #expect(Self.topology.contains(find))
        try Self.topology.replacingOccurrences(of: find, with: replace).write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try runSagin(["run", path, "--output", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains(path + line), "\(r.stderr)")
        #expect(r.stderr.contains(keyPath), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a missing topology file and an unknown channel provider are clear errors")
    func otherErrors() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try runSagin(["run", dir.appendingPathComponent("nope.yaml").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.yaml"), "\(missing.stderr)")
        let path = dir.appendingPathComponent("t.yaml").path
        try Self.topology.write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try runSagin(["run", path, "--output", out, "--channel", "crystal-ball"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("crystal-ball") && r.stderr.contains("empirical"), "\(r.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out))?.isEmpty ?? true)
    }
}
