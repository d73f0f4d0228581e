import Foundation
import Testing
@testable import ArchAdvisorCore

/// `ask` from start to end in memory: summary, recommendation, saving, part-way endings.
@Suite struct QuestionnaireSessionTests {
    let kb: KnowledgeBase
    init() throws { kb = try QuestionnaireFixture.kb() }

    func session(save: String? = nil) -> AskSession {
        var options = AskSession.Options(savePath: save)
        options.resumePaths = ["resume.json", "/tmp/resume.json"]
        return AskSession(kb: kb, options: options)
    }

    @Test func endsWithTheSummaryTheRecommendationAndTheSave() {
        let console = ScriptedQuestionnaireConsole(["30", "fancy"])
        let files = MemoryAnswerFiles()
        let result = session(save: "a.json").run(console: console, files: files)
        #expect(result.status == .finished(savedTo: "a.json"))
        #expect(result.exitCode == 0)
        #expect(files.files["a.json"] == "{\n  \"size\": 30,\n  \"style\": \"fancy\"\n}\n")
        let out = console.output
        #expect(out.contains("Your answers\n"))
        #expect(out.contains("  size     30\n"))
        #expect(out.contains("  cluster  no     default, not needed\n"))
        #expect(out.contains("  nodes    1      default, not asked (cluster)\n"))
        // The same view as `evaluate --format table`.
        let table = TextReport(kb: kb, style: Style(color: false)).table(input: "Recommendation", outcome: .evaluated(Evaluator(kb: kb).evaluate(result.questionnaire.answers)))
        #expect(out.contains(QuestionnaireText(kb: kb, style: Style(color: false)).fit(table)))
        for line in out.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
        #expect(out.contains("Saved the answers to a.json."))
        #expect(out.range(of: "Your answers")!.lowerBound < out.range(of: "Recommendation")!.lowerBound)
    }

    @Test func acceptedDefaultsAreMarkedAndSaved() {
        let console = ScriptedQuestionnaireConsole(["", ""])
        let files = MemoryAnswerFiles()
        _ = session(save: "a.json").run(console: console, files: files)
        #expect(console.output.contains("  size     5       default\n"))
        #expect(files.files["a.json"] == "{\n  \"size\": 5,\n  \"cluster\": false\n}\n")
    }

    @Test func withoutATerminalAnExistingFileIsNotOverwritten() {
        let console = ScriptedQuestionnaireConsole(["1"])
        let files = MemoryAnswerFiles(["a.json": "keep", "a-2.json": "keep too"])
        let result = session(save: "a.json").run(console: console, files: files)
        #expect(result.status == .finished(savedTo: "a-3.json"))
        #expect(files.files["a.json"] == "keep")
        #expect(files.files["a-2.json"] == "keep too")
        #expect(files.files["a-3.json"] == "{\n  \"size\": 1\n}\n")
        #expect(console.output.contains("a.json exists; not overwriting it."))
        #expect(console.output.contains("Saved the answers to a-3.json."))
    }

    @Test func onATerminalOverwritingNeedsConfirmation() {
        let files = MemoryAnswerFiles(["a.json": "keep"])
        let declined = ScriptedQuestionnaireConsole(["1", "n", "b.json"], interactive: true)
        #expect(session(save: "a.json").run(console: declined, files: files).status == .finished(savedTo: "b.json"))
        #expect(files.files["a.json"] == "keep")
        #expect(declined.prompts.suffix(2) == [.overwrite("a.json"), .saveName])

        let confirmed = ScriptedQuestionnaireConsole(["1", "y"], interactive: true)
        #expect(session(save: "a.json").run(console: confirmed, files: files).status == .finished(savedTo: "a.json"))
        #expect(files.files["a.json"] == "{\n  \"size\": 1\n}\n")
    }

    @Test func onATerminalWithoutSaveItAsksWhere() {
        let files = MemoryAnswerFiles(["archadvisor-answers.json": "old"])
        let console = ScriptedQuestionnaireConsole(["1", ""], interactive: true)
        let result = session().run(console: console, files: files)
        // The suggested name is fresh when the default one exists.
        #expect(console.output.contains("Name [archadvisor-answers-2.json]"))
        #expect(result.status == .finished(savedTo: "archadvisor-answers-2.json"))

        let no = ScriptedQuestionnaireConsole(["1", "no"], interactive: true)
        #expect(session().run(console: no, files: MemoryAnswerFiles()).status == .finished(savedTo: nil))
    }

    @Test func withoutATerminalOrSaveNothingIsWritten() {
        let console = ScriptedQuestionnaireConsole(["1"])
        let files = MemoryAnswerFiles()
        #expect(session().run(console: console, files: files).status == .finished(savedTo: nil))
        #expect(files.files.isEmpty)
        #expect(console.output.contains("add --save FILE"))
    }

