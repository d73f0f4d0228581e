import ArchAdvisorCore
import ArchAdvisorScaffold
import Testing

/// Which layers a project gets is said by the knowledge base's `layers.yaml`, not by the
/// scaffolder: a knowledge base with its own file gets its own layers, in its order, and
/// a layer fills the slots (partials) the common files include.
struct LayersTests {
    typealias V = ScaffoldVariants

    /// The decisions of this repository plus a `broker` decision, as a team's own
    /// knowledge base might add one to offer Kafka beside the outbox.
    static let decisions = V.decisions + [TemplateLayers.DecisionValues(id: "broker", options: ["outbox", "kafka"])]

    static func layers(_ entries: [(String, String)]) -> TemplateFile {
        TemplateFile(path: "layers.yaml", contents: "layers:\n" + entries.map { "  - folder: \($0.0)\n    when: '\($0.1)'\n" }.joined())
    }

    static func plan(_ request: ScaffoldRequest, _ templates: [TemplateFile]) throws -> [String: String] {
        let files = try ScaffoldPlanner.plan(request, templates: templates, decisions: decisions)
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) })
    }

    @Test func aCustomLayersFileDecidesTheLayersAndTheirOrder() throws {
        let files = [
            TemplateFile(path: "base/x.txt", contents: "base"),
            TemplateFile(path: "kafka/x.txt", contents: "kafka"),
            TemplateFile(path: "kafka/k.txt", contents: "k"),
            TemplateFile(path: "never/n.txt", contents: "n"),
        ]
        let kafkaLast = [Self.layers([("base", "true"), ("kafka", #"broker == "kafka""#), ("never", "false")])] + files
        var request = V.request("microservices", messaging: "async_events")
        request.decisions = ["broker": "kafka"]
        #expect(try Self.plan(request, kafkaLast) == ["x.txt": "kafka", "k.txt": "k"])
        let kafkaFirst = [Self.layers([("kafka", #"broker == "kafka""#), ("base", "true")])] + files
        #expect(try Self.plan(request, kafkaFirst) == ["x.txt": "base", "k.txt": "k"])
        request.decisions = ["broker": "outbox"]
        #expect(try Self.plan(request, kafkaLast) == ["x.txt": "base"])
        // The request's own fields win over `decisions` for the decisions they name.
        request.decisions = ["broker": "kafka", "architecture": "monolith"]
        let byArchitecture = [Self.layers([("base", #"architecture == "microservices""#)])] + files
        #expect(try Self.plan(request, byArchitecture) == ["x.txt": "base"])
    }

    @Test func aDecidedValueNoDecisionHasIsRefused() {
        var request = V.request("microservices")
        request.decisions = ["broker": "rabbitmq"]
        #expect(throws: ScaffoldError.unsupportedDecision(decision: "broker", value: "rabbitmq")) {
            try Self.plan(request, [Self.layers([("base", "true")]), TemplateFile(path: "base/x.txt", contents: "x")])
        }
    }

    @Test func aBrokenOrMissingLayersFileIsATemplateError() {
        let base = TemplateFile(path: "base/x.txt", contents: "x")
        #expect(throws: ScaffoldError.templateSyntax(path: "layers.yaml", message: "missing: the knowledge base does not say which layers apply")) {
            try Self.plan(V.request("monolith"), [base])
        }
        let error = #expect(throws: ScaffoldError.self) {
            try Self.plan(V.request("monolith"), [Self.layers([("base", #"mesh == "consul""#)]), base])
        }
        #expect(error?.description.contains("line 3, column 20: 'mesh' has no choice \"consul\"") == true, "\(String(describing: error))")
    }

    @Test func theLastAppliedLayerFillsASlotAndAbsentLayersLeaveTheDefault() throws {
        let templates = [
            Self.layers([("base", "true"), ("outbox", #"broker == "outbox""#), ("kafka", #"broker == "kafka""#)]),
            TemplateFile(path: "base/compose.yaml.mustache", contents: "services:\n{{> broker.yaml}}\nend\n"),
            TemplateFile(path: "partials/broker.yaml.mustache", contents: ""),
            TemplateFile(path: "partials/outbox/broker.yaml.mustache", contents: "  postgres: {{project}}\n"),
            TemplateFile(path: "partials/kafka/broker.yaml.mustache", contents: "  kafka: {{project}}\n"),
            TemplateFile(path: "outbox/o.txt", contents: "o"),
            TemplateFile(path: "kafka/k.txt", contents: "k"),
        ]
        var request = V.request("microservices")
        #expect(try Self.plan(request, templates)["compose.yaml"] == "services:\nend\n")
        request.decisions = ["broker": "outbox"]
        #expect(try Self.plan(request, templates)["compose.yaml"] == "services:\n  postgres: shop\nend\n")
        request.decisions = ["broker": "kafka"]
        #expect(try Self.plan(request, templates)["compose.yaml"] == "services:\n  kafka: shop\nend\n")
    }

    /// The common files name no broker: the outbox and its relay come from the events layer's
    /// slots. PostgreSQL is every variant's store (a service's own database), not the broker's.
    @Test func commonFilesCarryNoBrokerText() throws {
        for template in V.templates where template.path.hasPrefix("common/") || template.path == "microservices/Package.swift.mustache" {
            for word in ["asyncEvents", "Events}}", "outbox", "Eventing", "UsesPostgres", "UsesBroker}}", "relay", "RELAY_"] {
                #expect(!template.contents.contains(word), "\(template.path) mentions \(word)")
            }
        }
        let events = try V.plan(V.request("microservices", messaging: "async_events"))
        #expect(try #require(events["Package.swift"]).contents.contains(#"name: "Eventing""#))
        let sync = try V.plan(V.request("microservices"))
        #expect(try #require(sync["compose.yaml"]).contents.contains("  postgres:\n    image: postgres:16-alpine\n"))
        #expect(!(try #require(sync["Package.swift"]).contents.contains("Eventing")))
    }
}
