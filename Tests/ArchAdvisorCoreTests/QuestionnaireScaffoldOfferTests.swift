import Testing
@testable import ArchAdvisorCore

/// The end of `ask`: what would change the architecture, and the offer to scaffold.
@Suite struct QuestionnaireScaffoldOfferTests {
    let kb: KnowledgeBase
    init() throws { kb = try QuestionnaireFixture.kb() }

    func validate(_ name: String) -> String? { name.contains("/") ? "no slashes" : nil }

    @Test func declinedOrEndedOfferScaffoldsNothing() {
        let session = AskSession(kb: kb, options: .init())
        for script in [["n"], [""], ["no"]] {
            let console = ScriptedQuestionnaireConsole(script)
            #expect(session.offerScaffold(console: console, validateName: validate) == nil)
        }
        let ended = ScriptedQuestionnaireConsole(["y"])
        #expect(session.offerScaffold(console: ended, validateName: validate) == nil)
    }

    @Test func acceptedOfferAsksNameAndDirectoryWithDefaults() {
        let session = AskSession(kb: kb, options: .init())
        let console = ScriptedQuestionnaireConsole(["y", "", ""])
        let answer = session.offerScaffold(console: console, defaultName: "backend", validateName: validate)
        #expect(answer?.name == "backend")
        #expect(answer?.directory == "backend")
        #expect(console.prompts == [.scaffoldConfirm, .scaffoldName, .scaffoldDirectory])
    }

    @Test func aBadNameIsAskedAgainWithTheReason() {
        let session = AskSession(kb: kb, options: .init())
        let console = ScriptedQuestionnaireConsole(["yes", "a/b", "shop", "/tmp/shop"])
        let answer = session.offerScaffold(console: console, validateName: validate)
        #expect(answer?.name == "shop")
        #expect(answer?.directory == "/tmp/shop")
        #expect(console.output.contains("no slashes"))
        #expect(console.prompts == [.scaffoldConfirm, .scaffoldName, .scaffoldName, .scaffoldDirectory])
    }

    @Test func theEndShowsWhatWouldChangeTheArchitecture() throws {
        let real = try Project.kb()
        let console = ScriptedQuestionnaireConsole([], interactive: false)
        let session = AskSession(kb: real, options: .init())
        guard case .success(let answers) = AnswerReader(kb: real).read(Array(#"{"team_size": 8, "service_count": 6, "domain_understanding": "well_understood"}"#.utf8)) else {
            Issue.record("answers do not read")
            return
        }
        let text = session.whatIf(answers)
        #expect(text.contains("What would change the architecture:"))
        #expect(text.contains("• with "))
        _ = console
    }
}
