/// The smallest answer changes that would change a decision.
///
/// Outcomes are piecewise constant in every integer answer: they can only change where a
/// condition compares that answer with a constant. So the candidate values of an integer
/// question are each such constant and its neighbours (plus the ends of its range), and
/// the nearest candidate in each direction that changes the decision is the exact
/// threshold. Booleans and choices try every other value. One answer is tried first; only
/// when no single change works are pairs tried.
public struct WhatIf: Sendable {
    public struct Change: Sendable, Equatable {
        /// Question index -> new slot value.
        public var set: [(question: Int, value: Int)]
        public var decision: Int
        public var from: Int?
        public var to: Int?
        /// For a one-integer change: the new choice holds for every value from the
        /// threshold on in that direction (up to the range's end).
        public var holdsBeyond: Bool
        /// False when found greedily: a smaller set may exist.
        public var minimal = true

        public static func == (a: Change, b: Change) -> Bool {
            a.set.map(\.question) == b.set.map(\.question) && a.set.map(\.value) == b.set.map(\.value)
                && a.decision == b.decision && a.from == b.from && a.to == b.to && a.holdsBeyond == b.holdsBeyond
        }
    }

    public let kb: KnowledgeBase
    private let evaluator: ChoiceEvaluator
    private let candidates: [[Int]]

    public init(kb: KnowledgeBase) {
        self.kb = kb
        evaluator = ChoiceEvaluator(kb: kb)
        var conditions = kb.rules.map(\.condition) + kb.decisions.map(\.appliesWhen)
        conditions += kb.questions.map(\.askWhen)
        candidates = kb.questions.enumerated().map { q, question in
            switch question.kind {
            case .boolean: return [0, 1]
            case .choice(let c): return Array(c.indices)
            case .integer(let range):
                var points: Set<Int> = [range.lowerBound, range.upperBound]
                for condition in conditions {
                    for (_, c) in condition.thresholds(for: q) {
                        for v in [c - 1, c, c + 1] where range.contains(v) { points.insert(v) }
                    }
                }
                return points.sorted()
            }
        }
    }

    private func choices(_ answers: [Int]) -> [Int] {
        var values = answers + Array(repeating: Condition.null, count: kb.decisions.count)
        values.withUnsafeMutableBufferPointer { evaluator.evaluate($0) }
        return Array(values[kb.questions.count...])
    }

    /// The changes for every decision that applies to `answers`.
    public func changes(for answers: AnswerSet) -> [Change] {
        let base = choices(answers.values)
        var result: [Change] = []
        for d in kb.decisions.indices where base[d] != Condition.null {
            // A decision that merely stops applying is a consequence of another decision's
            // change, reported there.
            let singles = singleChanges(answers.values, decision: d, base: base).filter { $0.to != nil }
            if !singles.isEmpty { result += singles; continue }
            let pairs = pairChanges(answers.values, decision: d, base: base).filter { $0.to != nil }
            if !pairs.isEmpty { result += pairs; continue }
            if let greedy = greedyChange(answers.values, decision: d, base: base) { result.append(greedy) }
        }
        return result
    }

    private func value(_ c: Int) -> Int? { c == Condition.null ? nil : c }

    private func singleChanges(_ answers: [Int], decision d: Int, base: [Int]) -> [Change] {
        var out: [Change] = []
        var trial = answers
        for q in kb.questions.indices {
            let current = answers[q]
            if case .integer = kb.questions[q].kind {
                // Nearest candidate in each direction that changes the decision.
                let up = candidates[q].filter { $0 > current }
                let down = candidates[q].filter { $0 < current }.reversed()
                for direction in [Array(up), Array(down)] {
                    for v in direction {
                        trial[q] = v
                        let c = choices(trial)[d]
                        if c != base[d] {
                            let beyond = direction.drop { $0 != v }.allSatisfy { w in
                                trial[q] = w
                                return choices(trial)[d] == c
                            }
                            out.append(Change(set: [(q, v)], decision: d, from: value(base[d]), to: value(c), holdsBeyond: beyond))
                            break
                        }
                    }
                    trial[q] = current
                }
            } else {
                for v in candidates[q] where v != current {
                    trial[q] = v
                    let c = choices(trial)[d]
                    if c != base[d] {
                        out.append(Change(set: [(q, v)], decision: d, from: value(base[d]), to: value(c), holdsBeyond: false))
                    }
                }
                trial[q] = current
            }
        }
        return out
    }

