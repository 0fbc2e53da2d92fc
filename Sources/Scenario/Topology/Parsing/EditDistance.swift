/// Levenshtein distance, for "did you mean …?" hints on unknown keys and words.
enum EditDistance {
    /// Insertions, deletions and substitutions needed to turn `a` into `b` (Wagner–Fischer, one row).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var row = Array(0 ... y.count)
        for i in 1 ... x.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1 ... y.count {
                let above = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[y.count]
    }

    /// The candidate closest to `word` if it is at most `maxDistance` edits away (first one on ties).
    static func closest(to word: String, among candidates: [String], maxDistance: Int = 2) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            if d <= maxDistance, d < (best?.1 ?? .max) { best = (c, d) }
        }
        return best?.0
    }
}
