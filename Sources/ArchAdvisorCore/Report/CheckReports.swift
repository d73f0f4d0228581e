import Foundation

/// The formats of `archadvisor check`: text, json, sarif (2.1.0), junit, github (workflow
/// commands) and markdown (the portfolio view, also the GitHub step summary).
public struct CheckReports: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    public init(kb: KnowledgeBase, style: Style = Style(color: false)) {
        self.kb = kb
        self.style = style
    }

    static let infoURI = "https://github.com/archadvisor/archadvisor"

    func choiceLine(_ f: CheckedFile) -> String {
        guard let e = f.evaluation else { return "not evaluated" }
        return e.decisions.filter { $0.choice != nil }.map { r in
            "\(kb.decisions[r.decision].id) \(kb.decisions[r.decision].options[r.choice!].value)"
        }.joined(separator: ", ")
    }

    // MARK: text

    public func text(_ result: CheckResult) -> String {
        var out = ""
        for f in result.files {
            out += "\(style.bold)\(f.path)\(style.reset) (\(f.service)): \(choiceLine(f))\n"
            if f.findings.isEmpty { out += "  \(style.green)ok\(style.reset)\n" }
            for x in f.findings {
                let color = x.severity == .error ? style.red : x.severity == .warning ? style.yellow : style.dim
                let tag = x.isSuppressed ? "\(style.dim)suppressed\(style.reset)" : color + x.severity.rawValue + style.reset
                out += "  \(tag) \(x.id) (line \(x.line)): \(x.message)"
                if let w = x.waivedBy { out += " \(style.dim)[waived by \(w.owner) until \(w.expires): \(w.reason)]\(style.reset)" }
                out += "\n"
            }
        }
        return out + summaryLine(result) + "\n"
    }

    public func summaryLine(_ result: CheckResult) -> String {
        let live = result.findings.filter { !$0.isSuppressed }
        let count = { (s: Severity) in live.filter { $0.severity == s }.count }
        let byArchitecture = portfolio(result).architectures.map { "\($0.count) \($0.choice)" }.joined(separator: ", ")
        return "checked \(result.files.count) answer file\(result.files.count == 1 ? "" : "s")\(byArchitecture.isEmpty ? "" : " (\(byArchitecture))"): "
            + "\(count(.error)) error\(count(.error) == 1 ? "" : "s"), \(count(.warning)) warning\(count(.warning) == 1 ? "" : "s"), "
            + "\(count(.note)) note\(count(.note) == 1 ? "" : "s"), \(result.findings.count - live.count) suppressed"
            + (kb.packs.isEmpty ? "" : "; rule packs layered over the guidance: " + kb.packs.map { "\($0.id) (\($0.title))" }.joined(separator: ", "))
    }

    // MARK: portfolio

    public struct Portfolio {
        public var architectures: [(choice: String, count: Int)]
        public var drifted: [Finding]
        public var closeCalls: [Finding]
        public var expiring: [(file: String, waiver: Waiver)]
        public var olderKnowledgeBase: [(file: String, hash: String)]
    }

    /// Services per architecture, drift, close calls, waivers expiring within 30 days, and
    /// scaffold records made with another knowledge base than the current one.
    public func portfolio(_ result: CheckResult) -> Portfolio {
        var counts: [String: Int] = [:]
        for f in result.files {
            if let c = f.evaluation?.choice("architecture", in: kb) { counts[c, default: 0] += 1 }
        }
        let order = kb.decisionIndex["architecture"].map { kb.decisions[$0].options.map(\.value) } ?? []
        let soon = CheckReports.date(result.today, plusDays: 30)
        return Portfolio(
            architectures: order.compactMap { o in counts[o].map { (o, $0) } },
            drifted: result.findings.filter { $0.id.hasPrefix("drift/") },
            closeCalls: result.findings.filter { $0.id.hasPrefix("close-call/") },
            expiring: result.files.flatMap { f in f.waivers.filter { $0.expires >= result.today && $0.expires <= soon }.map { (f.path, $0) } },
            olderKnowledgeBase: result.files.compactMap { f in f.knowledgeBase.flatMap { $0 != result.knowledgeBase ? (f.path, $0) : nil } })
    }

    static func date(_ day: String, plusDays n: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        guard let d = f.date(from: day) else { return day }
        return f.string(from: d.addingTimeInterval(Double(n) * 86_400))
    }

    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

    public func markdown(_ result: CheckResult) -> String {
        let p = portfolio(result)
        var out = "# archadvisor check\n\n" + summaryLine(result) + "\n\n## Services per architecture\n\n| Architecture | Services |\n|---|---|\n"
        for a in p.architectures { out += "| \(a.choice) | \(a.count) |\n" }
        out += "\n## Findings\n\n"
        let all = result.findings
        if all.isEmpty { out += "No findings.\n" } else {
            out += "| Severity | Finding | File | Line | Message |\n|---|---|---|---|---|\n"
            for x in all {
                out += "| \(x.isSuppressed ? "suppressed (\(x.severity.rawValue))" : x.severity.rawValue) | `\(x.id)` | \(CheckReports.cell(x.file)) | \(x.line) | \(CheckReports.cell(x.message)) |\n"
            }
        }
        out += "\n## Drifted services\n\n" + (p.drifted.isEmpty ? "None.\n" : p.drifted.map { "- \(CheckReports.cell($0.file)): `\($0.id)` \(CheckReports.cell($0.message))" }.joined(separator: "\n") + "\n")
        out += "\n## Close calls\n\n" + (p.closeCalls.isEmpty ? "None.\n" : p.closeCalls.map { "- \(CheckReports.cell($0.file)): `\($0.id)` \(CheckReports.cell($0.message))" }.joined(separator: "\n") + "\n")
        out += "\n## Waivers expiring within 30 days\n\n" + (p.expiring.isEmpty ? "None.\n" : p.expiring.map { "- \(CheckReports.cell($0.file)): `\($0.waiver.finding)` expires \($0.waiver.expires) (owner \(CheckReports.cell($0.waiver.owner)))" }.joined(separator: "\n") + "\n")
        out += "\n## Evaluated with an older knowledge base\n\n" + (p.olderKnowledgeBase.isEmpty ? "None.\n" : p.olderKnowledgeBase.map { "- \(CheckReports.cell($0.file)): `\($0.hash.prefix(12))` (current `\(result.knowledgeBase.prefix(12))`)" }.joined(separator: "\n") + "\n")
        return out
    }

    // MARK: json

    func findingJSON(_ x: Finding) -> String {
        var out = "{\"id\":\(JSONText.quoted(x.id)),\"severity\":\(JSONText.quoted(x.severity.rawValue)),\"file\":\(JSONText.quoted(x.file)),\"line\":\(x.line)"
        out += ",\"decision\":" + (x.decision.map(JSONText.quoted) ?? "null")
        out += ",\"message\":\(JSONText.quoted(x.message)),\"suppressed\":\(x.isSuppressed)"
        if let w = x.waivedBy {
            out += ",\"waiver\":{\"reason\":\(JSONText.quoted(w.reason)),\"owner\":\(JSONText.quoted(w.owner)),\"expires\":\(JSONText.quoted(w.expires))}"
        }
        return out + "}"
    }

    public func json(_ result: CheckResult) -> String {
        let live = result.findings.filter { !$0.isSuppressed }
        var out = "{\"knowledge_base\":\(JSONText.quoted(result.knowledgeBase)),\"date\":\(JSONText.quoted(result.today)),\"files\":["
        out += result.files.map { f in
            var o = "{\"file\":\(JSONText.quoted(f.path)),\"service\":\(JSONText.quoted(f.service)),\"decisions\":"
            if let e = f.evaluation {
                o += "{" + e.decisions.map { r in JSONText.quoted(kb.decisions[r.decision].id) + ":" + (r.choice.map { JSONText.quoted(kb.decisions[r.decision].options[$0].value) } ?? "null") }.joined(separator: ",") + "}"
            } else {
                o += "null"
            }
            o += ",\"current\":{" + f.current.map { JSONText.quoted($0.decision) + ":" + ($0.choice.map(JSONText.quoted) ?? "null") }.joined(separator: ",") + "}"
            o += ",\"findings\":[" + f.findings.map(findingJSON).joined(separator: ",") + "]}"
            return o
        }.joined(separator: ",")
        out += "],\"summary\":{\"files\":\(result.files.count),\"errors\":\(live.filter { $0.severity == .error }.count),\"warnings\":\(live.filter { $0.severity == .warning }.count),"
        out += "\"notes\":\(live.filter { $0.severity == .note }.count),\"suppressed\":\(result.findings.count - live.count)}"
        if !kb.packs.isEmpty {
            out += ",\"rule_packs\":[" + kb.packs.map { p in
                "{\"id\":\(JSONText.quoted(p.id)),\"title\":\(JSONText.quoted(p.title)),\"owner\":\(JSONText.quoted(p.owner))}"
            }.joined(separator: ",") + "]"
        }
        out += "}\n"
        return out
    }

    // MARK: sarif

    /// The rule behind a finding id: what it means, and the guidance sections it rests on.
    func ruleHelp(_ id: String) -> (short: String, help: String, level: Severity) {
        let decision = id.split(separator: "/").dropFirst().first.map(String.init)
        let sections: String = decision.flatMap { kb.decisionIndex[$0] }.map { d in
            var seen: [String] = []
            for r in kb.rulesByDecision[d] {
                let s = kb.section(of: kb.rules[r].source)
                if !seen.contains(s) { seen.append(s) }
            }
            return seen.joined(separator: "; ")
        } ?? ""
        switch id.split(separator: "/").first.map(String.init) ?? id {
        case "drift":
            return ("What the service runs differs from archadvisor's recommendation for \(decision ?? "")",
                    "The answers lead to another \(decision ?? "") than the one the service runs (its `current`, or a scaffold record's decisions). Run `archadvisor explain` on the file for the reasons, each citing the guidance: \(sections). Change the service, update the answers, or add a waiver with an owner, reason and expiry.",
                    .error)
        case "close-call":
            return ("The \(decision ?? "") recommendation is a close call",
                    "The choice leads its runner-up by less than the decision's leaning margin, so a small change of the answers flips it (`archadvisor whatif`). Guidance: \(sections).",
                    .warning)
        case "rests-on-defaults":
            return ("The \(decision ?? "") recommendation rests on answers left at their defaults",
                    "Answering a question the file leaves at its default would change the choice; answer it to settle the decision. Guidance: \(sections).",
                    .note)
        case "policy":
            guard let p = kb.policy(finding: id) else { break }
            let pack = kb.packs.first { $0.id == p.pack }
            return (p.message,
                    "Organisation policy `\(p.id)` of rule pack \(p.pack)" + (pack.map { " (\($0.title); owner \($0.owner))" } ?? "")
                        + ": requires `\(p.requireText)`" + (p.whenText == "true" ? "" : " when `\(p.whenText)`")
                        + ". Source: \(kb.section(of: p.source)) (defined at \(p.location)). It scores nothing: change the service or its answers, or add a waiver with an owner, reason and expiry.",
                    p.severity)
        default:
            break
        }
        switch id {
        case "waiver-expired":
            return ("A waiver has expired", "A waiver's expiry date has passed: renew it with a new date and reason, or resolve the finding it waived.", .error)
        default:
            return ("The answer file cannot be read or is invalid", "Fix the file: the message names the key and what was expected (`archadvisor kb schema` gives editors a schema).", .error)
        }
    }

    /// A policy's document, when its source has a link.
    func helpURI(_ id: String) -> String? {
        guard let p = kb.policy(finding: id), let i = kb.sourceIndex[p.source] else { return nil }
        return kb.sources[i].url
    }

    static func sarifLevel(_ s: Severity) -> String { s == .note ? "note" : s.rawValue }

    /// A stable fingerprint: the finding id, the file and the decision (not the line, which
    /// moves when the file is edited).
    static func fingerprint(_ x: Finding) -> String {
        var hash = SHA256()
        hash.update(Array("\(x.id)|\(relativeURI(x.file))|\(x.decision ?? "")".utf8))
        return String(hash.finalize().prefix(32))
    }

    static func relativeURI(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        var p = path
        if p.hasPrefix(cwd + "/") { p = String(p.dropFirst(cwd.count + 1)) }
        if p.hasPrefix("./") { p = String(p.dropFirst(2)) }
        return p.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? p
    }

    public func sarif(_ result: CheckResult, version: String) -> String {
        let findings = result.findings
        var ids: [String] = []
        for x in findings where !ids.contains(x.id) { ids.append(x.id) }
        let rules = ids.map { id -> String in
            let h = ruleHelp(id)
            return "{\"id\":\(JSONText.quoted(id)),\"name\":\(JSONText.quoted(id.replacingOccurrences(of: "/", with: "-"))),"
                + "\"shortDescription\":{\"text\":\(JSONText.quoted(h.short))},\"fullDescription\":{\"text\":\(JSONText.quoted(h.help))},"
                + "\"help\":{\"text\":\(JSONText.quoted(h.help)),\"markdown\":\(JSONText.quoted(h.help))},"
                + (helpURI(id).map { "\"helpUri\":\(JSONText.quoted($0))," } ?? "")
                + "\"defaultConfiguration\":{\"level\":\(JSONText.quoted(CheckReports.sarifLevel(h.level)))}}"
        }
        let results = findings.map { x -> String in
            var r = "{\"ruleId\":\(JSONText.quoted(x.id)),\"ruleIndex\":\(ids.firstIndex(of: x.id)!),\"level\":\(JSONText.quoted(CheckReports.sarifLevel(x.severity))),"
            r += "\"message\":{\"text\":\(JSONText.quoted(x.message))},"
            r += "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\(JSONText.quoted(CheckReports.relativeURI(x.file)))},\"region\":{\"startLine\":\(x.line)}}}],"
            r += "\"partialFingerprints\":{\"archadvisorFinding/v1\":\(JSONText.quoted(CheckReports.fingerprint(x)))}"
            if let w = x.waivedBy {
                r += ",\"suppressions\":[{\"kind\":\"external\",\"status\":\"accepted\",\"justification\":\(JSONText.quoted("\(w.reason) (owner \(w.owner), until \(w.expires))"))}]"
            }
            return r + "}"
        }
        return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"archadvisor\","
            + "\"version\":\(JSONText.quoted(version)),\"informationUri\":\(JSONText.quoted(CheckReports.infoURI)),\"rules\":[" + rules.joined(separator: ",") + "]}},"
            + "\"originalUriBaseIds\":{\"SRCROOT\":{\"uri\":\(JSONText.quoted(URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true).absoluteString))}},"
            + "\"results\":[" + results.joined(separator: ",") + "]}]}\n"
    }

    // MARK: junit

    static func xml(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 allows tab, newline, carriage return and characters from U+0020.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" && ch != "\r" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    /// One testsuite per answer file, one testcase per decision (plus one for the file's
    /// own findings: invalid input, expired waivers). Failures at or above `failOn` fail;
    /// suppressed findings are skipped; those below are reported as system-out.
    public func junit(_ result: CheckResult, failOn: Severity?) -> String {
        var suites = ""
        var total = 0, failures = 0, skipped = 0
        for f in result.files {
            var cases = ""
            var n = 0, fails = 0, skips = 0
            let names = kb.decisions.map(\.id) + kb.policies.map { "policy/" + $0.id } + ["file"]
            for name in names {
                let mine = f.findings.filter { x in
                    if name == "file" { return x.decision == nil && !x.id.hasPrefix("policy/") }
                    return name.hasPrefix("policy/") ? x.id == name : x.decision == name
                }
                if name == "file" && mine.isEmpty && f.evaluation != nil { continue }
                n += 1
                cases += "    <testcase classname=\(CheckReports.quoted(f.service)) name=\(CheckReports.quoted(name)) file=\(CheckReports.quoted(f.path))>\n"
                let failing = mine.filter { x in !x.isSuppressed && failOn.map { x.severity >= $0 } == true }
                if !failing.isEmpty {
                    fails += 1
                    for x in failing {
                        cases += "      <failure type=\(CheckReports.quoted(x.id)) message=\(CheckReports.quoted(x.message))>\(CheckReports.xml("\(x.file):\(x.line): \(x.severity.rawValue) \(x.id): \(x.message)"))</failure>\n"
                    }
                } else if let s = mine.first(where: \.isSuppressed), mine.allSatisfy({ $0.isSuppressed }) {
                    skips += 1
                    cases += "      <skipped message=\(CheckReports.quoted("waived: \(s.waivedBy!.reason) (owner \(s.waivedBy!.owner), until \(s.waivedBy!.expires))"))/>\n"
                }
                let other = mine.filter { x in !failing.contains(x) && !x.isSuppressed }
                if !other.isEmpty {
                    cases += "      <system-out>\(CheckReports.xml(other.map { "\($0.severity.rawValue) \($0.id): \($0.message)" }.joined(separator: "\n")))</system-out>\n"
                }
                cases += "    </testcase>\n"
            }
            total += n; failures += fails; skipped += skips
            suites += "  <testsuite name=\(CheckReports.quoted(f.path)) tests=\"\(n)\" failures=\"\(fails)\" errors=\"0\" skipped=\"\(skips)\">\n" + cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"archadvisor check\" tests=\"\(total)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
            + suites + "</testsuites>\n"
    }

    static func quoted(_ s: String) -> String { "\"" + xml(s) + "\"" }

    // MARK: github

    /// Workflow commands: one annotation per finding that is not suppressed.
    public func github(_ result: CheckResult) -> String {
        func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        var out = ""
        for x in result.findings where !x.isSuppressed {
            let command = x.severity == .error ? "error" : x.severity == .warning ? "warning" : "notice"
            out += "::\(command) file=\(escapeProperty(CheckReports.relativeURI(x.file))),line=\(x.line),title=\(escapeProperty(x.id))::\(escapeData(x.message))\n"
        }
        return out + summaryLine(result) + "\n"
    }
}
