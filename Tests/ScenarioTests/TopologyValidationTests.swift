import Foundation
@testable import Scenario
import Testing

/// One test per ``TopologyError/Kind``: each names the exact key path, line and column.
@Suite("Topology validation: every error kind is located")
struct TopologyValidationTests {
    typealias Support = TopologyTestSupport
    static let header = TopologyTestSupport.header

    func error(_ yaml: String, path: String = "Topologies/test.yaml") throws -> TopologyError {
        try #require(Support.loadError(yaml, path: path), "expected the topology to be rejected")
    }

    @Test("syntax: Yams' line and column")
    func syntax() throws {
        let e = try error("""
        scenario:
          name: [unclosed
          epoch: 2024-05-12T00:00:00Z
        """)
        #expect(e.kind == .syntax && e.keyPath == "" && e.file == "Topologies/test.yaml")
        #expect(e.line == 3 && e.column == 8, "\(e)")
        #expect(e.message.hasPrefix("YAML syntax: "))
        // Duplicate keys are syntax errors too, at the first occurrence.
        let dup = try error(Self.header + "  duration: 2h\n")
        #expect(dup.kind == .syntax && dup.line == 4 && dup.column == 3 && dup.message.contains("duplicate key 'duration'"), "\(dup)")
    }

    @Test("unknown key: the allowed keys and the closest one")
    func unknownKey() throws {
        let e = try error("""
        scenario:
          name: t
          epoch: 2024-05-12T00:00:00Z
          duraton: 1h
        """)
        #expect(e.kind == .unknownKey && e.keyPath == "scenario.duraton" && e.line == 4 && e.column == 3)
        #expect(e.message == "unknown key 'duraton'; did you mean 'duration'? allowed keys: name, epoch, duration, step, seed, environment, area")
        // Keys of another variant are unknown for this one.
        let antenna = try error(Self.header + "radio:\n  user: {antenna: {pattern: omni, diameter_m: 1}}\n")
        #expect(antenna.kind == .unknownKey && antenna.keyPath == "radio.user.antenna.diameter_m" && antenna.line == 6 && antenna.column == 35, "\(antenna)")
        #expect(antenna.message == "unknown key 'diameter_m' for antenna pattern omni; allowed keys: pattern, gain_dbi")
    }

    @Test("missing key: at the parent map")
    func missingKey() throws {
        let e = try error(Self.header + """
        uavs:
          - name: u1
            limits: {max_speed_mps: 20}
        """)
        #expect(e.kind == .missingKey && e.keyPath == "uavs[0].trajectory" && e.line == 6 && e.column == 5)
        #expect(e.message.hasPrefix("missing required key 'trajectory'"))
        // Random placement without an area here or in scenario.area.
        let area = try error(Self.header + "users:\n  - name: g\n    placement: {type: random, count: 3}\n")
        #expect(area.kind == .missingKey && area.keyPath == "users[0].placement.area" && area.line == 7 && area.column == 16)
        // A random walk with no area anywhere.
        let walk = try error(Self.header + """
        users:
          - name: g
            placement: {type: list, points: [{lat: 1, lon: 1}]}
            mobility: {model: random-walk}
        """)
        #expect(walk.kind == .missingKey && walk.keyPath == "users[0].mobility.area" && walk.line == 8 && walk.column == 15)
        // No scenario at all.
        let empty = try error("")
        #expect(empty.kind == .missingKey && empty.keyPath == "scenario")
    }

