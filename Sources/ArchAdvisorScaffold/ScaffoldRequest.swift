/// A template file as stored in the knowledge base: its path below `rules/templates/`
/// and its text.
public struct TemplateFile: Sendable, Equatable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// Everything the scaffolder needs to know about a decision: plain values, so planning
/// does not depend on how the decision was made.
public struct ScaffoldRequest: Sendable, Equatable {
    public var projectName: String
    public var services: [String]
    /// `monolith`, `microservices` or `service_mesh`.
    public var architecture: String
    /// `rest` or `grpc`; nil for a monolith.
    public var syncProtocol: String?
    /// `async_events` or `sync_only`; nil for a monolith.
    public var messaging: String?
    /// `aggregation_layer` or `none`; nil for a monolith.
    public var aggregation: String?
    /// `istio` or `linkerd`; nil unless the architecture is `service_mesh`.
    public var mesh: String?
    /// Whether internal calls need streaming (the answer to `streaming_required`). With
    /// `sync_protocol` `grpc`, every service's contract gets a server-streaming call.
    public var streaming: Bool
    /// The full text of `.archadvisor/answers.json` (answers and knowledge-base hash).
    public var answersFile: String
    /// The README's "why" section (Markdown, one `### decision: choice` part per
    /// decision), made by archadvisor's report code from the decisions' contrasts.
    public var why: String
    /// The decision record (MADR) written to `docs/adr/0001-architecture.md`.
    public var decisionRecord: String
    /// A Mermaid flowchart of the architecture, embedded in the README.
    public var diagram: String
    /// Every decided value (decision id to option; a decision that does not apply is left
    /// out), for the `when:` conditions of `layers.yaml`. The fields above win for the
    /// decisions they name, so this may be empty when the layers read only those.
    public var decisions: [String: String]

    public init(
        projectName: String, services: [String], architecture: String,
        syncProtocol: String?, messaging: String?, aggregation: String?, mesh: String?,
        streaming: Bool = false,
        answersFile: String, why: String, decisionRecord: String = "", diagram: String = "",
        decisions: [String: String] = [:]
    ) {
        self.decisions = decisions
        self.streaming = streaming
        self.decisionRecord = decisionRecord
        self.diagram = diagram
        self.projectName = projectName
        self.services = services
        self.architecture = architecture
        self.syncProtocol = syncProtocol
        self.messaging = messaging
        self.aggregation = aggregation
        self.mesh = mesh
        self.answersFile = answersFile
        self.why = why
    }
}
