import Foundation
import GRDB
import Testing
import TestSupport
@testable import ArchAdvisorCore

/// Organisation rule packs (`--rules DIR` with a pack.yaml) layered over the guidance: the
/// example pack in examples/org-rules, and packs broken one way at a time.
@Suite("rule packs")
struct RulePackTests {
    static let example = Project.root.appendingPathComponent("examples/org-rules")

    func layered() throws -> KnowledgeBase {
        try RulePackCompiler.layer(directory: Self.example, over: Project.kb())
    }

    /// A pack in a temporary directory: the example's pack.yaml and sources.yaml, and one
    /// rules file. Returns the compile error's diagnostics (empty when it compiled).
    func diagnostics(rules: String, sources: String? = nil, extra: [String: String] = [:]) throws -> [Diagnostic] {
        let dir = try TemporaryDirectory(prefix: "archadvisor-pack")
        defer { dir.remove() }
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try dir.write("pack.yaml", String(contentsOf: Self.example.appendingPathComponent("pack.yaml"), encoding: .utf8))
        try dir.write("sources.yaml", sources ?? String(contentsOf: Self.example.appendingPathComponent("sources.yaml"), encoding: .utf8))
        try dir.write("rules/pack.yaml", rules)
        for (name, text) in extra { try dir.write(name, text) }
        do {
            _ = try RulePackCompiler.layer(directory: dir.url, over: Project.kb())
            return []
        } catch let error as CompileError {
            return error.diagnostics
        }
    }

    /// Every source of the example cited once, so a test can add one broken entry.
    static let citingAll = """
        decision: sync_protocol
        rules:
          - id: acme-grpc-between-teams
            when: "team_count >= 2"
            add: {grpc: 8}
            why: gRPC between teams.
            source: acme-adr-0019
            calibration: "2 or more teams"
        overrides:
          - rule: small-system-needs-no-mesh
            when: "service_count < 8"
            calibration: "fewer than 8 services"
            source: acme-adr-0012
        policies:
          - id: kubernetes-requires-mtls
            when: "kubernetes"
            require: "mtls_required"
            severity: error
            message: mTLS on Kubernetes
            source: acme-adr-0007
          - id: services-are-traced
            require: "tracing_required"
            severity: warning
            message: traced
            source: acme-adr-0021

        """

    @Test func theExamplePackLayersRulesOverridesAndPolicies() throws {
        let base = try Project.kb()
        let kb = try layered()
        #expect(kb.packs.map(\.id) == ["acme"])
        #expect(kb.rules.count == base.rules.count + 1)
        let own = try #require(kb.rules.first { $0.id == "acme-grpc-between-teams" })
        #expect(own.pack == "acme")
        #expect(own.location == "org-rules/rules/acme.yaml:7")
        #expect(kb.section(of: own.source) == "rule pack acme: ADR-0019: Typed contracts between teams <https://adr.acme.example/0019>")
        let overridden = try #require(kb.rules.first { $0.id == "small-system-needs-no-mesh" })
        #expect(overridden.conditionText == "service_count < 8")
        #expect(overridden.pack == nil, "still the guidance's rule, with the guidance's reason")
        #expect(overridden.override?.replacedCondition == "service_count < 10")
        #expect(overridden.override?.pack == "acme")
        #expect(kb.policies.map(\.id) == ["kubernetes-requires-mtls", "services-are-traced"])
        #expect(kb.sourceHash != base.sourceHash, "records made without the pack are told apart")
        // The pack's scenarios pass; the guidance's own still sit in the knowledge base.
        let results = ScenarioRunner(kb: kb).run()
        let mine = results.filter { $0.scenario.pack == "acme" }
        #expect(mine.count == 3)
        #expect(mine.filter { !$0.passed }.isEmpty, "\(mine.filter { !$0.passed }.map(\.failures))")
        #expect(results.count == base.scenarios.count + 3)
    }

