/// A Mermaid flowchart of the chosen architecture: client, aggregation layer, services,
/// their data stores, the broker, sidecars and the control plane where they apply.
public struct MermaidDiagram: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    public static let defaultServices = ["product", "inventory", "reviews"]

    public func render(_ e: Evaluation, services: [String] = MermaidDiagram.defaultServices) -> String {
        let architecture = e.choice("architecture", in: kb)
        let sync = e.choice("sync_protocol", in: kb) ?? "rest"
        let messaging = e.choice("messaging", in: kb)
        let aggregation = e.choice("aggregation", in: kb)
        let mesh = e.choice("mesh", in: kb)
        let protocolLabel = sync == "grpc" ? "gRPC" : "HTTP/JSON"
        var out = "flowchart LR\n    client([Client])\n"
        func id(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "_") }
        guard let architecture, architecture != "monolith" else {
            out += "    gateway[API gateway]\n    subgraph app [Modular monolith: one deployable]\n"
            for s in services { out += "        mod_\(id(s))[\(s) module]\n" }
            out += "    end\n    db[(Database)]\n    client --> gateway --> app\n    app --> db\n"
            return out
        }
        let sidecars = architecture == "service_mesh"
        let proxy = mesh == "istio" ? "Envoy sidecar" : "linkerd2-proxy"
        var entry = "gateway"
        out += "    gateway[API gateway]\n    client --> gateway\n"
        if aggregation == "aggregation_layer" {
            out += "    agg[Aggregation layer]\n    gateway --> agg\n"
            entry = "agg"
        }
        for s in services {
            let n = id(s)
            if sidecars {
                out += "    subgraph pod_\(n) [\(s) pod]\n        svc_\(n)[\(s) service]\n        px_\(n){{\(proxy)}}\n    end\n"
                out += "    \(entry) -->|\(protocolLabel)| px_\(n) --> svc_\(n)\n"
            } else {
                out += "    svc_\(n)[\(s) service]\n    \(entry) -->|\(protocolLabel)| svc_\(n)\n"
            }
            out += "    db_\(n)[(\(s) store)]\n    svc_\(n) --> db_\(n)\n"
        }
        if messaging == "async_events", let first = services.first {
            out += "    broker[[Event broker]]\n    svc_\(id(first)) -. publishes events .-> broker\n"
            for s in services.dropFirst() { out += "    broker -. delivers at-least-once .-> svc_\(id(s))\n" }
        }
        if sidecars {
            let cp = mesh == "istio" ? "Control plane: istiod" : "Control plane: linkerd"
            out += "    cp[\(cp)]\n"
            for s in services { out += "    cp -. config and certificates .-> px_\(id(s))\n" }
        }
        return out
    }
}
