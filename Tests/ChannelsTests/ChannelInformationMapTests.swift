import Channels
import Foundation
import Links
import Orbits
import SimCore
import Testing

@Suite("Channel information map and the gdm provider")
struct ChannelInformationMapTests {
    /// 3 × 2 cells of 10 m from (−15, −10); 4 azimuth sectors × 2 elevation bands (20–50°, 50–90°);
    /// value = slot index / 100, slot 5 NaN.
    static func map() -> ChannelInformationMap {
        var values = (0 ..< 48).map { Float($0) / 100 }
        values[5] = .nan
        return ChannelInformationMap(originLatitudeDeg: 48.85, originLongitudeDeg: 2.35, originAltitudeMeters: 0,
                                     x0: -15, y0: -10, cellMeters: 10, columns: 3, rows: 2, azimuthBins: 4,
                                     elevationEdges: [20, 50, 90], values: values)
    }

    @Test("lookups land in the right cell, band and sector; outside the grid or the bands there is no value")
    func lookups() {
        let m = Self.map()
        // Cell (0, 0), band 0, sector 0 (azimuth 0–90°).
        #expect(m.index(east: -14, north: -9, elevationDeg: 30, azimuthDeg: 10) == 0)
        // Cell (2, 1) = cell index 5, band 1, sector 3 (270–360°): ((5·2)+1)·4+3 = 47.
        #expect(m.index(east: 14.9, north: 9.9, elevationDeg: 60, azimuthDeg: 359.9) == 47)
        // Azimuth wraps: −10° is sector 3, 370° sector 0.
        #expect(m.index(east: -14, north: -9, elevationDeg: 30, azimuthDeg: -10) == 3)
        #expect(m.index(east: -14, north: -9, elevationDeg: 30, azimuthDeg: 370) == 0)
        // The band edge 50° belongs to the upper band; 90° is inside.
        #expect(m.index(east: -14, north: -9, elevationDeg: 50, azimuthDeg: 0) == 4)
        #expect(m.index(east: -14, north: -9, elevationDeg: 90, azimuthDeg: 0) == 4)
        #expect(m.index(east: -16, north: 0, elevationDeg: 30, azimuthDeg: 0) == nil)
        #expect(m.index(east: 0, north: 10, elevationDeg: 30, azimuthDeg: 0) == nil)
        #expect(m.index(east: 0, north: 0, elevationDeg: 19.9, azimuthDeg: 0) == nil)
        #expect(m.losProbability(east: -14, north: -9, elevationDeg: 60, azimuthDeg: 100) == nil)   // slot 5 is NaN
        #expect(m.losProbability(east: -14, north: -9, elevationDeg: 60, azimuthDeg: 200) == 0.06)
        #expect(m.elevationCentre(0) == 35 && m.azimuthCentre(1) == 135)
    }

    @Test("map.json round trip (NaN as null); a malformed file names the problem")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = Self.map()
        try m.jsonData().write(to: dir.appendingPathComponent("map.json"))
        let back = try ChannelInformationMap.load(folder: dir.path)
        #expect(back.values[5].isNaN)
        var a = back, b = m
        a.values[5] = 0; b.values[5] = 0
        #expect(a == b)
        let bad = dir.appendingPathComponent("bad.json")
        try Data(#"{"format":"sagin-channel-information-map/1","values":[1]}"#.utf8).write(to: bad)
        #expect(throws: ChannelMapFileError.self) { try ChannelInformationMap.load(folder: bad.path) }
        do {
            _ = try ChannelInformationMap.load(folder: dir.appendingPathComponent("missing").path)
            Issue.record("a missing file must throw")
        } catch let e as ChannelMapFileError {
            #expect(e.description.contains("cannot read"))
        }
    }

    @Test("the gdm provider composes the map's probability with TR 38.811 and falls back where the map is silent")
    func provider() throws {
        let m = Self.map()
        let origin = Geodetic(latitudeDeg: m.originLatitudeDeg, longitudeDeg: m.originLongitudeDeg)
        // A receiver at the origin (cell (1, 1)) and a satellite at elevation 30°, azimuth 100° (sector 1, band 0).
        let lower = origin.ecefKm
        let east = m.origin.enu(ofECEFKm: lower)
        #expect(abs(east.x) < 1e-6 && abs(east.y) < 1e-6 && abs(east.z) < 1e-6)
        let geometry = LinkGeometry(upperECEFKm: lower + SIMD3(500, 0, 0), lowerECEFKm: lower, elevationDeg: 30,
                                    azimuthDeg: 100, slantRangeMeters: 1_000_000, frequencyHz: 2e9,
                                    environment: .urban, upperKind: .satellite, upperAltitudeMeters: 550_000,
                                    lowerAltitudeMeters: 0)
        let slot = ((1 * 3 + 1) * 2 + 0) * 4 + 1      // 33
        let p = Double(m.values[slot])
        let provider = GDMChannelProvider(map: m)
        #expect(provider.losProbability(geometry).source == .map)
        let state = provider.estimate(geometry, at: .zero)
        let nlos = EmpiricalChannelProvider.state(geometry, condition: .nlos)
        #expect(abs(state.losProbability - p) < 1e-12)
        #expect(abs(state.clutterLossDb - (1 - p) * nlos.clutterLossDb) < 1e-9)
        #expect(state.freeSpaceLossDb == nlos.freeSpaceLossDb)
        #expect(state.isLOS == false)          // p = 0.33
        // Outside the map: the fallback, else the empirical elevation-only probability.
        var far = geometry
        far.lowerECEFKm = Geodetic(latitudeDeg: 49, longitudeDeg: 2.35).ecefKm
        let withFallback = GDMChannelProvider(map: m, fallback: { _ in 0.9 })
        #expect(withFallback.losProbability(far).probability == 0.9 && withFallback.estimate(far, at: .zero).isLOS == true)
        let plain = provider.losProbability(far)
        #expect(plain.source == .empirical)
        #expect(plain.probability == TR38811.losProbability(environment: .urban, elevationDeg: 30))
        #expect(throws: ChannelProviderError.missingModel(name: "gdm", expected: "a channel map folder written by `sagin map`")) {
            try ChannelProviders.make(named: "gdm")
        }
    }
}
