import Foundation
import Orbits
@testable import Scenario
import SimCore
import Testing

@Suite("Topology files, random placement and the recorded form")
struct TopologyFilesTests {
    typealias Support = TopologyTestSupport

    @Test("relative TLE paths resolve against the topology folder, not the current directory")
    func relativeTLEPath() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try Support.walkerTLEText()
        try Support.write(text, to: dir + "/data/shell.tle")
        try Support.write(Support.header + "constellations:\n  - {name: s, tle: ../data/./shell.tle}\n", to: dir + "/topologies/t.yaml")
        let t = try TopologyLoader.load(path: dir + "/topologies/t.yaml")
        #expect(t.directory == dir + "/topologies")
        guard case let .tle(path, tles) = t.constellations[0].source else {
            Issue.record("not a TLE source")
            return
        }
        #expect(path == dir + "/data/shell.tle")
        // Same element sets as parsing the file directly.
        #expect(tles == (try TLEParser.parse(text: text).tles) && tles.count == 8)
        #expect(t.constellations[0].source.count == 8)
    }

    @Test("path resolution is lexical", arguments: [
        ("x.tle", ".", "x.tle"), ("x.tle", "a/b", "a/b/x.tle"), ("../x.tle", "a/b", "a/x.tle"), ("./x.tle", "/r", "/r/x.tle"),
        ("/abs/x.tle", "a", "/abs/x.tle"), ("../../x.tle", "a", "../x.tle"), ("../x.tle", "/", "/x.tle"),
    ])
    func resolve(relative: String, directory: String, expected: String) {
        #expect(TopologyPaths.resolve(relative, against: directory) == expected)
    }

    @Test("folders of topology paths", arguments: [("t.yaml", "."), ("a/t.yaml", "a"), ("/t.yaml", "/"), ("/a/b/t.yaml", "/a/b")])
    func folder(path: String, expected: String) {
        #expect(TopologyPaths.folder(of: path) == expected)
    }

    static func randomGroups(seed: UInt64, area: String) -> String {
        Support.header + "  seed: \(seed)\n  area: \(area)\n" + """
        users:
          - {name: alpha, placement: {type: random, count: 200}}
          - {name: beta, placement: {type: random, count: 200}}

        """
    }

    static let box = "{lat_min: 40, lat_max: 60, lon_min: -5, lon_max: 10}"
    static let circle = "{center: {lat: 48.85, lon: 2.35}, radius_km: 30}"

    @Test("random placement: same seed, same points; other group or seed, other points; all inside the area",
          arguments: [box, circle])
    func randomPlacementDeterminism(area: String) throws {
        let a = try TopologyLoader.load(yaml: Self.randomGroups(seed: 7, area: area), path: "r.yaml")
        let b = try TopologyLoader.load(yaml: Self.randomGroups(seed: 7, area: area), path: "r.yaml")
        let c = try TopologyLoader.load(yaml: Self.randomGroups(seed: 8, area: area), path: "r.yaml")
        #expect(a.users == b.users)
        func coordinates(_ g: GroundGroupSpec) -> [Double] { g.nodes.flatMap { [$0.latitudeDeg, $0.longitudeDeg] } }
        #expect(coordinates(a.users[0]) != coordinates(a.users[1]))
        #expect(coordinates(a.users[0]) != coordinates(c.users[0]))
        let spec = try #require(a.scenario.area)
        for g in a.users { #expect(g.nodes.allSatisfy { spec.contains(latitudeDeg: $0.latitudeDeg, longitudeDeg: $0.longitudeDeg) }) }
        // The points are the documented draws from the stream "placement/<group>".
        let stream = RandomStreams(seed: 7).stream("placement/beta")
        let direct = RandomPlacement.points(count: 200, in: spec, stream: stream)
        #expect(coordinates(a.users[1]) == direct.flatMap { [$0.latitudeDeg, $0.longitudeDeg] })
    }

    @Test("random placement is uniform in area: box in sin(latitude) and longitude, circle in r²")
    func randomPlacementUniformity() {
        let n = 20_000
        // Each statistic below is a mean of n uniform(0, 1) variables: mean 1/2, standard error
        // √(1/12/n) = 0.00204; 5 standard errors leave a 6e-7 chance of a false failure.
        let tolerance = 5 * (1.0 / 12 / Double(n)).squareRoot()
        let box = AreaSpec.box(latitudeMin: 10, latitudeMax: 70, longitudeMin: -20, longitudeMax: 40)
        let boxPoints = RandomPlacement.points(count: n, in: box, stream: RandomStreams(seed: 3).stream("placement/box"))
        let s0 = sin(10 * Double.pi / 180), s1 = sin(70 * Double.pi / 180)
        let sinMean = boxPoints.map { (sin($0.latitudeDeg * .pi / 180) - s0) / (s1 - s0) }.reduce(0, +) / Double(n)
        let lonMean = boxPoints.map { ($0.longitudeDeg + 20) / 60 }.reduce(0, +) / Double(n)
        #expect(abs(sinMean - 0.5) < tolerance && abs(lonMean - 0.5) < tolerance, "\(sinMean) \(lonMean)")

        // A uniform disc has (r/R)² uniform; r measured in the tangent plane at the centre.
        let radiusKm = 40.0
        let circle = AreaSpec.circle(centerLatitudeDeg: -33.9, centerLongitudeDeg: 18.4, radiusKm: radiusKm)
        let frame = LocalTangentFrame(latitudeDeg: -33.9, longitudeDeg: 18.4)
        let discPoints = RandomPlacement.points(count: n, in: circle, stream: RandomStreams(seed: 3).stream("placement/disc"))
        let r2Mean = discPoints.map { p -> Double in
            let d = Geodetic(latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg).ecefKm - frame.originKm
            let e = (d * frame.east).sum(), nn = (d * frame.north).sum()
            return (e * e + nn * nn) / (radiusKm * radiusKm)
        }.reduce(0, +) / Double(n)
        #expect(abs(r2Mean - 0.5) < tolerance, "\(r2Mean)")
        #expect(discPoints.allSatisfy { circle.contains(latitudeDeg: $0.latitudeDeg, longitudeDeg: $0.longitudeDeg) })
    }

    @Test("a resolved topology survives JSON: decode(encode(t)) == t, and two loads encode byte for byte")
    func jsonRoundTrip() throws {
        let path = try TopologyLoaderTests.writeFullExample()
        defer { try? FileManager.default.removeItem(atPath: TopologyPaths.folder(of: path)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let first = try TopologyLoader.load(path: path)
        let data = try encoder.encode(first)
        let second = try encoder.encode(try TopologyLoader.load(path: path))
        #expect(data == second)
        let decoded = try JSONDecoder().decode(Topology.self, from: data)
        #expect(decoded == first)
        // Readable forms of durations, instants and the TLE selection.
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"duration\" : \"6h\"") && json.contains("\"step\" : \"500ms\""))
        #expect(json.contains("\"epoch\" : \"2024-05-12T00:00:00Z\""))
        #expect(json.contains("\"catalogNumbers\" : [\n") && json.contains("\"fingerprint\" : \"fnv1a64:"))

        // A changed TLE file no longer decodes to the recorded run.
        let tlePath = TopologyPaths.folder(of: path) + "/sats/shell.tle"
        var tles = try TLEParser.load(path: tlePath).tles
        tles[0].meanAnomalyDeg += 1
        try TLEWriter.text(tles, threeLine: true).write(toFile: tlePath, atomically: true, encoding: .utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Topology.self, from: data) }
    }
}
