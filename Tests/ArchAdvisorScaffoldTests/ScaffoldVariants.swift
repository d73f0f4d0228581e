import ArchAdvisorCore
import ArchAdvisorScaffold
import Foundation

/// The variants every test renders, and helpers to render them from the real
/// `rules/templates/` folder of this repository.
enum ScaffoldVariants {
    /// `rules/templates/`, found relative to this file.
    static let templatesDirectory = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent()  // ArchAdvisorScaffoldTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("rules/templates")

    /// The decisions of this repository's `rules/`, which `layers.yaml` names.
    static let decisions: [TemplateLayers.DecisionValues] = {
        do {
            return .of(try RulesCompiler.compile(directory: templatesDirectory.deletingLastPathComponent()).decisions)
        } catch {
            fatalError("cannot compile \(templatesDirectory.deletingLastPathComponent().path): \(error)")
        }
    }()

    /// The real `layers.yaml`, for tests that plan from a few templates of their own.
    static var layersFile: TemplateFile {
        templates.first { $0.path == TemplateLayers.file }!
    }

    static let templates: [TemplateFile] = {
        do {
            return try TemplateLoader.load(from: templatesDirectory)
        } catch {
            fatalError("cannot load \(templatesDirectory.path): \(error)")
        }
    }()

    static let answersFile = """
        {
          "answers": {"team_size": 40, "team_count": 6, "kubernetes": true},
          "knowledge_base": "sha256:0123456789abcdef"
        }

        """

    /// A "why" section as archadvisor's report code writes it.
    static let why = """
        ### architecture: microservices

        Confidence: clear (+9 over monolith).

        Over monolith (the runner-up), these favour microservices:

        - Large teams are a reason to use microservices. (rule `large-teams-favor-services`, +3; source: 5.1 Microservices / Use when)
        """

    /// A request like the CLI builds, for one architecture.
    static func request(
        _ architecture: String,
        mesh: String? = nil,
        aggregation: Bool = true,
        project: String = "shop",
        services: [String] = ScaffoldNames.defaultServices,
        syncProtocol: String = "rest",
        messaging: String = "sync_only",
        streaming: Bool = false
    ) -> ScaffoldRequest {
        let monolith = architecture == "monolith"
        return ScaffoldRequest(
            projectName: project, services: services, architecture: architecture,
            syncProtocol: monolith ? nil : syncProtocol,
            messaging: monolith ? nil : messaging,
            aggregation: monolith ? nil : (aggregation ? "aggregation_layer" : "none"),
            mesh: mesh, streaming: streaming, answersFile: answersFile, why: why,
            decisionRecord: "---\nstatus: proposed\n---\n\n# Backend architecture: \(architecture)\n",
            diagram: "flowchart LR\n    client([Client]) --> gateway[API gateway]")
    }

    /// Every architecture and mesh variant, by a short name (also the folder name used by
    /// ``render(to:)`` and `scripts/check-scaffolds.sh`).
    static let all: [(name: String, request: ScaffoldRequest)] = [
        ("monolith", request("monolith")),
        ("microservices", request("microservices")),
        ("microservices-no-aggregation", request("microservices", aggregation: false)),
        ("mesh-istio", request("service_mesh", mesh: "istio")),
        ("mesh-linkerd", request("service_mesh", mesh: "linkerd")),
        ("mesh-istio-no-aggregation", request("service_mesh", mesh: "istio", aggregation: false)),
        ("mesh-linkerd-no-aggregation", request("service_mesh", mesh: "linkerd", aggregation: false)),
        // Issue 5: gRPC, async events, and both.
        ("microservices-grpc", request("microservices", syncProtocol: "grpc", streaming: true)),
        ("microservices-grpc-no-aggregation", request("microservices", aggregation: false, syncProtocol: "grpc")),
        ("microservices-events", request("microservices", messaging: "async_events")),
        ("microservices-events-no-aggregation", request("microservices", aggregation: false, messaging: "async_events")),
        ("mesh-linkerd-events", request("service_mesh", mesh: "linkerd", messaging: "async_events")),
        ("mesh-istio-grpc-events", request("service_mesh", mesh: "istio", syncProtocol: "grpc", messaging: "async_events", streaming: true)),
        ("mesh-linkerd-grpc-events", request("service_mesh", mesh: "linkerd", syncProtocol: "grpc", messaging: "async_events")),
        ("mesh-istio-grpc-events-no-aggregation", request("service_mesh", mesh: "istio", aggregation: false, syncProtocol: "grpc", messaging: "async_events")),
    ]

    static func plan(_ request: ScaffoldRequest) throws -> [String: PlannedFile] {
        let files = try ScaffoldPlanner.plan(request, templates: templates, decisions: ScaffoldVariants.decisions)
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) })
    }

    /// Writes every variant into `directory/<name>`.
    static func render(to directory: URL) throws {
        for variant in all {
            let files = try ScaffoldPlanner.plan(variant.request, templates: templates, decisions: ScaffoldVariants.decisions)
            try ScaffoldWriter.apply(files, to: directory.appendingPathComponent(variant.name))
        }
    }
}
