import Foundation
import Yams

/// Compiles a `rules/` directory into a ``KnowledgeBase``: parses the YAML, type-checks
/// every condition, checks every reference, and reports all problems at once with
/// `file:line:column`.
public enum RulesCompiler {
    /// Options of a compile.
    public struct Options: Sendable {
        /// A recommendation of the guidance that no rule cites is an error.
        public var requireCoverage = true
        /// A rule that compares a number with a threshold must say where the threshold
        /// comes from (`stated` or `calibration`). On by default with coverage: small rule
        /// sets written for tests turn both off.
        public var requireProvenance = true
        public init(requireCoverage: Bool = true, requireProvenance: Bool? = nil) {
            self.requireCoverage = requireCoverage
            self.requireProvenance = requireProvenance ?? requireCoverage
        }
    }

    /// Compiles the rules directory at `directory`. Paths in diagnostics are shown relative
    /// to `displayRoot` (by default, `directory` itself is shown as given).
    public static func compile(directory: URL, options: Options = Options()) throws(CompileError) -> KnowledgeBase {
        let files = try RulesFiles.load(directory: directory)
        return try compile(files: files, options: options)
    }

    /// Compiles already-read files. Exposed for tests that build rules in memory.
    public static func compile(files: RulesFiles, options: Options = Options()) throws(CompileError) -> KnowledgeBase {
        if let pack = files.pack {
            throw CompileError(diagnostics: [Diagnostic(location: SourceLocation(file: pack.displayPath, line: 1, column: 1),
                                                        message: "this directory is an organisation rule pack; layer it over the guidance's rules with --rules (it is not a rules directory of its own)")])
        }
        var diagnostics: [Diagnostic] = []
        func document(_ file: RulesFiles.File) -> YAMLDocument? {
            do { return try YAMLDocument(file: file.displayPath, storedFile: file.storedPath, text: file.text) } catch {
                diagnostics += error.diagnostics
                return nil
            }
        }

        // Questions
        var questions: [Question] = []
        var constraints: [AnswerConstraint] = []
        if let doc = files.questions.flatMap(document) {
            var r = NodeReader(doc: doc)
            questions = parseQuestions(&r)
            constraints = parseConstraints(&r, questions: questions)
            diagnostics += r.diagnostics
        } else if files.questions == nil {
            diagnostics.append(Diagnostic(location: SourceLocation(file: files.root + "/questions.yaml", line: 1, column: 1), message: "missing file; the questions are required"))
        }

        // Sources
        var sources: [Source] = []
        var sourceNodes: [String: (YAMLDocument, Node)] = [:]
        if let doc = files.sources.flatMap(document) {
            var r = NodeReader(doc: doc)
            (sources, sourceNodes) = parseSources(&r)
            diagnostics += r.diagnostics
        }
        let sourceIDs = Set(sources.map(\.id))

        // Decisions
        var decisions: [Decision] = []
        if let doc = files.decisions.flatMap(document) {
            var r = NodeReader(doc: doc)
            decisions = parseDecisions(&r, questions: questions, sourceIDs: sourceIDs)
            diagnostics += r.diagnostics
        } else if files.decisions == nil {
            diagnostics.append(Diagnostic(location: SourceLocation(file: files.root + "/decisions.yaml", line: 1, column: 1), message: "missing file; the decisions are required"))
        }

        // Question sources must exist.
        if let doc = files.questions.flatMap({ try? YAMLDocument(file: $0.displayPath, text: $0.text) }), !sources.isEmpty {
            var r = NodeReader(doc: doc)
            checkQuestionSources(&r, sourceIDs: sourceIDs)
            diagnostics += r.diagnostics
        }

        // Rules
        var rules: [Rule] = []
        var ruleIDs: Set<String> = []
        for file in files.ruleFiles {
            guard let doc = document(file) else { continue }
            var r = NodeReader(doc: doc)
            rules += parseRules(&r, questions: questions, decisions: decisions, sourceIDs: sourceIDs, seen: &ruleIDs,
                                requireProvenance: options.requireProvenance)
            diagnostics += r.diagnostics
        }

        // Coverage: every recommendation is cited.
        if options.requireCoverage {
            let cited = Set(rules.map(\.source))
            for source in sources where source.kind == .recommendation && !cited.contains(source.id) {
                let (doc, node) = sourceNodes[source.id]!
                diagnostics.append(doc.diagnostic(node, "recommendation '\(source.id)' is cited by no rule; cite it from a rule or mark it kind: fact"))
            }
        }

        // Template layers: templates/layers.yaml decides which folders a project gets.
        diagnostics += checkTemplateLayers(files, questions: questions, decisions: decisions)

        // Scenarios
        var scenarios: [Scenario] = []
        let partial = KnowledgeBase(questions: questions, decisions: decisions, rules: rules, sources: sources, scenarios: [], templates: [],
                                    sourceHash: "", constraints: constraints)
        var scenarioNames: Set<String> = []
        for file in files.scenarioFiles {
            guard let doc = document(file) else { continue }
            var r = NodeReader(doc: doc)
            scenarios += parseScenarios(&r, kb: partial, seen: &scenarioNames)
            diagnostics += r.diagnostics
        }

        if !diagnostics.isEmpty { throw CompileError(diagnostics: diagnostics) }
        return KnowledgeBase(questions: questions, decisions: decisions, rules: rules, sources: sources,
                             scenarios: scenarios, templates: files.templates, sourceHash: files.hash, constraints: constraints)
    }

