/// The smallest answer changes that would change a decision, for each option it could
/// change to.
///
/// Outcomes are piecewise constant in every integer answer: they can only change where a
/// condition compares that answer with a constant (``KnowledgeBase/cuts``). So the
/// candidate values of an integer question are the ends of those classes, and the nearest
/// candidate in each direction that gives an option is the exact threshold; the classes
/// after it that give the same option make the range reported. Booleans and choices try
/// every other value. For each alternative, one answer is tried first, then pairs; only
/// when neither works is a change built one answer at a time (then marked not minimal).
/// An answer changed is an answer given, so a default it replaces no longer counts as one.
public struct WhatIf: Sendable {
    public struct Change: Sendable, Equatable {
        /// Question index -> new slot value.
        public var set: [(question: Int, value: Int)]
        public var decision: Int
        public var from: Int?
        public var to: Int?
        /// For a one-integer change: every value in this range gives `to`.
        public var range: ClosedRange<Int>?
        /// Rules of the decision that fire with the change and not without it, and rules
        /// that stop firing.
        public var fires: [Int] = []
        public var stops: [Int] = []
        /// False when built one answer at a time: a smaller set may exist.
        public var minimal = true

        public static func == (a: Change, b: Change) -> Bool {
            a.set.map(\.question) == b.set.map(\.question) && a.set.map(\.value) == b.set.map(\.value)
                && a.decision == b.decision && a.from == b.from && a.to == b.to && a.range == b.range
                && a.fires == b.fires && a.stops == b.stops && a.minimal == b.minimal
        }
    }

    public let kb: KnowledgeBase
    /// The "choice" of an impossible answer set.
    static let impossible = Int.min + 1
    private let evaluator: ChoiceEvaluator
    private let detailed: Evaluator
    /// Per question: values to try, sorted (both ends of every class of an integer).
    private let candidates: [[Int]]

    public init(kb: KnowledgeBase) {
        self.kb = kb
        evaluator = ChoiceEvaluator(kb: kb)
        detailed = Evaluator(kb: kb)
        candidates = kb.questions.indices.map { q in
            guard case .integer(let range) = kb.questions[q].kind else { return kb.representatives(of: q) }
            var points: Set<Int> = [range.lowerBound, range.upperBound]
            for c in kb.cuts[q] { points.insert(c); points.insert(c - 1) }
            return points.sorted()
        }
    }

    /// Choices (option index or null per decision) with `answers` and `provided`; for
    /// answers that break a constraint (more teams than engineers), which are no answers
    /// anyone can give, a choice no option has, so no change is ever built on them.
    private func choices(_ answers: [Int], _ provided: [Bool]) -> [Int] {
        for c in kb.constraints where !c.require.evaluate(answers) {
            return Array(repeating: WhatIf.impossible, count: kb.decisions.count)
        }
        var values = answers + Array(repeating: Condition.null, count: kb.decisions.count)
        values.withUnsafeMutableBufferPointer { v in provided.withUnsafeBufferPointer { evaluator.evaluate(v, provided: $0) } }
        return Array(values[kb.questions.count...])
    }

    /// The changes for every decision that applies to `answers`: for each option other
    /// than the choice, the smallest changes that lead to it.
    public func changes(for answers: AnswerSet) -> [Change] {
        let base = choices(answers.values, answers.provided)
        let before = detailed.evaluateChoices(answers)
        var result: [Change] = []
        for d in kb.decisions.indices where base[d] != Condition.null {
            for target in kb.decisions[d].options.indices where target != base[d] {
                var found = singleChanges(answers, decision: d, target: target, base: base)
                if found.isEmpty { found = pairChanges(answers, decision: d, target: target, base: base) }
                if found.isEmpty, let g = greedyChange(answers, decision: d, target: target, base: base) { found = [g] }
                result += found.map { explained($0, answers: answers, before: before) }
            }
        }
        return result
    }

    /// The changes for decision `d` only.
    public func changes(for answers: AnswerSet, decision d: Int) -> [Change] {
        changes(for: answers).filter { $0.decision == d }
    }

    private func value(_ c: Int) -> Int? { c == Condition.null ? nil : c }

    private func explained(_ change: Change, answers: AnswerSet, before: Evaluation) -> Change {
        var c = change
        let after = detailed.evaluateChoices(apply(change, to: answers))
        let was = Set(before.decisions[c.decision].fired), now = Set(after.decisions[c.decision].fired)
        c.fires = now.subtracting(was).sorted()
        c.stops = was.subtracting(now).sorted()
        return c
    }

