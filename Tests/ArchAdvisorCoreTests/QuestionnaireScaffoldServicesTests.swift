import Testing
@testable import ArchAdvisorCore

/// The scaffold offer says which services the project will have, and asks nothing more.
@Suite struct QuestionnaireScaffoldServicesTests {
    @Test func theOfferNamesTheServices() throws {
        let session = AskSession(kb: try QuestionnaireFixture.kb(), options: .init())
        let console = ScriptedQuestionnaireConsole(["y", "", ""])
        let services = ["product", "inventory", "reviews", "service-4"]
        let answer = session.offerScaffold(console: console, services: services, because: "one per service_count") { _ in nil }
        #expect(answer?.name == "backend")
        let words = console.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("It will have 4 services (one per service_count): product, inventory, reviews, service-4."))
        #expect(console.prompts == [.scaffoldConfirm, .scaffoldName, .scaffoldDirectory])
        // Declined: nothing about services.
        let no = ScriptedQuestionnaireConsole(["n"])
        #expect(session.offerScaffold(console: no, services: services) { _ in nil } == nil)
        #expect(!no.output.contains("service-4"))
    }
}
