import Foundation
import Yams

/// Layers an organisation's rule pack over a knowledge base (the guidance's, or one with
/// packs already). A pack is a directory with a `pack.yaml` and, in the rules' own YAML
/// format, `sources.yaml` (the pack's documents: ADRs, standards), `rules/*.yaml` and
/// `scenarios/*.yaml`. A rules file of a pack may hold, besides `rules:`:
///
/// - `policies:` findings of `archadvisor check` with the pack's severity, never points;
/// - `overrides:` a new threshold for a guidance rule whose threshold is archadvisor's
///   calibration (a threshold the guidance states cannot be overridden).
///
/// Everything is type-checked against the base; every rule, policy and override cites one
/// of the pack's own sources, and every such source is cited.
public enum RulePackCompiler {
    /// Whether `directory` holds a rule pack (a `pack.yaml`).
    public static func isPack(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/pack.yaml")
    }

    public static func layer(directory: URL, over base: KnowledgeBase) throws(CompileError) -> KnowledgeBase {
        try layer(files: RulesFiles.load(directory: directory), over: base)
    }

    public static func layer(files: RulesFiles, over base: KnowledgeBase) throws(CompileError) -> KnowledgeBase {
        var diagnostics: [Diagnostic] = []
        func document(_ file: RulesFiles.File) -> YAMLDocument? {
            do { return try YAMLDocument(file: file.displayPath, storedFile: file.storedPath, text: file.text) } catch {
                diagnostics += error.diagnostics
                return nil
            }
        }
        func fail(_ file: String, _ message: String) {
            diagnostics.append(Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), message: message))
        }
        for (name, file) in [("questions.yaml", files.questions), ("decisions.yaml", files.decisions)] {
            if let file { fail(file.displayPath, "a rule pack cannot define \(name.dropLast(5)); it layers rules over the guidance's questions and decisions (\(name) belongs to the guidance's rules)") }
        }
        if !files.templates.isEmpty { fail(files.root + "/templates", "a rule pack cannot carry scaffold templates") }

        // pack.yaml
        guard let packFile = files.pack else {
            throw CompileError(diagnostics: diagnostics + [Diagnostic(location: SourceLocation(file: files.root + "/pack.yaml", line: 1, column: 1),
                                                                         message: "missing file; a rule pack starts with pack.yaml (id, title, owner)")])
        }
        var packID = "pack"
        var title = "", owner = ""
        if let doc = document(packFile) {
            var r = NodeReader(doc: doc)
            if let fields = r.mapping(doc.root, what: "pack.yaml", allowed: ["id", "title", "owner"]) {
                let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                if let id = r.string(f["id"], what: "the pack's id", in: doc.root) {
                    packID = id
                    if !RulesCompiler.isKebabCase(id) { r.fail(f["id"], "pack id '\(id)' must be kebab-case (a-z, 0-9, -)") }
                    if base.packs.contains(where: { $0.id == id }) { r.fail(f["id"], "rule pack '\(id)' is already layered; give each pack once") }
                }
                title = r.string(f["title"], what: "the pack's title", in: doc.root) ?? ""
                owner = r.string(f["owner"], what: "the pack's owner (a team or an address)", in: doc.root) ?? ""
            } else {
                r.fail(doc.root, "expected a mapping with id, title and owner")
            }
            diagnostics += r.diagnostics
        }

        // The pack's sources.
        var sources: [Source] = []
        var sourceNodes: [String: (YAMLDocument, Node)] = [:]
        if let doc = files.sources.flatMap(document) {
            var r = NodeReader(doc: doc)
            (sources, sourceNodes) = RulesCompiler.parseSources(&r, pack: packID, taken: Set(base.sources.map(\.id)))
            diagnostics += r.diagnostics
        } else if files.sources == nil {
            fail(files.root + "/sources.yaml", "missing file; a rule pack cites its own sources (an ADR, a standard) from sources.yaml")
        }
        let sourceIDs = Set(sources.map(\.id))
        var cited: Set<String> = []

        // Rules, policies, overrides.
        var rules = base.rules
        var newRules: [Rule] = []
        var policies = base.policies
        var ruleIDs = Set<String>()
        let taken = Dictionary(base.rules.map { ($0.id, $0.location) }, uniquingKeysWith: { a, _ in a })
        for file in files.ruleFiles {
            guard let doc = document(file) else { continue }
            var r = NodeReader(doc: doc)
            var parsed = RulesCompiler.parseRules(&r, questions: base.questions, decisions: base.decisions, sourceIDs: sourceIDs, seen: &ruleIDs,
                                                  requireProvenance: true, taken: taken, topKeys: ["decision", "rules", "policies", "overrides"])
            for i in parsed.indices { parsed[i].pack = packID }
            newRules += parsed
            if case .mapping(let top)? = doc.root {
                // The sources the file's entries cite, read from the YAML: an entry with an
                // error of its own still cites its source, so it is not reported twice.
                for key in ["rules", "policies", "overrides"] {
                    guard case .sequence(let items)? = top[Node(key)] else { continue }
                    for case .mapping(let m) in items {
                        if case .scalar(let source)? = m["source"] { cited.insert(source.string) }
                    }
                }
                if let list = top["policies"] {
                    policies += parsePolicies(&r, list, kb: base, pack: packID, sourceIDs: sourceIDs, existing: policies)
                }
                if let list = top["overrides"] {
                    parseOverrides(&r, list, kb: base, pack: packID, sourceIDs: sourceIDs, rules: &rules)
                }
            }
            diagnostics += r.diagnostics
        }
        for s in sources where !cited.contains(s.id) {
            let (doc, node) = sourceNodes[s.id]!
            diagnostics.append(doc.diagnostic(node, "source '\(s.id)' is cited by no rule, policy or override of the pack; cite it or remove it"))
        }

        // Scenarios, against the layered rules.
        var sha = SHA256()
        sha.update(Array((base.sourceHash + "\u{0}" + packID + "\u{0}" + files.hash).utf8))
        let hash = sha.finalize()
        let pack = RulePack(id: packID, title: title, owner: owner, hash: files.hash)
        var layered = KnowledgeBase(questions: base.questions, decisions: base.decisions, rules: rules + newRules, sources: base.sources + sources,
                                    scenarios: [], templates: base.templates, sourceHash: hash, constraints: base.constraints,
                                    policies: policies, packs: base.packs + [pack])
        var scenarios: [Scenario] = []
        var names = Set(base.scenarios.map(\.name))
        for file in files.scenarioFiles {
            guard let doc = document(file) else { continue }
            var r = NodeReader(doc: doc)
            scenarios += RulesCompiler.parseScenarios(&r, kb: layered, seen: &names).map { s in
                var s = s
                s.pack = packID
                return s
            }
            diagnostics += r.diagnostics
        }
        if !diagnostics.isEmpty { throw CompileError(diagnostics: diagnostics) }
        layered.scenarios = base.scenarios + scenarios
        return layered
    }

    /// `policies:` entries: `id`, `when` (default: always), `require`, `severity`,
    /// `message`, `source`. Conditions see every question and every decision.
    static func parsePolicies(_ r: inout NodeReader, _ list: Node, kb: KnowledgeBase, pack: String, sourceIDs: Set<String>,
                              existing: [Policy]) -> [Policy] {
        let scope = kb.symbols(before: nil)
        let checker = TypeChecker(symbols: scope.symbols, forbidden: scope.forbidden)
        var out: [Policy] = []
        for item in r.sequence(list, what: "policies") {
            guard let fields = r.mapping(item, what: "a policy", allowed: ["id", "when", "require", "severity", "message", "source"]) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["id"], what: "policy id", in: item) else { continue }
            if !RulesCompiler.isKebabCase(id) { r.fail(f["id"], "policy id '\(id)' must be kebab-case (a-z, 0-9, -)") }
            if let other = (existing + out).first(where: { $0.id == id }) {
                r.fail(f["id"], "policy '\(id)' is already defined at \(other.location) (rule pack \(other.pack))")
                continue
            }
            guard f["require"] != nil else { r.fail(item, "policy '\(id)' has no 'require' condition (what must hold)"); continue }
            let when = r.condition(f["when"], checker: checker, what: "when of policy '\(id)'")
            let require = r.condition(f["require"], checker: checker, what: "require of policy '\(id)'")
            let severityText = r.string(f["severity"], what: "severity of '\(id)' (error, warning or note)", in: item)
            let severity = severityText.flatMap(Severity.init(rawValue:))
            if let severityText, severity == nil {
                r.fail(f["severity"], "unknown severity '\(severityText)'; expected error, warning or note")
            }
            let message = r.string(f["message"], what: "message of '\(id)'", in: item)
            guard let source = r.string(f["source"], what: "source of '\(id)'", in: item) else { continue }
            checkSource(&r, f["source"], source, sourceIDs: sourceIDs)
            guard let when, let require, let severity, let message else { continue }
            out.append(Policy(id: id, pack: pack, when: when.0, whenText: when.1, require: require.0, requireText: require.1,
                              severity: severity, message: message, source: source, location: "\(r.doc.storedFile):\(item.mark?.line ?? 1)"))
        }
        return out
    }

    /// `overrides:` entries: `rule`, `when`, `calibration`, `source`.
    static func parseOverrides(_ r: inout NodeReader, _ list: Node, kb: KnowledgeBase, pack: String, sourceIDs: Set<String>,
                               rules: inout [Rule]) {
        for item in r.sequence(list, what: "overrides") {
            guard let fields = r.mapping(item, what: "an override", allowed: ["rule", "when", "calibration", "source"]) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["rule"], what: "the rule it overrides", in: item) else { continue }
            guard let index = rules.firstIndex(where: { $0.id == id }) else {
                let hint = Suggest.closest(to: id, in: rules.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                r.fail(f["rule"], "unknown rule '\(id)'\(hint); an override changes the threshold of a guidance rule")
                continue
            }
            let rule = rules[index]
            if let p = rule.pack {
                r.fail(f["rule"], "rule '\(id)' comes from rule pack \(p), not from the guidance; change it in that pack"); continue
            }
            if let o = rule.override {
                r.fail(f["rule"], "rule '\(id)' is already overridden at \(o.location) (rule pack \(o.pack))"); continue
            }
            if let stated = rule.stated {
                r.fail(f["rule"], "rule '\(id)' uses a threshold the guidance states (\(stated)); only archadvisor's calibrations can be overridden"); continue
            }
            guard let replaced = rule.calibration else {
                r.fail(f["rule"], "rule '\(id)' has no threshold to override (it has no calibration); write a rule of the pack's own instead"); continue
            }
            guard f["when"] != nil else { r.fail(item, "the override of '\(id)' has no 'when' (the condition with the pack's threshold)"); continue }
            let scope = kb.symbols(before: rule.decision)
            guard let when = r.condition(f["when"], checker: TypeChecker(symbols: scope.symbols, forbidden: scope.forbidden),
                                         what: "the override of '\(id)'") else { continue }
            let nq = kb.questions.count
            let before = Set(rule.condition.slots.filter { $0 < nq }), after = Set(when.0.slots.filter { $0 < nq })
            if before != after || Set(rule.condition.slots) != Set(when.0.slots) {
                let names = { (s: Set<Int>) in s.sorted().map { $0 < nq ? kb.questions[$0].id : kb.decisions[$0 - nq].id }.joined(separator: ", ") }
                r.fail(f["when"], "an override changes a threshold, so it reads what the rule reads (\(names(Set(rule.condition.slots)))), not \(names(Set(when.0.slots))); write a rule of the pack's own to weigh something else")
                continue
            }
            guard let calibration = r.string(f["calibration"], what: "calibration of the override of '\(id)' (what the pack's threshold means)", in: item) else { continue }
            guard let source = r.string(f["source"], what: "source of the override of '\(id)'", in: item) else { continue }
            checkSource(&r, f["source"], source, sourceIDs: sourceIDs)
            var changed = rule
            changed.condition = when.0
            changed.conditionText = when.1
            changed.calibration = calibration
            changed.override = RuleOverride(pack: pack, source: source, replacedCondition: rule.conditionText, replacedCalibration: replaced,
                                            location: "\(r.doc.storedFile):\(item.mark?.line ?? 1)")
            rules[index] = changed
        }
    }

    static func checkSource(_ r: inout NodeReader, _ node: Node?, _ source: String, sourceIDs: Set<String>) {
        guard !sourceIDs.contains(source) else { return }
        let hint = Suggest.closest(to: source, in: Array(sourceIDs)).map { " (did you mean '\($0)'?)" } ?? ""
        r.fail(node, "unknown source '\(source)'\(hint); a rule pack cites its own sources (sources.yaml of the pack)")
    }
}
