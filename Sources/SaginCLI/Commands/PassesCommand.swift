import ArgumentParser
import Foundation
import Orbits
import SimCore

/// `sagin passes`: rise, culmination and set times of satellites over a site.
struct PassesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passes",
        abstract: "Predict satellite passes over a site (SGP4, 1 ms rise/set/culmination times).",
        discussion: """
        Example:
          sagin passes --tle iss.tle --site 48.8566,2.3522,35 --from 2024-05-12T00:00:00Z \\
                       --to 2024-05-13T00:00:00Z --min-elevation 10 --csv passes.csv
        Times are UTC. Azimuths are degrees clockwise from true north. Without --satellite, every
        satellite in the file is searched.
        """
    )

    @Option(help: "TLE file (two-line or three-line).") var tle: String
    @Option(help: "Observer as LAT,LON,ALT_M (degrees, degrees, metres above the WGS-84 ellipsoid).") var site: String
    @Option(help: "Start of the window (ISO 8601 UTC).") var from: String
    @Option(help: "End of the window (ISO 8601 UTC).") var to: String
    @Option(help: "Elevation mask, degrees.") var minElevation: Double = 10
    @Option(help: "Only these satellites (name or catalogue number; repeatable).") var satellite: [String] = []
    @Option(help: "Sampling step of the search (passes shorter than this are still found by refining local maxima).")
    var step = DurationArgument(.seconds(20))
    @Option(help: "Also write the passes as CSV to this file.") var csv: String?
    @Flag(help: "Skip TLE entries that fail validation (one warning each) instead of stopping.") var skipBadTles = false

    struct Window { var from: UTCInstant; var to: UTCInstant; var site: Geodetic }

    func window() throws -> Window {
        let parts = site.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, let lat = Double(parts[0]), let lon = Double(parts[1]), let alt = Double(parts[2]) else {
            throw ValidationError("--site: expected LAT,LON,ALT_M (e.g. 48.8566,2.3522,35), found '\(site)'")
        }
        guard (-90 ... 90).contains(lat) else { throw ValidationError("--site: latitude \(lat) is outside -90...90") }
        guard (-180 ... 360).contains(lon) else { throw ValidationError("--site: longitude \(lon) is outside -180...360") }
        let f: UTCInstant, t: UTCInstant
        do { f = try UTCInstant(parsing: from) } catch { throw ValidationError("--from: \(error)") }
        do { t = try UTCInstant(parsing: to) } catch { throw ValidationError("--to: \(error)") }
        guard t > f else { throw ValidationError("--to (\(t)) must be after --from (\(f))") }
        return Window(from: f, to: t, site: Geodetic(latitudeDeg: lat, longitudeDeg: lon, altitudeMeters: alt))
    }

    func validate() throws {
        _ = try window()
        guard (-90 ... 90).contains(minElevation) else { throw ValidationError("--min-elevation \(minElevation) is outside -90...90") }
        guard step.value > .zero else { throw ValidationError("--step must be positive") }
    }

    func run() throws {
        let w = try window()
        let loaded = try TLEParser.load(path: tle, options: .init(skipBadEntries: skipBadTles))
        for warning in loaded.warnings { FileHandleOutput.warn("skipped bad TLE: \(warning)") }
        var chosen = loaded.tles
        if !satellite.isEmpty {
            chosen = loaded.tles.filter { t in
                satellite.contains { s in Int(s) == t.catalogNumber || t.name?.caseInsensitiveCompare(s) == .orderedSame }
            }
            let missing = satellite.filter { s in !loaded.tles.contains { Int(s) == $0.catalogNumber || $0.name?.caseInsensitiveCompare(s) == .orderedSame } }
            guard missing.isEmpty else {
                throw ValidationError("--satellite: \(missing.joined(separator: ", ")) not found in \(tle)")
            }
        }
        let observer = Observer(w.site)
        var rows: [PassRow] = []
        for t in chosen {
            let label = t.name ?? String(t.catalogNumber)
            let propagator: SGP4Propagator
            do { propagator = try SGP4Propagator(tle: t) } catch {
                FileHandleOutput.warn("\(label): cannot initialise SGP4: \(error)")
                continue
            }
            let finder = PassFinder(propagator: propagator, observer: observer, minElevationDeg: minElevation, stepSeconds: step.value.seconds)
            do {
                for p in try finder.passes(from: w.from, to: w.to) { rows.append(PassRow(satellite: label, catalogNumber: t.catalogNumber, pass: p)) }
            } catch {
                FileHandleOutput.warn("\(label): \(error)")
            }
        }
        rows.sort { ($0.pass.rise ?? $0.pass.culmination) < ($1.pass.rise ?? $1.pass.culmination) }
        print(PassRow.table(rows, site: w.site, mask: minElevation))
        if let csv {
            try PassRow.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8)
            print("wrote \(rows.count) passes to \(csv)")
        }
    }
}

