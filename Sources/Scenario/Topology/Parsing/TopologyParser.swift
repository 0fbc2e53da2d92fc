import Links
import SimCore

/// Turns a composed YAML document into a ``Topology``, section by section, throwing the first
/// problem as a located ``TopologyError``.
///
/// Sections are read in dependency order: `scenario` (epoch, seed and default area), `radio`
/// (per-kind defaults), then nodes, links, selection and outputs. Node names are claimed as they
/// are read so a duplicate points at its second occurrence and names the first.
struct TopologyParser {
    let file: String
    let directory: String
    /// Every node name claimed so far and where: "uavs[0].name (line 12)".
    private var names: [String: String] = [:]

    init(file: String, directory: String) {
        self.file = file
        self.directory = directory
    }

    static let topLevelKeys = ["scenario", "constellations", "haps", "uavs", "users", "gateways", "radio", "links",
                               "selection", "outputs", "rl"]

    mutating func parse(_ root: YAMLValue) throws(TopologyError) -> Topology {
        let written = try root.map()
        try written.checkKeys(Self.topLevelKeys)
        // A section written with no value (`haps:` with its entries commented out) counts as absent.
        let top = YAMLMap(value: written.value, entries: written.entries.filter {
            !YAMLValue(node: $0.value, path: "", file: file).isNull
        })
        let scenario = try parseScenario(top.required("scenario", "run-wide settings: name, epoch, duration"))
        let radios = try parseRadioDefaults(top["radio"])

        var constellations: [ConstellationSpec] = []
        for v in try top.optional("constellations", { v throws(TopologyError) in try v.list() }) ?? [] {
            constellations.append(try parseConstellation(v, epoch: scenario.epoch, radio: radios[.satellite]))
        }
        var haps: [AerialSpec] = []
        for v in try top.optional("haps", { v throws(TopologyError) in try v.list() }) ?? [] {
            haps.append(try parseAerial(v, kind: .haps, radio: radios[.haps]))
        }
        var uavs: [AerialSpec] = []
        for v in try top.optional("uavs", { v throws(TopologyError) in try v.list() }) ?? [] {
            uavs.append(try parseAerial(v, kind: .uav, radio: radios[.uav]))
        }
        var users: [GroundGroupSpec] = []
        for v in try top.optional("users", { v throws(TopologyError) in try v.list() }) ?? [] {
            users.append(try parseGroundGroup(v, kind: .user, scenario: scenario, radio: radios[.user]))
        }
        var gateways: [GroundGroupSpec] = []
        for v in try top.optional("gateways", { v throws(TopologyError) in try v.list() }) ?? [] {
            gateways.append(try parseGroundGroup(v, kind: .gateway, scenario: scenario, radio: radios[.gateway]))
        }
        let links = try top["links"].map { v throws(TopologyError) in try parseLinks(v) } ?? [LinkSpec.defaults(for: .userSatellite)]
        let selection = try top["selection"].map { v throws(TopologyError) in try parseSelection(v) } ?? SelectionSpec()
        let outputs = try top["outputs"].map { v throws(TopologyError) in try parseOutputs(v) } ?? OutputSpec()
        let rl = try top["rl"].map { v throws(TopologyError) in
            try parseRL(v, scenario: scenario, constellations: constellations, haps: haps, uavs: uavs, links: links)
        } ?? RLSpec()
        return Topology(sourcePath: file, directory: directory, scenario: scenario, constellations: constellations,
                        haps: haps, uavs: uavs, users: users, gateways: gateways, links: links, selection: selection,
                        outputs: outputs, rl: rl)
    }

    // MARK: Names

    /// Claims a node name; a name used before is a `duplicateName` error built by `error`.
    mutating func claim(_ name: String, at place: String, error: (String) -> TopologyError) throws(TopologyError) {
        if let first = names[name] {
            throw error("name '\(name)' is already used by \(first); names must be unique across shells, HAPs, UAVs, "
                        + "ground groups and ground nodes")
        }
        names[name] = place
    }

    /// Claims the name written at `v`.
    mutating func claim(_ name: String, at v: YAMLValue) throws(TopologyError) {
        try claim(name, at: "\(v.path) (line \(v.line))") { v.error(.duplicateName, $0) }
    }

