import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// `archadvisor check`, the platform team's CI gate, run as CI would run it on the example
/// portfolio (examples/portfolio): one service matches, one drifts under a live waiver, one
/// drifts, one drifts with an expired waiver.
@Suite("check: the CI gate")
struct CheckCommandTests {
    static let portfolio = CLI.root.appendingPathComponent("examples/portfolio").path
    static let today = ["--today", "2026-12-01"]

    func file(_ service: String) -> String { Self.portfolio + "/" + service + "/archadvisor.json" }

    /// The 1-based line of the first line of `path` containing `text`.
    func line(_ path: String, _ text: String) throws -> Int {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    @Test func findingsWithSeverityFileAndLine() throws {
        let r = try CLI.run(["check", "--format", "json"] + Self.today + [Self.portfolio])
        #expect(r.status == 1, "errors fail the gate: \(r)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let files = try #require(o["files"] as? [[String: Any]])
        #expect(files.map { $0["file"] as? String } == ["billing", "legacy", "search", "shop"].map(file), "found recursively, in path order")
        let findings = files.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
        func find(_ service: String, _ id: String) -> [String: Any]? {
            findings.first { $0["file"] as? String == file(service) && $0["id"] as? String == id }
        }
        let drift = try #require(find("search", "drift/architecture"))
        #expect(drift["severity"] as? String == "error")
        let keyLine = try line(file("search"), "\"architecture\"")
        #expect(drift["line"] as? Int == keyLine, "the line of the key in current")
        #expect((drift["message"] as? String)?.contains("runs service_mesh, archadvisor recommends microservices") == true)
        // A live waiver suppresses; an expired one is an error of its own and suppresses nothing.
        let waived = try #require(find("billing", "drift/architecture"))
        #expect(waived["suppressed"] as? Bool == true)
        #expect((waived["waiver"] as? [String: Any])?["owner"] as? String == "billing-team@example.com")
        let expired = try #require(find("legacy", "waiver-expired"))
        let waiverLine = try line(file("legacy"), "\"finding\"")
        #expect(expired["severity"] as? String == "error" && expired["line"] as? Int == waiverLine)
        #expect(find("legacy", "drift/architecture")?["suppressed"] as? Bool == false)
        #expect(find("shop", "drift/architecture") == nil, "shop runs what is recommended")
        #expect(findings.contains { $0["id"] as? String == "rests-on-defaults/sync_protocol" && $0["severity"] as? String == "note" })
        let summary = try #require(o["summary"] as? [String: Any])
        #expect(summary["suppressed"] as? Int == 1)
    }

    @Test func failOnAndExitCodes() throws {
        #expect(try CLI.run(["check", "--fail-on", "never"] + Self.today + [Self.portfolio]).status == 0)
        // The one matching service has notes only: fails on note, passes on warning.
        #expect(try CLI.run(["check", "--fail-on", "warning"] + Self.today + [file("shop")]).status == 0)
        #expect(try CLI.run(["check", "--fail-on", "note"] + Self.today + [file("shop")]).status == 1)
        // The waiver keeps billing green until it expires.
        #expect(try CLI.run(["check"] + Self.today + [file("billing")]).status == 0)
        #expect(try CLI.run(["check", "--today", "2099-07-01", file("billing")]).status == 1)
        // A bad file: exit 2, reported as a finding and on stderr with the file, line and key.
        let dir = try TemporaryDirectory(prefix: "archadvisor-check")
        defer { dir.remove() }
        let bad = try dir.write("archadvisor.json", "{\n  \"team_size\": 4,\n  \"current\": {\"architecure\": \"monolith\"}\n}\n")
        let r = try CLI.run(["check", "--format", "json", bad])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("\(bad):3: current.architecure: unknown decision (did you mean \"architecture\"?)"), "\(r.stderr)")
        #expect(r.stdout.contains("\"id\":\"invalid-answers\""))
        let empty = try TemporaryDirectory(prefix: "archadvisor-check")
        defer { empty.remove() }
        #expect(try CLI.run(["check", empty.url.path]).status == 2, "no answer file found is an error")
    }

