import Foundation
import Testing
@testable import ArchAdvisorCore

/// What a person at `ask` notices: labels taken as answers, the value each answer was
/// taken as, choices never cut, help in short lines.
@Suite struct QuestionnaireNicetiesTests {
    let kb: KnowledgeBase
    init() throws { kb = try QuestionnaireFixture.kb() }
    func q(_ id: String, in kb: KnowledgeBase) -> Question { kb.questions[kb.questionIndex[id]!] }

    @Test(arguments: [
        ("Well understood", "well_understood"), ("well understood", "well_understood"),
        ("WELL   Understood", "well_understood"), ("Well understood (boundaries are clear and stable)", "well_understood"),
        ("well u", "well_understood"), ("Stabilizing", "stabilizing"), ("exploring (boundaries still moving)", "exploring"),
    ])
    func theLabelShownIsAnAnswer(_ typed: String, _ value: String) throws {
        let real = try Project.kb()
        let question = q("domain_understanding", in: real)
        guard case .choice(let choices) = question.kind else { Issue.record("not a choice"); return }
        #expect(AnswerInput.parse(typed, for: question) == .value(try #require(choices.firstIndex { $0.value == value })))
    }

    @Test func labelsOfEveryRealChoiceAreAnswers() throws {
        let real = try Project.kb()
        for question in real.questions {
            guard case .choice(let choices) = question.kind else { continue }
            for (i, c) in choices.enumerated() {
                let short = c.label.components(separatedBy: " (")[0]
                for typed in [c.label, c.label.lowercased(), short, short.uppercased()] {
                    #expect(AnswerInput.parse(typed, for: question) == .value(i), "\(question.id): \(typed)")
                }
            }
        }
    }

    @Test func onATerminalEachAnswerIsEchoedAsTheValueTakenAs() {
        let console = ScriptedQuestionnaireConsole(["30", "Fancy"], interactive: true)
        _ = Questionnaire(kb: kb).run(console)
        #expect(console.output.contains("   → 30\n"))
        #expect(console.output.contains("   → fancy\n"))
        let enter = ScriptedQuestionnaireConsole([""], interactive: true)
        _ = Questionnaire(kb: kb).run(enter)
        #expect(enter.output.contains("   → 5\n"), "Enter takes the default, and says which")
        // Without a terminal the value follows the prompt on its line, as before.
        let piped = ScriptedQuestionnaireConsole(["30", "Fancy"])
        _ = Questionnaire(kb: kb).run(piped)
        #expect(!piped.output.contains("→"))
        #expect(piped.output.contains("[simple]: fancy\n"))
    }

    /// Every choice's whole label is shown, at any width, within the width.
    @Test(arguments: [80, 60, 40])
    func choicesAreNeverCut(_ width: Int) throws {
        let real = try Project.kb()
        let text = QuestionnaireText(kb: real, style: Style(color: false), width: width)
        for (i, question) in real.questions.enumerated() {
            guard case .choice(let choices) = question.kind else { continue }
            let shown = text.question(i, offered: 0, canGoBack: true)
            #expect(!shown.contains("…"), "\(question.id) at \(width):\n\(shown)")
            for line in shown.split(separator: "\n") { #expect(line.count <= width, "\(question.id): \(line)") }
            let words = shown.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for c in choices { #expect(words.contains(c.label), "\(question.id) at \(width): \(c.label) not whole in\n\(shown)") }
        }
    }

    @Test func aLongLabelContinuesUnderItself() throws {
        let real = try Project.kb()
        let text = QuestionnaireText(kb: real, style: Style(color: false), width: 80)
        let shown = text.question(real.questionIndex["scaling_profile"]!, offered: 0, canGoBack: false)
        #expect(shown.contains("""
                   3  very_different  Very different (parts have very different scaling
                                      needs)
            """), "\(shown)")
    }

    @Test func helpAndHintsWrapAtSixtyColumns() throws {
        let real = try Project.kb()
        let text = QuestionnaireText(kb: real, style: Style(color: true), width: 80)
        for (i, question) in real.questions.enumerated() {
            let block = text.help(i) + text.question(i, offered: question.defaultValue, canGoBack: true)
                .split(separator: "\n").filter { $0.contains("help") }.joined(separator: "\n")
            for line in block.split(separator: "\n") {
                #expect(QuestionnaireText.visibleCount(line) <= 60, "\(question.id): \(line)")
            }
            let words = QuestionnaireText.stripped(Substring(text.help(i))).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(words.contains(question.help.split(whereSeparator: \.isWhitespace).joined(separator: " ")), "\(question.id): help text lost")
        }
    }
}
