import Foundation
import Links
import Orbits
import SimCore

/// A channel information map: the LOS probability believed for every (grid cell, sky direction) of an
/// area, as `sagin map` builds it with the GDM zero-shot classifier.
///
/// The grid is `columns × rows` square cells of `cellMeters` in the east-north plane of `origin`
/// (the scene centre), its south-west corner at (`x0`, `y0`) metres; directions are `azimuthBins`
/// equal azimuth sectors (the first centred on north + half a sector) times the elevation bands
/// `elevationEdges` (ascending, degrees). Values are row-major
/// `[(row · columns + column) · directions + elevationBand · azimuthBins + azimuthBin]`; NaN where the
/// map has no value (no street in the cell).
///
/// ```swift
/// let map = try ChannelInformationMap.load(folder: "map/")
/// map.losProbability(east: 120, north: -40, elevationDeg: 35, azimuthDeg: 200)   // 0.93, or nil
/// ```
public struct ChannelInformationMap: Sendable, Equatable, Codable {
    public var originLatitudeDeg: Double
    public var originLongitudeDeg: Double
    public var originAltitudeMeters: Double
    public var x0: Double
    public var y0: Double
    public var cellMeters: Double
    public var columns: Int
    public var rows: Int
    public var azimuthBins: Int
    public var elevationEdges: [Double]
    public var values: [Float]

    public var elevationBands: Int { elevationEdges.count - 1 }
    public var directions: Int { azimuthBins * elevationBands }

    public init(originLatitudeDeg: Double, originLongitudeDeg: Double, originAltitudeMeters: Double, x0: Double, y0: Double,
                cellMeters: Double, columns: Int, rows: Int, azimuthBins: Int, elevationEdges: [Double], values: [Float]) {
        precondition(columns > 0 && rows > 0 && azimuthBins > 0 && elevationEdges.count >= 2 && cellMeters > 0)
        precondition(values.count == columns * rows * azimuthBins * (elevationEdges.count - 1))
        self.originLatitudeDeg = originLatitudeDeg; self.originLongitudeDeg = originLongitudeDeg
        self.originAltitudeMeters = originAltitudeMeters
        self.x0 = x0; self.y0 = y0; self.cellMeters = cellMeters; self.columns = columns; self.rows = rows
        self.azimuthBins = azimuthBins; self.elevationEdges = elevationEdges; self.values = values
    }

    /// Centre of cell (column, row), metres east and north of the origin.
    public func cellCentre(column: Int, row: Int) -> SIMD2<Double> {
        SIMD2(x0 + (Double(column) + 0.5) * cellMeters, y0 + (Double(row) + 0.5) * cellMeters)
    }

    /// Azimuth of the centre of sector `bin`, degrees.
    public func azimuthCentre(_ bin: Int) -> Double { (Double(bin) + 0.5) * 360 / Double(azimuthBins) }

    /// Elevation of the centre of band `band`, degrees.
    public func elevationCentre(_ band: Int) -> Double { (elevationEdges[band] + elevationEdges[band + 1]) / 2 }

    /// Index into ``values`` of a point and direction, or nil outside the grid or the elevation range.
    @inlinable
    public func index(east: Double, north: Double, elevationDeg: Double, azimuthDeg: Double) -> Int? {
        let cx = ((east - x0) / cellMeters).rounded(.down), cy = ((north - y0) / cellMeters).rounded(.down)
        guard cx >= 0, cy >= 0, cx < Double(columns), cy < Double(rows) else { return nil }
        guard elevationDeg >= elevationEdges[0], elevationDeg <= elevationEdges[elevationEdges.count - 1] else { return nil }
        var band = 0
        while band + 1 < elevationEdges.count - 1 && elevationDeg >= elevationEdges[band + 1] { band += 1 }
        var az = azimuthDeg.truncatingRemainder(dividingBy: 360)
        if az < 0 { az += 360 }
        let bin = min(azimuthBins - 1, Int(az * Double(azimuthBins) / 360))
        return ((Int(cy) * columns + Int(cx)) * elevationBands + band) * azimuthBins + bin
    }

    /// The map's LOS probability at a point (metres east and north of the origin) towards a direction,
    /// or nil where the map has no value.
    @inlinable
    public func losProbability(east: Double, north: Double, elevationDeg: Double, azimuthDeg: Double) -> Float? {
        guard let i = index(east: east, north: north, elevationDeg: elevationDeg, azimuthDeg: azimuthDeg) else { return nil }
        let v = values[i]
        return v.isNaN ? nil : v
    }

    /// The map's origin (the scene centre) as an observer; its `enu(ofECEFKm:)` × 1000 gives the
    /// east-north metres the grid is laid out in.
    public var origin: Observer {
        Observer(Geodetic(latitudeDeg: originLatitudeDeg, longitudeDeg: originLongitudeDeg, altitudeMeters: originAltitudeMeters))
    }

