import Foundation

/// A numeric table with a 0/1 label column, read from a CSV file with a header row (what
/// `sagin dataset` writes, or any labelled CSV).
///
/// Feature columns are the ones named, or every column except the label whose values are all
/// numbers. Labels may be written 0/1, true/false or los/nlos (case-insensitive). Every problem is a
/// ``LabelledTableError`` naming the file, line and column.
///
/// ```swift
/// let train = try LabelledTable.load(path: "train.csv", label: "los", features: nil)
/// train.featureNames      // ["rx_power_dbw", "snr_db", …]
/// ```
public struct LabelledTable: Sendable {
    public var featureNames: [String]
    /// Row-major features, `rows × featureNames.count`.
    public var features: [Float]
    public var labels: [Int]
    public var rows: Int { labels.count }

    /// Reads `path`. `features` nil: every column other than `label` and the `excluding` names whose
    /// every value is a number.
    public static func load(path: String, label: String, features wanted: [String]?,
                            excluding: Set<String> = []) throws -> LabelledTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabelledTableError(file: path, line: 0, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LabelledTableError(file: path, line: 0, message: "not UTF-8 text")
        }
        return try parse(text, file: path, label: label, features: wanted, excluding: excluding)
    }

    public static func parse(_ text: String, file: String, label: String, features wanted: [String]?,
                             excluding: Set<String> = []) throws -> LabelledTable {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else { throw LabelledTableError(file: file, line: 1, message: "empty file: expected a header row") }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let labelIndex = header.firstIndex(of: label) else {
            throw LabelledTableError(file: file, line: 1, message: "no label column '\(label)'; columns: \(header.joined(separator: ", "))")
        }
        let cells: [[Substring]] = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        for (k, row) in cells.enumerated() where row.count != header.count {
            throw LabelledTableError(file: file, line: k + 2, message: "\(row.count) fields, the header has \(header.count)")
        }
        guard !cells.isEmpty else { throw LabelledTableError(file: file, line: 2, message: "no data rows") }
        let columns: [Int]
        if let wanted {
            columns = try wanted.map { name in
                guard let i = header.firstIndex(of: name) else {
                    throw LabelledTableError(file: file, line: 1, message: "no feature column '\(name)'; columns: \(header.joined(separator: ", "))")
                }
                guard i != labelIndex else { throw LabelledTableError(file: file, line: 1, message: "'\(name)' is the label, not a feature") }
                return i
            }
        } else {
            columns = header.indices.filter { i in
                i != labelIndex && !excluding.contains(header[i]) && cells.allSatisfy { Float($0[i]) != nil }
            }
            guard !columns.isEmpty else { throw LabelledTableError(file: file, line: 1, message: "no all-numeric feature column") }
        }
        var features = [Float](), labels = [Int]()
        features.reserveCapacity(cells.count * columns.count)
        for (k, row) in cells.enumerated() {
            for i in columns {
                guard let v = Float(row[i]), v.isFinite else {
                    throw LabelledTableError(file: file, line: k + 2, message: "\(header[i]): expected a finite number, found '\(row[i])'")
                }
                features.append(v)
            }
            switch row[labelIndex].trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "los", "1.0": labels.append(1)
            case "0", "false", "nlos", "0.0": labels.append(0)
            case let other:
                throw LabelledTableError(file: file, line: k + 2, message: "\(label): expected 0/1, true/false or los/nlos, found '\(other)'")
            }
        }
        return LabelledTable(featureNames: columns.map { header[$0] }, features: features, labels: labels)
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> ArraySlice<Float> {
        features[i * featureNames.count ..< (i + 1) * featureNames.count]
    }
}

/// A labelled CSV could not be read: `file:line: message`.
public struct LabelledTableError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}
