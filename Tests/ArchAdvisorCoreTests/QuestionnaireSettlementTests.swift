import Foundation
import TestSupport
import Testing
@testable import ArchAdvisorCore

/// The early stop must be sound (never stop while an answer can still change a decision)
/// and, within the search budget, exact (stop as soon as none can). Checked by brute force
/// over random partial answers of the real rules.
@Suite struct QuestionnaireSettlementTests {
    /// Every outcome the completions of `partial` can give, as the questionnaire would
    /// complete it: an open question whose `ask_when` fails takes its default, the others
    /// take each of their candidate values. Nil when there are more than `limit` completions.
    static func outcomes(_ kb: KnowledgeBase, _ partial: PartialAnswers, limit: Int = 200_000) -> Set<[Int?]>? {
        var found = Set<[Int?]>()
        var values = partial.values
        var count = 0
        let candidates = kb.questions.indices.map { kb.candidateValues($0) }
        func go(_ q: Int) -> Bool {
            if q == kb.questions.count {
                count += 1
                if count > limit { return false }
                found.insert(kb.outcome(values))
                return true
            }
            if partial.known[q] { return go(q + 1) }
            if !kb.questions[q].askWhen.evaluate(values) {
                values[q] = kb.questions[q].defaultValue
                return go(q + 1)
            }
            for v in candidates[q] {
                values[q] = v
                if !go(q + 1) { return false }
            }
            return true
        }
        return go(0) ? found : nil
    }

    /// The values the questionnaire ends with when the open questions that are asked get
    /// the answers `chosen`: an open question whose `ask_when` fails takes its default.
    static func complete(_ kb: KnowledgeBase, _ partial: PartialAnswers, _ chosen: [Int]) -> [Int] {
        var values = partial.values
        for q in kb.questions.indices where !partial.known[q] {
            values[q] = kb.questions[q].askWhen.evaluate(values) ? chosen[q] : kb.questions[q].defaultValue
        }
        return values
    }

    /// What the questionnaire reports when it stops at `partial`: the open questions stay
    /// unanswered, at their defaults (so exclusions resting on them are not applied).
    static func stopOutcome(_ kb: KnowledgeBase, _ partial: PartialAnswers) -> [Int?] {
        let values = kb.questions.indices.map { partial.known[$0] ? partial.values[$0] : kb.questions[$0].defaultValue }
        return Evaluator(kb: kb).evaluate(AnswerSet(values: values, provided: partial.known)).decisions.map(\.choice)
    }

    /// Random answers for every question.
    static func randomChoice(_ kb: KnowledgeBase, _ rng: inout SeededGenerator) -> [Int] {
        kb.questions.indices.map { q in
            Bool.random(using: &rng) ? kb.candidateValues(q).randomElement(using: &rng)! : Int.random(in: kb.questions[q].slotRange, using: &rng)
        }
    }

    /// Random partial answers: each question known with probability `known`.
    static func randomPartial(_ kb: KnowledgeBase, known: Double, _ rng: inout SeededGenerator) -> PartialAnswers {
        var partial = PartialAnswers(kb: kb)
        for q in kb.questions.indices where Double.random(in: 0..<1, using: &rng) < known {
            let v = Bool.random(using: &rng) ? kb.candidateValues(q).randomElement(using: &rng)! : Int.random(in: kb.questions[q].slotRange, using: &rng)
            partial.set(q, to: v)
        }
        return partial
    }