    @Test func thePackChangesTheAdviceAndSaysSo() throws {
        let base = try Project.kb(), kb = try layered()
        let answers = #"{"team_size": 25, "team_count": 2, "product_stage": "growth", "domain_understanding": "well_understood", "scaling_profile": "some_hotspots", "service_count": 8, "independent_deploys": true}"#
        func evaluate(_ kb: KnowledgeBase) throws -> Evaluation {
            guard case .success(let a) = AnswerReader(kb: kb).read(Array(answers.utf8)) else { throw CancellationError() }
            return Evaluator(kb: kb).evaluate(a)
        }
        let d = try #require(kb.decisionIndex["sync_protocol"])
        let before = try evaluate(base), after = try evaluate(kb)
        #expect(before.decisions[d].choice.map { base.decisions[d].options[$0].value } == "rest")
        #expect(after.decisions[d].choice.map { kb.decisions[d].options[$0].value } == "grpc")
        // The JSON reason names the pack; the explanation lists what the pack brings.
        let json = JSONReport(kb: kb).render(input: "a.json", outcome: .evaluated(after))
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let reasons = try #require(((o["decisions"] as? [String: Any])?["sync_protocol"] as? [String: Any])?["reasons"] as? [[String: Any]])
        let reason = try #require(reasons.first { $0["rule"] as? String == "acme-grpc-between-teams" })
        #expect(reason["pack"] as? String == "acme")
        #expect((o["rule_packs"] as? [[String: Any]])?.first?["id"] as? String == "acme")
        let policies = try #require(o["policies"] as? [[String: Any]])
        #expect(policies.first { $0["id"] as? String == "services-are-traced" }?["state"] as? String == "violated")
        #expect(policies.first { $0["id"] as? String == "kubernetes-requires-mtls" }?["state"] as? String == "does_not_apply")
        let text = ExplainText(kb: kb, style: Style(color: false)).render(Explainer(kb: kb).explain(after.answers), input: "a.json")
        #expect(text.contains("rule pack acme (ACME platform standards; owner platform-team@acme.example): rules acme-grpc-between-teams; thresholds of small-system-needs-no-mesh; policies kubernetes-requires-mtls, services-are-traced"))
        #expect(text.contains("acme-grpc-between-teams [rule pack acme]: grpc +8"))
        #expect(text.contains("policy/services-are-traced [rule pack acme]: violated (warning)"))
        let whatIf = WhatIfText(kb: kb).table(WhatIf(kb: kb).changes(for: after.answers), evaluation: after, input: "a.json")
        #expect(whatIf.contains("with team_count at 1 (now 2): rest (stops acme-grpc-between-teams [rule pack acme])"), "\(whatIf)")
        // Without a pack, none of it.
        let plain = JSONReport(kb: base).render(input: "a.json", outcome: .evaluated(before))
        #expect(!plain.contains("rule_packs") && !plain.contains("\"pack\""))
    }

    @Test func anOverriddenThresholdNamesThePackAndWhatItReplaced() throws {
        let kb = try layered()
        let rule = try #require(kb.rules.first { $0.id == "small-system-needs-no-mesh" })
        let origin = try #require(kb.thresholdOrigin(rule))
        #expect(origin.contains("threshold set by rule pack acme"))
        #expect(origin.contains("replacing archadvisor's calibration `service_count < 10`"))
        #expect(origin.contains("ADR-0012"))
    }

    @Test func aLayeredKnowledgeBaseSurvivesTheStore() throws {
        let kb = try layered()
        let queue = try DatabaseQueue()
        try KnowledgeStore.write(kb, into: queue)
        let loaded = try KnowledgeStore.load(from: queue)
        #expect(loaded == kb)
        #expect(loaded.policies.count == 2 && loaded.packs.first?.owner == "platform-team@acme.example")
    }

    @Test func theExamplePackCompilesWhenCopied() throws {
        #expect(try diagnostics(rules: Self.citingAll).map(\.description) == [])
    }

