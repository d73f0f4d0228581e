import Foundation
import Testing
import TestSupport

/// Issue 6 end to end: decision records and diagrams from `evaluate`, `whatif` as JSON whose
/// every change holds when applied, and `recheck`'s exit codes on a scaffolded project.
@Suite("decision records, what-if and recheck")
struct DecisionLifecycleTests {
    @Test func adrAndMermaidFormats() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("mesh.json", Answers.mesh)
        let adr = try CLI.run(["evaluate", file, "--format", "adr"])
        #expect(adr.status == 0, "\(adr)")
        for heading in ["## Context and Problem Statement", "## Decision Drivers", "## Considered Options",
                        "## Decision Outcome", "### Consequences", "### Confirmation", "## Pros and Cons of the Options", "## More Information"] {
            #expect(adr.stdout.contains(heading), "missing \(heading)")
        }
        #expect(adr.stdout.hasPrefix("---\nstatus: proposed\n"))
        let mermaid = try CLI.run(["evaluate", file, "--format", "mermaid"])
        #expect(mermaid.status == 0, "\(mermaid)")
        #expect(mermaid.stdout.contains("flowchart LR"))
        #expect(mermaid.stdout.contains("Control plane: linkerd"))
    }

    @Test func everyWhatIfChangeHoldsThroughTheCLI() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("services.json", Answers.services)
        let r = try CLI.run(["whatif", file, "--format", "json"])
        #expect(r.status == 0, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(!changes.isEmpty)
        let base = try #require(try JSONSerialization.jsonObject(with: Data(Answers.services.utf8)) as? [String: Any])
        for (i, change) in changes.enumerated() {
            let set = try #require(change["set"] as? [String: Any])
            let decision = try #require(change["decision"] as? String)
            let applied = base.merging(set) { _, new in new }
            let changed = try dir.write("changed-\(i).json", String(decoding: try JSONSerialization.data(withJSONObject: applied), as: UTF8.self))
            let e = try CLI.run(["evaluate", changed, "--format", "json"])
            let o = try #require(try CLI.jsonLines(e.stdout).first)
            #expect(CLI.choice(o, decision) == change["to"] as? String, "change \(set) should give \(decision)=\(String(describing: change["to"]))")
        }
    }

    @Test func recheckExitCodes() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let answers = try dir.write("services.json", Answers.services)
        let project = dir.path("shop")
        let made = try CLI.run(["scaffold", "--answers", answers, "--name", "shop", "--out", project])
        #expect(made.status == 0, "\(made)")
        // Every decision holds: 0.
        let same = try CLI.run(["recheck", project])
        #expect(same.status == 0, "\(same)")
        #expect(same.stdout.contains("every decision holds"))
        // The teams merged into one and the load evened out: the stored answers now lead
        // elsewhere: 1, naming the decision, the answers that changed and what they fired.
        let record = project + "/.archadvisor/answers.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: record))) as? [String: Any])
        var edited = try #require(object["answers"] as? [String: Any])
        edited["team_count"] = 1
        edited["scaling_profile"] = "uniform"
        object["answers"] = edited
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: record))
        let drifted = try CLI.run(["recheck", project])
        #expect(drifted.status == 1, "\(drifted)")
        #expect(drifted.stdout.contains("architecture: microservices -> monolith"))
        #expect(drifted.stdout.contains("answers changed since the project was scaffolded: team_count 6 -> 1, scaling_profile very_different -> uniform"), "\(drifted.stdout)")
        #expect(drifted.stdout.contains("now fire: no-bottleneck-or-team-boundary"), "\(drifted.stdout)")
        #expect(drifted.stdout.contains("microservices is now excluded"), "\(drifted.stdout)")
        // A broken record: 2, naming the file and the key.
        try "{\"answers\": {\"team_size\": \"many\"}, \"decisions\": {}, \"knowledge_base\": \"x\"}".write(toFile: record, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["recheck", project])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("team_size"))
        // Not a scaffolded project: 2.
        let none = try CLI.run(["recheck", dir.path("nowhere")])
        #expect(none.status == 2, "\(none)")
        // A missing knowledge base: 3.
        let noKB = try CLI.run(["recheck", project, "--kb", dir.path("missing.sqlite")])
        #expect(noKB.status == 3, "\(noKB)")
    }

    @Test func aNewerKnowledgeBaseIsDetected() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let answers = try dir.write("services.json", Answers.services)
        let project = dir.path("shop")
        #expect(try CLI.run(["scaffold", "--answers", answers, "--name", "shop", "--out", project]).status == 0)
        let record = project + "/.archadvisor/answers.json"
        let text = try String(contentsOfFile: record, encoding: .utf8)
        let hash = try #require(text.range(of: #""knowledge_base": "[0-9a-f]+""#, options: .regularExpression))
        try text.replacingCharacters(in: hash, with: #""knowledge_base": "0000""#).write(toFile: record, atomically: true, encoding: .utf8)
        let r = try CLI.run(["recheck", project])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("knowledge base changed: 0000 ->"))
    }
}
