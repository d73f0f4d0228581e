import Testing
@testable import ArchAdvisorCore

/// CONTRACT.md sections 2 and 3: the question and decision ids, types and values are a
/// public interface and must be exactly these.
@Suite("Public contract")
struct ContractTests {
    enum Expected: Sendable {
        case integer(min: Int)
        case boolean
        case choice([String])
    }

    static let questions: [(String, Expected)] = [
        ("team_size", .integer(min: 1)),
        ("team_count", .integer(min: 1)),
        ("product_stage", .choice(["prototype", "early", "growth", "mature"])),
        ("domain_understanding", .choice(["exploring", "stabilizing", "well_understood"])),
        ("scaling_profile", .choice(["uniform", "some_hotspots", "very_different"])),
        ("service_count", .integer(min: 1)),
        ("independent_deploys", .boolean),
        ("kubernetes", .boolean),
        ("platform_team", .boolean),
        ("mtls_required", .boolean),
        ("tracing_required", .boolean),
        ("traffic_policy_required", .boolean),
        ("traffic_control", .choice(["essential", "fine_grained"])),
        ("sidecar_memory_constrained", .boolean),
        ("post_quantum_required", .boolean),
        ("polyglot", .boolean),
        ("internal_call_profile", .choice(["low_frequency", "high_throughput"])),
        ("streaming_required", .boolean),
        ("async_side_effects", .boolean),
        ("client_fanout", .integer(min: 0)),
        ("cross_domain_transactions", .choice(["rare", "common"])),
    ]

    static let decisions: [(String, Set<String>)] = [
        ("architecture", ["monolith", "microservices", "service_mesh"]),
        ("sync_protocol", ["rest", "grpc"]),
        ("messaging", ["async_events", "sync_only"]),
        ("aggregation", ["aggregation_layer", "none"]),
        ("mesh", ["istio", "linkerd"]),
    ]

    @Test(arguments: questions.map(\.0))
    func questionMatchesTheContract(_ id: String) throws {
        let kb = try Project.kb()
        let expected = try #require(Self.questions.first { $0.0 == id }?.1)
        let q = try #require(kb.questionIndex[id].map { kb.questions[$0] }, "question \(id) is missing")
        switch (expected, q.kind) {
        case (.integer(let min), .integer(let range)):
            #expect(range.lowerBound == min, "\(id) must accept every integer >= \(min)")
            #expect(range.upperBound >= 1000, "\(id) should not cap realistic answers")
        case (.boolean, .boolean):
            break
        case (.choice(let values), .choice(let choices)):
            #expect(choices.map(\.value) == values)
        default:
            Issue.record("\(id) is a \(q.typeName), the contract says \(expected)")
        }
        #expect(q.slotRange.contains(q.defaultValue), "\(id) has a default outside its values")
    }

    @Test func noQuestionBeyondTheContractIsRequired() throws {
        // Extending is allowed; every contract question must be present.
        let ids = Set(try Project.kb().questions.map(\.id))
        #expect(ids.isSuperset(of: Self.questions.map(\.0)))
    }

    @Test(arguments: decisions.map(\.0))
    func decisionMatchesTheContract(_ id: String) throws {
        let kb = try Project.kb()
        let d = try #require(kb.decisionIndex[id].map { kb.decisions[$0] }, "decision \(id) is missing")
        let expected = try #require(Self.decisions.first { $0.0 == id }?.1)
        #expect(Set(d.options.map(\.value)) == expected)
        #expect(d.options.count == expected.count)
    }

    /// "applies when" of CONTRACT.md section 3, checked for every architecture.
    @Test(arguments: ["monolith", "microservices", "service_mesh"])
    func decisionsApplyAsTheContractSays(_ architecture: String) throws {
        let kb = try Project.kb()
        let a = try #require(kb.decisionIndex["architecture"])
        #expect(a == 0, "architecture is decided first")
        var values = kb.defaultValues
        values[kb.slot(ofDecision: a)] = try #require(kb.decisions[a].optionIndex(architecture))
        #expect(kb.decisions[a].appliesWhen.evaluate(values))
        for id in ["sync_protocol", "messaging", "aggregation"] {
            let d = try #require(kb.decisionIndex[id])
            #expect(kb.decisions[d].appliesWhen.evaluate(values) == (architecture != "monolith"), "\(id) with \(architecture)")
        }
        let mesh = try #require(kb.decisionIndex["mesh"])
        #expect(kb.decisions[mesh].appliesWhen.evaluate(values) == (architecture == "service_mesh"))
    }
}
