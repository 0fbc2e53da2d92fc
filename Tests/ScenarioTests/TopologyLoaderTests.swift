import Foundation
import Links
import Orbits
@testable import Scenario
import SimCore
import Testing

@Suite("Topology loader: a full example and the defaults")
struct TopologyLoaderTests {
    /// Every section of the schema, with the referenced files written next to it.
    static let fullExample = """
    scenario:
      name: full-example
      epoch: 2024-05-12T00:00:00Z
      duration: 6h
      step: 500ms
      seed: 42
      environment: suburban
      area: {center: {lat: 48.85, lon: 2.35}, radius_km: 50}
    radio:
      satellite: {tx_power_dbw: 25}
      user: {antenna: {pattern: omni, gain_dbi: 3}}
    constellations:
      - name: polar
        walker: {planes: 6, per_plane: 11, phasing: 1, altitude_km: 780, inclination_deg: 86.4, pattern: star}
        propagator: j2
      - name: kuiper
        preset: kuiper-1
      - name: tle-shell
        tle: sats/shell.tle
        select: {names: [p01], numbers: [90001], max: 3}
        radio: {antenna: {pattern: dish, diameter_m: 1.2}}
    haps:
      - name: hap-1
        trajectory: {type: loiter, center: {lat: 48.85, lon: 2.35, alt_m: 20000}, radius_m: 3000, speed_mps: 20, clockwise: false, phase_deg: 90}
    uavs:
      - name: uav-1
        trajectory:
          type: waypoints
          waypoints:
            - {lat: 48.85, lon: 2.35, alt_m: 100, speed_mps: 15}
            - {lat: 48.86, lon: 2.36, alt_m: 120}
      - name: uav-2
        limits: {max_speed_mps: 40}
        trajectory: {type: lawnmower, area: {lat_min: 48.8, lat_max: 48.9, lon_min: 2.3, lon_max: 2.4}, alt_m: 150, speed_mps: 35, track_spacing_m: 200, heading_deg: 90}
      - name: uav-3
        trajectory: {type: fixed, point: {lat: 48.8, lon: 2.3, alt_m: 50}}
        radio: {tx_power_dbw: 3, pointing: zenith}
    users:
      - name: city
        placement: {type: random, count: 20}
        mobility: {model: random-walk, speed_mps: 1.2, leg: 2min}
      - name: listed
        placement:
          type: list
          points:
            - {name: alice, lat: 48.0, lon: 2.0}
            - {lat: 48.1, lon: 2.1, alt_m: 35}
      - name: from-csv
        placement: {type: csv, file: sites.csv}
    gateways:
      - name: gw
        placement: {type: list, points: [{lat: 47.0, lon: 1.0}]}
        radio: {system_temperature_k: 200}
    links:
      - {type: user-satellite, frequency_ghz: 2.4, bandwidth_mhz: 30, direction: uplink, min_elevation_deg: 20, channel: empirical, rolloff: 0.25}
      - {type: gateway-satellite}
      - {type: user-haps}
    selection: {policy: strongest-snr, reselect_interval: 30s, hysteresis_db: 2}
    outputs: {directory: out, links_interval: 1min, links: false, access: true, handovers: false}

    """

    static let sitesCSV = #"""
    name,lat,lon,alt_m,label
    north,49.0,2.0,10,"Paris, ""north"""

    ,48.5, 2.5 ,,south