    /// Reads a node, shell or group name: non-empty, no commas, double quotes or control
    /// characters (names end up in CSV outputs), no surrounding spaces.
    func nodeName(_ v: YAMLValue) throws(TopologyError) -> String {
        let name = try v.string()
        let bad = name.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0.properties.generalCategory == .control }
        guard !name.isEmpty, !bad, name.trimmingSpaces == name else {
            throw v.error(.invalidValue, "expected a non-empty name without commas, double quotes, control characters "
                          + "or surrounding spaces, found '\(name)'")
        }
        return name
    }

    // MARK: scenario

    func parseScenario(_ v: YAMLValue) throws(TopologyError) -> ScenarioSettings {
        let m = try v.map()
        try m.checkKeys(["name", "epoch", "duration", "step", "seed", "environment", "area"])
        let nameValue = try m.required("name", "a run name of letters, digits, '.', '_' and '-'")
        let name = try nameValue.string()
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0" ... "9").contains($0) || "._-".unicodeScalars.contains($0)) }) else {
            throw nameValue.error(.invalidValue, "expected a run name of letters, digits, '.', '_' and '-', found '\(name)'")
        }
        let epoch = try m.required("epoch", "an ISO 8601 UTC instant such as 2024-05-12T00:00:00Z").instant()
        let duration = try positiveDuration(m.required("duration", "a duration > 0 such as 6h"))
        let step = try m.optional("step", positiveDuration) ?? .seconds(1)
        let seed = try m.optional("seed", seedValue) ?? 1
        let environment = try m.optional("environment") { v throws(TopologyError) in try v.word(Environment.self) } ?? .urban
        let area = try m.optional("area") { v throws(TopologyError) in try parseArea(v) }
        return ScenarioSettings(name: name, epoch: epoch, duration: duration, step: step, seed: seed,
                                environment: environment, area: area)
    }

    func positiveDuration(_ v: YAMLValue) throws(TopologyError) -> SimTime {
        let t = try v.duration()
        try v.require(t > .zero, "a duration > 0")
        return t
    }

    func nonNegativeDuration(_ v: YAMLValue) throws(TopologyError) -> SimTime {
        let t = try v.duration()
        try v.require(t >= .zero, "a duration ≥ 0")
        return t
    }

    func seedValue(_ v: YAMLValue) throws(TopologyError) -> UInt64 {
        guard let text = v.text, v.isPlain, YAMLValue.isInteger(text) else { throw v.wrongType("an integer ≥ 0") }
        guard let seed = UInt64(text.hasPrefix("+") ? String(text.dropFirst()) : text) else {
            throw v.error(.outOfRange, "expected an integer in [0, 18446744073709551615], found \(text)")
        }
        return seed
    }

    // MARK: Areas and points

    static let circleKeys = ["center", "radius_km"]
    static let boxKeys = ["lat_min", "lat_max", "lon_min", "lon_max"]

    /// A circle `{center: {lat, lon}, radius_km}` or a box `{lat_min, lat_max, lon_min, lon_max}`;
    /// `boxOnly` for lawnmower areas.
    func parseArea(_ v: YAMLValue, boxOnly: Bool = false) throws(TopologyError) -> AreaSpec {
        let m = try v.map()
        try m.checkKeys(boxOnly ? Self.boxKeys : Self.circleKeys + Self.boxKeys, context: boxOnly ? " (this area must be a box)" : "")
        let given = m.entries.map(\.key)
        let circleKey = given.first { Self.circleKeys.contains($0) }
        let boxKey = given.first { Self.boxKeys.contains($0) }
        if let circleKey, let boxKey {
            // Report the later of the two in the file.
            let circleFirst = (given.firstIndex(of: circleKey) ?? 0) < (given.firstIndex(of: boxKey) ?? 0)
            let (first, second) = circleFirst ? (circleKey, boxKey) : (boxKey, circleKey)
            throw m.keyLocation(second).error(.conflictingKeys, "'\(second)' conflicts with '\(first)': an area is either a circle "
                                              + "{center: {lat, lon}, radius_km} or a box {lat_min, lat_max, lon_min, lon_max}")
        }
        if circleKey != nil {
            let center = try m.required("center", "the circle's centre {lat, lon}").map()
            try center.checkKeys(["lat", "lon"])
            let lat = try center.required("lat", "a latitude in degrees").latitude()
            let lon = try center.required("lon", "a longitude in degrees").longitude()
            let radiusValue = try m.required("radius_km", "the circle's radius in km")
            let radius = try radiusValue.number()
            try radiusValue.require(radius > 0 && radius <= 5000, "a radius in (0, 5000] km")
            return .circle(centerLatitudeDeg: lat, centerLongitudeDeg: lon, radiusKm: radius)
        }
        guard boxKey != nil else {
            throw TopologyError(.missingKey, file: v.file, line: v.line, column: v.column, keyPath: v.path,
                                message: boxOnly ? "missing the box keys lat_min, lat_max, lon_min, lon_max"
                                    : "an area needs either center and radius_km (a circle) or lat_min, lat_max, lon_min, lon_max (a box)")
        }
        let latMin = try m.required("lat_min", "the box's southern edge in degrees").latitude()
        let latMaxValue = try m.required("lat_max", "the box's northern edge in degrees")
        let latMax = try latMaxValue.latitude()
        try latMaxValue.require(latMax > latMin, "lat_max > lat_min (\(latMin))")
        let lonMin = try m.required("lon_min", "the box's western edge in degrees").longitude()
        let lonMaxValue = try m.required("lon_max", "the box's eastern edge in degrees")
        let lonMax = try lonMaxValue.longitude()
        try lonMaxValue.require(lonMax > lonMin, "lon_max > lon_min (\(lonMin)); boxes do not wrap the antimeridian")
        return .box(latitudeMin: latMin, latitudeMax: latMax, longitudeMin: lonMin, longitudeMax: lonMax)
    }

    /// A point `{lat, lon, alt_m}`; ground points default `alt_m` to 0 and keep it in [-500, 10000] m,
    /// aerial points require it (the trajectory's limits check it).
    func parsePoint(_ v: YAMLValue, ground: Bool, extraKeys: [String] = []) throws(TopologyError) -> PointSpec {
        let m = try v.map()
        try m.checkKeys(extraKeys + ["lat", "lon", "alt_m"])
        let lat = try m.required("lat", "a latitude in degrees").latitude()
        let lon = try m.required("lon", "a longitude in degrees").longitude()
        let alt: Double
        if ground {
            alt = try m.optional("alt_m") { v throws(TopologyError) in
                try v.number(in: -500 ... 10_000, "a ground altitude in [-500, 10000] m")
            } ?? 0
        } else {
            alt = try m.required("alt_m", "an altitude in metres above the WGS-84 ellipsoid").number()
        }
        return PointSpec(latitudeDeg: lat, longitudeDeg: lon, altitudeMeters: alt)
    }

    // MARK: links, selection, outputs

    func parseLinks(_ v: YAMLValue) throws(TopologyError) -> [LinkSpec] {
        var links: [LinkSpec] = []
        var seen: [LinkType: YAMLValue] = [:]
        for item in try v.list() {
            let m = try item.map()
            try m.checkKeys(["type", "frequency_ghz", "bandwidth_mhz", "direction", "min_elevation_deg", "channel", "channel_model",
                             "interpolation", "trace_fallback", "rolloff", "measured"])
            let typeValue = try m.required("type", "one of \(LinkType.allCases.map(\.rawValue).joined(separator: ", "))")
            let type = try typeValue.word(LinkType.self)
            if let first = seen[type] {
                throw typeValue.error(.duplicateName, "link type '\(type.rawValue)' appears twice (first at \(first.path), line \(first.line)); "
                                      + "each link type may appear once")
            }
            seen[type] = typeValue
            var link = LinkSpec.defaults(for: type)
            if let f = m["frequency_ghz"] {
                let ghz = try f.number()
                try f.require(ghz >= 0.5 && ghz <= 100, "a carrier frequency in [0.5, 100] GHz")
                link.frequencyHz = try f.number(timesTenToThe: 9)
            }
            if let b = m["bandwidth_mhz"] {
                _ = try b.positiveNumber("a bandwidth > 0 MHz")
                link.bandwidthHz = try b.number(timesTenToThe: 6)
                try b.require(link.bandwidthHz < link.frequencyHz, "a bandwidth below the carrier frequency (\(link.frequencyHz / 1e9) GHz)")
            }
            link.direction = try m.optional("direction") { v throws(TopologyError) in try v.word(LinkDirection.self) } ?? link.direction
            if let e = m["min_elevation_deg"] {
                let deg = try e.number()
                try e.require(deg >= 0 && deg < 90, "an elevation in [0, 90) degrees")
                link.minElevationDeg = deg
            }
            if let c = m["channel"] {
                let name = try c.string()
                guard !name.isEmpty else { throw c.error(.invalidValue, "expected a channel provider name, found an empty string") }
                link.channel = name
            }
            if let c = m["channel_model"] {
                link.channelModel = try filePath(c, "the path of a channel model, map or recorded trace")
            }
            if let c = m["interpolation"] {
                guard link.channel == "trace" else {
                    throw c.error(.invalidValue, "interpolation applies to channel: trace only (this link's channel is '\(link.channel)')")
                }
                link.traceInterpolation = try c.word(["hold", "linear"])
            }
            if let c = m["trace_fallback"] {
                guard link.channel == "trace" else {
                    throw c.error(.invalidValue, "trace_fallback applies to channel: trace only (this link's channel is '\(link.channel)')")
                }
                // channel_model is the trace here, so only providers that read no file can stand in.
                link.traceFallback = try c.word(LinkSpec.traceFallbacks)
            }
            if let v = m["measured"] { link.measured = try parseMeasured(v) }
            link.rolloff = try m.optional("rolloff") { v throws(TopologyError) in try v.number(in: 0 ... 1, "a roll-off in [0, 1]") }
                ?? link.rolloff
            links.append(link)
        }
        return links
    }

    /// A file path written at `v`, resolved against the topology file's folder.
    func filePath(_ v: YAMLValue, _ what: String) throws(TopologyError) -> String {
        let path = try v.string()
        guard !path.isEmpty else { throw v.error(.invalidValue, "expected \(what), found an empty string") }
        return path.hasPrefix("/") || directory.isEmpty ? path : directory + (directory.hasSuffix("/") ? "" : "/") + path
    }

    /// `links[i].measured`: measured capacity and delay traces.
    func parseMeasured(_ v: YAMLValue) throws(TopologyError) -> MeasuredLinkSpec {
        let m = try v.map()
        try m.checkKeys(["capacity", "delay", "window", "offset"])
        var spec = MeasuredLinkSpec()
        spec.capacityTrace = try m.optional("capacity") { v throws(TopologyError) in try filePath(v, "the path of a mahimahi trace") }
        spec.delayTrace = try m.optional("delay") { v throws(TopologyError) in try filePath(v, "the path of a delay trace (ms per 10 ms)") }
        guard spec.capacityTrace != nil || spec.delayTrace != nil else {
            throw v.error(.invalidValue, "expected at least one of capacity (a mahimahi trace) and delay (a delay trace)")
        }
        spec.window = try m.optional("window", positiveDuration) ?? spec.window
        spec.offset = try m.optional("offset", nonNegativeDuration) ?? spec.offset
        return spec
    }

    func parseSelection(_ v: YAMLValue) throws(TopologyError) -> SelectionSpec {
        let m = try v.map()
        try m.checkKeys(["policy", "reselect_interval", "hysteresis_db"])
        var s = SelectionSpec()
        s.policy = try m.optional("policy") { v throws(TopologyError) in try v.word(SelectionPolicy.self) } ?? s.policy
        s.reselectInterval = try m.optional("reselect_interval", nonNegativeDuration) ?? s.reselectInterval
        s.hysteresisDb = try m.optional("hysteresis_db") { v throws(TopologyError) in try v.nonNegativeNumber("a hysteresis ≥ 0 dB") }
            ?? s.hysteresisDb
        return s
    }

    func parseOutputs(_ v: YAMLValue) throws(TopologyError) -> OutputSpec {
        let m = try v.map()
        try m.checkKeys(["directory", "links_interval", "links", "access", "handovers", "trace", "trace_interval", "trace_links"])
        var o = OutputSpec()
        if let d = m["directory"] {
            o.directory = try d.string()
            guard !o.directory.isEmpty else { throw d.error(.invalidValue, "expected a folder path, found an empty string") }
        }
        o.linksInterval = try m.optional("links_interval", positiveDuration) ?? o.linksInterval
        o.writeLinks = try m.optional("links") { v throws(TopologyError) in try v.bool() } ?? o.writeLinks
        o.writeAccess = try m.optional("access") { v throws(TopologyError) in try v.bool() } ?? o.writeAccess
        o.writeHandovers = try m.optional("handovers") { v throws(TopologyError) in try v.bool() } ?? o.writeHandovers
        o.writeTrace = try m.optional("trace") { v throws(TopologyError) in try v.bool() } ?? o.writeTrace
        o.traceInterval = try m.optional("trace_interval", positiveDuration)
        o.traceLinks = try m.optional("trace_links") { v throws(TopologyError) in try v.word(TraceScope.self) } ?? o.traceLinks
        return o
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