    @Test func interruptedSavesTheAnswersSoFarToTheResumeFile() throws {
        let console = ScriptedQuestionnaireConsole(["5", "y"], then: .interrupted)
        let files = MemoryAnswerFiles(["resume.json": "older"])
        let result = session().run(console: console, files: files)
        #expect(result.status == .interrupted(savedTo: "resume-2.json"))
        #expect(result.exitCode == 130)
        #expect(files.files["resume.json"] == "older")
        let saved = try #require(files.files["resume-2.json"])
        #expect(saved == "{\n  \"size\": 5,\n  \"cluster\": true\n}\n")
        #expect(console.output.contains("Interrupted with 2 of 5 answers given."))
        #expect(console.output.contains("Continue with: archadvisor ask --answers resume-2.json\n"))
        #expect(!console.output.contains("Your answers"))

        // Resuming from it asks only what is missing.
        let again = ScriptedQuestionnaireConsole(["12", "2"])
        let resumed = session(save: "done.json").run(console: again, files: files, starting: try kb.answers(saved))
        #expect(again.questionsRead == ["nodes", "style"])
        #expect(resumed.status == .finished(savedTo: "done.json"))
    }

    @Test func endOfInputSavesToTheSaveFileAndExitsTwo() {
        let console = ScriptedQuestionnaireConsole(["5"])
        let files = MemoryAnswerFiles()
        let result = session(save: "mine.json").run(console: console, files: files)
        #expect(result.status == .endOfInput(savedTo: "mine.json"))
        #expect(result.exitCode == 2)
        #expect(files.files["mine.json"] == "{\n  \"size\": 5\n}\n")
        #expect(console.output.contains("The input ended with 1 of 5 answers given."))
    }

    @Test func anUnwritablePlaceFallsBackToTheNextResumePath() {
        let console = ScriptedQuestionnaireConsole(["5"], then: .interrupted)
        let files = MemoryAnswerFiles()
        files.readOnly = ["resume.json"]
        let result = session().run(console: console, files: files)
        #expect(result.status == .interrupted(savedTo: "/tmp/resume.json"))
        #expect(console.output.contains("Cannot write resume.json: permission denied."))
    }

    @Test func interruptedAtTheSavePromptStillSaves() {
        let console = ScriptedQuestionnaireConsole(["1"], interactive: true, then: .interrupted)
        let files = MemoryAnswerFiles()
        let result = session().run(console: console, files: files)
        #expect(result.status == .interrupted(savedTo: "resume.json"))
        #expect(files.files["resume.json"] == "{\n  \"size\": 1\n}\n")
    }

    @Test func longLinesAreWrappedToTheWidthKeepingEscapeCodes() {
        let style = Style(color: true)
        let text = QuestionnaireText(kb: kb, style: style, width: 40)
        let line = "      \(style.dim)•\(style.reset) rest +2 REST is simple HTTP/JSON that every engineer already understands. \(style.dim)[5.2 REST]\(style.reset)"
        let fitted = text.fit(line + "\nshort")
        let plain = fitted.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(plain == """
                  • rest +2 REST is simple HTTP/JSON
                    that every engineer already
                    understands. [5.2 REST]
            short
            """)
        #expect(fitted.contains(style.dim))
    }

    @Test func freshNames() {
        let taken: Set<String> = ["a-2.json", "dir.v1/x-2"]
        #expect(AskSession.freshName(for: "a.json", exists: taken.contains) == "a-3.json")
        #expect(AskSession.freshName(for: "dir.v1/x", exists: taken.contains) == "dir.v1/x-3")
        #expect(AskSession.freshName(for: ".hidden", exists: taken.contains) == ".hidden-2")
    }
}

/// Reading what a user types.
@Suite struct QuestionnaireInputTests {
    let kb: KnowledgeBase
    init() throws { kb = try QuestionnaireFixture.kb() }
    func q(_ id: String) -> Question { kb.questions[kb.questionIndex[id]!] }

    @Test(arguments: [
        ("", AnswerInput.useDefault), ("  ", .useDefault), ("?", .help), ("help", .help), ("<", .back), ("back", .back),
        (" 42 ", .value(42)), ("+7", .value(7)),
        ("4x", .invalid("\"4x\" is not a whole number; expected an integer from 1 to 100")),
        ("0", .invalid("0 is out of range; expected an integer from 1 to 100")),
        ("99999999999999999999999", .invalid("99999999999999999999999 is out of range; expected an integer from 1 to 100")),
    ])
    func integers(_ text: String, _ expected: AnswerInput) {
        #expect(AnswerInput.parse(text, for: q("size")) == expected)
    }

    @Test func booleans() {
        for yes in ["y", "Yes", "TRUE"] { #expect(AnswerInput.parse(yes, for: q("cluster")) == .value(1)) }
        for no in ["n", "no", "False"] { #expect(AnswerInput.parse(no, for: q("cluster")) == .value(0)) }
        #expect(AnswerInput.parse("1", for: q("cluster")) == .invalid("\"1\" is not yes or no; answer y or n"))
    }

    @Test func choices() {
        #expect(AnswerInput.parse("3", for: q("style")) == .invalid("3 is not a choice; expected 1 to 2 or simple, fancy"))
        #expect(AnswerInput.parse("fnacy", for: q("style")) == .invalid("\"fnacy\" is not a choice (did you mean fancy?); expected 1 to 2 or simple, fancy"))
    }
}
