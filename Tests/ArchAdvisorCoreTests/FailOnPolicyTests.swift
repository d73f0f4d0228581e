import Testing
@testable import ArchAdvisorCore

/// `evaluate --fail-on`: valid policies, and for a bad one the policy likely meant.
@Suite struct FailOnPolicyTests {
    let kb: KnowledgeBase
    init() throws { kb = try Project.kb() }

    @Test func validPolicies() {
        #expect(FailOnPolicy.parse("close-call", kb: kb) == .success(.closeCall))
        #expect(FailOnPolicy.parse("architecture=service_mesh", kb: kb) == .success(.choice(decision: "architecture", option: "service_mesh")))
        #expect(FailOnPolicy.choice(decision: "mesh", option: "istio").text == "mesh=istio")
    }

    @Test(arguments: [
        ("close-cal", "close-call"),
        ("closecall", "close-call"),
        ("monolith", "architecture=monolith"),
        ("architecture=monolit", "architecture=monolith"),
        ("architecture=service-mesh", "architecture=service_mesh"),
        ("architecture=micro", "architecture=microservices"),
        ("architectur=monolith", "architecture=monolith"),
        ("arch=monolith", "architecture=monolith"),
        ("Architecture=Monolith", "architecture=monolith"),
        ("mesh=grpc", "sync_protocol=grpc"),
        ("sync_protocl=soap", "sync_protocol"),
    ])
    func aBadPolicyNamesTheOneLikelyMeant(_ text: String, _ meant: String) throws {
        guard case .failure(let error) = FailOnPolicy.parse(text, kb: kb) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.suggestion == meant)
        #expect(error.description.hasPrefix("--fail-on '\(text)': "))
        #expect(error.description.contains("(did you mean '\(meant)'?)"))
        #expect(!error.description.contains("\n"))
    }

    @Test func theMessageNamesTheValidValues() throws {
        guard case .failure(let choice) = FailOnPolicy.parse("architecture=monolit", kb: kb),
              case .failure(let decision) = FailOnPolicy.parse("nothing=monolith", kb: kb),
              case .failure(let policy) = FailOnPolicy.parse("whatever", kb: kb) else {
            Issue.record("a bad policy was accepted")
            return
        }
        #expect(choice.description == "--fail-on 'architecture=monolit': 'monolit' is not a choice of architecture (did you mean 'architecture=monolith'?); expected architecture=CHOICE with CHOICE one of monolith, microservices, service_mesh")
        #expect(decision.description.contains("unknown decision 'nothing'"))
        #expect(decision.description.contains("DECISION one of architecture, sync_protocol, messaging, aggregation, mesh"))
        #expect(policy.suggestion == nil)
        #expect(policy.description == "--fail-on 'whatever': unknown policy; expected close-call or DECISION=CHOICE with DECISION one of architecture, sync_protocol, messaging, aggregation, mesh (e.g. architecture=service_mesh)")
    }

    @Test func likelyMeansNearOrAUniquePrefix() {
        let commands = ["ask", "evaluate", "explain", "whatif"]
        #expect(Suggest.likely("evalute", in: commands) == "evaluate")
        #expect(Suggest.likely("eval", in: commands) == "evaluate")
        #expect(Suggest.likely("e", in: commands) == nil)
        #expect(Suggest.likely("ex", in: commands) == "explain")
        #expect(Suggest.likely("zzz", in: commands) == nil)
    }
}