    @Test("wrong type: what was expected and what was found")
    func wrongType() throws {
        let e = try error(Self.header + """
        uavs:
          - name: u1
            trajectory:
              type: waypoints
              waypoints:
                - {lat: north, lon: 2, alt_m: 100, speed_mps: 10}
                - {lat: 1, lon: 2, alt_m: 100}
        """)
        #expect(e.kind == .wrongType && e.keyPath == "uavs[0].trajectory.waypoints[0].lat" && e.line == 10 && e.column == 17)
        #expect(e.message == "expected a number, found 'north'")
        let quoted = try error(Self.header.replacingOccurrences(of: "duration: 1h", with: "duration: 1h\n  seed: \"7\""))
        #expect(quoted.kind == .wrongType && quoted.keyPath == "scenario.seed" && quoted.line == 5 && quoted.column == 9)
        #expect(quoted.message == "expected an integer ≥ 0, found the quoted string \"7\"")
        let list = try error(Self.header + "uavs: {name: u1}\n")
        #expect(list.kind == .wrongType && list.keyPath == "uavs" && list.message == "expected a list, found a map")
    }

    @Test("out of range: the documented diagnostic, and other ranges")
    func outOfRange() throws {
        let yaml = Self.header + """
        uavs:
          - name: a
            trajectory: {type: fixed, point: {lat: 1, lon: 1, alt_m: 100}}
          - name: b
            trajectory: {type: fixed, point: {lat: 1, lon: 1, alt_m: 100}}
          - name: c
            trajectory:
              type: waypoints
              waypoints:
                - lat: 123.4
                  lon: 2
                  alt_m: 100
                  speed_mps: 10
                - {lat: 1, lon: 2, alt_m: 100}
        """
        let e = try error(yaml, path: "Topologies/uav-urban.yaml")
        #expect(e.kind == .outOfRange)
        #expect(e.description == "Topologies/uav-urban.yaml:14:16: uavs[2].trajectory.waypoints[0].lat: expected a latitude in [-90, 90] degrees, found 123.4")

        let cases: [(String, String, Int, String)] = [
            ("links:\n  - {type: user-satellite, frequency_ghz: 200}\n", "links[0].frequency_ghz", 6,
             "expected a carrier frequency in [0.5, 100] GHz, found 200"),
            ("links:\n  - {type: user-haps, min_elevation_deg: 90}\n", "links[0].min_elevation_deg", 6,
             "expected an elevation in [0, 90) degrees, found 90"),
            ("constellations:\n  - {name: s, walker: {planes: 4, per_plane: 2, phasing: 4, altitude_km: 550, inclination_deg: 53}}\n",
             "constellations[0].walker.phasing", 6, "expected a phasing F in [0, planes - 1] = [0, 3], found 4"),
            ("users:\n  - {name: g, placement: {type: random, count: 0, area: {lat_min: 0, lat_max: 1, lon_min: 0, lon_max: 1}}}\n",
             "users[0].placement.count", 6, "expected a count in [1, 10000000], found 0"),
            ("selection: {reselect_interval: -5s}\n", "selection.reselect_interval", 5, "expected a duration ≥ 0, found -5s"),
            ("outputs: {links_interval: 0}\n", "outputs.links_interval", 5, "expected a duration > 0, found 0"),
            ("  area: {lat_min: 10, lat_max: 5, lon_min: 0, lon_max: 1}\n", "scenario.area.lat_max", 5,
             "expected lat_max > lat_min (10.0), found 5"),
        ]
        for (tail, keyPath, line, message) in cases {
            let e = try error(Self.header + tail)
            #expect(e.kind == .outOfRange && e.keyPath == keyPath && e.line == line && e.message == message, "\(e)")
        }
    }

    @Test("invalid enumeration word: the allowed words and the closest one")
    func invalidWord() throws {
        let e = try error(Self.header + "  environment: urbn\n")
        #expect(e.kind == .invalidValue && e.keyPath == "scenario.environment" && e.line == 5 && e.column == 16)
        #expect(e.message == "expected one of dense-urban, urban, suburban, rural, high-rise, found 'urbn' (did you mean 'urban'?)")
        let preset = try error(Self.header + "constellations:\n  - {name: s, preset: starlink-9}\n")
        #expect(preset.kind == .invalidValue && preset.keyPath == "constellations[0].preset" && preset.line == 6 && preset.column == 23, "\(preset)")
        #expect(preset.message.contains("starlink-1, starlink-2, starlink-3, starlink-4, kuiper-1") && preset.message.contains("found 'starlink-9'"))
        let duration = try error(Self.header.replacingOccurrences(of: "duration: 1h", with: "duration: 1hour"))
        #expect(duration.kind == .invalidValue && duration.keyPath == "scenario.duration" && duration.message.contains("found '1hour'"))
    }

