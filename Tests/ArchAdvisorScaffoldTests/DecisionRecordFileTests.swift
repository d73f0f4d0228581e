import Testing
@testable import ArchAdvisorScaffold

/// Issue 6: every scaffolded project carries its decision record and embeds the diagram.
@Suite struct DecisionRecordFileTests {
    @Test(arguments: ScaffoldVariants.all.map(\.name))
    func recordAndDiagramAreInEveryProject(_ name: String) throws {
        let request = try #require(ScaffoldVariants.all.first { $0.name == name }?.request)
        let files = try ScaffoldVariants.plan(request)
        let adr = try #require(files["docs/adr/0001-architecture.md"], "no ADR in \(name)")
        #expect(adr.contents.hasPrefix(request.decisionRecord))
        let readme = try #require(files["README.md"])
        #expect(readme.contents.contains("```mermaid\n" + request.diagram + "\n```"))
        #expect(readme.contents.contains("docs/adr/0001-architecture.md"))
    }

    @Test func noDiagramNoMermaidBlock() throws {
        var request = ScaffoldVariants.request("microservices")
        request.diagram = ""
        let files = try ScaffoldVariants.plan(request)
        #expect(!(files["README.md"]?.contents.contains("```mermaid") ?? true))
    }
}
