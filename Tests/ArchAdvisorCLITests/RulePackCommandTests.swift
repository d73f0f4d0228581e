import Foundation
import Testing
import TestSupport

/// `--rules DIR` with an organisation rule pack (examples/org-rules), as a platform team
/// runs it: its scenario tests, a knowledge base built with it, and the gate.
@Suite("rule packs on the command line")
struct RulePackCommandTests {
    static let pack = CLI.root.appendingPathComponent("examples/org-rules")
    static let portfolio = CLI.root.appendingPathComponent("examples/portfolio").path

    /// A copy of the example pack in `dir`, so a test can break one file.
    func copyPack(into dir: TemporaryDirectory) throws -> URL {
        let copy = dir.url.appendingPathComponent("org-rules")
        try FileManager.default.copyItem(at: Self.pack, to: copy)
        return copy
    }

    @Test func kbTestRunsThePacksScenariosAndNamesWhatItChanges() throws {
        let r = try CLI.run(["kb", "test", "--no-color", "--rules", Self.pack.path])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("PASS acme-two-teams-call-each-other-over-grpc [rule pack acme]"))
        #expect(r.stdout.contains("CHANGED two-mesh-needs-in-a-small-system-stay-microservices (rules/scenarios/mesh.yaml:"))
        #expect(r.stdout.contains("architecture: expected microservices, got service_mesh"))
        let summary = try #require(r.stdoutLines.last)
        #expect(summary.hasPrefix("scenarios: ") && summary.contains(" passed, 0 failed, ") && summary.hasSuffix(" of the guidance's changed by the rule packs"))
    }

    @Test func aFailingPackScenarioFailsKbTest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let copy = try copyPack(into: dir)
        let scenarios = copy.appendingPathComponent("scenarios/acme.yaml")
        let text = try String(contentsOf: scenarios, encoding: .utf8).replacingOccurrences(of: "sync_protocol: grpc", with: "sync_protocol: rest")
        try Data(text.utf8).write(to: scenarios)
        let r = try CLI.run(["kb", "test", "--no-color", "--rules", copy.path])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("FAIL acme-two-teams-call-each-other-over-grpc [rule pack acme] (org-rules/scenarios/acme.yaml:5)"))
        #expect(r.stdout.contains("sync_protocol: expected rest, got grpc"))
    }

    @Test func aBrokenPackIsExit2WithFileLineAndColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let copy = try copyPack(into: dir)
        let rules = copy.appendingPathComponent("rules/acme.yaml")
        let text = try String(contentsOf: rules, encoding: .utf8).replacingOccurrences(of: "id: acme-grpc-between-teams", with: "id: grpc-for-streaming")
        try Data(text.utf8).write(to: rules)
        for command in [["check", "--rules", copy.path, Self.portfolio], ["kb", "test", "--rules", copy.path], ["evaluate", "--rules", copy.path, Self.portfolio + "/shop/archadvisor.json"]] {
            let r = try CLI.run(command)
            #expect(r.status == 2, "\(command): \(r)")
            #expect(r.stderr.contains("\(rules.path):7:9: error: rule id 'grpc-for-streaming' is already taken by the rule at rules/rules/sync_protocol.yaml:"), "\(r)")
        }
    }

    @Test func twoRulesDirectoriesAreRefused() throws {
        let r = try CLI.run(["kb", "test", "--rules", CLI.rules.path, "--rules", CLI.rules.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("expected at most one rules directory (a directory without pack.yaml)"))
    }

    /// Coverage names what cites each of the pack's documents: a rule, an override, policies.
    @Test func coverageSaysWhatKindOfCitationCoversASource() throws {
        let r = try CLI.run(["kb", "show", "--coverage", "--rules", CLI.rules.path, "--rules", Self.pack.path])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains { $0.hasPrefix("1 override  ADR-0012: When a system is small:") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("1 rule  ADR-0019: Typed contracts between teams:") })
        #expect(lines.contains { $0.hasPrefix("1 policy  ADR-0021: Every service is traced:") })
    }

    @Test func aKnowledgeBaseBuiltWithThePackCarriesIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let kb = dir.path("acme.sqlite")
        let built = try CLI.run(["kb", "build", "--rules", CLI.rules.path, "--rules", Self.pack.path, "--output", kb])
        #expect(built.status == 0, "\(built)")
        #expect(built.stdout.contains("rule pack acme (ACME platform standards, owner platform-team@acme.example): 1 rule, 1 override, 2 policies"))
        // The gate with the built knowledge base and with --rules over the embedded one agree.
        let shop = Self.portfolio + "/shop/archadvisor.json"
        let viaKB = try CLI.run(["check", "--kb", kb, "--today", "2026-12-01", "--format", "json", shop])
        let viaRules = try CLI.run(["check", "--rules", Self.pack.path, "--today", "2026-12-01", "--format", "json", shop])
        #expect(viaKB.stdout == viaRules.stdout)
        #expect(viaKB.status == 1)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(viaKB.stdout.utf8)) as? [String: Any])
        #expect((o["rule_packs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["acme"])
        let findings = ((o["files"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]]) ?? []
        let mtls = try #require(findings.first { $0["id"] as? String == "policy/kubernetes-requires-mtls" })
        #expect(mtls["severity"] as? String == "error")
        let kubernetesLine = try #require(try String(contentsOfFile: shop, encoding: .utf8).split(separator: "\n").firstIndex { $0.contains("\"kubernetes\"") }) + 1
        #expect(mtls["line"] as? Int == kubernetesLine, "mtls_required is not in the file: the line of kubernetes, the key the policy applies on")
        // Without the pack, no policy finding.
        let plain = try CLI.run(["check", "--today", "2026-12-01", "--format", "json", shop])
        #expect(!plain.stdout.contains("policy/"))
        // explain names the pack's rules.
        let explain = try CLI.run(["explain", "--kb", kb, "--no-color", shop])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("layered over the guidance: rule pack acme"))
        #expect(explain.stdout.contains("acme-grpc-between-teams [rule pack acme]"))
        #expect(explain.stdout.contains("policy/kubernetes-requires-mtls [rule pack acme]: violated (error)"))
    }

    @Test func aPolicyFindingIsWaivedLikeAnyOther() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("archadvisor.json", """
            {
              "team_size": 40,
              "team_count": 6,
              "scaling_profile": "very_different",
              "kubernetes": true,
              "tracing_required": true,
              "waivers": [{"finding": "policy/kubernetes-requires-mtls", "reason": "mTLS lands with the mesh in Q1", "owner": "payments@acme.example", "expires": "2099-03-31"}]
            }
            """)
        let r = try CLI.run(["check", "--rules", Self.pack.path, "--today", "2026-12-01", "--no-color", file])
        #expect(r.stdout.contains("suppressed policy/kubernetes-requires-mtls"), "\(r)")
        #expect(r.stdout.contains("rule packs layered over the guidance: acme (ACME platform standards)"))
        #expect(!r.stdout.contains("invalid-answers"))
    }
}
