import Testing
@testable import ArchAdvisorCore

@Suite("decision records and diagrams")
struct DecisionRecordTests {
    func evaluate(_ json: String) throws -> (KnowledgeBase, Evaluation) {
        let kb = try Project.kb()
        guard case .success(let answers) = AnswerReader(kb: kb).read(Array(json.utf8)) else {
            throw TestFailure.unreadable
        }
        return (kb, Evaluator(kb: kb).evaluate(answers))
    }

    enum TestFailure: Error { case unreadable }

    static let mesh = #"{"team_size": 120, "team_count": 15, "product_stage": "mature", "domain_understanding": "well_understood", "scaling_profile": "very_different", "service_count": 30, "independent_deploys": true, "kubernetes": true, "platform_team": true, "mtls_required": true, "tracing_required": true, "traffic_policy_required": true, "traffic_control": "fine_grained", "async_side_effects": true, "client_fanout": 4}"#

    @Test("the ADR has every MADR 4.0 section, the chosen option and the other decisions")
    func madrSections() throws {
        let (kb, e) = try evaluate(Self.mesh)
        let adr = DecisionRecord(kb: kb, date: "2026-11-27").render(input: "mesh.json", evaluation: e)
        #expect(adr.hasPrefix("---\nstatus: proposed\ndate: 2026-11-27\ndecision-makers:"))
        for heading in ["## Context and Problem Statement", "## Decision Drivers", "## Considered Options", "## Decision Outcome",
                        "### Consequences", "### Confirmation", "## Pros and Cons of the Options", "## More Information"] {
            #expect(adr.contains("\n" + heading + "\n"), "missing \(heading)")
        }
        #expect(adr.contains("Chosen option: \"Microservices with a service mesh\", because"))
        #expect(adr.contains("* Good, because"))
        #expect(adr.contains("* Bad, because"))
        #expect(adr.contains("archadvisor recheck"))
        for option in ["### Modular monolith", "### Microservices\n", "### Microservices with a service mesh"] {
            #expect(adr.contains(option))
        }
        #expect(adr.contains("| Service mesh product | Istio (Envoy) |"))
        #expect(adr.contains("| Internal synchronous calls |"))
    }

    @Test("a monolith record says the other decisions do not apply")
    func monolithRecord() throws {
        let (kb, e) = try evaluate(#"{"team_size": 3}"#)
        let adr = DecisionRecord(kb: kb, date: "2026-01-01").render(input: "a.json", evaluation: e)
        #expect(adr.contains("# Backend architecture: Modular monolith"))
        #expect(adr.contains("| Service mesh product | does not apply | |"))
        #expect(adr.contains("How many engineers work on the backend? **3**\n"))
        #expect(adr.contains("(default)"))
    }

    @Test("the diagram shows sidecars and the control plane only for a mesh")
    func mermaid() throws {
        let (kb, mesh) = try evaluate(Self.mesh)
        let diagram = MermaidDiagram(kb: kb).render(mesh)
        #expect(diagram.hasPrefix("flowchart LR\n"))
        #expect(diagram.contains("Control plane: istiod"))
        #expect(diagram.contains("Envoy sidecar"))
        #expect(diagram.contains("agg[Aggregation layer]"))
        #expect(diagram.contains("broker[[Event broker]]"))
        let (_, mono) = try evaluate(#"{"team_size": 3}"#)
        let monoDiagram = MermaidDiagram(kb: kb).render(mono)
        #expect(monoDiagram.contains("Modular monolith"))
        #expect(!monoDiagram.contains("sidecar"))
        #expect(!monoDiagram.contains("Control plane"))
    }

    @Test("a project record round-trips and detects drift")
    func projectRecord() throws {
        let (kb, e) = try evaluate(Self.mesh)
        let record = ProjectRecord(evaluation: e, kb: kb)
        let parsed = try ProjectRecord.parse(Array(record.fileText.utf8).withUnsafeBufferPointer { Data(buffer: $0) }).get()
        #expect(parsed.drift(against: e, kb: kb).changes.isEmpty)
        #expect(!parsed.drift(against: e, kb: kb).knowledgeBaseChanged)
        let (_, small) = try evaluate(#"{"team_size": 3}"#)
        let drift = parsed.drift(against: small, kb: kb)
        #expect(drift.changes.map(\.decision).contains("architecture"))
        #expect(drift.changes.first { $0.decision == "architecture" }?.now == "monolith")
    }
}

import Foundation
