import Foundation
import Orbits
@testable import Scenario
import SimCore
import Testing

@Suite("Walker presets available to topologies")
struct TopologyPresetTests {
    static let epoch = UTCInstant(year: 2024, month: 5, day: 12)

    @Test("every schema preset exists with the constellations.md values")
    func presetValues() throws {
        // (name, pattern, altitude km, inclination deg, planes, per plane, F): constellations.md §2 (StarPerf),
        // §3 (Iridium), and the GEO ring.
        let expected: [(String, WalkerConstellation.Pattern, Double, Double, Int, Int, Int)] = [
            ("starlink-1", .delta, 550, 53, 72, 22, 1), ("starlink-2", .delta, 570, 70, 36, 20, 1),
            ("starlink-3", .star, 560, 97.6, 10, 52, 1), ("starlink-4", .delta, 540, 53.2, 72, 22, 1),
            ("kuiper-1", .delta, 630, 51.9, 34, 34, 0), ("kuiper-2", .delta, 610, 42, 36, 36, 0),
            ("kuiper-3", .delta, 590, 33, 28, 28, 0), ("oneweb-1", .star, 1200, 87.9, 12, 49, 0),
            ("telesat-1", .delta, 1015, 98.98, 27, 13, 0), ("telesat-2", .delta, 1325, 50.88, 40, 33, 0),
            ("iridium", .star, 780, 86.4, 6, 11, 0), ("geo", .delta, 35_786, 0, 1, 3, 0),
        ]
        #expect(WalkerShell.presets.map(\.name) == expected.map(\.0))
        for (name, pattern, h, i, p, s, f) in expected {
            let shell = try #require(WalkerShell.preset(named: name.uppercased()))
            #expect(shell.pattern == pattern && shell.altitudeKm == h && shell.inclinationDeg == i
                    && shell.planes == p && shell.perPlane == s && shell.phasing == f, "\(name)")
            #expect(try shell.constellation(epoch: Self.epoch).count == p * s)
            #expect(WalkerShell.preset(named: name) == shell)
        }
        // Totals from constellations.md §2: Starlink 4408, Kuiper 3236, Telesat 1671.
        func total(_ prefix: String) -> Int { WalkerShell.presets.filter { $0.name.hasPrefix(prefix) }.map(\.count).reduce(0, +) }
        #expect(total("starlink") == 4408 && total("kuiper") == 3236 && total("telesat") == 1671)
    }

    @Test("the geo preset is geosynchronous: two-body period within 0.5 s of a sidereal day (86164.0905 s)")
    func geoPeriod() throws {
        let geo = try WalkerShell.geo.constellation(epoch: Self.epoch)
        #expect(abs(86_400 / geo.meanMotionRevPerDay - 86_164.0905) < 0.5)
        #expect(geo.satellites.map(\.elements.meanAnomalyDeg) == [0, 120, 240])
    }

    @Test("a preset in a topology resolves to its Walker parameters with the pattern's node spread")
    func presetInTopology() throws {
        let yaml = TopologyTestSupport.header + """
        constellations:
          - {name: a, preset: iridium}
          - {name: b, preset: starlink-3, propagator: kepler}

        """
        let t = try TopologyLoader.load(yaml: yaml, path: "p.yaml")
        #expect(t.constellations[0].source == .walker(WalkerParameters(shell: .iridium), propagator: .sgp4))
        guard case let .walker(b, propagator) = t.constellations[1].source else {
            Issue.record("not a Walker source")
            return
        }
        #expect(propagator == .kepler && b.raanSpreadDeg == 180 && b.planes == 10)
        let shell = try b.constellation(epoch: t.scenario.epoch)
        #expect(shell.epoch == t.scenario.epoch && shell.count == 520)
    }
}
