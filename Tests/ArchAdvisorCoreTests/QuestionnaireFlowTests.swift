import Foundation
import Testing
@testable import ArchAdvisorCore

/// The questionnaire scripted in memory over ``QuestionnaireFixture``.
@Suite struct QuestionnaireFlowTests {
    let kb: KnowledgeBase
    init() throws { kb = try QuestionnaireFixture.kb() }

    func run(_ lines: [String], interactive: Bool = false, all: Bool = false, live: Bool = false,
             then end: ConsoleInput = .endOfInput, starting: AnswerSet? = nil) -> (QuestionnaireResult, ScriptedQuestionnaireConsole) {
        let console = ScriptedQuestionnaireConsole(lines, interactive: interactive, then: end)
        let q = Questionnaire(kb: kb, options: .init(askAll: all, live: live))
        return (q.run(console, starting: starting), console)
    }

    func value(_ result: QuestionnaireResult, _ id: String) -> Int { result.answers.values[kb.questionIndex[id]!] }
    func origin(_ result: QuestionnaireResult, _ id: String) -> AnswerOrigin { result.origins[kb.questionIndex[id]!] }

    @Test func showsProgressAndTheDefault() {
        let (_, console) = run(["", ""])
        #expect(console.output.contains("1/5 How many engineers? (1-100) [5]: 5\n"))
        #expect(console.output.contains("2/5 Is there a cluster? (y/n) [no]: no\n"))
    }

    @Test func enterTakesEveryDefaultAndStopsWhenNothingElseMatters() {
        let (result, console) = run(["", "", "", "", ""])
        // size 5 leaves "big" reachable only through nodes, so cluster is asked; with no
        // cluster, nodes is skipped and nothing left can change a decision.
        #expect(console.questionsRead == ["size", "cluster"])
        #expect(result.ending == .stoppedEarly(notNeeded: 2))
        #expect(origin(result, "size") == .acceptedDefault)
        #expect(origin(result, "nodes") == .skipped)
        #expect(origin(result, "style") == .notNeeded)
        #expect(origin(result, "extra") == .notNeeded)
        #expect(console.output.contains("No remaining answer can change the recommendation: 2 questions not needed"))
        #expect(kb.outcome(result.answers.values) == [0, nil])
    }

    @Test func earlyStopCountsTheQuestionsNotNeeded() {
        // size 1 excludes "big": everything is settled after one answer.
        let (result, console) = run(["1"])
        #expect(console.questionsRead == ["size"])
        #expect(result.ending == .stoppedEarly(notNeeded: 3))
        #expect(result.asked == [0])
        #expect(console.output.contains("3 questions not needed"))
    }

    @Test func allAsksEveryQuestionWhoseConditionHolds() {
        let (result, console) = run(["1", "y", "3", "", ""], all: true)
        #expect(console.questionsRead == ["size", "cluster", "nodes", "style", "extra"])
        #expect(result.ending == .completed)
        #expect(!console.output.contains("not needed"))
    }

    @Test func skipsAQuestionWhoseConditionDoesNotHold() {
        let (result, console) = run(["5", "n"], all: true)
        #expect(!console.questionsRead.contains("nodes"))
        #expect(origin(result, "nodes") == .skipped)
        #expect(console.output.contains("3/5") == false)
    }

    @Test func questionsThatCannotMatterAreSkippedBeforeTheEnd() {
        // size 30 settles "shape" as big: cluster and nodes cannot matter, style still can.
        let (result, console) = run(["30", "fancy"])
        #expect(console.questionsRead == ["size", "style"])
        #expect(origin(result, "cluster") == .notNeeded)
        #expect(value(result, "style") == 1)
        #expect(kb.outcome(result.answers.values) == [1, 1])
    }

    @Test func reAsksOnInvalidAnswers() {
        let (result, console) = run(["abc", "500", "12", "maybe", "y", "-3", "17", "x", "2"])
        #expect(console.output.contains("! \"abc\" is not a whole number; expected an integer from 1 to 100\n"))
        #expect(console.output.contains("! 500 is out of range; expected an integer from 1 to 100\n"))
        #expect(console.output.contains("! \"maybe\" is not yes or no; answer y or n\n"))
        #expect(console.output.contains("! -3 is out of range; expected an integer from 1 to 50\n"))
        #expect(console.output.contains("! \"x\" is not a choice; expected 1 to 2 or simple, fancy\n"))
        #expect(console.questionsRead == ["size", "size", "size", "cluster", "cluster", "nodes", "nodes", "style", "style"])
        #expect(value(result, "size") == 12)
        #expect(value(result, "nodes") == 17)
        #expect(value(result, "style") == 1)
        // Each re-ask repeats the question line.
        #expect(console.output.components(separatedBy: "1/5 How many engineers?").count == 4)
    }

