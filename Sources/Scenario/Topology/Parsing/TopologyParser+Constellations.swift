import Foundation
import Orbits
import SimCore

extension TopologyParser {
    static let constellationKeys = ["name", "walker", "preset", "tle", "select", "propagator", "radio"]
    static let sourceKeys = ["walker", "preset", "tle"]

    mutating func parseConstellation(_ v: YAMLValue, epoch: UTCInstant, radio base: RadioSpec) throws(TopologyError) -> ConstellationSpec {
        let m = try v.map()
        try m.checkKeys(Self.constellationKeys)
        let nameValue = try m.required("name", "the shell name")
        let name = try nodeName(nameValue)
        try claim(name, at: nameValue)

        let given = m.entries.map(\.key).filter { Self.sourceKeys.contains($0) }
        guard let sourceKey = given.first else {
            throw TopologyError(.missingKey, file: v.file, line: v.line, column: v.column, keyPath: v.path,
                                message: "missing the satellite source: give exactly one of walker, preset or tle")
        }
        if given.count > 1 {
            throw m.keyLocation(given[1]).error(.conflictingKeys, "'\(given[1])' conflicts with '\(sourceKey)': "
                                                + "give exactly one of walker, preset or tle")
        }
        if sourceKey == "tle", m.has("propagator") {
            throw m.keyLocation("propagator").error(.conflictingKeys, "'propagator' conflicts with 'tle': TLE shells always use SGP4; "
                                                    + "propagator applies to walker and preset shells")
        }
        if sourceKey != "tle", m.has("select") {
            throw m.keyLocation("select").error(.conflictingKeys, "'select' conflicts with '\(sourceKey)': select filters a tle file")
        }

        let source: SatelliteSource
        switch sourceKey {
        case "tle":
            source = try parseTLESource(m)
        default:
            let propagator = try m.optional("propagator") { v throws(TopologyError) in try v.word(PropagatorChoice.self) } ?? .sgp4
            let parameters: WalkerParameters
            if sourceKey == "preset" {
                let presetValue = m["preset"] ?? v
                let word = try presetValue.word(WalkerShell.presets.map(\.name))
                guard let shell = WalkerShell.preset(named: word) else { throw presetValue.wrongType("a preset name") }
                parameters = WalkerParameters(shell: shell)
            } else {
                parameters = try parseWalker(m["walker"] ?? v)
            }
            do {
                _ = try parameters.constellation(epoch: epoch)
            } catch {
                throw (m[sourceKey] ?? v).error(.outOfRange, "\(error)")
            }
            source = .walker(parameters, propagator: propagator)
        }
        return ConstellationSpec(name: name, source: source, radio: try radio(m["radio"], over: base))
    }

    func parseWalker(_ v: YAMLValue) throws(TopologyError) -> WalkerParameters {
        let m = try v.map()
        try m.checkKeys(["planes", "per_plane", "phasing", "altitude_km", "inclination_deg", "pattern", "raan_spread_deg",
                         "raan_offset_deg", "eccentricity"])
        let planesValue = try m.required("planes", "the number of orbital planes")
        let planes = try planesValue.integer()
        try planesValue.require(planes >= 1, "at least 1 plane")
        let perPlaneValue = try m.required("per_plane", "the number of satellites per plane")
        let perPlane = try perPlaneValue.integer()
        try perPlaneValue.require(perPlane >= 1, "at least 1 satellite per plane")
        let phasingValue = try m.required("phasing", "the Walker phasing factor F in [0, planes - 1]")
        let phasing = try phasingValue.integer()
        try phasingValue.require(phasing >= 0 && phasing < planes, "a phasing F in [0, planes - 1] = [0, \(planes - 1)]")
        let (total, overflow) = planes.multipliedReportingOverflow(by: perPlane)
        try v.require(!overflow && total <= TLEWriter.maxCatalogNumber,
                      "at most \(TLEWriter.maxCatalogNumber) satellites (planes × per_plane)")
        let altitudeValue = try m.required("altitude_km", "the altitude above the equator in km")
        let altitude = try altitudeValue.positiveNumber("an altitude > 0 km")
        let inclination = try m.required("inclination_deg", "the inclination in degrees")
            .number(in: 0 ... 180, "an inclination in [0, 180] degrees")
        let pattern = try m.optional("pattern") { v throws(TopologyError) in try v.word(WalkerConstellation.Pattern.self) } ?? .delta
        let spread = try m.optional("raan_spread_deg") { v throws(TopologyError) in
            try v.number(in: 0 ... 360, "a node spread in [0, 360] degrees")
        }
        let offset = try m.optional("raan_offset_deg") { v throws(TopologyError) in try v.number() } ?? 0
        let eccentricity = try m.optional("eccentricity") { v throws(TopologyError) in
            let e = try v.number()
            // Perigee above the surface: (Re + h)(1 − e) > Re (WGS-72 Re, as WalkerConstellation uses).
            let re = EarthGravityConstants.wgs72.equatorialRadiusKm
            let maxE = altitude / (re + altitude)
            try v.require(e >= 0 && e < maxE, "an eccentricity in [0, \(maxE)) so the perigee stays above the Earth")
            return e
        } ?? 0
        return WalkerParameters(pattern: pattern, planes: planes, perPlane: perPlane, phasing: phasing, altitudeKm: altitude,
                                inclinationDeg: inclination, raanSpreadDeg: spread, raanOffsetDeg: offset, eccentricity: eccentricity)
    }

