import Foundation
import Testing
import TestSupport

/// `archadvisor kb build | test | show | schema`, end to end.
@Suite("kb commands")
struct KnowledgeBaseCommandTests {
    @Test func buildWritesALoadableKnowledgeBaseDeterministically() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let a = dir.path("a.sqlite"), b = dir.path("b.sqlite")
        let r = try CLI.run(["kb", "build", "--rules", CLI.rules.path, "--output", a])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("wrote \(a): "), "\(r)")
        #expect(r.stdout.contains("questions") && r.stdout.contains("rules") && r.stdout.contains("scenarios"))
        let again = try CLI.run(["kb", "build", "--rules", CLI.rules.path, "--output", b])
        #expect(again.status == 0, "\(again)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)),
                "the same rules must give the same database")
        let answers = try dir.write("a.json", Answers.monolith)
        let use = try CLI.run(["evaluate", "--kb", a, "--format", "csv", answers])
        #expect(use.status == 0, "\(use)")
        #expect(use.stdoutLines.last?.hasPrefix("\(answers),monolith,,,,,") == true)
    }

    @Test func buildOfBrokenRulesPointsAtTheProblem() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let rules = dir.url.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: CLI.rules, to: rules)
        let file = rules.appendingPathComponent("rules/mesh.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.contains("when: \"post_quantum_required\"") }, "mesh.yaml changed; update this test")
        text = text.replacingOccurrences(of: "when: \"post_quantum_required\"", with: "when: \"post_quantum_required == 1\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let output = dir.path("kb.sqlite")
        let r = try CLI.run(["kb", "build", "--rules", rules.path, "--output", output])
        #expect(r.status == 2, "\(r)")
        let column = lines[index].distance(from: lines[index].startIndex, to: lines[index].range(of: "\"post_quantum")!.lowerBound) + 2 + 25
        #expect(r.stderr.contains("mesh.yaml:\(index + 1):\(column): error: cannot compare boolean 'post_quantum_required' with the number 1"), "\(r)")
        #expect(r.stderr.contains("when: \"post_quantum_required == 1\"\n"), "\(r)")
        #expect(r.stderr.contains("\n    " + String(repeating: " ", count: column - 1) + "^"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing is written when the rules do not compile")
    }

    @Test func testRunsEveryScenario() throws {
        let r = try CLI.run(["kb", "test"])
        #expect(r.status == 0, "\(r)")
        let passes = r.stdoutLines.filter { $0.hasPrefix("PASS ") }
        #expect(passes.count >= 20, "\(r)")
        #expect(r.stdoutLines.last == "scenarios: \(passes.count) passed, 0 failed")
    }

    @Test func testFailsOnAMismatch() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let rules = dir.url.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: CLI.rules, to: rules)
        try """
            scenarios:
              - name: deliberately-wrong
                answers: {team_size: 3}
                expect: {architecture: service_mesh}
            """.write(to: rules.appendingPathComponent("scenarios/zz-wrong.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["kb", "test", "--rules", rules.path])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("FAIL deliberately-wrong"), "\(r)")
        #expect(r.stdout.contains("architecture: expected service_mesh, got monolith"), "\(r)")
        #expect(r.stdoutLines.last?.hasSuffix("1 failed") == true, "\(r)")
    }

    @Test func showTable() throws {
        let r = try CLI.run(["kb", "show"])
        #expect(r.status == 0, "\(r)")
        for heading in ["Questions", "Decisions", "Rules"] { #expect(r.stdout.contains(heading)) }
        for id in ["team_size", "cross_domain_transactions", "architecture", "mesh", "mesh-needs-kubernetes"] {
            #expect(r.stdout.contains(id), "\(id)")
        }
    }

    @Test func showJSON() throws {
        let r = try CLI.run(["kb", "show", "--format", "json"])
        #expect(r.status == 0, "\(r)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let questions = try #require(o["questions"] as? [[String: Any]])
        #expect(questions.count >= 21)
        #expect((o["decisions"] as? [[String: Any]])?.map { $0["id"] as? String }.prefix(1) == ["architecture"])
        let rules = try #require(o["rules"] as? [[String: Any]])
        #expect(rules.allSatisfy { $0["source"] is String && $0["section"] is String && $0["why"] is String })
    }

    @Test func showCoverage() throws {
        let table = try CLI.run(["kb", "show", "--coverage"])
        #expect(table.status == 0, "\(table)")
        #expect(table.stdout.contains(" 0 uncovered"), "\(table)")
        #expect(!table.stdout.contains("UNCOVERED"))
        let json = try CLI.run(["kb", "show", "--coverage", "--format", "json"])
        #expect(json.status == 0, "\(json)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((o["uncovered"] as? [Any])?.isEmpty == true)
        let sources = try #require(o["sources"] as? [[String: Any]])
        for s in sources where s["kind"] as? String == "recommendation" {
            #expect((s["rules"] as? [Any])?.isEmpty == false, "\(s["id"] ?? "?") is cited by no rule")
        }
    }

    @Test func schemaIsValidJSONForEveryQuestion() throws {
        let r = try CLI.run(["kb", "schema"])
        #expect(r.status == 0, "\(r)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(o["type"] as? String == "object")
        #expect(o["additionalProperties"] as? Bool == false)
        let properties = try #require(o["properties"] as? [String: [String: Any]])
        for id in ["team_size", "team_count", "product_stage", "kubernetes", "client_fanout", "cross_domain_transactions"] {
            #expect(properties[id] != nil, "\(id)")
        }
        #expect(properties["team_size"]?["type"] as? String == "integer")
        #expect(properties["team_size"]?["minimum"] as? Int == 1)
        #expect(properties["kubernetes"]?["type"] as? String == "boolean")
        #expect(properties["product_stage"]?["enum"] as? [String] == ["prototype", "early", "growth", "mature"])
        #expect((o["patternProperties"] as? [String: Any])?["^x-"] != nil)
    }

    /// From another working directory the binary still finds the project's knowledge.sqlite.
    @Test func runsFromAnotherWorkingDirectory() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let answers = try dir.write("a.json", Answers.monolith)
        let tmp = URL(fileURLWithPath: "/tmp")
        let r = try CLI.run(["evaluate", "--format", "json", answers], in: tmp)
        #expect(r.status == 0, "\(r)")
        let show = try CLI.run(["kb", "show", "--format", "json"], in: tmp)
        #expect(show.status == 0, "\(show)")
        let projectHash = try CLI.run(["kb", "show", "--format", "json", "--kb", CLI.knowledgeBase.path])
        let hash = { (s: String) in (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])?["source_hash"] as? String }
        #expect(hash(show.stdout) != nil)
        #expect(hash(show.stdout) == hash(projectHash.stdout), "the default knowledge base is the project's knowledge.sqlite")
    }
}
