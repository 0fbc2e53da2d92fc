import ArgumentParser
import Foundation
import Orbits
import SimCore

/// `sagin walker`: generate a Walker constellation and write it as TLEs.
struct WalkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walker",
        abstract: "Generate a Walker-delta or Walker-star shell and write it as TLEs.",
        discussion: """
        Either a preset (--preset NAME; the list is under --preset, the values in docs/topology.md) or explicit
        parameters, Walker notation i: T/P/F with T = planes × per-plane. Satellite (plane p, slot s)
        gets RAAN p·spread/P and mean anomaly s·360/S + p·F·360/T. The TLEs (WGS-72 two-body mean
        motion, B* = 0) can be read by sagin passes, SGP4 libraries, Skyfield or STK.
        Example: sagin walker --planes 72 --per-plane 22 --phasing 1 --altitude-km 550 --inclination-deg 53 --output starlink-550.tle
        """
    )

    @Option(help: "Preset shell: \(WalkerShell.presets.map(\.name).joined(separator: ", ")).") var preset: String?
    @Option(help: "Number of orbital planes P.") var planes: Int?
    @Option(help: "Satellites per plane S.") var perPlane: Int?
    @Option(help: "Walker phasing factor F (0 ..< P).") var phasing: Int = 0
    @Option(help: "Altitude above the equatorial radius, km.") var altitudeKm: Double?
    @Option(help: "Inclination, degrees.") var inclinationDeg: Double?
    @Option(help: "delta (nodes over 360°) or star (nodes over 180°).") var pattern: String = "delta"
    @Option(help: "Spread of the ascending nodes, degrees (default 360 for delta, 180 for star).") var raanSpread: Double?
    @Option(help: "Element epoch (ISO 8601 UTC).") var epoch: String = "2024-01-01T00:00:00Z"
    @Option(help: "Catalogue number of the first satellite.") var firstCatalogNumber: Int = 90000
    @Flag(help: "Write two-line entries without name lines.") var twoLine = false
    @Option(help: "Output TLE file (standard output if absent).") var output: String?

    func constellation() throws -> WalkerConstellation {
        let at: UTCInstant
        do { at = try UTCInstant(parsing: epoch) } catch { throw ValidationError("--epoch: \(error)") }
        do {
            if let preset {
                guard let shell = WalkerShell.preset(named: preset) else {
                    throw ValidationError("--preset: unknown shell '\(preset)'; known: \(WalkerShell.presets.map(\.name).joined(separator: ", "))")
                }
                return try shell.constellation(epoch: at, firstCatalogNumber: firstCatalogNumber)
            }
            guard let planes, let perPlane, let altitudeKm, let inclinationDeg else {
                throw ValidationError("give --preset, or all of --planes, --per-plane, --altitude-km and --inclination-deg")
            }
            guard let p = WalkerConstellation.Pattern(rawValue: pattern) else {
                throw ValidationError("--pattern: expected delta or star, found '\(pattern)'")
            }
            return try WalkerConstellation(pattern: p, planes: planes, perPlane: perPlane, phasing: phasing, altitudeKm: altitudeKm,
                                           inclinationDeg: inclinationDeg, raanSpreadDeg: raanSpread, epoch: at,
                                           firstCatalogNumber: firstCatalogNumber)
        } catch let e as WalkerError {
            throw ValidationError("\(e)")
        }
    }

    func validate() throws { _ = try constellation() }

    func run() throws {
        let c = try constellation()
        let text = TLEWriter.text(c.tles(), threeLine: !twoLine)
        if let output {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
            print("wrote \(c.count) satellites (\(c.planes) planes × \(c.perPlane), F = \(c.phasing), \(c.altitudeKm) km, \(c.inclinationDeg)°) to \(output)")
        } else {
            print(text, terminator: "")
        }
    }
}