    /// Checks that a referenced file exists; the message shows the resolved path.
    func existingFile(_ v: YAMLValue, what: String) throws(TopologyError) -> String {
        let relative = try v.string()
        guard !relative.isEmpty else { throw v.error(.invalidValue, "expected the path of \(what), found an empty string") }
        let resolved = TopologyPaths.resolve(relative, against: directory)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
        let origin = resolved == relative ? "" : " (resolved from '\(relative)' against the topology folder '\(directory)')"
        guard exists else { throw v.error(.missingFile, "\(what) not found: \(resolved)\(origin)") }
        guard !isDirectory.boolValue else { throw v.error(.missingFile, "expected \(what), found a directory: \(resolved)\(origin)") }
        return resolved
    }

    func parseTLESource(_ m: YAMLMap) throws(TopologyError) -> SatelliteSource {
        guard let tleValue = m["tle"] else { throw m.missing("tle", "a TLE file") }
        let path = try existingFile(tleValue, what: "TLE file")
        let all: [TLE]
        do {
            all = try TLEParser.load(path: path).tles
        } catch {
            let columns = error.columns.map { " (columns \($0.lowerBound)-\($0.upperBound))" } ?? ""
            throw TopologyError(.badFile, file: path, line: error.line, column: error.columns?.lowerBound ?? 0,
                                keyPath: tleValue.path, message: "bad TLE \(error.field)\(columns): \(error.reason)")
        }
        guard !all.isEmpty else {
            throw TopologyError(.badFile, file: path, line: 0, column: 0, keyPath: tleValue.path, message: "no element sets in the file")
        }
        guard let selectValue = m["select"] else { return .tle(path: path, tles: all) }
        return .tle(path: path, tles: try select(all, selectValue, path: path))
    }

    /// `select`: entries whose name contains any of `names` (case-insensitive) or whose catalogue
    /// number is in `numbers` (all entries when neither is given), in file order, then the first `max`.
    func select(_ all: [TLE], _ v: YAMLValue, path: String) throws(TopologyError) -> [TLE] {
        let m = try v.map()
        try m.checkKeys(["names", "numbers", "max"])
        var names: [(String, YAMLValue)] = []
        for item in try m.optional("names", { v throws(TopologyError) in try v.list() }) ?? [] {
            let s = try item.string()
            guard !s.isEmpty else { throw item.error(.invalidValue, "expected a name substring, found an empty string") }
            names.append((s.lowercased(), item))
        }
        var numbers: [(Int, YAMLValue)] = []
        for item in try m.optional("numbers", { v throws(TopologyError) in try v.list() }) ?? [] {
            numbers.append((try item.number(integerIn: 0 ... TLEWriter.maxCatalogNumber, "a catalogue number in [0, 339999]"), item))
        }
        let max = try m.optional("max") { v throws(TopologyError) in try v.number(integerIn: 1 ... Int.max, "a count ≥ 1") }
        for (s, item) in names where !all.contains(where: { ($0.name ?? "").lowercased().contains(s) }) {
            throw item.error(.invalidValue, "no TLE name in \(path) contains '\(item.text ?? s)'")
        }
        for (n, item) in numbers where !all.contains(where: { $0.catalogNumber == n }) {
            throw item.error(.invalidValue, "catalogue number \(n) is not in \(path)")
        }
        var out = all
        if !names.isEmpty || !numbers.isEmpty {
            let wanted = Set(numbers.map(\.0))
            out = all.filter { tle in
                let name = (tle.name ?? "").lowercased()
                return wanted.contains(tle.catalogNumber) || names.contains { name.contains($0.0) }
            }
        }
        if let max, out.count > max { out = Array(out.prefix(max)) }
        return out
    }
}

extension YAMLValue {
    /// An integer in `range`.
    func number(integerIn range: ClosedRange<Int>, _ expected: String) throws(TopologyError) -> Int {
        let n = try integer()
        try require(range.contains(n), expected)
        return n
    }
}