    @Test func helpShowsTheTextAndTheGuidanceThenAsksAgain() {
        let (result, console) = run(["?", "help", "4", ""])
        #expect(console.questionsRead.prefix(3) == ["size", "size", "size"])
        #expect(console.output.contains("Count everyone who writes backend code."))
        #expect(console.output.contains("Guidance behind this question"))
        #expect(console.output.contains("1.2 Teams / Size"))
        #expect(console.output.contains("Small teams keep it small."))
        #expect(value(result, "size") == 4)
    }

    @Test func helpShowsWhenAQuestionIsAsked() {
        let (_, console) = run(["5", "y", "?"])
        #expect(console.output.contains("asked when: cluster"))
    }

    @Test func backReturnsToThePreviousQuestionAndLetsItChange() {
        let (result, console) = run(["5", "y", "<", "n"])
        #expect(console.questionsRead == ["size", "cluster", "nodes", "cluster"])
        // Back at cluster, the earlier answer is the offered default.
        #expect(console.output.contains("2/5 Is there a cluster? (y/n) [yes]: "))
        #expect(value(result, "cluster") == 0)
        #expect(origin(result, "nodes") == .skipped)
        #expect(result.ending == .stoppedEarly(notNeeded: 2))
    }

    @Test func backKeepsLaterAnswersAsDefaults() {
        let (result, console) = run(["30", "<", "", "fancy"])
        #expect(console.questionsRead == ["size", "style", "size", "style"])
        #expect(console.output.contains("1/5 How many engineers? (1-100) [30]: 30\n"))
        #expect(value(result, "size") == 30)
        #expect(origin(result, "size") == .typed)
        #expect(value(result, "style") == 1)
    }

    @Test func backOnTheFirstQuestionSaysWhyAndAsksAgain() {
        let (_, console) = run(["<", "1"])
        #expect(console.output.contains("nothing to go back to"))
        #expect(console.questionsRead == ["size", "size"])
    }

    @Test func choicesByNumberNameOrPrefix() {
        for (typed, expected) in [("2", 1), ("fancy", 1), ("FAN", 1), ("s", 0), ("1", 0)] {
            let (result, _) = run(["30", typed])
            #expect(value(result, "style") == expected, "typed \(typed)")
        }
    }

    @Test func resumesAskingOnlyWhatIsMissing() throws {
        let starting = try kb.answers(#"{"size": 5, "cluster": true}"#)
        let (result, console) = run(["12", "2"], starting: starting)
        #expect(console.questionsRead == ["nodes", "style"])
        #expect(console.output.hasPrefix("3/5 How many nodes?"))
        #expect(origin(result, "size") == .file)
        #expect(result.answers.provided == [true, true, true, true, false])
    }

    @Test func resumingACompleteFileAsksNothing() throws {
        let starting = try kb.answers(#"{"size": 5, "cluster": false, "style": "simple", "extra": false}"#)
        let (result, console) = run([], starting: starting)
        #expect(console.questionsRead.isEmpty)
        #expect(result.ending == .completed)
    }

    @Test func endOfInputAndInterruptionStopPartWay() {
        let (ended, _) = run(["5"])
        #expect(ended.ending == .endOfInput)
        #expect(ended.answers.provided == [true, false, false, false, false])
        let (interrupted, _) = run(["5"], then: .interrupted)
        #expect(interrupted.ending == .interrupted)
    }

    @Test func liveShowsWhereTheFirstDecisionLeans() {
        let (_, console) = run(["30", "fancy"], live: true)
        #expect(console.output.contains("shape: small ########   3  big ########## 4  settled\n"))
    }

    @Test func withoutATerminalNoEscapeCodes() {
        let (_, console) = run(["?", "abc", "5", "y", "12", "fancy"], live: true)
        #expect(!console.output.contains("\u{1B}"))
    }

    @Test func onATerminalTheQuestionIsABlockWithChoicesAndHints() {
        let (_, console) = run(["30", "2"], interactive: true)
        #expect(console.output.contains("1/5  How many engineers?\n"))
        #expect(console.output.contains("a number from 1 to 100 · Enter: 5 · ? help\n"))
        #expect(console.output.contains("  › 1  simple  Simple (few moving parts)\n"))
        #expect(console.output.contains("    2  fancy   Fancy (every feature)\n"))
        #expect(console.output.contains("a number or a name · Enter: simple · ? help · < back\n"))
        for line in console.output.split(separator: "\n") { #expect(line.count <= 80) }
    }
}