/// One line of the passes table / CSV.
struct PassRow {
    var satellite: String
    var catalogNumber: Int
    var pass: Pass

    static func time(_ t: UTCInstant?) -> String {
        guard let t else { return "-" }
        let c = t.components
        func p(_ v: Int, _ w: Int = 2) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(p(c.year, 4))-\(p(c.month))-\(p(c.day))T\(p(c.hour)):\(p(c.minute)):\(p(c.second)).\(p(c.nanosecond / 1_000_000, 3))Z"
    }

    static func fixed(_ x: Double?, _ digits: Int) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "-" }

    var duration: Double? {
        guard let r = pass.rise, let s = pass.set else { return nil }
        return (s - r).seconds
    }

    static func table(_ rows: [PassRow], site: Geodetic, mask: Double) -> String {
        var out = "\(rows.count) pass\(rows.count == 1 ? "" : "es") over \(site) above \(mask)°\n"
        out += "satellite".padding(toLength: 24, withPad: " ", startingAt: 0)
            + " rise (UTC)                 az    culmination (UTC)          max el   set (UTC)                  az    dur (s)\n"
        for r in rows {
            out += String(r.satellite.prefix(24)).padding(toLength: 24, withPad: " ", startingAt: 0)
            out += " \(time(r.pass.rise)) \(fixed(r.pass.riseAzimuthDeg, 1).leftPad(5))"
            out += " \(time(r.pass.culmination)) \(fixed(r.pass.maxElevationDeg, 2).leftPad(6))"
            out += "   \(time(r.pass.set)) \(fixed(r.pass.setAzimuthDeg, 1).leftPad(5)) \(fixed(r.duration, 1).leftPad(8))\n"
        }
        return out
    }

    static func csv(_ rows: [PassRow]) -> String {
        var out = "satellite,catalog_number,rise_utc,rise_azimuth_deg,culmination_utc,max_elevation_deg,culmination_azimuth_deg,set_utc,set_azimuth_deg,duration_s\n"
        for r in rows {
            let name = r.satellite.contains(",") || r.satellite.contains("\"") ? "\"\(r.satellite.replacingOccurrences(of: "\"", with: "\"\""))\"" : r.satellite
            func opt(_ s: String) -> String { s == "-" ? "" : s }
            out += "\(name),\(r.catalogNumber),\(opt(time(r.pass.rise))),\(opt(fixed(r.pass.riseAzimuthDeg, 4))),\(time(r.pass.culmination)),"
            out += "\(fixed(r.pass.maxElevationDeg, 4)),\(fixed(r.pass.culminationAzimuthDeg, 4)),\(opt(time(r.pass.set))),"
            out += "\(opt(fixed(r.pass.setAzimuthDeg, 4))),\(opt(fixed(r.duration, 3)))\n"
        }
        return out
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// Warnings go to standard error.
enum FileHandleOutput {
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}
