import Foundation

/// `archadvisor check`: finds the answer files and scaffold records under the paths given,
/// evaluates each, and reports where what a service runs differs from the recommendation
/// (`drift/DECISION`), close calls, choices resting on defaults, invalid inputs and expired
/// waivers, each with the file and line of the key it is about. Never prints.
public struct Checker: Sendable {
    public let kb: KnowledgeBase
    /// `YYYY-MM-DD`: waivers that expire before it are expired.
    public let today: String
    let evaluator: Evaluator

    public init(kb: KnowledgeBase, today: String) {
        self.kb = kb
        self.today = today
        evaluator = Evaluator(kb: kb)
    }

    /// The names a directory is searched for.
    public static func isCheckedFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        if name == "archadvisor.json" || (name.hasSuffix(".archadvisor.json") && name.count > ".archadvisor.json".count) { return true }
        return name == "answers.json" && ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent == ".archadvisor"
    }

    /// The files to check: each PATH that is a file, and under each directory (searched
    /// recursively, skipping `.git` and build folders) every `archadvisor.json`,
    /// `*.archadvisor.json` and `.archadvisor/answers.json`, in path order. A PATH that does
    /// not exist is returned too (it becomes an `invalid-answers` finding).
    public static func discover(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { out.append(path); continue }
            var found: [String] = []
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            if let walker = fm.enumerator(atPath: path) {
                while let relative = walker.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                        if name == ".git" || name == "node_modules" || name.hasPrefix(".build") { walker.skipDescendants() }
                        continue
                    }
                    let full = base + "/" + relative
                    if isCheckedFile(full) { found.append(full) }
                }
            }
            out += found.sorted()
        }
        return out
    }

    public func check(_ paths: [String]) -> CheckResult {
        let files = Checker.discover(paths).map(checkFile)
        return CheckResult(files: files, today: today, knowledgeBase: kb.sourceHash)
    }

    static func service(of path: String) -> String {
        let name = (path as NSString).lastPathComponent
        var dir = (path as NSString).deletingLastPathComponent
        if name.hasSuffix(".archadvisor.json") && name != "archadvisor.json" { return String(name.dropLast(".archadvisor.json".count)) }
        if (dir as NSString).lastPathComponent == ".archadvisor" { dir = (dir as NSString).deletingLastPathComponent }
        let last = (dir as NSString).lastPathComponent
        return last.isEmpty || last == "." ? ((FileManager.default.currentDirectoryPath as NSString).lastPathComponent) : last
    }

    /// Checks one file.
    public func checkFile(_ path: String) -> CheckedFile {
        var file = CheckedFile(path: path, service: Checker.service(of: path), evaluation: nil, current: [], waivers: [], knowledgeBase: nil, findings: [])
        func invalid(_ line: Int, _ message: String) -> CheckedFile {
            file.findings.append(Finding(id: "invalid-answers", severity: .error, file: path, line: line, message: message))
            return file
        }
        let input = InputSource.file(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            if case .failure(let problems) = AnswerFile.read(input, kb: kb) {
                return invalid(1, problems.map(\.description).joined(separator: "; "))
            }
            return invalid(1, "cannot read the file; expected an answer file or a scaffold record")
        }
        let lines = KeyLines(data)
        guard let top = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any] else {
            // Let the answer reader say what is wrong, with its key.
            if case .failure(let problems) = AnswerFile.read(input, kb: kb) {
                return invalid(problems.first?.key.map { lines.line(of: $0) } ?? 1, problems.map(\.description).joined(separator: "; "))
            }
            return invalid(1, "expected a JSON object of answers, or a scaffold record (.archadvisor/answers.json)")
        }
        // A scaffold record keeps its answers, the decisions made, and the knowledge base.
        let isRecord = top["answers"] is [String: Any] && top["decisions"] is [String: Any]
        var answerBytes = data
        var currentObject: [String: Any]?
        var currentKey = "current"
        if isRecord {
            guard let answers = top["answers"] as? [String: Any],
                  let bytes = try? JSONSerialization.data(withJSONObject: answers, options: [.sortedKeys]) else {
                return invalid(lines.line(of: "answers"), "answers: expected an object of answers")
            }
            answerBytes = bytes
            currentObject = top["decisions"] as? [String: Any]
            currentKey = "decisions"
            file.knowledgeBase = top["knowledge_base"] as? String
        } else if let c = top["current"] {
            guard let object = c as? [String: Any] else { return invalid(lines.line(of: "current"), "current: expected an object of decision ids and choices") }
            currentObject = object
        }
        // The answers.
        switch AnswerReader(kb: kb).read(Array(answerBytes)) {
        case .failure(let problems):
            let line = problems.first?.key.map { lines.line(of: $0) } ?? 1
            return invalid(line, problems.map { (isRecord ? "answers." : "") + $0.description }.joined(separator: "; "))
        case .success(let answers):
            file.evaluation = evaluator.evaluate(answers)
        }
        // What runs today.
        if let currentObject {
            for (key, value) in currentObject.sorted(by: { $0.key < $1.key }) {
                guard let d = kb.decisionIndex[key] else {
                    let hint = Suggest.closest(to: key, in: kb.decisions.map(\.id)).map { " (did you mean \"\($0)\"?)" } ?? ""
                    return invalid(lines.line(of: key), "\(currentKey).\(key): unknown decision\(hint); expected one of \(kb.decisions.map(\.id).joined(separator: ", "))")
                }
                if value is NSNull { file.current.append((key, nil)); continue }
                guard let choice = value as? String, kb.decisions[d].optionIndex(choice) != nil else {
                    return invalid(lines.line(of: key), "\(currentKey).\(key): expected one of \(kb.decisions[d].options.map { "\"\($0.value)\"" }.joined(separator: ", ")) or null")
                }
                file.current.append((key, choice))
            }
        }
        // Waivers.
        if let w = top["waivers"] {
            guard let list = w as? [Any] else { return invalid(lines.line(of: "waivers"), "waivers: expected a list of {finding, reason, owner, expires}") }
            let waiverLines = lines.lines(of: "finding")
            for (i, item) in list.enumerated() {
                let line = i < waiverLines.count ? waiverLines[i] : lines.line(of: "waivers")
                guard let o = item as? [String: Any], let finding = o["finding"] as? String, let reason = o["reason"] as? String,
                      let owner = o["owner"] as? String, let expires = o["expires"] as? String else {
                    return invalid(line, "waivers[\(i)]: expected {\"finding\", \"reason\", \"owner\", \"expires\": \"YYYY-MM-DD\"}, each a string")
                }
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, !owner.trimmingCharacters(in: .whitespaces).isEmpty else {
                    return invalid(line, "waivers[\(i)]: a waiver needs a reason and an owner")
                }
                guard Checker.isDate(expires) else { return invalid(line, "waivers[\(i)].expires: expected a date YYYY-MM-DD, got \"\(expires)\"") }
                guard Checker.isFindingID(finding, kb: kb) else {
                    return invalid(line, "waivers[\(i)].finding: unknown finding \"\(finding)\"; expected drift/DECISION, close-call/DECISION, rests-on-defaults/DECISION" + (kb.policies.isEmpty ? "" : " or policy/RULE of a rule pack") + "")
                }
                file.waivers.append(Waiver(finding: finding, reason: reason, owner: owner, expires: expires, line: line))
            }
        }
        file.findings = findings(file, lines: lines)
        return file
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return y > 0 && (1...12).contains(m) && (1...31).contains(d)
    }

    static func isFindingID(_ id: String, kb: KnowledgeBase) -> Bool {
        if id.hasPrefix("policy/") { return kb.policy(finding: id) != nil }
        for prefix in ["drift/", "close-call/", "rests-on-defaults/"] where id.hasPrefix(prefix) {
            return kb.decisionIndex[String(id.dropFirst(prefix.count))] != nil
        }
        return false
    }

    /// The findings of a file that was read and evaluated, waivers applied.
    func findings(_ file: CheckedFile, lines: KeyLines) -> [Finding] {
        guard let e = file.evaluation else { return file.findings }
        let reasoning = Reasoning(kb: kb)
        var out: [Finding] = []
        for (id, current) in file.current {
            guard let d = kb.decisionIndex[id] else { continue }
            let r = e.decisions[d]
            let recommended = r.choice.map { kb.decisions[d].options[$0].value }
            guard recommended != current else { continue }
            var message = "runs \(current ?? "none (does not apply)"), archadvisor recommends \(recommended ?? "none (does not apply)")"
            if r.applies, r.choice != nil {
                message += " (\(reasoning.confidence(r)))"
                if let contrast = r.contrasts(in: kb).first(where: { kb.decisions[d].options[$0.versus].value == current }) {
                    if let x = contrast.excludedBy.first {
                        message += ": \(current ?? "") is excluded: \(kb.rules[x].why)"
                    } else if let top = contrast.favouring.first {
                        message += ": \(kb.rules[top.rule].why) [\(kb.section(of: kb.rules[top.rule].source))]"
                    }
                }
            }
            out.append(Finding(id: "drift/\(id)", severity: .error, file: file.path, line: lines.line(of: id), message: message, decision: id))
        }
        for r in e.decisions where r.applies && r.choice != nil {
            let d = kb.decisions[r.decision]
            let choice = d.options[r.choice!].value
            if r.confidence == .closeCall {
                // The line of the first answer given that a rule separating the two reads.
                let separating = r.contrasts(in: kb).first.map { ($0.favouring + $0.against).map(\.rule) } ?? []
                let keys = separating.flatMap { kb.reads[$0] }.filter { e.answers.provided[$0] }.map { kb.questions[$0].id }
                out.append(Finding(id: "close-call/\(d.id)", severity: .warning, file: file.path, line: keys.first.map { lines.line(of: $0) } ?? 1,
                                   message: "\(choice) is a \(reasoning.confidence(r)); the answers sit near a boundary (archadvisor whatif shows which change flips it)",
                                   decision: d.id))
            }
            if r.restsOnDefaults {
                let named = reasoning.restsOn(r, in: e)
                out.append(Finding(id: "rests-on-defaults/\(d.id)", severity: .note, file: file.path, line: 1,
                                   message: "\(choice) rests on answers left at their defaults: " + named.joined(separator: "; "), decision: d.id))
            }
        }
        // Organisation policies: `when` holds and `require` does not.
        for p in reasoning.violatedPolicies(in: e) {
            let nq = kb.questions.count
            let required = p.require.slots.filter { $0 < nq }.sorted()
            let read = required + p.when.slots.filter { $0 < nq }.sorted()
            let line = read.first { e.answers.provided[$0] }.map { lines.line(of: kb.questions[$0].id) } ?? 1
            var message = "\(p.message): requires `\(p.requireText)`" + (p.whenText == "true" ? "" : " when `\(p.whenText)`")
            let defaulted = required.filter { !e.answers.provided[$0] }.map { "\(kb.questions[$0].id) (default \(kb.questions[$0].displayValue(kb.questions[$0].defaultValue)))" }
            if !defaulted.isEmpty { message += "; not answered: " + defaulted.joined(separator: ", ") }
            message += " [\(kb.section(of: p.source))]"
            out.append(Finding(id: "policy/\(p.id)", severity: p.severity, file: file.path, line: line, message: message))
        }
        // Waivers: a live one suppresses its finding; an expired one is an error of its own.
        for w in file.waivers where w.expires < today {
            out.append(Finding(id: "waiver-expired", severity: .error, file: file.path, line: w.line,
                               message: "the waiver of \(w.finding) (owner \(w.owner)) expired on \(w.expires): \(w.reason)"))
        }
        for i in out.indices where out[i].id != "waiver-expired" {
            if let w = file.waivers.first(where: { $0.finding == out[i].id && $0.expires >= today }) { out[i].waivedBy = w }
        }
        return out
    }
}

/// Where keys stand in a JSON file: the 1-based line of a key's first occurrence.
struct KeyLines {
    /// The file's bytes, read once for every key looked up.
    let bytes: [UInt8]
    init(_ data: Data) { bytes = Array(data) }

    /// Lines of every occurrence of `"key"` followed by `:`.
    func lines(of key: String) -> [Int] {
        var out: [Int] = []
        var line = 1
        let needle = Array("\"\(key)\"".utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A { line += 1; i += 1; continue }
            if bytes[i] == needle[0], i + needle.count <= bytes.count, Array(bytes[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A || bytes[j] == 0x0D { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: ":") { out.append(line) }
                i += needle.count
                continue
            }
            i += 1
        }
        return out
    }

    func line(of key: String) -> Int { lines(of: key).first ?? 1 }
}