    """#

    /// Writes the example, its TLE and CSV files into a fresh folder and returns the topology path.
    static func writeFullExample() throws -> String {
        let dir = try TopologyTestSupport.temporaryDirectory()
        try TopologyTestSupport.write(fullExample, to: dir + "/full.yaml")
        try TopologyTestSupport.write(TopologyTestSupport.walkerTLEText(), to: dir + "/sats/shell.tle")
        try TopologyTestSupport.write(sitesCSV, to: dir + "/sites.csv")
        return dir + "/full.yaml"
    }

    @Test("the full example resolves every section, with the defaults filled in")
    func fullExampleResolves() throws {
        let path = try Self.writeFullExample()
        defer { try? FileManager.default.removeItem(atPath: TopologyPaths.folder(of: path)) }
        let t = try TopologyLoader.load(path: path)
        let dir = TopologyPaths.folder(of: path)
        #expect(t.sourcePath == path && t.directory == dir)

        // scenario
        let s = t.scenario
        #expect(s.name == "full-example" && s.epoch == UTCInstant(year: 2024, month: 5, day: 12))
        #expect(s.duration == .hours(6) && s.step == .milliseconds(500) && s.seed == 42 && s.environment == .suburban)
        #expect(s.area == .circle(centerLatitudeDeg: 48.85, centerLongitudeDeg: 2.35, radiusKm: 50))

        // constellations
        #expect(t.constellations.map(\.name) == ["polar", "kuiper", "tle-shell"])
        let polar = WalkerParameters(pattern: .star, planes: 6, perPlane: 11, phasing: 1, altitudeKm: 780, inclinationDeg: 86.4)
        #expect(t.constellations[0].source == .walker(polar, propagator: .j2))
        #expect(polar.raanSpreadDeg == 180 && polar.raanOffsetDeg == 0 && polar.eccentricity == 0)
        #expect(t.constellations[1].source == .walker(WalkerParameters(shell: .kuiperShell1), propagator: .sgp4))
        guard case let .tle(tlePath, tles) = t.constellations[2].source else {
            Issue.record("tle-shell is not a TLE source")
            return
        }
        #expect(tlePath == dir + "/sats/shell.tle")
        // names contain "p01" (90005…90008) or number 90001, in file order, first 3.
        #expect(tles.map(\.catalogNumber) == [90_001, 90_005, 90_006])
        // Radio: built-in satellite defaults, then radio.satellite, then the shell's own.
        var satellite = RadioSpec.builtInDefault(.satellite)
        satellite.txPowerDbw = 25
        #expect(t.constellations[0].radio == satellite)
        satellite.antenna = .dish(diameterMeters: 1.2, efficiency: 0.65)
        #expect(t.constellations[2].radio == satellite)

        // HAPs and UAVs
        #expect(t.haps.count == 1 && t.haps[0].limits == .hapsDefault && t.haps[0].radio == .builtInDefault(.haps))
        #expect(t.haps[0].trajectory == .loiter(center: PointSpec(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 20_000),
                                                radiusMeters: 3000, speedMps: 20, clockwise: false, phaseDeg: 90))
        #expect(t.uavs.map(\.name) == ["uav-1", "uav-2", "uav-3"])
        #expect(t.uavs[0].trajectory == .waypoints([
            WaypointSpec(latitudeDeg: 48.85, longitudeDeg: 2.35, altitudeMeters: 100, speedMps: 15),
            WaypointSpec(latitudeDeg: 48.86, longitudeDeg: 2.36, altitudeMeters: 120, speedMps: 0),
        ], loop: false))
        #expect(t.uavs[1].limits == LimitsSpec(maxSpeedMps: 40, minAltitudeMeters: 10, maxAltitudeMeters: 500, maxTurnRateDegPerS: 45))
        #expect(t.uavs[1].trajectory == .lawnmower(latitudeMin: 48.8, latitudeMax: 48.9, longitudeMin: 2.3, longitudeMax: 2.4,
                                                   altitudeMeters: 150, speedMps: 35, trackSpacingMeters: 200, headingDeg: 90))
        #expect(t.uavs[2].trajectory == .fixed(PointSpec(latitudeDeg: 48.8, longitudeDeg: 2.3, altitudeMeters: 50)))
        var uavRadio = RadioSpec.builtInDefault(.uav)
        uavRadio.txPowerDbw = 3
        uavRadio.pointing = .zenith
        #expect(t.uavs[2].radio == uavRadio && t.uavs[0].radio == .builtInDefault(.uav))

        // users and gateways
        #expect(t.users.map(\.name) == ["city", "listed", "from-csv"])
        let city = t.users[0]
        #expect(city.nodes.map(\.name) == (0 ..< 20).map { "city-\($0)" })
        #expect(city.mobility == .randomWalk(speedMps: 1.2, leg: .minutes(2), area: s.area!))
        #expect(city.nodes.allSatisfy { s.area!.contains(latitudeDeg: $0.latitudeDeg, longitudeDeg: $0.longitudeDeg) && $0.altitudeMeters == 0 })
        var userRadio = RadioSpec.builtInDefault(.user)
        userRadio.antenna = .omni(gainDbi: 3)
        #expect(city.radio == userRadio)
        #expect(t.users[1].nodes == [GroundNodeSpec(name: "alice", latitudeDeg: 48, longitudeDeg: 2),
                                     GroundNodeSpec(name: "listed-1", latitudeDeg: 48.1, longitudeDeg: 2.1, altitudeMeters: 35)])
        #expect(t.users[1].mobility == .stationary)
        #expect(t.users[2].nodes == [GroundNodeSpec(name: "north", latitudeDeg: 49, longitudeDeg: 2, altitudeMeters: 10),
                                     GroundNodeSpec(name: "from-csv-1", latitudeDeg: 48.5, longitudeDeg: 2.5)])
        #expect(t.gateways.count == 1 && t.gateways[0].nodes == [GroundNodeSpec(name: "gw-0", latitudeDeg: 47, longitudeDeg: 1)])
        #expect(t.gateways[0].radio.systemTemperatureK == 200 && t.gateways[0].radio.effectiveSystemTemperatureK == 200)

        // links, selection, outputs
        #expect(t.links == [
            LinkSpec(type: .userSatellite, frequencyHz: 2.4e9, bandwidthHz: 30e6, direction: .uplink, minElevationDeg: 20,
                     channel: "empirical", rolloff: 0.25),
            LinkSpec(type: .gatewaySatellite, frequencyHz: 20e9, bandwidthHz: 20e6, direction: .downlink, minElevationDeg: 25),
            LinkSpec(type: .userHaps, frequencyHz: 2e9, bandwidthHz: 20e6, direction: .downlink, minElevationDeg: 10),
        ])
        #expect(t.link(.userHaps)?.channel == "empirical" && t.link(.userHaps)?.rolloff == 0.1 && t.link(.userUav) == nil)
        #expect(t.selection == SelectionSpec(policy: .strongestSNR, reselectInterval: .seconds(30), hysteresisDb: 2))
        #expect(t.outputs == OutputSpec(directory: "out", linksInterval: .minutes(1), writeLinks: false, writeAccess: true,
                                        writeHandovers: false))
    }

    @Test("a minimal topology gets the documented defaults")
    func minimalDefaults() throws {
        // Sections with no value count as absent; `links: []` means no links at all.
        let t = try TopologyLoader.load(yaml: TopologyTestSupport.header + "haps:\nuavs: []\n", path: "minimal.yaml")
        #expect(try TopologyLoader.load(yaml: TopologyTestSupport.header + "links: []\n", path: "m.yaml").links.isEmpty)
        #expect(t.directory == "." && t.sourcePath == "minimal.yaml")
        #expect(t.scenario.step == .seconds(1) && t.scenario.seed == 1 && t.scenario.environment == .urban && t.scenario.area == nil)
        #expect(t.constellations.isEmpty && t.haps.isEmpty && t.uavs.isEmpty && t.users.isEmpty && t.gateways.isEmpty)
        #expect(t.links == [LinkSpec(type: .userSatellite, frequencyHz: 2e9, bandwidthHz: 20e6, direction: .downlink,
                                     minElevationDeg: 25, channel: "empirical", rolloff: 0.1)])
        #expect(t.selection == SelectionSpec(policy: .highestElevation, reselectInterval: .zero, hysteresisDb: 3))
        #expect(t.outputs == OutputSpec(directory: "runs", linksInterval: .seconds(10), writeLinks: true, writeAccess: true,
                                        writeHandovers: true))
    }

    @Test("built-in radios match the schema table; T_sys = T_ant + 290·(F − 1)")
    func radioDefaults() {
        let expected: [(NodeKind, Double, AntennaSpec, PointingSpec, Double, Double)] = [
            (.satellite, 20, .bessel(apertureRadiusMeters: 1, efficiency: 1), .tracking, 1.2, 290),
            (.haps, 20, .bessel(apertureRadiusMeters: 0.5, efficiency: 1), .nadir, 1.2, 290),
            (.uav, 0, .omni(gainDbi: 0), .tracking, 7, 290),
            (.user, -7, .omni(gainDbi: 0), .tracking, 7, 290),
            (.gateway, 10, .dish(diameterMeters: 2.4, efficiency: 0.65), .tracking, 1.2, 150),
        ]
        for (kind, tx, antenna, pointing, nf, tant) in expected {
            let r = RadioSpec.builtInDefault(kind)
            #expect(r.txPowerDbw == tx && r.antenna == antenna && r.pointing == pointing && r.noiseFigureDb == nf
                    && r.antennaTemperatureK == tant && r.systemTemperatureK == nil && r.otherLossesDb == 0, "\(kind)")
        }
        // T_ant = 290 K makes T_sys = 290·F; NF 7 dB: F = 10^0.7 = 5.011872336…, T_sys = 1453.442977 K.
        let user = RadioSpec.builtInDefault(.user)
        #expect(abs(user.effectiveSystemTemperatureK - 1453.442977) < 1e-6)
        // NF 0 dB adds nothing.
        var quiet = user
        quiet.noiseFigureDb = 0
        #expect(quiet.effectiveSystemTemperatureK == 290)
    }

    @Test("durations accept every unit and bare seconds", arguments: [
        ("500ms", SimTime.milliseconds(500)), ("1s", .seconds(1)), ("10min", .minutes(10)), ("6h", .hours(6)),
        ("1d", .days(1)), ("1h30min", .minutes(90)), ("90", .seconds(90)), ("2.5", .milliseconds(2500)),
    ])
    func durations(text: String, expected: SimTime) throws {
        let t = try TopologyLoader.load(yaml: TopologyTestSupport.header + "selection: {reselect_interval: \(text)}\n", path: "d.yaml")
        #expect(t.selection.reselectInterval == expected)
    }
}