    @Test func aRuleIdOfTheGuidanceIsAClash() throws {
        let rules = Self.citingAll.replacingOccurrences(of: "id: acme-grpc-between-teams", with: "id: small-team-favors-monolith")
        let d = try diagnostics(rules: rules)
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.message.contains("rule id 'small-team-favors-monolith' is already taken by the rule at rules/rules/architecture.yaml:") == true)
        #expect(d.first?.location.file.hasSuffix("rules/pack.yaml") == true)
        #expect(d.first?.location.line == 3 && d.first?.location.column == 9)
    }

    @Test func conditionsAreTypeCheckedAgainstTheGuidance() throws {
        let d = try diagnostics(rules: Self.citingAll.replacingOccurrences(of: #"when: "team_count >= 2""#, with: #"when: "team_counts >= 2""#))
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.message.contains("team_counts") == true)
        #expect(d.first?.message.contains("team_count") == true, "suggests the question: \(d)")
        #expect(d.first?.location.line == 4)
        let choice = try diagnostics(rules: Self.citingAll.replacingOccurrences(of: #"require: "tracing_required""#, with: #"require: "architecture == \"big_ball\"""#))
        #expect(choice.count == 1, "\(choice)")
        #expect(choice.first?.message.contains("big_ball") == true, "\(choice)")
    }

    @Test func aPackCitesItsOwnSourcesNotTheGuidance() throws {
        let d = try diagnostics(rules: Self.citingAll.replacingOccurrences(of: "source: acme-adr-0019", with: "source: grpc-for-high-throughput"))
        #expect(d.contains { $0.message.contains("unknown source 'grpc-for-high-throughput'") && $0.message.contains("a rule pack cites its own sources") }, "\(d)")
        #expect(d.contains { $0.message.contains("source 'acme-adr-0019' is cited by no rule, policy or override") }, "and the uncited one is named")
    }

    @Test func onlyCalibratedThresholdsCanBeOverridden() throws {
        let stated = Self.citingAll.replacingOccurrences(of: "rule: small-system-needs-no-mesh", with: "rule: mesh-needs-five-services")
            .replacingOccurrences(of: "service_count < 8", with: "service_count < 4")
        let d = try diagnostics(rules: stated)
        #expect(d.count == 1, "\(d)")
        #expect(d.first?.message.contains("uses a threshold the guidance states") == true, "\(d)")
        let elsewhere = Self.citingAll.replacingOccurrences(of: "when: \"service_count < 8\"", with: "when: \"team_size < 8\"")
        let e = try diagnostics(rules: elsewhere)
        #expect(e.count == 1, "\(e)")
        #expect(e.first?.message.contains("reads what the rule reads (service_count), not team_size") == true, "\(e)")
        let noThreshold = Self.citingAll.replacingOccurrences(of: "rule: small-system-needs-no-mesh", with: "rule: mesh-needs-someone-to-operate-it")
            .replacingOccurrences(of: "service_count < 8", with: "not platform_team")
        #expect(try diagnostics(rules: noThreshold).first?.message.contains("has no threshold to override") == true)
    }

    @Test func policiesNeedASeverityAndARequirement() throws {
        let d = try diagnostics(rules: Self.citingAll.replacingOccurrences(of: "severity: warning", with: "severity: fatal"))
        #expect(d.map(\.message) == ["unknown severity 'fatal'; expected error, warning or note"])
        let twice = Self.citingAll.replacingOccurrences(of: "id: services-are-traced", with: "id: kubernetes-requires-mtls")
        #expect(try diagnostics(rules: twice).first?.message.contains("policy 'kubernetes-requires-mtls' is already defined at") == true)
    }

    @Test func aPackCannotRedefineQuestions() throws {
        let d = try diagnostics(rules: Self.citingAll, extra: ["questions.yaml": "questions: []\n"])
        #expect(d.contains { $0.message.contains("a rule pack cannot define questions") })
    }

    @Test func aPackLayeredTwiceIsRefused() throws {
        let once = try layered()
        do throws(CompileError) {
            _ = try RulePackCompiler.layer(directory: Self.example, over: once)
            Issue.record("layering acme twice compiled")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("rule pack 'acme' is already layered") })
        }
    }

    @Test func thePackIsNotARulesDirectoryOfItsOwn() {
        #expect(throws: CompileError.self) { try RulesCompiler.compile(directory: Self.example) }
    }

    @Test func checkReportsPolicyFindingsAtTheKeyTheyAreAbout() throws {
        let kb = try layered()
        let dir = try TemporaryDirectory(prefix: "archadvisor-pack-check")
        defer { dir.remove() }
        let path = try dir.write("archadvisor.json", """
            {
              "team_size": 40,
              "team_count": 6,
              "scaling_profile": "very_different",
              "kubernetes": true,
              "mtls_required": false,
              "tracing_required": true,
              "waivers": [{"finding": "policy/services-are-traced", "reason": "r", "owner": "o", "expires": "2099-01-01"}]
            }
            """)
        let file = Checker(kb: kb, today: "2026-12-01").checkFile(path)
        let mtls = try #require(file.findings.first { $0.id == "policy/kubernetes-requires-mtls" })
        #expect(mtls.severity == .error)
        #expect(mtls.line == 6, "the line of mtls_required, which the policy requires")
        #expect(mtls.message.contains("Every service on Kubernetes must require mutual TLS between services"))
        #expect(mtls.message.contains("ADR-0007"))
        #expect(!file.findings.contains { $0.id == "policy/services-are-traced" }, "tracing_required holds")
        // A waiver of a policy finding is accepted.
        #expect(!file.findings.contains { $0.id == "invalid-answers" }, "\(file.findings)")
        // SARIF: one rule per policy, with help citing the pack's source and a link to it.
        let result = CheckResult(files: [file], today: "2026-12-01", knowledgeBase: kb.sourceHash)
        let sarif = CheckReports(kb: kb, style: Style(color: false)).sarif(result, version: "test")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let rules = try #require((((o["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let rule = try #require(rules.first { $0["id"] as? String == "policy/kubernetes-requires-mtls" })
        #expect(rule["helpUri"] as? String == "https://adr.acme.example/0007")
        #expect(((rule["help"] as? [String: Any])?["text"] as? String)?.contains("Organisation policy `kubernetes-requires-mtls` of rule pack acme") == true)
        #expect(((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String) == "error")
        // JUnit: a testcase per policy.
        let junit = CheckReports(kb: kb, style: Style(color: false)).junit(result, failOn: .error)
        #expect(junit.contains("name=\"policy/kubernetes-requires-mtls\""))
        #expect(junit.contains("<failure type=\"policy/kubernetes-requires-mtls\""))
    }

    @Test func aWaiverOfAnUnknownPolicyIsInvalid() throws {
        let kb = try layered()
        let dir = try TemporaryDirectory(prefix: "archadvisor-pack-check")
        defer { dir.remove() }
        let path = try dir.write("archadvisor.json", #"{"team_size": 4, "waivers": [{"finding": "policy/no-such-policy", "reason": "r", "owner": "o", "expires": "2099-01-01"}]}"#)
        let file = Checker(kb: kb, today: "2026-12-01").checkFile(path)
        #expect(file.findings.first?.id == "invalid-answers")
        #expect(file.findings.first?.message.contains("or policy/RULE of a rule pack") == true)
    }
}
