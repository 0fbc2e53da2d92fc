import Foundation
import Orbits
@testable import Scenario
import SimCore

/// Shared helpers for the topology tests: temporary folders and error capture.
enum TopologyTestSupport {
    /// A fresh temporary folder; remove it with `FileManager.default.removeItem(atPath:)`.
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sagin-topology-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The error loading `yaml` throws, or nil when it loads.
    static func loadError(_ yaml: String, path: String = "Topologies/test.yaml") -> TopologyError? {
        do {
            _ = try TopologyLoader.load(yaml: yaml, path: path)
            return nil
        } catch {
            return error
        }
    }

    /// A small Walker shell as three-line TLE text: 2 planes × 4, catalogue numbers 90001…90008,
    /// names WALKER-P00-S00 … WALKER-P01-S03.
    static func walkerTLEText() throws -> String {
        let shell = try WalkerConstellation(planes: 2, perPlane: 4, phasing: 1, altitudeKm: 550, inclinationDeg: 53,
                                            epoch: UTCInstant(year: 2024, month: 5, day: 12), firstCatalogNumber: 90_001)
        return TLEWriter.text(shell.tles(), threeLine: true)
    }

    /// The minimal valid `scenario` section: lines 1–4 of a document.
    static let header = """
    scenario:
      name: t
      epoch: 2024-05-12T00:00:00Z
      duration: 1h

    """
}