    /// Two answers at once, nearest values first; at most a few results per target.
    private func pairChanges(_ answers: [Int], decision d: Int, base: [Int], limit: Int = 5) -> [Change] {
        var out: [Change] = []
        var trial = answers
        func nearest(_ q: Int) -> [Int] {
            candidates[q].filter { $0 != answers[q] }.sorted { abs($0 - answers[q]) < abs($1 - answers[q]) }
        }
        let options = kb.questions.indices.map(nearest)
        for a in kb.questions.indices {
            for b in (a + 1)..<kb.questions.count {
                var found = false
                for va in options[a] where !found {
                    trial[a] = va
                    for vb in options[b] {
                        trial[b] = vb
                        let c = choices(trial)[d]
                        if c != base[d] && c != Condition.null {
                            out.append(Change(set: [(a, va), (b, vb)], decision: d, from: value(base[d]), to: value(c), holdsBeyond: false))
                            found = true
                            break
                        }
                    }
                    trial[b] = answers[b]
                }
                trial[a] = answers[a]
                if out.count >= limit { return out }
            }
        }
        return out
    }

    /// When no one or two answers change decision `d`: add one change at a time, each the
    /// one that most narrows the gap between the choice and the best other option, until
    /// the choice changes (at most six answers). Not guaranteed to be the fewest, so it is
    /// marked `minimal: false`.
    private func greedyChange(_ answers: [Int], decision d: Int, base: [Int], maxSteps: Int = 6) -> Change? {
        let detailed = Evaluator(kb: kb)
        func gap(_ values: [Int]) -> Double {
            let e = detailed.evaluate(AnswerSet(values: values, provided: Array(repeating: true, count: values.count)))
            let r = e.decisions[d]
            guard r.applies, let choice = r.choice else { return -.infinity }
            let others = r.scores.indices.filter { $0 != choice && r.excludedBy[$0].isEmpty }.map { r.scores[$0] }
            // An excluded alternative still counts, far behind, so removing exclusions helps.
            let excludedOthers = r.scores.indices.filter { $0 != choice && !r.excludedBy[$0].isEmpty }.map { r.scores[$0] - 100 }
            return r.scores[choice] - (others + excludedOthers).max()!
        }
        var trial = answers
        var set: [(question: Int, value: Int)] = []
        for _ in 0..<maxSteps {
            var best: (q: Int, v: Int, gap: Double)?
            for q in kb.questions.indices where !set.contains(where: { $0.question == q }) {
                for v in candidates[q] where v != trial[q] {
                    var t = trial
                    t[q] = v
                    let c = choices(t)[d]
                    if c != base[d] && c != Condition.null {
                        set.append((q, v))
                        return Change(set: set, decision: d, from: value(base[d]), to: value(c), holdsBeyond: false, minimal: false)
                    }
                    let g = gap(t)
                    if g.isFinite, best == nil || g < best!.gap { best = (q, v, g) }
                }
            }
            guard let best else { return nil }
            trial[best.q] = best.v
            set.append((best.q, best.v))
        }
        return nil
    }

    /// The answers with a change applied.
    public func apply(_ change: Change, to answers: AnswerSet) -> AnswerSet {
        var a = answers
        for (q, v) in change.set { a.values[q] = v; a.provided[q] = true }
        return a
    }

    // MARK: rendering

    func setText(_ change: Change, answers: AnswerSet) -> String {
        change.set.map { q, v in
            let question = kb.questions[q]
            var text = "\(question.id) at \(question.displayValue(v))"
            if case .integer = question.kind, change.set.count == 1, change.holdsBeyond {
                text += v > answers.values[q] ? " or more" : " or less"
            }
            return text + " (now \(question.displayValue(answers.values[q])))"
        }.joined(separator: " and ")
    }

    public func table(_ changes: [Change], answers: AnswerSet, input: String, style: Style) -> String {
        var out = "\(style.bold)\(input)\(style.reset)\n"
        for (d, decision) in kb.decisions.enumerated() {
            let mine = changes.filter { $0.decision == d }
            let current = choices(answers.values)[d]
            guard current != Condition.null else { continue }
            out += "\n\(style.bold)\(decision.id)\(style.reset): \(decision.options[current].value)\n"
            if mine.isEmpty { out += "  no change of one or two answers changes it\n" }
            for c in mine {
                let to = c.to.map { decision.options[$0].value } ?? "no option"
                out += "  with \(setText(c, answers: answers)): \(style.cyan)\(to)\(style.reset)" + (c.minimal ? "" : " \(style.dim)(found greedily; fewer changes may exist)\(style.reset)") + "\n"
            }
        }
        return out
    }

    public func json(_ changes: [Change], answers: AnswerSet) -> String {
        "{\"changes\":[" + changes.map { c in
            let decision = kb.decisions[c.decision]
            return "{\"set\":{" + c.set.map { JSONText.quoted(kb.questions[$0.question].id) + ":" + kb.questions[$0.question].jsonValue($0.value) }.joined(separator: ",")
                + "},\"decision\":\(JSONText.quoted(decision.id)),\"from\":" + (c.from.map { JSONText.quoted(decision.options[$0].value) } ?? "null")
                + ",\"to\":" + (c.to.map { JSONText.quoted(decision.options[$0].value) } ?? "null")
                + ",\"minimal\":\(c.minimal),\"text\":" + JSONText.quoted("with \(setText(c, answers: answers))") + "}"
        }.joined(separator: ",") + "]}\n"
    }
}
