/// "Did you mean" suggestions by edit distance.
public enum Suggest {
    /// The candidate closest to `word` when it is close enough to be a likely typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased().utf8)
        var best: (String, Int)?
        for candidate in candidates.sorted() {
            let c = Array(candidate.lowercased().utf8)
            let limit = max(1, min(3, candidate.utf8.count / 3))
            // The distance is at least the difference in length: skip a hopeless candidate
            // without the |word| x |candidate| table (a 1 MB junk key cost 0.7 s before).
            guard abs(w.count - c.count) <= limit else { continue }
            let d = distance(w, c)
            if d <= limit, d < (best?.1 ?? Int.max) {
                best = (candidate, d)
            }
        }
        return best?.0
    }

    /// What a "did you mean" names for a mistyped or shortened name: ``closest(to:in:)``,
    /// else the one candidate that starts with `word` (of at least two characters).
    public static func likely(_ word: String, in candidates: [String]) -> String? {
        if let near = closest(to: word, in: candidates) { return near }
        let w = word.lowercased()
        guard w.count >= 2 else { return nil }
        let prefixed = candidates.filter { $0.lowercased().hasPrefix(w) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Levenshtein distance with adjacent transpositions.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
