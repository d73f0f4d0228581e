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
    func compiledTemplatesRenderLikeSwiftMustache(name: String) throws {
        let request = try #require(V.all.first { $0.name == name }).request
        let reference = try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions, cache: TemplateCache(engine: .swiftMustache))
        let compiled = try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions, cache: TemplateCache(engine: .compiled))
        #expect(compiled.map(\.path) == reference.map(\.path))
        for (file, expected) in zip(compiled, reference) where file != expected {
            Issue.record("\(name): \(file.path) differs from swift-mustache's rendering")
        }
        #expect(try ScaffoldPlanner.plan(request, templates: V.templates, decisions: V.decisions) == reference)
    }

    @Test func syntaxErrorsNameTheLineOfTheWholeTemplate() throws {
        let text = String(repeating: "line\n", count: 40) + "{{#a}}\n{{/b}}\n"
        let templates = [V.layersFile, TemplateFile(path: "common/bad.txt.mustache", contents: text),
                         TemplateFile(path: "monolith/README.md", contents: "x")]
        func error(_ engine: TemplateCache.Engine) -> ScaffoldError? {
            #expect(throws: ScaffoldError.self) {
                try ScaffoldPlanner.plan(V.request("monolith"), templates: templates, decisions: V.decisions,
                                         cache: TemplateCache(engine: engine))
            }
        }
        let reference = try #require(error(.swiftMustache))
        #expect(error(.compiled) == reference)
        #expect(reference.description.hasPrefix("template common/bad.txt.mustache: line 42, column "), "\(reference)")
    }
}
