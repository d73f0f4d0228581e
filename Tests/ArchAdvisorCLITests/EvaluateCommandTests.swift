import Foundation
import Testing
import TestSupport

/// `archadvisor evaluate` and `explain`, end to end, on the project's knowledge base.
@Suite("evaluate and explain")
struct EvaluateCommandTests {
    @Test func jsonForOneFile() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("startup.json", Answers.monolith)
        let r = try CLI.run(["evaluate", file, "--format", "json"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.isEmpty, "\(r)")
        let objects = try CLI.jsonLines(r.stdout)
        #expect(objects.count == 1)
        let o = try #require(objects.first)
        #expect(o["input"] as? String == file)
        #expect(CLI.choice(o, "architecture") == "monolith")
        for d in ["sync_protocol", "messaging", "aggregation", "mesh"] {
            #expect(((o["decisions"] as? [String: Any])?[d] as? [String: Any])?["choice"] is NSNull, "\(d)")
        }
        #expect((o["defaulted"] as? [String])?.contains("kubernetes") == true)
    }

    @Test func jsonIsTheDefaultWhenPiped() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let r = try CLI.run(["evaluate", try dir.write("a.json", Answers.monolith)])
        #expect(r.status == 0, "\(r)")
        #expect(try CLI.jsonLines(r.stdout).count == 1)
    }

    @Test func severalInputsOneLineEachInOrder() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let a = try dir.write("a.json", Answers.services)
        let b = try dir.write("b.jsonl", [Answers.monolith, Answers.mesh, Answers.services].joined(separator: "\n") + "\n")
        let c = try dir.write("c.json", Answers.monolith)
        let r = try CLI.run(["evaluate", "--format", "json", a, b, c])
        #expect(r.status == 0, "\(r)")
        let objects = try CLI.jsonLines(r.stdout)
        #expect(objects.map { $0["input"] as? String } == [a, "\(b):1", "\(b):2", "\(b):3", c])
        #expect(objects.map { CLI.choice($0, "architecture") } == ["microservices", "monolith", "service_mesh", "microservices", "monolith"])
        #expect(CLI.choice(objects[2], "mesh") == "linkerd", "post-quantum rules Istio out")
    }

    @Test func csvFormat() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let a = try dir.write("a.json", Answers.monolith), b = try dir.write("b.json", Answers.mesh)
        let r = try CLI.run(["evaluate", "--format", "csv", a, b])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdoutLines.count == 3)
        #expect(r.stdoutLines.first?.hasPrefix("input,architecture,sync_protocol,messaging,aggregation,mesh,") == true)
        #expect(r.stdoutLines.first?.hasSuffix(",mesh_confidence,error") == true)
        #expect(r.stdoutLines.dropFirst().first?.hasPrefix("\(a),monolith,,,,,") == true)
        let mesh = r.stdoutLines.last?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        #expect(mesh.count == 12 && mesh[1] == "service_mesh" && mesh[5] == "linkerd", "\(mesh)")
    }

    @Test func markdownFormat() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let r = try CLI.run(["evaluate", "--format", "markdown", try dir.write("a.json", Answers.services)])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("# archadvisor evaluation"))
        #expect(r.stdout.contains("| Decision | Choice | Confidence | Scores |"))
        #expect(r.stdout.contains("**microservices**"))
    }

    @Test func tableFormatWithoutColourWhenPiped() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("a.json", Answers.monolith)
        for environment in [["NO_COLOR": "1"], ["NO_COLOR": "", "TERM": "xterm-256color"]] {
            let r = try CLI.run(["evaluate", "--format", "table", file], environment: environment)
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains(file))
            #expect(r.stdout.contains("architecture") && r.stdout.contains("monolith"))
            #expect(r.stdout.contains("does not apply"))
            #expect(r.stdout.contains("defaulted:"))
            #expect(!r.stdout.contains("\u{1B}["), "no colour when piped: \(r.stdout)")
            #expect(r.stderr.isEmpty, "no progress line when stderr is not a terminal")
        }
    }

    @Test func standardInputPrettyAndPacked() throws {
        let input = "{\n  \"team_size\": 3\n}\n" + Answers.mesh + " " + Answers.monolith + "\n"
        let r = try CLI.run(["evaluate", "-", "--format", "csv"], stdin: input)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2).joined(separator: ",") }
                == ["stdin:1,monolith", "stdin:4,service_mesh", "stdin:4,monolith"])
    }

    @Test func failOnPolicy() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("a.json", Answers.monolith)
        let failed = try CLI.run(["evaluate", "--format", "json", "--fail-on", "architecture=monolith", file])
        #expect(failed.status == 1, "\(failed)")
        #expect(try CLI.jsonLines(failed.stdout).count == 1, "the report is still printed")
        #expect(failed.stderr.contains("policy architecture=monolith failed"), "\(failed)")
        let passed = try CLI.run(["evaluate", "--format", "json", "--fail-on", "architecture=service_mesh", file])
        #expect(passed.status == 0, "\(passed)")
        let csv = try CLI.run(["evaluate", "--format", "csv", "--fail-on", "architecture=monolith", file])
        #expect(csv.status == 1, "the csv fast path must still count choices: \(csv)")
    }

    @Test func explainShowsRulesAndCounterfactuals() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let r = try CLI.run(["explain", try dir.write("a.json", Answers.services)])
        #expect(r.status == 0, "\(r)")
        for d in ["architecture", "sync_protocol", "messaging", "aggregation", "mesh"] {
            #expect(r.stdout.contains("(\(d))"), "\(d) missing")
        }
        #expect(r.stdout.contains("rules that fired (net for "))
        #expect(r.stdout.contains("source: "))
        #expect(r.stdout.contains("does not apply: it applies when"))
        #expect(r.stdout.contains("what would change the choice (changing the answers"))
        #expect(r.stdout.contains("threshold: archadvisor's calibration"))
        #expect(r.stdout.contains("defaulted: "))
        let stdin = try CLI.run(["explain", "-"], stdin: Answers.monolith)
        #expect(stdin.status == 0, "\(stdin)")
        #expect(stdin.stdout.hasPrefix("-") || stdin.stdout.contains("Backend architecture"), "\(stdin)")
    }

    @Test func helpAndVersion() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("evaluate") && help.stdout.contains("explain") && help.stdout.contains("kb"))
        let version = try CLI.run(["--version"])
        #expect(version.status == 0, "\(version)")
        #expect(!version.stdout.isEmpty)
    }
}
