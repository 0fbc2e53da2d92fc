import Foundation
import SimCore

extension TopologyParser {
    static let placementKeys: [String: [String]] = [
        "list": ["type", "points"],
        "random": ["type", "count", "area", "alt_m"],
        "csv": ["type", "file"],
    ]
    static let placementTypes = ["list", "random", "csv"]
    static let allPlacementKeys = ["type", "points", "count", "area", "alt_m", "file"]

    /// A user (`kind == .user`) or gateway (`.gateway`) group.
    mutating func parseGroundGroup(_ v: YAMLValue, kind: NodeKind, scenario: ScenarioSettings,
                                   radio base: RadioSpec) throws(TopologyError) -> GroundGroupSpec {
        let m = try v.map()
        try m.checkKeys(["name", "placement", "mobility", "radio"])
        let nameValue = try m.required("name", "the group name")
        let name = try nodeName(nameValue)
        try claim(name, at: nameValue)

        let placementValue = try m.required("placement", "one of the placements \(Self.placementTypes.joined(separator: ", "))")
        let (nodes, placementArea) = try parsePlacement(placementValue, group: name, scenario: scenario)
        let mobility = try m.optional("mobility") { v throws(TopologyError) in
            try parseGroundMobility(v, defaultArea: placementArea ?? scenario.area, nodes: nodes)
        } ?? .stationary
        return GroundGroupSpec(name: name, nodes: nodes, mobility: mobility, radio: try radio(m["radio"], over: base))
    }

    /// The group's nodes, and the area a random placement drew them from.
    mutating func parsePlacement(_ v: YAMLValue, group: String,
                                 scenario: ScenarioSettings) throws(TopologyError) -> ([GroundNodeSpec], AreaSpec?) {
        let m = try v.map()
        try m.checkKeys(Self.allPlacementKeys)
        let type = try m.required("type", "one of \(Self.placementTypes.joined(separator: ", "))").word(Self.placementTypes)
        try m.checkKeys(Self.placementKeys[type] ?? ["type"], context: " for placement type \(type)")
        var nodes: [GroundNodeSpec] = []

        switch type {
        case "list":
            let pointsValue = try m.required("points", "a list of points {name?, lat, lon, alt_m?}")
            let items = try pointsValue.list()
            try pointsValue.require(!items.isEmpty, "at least 1 point, found none")
            for (k, item) in items.enumerated() {
                let p = try parsePoint(item, ground: true, extraKeys: ["name"])
                let nameValue = try item.map()["name"]
                let name = try nameValue.map { v throws(TopologyError) in try nodeName(v) } ?? "\(group)-\(k)"
                try claim(name, at: nameValue ?? item)
                nodes.append(GroundNodeSpec(name: name, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, altitudeMeters: p.altitudeMeters))
            }
            return (nodes, nil)

        case "random":
            let count = try m.required("count", "the number of nodes").number(integerIn: 1 ... 10_000_000, "a count in [1, 10000000]")
            let area: AreaSpec
            if let a = m["area"] {
                area = try parseArea(a)
            } else if let a = scenario.area {
                area = a
            } else {
                throw m.missing("area", "random placement needs an area here or in scenario.area")
            }
            let alt = try m.optional("alt_m") { v throws(TopologyError) in
                try v.number(in: -500 ... 10_000, "a ground altitude in [-500, 10000] m")
            } ?? 0
            let stream = scenario.randomStreams.stream("placement/\(group)")
            for (k, p) in RandomPlacement.points(count: count, in: area, stream: stream).enumerated() {
                let name = "\(group)-\(k)"
                try claim(name, at: "\(v.path) (line \(v.line), random node \(k))") { v.error(.duplicateName, $0) }
                nodes.append(GroundNodeSpec(name: name, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, altitudeMeters: alt))
            }
            return (nodes, area)

        default:  // csv
            let fileValue = try m.required("file", "a CSV file with a header row lat, lon[, name, alt_m]")
            let path = try existingFile(fileValue, what: "CSV file")
            for node in try readCSV(path: path, group: group, fileValue: fileValue) { nodes.append(node) }
            return (nodes, nil)
        }
    }