    private func singleChanges(_ answers: AnswerSet, decision d: Int, target: Int, base: [Int]) -> [Change] {
        var out: [Change] = []
        var trial = answers.values
        var provided = answers.provided
        for q in kb.questions.indices {
            let current = answers.values[q]
            let wasProvided = provided[q]
            provided[q] = true
            defer { trial[q] = current; provided[q] = wasProvided }
            if case .integer = kb.questions[q].kind {
                // Answering a defaulted question with its default can matter too.
                if !wasProvided, choices(trial, provided)[d] == target {
                    out.append(Change(set: [(q, current)], decision: d, from: value(base[d]), to: target, range: current...current))
                    continue
                }
                let up = candidates[q].filter { $0 > current }
                let down = Array(candidates[q].filter { $0 < current }.reversed())
                for direction in [up, down] {
                    guard let i = direction.firstIndex(where: { v in trial[q] = v; return choices(trial, provided)[d] == target }) else { continue }
                    // The range: from the threshold on, while the same option holds.
                    var far = direction[i]
                    for w in direction[(i + 1)...] {
                        trial[q] = w
                        let c = choices(trial, provided)[d]
                        if c == WhatIf.impossible {
                            // Inside one class only a constraint changes: the last value
                            // before the answers become impossible, by bisection.
                            var (ok, bad) = (far, w)
                            while abs(bad - ok) > 1 {
                                let mid = ok + (bad - ok) / 2
                                trial[q] = mid
                                if choices(trial, provided)[d] == target { ok = mid } else { bad = mid }
                            }
                            far = ok
                            break
                        }
                        if c != target { break }
                        far = w
                    }
                    let v = direction[i]
                    out.append(Change(set: [(q, v)], decision: d, from: value(base[d]), to: target, range: min(v, far)...max(v, far)))
                }
            } else {
                for v in candidates[q] where v != current || !wasProvided {
                    trial[q] = v
                    if choices(trial, provided)[d] == target {
                        out.append(Change(set: [(q, v)], decision: d, from: value(base[d]), to: target))
                    }
                }
            }
        }
        return out
    }

    /// Two answers at once, nearest values first; at most a few results per target.
    private func pairChanges(_ answers: AnswerSet, decision d: Int, target: Int, base: [Int], limit: Int = 3) -> [Change] {
        var out: [Change] = []
        var trial = answers.values
        var provided = answers.provided
        let current = answers.values
        func nearest(_ q: Int) -> [Int] {
            candidates[q].filter { $0 != current[q] }.sorted { abs($0 - current[q]) < abs($1 - current[q]) }
        }
        let options = kb.questions.indices.map(nearest)
        for a in kb.questions.indices {
            for b in (a + 1)..<kb.questions.count {
                var found = false
                provided[a] = true
                provided[b] = true
                for va in options[a] where !found {
                    trial[a] = va
                    for vb in options[b] {
                        trial[b] = vb
                        if choices(trial, provided)[d] == target {
                            out.append(Change(set: [(a, va), (b, vb)], decision: d, from: value(base[d]), to: target))
                            found = true
                            break
                        }
                    }
                    trial[b] = current[b]
                }
                trial[a] = current[a]
                provided[a] = answers.provided[a]
                provided[b] = answers.provided[b]
                if out.count >= limit { return out }
            }
        }
        return out
    }

    /// When no one or two answers lead to `target`: add one change at a time, each the one
    /// that most narrows the gap between the best other option and `target`, until the
    /// choice is `target` (at most six answers). Not guaranteed to be the fewest.
    private func greedyChange(_ answers: AnswerSet, decision d: Int, target: Int, base: [Int], maxSteps: Int = 6) -> Change? {
        func gap(_ a: AnswerSet) -> Double {
            if kb.constraints.contains(where: { !$0.require.evaluate(a.values) }) { return .infinity }
            let r = detailed.evaluateChoices(a).decisions[d]
            guard r.applies, let choice = r.choice else { return .infinity }
            let penalty = r.excludedBy[target].isEmpty ? 0.0 : 100.0
            return r.scores[choice] - r.scores[target] + penalty
        }
        var trial = answers
        var set: [(question: Int, value: Int)] = []
        for _ in 0..<maxSteps {
            var best: (q: Int, v: Int, gap: Double)?
            for q in kb.questions.indices where !set.contains(where: { $0.question == q }) {
                for v in candidates[q] where v != trial.values[q] {
                    var t = trial
                    t.values[q] = v
                    t.provided[q] = true
                    if choices(t.values, t.provided)[d] == target {
                        set.append((q, v))
                        return Change(set: set, decision: d, from: value(base[d]), to: target, minimal: false)
                    }
                    let g = gap(t)
                    if g.isFinite, best == nil || g < best!.gap { best = (q, v, g) }
                }
            }
            guard let best else { return nil }
            trial.values[best.q] = best.v
            trial.provided[best.q] = true
            set.append((best.q, best.v))
        }
        return nil
    }

    /// The answers with a change applied (changed answers count as given).
    public func apply(_ change: Change, to answers: AnswerSet) -> AnswerSet {
        var a = answers
        for (q, v) in change.set { a.values[q] = v; a.provided[q] = true }
        return a
    }
}