    @Test func soundOverRandomPartialAnswers() throws {
        let kb = try Project.kb()
        let search = SettlementSearch(kb: kb)
        var rng = SeededGenerator(seed: 20_260_503)
        var settledCount = 0, boundsSettled = 0
        for i in 0..<300 {
            let partial = Self.randomPartial(kb, known: [0.3, 0.5, 0.7, 0.85, 0.95][i % 5], &rng)
            let bounds = search.bounds.settlements(partial)
            let result = search.check(partial)
            let relevant = search.bounds.relevantQuestions(partial)
            if case .settled(let predicted) = result {
                #expect(Self.stopOutcome(kb, partial) == predicted, "settled \(partial), but stopping there reports another outcome")
            }
            for _ in 0..<100 {
                let chosen = Self.randomChoice(kb, &rng)
                let values = Self.complete(kb, partial, chosen)
                let outcome = kb.outcome(values)
                if case .settled(let predicted) = result {
                    #expect(outcome == predicted, "settled \(partial) but \(values) gives \(outcome)")
                }
                for (d, b) in bounds.enumerated() {
                    if case .settled(let c) = b { #expect(outcome[d] == c, "bounds settled decision \(d) for \(partial) but \(values) differs") }
                }
                // A question found irrelevant can take any answer without changing anything.
                for q in kb.questions.indices where !partial.known[q] && !relevant[q] {
                    for v in kb.candidateValues(q) {
                        var other = chosen
                        other[q] = v
                        #expect(kb.outcome(Self.complete(kb, partial, other)) == outcome,
                                "\(kb.questions[q].id) found irrelevant for \(partial) but \(v) changes \(values)")
                    }
                }
            }
            if result.outcome != nil { settledCount += 1 }
            if bounds.allSatisfy(\.isSettled) { boundsSettled += 1 }
        }
        // The check is not vacuous: many random partial answers are settled.
        #expect(settledCount > 50)
        #expect(settledCount >= boundsSettled)
    }

    @Test func exactWhenFewQuestionsAreOpen() throws {
        let kb = try Project.kb()
        let search = SettlementSearch(kb: kb, budget: 1_000_000)
        var rng = SeededGenerator(seed: 77)
        var checked = 0, settled = 0
        while checked < 250 {
            var partial = Self.randomPartial(kb, known: 1, &rng)
            let open = Int.random(in: 1...5, using: &rng)
            for q in kb.questions.indices.shuffled(using: &rng).prefix(open) { partial.forget(q) }
            guard let outcomes = Self.outcomes(kb, partial, limit: 50_000) else { continue }
            checked += 1
            let result = search.check(partial)
            #expect(result != .undetermined)
            if outcomes.count == 1 {
                settled += 1
                #expect(result == .settled(outcomes.first!), "one outcome for \(partial) but the search says \(result)")
            } else {
                #expect(result == .changeable, "\(outcomes.count) outcomes for \(partial) but the search says settled")
            }
        }
        #expect(settled > 20)
    }

    @Test func soundAndExactOnTheFixture() throws {
        let kb = try QuestionnaireFixture.kb()
        let search = SettlementSearch(kb: kb)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<400 {
            let partial = Self.randomPartial(kb, known: 0.5, &rng)
            let outcomes = try #require(Self.outcomes(kb, partial))
            let result = search.check(partial)
            if case .settled(let predicted) = result {
                #expect(Self.stopOutcome(kb, partial) == predicted, "settled \(partial), but stopping there reports another outcome")
            }
            if outcomes.count == 1 {
                #expect(result == .settled(outcomes.first!), "\(partial): \(outcomes)")
            } else {
                #expect(result == .changeable, "\(partial): \(outcomes)")
            }
        }
    }

    @Test func nothingKnownIsOpenAndQuick() throws {
        let kb = try Project.kb()
        let start = Date()
        #expect(SettlementSearch(kb: kb).check(PartialAnswers(kb: kb)) == .changeable)
        #expect(Date().timeIntervalSince(start) < 1)
    }
}

extension QuestionnaireSettlementTests {
    /// The questionnaire runs a check before each question: it must stay far below the
    /// budget (where it would give up and ask on).
    @Test func theSearchStaysFarBelowItsBudget() throws {
        let kb = try Project.kb()
        let search = SettlementSearch(kb: kb, budget: 10_000_000)
        var rng = SeededGenerator(seed: 9)
        var worst = 0
        for i in 0..<1000 {
            let partial = Self.randomPartial(kb, known: Double(i % 10) / 10, &rng)
            var nodes = 0
            #expect(search.check(partial, nodes: &nodes) != .undetermined)
            worst = max(worst, nodes)
        }
        #expect(worst < SettlementSearch(kb: kb).budget / 10)
    }
}
