/// A small CSV reader for ground-node files: a header row, comma-separated fields, optional double
/// quotes (`""` inside quotes is a quote; a quoted field cannot span lines), LF or CRLF line ends,
/// blank lines skipped, a leading UTF-8 byte-order mark ignored.
struct CSVTable {
    struct Row {
        /// 1-based line in the file.
        let line: Int
        let fields: [String]
        /// 1-based character column where each field starts.
        let columns: [Int]
    }

    /// Why a line could not be read: 1-based line and column, and what went wrong.
    struct Problem: Error {
        let line: Int
        let column: Int
        let message: String
    }

    let header: Row
    let rows: [Row]

    init(text: String) throws(Problem) {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        var rows: [Row] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            rows.append(try Self.parseLine(line, number: number))
        }
        guard let header = rows.first else { throw Problem(line: 0, column: 0, message: "the file is empty; expected a header row") }
        self.header = header
        self.rows = Array(rows.dropFirst())
    }

    static func parseLine(_ line: Substring, number: Int) throws(Problem) -> Row {
        let chars = Array(line)
        var fields: [String] = []
        var columns: [Int] = []
        var i = 0
        while true {
            // Skip spaces before a field.
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
            columns.append(i + 1)
            var field = ""
            if i < chars.count, chars[i] == "\"" {
                let open = i
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\"" {
                        if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    field.append(chars[i])
                    i += 1
                }
                guard closed else {
                    throw Problem(line: number, column: open + 1, message: "unterminated quoted field (a quoted field cannot span lines)")
                }
                while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
                guard i == chars.count || chars[i] == "," else {
                    throw Problem(line: number, column: i + 1, message: "expected ',' after a closing quote, found '\(chars[i])'")
                }
            } else {
                while i < chars.count, chars[i] != "," { field.append(chars[i]); i += 1 }
                field = field.trimmingSpaces
            }
            fields.append(field)
            if i >= chars.count { break }
            i += 1  // the comma
        }
        return Row(line: number, fields: fields, columns: columns)
    }
}
