import ArchAdvisorScaffold
import Testing

/// Decisions the templates do not cover are refused with a clear error, and broken
/// templates are reported by path.
struct DecisionTests {
    typealias V = ScaffoldVariants

    @Test func unknownArchitectureIsRefused() {
        #expect(throws: ScaffoldError.unsupportedDecision(decision: "architecture", value: "serverless")) {
            try ScaffoldPlanner.plan(V.request("serverless"), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func meshArchitectureNeedsAMesh() {
        #expect(throws: ScaffoldError.unsupportedDecision(decision: "mesh", value: "null")) {
            try ScaffoldPlanner.plan(V.request("service_mesh"), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
        #expect(throws: ScaffoldError.unsupportedDecision(decision: "mesh", value: "consul")) {
            try ScaffoldPlanner.plan(V.request("service_mesh", mesh: "consul"), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func aLayerThatAppliesWithoutTemplatesIsReported() throws {
        // layers.yaml says grpc/ applies to gRPC; a knowledge base without it cannot plan one.
        let withoutGRPC = V.templates.filter { !$0.path.hasPrefix("grpc/") }
        #expect(throws: ScaffoldError.missingTemplateLayer("grpc")) {
            try ScaffoldPlanner.plan(V.request("microservices", syncProtocol: "grpc"), templates: withoutGRPC, decisions: ScaffoldVariants.decisions)
        }
        _ = try ScaffoldPlanner.plan(V.request("microservices"), templates: withoutGRPC, decisions: ScaffoldVariants.decisions)
        let withoutEvents = V.templates.filter { !$0.path.hasPrefix("events") }
        #expect(throws: ScaffoldError.missingTemplateLayer("events")) {
            try ScaffoldPlanner.plan(V.request("microservices", messaging: "async_events"), templates: withoutEvents, decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func eventLayersFollowTheProtocol() throws {
        let templates = [
            V.layersFile,
            TemplateFile(path: "common/x.txt", contents: "common"),
            TemplateFile(path: "microservices/y.txt", contents: "y"),
            TemplateFile(path: "grpc/g.txt", contents: "g"),
            TemplateFile(path: "istio/i.txt", contents: "i"),
            TemplateFile(path: "events/x.txt", contents: "events"),
            TemplateFile(path: "events-rest/r.txt", contents: "rest"),
            TemplateFile(path: "events-grpc/x.txt", contents: "events-grpc"),
        ]
        let grpcIstio = try ScaffoldPlanner.plan(
            V.request("service_mesh", mesh: "istio", aggregation: false, syncProtocol: "grpc", messaging: "async_events"),
            templates: templates, decisions: ScaffoldVariants.decisions)
        #expect(grpcIstio == [
            PlannedFile(path: "g.txt", contents: "g", isExecutable: false),
            PlannedFile(path: "i.txt", contents: "i", isExecutable: false),
            PlannedFile(path: "x.txt", contents: "events-grpc", isExecutable: false),
            PlannedFile(path: "y.txt", contents: "y", isExecutable: false),
        ])
        let rest = try ScaffoldPlanner.plan(V.request("microservices", aggregation: false, messaging: "async_events"), templates: templates, decisions: ScaffoldVariants.decisions)
        #expect(rest.map(\.path) == ["r.txt", "x.txt", "y.txt"])
        #expect(rest.first { $0.path == "x.txt" }?.contents == "events")
    }

    @Test func asyncEventsAreNotedInTheReadme() throws {
        let files = try V.plan(V.request("microservices", messaging: "async_events"))
        #expect(try #require(files["README.md"]).contents.contains("## Async events"))
        #expect(!(try #require(V.plan(V.request("microservices"))["README.md"]).contents.contains("## Async events")))
    }

    @Test func aMissingLayerIsReported() {
        let withoutIstio = V.templates.filter { !$0.path.hasPrefix("istio/") }
        #expect(throws: ScaffoldError.missingTemplateLayer("istio")) {
            try ScaffoldPlanner.plan(V.request("service_mesh", mesh: "istio"), templates: withoutIstio, decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func templateProblemsNameTheTemplate() {
        let base = [V.layersFile, TemplateFile(path: "monolith/README.md.mustache", contents: "x")]
        #expect(throws: ScaffoldError.templateSyntax(path: "common/bad.mustache", message: "line 1, column 10: Mustache syntax error (sectionCloseNameIncorrect)")) {
            try ScaffoldPlanner.plan(V.request("monolith"), templates: base + [TemplateFile(path: "common/bad.mustache", contents: "{{#a}}{{/b}}")], decisions: ScaffoldVariants.decisions)
        }
        #expect(throws: ScaffoldError.unsafeTemplatePath(template: "common/{{detailsPath}}/../../x", rendered: "product-details/../../x")) {
            try ScaffoldPlanner.plan(V.request("monolith"), templates: base + [TemplateFile(path: "common/{{detailsPath}}/../../x", contents: "")], decisions: ScaffoldVariants.decisions)
        }
        #expect(throws: ScaffoldError.ambiguousTemplatePath("common/{{service}}-{{deployable}}")) {
            try ScaffoldPlanner.plan(V.request("monolith"), templates: base + [TemplateFile(path: "common/{{service}}-{{deployable}}", contents: "")], decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func verbatimFilesAndPartialsFollowTheConvention() throws {
        let templates = [
            V.layersFile,
            TemplateFile(path: "README.md", contents: "not emitted"),
            TemplateFile(path: "partials/hello.mustache", contents: "hello {{project}}"),
            TemplateFile(path: "common/copied.txt", contents: "{{kept}}"),
            TemplateFile(path: "common/greeting.txt.mustache", contents: "{{> hello}}!"),
            TemplateFile(path: "monolith/{{service}}.txt.mustache", contents: "{{Service}} in {{project}}"),
            TemplateFile(path: "monolith/tool.sh.mustache", contents: "#!/bin/sh\n"),
        ]
        let files = try ScaffoldPlanner.plan(V.request("monolith", services: ["a", "b-c"]), templates: templates, decisions: ScaffoldVariants.decisions)
        #expect(files == [
            PlannedFile(path: "a.txt", contents: "A in shop", isExecutable: false),
            PlannedFile(path: "b-c.txt", contents: "BC in shop", isExecutable: false),
            PlannedFile(path: "copied.txt", contents: "{{kept}}", isExecutable: false),
            PlannedFile(path: "greeting.txt", contents: "hello shop!", isExecutable: false),
            PlannedFile(path: "tool.sh", contents: "#!/bin/sh\n", isExecutable: true),
        ])
    }

    @Test func aLaterLayerReplacesAnEarlierFile() throws {
        let templates = [
            V.layersFile,
            TemplateFile(path: "common/x.txt", contents: "common"),
            TemplateFile(path: "microservices/x.txt", contents: "microservices"),
            TemplateFile(path: "istio/x.txt", contents: "istio"),
        ]
        let files = try ScaffoldPlanner.plan(V.request("service_mesh", mesh: "istio", aggregation: false), templates: templates, decisions: ScaffoldVariants.decisions)
        #expect(files == [PlannedFile(path: "x.txt", contents: "istio", isExecutable: false)])
    }
}
