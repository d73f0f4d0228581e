import Testing
@testable import ArchAdvisorCore

/// `ask --answers FILE`: how many answers came from FILE, and at the end FILE updated
/// only after a yes on a terminal, never without one.
@Suite struct QuestionnaireResumeTests {
    let kb: KnowledgeBase
    init() throws { kb = try QuestionnaireFixture.kb() }

    func session(answers path: String, extra: [String] = []) -> AskSession {
        var options = AskSession.Options()
        options.answersPath = path
        options.answersFileExtraKeys = extra
        options.resumePaths = ["resume.json"]
        return AskSession(kb: kb, options: options)
    }

    func starting(_ json: String) throws -> AnswerSet {
        guard case .success(let answers) = AnswerReader(kb: kb).read(Array(json.utf8)) else { throw AskError() }
        return answers
    }
    struct AskError: Error {}

    @Test func resumingSaysHowManyAnswersCameFromTheFile() throws {
        let console = ScriptedQuestionnaireConsole(["fancy"])
        let files = MemoryAnswerFiles(["start.json": "{}"])
        _ = session(answers: "start.json").run(console: console, files: files, starting: try starting(#"{"size": 30, "cluster": false}"#))
        #expect(console.output.hasPrefix("\nLoaded 2 answers from start.json; asking only what they do not answer.\n"))
    }

    @Test func withoutATerminalTheStartingFileIsNeverOverwritten() throws {
        let console = ScriptedQuestionnaireConsole(["fancy"])
        let files = MemoryAnswerFiles(["start.json": "original", "start-2.json": "taken"])
        let result = session(answers: "start.json").run(console: console, files: files, starting: try starting(#"{"size": 30}"#))
        #expect(result.status == .finished(savedTo: "start-3.json"))
        #expect(files.files["start.json"] == "original")
        #expect(files.files["start-3.json"] == "{\n  \"size\": 30,\n  \"style\": \"fancy\"\n}\n")
        #expect(console.output.contains("Not overwriting start.json, the answers file this session started from."))
        #expect(console.output.contains("Saved the answers to start-3.json."))
    }

    @Test func onATerminalTheStartingFileIsUpdatedOnlyAfterAYes() throws {
        let answers = try starting(#"{"size": 30}"#)
        let yes = ScriptedQuestionnaireConsole(["fancy", "y"], interactive: true)
        let files = MemoryAnswerFiles(["start.json": "original"])
        #expect(session(answers: "start.json", extra: ["x-owner"]).run(console: yes, files: files, starting: answers).status == .finished(savedTo: "start.json"))
        #expect(yes.prompts.last == .overwrite("start.json"))
        #expect(yes.output.contains("Update start.json with these answers (its x-owner would not be kept)? [y/N] "))
        #expect(files.files["start.json"] == "{\n  \"size\": 30,\n  \"style\": \"fancy\"\n}\n")

        let no = ScriptedQuestionnaireConsole(["fancy", "n", ""], interactive: true)
        let kept = MemoryAnswerFiles(["start.json": "original"])
        #expect(session(answers: "start.json").run(console: no, files: kept, starting: answers).status == .finished(savedTo: "start-2.json"))
        #expect(kept.files["start.json"] == "original")
        #expect(no.output.contains("Name [start-2.json]"))
    }

    @Test func nothingNewMeansNothingToUpdate() throws {
        let console = ScriptedQuestionnaireConsole([], interactive: true)
        let files = MemoryAnswerFiles(["start.json": "as typed"])
        let answers = try starting(#"{"size": 1, "style": "simple", "cluster": false, "extra": false}"#)
        let result = session(answers: "start.json").run(console: console, files: files, starting: answers)
        #expect(result.status == .finished(savedTo: "start.json"))
        #expect(files.files == ["start.json": "as typed"])
        #expect(console.output.contains("start.json already holds these answers."))
    }
}
