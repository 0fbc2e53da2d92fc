import Foundation
import Testing
@testable import Orbits
import SimCore


@Suite("Walker constellations")
struct WalkerTests {
    static let epoch = UTCInstant(year: 2025, month: 1, day: 23, hour: 18, minute: 50, second: 49)

    /// Angle difference reduced to (−180, 180].
    static func wrap(_ d: Double) -> Double { d - 360 * (d / 360).rounded() }

    @Test("i:T/P/F phasing — count, node spacing, slot spacing, inter-plane offset F·360/T",
          arguments: [(Pattern.delta, 6, 4, 1), (.delta, 72, 22, 1), (.delta, 5, 3, 4), (.star, 12, 49, 0), (.star, 6, 11, 2)])
    func geometry(pattern: Pattern, planes: Int, perPlane: Int, phasing: Int) throws {
        let w = try WalkerConstellation(pattern: pattern, planes: planes, perPlane: perPlane, phasing: phasing, altitudeKm: 800,
                                        inclinationDeg: 60, epoch: Self.epoch, firstCatalogNumber: 70_000)
        let total = planes * perPlane
        let sats = w.satellites
        #expect(sats.count == total && w.count == total)
        let spread = pattern == .delta ? 360.0 : 180.0
        #expect(w.raanSpreadDeg == spread)
        for (index, sat) in sats.enumerated() {
            #expect(sat.plane == index / perPlane && sat.slot == index % perPlane)
            #expect(sat.catalogNumber == 70_000 + index)
            #expect(abs(Self.wrap(sat.elements.raanDeg - Double(sat.plane) * spread / Double(planes))) < 1e-9)
            let expectedM = Double(sat.slot) * 360 / Double(perPlane) + Double(sat.plane * phasing) * 360 / Double(total)
            #expect(abs(Self.wrap(sat.elements.meanAnomalyDeg - expectedM)) < 1e-9)
            // Neighbour in the same plane: 360/S ahead. Same slot in the next plane: F·360/T ahead.
            if sat.slot + 1 < perPlane {
                let next = sats[index + 1]
                #expect(abs(Self.wrap(next.elements.meanAnomalyDeg - sat.elements.meanAnomalyDeg - 360 / Double(perPlane))) < 1e-9)
                #expect(next.elements.raanDeg == sat.elements.raanDeg)
            }
            if sat.plane + 1 < planes {
                let next = sats[index + perPlane]
                #expect(abs(Self.wrap(next.elements.meanAnomalyDeg - sat.elements.meanAnomalyDeg
                    - Double(phasing) * 360 / Double(total))) < 1e-9)
                #expect(abs(Self.wrap(next.elements.raanDeg - sat.elements.raanDeg - spread / Double(planes))) < 1e-9)
            }
        }
        #expect(abs(w.phaseOffsetDeg - Double(phasing) * 360 / Double(total)) < 1e-12)
        // All satellites distinct.
        #expect(Set(sats.map { [$0.elements.raanDeg, $0.elements.meanAnomalyDeg] }).count == total)
    }

    typealias Pattern = WalkerConstellation.Pattern

    @Test("Walker 24:6/1 hand-checked elements (slot 1 of plane 1: RAAN 60°, M = 60° + 15°)")
    func handChecked() throws {
        // Textbook example i:T/P/F = 24/6/1: S = 4, slots 90° apart, plane offset 1·360/24 = 15°.
        let w = try WalkerConstellation(planes: 6, perPlane: 4, phasing: 1, altitudeKm: 1_000, inclinationDeg: 55, epoch: Self.epoch)
        let s = w.satellites[5]  // plane 1, slot 1
        #expect(s.plane == 1 && s.slot == 1)
        #expect(abs(s.elements.raanDeg - 60) < 1e-12)
        #expect(abs(s.elements.meanAnomalyDeg - 105) < 1e-12)
        let last = w.satellites[23]  // plane 5, slot 3: 270 + 75 = 345
        #expect(abs(last.elements.raanDeg - 300) < 1e-12 && abs(last.elements.meanAnomalyDeg - 345) < 1e-12)
    }

    @Test("every satellite starts at radius Re + h, Kepler and J2 alike")
    func radius() throws {
        let w = try WalkerConstellation(planes: 8, perPlane: 9, phasing: 3, altitudeKm: 550, inclinationDeg: 53, epoch: Self.epoch)
        for kind in WalkerConstellation.PropagatorKind.allCases {
            let props = try w.propagators(kind: kind)
            #expect(props.count == 72)
            for p in props {
                #expect(p.epoch == Self.epoch)
                let s = try p.state(minutesSinceEpoch: 0)
                let r = (s.position * s.position).sum().squareRoot()
                #expect(abs(r - (6_378.135 + 550)) < 1e-6)
                // Circular orbits stay at that radius.
                let later = try p.state(minutesSinceEpoch: 1_234.5).position
                #expect(abs((later * later).sum().squareRoot() - (6_378.135 + 550)) < 1e-6)
            }
        }
    }

    @Test("TLEs: names, catalogue numbers, epoch fields, two-body mean motion, valid 69-column lines")
    func tles() throws {
        let w = try WalkerConstellation(planes: 12, perPlane: 10, phasing: 5, altitudeKm: 1_200, inclinationDeg: 87.9,
                                        epoch: Self.epoch, firstCatalogNumber: 99_990)
        let tles = w.tles()
        #expect(tles.count == 120)
        #expect(tles[0].name == "WALKER-P00-S00")
        #expect(tles[37].name == "WALKER-P03-S07")
        #expect(tles[37].catalogNumber == 99_990 + 37)
        // Epoch 2025-01-23 18:50:49 = day 23 + (18·3600 + 50·60 + 49) / 86400.
        #expect(tles[0].epochYear == 2025)
        #expect(abs(tles[0].epochDayOfYear - (23 + 67_849.0 / 86_400)) < 1e-12)
        #expect(abs(Double((tles[0].epoch - Self.epoch).nanoseconds)) < 1_000)
        // Two-body mean motion: period 2π sqrt(a³/mu) = 86400 / n.
        let a = 6_378.135 + 1_200
        let period = 2 * Double.pi * (a * a * a / 398_600.8).squareRoot()
        #expect(abs(86_400 / tles[0].meanMotionRevPerDay - period) < 1e-8)
        for tle in tles {
            #expect(tle.bstar == 0 && tle.meanMotionDot == 0 && tle.eccentricity == 0)
            let (l1, l2) = TLEWriter.lines(tle)
            #expect(l1.count == 69 && l2.count == 69)
        }
        // Catalogue numbers past 99999 are written in Alpha-5.
        #expect(TLEWriter.lines(tles[119]).0.hasPrefix("1 A0109U"))
        let text = TLEWriter.text(tles, threeLine: true)
        #expect(text.split(separator: "\n").count == 360)
    }

    @Test("SGP4 flies the generated TLEs at about the requested altitude (orbit-mean radius within 3 km)")
    func sgp4ReproducesAltitude() throws {
        // Two-body mean motion read by SGP4 as a Kozai mean motion: the mean radius shifts by order J2·a.
        for shell in WalkerShell.published {
            let c = try shell.constellation(epoch: Self.epoch)
            let tle = c.tles()[c.count / 2]
            let sgp4 = try SGP4Propagator(tle: tle)
            let periodMinutes = 1_440 / tle.meanMotionRevPerDay
            var sum = 0.0
            for k in 0 ..< 360 {
                let p = try sgp4.state(minutesSinceEpoch: periodMinutes * Double(k) / 360).position
                sum += (p * p).sum().squareRoot()
            }
            let meanAltitude = sum / 360 - 6_378.135
            #expect(abs(meanAltitude - shell.altitudeKm) < 3, "\(shell.name): SGP4 mean altitude \(meanAltitude) km")
        }
    }

    @Test("star pattern nodes span 180°, explicit spread overrides the default")
    func spread() throws {
        let star = try WalkerConstellation(pattern: .star, planes: 6, perPlane: 11, phasing: 0, altitudeKm: 780,
                                           inclinationDeg: 86.4, epoch: Self.epoch)
        let last = try #require(star.satellites.last)
        #expect(last.plane == 5 && abs(last.elements.raanDeg - 150) < 1e-12)
        let custom = try WalkerConstellation(planes: 27, perPlane: 13, phasing: 0, altitudeKm: 1_015, inclinationDeg: 98.98,
                                             raanSpreadDeg: 180, epoch: Self.epoch)
        #expect(abs(custom.raanSpacingDeg - 180.0 / 27) < 1e-12)
    }

    @Test("invalid parameters throw typed WalkerErrors")
    func validation() {
        func make(p: Int = 3, s: Int = 3, f: Int = 0, h: Double = 500, i: Double = 50, first: Int = 1)
            throws(WalkerError) -> WalkerConstellation {
            try WalkerConstellation(planes: p, perPlane: s, phasing: f, altitudeKm: h, inclinationDeg: i, epoch: Self.epoch,
                                    firstCatalogNumber: first)
        }
        #expect(throws: WalkerError.invalidPlaneCount(0)) { try make(p: 0) }
        #expect(throws: WalkerError.invalidSatellitesPerPlane(0)) { try make(s: 0) }
        #expect(throws: WalkerError.invalidPhasing(3, planes: 3)) { try make(f: 3) }
        #expect(throws: WalkerError.invalidPhasing(-1, planes: 3)) { try make(f: -1) }
        #expect(throws: WalkerError.invalidAltitude(0)) { try make(h: 0) }
        #expect(throws: WalkerError.invalidInclination(180.5)) { try make(i: 180.5) }
        #expect(throws: WalkerError.invalidInclination(-1)) { try make(i: -1) }
        #expect(throws: WalkerError.catalogNumbersOutOfRange(first: 339_995, count: 9)) { try make(first: 339_995) }
        #expect(throws: Never.self) { try make(p: 1, s: 1, f: 0, i: 180) }
    }

    @Test("published presets match constellations.md §2 (altitude, inclination, P × S, count, 2-body period)")
    func presets() throws {
        let expected: [(WalkerShell, Double, Double, Int, Int, Int)] = [
            (.starlinkShell1, 550, 53.0, 72, 22, 1584), (.kuiperShell1, 630, 51.9, 34, 34, 1156),
            (.onewebShell1, 1200, 87.9, 12, 49, 588), (.telesatShell1, 1015, 98.98, 27, 13, 351),
        ]
        for (shell, h, i, p, s, n) in expected {
            #expect(shell.altitudeKm == h && shell.inclinationDeg == i && shell.planes == p && shell.perPlane == s)
            let c = try WalkerConstellation.published(shell, epoch: Self.epoch)
            #expect(c.count == n && c.satellites.count == n)
        }
        #expect(WalkerShell.onewebShell1.pattern == .star)
        #expect(try WalkerShell.onewebShell1.constellation(epoch: Self.epoch).raanSpreadDeg == 180)
        #expect(WalkerShell.preset(named: "Kuiper-1") == .kuiperShell1)

        // Cross-check against the document itself when it is present.
        guard let dir = sharedReference("orbital") else { return }
        let path = "\(dir)/constellations.md"
        let doc = try String(contentsOfFile: path, encoding: .utf8)
        let section = doc.components(separatedBy: "## 2.").dropFirst().first?.components(separatedBy: "## 3.").first ?? ""
        // | Starlink | 1 | 550 | 53.0 | 72 x 22 | 1584 | 5731 | 5739 | 1 |
        var rows: [String: [String]] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 9, cells[1] == "1" else { continue }
            rows[cells[0].lowercased() + "-1"] = cells
        }
        for shell in WalkerShell.published {
            let row = try #require(rows[shell.name], "no row for \(shell.name) in constellations.md §2")
            #expect(Double(row[2]) == shell.altitudeKm)
            #expect(Double(row[3]) == shell.inclinationDeg)
            #expect(row[4] == "\(shell.planes) x \(shell.perPlane)")
            #expect(Int(row[5]) == shell.count)
            #expect(Int(row[8]) == shell.phasing)
            // The doc's two-body period (mu 398600.4418, Re 6378.137) vs ours (WGS-72): within 1 s.
            let c = try shell.constellation(epoch: Self.epoch)
            let period = 86_400 / c.meanMotionRevPerDay
            let docPeriod = try #require(Double(row[7]))
            #expect(abs(period - docPeriod) < 1, "\(shell.name): \(period) s vs \(docPeriod) s")
        }
    }
}
