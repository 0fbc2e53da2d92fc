import Foundation
import Yams

/// Reads and validates topology files (schema: `docs/topology.md`).
///
/// Loading checks everything before anything runs: YAML syntax, unknown and missing keys, types,
/// ranges, enumeration words, conflicting keys, duplicate names, referenced TLE and CSV files and
/// trajectory limits. The first problem found is thrown as a ``TopologyError`` naming the file,
/// line, column and key path. On success every default is filled in, TLE files are parsed and
/// filtered, and random ground placements are drawn from the scenario seed.
///
/// ```swift
/// do {
///     let topology = try TopologyLoader.load(path: "Topologies/uav-urban.yaml")
///     print(topology.uavs.count)
/// } catch {
///     print(error)   // Topologies/uav-urban.yaml:41:15: uavs[2].trajectory.waypoints[0].lat: expected …
/// }
/// ```
public enum TopologyLoader {
    /// Reads the file at `path` and loads it; relative `tle` and `csv` paths inside it are
    /// resolved against the file's folder.
    public static func load(path: String) throws(TopologyError) -> Topology {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard exists, !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            let why = !exists ? "no such file" : isDirectory.boolValue ? "is a directory, not a topology file" : "cannot be read"
            throw TopologyError(.missingFile, file: path, line: 0, column: 0, keyPath: "", message: why)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TopologyError(.syntax, file: path, line: 0, column: 0, keyPath: "", message: "not UTF-8 text")
        }
        return try load(yaml: text, path: path)
    }

    /// Loads topology text; `path` names the file in errors and anchors relative `tle` and `csv` paths.
    public static func load(yaml: String, path: String) throws(TopologyError) -> Topology {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let e as YamlError {
            throw syntaxError(e, yaml: yaml, file: path)
        } catch {
            throw TopologyError(.syntax, file: path, line: 0, column: 0, keyPath: "", message: "\(error)")
        }
        guard let root else {
            throw TopologyError(.missingKey, file: path, line: 1, column: 1, keyPath: "scenario",
                                message: "the file is empty; expected a map with at least a 'scenario' section")
        }
        var parser = TopologyParser(file: path, directory: TopologyPaths.folder(of: path))
        return try parser.parse(YAMLValue(node: root, path: "", file: path))
    }

    static func syntaxError(_ e: YamlError, yaml: String, file: String) -> TopologyError {
        func located(_ mark: Mark, _ message: String) -> TopologyError {
            TopologyError(.syntax, file: file, line: mark.line, column: mark.column, keyPath: "", message: message)
        }
        func describe(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "YAML syntax: \(problem)" }
            return "YAML syntax: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return located(mark, describe(problem, context))
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return located(context.mark, "YAML syntax: duplicate key \(keys) in one map")
        case let .reader(problem, offset, _, _):
            // Offset in characters from the start of the text.
            var line = 1, column = 1
            if let offset {
                for ch in yaml.prefix(offset) {
                    if ch == "\n" { line += 1; column = 1 } else { column += 1 }
                }
            }
            return TopologyError(.syntax, file: file, line: offset == nil ? 0 : line, column: offset == nil ? 0 : column,
                                 keyPath: "", message: "YAML syntax: \(problem)")
        default:
            return TopologyError(.syntax, file: file, line: 0, column: 0, keyPath: "", message: "YAML syntax: \(e)")
        }
    }
}

/// Lexical path handling for topology files (no file-system access, no current directory).
enum TopologyPaths {
    /// The folder part of a path, "." when there is none.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `relative` resolved against `directory` (absolute paths are kept), with `.` and `x/..`
    /// components removed.
    static func resolve(_ relative: String, against directory: String) -> String {
        if relative.hasPrefix("/") || directory == "." { return normalize(relative) }
        return normalize(directory + "/" + relative)
    }

    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." {
                out.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
