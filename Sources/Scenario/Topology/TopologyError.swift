/// A problem in a topology file, located by file, line, column and key path.
///
/// Its description reads like a compiler diagnostic:
/// `Topologies/uav-urban.yaml:41:15: uavs[2].trajectory.waypoints[0].lat: expected a latitude in [-90, 90] degrees, found 123.4`
public struct TopologyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, so tests and tools can tell them apart without parsing the message.
    public enum Kind: String, Sendable, Hashable {
        case syntax            // not YAML at all
        case unknownKey
        case missingKey
        case wrongType
        case outOfRange
        case invalidValue      // well-typed but not allowed (bad enum word, bad name, bad duration text)
        case conflictingKeys   // e.g. both `walker` and `tle`
        case duplicateName
        case missingFile
        case badFile           // a referenced file exists but cannot be parsed (TLE, CSV)
        case limitViolation    // a trajectory breaks its speed/altitude/turn limits
    }

    public var kind: Kind
    /// The file the line and column refer to: the topology file, or the referenced TLE or CSV file
    /// for problems inside it (`badFile`, and duplicate names read from a CSV file).
    public var file: String
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    /// Key path such as `uavs[2].trajectory.waypoints[0].lat` (empty for the document itself).
    public var keyPath: String
    public var message: String

    public init(_ kind: Kind, file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if column > 0 { s += ":\(column)" }
        s += ": "
        if !keyPath.isEmpty { s += keyPath + ": " }
        return s + message
    }
}