    /// Compiles `templates/layers.yaml` when there are templates in layer folders.
    static func checkTemplateLayers(_ files: RulesFiles, questions: [Question], decisions: [Decision]) -> [Diagnostic] {
        let paths = files.templates.map(\.path)
        let file = files.root + "/templates/" + TemplateLayers.file
        guard let layers = files.templates.first(where: { $0.path == TemplateLayers.file }) else {
            let inLayers = paths.contains { $0.contains("/") && !$0.hasPrefix(TemplateLayers.partialsFolder + "/") }
            return inLayers ? [Diagnostic(location: SourceLocation(file: file, line: 1, column: 1),
                                          message: "missing file; templates in layer folders need layers.yaml to say when each applies")] : []
        }
        do throws(CompileError) {
            _ = try TemplateLayers.compile(text: layers.contents, file: file, decisions: .of(decisions),
                                           questions: questions.map(\.id), templatePaths: paths)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// snake_case: a-z first, then a-z, 0-9 and _.
    static func isSnakeCase(_ s: String) -> Bool {
        guard let first = s.utf8.first, first >= 97, first <= 122 else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// kebab-case: a-z and 0-9 first, then a-z, 0-9 and -.
    static func isKebabCase(_ s: String) -> Bool {
        guard let first = s.utf8.first, (first >= 97 && first <= 122) || (first >= 48 && first <= 57) else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    // MARK: questions

    static func parseQuestions(_ r: inout NodeReader) -> [Question] {
        guard let top = r.mapping(r.doc.root, what: "questions.yaml", allowed: ["questions", "constraints"]) else {
            r.fail(r.doc.root, "expected a mapping with a 'questions' list")
            return []
        }
        var questions: [Question] = []
        var seen: Set<String> = []
        for item in r.sequence(top.first { $0.key == "questions" }?.value, what: "questions") {
            let allowed = ["id", "type", "min", "max", "choices", "default", "prompt", "help", "ask_when", "sources"]
            guard let fields = r.mapping(item, what: "a question", allowed: allowed) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["id"], what: "question id", in: item) else { continue }
            if !isSnakeCase(id) { r.fail(f["id"], "question id '\(id)' must be snake_case (a-z, 0-9, _)") }
            if !seen.insert(id).inserted { r.fail(f["id"], "question '\(id)' is defined twice"); continue }
            guard let type = r.string(f["type"], what: "type of '\(id)'", in: item) else { continue }
            var kind: Question.Kind
            switch type {
            case "integer":
                let lo = f["min"].flatMap { r.integer($0, what: "min") } ?? 0
                let hi = f["max"].flatMap { r.integer($0, what: "max") } ?? Int(Int32.max)
                guard lo <= hi else { r.fail(f["max"], "max \(hi) is below min \(lo)"); continue }
                kind = .integer(lo...hi)
            case "boolean":
                kind = .boolean
            case "choice":
                var choices: [Question.Choice] = []
                for c in r.sequence(f["choices"], what: "choices of '\(id)'") {
                    guard let cf = r.mapping(c, what: "a choice", allowed: ["value", "label"]) else { continue }
                    let d = Dictionary(cf.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                    guard let value = r.string(d["value"], what: "choice value", in: c) else { continue }
                    if !isSnakeCase(value) { r.fail(d["value"], "choice value '\(value)' must be snake_case") }
                    if choices.contains(where: { $0.value == value }) { r.fail(d["value"], "choice '\(value)' is listed twice") }
                    choices.append(.init(value: value, label: d["label"].flatMap { r.string($0, what: "label") } ?? value))
                }
                if choices.count < 2 { r.fail(f["choices"] ?? item, "question '\(id)' needs at least two choices"); continue }
                kind = .choice(choices)
            default:
                r.fail(f["type"], "unknown type '\(type)'; expected integer, boolean or choice")
                continue
            }
            // Default
            var defaultValue = 0
            if let dn = f["default"] {
                switch kind {
                case .integer(let range):
                    if let v = r.integer(dn, what: "default of '\(id)'") {
                        if range.contains(v) { defaultValue = v } else { r.fail(dn, "default \(v) is outside \(range.lowerBound)...\(range.upperBound)") }
                    }
                case .boolean:
                    defaultValue = (r.boolean(dn, what: "default of '\(id)'") ?? false) ? 1 : 0
                case .choice(let choices):
                    if let v = r.string(dn, what: "default of '\(id)'") {
                        if let i = choices.firstIndex(where: { $0.value == v }) { defaultValue = i } else {
                            r.fail(dn, "default '\(v)' is not one of the choices of '\(id)'")
                        }
                    }
                }
            } else {
                r.fail(item, "question '\(id)' has no default; every question needs one")
            }
            let prompt = r.string(f["prompt"], what: "prompt of '\(id)'", in: item) ?? id
            let help = f["help"].flatMap { r.string($0, what: "help") } ?? ""
            let sources = r.sequence(f["sources"], what: "sources").compactMap { r.string($0, what: "a source id") }
            // ask_when sees only the questions before this one.
            let scope = KnowledgeBase.symbols(questions: questions, decisions: [], before: nil)
            var forbidden = scope.forbidden
            forbidden[id] = "question '\(id)' cannot depend on itself"
            let checker = TypeChecker(symbols: scope.symbols, forbidden: forbidden)
            var askWhen = (Condition.constant(true), "true")
            if let node = f["ask_when"] {
                askWhen = r.condition(node, checker: checker, what: "ask_when of '\(id)'") ?? askWhen
            }
            questions.append(Question(id: id, kind: kind, defaultValue: defaultValue, prompt: prompt, help: help,
                                      askWhen: askWhen.0, askWhenText: askWhen.1, sources: sources))
        }
        // Later questions are named as such when an ask_when refers to them: re-check with full scope.
        return questions
    }

    /// `constraints:` of questions.yaml: combinations of answers that cannot be true
    /// together, each a condition over the questions that must hold.
    static func parseConstraints(_ r: inout NodeReader, questions: [Question]) -> [AnswerConstraint] {
        guard case .mapping(let top)? = r.doc.root, let list = top["constraints"] else { return [] }
        let scope = KnowledgeBase.symbols(questions: questions, decisions: [], before: nil)
        let checker = TypeChecker(symbols: scope.symbols, forbidden: scope.forbidden)
        var out: [AnswerConstraint] = []
        for item in r.sequence(list, what: "constraints") {
            guard let fields = r.mapping(item, what: "a constraint", allowed: ["id", "require", "message"]) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["id"], what: "constraint id", in: item) else { continue }
            if !isKebabCase(id) { r.fail(f["id"], "constraint id '\(id)' must be kebab-case (a-z, 0-9, -)") }
            if out.contains(where: { $0.id == id }) { r.fail(f["id"], "constraint '\(id)' is defined twice"); continue }
            guard f["require"] != nil else { r.fail(item, "constraint '\(id)' has no 'require' condition"); continue }
            guard let condition = r.condition(f["require"], checker: checker, what: "constraint '\(id)'") else { continue }
            let message = r.string(f["message"], what: "message of '\(id)'", in: item) ?? ""
            out.append(AnswerConstraint(id: id, require: condition.0, requireText: condition.1, message: message))
        }
        return out
    }

    static func checkQuestionSources(_ r: inout NodeReader, sourceIDs: Set<String>) {
        guard case .mapping(let top)? = r.doc.root, case .sequence(let list)? = top["questions"] else { return }
        for item in list {
            guard case .mapping(let m) = item, case .sequence(let s)? = m["sources"] else { continue }
            for node in s {
                if case .scalar(let v) = node, !sourceIDs.contains(v.string) {
                    let hint = Suggest.closest(to: v.string, in: Array(sourceIDs)).map { " (did you mean '\($0)'?)" } ?? ""
                    r.fail(node, "unknown source '\(v.string)'\(hint); sources are defined in sources.yaml")
                }
            }
        }
    }

    // MARK: sources

    /// `pack`: the sources of that rule pack (a `url` allowed, `kind` not: every pack
    /// source is cited by the pack); `taken`: source ids already defined.
    static func parseSources(_ r: inout NodeReader, pack: String? = nil, taken: Set<String> = []) -> ([Source], [String: (YAMLDocument, Node)]) {
        guard let top = r.mapping(r.doc.root, what: "sources.yaml", allowed: ["sources"]) else { return ([], [:]) }
        var sources: [Source] = []
        var nodes: [String: (YAMLDocument, Node)] = [:]
        for item in r.sequence(top.first { $0.key == "sources" }?.value, what: "sources") {
            let allowed = pack == nil ? ["id", "section", "kind", "text"] : ["id", "section", "url", "text"]
            guard let fields = r.mapping(item, what: "a source", allowed: allowed) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["id"], what: "source id", in: item) else { continue }
            if !isKebabCase(id) { r.fail(f["id"], "source id '\(id)' must be kebab-case (a-z, 0-9, -)") }
            if nodes[id] != nil { r.fail(f["id"], "source '\(id)' is defined twice"); continue }
            if taken.contains(id) { r.fail(f["id"], "source id '\(id)' is already a source of the guidance or of an earlier rule pack; give it an id of its own"); continue }
            let kindText = f["kind"].flatMap { r.string($0, what: "kind") } ?? "recommendation"
            guard let kind = Source.Kind(rawValue: kindText) else {
                r.fail(f["kind"], "unknown kind '\(kindText)'; expected recommendation or fact")
                continue
            }
            let section = r.string(f["section"], what: "section of '\(id)'", in: item) ?? ""
            let text = r.string(f["text"], what: "text of '\(id)'", in: item) ?? ""
            nodes[id] = (r.doc, item)
            let url = f["url"].flatMap { r.string($0, what: "url of '\(id)'") }
            sources.append(Source(id: id, section: section, kind: kind, text: text, pack: pack, url: url))
        }
        return (sources, nodes)
    }

    // MARK: decisions

    static func parseDecisions(_ r: inout NodeReader, questions: [Question], sourceIDs: Set<String>) -> [Decision] {
        guard let top = r.mapping(r.doc.root, what: "decisions.yaml", allowed: ["decisions"]) else { return [] }
        var decisions: [Decision] = []
        let questionIDs = Set(questions.map(\.id))
        let items = r.sequence(top.first { $0.key == "decisions" }?.value, what: "decisions")
        // Every decision id, so a reference to a later one gets the right message.
        let allIDs: [String] = items.compactMap { item in
            if case .mapping(let m) = item, case .scalar(let s)? = m["id"] { return s.string }
            return nil
        }
        for item in items {
            guard let fields = r.mapping(item, what: "a decision", allowed: ["id", "title", "applies_when", "margins", "options"]) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["id"], what: "decision id", in: item) else { continue }
            if !isSnakeCase(id) { r.fail(f["id"], "decision id '\(id)' must be snake_case") }
            if decisions.contains(where: { $0.id == id }) || questionIDs.contains(id) {
                r.fail(f["id"], "'\(id)' is already a question or decision id")
                continue
            }
            var options: [Decision.Option] = []
            for o in r.sequence(f["options"], what: "options of '\(id)'") {
                guard let of = r.mapping(o, what: "an option", allowed: ["value", "label", "description", "pros", "cons", "refines"]) else { continue }
                let d = Dictionary(of.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                guard let value = r.string(d["value"], what: "option value", in: o) else { continue }
                if !isSnakeCase(value) { r.fail(d["value"], "option value '\(value)' must be snake_case") }
                if options.contains(where: { $0.value == value }) { r.fail(d["value"], "option '\(value)' is listed twice") }
                func sourceList(_ key: String) -> [String] {
                    r.sequence(d[key], what: key).compactMap { node in
                        guard let id = r.string(node, what: "a source id") else { return nil }
                        if !sourceIDs.contains(id) {
                            let hint = Suggest.closest(to: id, in: Array(sourceIDs)).map { " (did you mean '\($0)'?)" } ?? ""
                            r.fail(node, "unknown source '\(id)'\(hint)")
                        }
                        return id
                    }
                }
                var refines: String?
                if let rn = d["refines"], let base = r.string(rn, what: "refines") {
                    if let b = options.first(where: { $0.value == base }) {
                        if b.refines != nil { r.fail(rn, "option '\(base)' refines another option itself; a refinement must refine a base option") }
                        refines = base
                    } else {
                        r.fail(rn, "option '\(value)' refines '\(base)', which is not an option listed before it in '\(id)'")
                    }
                }
                options.append(.init(value: value, label: d["label"].flatMap { r.string($0, what: "label") } ?? value,
                                     description: d["description"].flatMap { r.string($0, what: "description") } ?? "",
                                     pros: sourceList("pros"), cons: sourceList("cons"), refines: refines))
            }
            if options.count < 2 { r.fail(f["options"] ?? item, "decision '\(id)' needs at least two options"); continue }
            var clear = 6.0, leaning = 2.0
            if let margins = r.mapping(f["margins"], what: "margins", allowed: ["clear", "leaning"]) {
                for m in margins {
                    guard let v = r.number(m.value, what: "margin") else { continue }
                    if m.key == "clear" { clear = v } else { leaning = v }
                }
                if leaning > clear { r.fail(f["margins"], "the leaning margin \(leaning) is above the clear margin \(clear)") }
            }
            let scope = KnowledgeBase.symbols(questions: questions, decisions: decisions, before: nil)
            var forbidden = scope.forbidden
            for later in allIDs where !decisions.contains(where: { $0.id == later }) {
                forbidden[later] = "decision '\(later)' is made later; only decisions listed earlier in decisions.yaml can be used here"
            }
            forbidden[id] = "decision '\(id)' cannot depend on itself"
            let checker = TypeChecker(symbols: scope.symbols, forbidden: forbidden)
            let applies = f["applies_when"].flatMap { r.condition($0, checker: checker, what: "applies_when of '\(id)'") } ?? (.constant(true), "true")
            decisions.append(Decision(id: id, title: f["title"].flatMap { r.string($0, what: "title") } ?? id,
                                      appliesWhen: applies.0, appliesWhenText: applies.1,
                                      clearMargin: clear, leaningMargin: leaning, options: options))
        }
        return decisions
    }

    // MARK: rules

    /// `taken` names rule ids already defined elsewhere (by the guidance, when a rule pack
    /// is compiled) with where; `topKeys` are the keys a rules file may have.
    static func parseRules(_ r: inout NodeReader, questions: [Question], decisions: [Decision], sourceIDs: Set<String>, seen: inout Set<String>,
                           requireProvenance: Bool = true, taken: [String: String] = [:],
                           topKeys: [String] = ["decision", "rules"]) -> [Rule] {
        guard let top = r.mapping(r.doc.root, what: "a rules file", allowed: topKeys) else { return [] }
        let t = Dictionary(top.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        var fileDecision: Int?
        if let dn = t["decision"], let name = r.string(dn, what: "decision") {
            fileDecision = decisions.firstIndex { $0.id == name }
            if fileDecision == nil {
                let hint = Suggest.closest(to: name, in: decisions.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                r.fail(dn, "unknown decision '\(name)'\(hint)")
                return []
            }
        }
        var rules: [Rule] = []
        for item in r.sequence(t["rules"], what: "rules") {
            let allowed = ["id", "decision", "when", "add", "exclude", "why", "source", "calibration", "stated"]
            guard let fields = r.mapping(item, what: "a rule", allowed: allowed) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = r.string(f["id"], what: "rule id", in: item) else { continue }
            if !isKebabCase(id) { r.fail(f["id"], "rule id '\(id)' must be kebab-case (a-z, 0-9, -)") }
            if let other = taken[id] {
                r.fail(f["id"], "rule id '\(id)' is already taken by the rule at \(other); give this rule an id of its own (an override changes a rule's threshold: 'overrides:')")
                continue
            }
            if !seen.insert(id).inserted { r.fail(f["id"], "rule '\(id)' is defined twice"); continue }
            var decisionIndex = fileDecision
            if let dn = f["decision"], let name = r.string(dn, what: "decision") {
                decisionIndex = decisions.firstIndex { $0.id == name }
                if decisionIndex == nil { r.fail(dn, "unknown decision '\(name)'"); continue }
            }
            guard let d = decisionIndex else { r.fail(item, "rule '\(id)' names no decision (set 'decision:' on the file or the rule)"); continue }
            let decision = decisions[d]
            let scope = KnowledgeBase.symbols(questions: questions, decisions: decisions, before: d)
            let checker = TypeChecker(symbols: scope.symbols, forbidden: scope.forbidden)
            guard f["when"] != nil else { r.fail(item, "rule '\(id)' has no 'when' condition"); continue }
            guard let condition = r.condition(f["when"], checker: checker, what: "rule '\(id)'") else { continue }
            var points: [(option: Int, points: Double)] = []
            if let add = r.mapping(f["add"], what: "add", allowed: []) {
                for entry in add {
                    guard let o = decision.optionIndex(entry.key) else {
                        r.fail(entry.keyNode, "decision '\(decision.id)' has no option '\(entry.key)'; expected one of \(decision.options.map(\.value).joined(separator: ", "))")
                        continue
                    }
                    if let v = r.number(entry.value, what: "points") { points.append((o, v)) }
                }
            }
            var excludes: [Int] = []
            for node in r.sequence(f["exclude"], what: "exclude") {
                guard let value = r.string(node, what: "an option") else { continue }
                guard let o = decision.optionIndex(value) else {
                    r.fail(node, "decision '\(decision.id)' has no option '\(value)'; expected one of \(decision.options.map(\.value).joined(separator: ", "))")
                    continue
                }
                excludes.append(o)
            }
            if points.isEmpty && excludes.isEmpty { r.fail(item, "rule '\(id)' neither adds points nor excludes an option") }
            checkRefinements(&r, item: item, id: id, decision: decision, points: points, excludes: excludes)
            let calibration = f["calibration"].flatMap { r.string($0, what: "calibration of '\(id)'") }
            let stated = f["stated"].flatMap { r.string($0, what: "stated of '\(id)'") }
            if calibration != nil && stated != nil {
                r.fail(f["stated"], "rule '\(id)' has both 'calibration' (a threshold of archadvisor's) and 'stated' (a threshold the guidance states); give one")
            }
            if requireProvenance && calibration == nil && stated == nil && comparesInteger(condition.0, questions: questions) {
                r.fail(f["when"], "rule '\(id)' compares a number with a threshold; say where it comes from: 'stated: <the guidance's words>' when the guidance states it, else 'calibration: <what archadvisor assumes>'")
            }
            let why = r.string(f["why"], what: "why of '\(id)'", in: item) ?? ""
            guard let source = r.string(f["source"], what: "source of '\(id)'", in: item) else { continue }
            if !sourceIDs.contains(source) {
                let hint = Suggest.closest(to: source, in: Array(sourceIDs)).map { " (did you mean '\($0)'?)" } ?? ""
                r.fail(f["source"], "unknown source '\(source)'\(hint)" + (taken.isEmpty ? "" : "; a rule pack cites its own sources (sources.yaml of the pack)"))
            }
            let line = item.mark?.line ?? 1
            rules.append(Rule(id: id, decision: d, condition: condition.0, conditionText: condition.1, points: points, excludes: excludes,
                              why: why, source: source, location: "\(r.doc.storedFile):\(line)", calibration: calibration, stated: stated))
        }
        return rules
    }

    /// A refinement shares its base's evidence: a rule that adds points to a base with
    /// refinements adds the same to each of them, unless it adds to refinements only (then
    /// it is weighed between a base and its refinements, and may exclude only
    /// refinements); a rule that excludes a base excludes its refinements too.
    static func checkRefinements(_ r: inout NodeReader, item: Node, id: String, decision: Decision,
                                 points: [(option: Int, points: Double)], excludes: [Int]) {
        let base = decision.options.map { o in o.refines.flatMap { decision.optionIndex($0) } }
        let refinesOnly = !points.isEmpty && points.allSatisfy { base[$0.option] != nil }
        for b in decision.options.indices where base[b] == nil {
            let refinements = decision.options.indices.filter { base[$0] == b }
            guard !refinements.isEmpty else { continue }
            if excludes.contains(b) {
                for x in refinements where !excludes.contains(x) {
                    r.fail(item, "rule '\(id)' excludes '\(decision.options[b].value)' but not '\(decision.options[x].value)', which refines it; exclude both")
                }
            }
            if !refinesOnly, let p = points.first(where: { $0.option == b })?.points {
                for x in refinements where points.first(where: { $0.option == x })?.points != p {
                    r.fail(item, "rule '\(id)' adds \(p) to '\(decision.options[b].value)' but not the same to '\(decision.options[x].value)', which refines it; a refinement shares its base's evidence (add to refinements only to weigh them against their base)")
                }
            }
            if !refinesOnly {
                for x in refinements where points.contains(where: { $0.option == x }) && !points.contains(where: { $0.option == b }) {
                    r.fail(item, "rule '\(id)' adds to '\(decision.options[x].value)' and to other base options but not to its base '\(decision.options[b].value)'; add to refinements only, or the same to the base")
                }
            }
        }
        if refinesOnly {
            for x in excludes where base[x] == nil {
                r.fail(item, "rule '\(id)' adds to refinements only, so it is weighed only between a base and its refinements; it cannot exclude the base option '\(decision.options[x].value)'")
            }
        }
    }

    /// Whether a condition compares an integer question with a constant.
    static func comparesInteger(_ c: Condition, questions: [Question]) -> Bool {
        func isInteger(_ slot: Int) -> Bool {
            guard slot < questions.count, case .integer = questions[slot].kind else { return false }
            return true
        }
        switch c {
        case .constant, .compareSlots: return false
        case .compare(let s, _, _), .member(let s, _, _): return isInteger(s)
        case .not(let x): return comparesInteger(x, questions: questions)
        case .and(let a, let b), .or(let a, let b): return comparesInteger(a, questions: questions) || comparesInteger(b, questions: questions)
        }
    }

    // MARK: scenarios

    static func parseScenarios(_ r: inout NodeReader, kb: KnowledgeBase, seen: inout Set<String>) -> [Scenario] {
        guard let top = r.mapping(r.doc.root, what: "a scenarios file", allowed: ["scenarios"]) else { return [] }
        var scenarios: [Scenario] = []
        for item in r.sequence(top.first { $0.key == "scenarios" }?.value, what: "scenarios") {
            guard let fields = r.mapping(item, what: "a scenario", allowed: ["name", "note", "answers", "expect", "expect_confidence"]) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let name = r.string(f["name"], what: "scenario name", in: item) else { continue }
            if !seen.insert(name).inserted { r.fail(f["name"], "scenario '\(name)' is defined twice") }
            // Answers: a mapping turned into the JSON answer file it stands for, then read
            // by the same reader as any answer file.
            var json = "{"
            for (i, entry) in (r.mapping(f["answers"], what: "answers", allowed: []) ?? []).enumerated() {
                guard case .scalar(let s) = entry.value else { r.fail(entry.value, "expected a plain answer value"); continue }
                let value: String
                if s.style == .plain && (s.string == "true" || s.string == "false" || Int(s.string) != nil) {
                    value = s.string
                } else {
                    value = JSONText.quoted(s.string)
                }
                json += (i > 0 ? "," : "") + JSONText.quoted(entry.key) + ":" + value
            }
            json += "}"
            let reader = AnswerReader(kb: kb)
            if case .failure(let problems) = reader.read(Array(json.utf8)) {
                for p in problems { r.fail(f["answers"], "scenario '\(name)': \(p.key.map { "\($0): " } ?? "")\(p.message)") }
            }
            var expect: [(decision: String, choice: String?)] = []
            for entry in r.mapping(f["expect"], what: "expect", allowed: kb.decisions.map(\.id)) ?? [] {
                let decision = kb.decisions[kb.decisionIndex[entry.key]!]
                guard case .scalar(let s) = entry.value else { r.fail(entry.value, "expected an option or null"); continue }
                if s.style == .plain && (s.string == "null" || s.string == "~" || s.string.isEmpty) {
                    expect.append((entry.key, nil))
                } else if decision.optionIndex(s.string) != nil {
                    expect.append((entry.key, s.string))
                } else {
                    r.fail(entry.value, "decision '\(decision.id)' has no option '\(s.string)'; expected one of \(decision.options.map(\.value).joined(separator: ", ")) or null")
                }
            }
            if expect.isEmpty { r.fail(item, "scenario '\(name)' expects nothing") }
            var confidence: [(decision: String, confidence: String)] = []
            for entry in r.mapping(f["expect_confidence"], what: "expect_confidence", allowed: kb.decisions.map(\.id)) ?? [] {
                guard let word = r.string(entry.value, what: "a confidence") else { continue }
                guard Confidence(rawValue: word) != nil else {
                    r.fail(entry.value, "unknown confidence '\(word)'; expected \(Confidence.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                confidence.append((entry.key, word))
            }
            scenarios.append(Scenario(name: name, note: f["note"].flatMap { r.string($0, what: "note") } ?? "",
                                      location: "\(r.doc.storedFile):\(item.mark?.line ?? 1)", answers: json,
                                      expect: expect, expectConfidence: confidence))
        }
        return scenarios
    }
}

extension YAMLDocument {
    /// The scalar text of a node ("" when absent).
    func textOf(_ node: Node?) -> String {
        if case .scalar(let s)? = node { return s.string }
        return ""
    }
}
