import Foundation
import TestSupport
import Testing
@testable import ArchAdvisorCore

/// The scenarios of `rules/scenarios` answered through the questionnaire: each question
/// gets the scenario's answer, or Enter (the default) when the scenario does not say.
@Suite struct QuestionnaireScenarioTests {
    struct Run {
        var asked: Int
        var outcome: [Int?]
    }

    static func run(_ kb: KnowledgeBase, _ scenario: Scenario, all: Bool) throws -> Run {
        let answers = try kb.answers(scenario.answers)
        let console = ScriptedQuestionnaireConsole { prompt in
            guard case .question(let id) = prompt, let q = kb.questionIndex[id] else { return .endOfInput }
            return .line(answers.provided[q] ? kb.questions[q].displayValue(answers.values[q]) : "")
        }
        let result = Questionnaire(kb: kb, options: .init(askAll: all)).run(console)
        #expect(result.isFinished)
        // What the questionnaire reports: questions left unasked stay defaulted.
        return Run(asked: result.asked.count, outcome: Evaluator(kb: kb).evaluate(result.answers).decisions.map(\.choice))
    }

    /// What the README reports: the average number of questions asked over the scenarios.
    @Test func earlyStopAsksFewerQuestionsAndDecidesTheSame() throws {
        let kb = try Project.kb()
        #expect(!kb.scenarios.isEmpty)
        var asked = 0, askedAll = 0
        var lines: [String] = []
        for scenario in kb.scenarios {
            let early = try Self.run(kb, scenario, all: false)
            let full = try Self.run(kb, scenario, all: true)
            #expect(early.outcome == full.outcome, "\(scenario.name): the early stop changed a decision")
            #expect(early.asked <= full.asked)
            asked += early.asked
            askedAll += full.asked
            lines.append("\(scenario.name): \(early.asked) asked (\(full.asked) with --all)")
        }
        let n = Double(kb.scenarios.count)
        let summary = String(format: "questions asked over %d scenarios: %.1f on average with the early stop, %.1f with --all, of %d",
                             kb.scenarios.count, Double(asked) / n, Double(askedAll) / n, kb.questions.count)
        print(summary)
        for line in lines { print("  " + line) }
        #expect(asked < askedAll)
    }

    /// Random answers, some of them given up front as a resumed answers file: the
    /// questionnaire with its early stop decides as the one that asks everything.
    @Test func earlyStopNeverChangesARandomRecommendation() throws {
        let kb = try Project.kb()
        var rng = SeededGenerator(seed: 42)
        for i in 0..<300 {
            let chosen = QuestionnaireSettlementTests.randomChoice(kb, &rng)
            var starting = AnswerSet(defaultsOf: kb)
            for q in kb.questions.indices where i % 3 == 0 && Bool.random(using: &rng) {
                starting.values[q] = chosen[q]
                starting.provided[q] = true
            }
            func run(all: Bool) -> QuestionnaireResult {
                let console = ScriptedQuestionnaireConsole { prompt in
                    guard case .question(let id) = prompt, let q = kb.questionIndex[id] else { return .endOfInput }
                    return .line(kb.questions[q].displayValue(chosen[q]))
                }
                return Questionnaire(kb: kb, options: .init(askAll: all)).run(console, starting: starting)
            }
            let early = run(all: false), full = run(all: true)
            #expect(early.isFinished && full.isFinished)
            let evaluator = Evaluator(kb: kb)
            #expect(evaluator.evaluate(early.answers).decisions.map(\.choice) == evaluator.evaluate(full.answers).decisions.map(\.choice),
                    "answers \(chosen), starting \(starting.provided)")
            #expect(early.asked.count <= full.asked.count)
        }
    }
}
