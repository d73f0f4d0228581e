import TestSupport
import Testing
@testable import ArchAdvisorCore

/// The batch fast path (`ChoiceEvaluator`) must choose exactly what the full `Evaluator`
/// chooses, and the full evaluation must obey its own scoring rules, over the real rules.
@Suite("Choice evaluator and scoring invariants")
struct ChoiceEvaluatorTests {
    /// Random answer sets; integers favour the values the rules compare with.
    static func randomAnswers(_ kb: KnowledgeBase, count: Int, seed: UInt64) -> [AnswerSet] {
        var rng = SeededGenerator(seed: seed)
        let conditions = kb.rules.map(\.condition) + kb.decisions.map(\.appliesWhen)
        let interesting: [[Int]] = kb.questions.indices.map { q in
            guard case .integer(let r) = kb.questions[q].kind else { return [] }
            var values: Set<Int> = [r.lowerBound, r.upperBound, kb.questions[q].defaultValue]
            for c in conditions {
                for (_, v) in c.thresholds(for: q) { values.formUnion([v - 1, v, v + 1].filter(r.contains)) }
            }
            return values.sorted()
        }
        return (0..<count).map { _ in
            var provided: [Bool] = []
            let values = kb.questions.indices.map { q -> Int in
                let given = Bool.random(using: &rng)
                provided.append(given)
                guard given else { return kb.questions[q].defaultValue }
                let range = kb.questions[q].slotRange
                if !interesting[q].isEmpty && Bool.random(using: &rng) {
                    return interesting[q].randomElement(using: &rng)!
                }
                return Int.random(in: range.lowerBound...min(range.upperBound, range.lowerBound + 200), using: &rng)
            }
            return AnswerSet(values: values, provided: provided)
        }
    }

    /// The choice slots the fast path fills in.
    static func fastChoices(_ kb: KnowledgeBase, _ evaluator: ChoiceEvaluator, _ answers: AnswerSet) -> [Int] {
        var slots = answers.values + Array(repeating: 12345, count: kb.decisions.count)
        slots.withUnsafeMutableBufferPointer { v in answers.provided.withUnsafeBufferPointer { evaluator.evaluate(v, provided: $0) } }
        return Array(slots[kb.questions.count...])
    }

    static func fullChoices(_ e: Evaluation) -> [Int] {
        e.decisions.map { $0.choice ?? Condition.null }
    }

