import SimCore
import Yams

/// A YAML node together with where it sits: its key path and its line and column in the file.
///
/// Every typed read (`number()`, `duration()`, `word(_:)` …) either returns a value or throws a
/// ``TopologyError`` located at this node, so the loader never has to build a location by hand.
/// Scalars are classified by their text and quoting, not by Yams' tag resolution, so `"20"`
/// (quoted) is a string and `yes` is not a bool: a value means exactly what it looks like.
struct YAMLValue {
    let node: Node
    /// Key path such as `uavs[2].trajectory.waypoints[0].lat` ("" for the document).
    let path: String
    /// The topology file, as given to the loader.
    let file: String

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    func error(_ kind: TopologyError.Kind, _ message: String) -> TopologyError {
        TopologyError(kind, file: file, line: line, column: column, keyPath: path, message: message)
    }

    func child(_ key: String, _ node: Node) -> YAMLValue {
        YAMLValue(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    func element(_ index: Int, _ node: Node) -> YAMLValue {
        YAMLValue(node: node, path: "\(path)[\(index)]", file: file)
    }

    // MARK: Describing what was found

    private var scalar: Node.Scalar? {
        if case let .scalar(s) = node { return s }
        return nil
    }

    /// Written without quotes (plain style).
    var isPlain: Bool {
        guard let s = scalar else { return false }
        return s.style == .plain || s.style == .any
    }

    var isNull: Bool {
        guard let s = scalar, isPlain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// The scalar's text as written (without quotes), or nil for maps and lists.
    var text: String? { scalar?.string }

    /// What the node holds, for the "found …" part of a message.
    var found: String {
        switch node {
        case let .scalar(s):
            if isNull { return "nothing" }
            return isPlain ? "'\(s.string)'" : "the quoted string \"\(s.string)\""
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func wrongType(_ expected: String) -> TopologyError {
        error(.wrongType, "expected \(expected), found \(found)")
    }

    // MARK: Structure

    func map() throws(TopologyError) -> YAMLMap {
        guard case let .mapping(m) = node else { throw wrongType("a map") }
        var entries: [YAMLMap.Entry] = []
        entries.reserveCapacity(m.count)
        for (k, v) in m {
            let key = YAMLValue(node: k, path: path, file: file)
            guard case let .scalar(s) = k, !key.isNull else { throw key.wrongType("a key name") }
            entries.append(YAMLMap.Entry(key: s.string, keyNode: k, value: v))
        }
        return YAMLMap(value: self, entries: entries)
    }

    func list() throws(TopologyError) -> [YAMLValue] {
        guard case let .sequence(s) = node else { throw wrongType("a list") }
        return s.enumerated().map { element($0.offset, $0.element) }
    }

    // MARK: Scalars

    func string() throws(TopologyError) -> String {
        guard let s = scalar, !isNull else { throw wrongType("a string") }
        return s.string
    }

    /// A finite decimal number (`20`, `-7.5`, `2.4e9`); quoted numbers are strings.
    func number() throws(TopologyError) -> Double {
        guard let s = scalar, isPlain, Self.isDecimal(s.string), let v = Double(s.string), v.isFinite else {
            throw wrongType("a number")
        }
        return v
    }

    /// A whole number written without a fraction or exponent.
    func integer() throws(TopologyError) -> Int {
        guard let s = scalar, isPlain, Self.isInteger(s.string) else { throw wrongType("an integer") }
        guard let v = Int(s.string) else { throw error(.outOfRange, "expected an integer of at most 18 digits, found \(found)") }
        return v
    }

    func bool() throws(TopologyError) -> Bool {
        guard let s = scalar, isPlain else { throw wrongType("true or false") }
        switch s.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw wrongType("true or false")
        }
    }

    /// A duration: `500ms`, `1s`, `10min`, `6h`, `1d`, `1h30min`, or a bare number of seconds.
    func duration() throws(TopologyError) -> SimTime {
        guard let s = scalar, !isNull else { throw wrongType("a duration such as 30s, 10min or 6h") }
        let text = s.string
        if isPlain, Self.isDecimal(text) {
            // A bare number is seconds; reuse the exact decimal parser when there is no exponent.
            if !text.contains(where: { $0 == "e" || $0 == "E" }), let t = try? SimTime(parsing: text + "s") { return t }
            if let v = Double(text), v.isFinite, abs(v) < 9.2e9 { return SimTime(seconds: v) }
            throw error(.outOfRange, "expected a duration within about ±292 years, found \(found)")
        }
        do {
            return try SimTime(parsing: text)
        } catch let e as SimTimeParseError {
            throw error(.invalidValue, "expected a duration such as 500ms, 30s, 10min, 6h or 1d, found '\(text)' (\(e.reason))")
        } catch {
            throw self.error(.invalidValue, "expected a duration such as 500ms, 30s, 10min, 6h or 1d, found '\(text)'")
        }
    }

    /// An ISO 8601 UTC instant such as `2024-05-12T00:00:00Z`.
    func instant() throws(TopologyError) -> UTCInstant {
        let text = try string()
        do {
            return try UTCInstant(parsing: text)
        } catch let e as SimTimeParseError {
            throw error(.invalidValue, "expected an ISO 8601 UTC instant such as 2024-05-12T00:00:00Z, found '\(text)' (\(e.reason))")
        } catch {
            throw self.error(.invalidValue, "expected an ISO 8601 UTC instant such as 2024-05-12T00:00:00Z, found '\(text)'")
        }
    }

    /// The number times 10^power, rounded once: `2.4` GHz becomes exactly the double nearest 2.4e9.
    func number(timesTenToThe power: Int) throws(TopologyError) -> Double {
        let v = try number()
        if let t = text, !t.contains(where: { $0 == "e" || $0 == "E" }), let scaled = Double(t + "e\(power)") { return scaled }
        var scale = 1.0
        for _ in 0 ..< abs(power) { scale *= 10 }
        return power >= 0 ? v * scale : v / scale
    }

    /// One of an enumeration's words; an unknown word lists the allowed ones.
    func word<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws(TopologyError) -> E where E.RawValue == String {
        let w = try word(type.allCases.map(\.rawValue))
        guard let e = E(rawValue: w) else { throw wrongType("a word") }  // unreachable: w is one of the raw values
        return e
    }

    /// One of `allowed`; an unknown word lists them and suggests the closest.
    func word(_ allowed: [String]) throws(TopologyError) -> String {
        let w = try string()
        guard allowed.contains(w) else {
            let hint = EditDistance.closest(to: w, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw error(.invalidValue, "expected one of \(allowed.joined(separator: ", ")), found '\(w)'\(hint)")
        }
        return w
    }

    // MARK: Ranges

    /// Throws `outOfRange` with "expected <expected>, found <text>" unless `ok`.
    func require(_ ok: Bool, _ expected: String) throws(TopologyError) {
        if !ok { throw error(.outOfRange, "expected \(expected), found \(text ?? found)") }
    }

    func number(in range: ClosedRange<Double>, _ expected: String) throws(TopologyError) -> Double {
        let v = try number()
        try require(range.contains(v), expected)
        return v
    }

    func positiveNumber(_ expected: String) throws(TopologyError) -> Double {
        let v = try number()
        try require(v > 0, expected)
        return v
    }

    func nonNegativeNumber(_ expected: String) throws(TopologyError) -> Double {
        let v = try number()
        try require(v >= 0, expected)
        return v
    }

    func latitude() throws(TopologyError) -> Double { try number(in: -90 ... 90, "a latitude in [-90, 90] degrees") }
    func longitude() throws(TopologyError) -> Double { try number(in: -180 ... 180, "a longitude in [-180, 180] degrees") }

    // MARK: Lexical classes

    /// `[-+]digits[.digits][e[-+]digits]` or `[-+].digits[…]`.
    static func isDecimal(_ s: String) -> Bool {
        var chars = Substring(s)
        if let f = chars.first, f == "-" || f == "+" { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex { $0 == "e" || $0 == "E" } ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.contains(where: { !$0.isEmpty }),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        if mantissaEnd == chars.endIndex { return true }
        var exponent = chars[chars.index(after: mantissaEnd)...]
        if let f = exponent.first, f == "-" || f == "+" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isInteger(_ s: String) -> Bool {
        var chars = Substring(s)
        if let f = chars.first, f == "-" || f == "+" { chars = chars.dropFirst() }
        return !chars.isEmpty && chars.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// A YAML map read through ``YAMLValue``: keys in file order, typed lookups with key paths.
struct YAMLMap {
    struct Entry {
        let key: String
        let keyNode: Node
        let value: Node
    }

    let value: YAMLValue
    let entries: [Entry]

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// The value under `key`, located at its own key path.
    subscript(key: String) -> YAMLValue? {
        entries.first { $0.key == key }.map { value.child(key, $0.value) }
    }

    /// The key itself (for errors about the key rather than its value), located at the key.
    func keyLocation(_ key: String) -> YAMLValue {
        let node = entries.first { $0.key == key }?.keyNode ?? value.node
        return YAMLValue(node: node, path: value.child(key, node).path, file: value.file)
    }

    /// The value under `key`, or a `missingKey` error at this map's position.
    func required(_ key: String, _ expected: String) throws(TopologyError) -> YAMLValue {
        guard let v = self[key] else { throw missing(key, expected) }
        return v
    }

    func missing(_ key: String, _ expected: String) -> TopologyError {
        TopologyError(.missingKey, file: value.file, line: value.line, column: value.column,
                      keyPath: value.child(key, value.node).path,
                      message: "missing required key '\(key)' (\(expected))")
    }

    /// Rejects any key outside `allowed`, naming the allowed keys and the closest one.
    func checkKeys(_ allowed: [String], context: String = "") throws(TopologyError) {
        for e in entries where !allowed.contains(e.key) {
            let hint = EditDistance.closest(to: e.key, among: allowed).map { "did you mean '\($0)'? " } ?? ""
            let list = allowed.isEmpty ? "none" : allowed.joined(separator: ", ")
            throw keyLocation(e.key).error(.unknownKey, "unknown key '\(e.key)'\(context); \(hint)allowed keys: \(list)")
        }
    }

    /// The value under `key` if present, read by `read`.
    func optional<T>(_ key: String, _ read: (YAMLValue) throws(TopologyError) -> T) throws(TopologyError) -> T? {
        guard let v = self[key] else { return nil }
        return try read(v)
    }
}
