import ArchAdvisorScaffold
import Testing

/// Each template is parsed once per run however many services it is rendered for, text
/// without tags is never parsed, and cutting long templates into pieces changes nothing.
struct TemplateCacheTests {
    typealias V = ScaffoldVariants

    @Test func eachTemplateIsParsedOncePerRun() throws {
        let request = V.request("service_mesh", mesh: "istio", services: (1...12).map { "service-\($0)" },
                                syncProtocol: "grpc", messaging: "async_events", streaming: true)
        let applied = ["common", "microservices", "aggregation", "grpc", "istio", "events", "events-grpc"]
        // Distinct texts with tags: the paths and bodies of the applied layers, and the partials used.
        var texts = Set<String>()
        for template in V.templates {
            guard let slash = template.path.firstIndex(of: "/") else { continue }
            let layer = String(template.path[..<slash])
            if layer == "partials" {
                let name = template.path.dropFirst("partials/".count)
                if !template.contents.isEmpty && (!name.contains("/") || name.hasPrefix("events/")) { texts.insert(template.contents) }
                continue
            }
            guard applied.contains(layer) else { continue }
            var path = String(template.path[template.path.index(after: slash)...])
            if path.hasSuffix(".mustache") {
                path.removeLast(".mustache".count)
                if template.contents.contains("{{") { texts.insert(template.contents) }
            }
            if path.contains("{{") { texts.insert(path) }
        }
        let cache = TemplateCache()
        let files = try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions, cache: cache)
        #expect(cache.parseCount == texts.count)
        #expect(files.count > texts.count, "per-service files are rendered many times from one parse")
        // A second plan with the same cache parses nothing.
        _ = try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions, cache: cache)
        #expect(cache.parseCount == texts.count)
    }

    @Test func textWithoutTagsIsNeverParsed() throws {
        let templates = [V.layersFile,
                         TemplateFile(path: "common/plain.txt.mustache", contents: "no tags here\n"),
                         TemplateFile(path: "common/verbatim.swift", contents: "let x = \"{{kept}}\"\n"),
                         TemplateFile(path: "monolith/README.md.mustache", contents: "# readme\n")]
        let cache = TemplateCache()
        let files = try ScaffoldPlanner.plan(V.request("monolith"), templates: templates, decisions: V.decisions, cache: cache)
        #expect(cache.parseCount == 0)
        #expect(files.map(\.contents) == ["# readme\n", "no tags here\n", "let x = \"{{kept}}\"\n"])
    }

    @Test(arguments: V.all.map(\.name))
    func piecesRenderLikeTheWholeTemplate(name: String) throws {
        let request = try #require(V.all.first { $0.name == name }).request
        let whole = try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions, cache: TemplateCache(pieceLength: .max))
        let pieces = try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions, cache: TemplateCache(pieceLength: 1))
        #expect(pieces == whole)
        #expect(try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions) == whole)
    }

    /// Cuts inside flag sections, inline sections, inverted sections and lists: every
    /// line end is a candidate with a piece length of 1.
    @Test(arguments: [
        "{{#microservices}}\nab{{#aggregation}}, c\nd{{/aggregation}}.\n\n{{/microservices}}\n",
        "x {{^grpc}}y\nz\n{{/grpc}} w\n{{#services}}\n- {{service}}\n  {{#isLast}}last\n{{/isLast}}\n{{/services}}\nend",
        "{{#project}}\n{{.}}\n{{/project}}\n{{#deployables}}\n{{#deployableCallers}}\n{{caller}}\n{{/deployableCallers}}\n{{/deployables}}\n",
    ])
    func cutsRenderLikeTheWholeText(text: String) throws {
        let templates = [V.layersFile, TemplateFile(path: "common/t.txt.mustache", contents: text),
                         TemplateFile(path: "microservices/x", contents: ""), TemplateFile(path: "aggregation/y", contents: "")]
        let request = V.request("microservices")
        let whole = try ScaffoldPlanner.plan(request, templates: templates, decisions: V.decisions, cache: TemplateCache(pieceLength: .max))
        let pieces = try ScaffoldPlanner.plan(request, templates: templates, decisions: V.decisions, cache: TemplateCache(pieceLength: 1))
        #expect(pieces == whole)
    }

    @Test func syntaxErrorsNameTheLineOfTheWholeTemplate() throws {
        let text = String(repeating: "line\n", count: 40) + "{{#a}}\n{{/b}}\n"
        let templates = [V.layersFile, TemplateFile(path: "common/bad.txt.mustache", contents: text),
                         TemplateFile(path: "monolith/README.md", contents: "x")]
        func error(pieceLength: Int) -> ScaffoldError? {
            #expect(throws: ScaffoldError.self) {
                try ScaffoldPlanner.plan(V.request("monolith"), templates: templates, decisions: V.decisions,
                                         cache: TemplateCache(pieceLength: pieceLength))
            }
        }
        let whole = try #require(error(pieceLength: .max))
        #expect(error(pieceLength: 16) == whole)
        #expect(whole.description.hasPrefix("template common/bad.txt.mustache: line 42, column "), "\(whole)")
    }
}