    @Test func sarifHasRulesFingerprintsSuppressionsAndRelativeURIs() throws {
        let r = try CLI.run(["check", "--format", "sarif"] + Self.today + ["examples/portfolio"], in: CLI.root)
        #expect(r.status == 1)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["version"] as? String == "2.1.0")
        let run = try #require((o["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count && ids.contains("drift/architecture") && ids.contains("waiver-expired"))
        let drift = try #require(rules.first { $0["id"] as? String == "drift/architecture" })
        #expect(((drift["help"] as? [String: Any])?["text"] as? String)?.contains("5.1 Backend Architecture") == true, "help cites the guidance")
        let results = try #require(run["results"] as? [[String: Any]])
        for res in results {
            #expect((res["partialFingerprints"] as? [String: String])?.isEmpty == false)
            let uri = (((res["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
            #expect(uri?.hasPrefix("examples/portfolio/") == true, "relative to the working directory: \(String(describing: uri))")
            #expect(ids[res["ruleIndex"] as? Int ?? -1] == res["ruleId"] as? String)
        }
        #expect(results.filter { $0["suppressions"] != nil }.count == 1)
    }

    /// Parses the JUnit report with Foundation's XML parser, as a CI system would.
    final class JUnitCounter: NSObject, XMLParserDelegate {
        var suites = 0, cases = 0, failures = 0, skipped = 0
        var declared: [String: String] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "testsuites": declared = attributes
            case "testsuite": suites += 1
            case "testcase": cases += 1
            case "failure": failures += 1
            case "skipped": skipped += 1
            default: break
            }
        }
    }

    @Test func junitIsOneSuitePerFileAndOneCasePerDecision() throws {
        let r = try CLI.run(["check", "--format", "junit"] + Self.today + [Self.portfolio])
        let parser = XMLParser(data: Data(r.stdout.utf8))
        let counter = JUnitCounter()
        parser.delegate = counter
        #expect(parser.parse(), "well-formed XML: \(String(describing: parser.parserError))")
        #expect(counter.suites == 4)
        // Five decisions per file, plus one case for legacy's expired waiver.
        #expect(counter.cases == 4 * 5 + 1)
        #expect(counter.skipped == 1, "the waived drift is skipped")
        #expect(counter.failures >= 3)
        #expect(counter.declared["tests"] == String(counter.cases))
    }

    @Test func githubAnnotationsAndStepSummary() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-check")
        defer { dir.remove() }
        let summary = dir.path("summary.md")
        let r = try CLI.run(["check", "--format", "github"] + Self.today + [Self.portfolio], environment: ["GITHUB_STEP_SUMMARY": summary])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let drift = try #require(lines.first { $0.contains("title=drift/architecture") && $0.contains("search") })
        let keyLine = try line(file("search"), "\"architecture\"")
        #expect(drift.hasPrefix("::error file=") && drift.contains(",line=\(keyLine),"))
        #expect(lines.contains { $0.hasPrefix("::notice ") && $0.contains("rests-on-defaults") })
        #expect(!lines.contains { $0.contains("billing") && $0.contains("drift/architecture") }, "a waived finding is no annotation")
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("| Severity | Finding | File | Line | Message |"))
        #expect(markdown.contains("## Services per architecture"))
    }

    @Test func markdownPortfolio() throws {
        let r = try CLI.run(["check", "--format", "markdown", "--today", "2099-06-15", Self.portfolio])
        #expect(r.stdout.contains("| microservices | 3 |") && r.stdout.contains("| monolith | 1 |"))
        #expect(r.stdout.contains("## Waivers expiring within 30 days\n\n- \(file("billing")): `drift/architecture` expires 2099-06-30"))
        #expect(r.stdout.contains("## Drifted services"))
    }

    @Test func scaffoldRecordsCountAsCurrent() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-check")
        defer { dir.remove() }
        let answers = try dir.write("answers.json", Answers.services)
        let project = dir.path("shop")
        #expect(try CLI.run(["scaffold", "--answers", answers, "--name", "shop", "--out", project]).status == 0)
        let same = try CLI.run(["check", "--format", "json", dir.url.path])
        #expect(same.stdout.contains("\"file\":\"\(project)/.archadvisor/answers.json\""), "\(same)")
        #expect(!same.stdout.contains("drift/"), "a fresh scaffold matches its record")
        // Edit the record's answers so the stored decisions no longer hold.
        let record = project + "/.archadvisor/answers.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: record))) as? [String: Any])
        var edited = try #require(object["answers"] as? [String: Any])
        edited["team_count"] = 1
        edited["scaling_profile"] = "uniform"
        object["answers"] = edited
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: record))
        let drifted = try CLI.run(["check", dir.url.path])
        #expect(drifted.status == 1)
        #expect(drifted.stdout.contains("drift/architecture"), "\(drifted)")
    }
}

/// The pre-commit hook (.pre-commit-hooks.yaml) runs its entry on the files it matches.
@Suite("check: the pre-commit hook")
struct PreCommitHookTests {
    /// `key: value` of the hook definition (a one-hook YAML list).
    static func field(_ key: String) throws -> String {
        let text = try String(contentsOf: CLI.root.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(key):") || $0.hasPrefix("- \(key):") })
        return String(line.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces)
    }

    @Test func filesPatternMatchesAnswerFilesOnly() throws {
        let regex = try NSRegularExpression(pattern: try Self.field("files"))
        func matches(_ path: String) -> Bool { regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil }
        #expect(matches("examples/portfolio/shop/archadvisor.json"))
        #expect(matches("services/billing.archadvisor.json"))
        #expect(matches("shop/.archadvisor/answers.json"))
        #expect(!matches("package.json") && !matches("answers.json") && !matches("archadvisor.json.bak"))
    }

    @Test func entryChecksTheChangedFiles() throws {
        let entry = try Self.field("entry").split(separator: " ").map(String.init)
        #expect(entry.first == "archadvisor" && entry.dropFirst().first == "check")
        let binary = try #require(CLI.binary)
        let args = Array(entry.dropFirst()) + ["--today", "2026-12-01"]
        let shop = CLI.root.appendingPathComponent("examples/portfolio/shop/archadvisor.json").path
        let search = CLI.root.appendingPathComponent("examples/portfolio/search/archadvisor.json").path
        #expect(try CLI.run(args + [shop]).status == 0, "a service that runs what is recommended passes (\(binary.path))")
        let drifted = try CLI.run(args + [shop, search])
        #expect(drifted.status == 1)
        #expect(drifted.stdout.contains("drift/architecture"))
    }
}