    /// Ground nodes from a CSV file: columns `lat`, `lon` (required), `name`, `alt_m` (optional),
    /// matched case-insensitively; other columns are ignored.
    mutating func readCSV(path: String, group: String, fileValue: YAMLValue) throws(TopologyError) -> [GroundNodeSpec] {
        func bad(_ line: Int, _ column: Int, _ message: String, _ kind: TopologyError.Kind = .badFile) -> TopologyError {
            TopologyError(kind, file: path, line: line, column: column, keyPath: fileValue.path, message: message)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw bad(0, 0, "cannot be read as UTF-8 text")
        }
        let table: CSVTable
        do { table = try CSVTable(text: text) } catch { throw bad(error.line, error.column, error.message) }

        let names = table.header.fields.map { $0.lowercased() }
        func column(_ key: String) -> Int? { names.firstIndex(of: key) }
        let found = table.header.fields.joined(separator: ", ")
        guard let latColumn = column("lat") else { throw bad(table.header.line, 1, "the header has no 'lat' column (found: \(found))") }
        guard let lonColumn = column("lon") else { throw bad(table.header.line, 1, "the header has no 'lon' column (found: \(found))") }
        let nameColumn = column("name"), altColumn = column("alt_m")
        guard !table.rows.isEmpty else { throw bad(table.header.line, 0, "no data rows after the header") }

        var nodes: [GroundNodeSpec] = []
        nodes.reserveCapacity(table.rows.count)
        for (k, row) in table.rows.enumerated() {
            guard row.fields.count == table.header.fields.count else {
                throw bad(row.line, 0, "expected \(table.header.fields.count) fields as in the header, found \(row.fields.count)")
            }
            func number(_ c: Int, _ range: ClosedRange<Double>, _ expected: String) throws(TopologyError) -> Double {
                let text = row.fields[c]
                guard YAMLValue.isDecimal(text), let x = Double(text) else {
                    throw bad(row.line, row.columns[c], "column '\(table.header.fields[c])': expected a number, found '\(text)'")
                }
                guard range.contains(x) else {
                    throw bad(row.line, row.columns[c], "column '\(table.header.fields[c])': expected \(expected), found \(text)")
                }
                return x
            }
            let lat = try number(latColumn, -90 ... 90, "a latitude in [-90, 90] degrees")
            let lon = try number(lonColumn, -180 ... 180, "a longitude in [-180, 180] degrees")
            let alt = try altColumn.map { c throws(TopologyError) in
                row.fields[c].isEmpty ? 0 : try number(c, -500 ... 10_000, "a ground altitude in [-500, 10000] m")
            } ?? 0
            var name = "\(group)-\(k)"
            if let c = nameColumn, !row.fields[c].isEmpty {
                name = row.fields[c]
                let badName = name.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0.properties.generalCategory == .control }
                guard !badName else {
                    throw bad(row.line, row.columns[c], "column 'name': expected a name without commas, double quotes or control characters, found '\(name)'")
                }
            }
            try claim(name, at: "\(path):\(row.line)") { bad(row.line, nameColumn.map { row.columns[$0] } ?? 0, $0, .duplicateName) }
            nodes.append(GroundNodeSpec(name: name, latitudeDeg: lat, longitudeDeg: lon, altitudeMeters: alt))
        }
        return nodes
    }

    func parseGroundMobility(_ v: YAMLValue, defaultArea: AreaSpec?, nodes: [GroundNodeSpec]) throws(TopologyError) -> GroundMobilitySpec {
        let m = try v.map()
        try m.checkKeys(["model", "speed_mps", "leg", "area"])
        let model = try m.required("model", "static or random-walk").word(["static", "random-walk"])
        guard model == "random-walk" else {
            try m.checkKeys(["model"], context: " for mobility model static")
            return .stationary
        }
        let speed = try m.optional("speed_mps") { v throws(TopologyError) in try v.positiveNumber("a speed > 0 m/s") } ?? 1.4
        let leg = try m.optional("leg", positiveDuration) ?? .seconds(60)
        let area: AreaSpec
        let areaValue = m["area"]
        if let areaValue {
            area = try parseArea(areaValue)
        } else if let defaultArea {
            area = defaultArea
        } else {
            throw m.missing("area", "a random walk needs an area here, in a random placement or in scenario.area")
        }
        // The walk reflects at the area's edge, so it must start inside.
        if let outside = nodes.first(where: { !area.contains(latitudeDeg: $0.latitudeDeg, longitudeDeg: $0.longitudeDeg) }) {
            throw (areaValue ?? v).error(.outOfRange, "node '\(outside.name)' at (\(outside.latitudeDeg), \(outside.longitudeDeg)) "
                                         + "lies outside the random-walk area; the walk starts at the placed nodes")
        }
        return .randomWalk(speedMps: speed, leg: leg, area: area)
    }
}
