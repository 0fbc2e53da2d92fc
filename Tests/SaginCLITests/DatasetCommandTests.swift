import Foundation
import Testing

@Suite("sagin dataset, channel-map and scene")
struct DatasetCommandTests {
    static let topology = """
    scenario:
      name: cli-dataset
      epoch: 2024-05-12T00:00:00Z
      duration: 1h
      seed: 2
      environment: dense-urban
      area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 1}
    constellations:
      - name: leo
        walker: {planes: 12, per_plane: 12, phasing: 1, altitude_km: 550, inclination_deg: 53}
    users:
      - name: u
        placement: {type: random, count: 1}
    """

    static func setUp() throws -> (dir: URL, topology: String) {
        let dir = OrbitCommandsTests.tempDir()
        let path = dir.appendingPathComponent("t.yaml").path
        try topology.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    @Test("two scene seeds give two cities; the same seed the same file; a scene written as PGM loads back")
    func datasetAndScene() throws {
        let (dir, topo) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        func dataset(_ name: String, scene: String, extra: [String] = []) throws -> Data? {
            let out = dir.appendingPathComponent(name).path
            let r = try runSagin(["dataset", "--topology", topo, "--scene", scene, "--samples", "40", "--scene-size-m", "300",
                                  "--out", out] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("dataset: 40 samples"), "\(r.stdout)")
            return FileManager.default.contents(atPath: out)
        }
        let train = try dataset("train.csv", scene: "1")
        let again = try dataset("again.csv", scene: "1")
        let test = try dataset("test.csv", scene: "2")
        #expect(train != nil && train == again)
        #expect(train != test)

        // The seed-1 city written as a 16-bit PGM and read back gives the same dataset.
        let pgm = dir.appendingPathComponent("city.pgm").path
        let s = try runSagin(["scene", "--topology", topo, "--scene", "1", "--scene-size-m", "300", "--out", pgm])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.contains("300×300 cells"), "\(s.stdout)")
        let fromFile = try dataset("from-file.csv", scene: pgm)
        // Heights round-trip at 0.1 m, so the same receivers and peers are drawn and the LOS labels
        // agree except where a ray grazes a roof within 5 cm.
        func table(_ d: Data?) -> [[String]] {
            String(decoding: d ?? Data(), as: UTF8.self).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let a = table(train), b = table(fromFile)
        #expect(a.count == 40 && b.count == 40)
        #expect(a.map { [$0[1], $0[4], $0[5], $0[8]] } == b.map { [$0[1], $0[4], $0[5], $0[8]] })
        #expect(b.allSatisfy { $0[3] == "city.pgm" })
        let losColumn = 11 + 10 + 16      // leading columns, scalar features, PDP bins
        #expect(zip(a, b).filter { $0[losColumn] == $1[losColumn] }.count >= 38)
    }

    @Test("channel-map writes its four files and refuses to overwrite a folder")
    func channelMap() throws {
        let (dir, topo) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cim").path
        let args = ["channel-map", "--topology", topo, "--scene", "3", "--scene-size-m", "400", "--cell-m", "100",
                    "--time", "10min", "--out", out]
        let r = try runSagin(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("16 cells"), "\(r.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["map.csv", "map.png", "scene.png", "sky.csv"])
        let again = try runSagin(args)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"), "\(again.stderr)")
    }

    @Test("bad input names the option or file", arguments: [
        (["--scene", "nowhere.pgm"], "nowhere.pgm"),
        (["--scene", "1", "--preset", "metropolis"], "metropolis"),
        (["--scene", "1", "--samples", "0"], "--samples"),
        (["--scene", "1", "--scene-size-m", "-5"], "--scene-size-m"),
    ])
    func badInput(extra: [String], message: String) throws {
        let (dir, topo) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("d.csv").path
        var args = ["dataset", "--topology", topo, "--out", out] + extra
        if !extra.contains("--samples") { args += ["--samples", "10"] }
        let r = try runSagin(args)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