    @Test("conflicting keys: walker and tle in one shell")
    func conflictingKeys() throws {
        let e = try error(Self.header + """
        constellations:
          - name: s
            walker: {planes: 1, per_plane: 1, phasing: 0, altitude_km: 550, inclination_deg: 53}
            tle: sats.tle
        """)
        #expect(e.kind == .conflictingKeys && e.keyPath == "constellations[0].tle" && e.line == 8 && e.column == 5)
        #expect(e.message == "'tle' conflicts with 'walker': give exactly one of walker, preset or tle")
        let area = try error(Self.header + "  area: {lat_min: 0, lat_max: 1, radius_km: 3}\n")
        #expect(area.kind == .conflictingKeys && area.keyPath == "scenario.area.radius_km" && area.column == 34, "\(area)")
    }

    @Test("duplicate names across node kinds, and duplicate link types")
    func duplicateName() throws {
        let e = try error(Self.header + """
        uavs:
          - name: alpha
            trajectory: {type: fixed, point: {lat: 1, lon: 1, alt_m: 100}}
        users:
          - name: team
            placement:
              type: list
              points:
                - {name: alpha, lat: 1, lon: 1}
        """)
        #expect(e.kind == .duplicateName && e.keyPath == "users[0].placement.points[0].name" && e.line == 13 && e.column == 18)
        #expect(e.message.hasPrefix("name 'alpha' is already used by uavs[0].name (line 6)"))
        // A group's generated node name against a HAP's name.
        let generated = try error(Self.header + """
        haps:
          - {name: team-1, trajectory: {type: fixed, point: {lat: 1, lon: 1, alt_m: 20000}}}
        users:
          - {name: team, placement: {type: list, points: [{lat: 1, lon: 1}, {lat: 2, lon: 2}]}}
        """)
        #expect(generated.kind == .duplicateName && generated.keyPath == "users[0].placement.points[1]" && generated.line == 8)
        let links = try error(Self.header + "links:\n  - {type: user-satellite}\n  - {type: user-haps}\n  - {type: user-satellite}\n")
        #expect(links.kind == .duplicateName && links.keyPath == "links[2].type" && links.line == 8 && links.column == 12, "\(links)")
        #expect(links.message.hasPrefix("link type 'user-satellite' appears twice (first at links[0].type, line 6)"))
    }