    // MARK: Files

    /// File name of the map inside its folder.
    public static let fileName = "map.json"

    /// Writes the map as JSON (values as numbers, NaN as null).
    public func jsonData() throws -> Data {
        var copy = self
        copy.values = []
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(copy)) as! [String: Any]
        object["values"] = values.map { $0.isNaN ? NSNull() : Double($0) as Any }
        object["format"] = "sagin-channel-information-map/1"
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Reads `folder/map.json` (or a JSON file path).
    public static func load(folder: String) throws -> ChannelInformationMap {
        var path = folder
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
            path = (folder as NSString).appendingPathComponent(fileName)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChannelMapFileError(path: path, message: "cannot read the file")
        }
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ChannelMapFileError(path: path, message: "not a JSON object")
        }
        guard object["format"] as? String == "sagin-channel-information-map/1" else {
            throw ChannelMapFileError(path: path, message: "format: expected 'sagin-channel-information-map/1', found \(object["format"].map { "\($0)" } ?? "nothing")")
        }
        guard let raw = object["values"] as? [Any] else { throw ChannelMapFileError(path: path, message: "values: missing") }
        let values: [Float] = try raw.enumerated().map { i, v in
            if v is NSNull { return .nan }
            guard let d = v as? Double else { throw ChannelMapFileError(path: path, message: "values[\(i)]: expected a number or null") }
            return Float(d)
        }
        object["values"] = [Double]()
        object["format"] = nil
        var map: ChannelInformationMap
        do {
            map = try JSONDecoder().decode(ChannelInformationMap.self, from: JSONSerialization.data(withJSONObject: object))
        } catch {
            throw ChannelMapFileError(path: path, message: "\(error)")
        }
        guard map.columns > 0, map.rows > 0, map.azimuthBins > 0, map.elevationEdges.count >= 2, map.cellMeters > 0,
              zip(map.elevationEdges, map.elevationEdges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ChannelMapFileError(path: path, message: "grid: columns, rows, azimuthBins and cellMeters must be positive and elevationEdges increasing")
        }
        guard values.count == map.columns * map.rows * map.azimuthBins * (map.elevationEdges.count - 1) else {
            throw ChannelMapFileError(path: path, message: "values: expected \(map.columns * map.rows * map.directions) numbers, found \(values.count)")
        }
        map.values = values
        return map
    }
}

/// A channel map file could not be read.
public struct ChannelMapFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// The `gdm` provider: the channel information map's LOS probability for the link's receiver cell
/// and sky direction, composed with TR 38.811 (satellites, HAPs) or Al-Hourani (UAVs) like the
/// empirical provider: clutter (or excess) loss = P·(LOS value) + (1 − P)·(NLOS value), `isLOS`
/// = P ≥ 0.5. Where the map has no value the `fallback` answers (e.g. the zero-shot classifier on a
/// measurement); without one, the empirical elevation-only probability.
public struct GDMChannelProvider: ChannelProvider {
    public static let providerName = "gdm"
    public var name: String { Self.providerName }
    public let map: ChannelInformationMap
    public let fallback: (@Sendable (LinkGeometry) -> Double?)?
    /// The map origin's local frame, built once (every lookup rotates the receiver into it).
    private let origin: Observer

    public init(map: ChannelInformationMap, fallback: (@Sendable (LinkGeometry) -> Double?)? = nil) {
        self.map = map
        self.fallback = fallback
        origin = map.origin
    }

    /// The believed LOS probability and where it came from.
    public func losProbability(_ geometry: LinkGeometry) -> (probability: Double, source: Source) {
        let p = origin.enu(ofECEFKm: geometry.lowerECEFKm) * 1000
        if let v = map.losProbability(east: p.x, north: p.y, elevationDeg: geometry.elevationDeg, azimuthDeg: geometry.azimuthDeg) {
            return (Double(v), .map)
        }
        if let v = fallback?(geometry) { return (v, .fallback) }
        return (EmpiricalChannelProvider.losProbability(upperKind: geometry.upperKind, environment: geometry.environment,
                                                       elevationDeg: geometry.elevationDeg), .empirical)
    }

    public enum Source: String, Sendable { case map, fallback, empirical }

    public func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        let p = losProbability(geometry).probability
        let los = EmpiricalChannelProvider.state(geometry, condition: .los)
        let nlos = EmpiricalChannelProvider.state(geometry, condition: .nlos)
        var state = los
        state.clutterLossDb = p * los.clutterLossDb + (1 - p) * nlos.clutterLossDb
        state.losProbability = p
        state.isLOS = p >= 0.5
        return state
    }
}