    @Test func sameChoicesForEveryScenario() throws {
        let kb = try Project.kb()
        let reader = AnswerReader(kb: kb), full = Evaluator(kb: kb), fast = ChoiceEvaluator(kb: kb)
        #expect(!kb.scenarios.isEmpty)
        for scenario in kb.scenarios {
            let answers = try #require(reader.read(Array(scenario.answers.utf8)).answers, "\(scenario.name)")
            let e = full.evaluate(answers)
            #expect(Self.fastChoices(kb, fast, answers) == Self.fullChoices(e), "\(scenario.name)")
            #expect(Array(e.values[kb.questions.count...]) == Self.fullChoices(e))
        }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func sameChoicesForRandomAnswers(_ seed: UInt64) throws {
        let kb = try Project.kb()
        let full = Evaluator(kb: kb), fast = ChoiceEvaluator(kb: kb)
        var seen: Set<[Int]> = []
        for answers in Self.randomAnswers(kb, count: 300, seed: seed) {
            let e = full.evaluate(answers)
            let choices = Self.fullChoices(e)
            seen.insert(choices)
            #expect(Self.fastChoices(kb, fast, answers) == choices, "answers \(answers.json(in: kb, all: true, pretty: false))")
        }
        #expect(seen.count > 3, "random answers should reach several outcomes, got \(seen)")
    }

    /// What the scorer promises, checked on every decision of many answer sets.
    @Test func scoringInvariantsHold() throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        var suspensions = 0, secondStages = 0
        for answers in Self.randomAnswers(kb, count: 300, seed: 99) {
            let e = evaluator.evaluate(answers)
            for q in kb.questions.indices where e.pinned[q] {
                #expect(e.values[q] == kb.questions[q].defaultValue, "a question not asked takes its default")
            }
            for r in e.decisions {
                let d = kb.decisions[r.decision]
                let context = "\(d.id) for \(answers.json(in: kb, all: true, pretty: false))"
                guard r.applies else {
                    #expect(r.choice == nil && r.fired.isEmpty && r.confidence == nil, "\(context)")
                    #expect(e.values[kb.slot(ofDecision: r.decision)] == Condition.null, "\(context)")
                    continue
                }
                // First stage: every rule that does not add to refinements only fires exactly when it holds.
                var sums = Array(repeating: 0.0, count: d.options.count)
                var excluded = Array(repeating: false, count: d.options.count)
                for i in kb.rulesByDecision[r.decision] where kb.rules[i].condition.evaluate(e.values) && !kb.refinesOnly[i] {
                    #expect(r.fired.contains(i), "\(kb.rules[i].id) holds but did not fire: \(context)")
                    for p in kb.rules[i].points { sums[p.option] += p.points }
                    if r.suspended.contains(i) {
                        suspensions += 1
                        #expect(e.readsDefault(i, in: kb), "an exclusion not applied reads a defaulted answer: \(context)")
                    } else {
                        for o in kb.rules[i].excludes { excluded[o] = true }
                    }
                }
                let bases = d.options.indices.filter { d.options[$0].refines == nil && !excluded[$0] }
                let bestBase = bases.map { sums[$0] }.max()
                let winner = bestBase.flatMap { m in bases.first { sums[$0] == m } }
                // Second stage: refinement rules fire only for the base that won the first.
                for i in kb.rulesByDecision[r.decision] where kb.refinesOnly[i] {
                    let weighed = winner.map { w in kb.rules[i].points.contains { kb.baseOption[r.decision][$0.option] == w } } ?? false
                    let fires = weighed && kb.rules[i].condition.evaluate(e.values)
                    #expect(r.fired.contains(i) == fires, "\(kb.rules[i].id): \(context)")
                    if fires {
                        secondStages += 1
                        for p in kb.rules[i].points { sums[p.option] += p.points }
                        if !r.suspended.contains(i) { for o in kb.rules[i].excludes { excluded[o] = true } }
                    }
                }
                #expect(r.scores == sums, "\(context)")
                #expect(r.excludedBy.map { !$0.isEmpty } == excluded, "\(context)")
                let open = d.options.indices.filter { !excluded[$0] }
                guard let choice = r.choice else {
                    #expect(open.isEmpty && r.confidence == Confidence.none, "\(context)")
                    continue
                }
                #expect(!excluded[choice], "excluded option chosen: \(context)")
                // The choice has the best score of the options left; ties go to the first listed.
                let best = open.map { r.scores[$0] }.max()!
                #expect(choice == open.first { r.scores[$0] == best }, "not the first best option: \(context)")
                #expect(d.options[choice].refines == nil || winner.map { d.optionIndex(d.options[choice].refines!) == $0 } == true)
                var word: Confidence
                if open.count == 1 {
                    #expect(r.margin == nil, "\(context)")
                    word = .onlyOption
                } else {
                    let runnerUp = try #require(r.runnerUp)
                    #expect(r.margin == r.scores[choice] - r.scores[runnerUp])
                    #expect(r.margin == best - open.filter { $0 != choice }.map { r.scores[$0] }.max()!, "\(context)")
                    let m = r.margin!
                    #expect(m >= 0, "the margin over the runner-up is never negative: \(context)")
                    word = m >= d.clearMargin ? .clear : m >= d.leaningMargin ? .leaning : .closeCall
                }
                if r.restsOnDefaults && (word == .clear || word == .onlyOption) { word = .leaning }
                #expect(r.confidence == word, "\(context)")
            }
        }
        #expect(suspensions > 0 && secondStages > 0, "random answers reach both suspended exclusions and the second stage")
    }
}