    @Test("missing file: the resolved path")
    func missingFile() throws {
        let e = try error(Self.header + "constellations:\n  - name: s\n    tle: sats/../sats/missing.tle\n",
                          path: "/nonexistent-sagin/topo.yaml")
        #expect(e.kind == .missingFile && e.keyPath == "constellations[0].tle" && e.line == 7 && e.column == 10)
        #expect(e.file == "/nonexistent-sagin/topo.yaml")
        #expect(e.message == "TLE file not found: /nonexistent-sagin/sats/missing.tle (resolved from 'sats/../sats/missing.tle' "
                + "against the topology folder '/nonexistent-sagin')")
        let topology = try #require(throws: TopologyError.self) { try TopologyLoader.load(path: "/nonexistent-sagin/topo.yaml") }
        #expect(topology.kind == .missingFile && topology.message == "no such file")
    }

    @Test("bad TLE file: the TLE file, its line and column")
    func badTLEFile() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try Support.walkerTLEText().split(separator: "\n").map(String.init)
        // Line 3 is line 2 of the first element set; break its checksum (column 69).
        let last = lines[2].removeLast()
        lines[2].append(last == "0" ? "1" : "0")
        try Support.write(lines.joined(separator: "\n") + "\n", to: dir + "/bad.tle")
        try Support.write(Self.header + "constellations:\n  - name: s\n    tle: bad.tle\n", to: dir + "/topo.yaml")
        let e = try #require(throws: TopologyError.self) { try TopologyLoader.load(path: dir + "/topo.yaml") }
        #expect(e.kind == .badFile && e.file == dir + "/bad.tle" && e.line == 3 && e.column == 69)
        #expect(e.keyPath == "constellations[0].tle" && e.message.hasPrefix("bad TLE checksum (columns 69-69): "))
    }

    @Test("bad CSV file: the CSV file, its line and column")
    func badCSVFile() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Support.write(Self.header + "users:\n  - name: g\n    placement: {type: csv, file: sites.csv}\n", to: dir + "/topo.yaml")
        func load(_ csv: String) throws -> TopologyError {
            try Support.write(csv, to: dir + "/sites.csv")
            return try #require(throws: TopologyError.self) { try TopologyLoader.load(path: dir + "/topo.yaml") }
        }
        let header = try load("name,latitude,lon\na,1,2\n")
        #expect(header.kind == .badFile && header.file == dir + "/sites.csv" && header.line == 1 && header.keyPath == "users[0].placement.file")
        #expect(header.message == "the header has no 'lat' column (found: name, latitude, lon)")
        let number = try load("lat,lon\n1,2\n\n3, abc\n")
        #expect(number.kind == .badFile && number.line == 4 && number.column == 4)
        #expect(number.message == "column 'lon': expected a number, found 'abc'")
        let range = try load("lat,lon\n95,2\n")
        #expect(range.kind == .badFile && range.line == 2 && range.column == 1 && range.message.contains("found 95"))
        let fields = try load("lat,lon\n1,2,3\n")
        #expect(fields.kind == .badFile && fields.line == 2 && fields.message == "expected 2 fields as in the header, found 3")
        let quote = try load("lat,lon,name\n1,2,\"open\n")
        #expect(quote.kind == .badFile && quote.line == 2 && quote.column == 5)
    }

    @Test("limit violations: turn rate, speed and altitude band")
    func limitViolation() throws {
        let e = try error(Self.header + """
        uavs:
          - name: u1
            trajectory: {type: loiter, center: {lat: 1, lon: 1, alt_m: 100}, radius_m: 10, speed_mps: 20}
        """)
        #expect(e.kind == .limitViolation && e.keyPath == "uavs[0].trajectory.radius_m" && e.line == 7 && e.column == 80)
        // ω = 20 m/s / 10 m = 2 rad/s = 114.592 deg/s; the radius for 45 deg/s is 20 / (45·π/180) = 25.465 m.
        #expect(e.message == "a 10.0 m loiter at 20.0 m/s turns at 114.592 deg/s, above the UAV's max_turn_rate_deg_s 45.0; "
                + "the radius must be at least 25.465 m at this speed")
        let speed = try error(Self.header + """
        uavs:
          - name: u1
            trajectory:
              type: waypoints
              waypoints: [{lat: 1, lon: 1, alt_m: 100, speed_mps: 35}, {lat: 1.1, lon: 1, alt_m: 100}]
        """)
        #expect(speed.kind == .limitViolation && speed.keyPath == "uavs[0].trajectory.waypoints[0].speed_mps" && speed.line == 9)
        #expect(speed.message == "speed 35 m/s is above the UAV's max_speed_mps 30.0")
        let altitude = try error(Self.header + """
        haps:
          - name: h
            limits: {max_alt_m: 22000}
            trajectory: {type: fixed, point: {lat: 1, lon: 1, alt_m: 23000}}
        """)
        #expect(altitude.kind == .limitViolation && altitude.keyPath == "haps[0].trajectory.point.alt_m" && altitude.line == 8)
        #expect(altitude.message == "altitude 23000 m is outside the HAP's altitude band [15000.0, 22000.0] m (limits min_alt_m, max_alt_m)")
    }
}
