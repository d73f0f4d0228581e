/// Scores every decision for an answer set: sums the points of the rules that fire,
/// applies exclusions, picks the best remaining option (ties go to the option listed
/// first), and says how clear the choice is.
public struct Evaluator: Sendable {
    public let kb: KnowledgeBase

    public init(kb: KnowledgeBase) { self.kb = kb }

    /// Evaluates with every detail (rules that fired, exclusions, margins).
    public func evaluate(_ answers: AnswerSet) -> Evaluation {
        var values = answers.values + Array(repeating: Condition.null, count: kb.decisions.count)
        var results: [DecisionResult] = []
        results.reserveCapacity(kb.decisions.count)
        for d in kb.decisions.indices {
            let result = values.withUnsafeBufferPointer { evaluate(decision: d, values: $0, extraRules: []) }
            if let c = result.choice { values[kb.slot(ofDecision: d)] = c }
            results.append(result)
        }
        return Evaluation(answers: answers, decisions: results, values: values)
    }

    /// Scores decision `d` over `values` (earlier decisions already set). `extraRules` are
    /// treated as if they had fired too (used by explain's counterfactuals).
    public func evaluate(decision d: Int, values: UnsafeBufferPointer<Int>, extraRules: [Int]) -> DecisionResult {
        let decision = kb.decisions[d]
        let n = decision.options.count
        var result = DecisionResult(decision: d, applies: false, choice: nil, scores: Array(repeating: 0, count: n),
                                    excludedBy: Array(repeating: [], count: n), fired: [], margin: nil, confidence: nil, runnerUp: nil)
        guard decision.appliesWhen.evaluate(values) else { return result }
        result.applies = true
        for r in kb.rulesByDecision[d] {
            let rule = kb.rules[r]
            guard rule.condition.evaluate(values) || extraRules.contains(r) else { continue }
            result.fired.append(r)
            for (o, p) in rule.points { result.scores[o] += p }
            for o in rule.excludes { result.excludedBy[o].append(r) }
        }
        let (choice, runnerUp) = Evaluator.pick(scores: result.scores, excluded: result.excludedBy.map { !$0.isEmpty })
        result.choice = choice
        result.runnerUp = runnerUp
        if let choice {
            if let runnerUp {
                let margin = result.scores[choice] - result.scores[runnerUp]
                result.margin = margin
                result.confidence = margin >= decision.clearMargin ? .clear : margin >= decision.leaningMargin ? .leaning : .closeCall
            } else {
                result.confidence = .onlyOption
            }
        } else {
            result.confidence = Confidence.none
        }
        return result
    }

    /// The best and second-best options that are not excluded; ties go to the lower index.
    @inline(__always)
    static func pick(scores: [Double], excluded: [Bool]) -> (Int?, Int?) {
        var best: Int?
        var second: Int?
        for o in scores.indices where !excluded[o] {
            if best == nil || scores[o] > scores[best!] {
                second = best
                best = o
            } else if second == nil || scores[o] > scores[second!] {
                second = o
            }
        }
        return (best, second)
    }
}

/// The batch fast path: choices only, no allocation per answer set.
public final class ChoiceEvaluator: @unchecked Sendable {
    private let kb: KnowledgeBase
    private let questionCount: Int
    private let maxOptions: Int
    private var scores: [Double]
    private var excluded: [Bool]
    /// Flattened rules per decision: condition, (option, points) pairs, excluded options.
    private let plan: [[(Condition, [(Int, Double)], [Int])]]

    public init(kb: KnowledgeBase) {
        self.kb = kb
        questionCount = kb.questions.count
        maxOptions = kb.decisions.map(\.options.count).max() ?? 0
        scores = Array(repeating: 0, count: maxOptions)
        excluded = Array(repeating: false, count: maxOptions)
        plan = kb.rulesByDecision.map { $0.map { r in
            let rule = kb.rules[r]
            return (rule.condition, rule.points.map { ($0.option, $0.points) }, rule.excludes)
        } }
    }

    /// Fills the decision slots of `values` (which holds the answers in its question slots)
    /// with each decision's choice index, or ``Condition/null``.
    public func evaluate(_ values: UnsafeMutableBufferPointer<Int>) {
        let readOnly = UnsafeBufferPointer(values)
        for d in 0..<kb.decisions.count {
            let slot = questionCount + d
            values[slot] = Condition.null
            let decision = kb.decisions[d]
            guard decision.appliesWhen.evaluate(readOnly) else { continue }
            let n = decision.options.count
            for o in 0..<n { scores[o] = 0; excluded[o] = false }
            for (condition, points, excludes) in plan[d] where condition.evaluate(readOnly) {
                for (o, p) in points { scores[o] += p }
                for o in excludes { excluded[o] = true }
            }
            var best = -1
            for o in 0..<n where !excluded[o] {
                if best < 0 || scores[o] > scores[best] { best = o }
            }
            values[slot] = best < 0 ? Condition.null : best
        }
    }
}
