/// `templates/layers.yaml`: which template layers a scaffolded project gets, each with a
/// `when:` condition over the decided values, in the order they are applied.
///
/// The conditions are the rules' condition language, type-checked against the decisions
/// (not the questions: a layer follows what was decided, not what was answered). The
/// compiler checks the file with the rest of `rules/` (``RulesCompiler``); the scaffolder
/// compiles it again from the knowledge base's templates and asks ``applying(_:)`` which
/// folders to render.
public struct TemplateLayers: Sendable, Equatable {
    /// The file's path below `templates/`.
    public static let file = "layers.yaml"
    /// The folder of Mustache partials; `partials/LAYER/NAME.mustache` fills slot `NAME`
    /// when LAYER applies.
    public static let partialsFolder = "partials"

    /// One entry of the file.
    public struct Layer: Sendable, Equatable {
        public var folder: String
        public var when: Condition
        public var whenText: String
    }

    /// The entries, in the order of application.
    public var layers: [Layer]
    /// The decisions the conditions read, by slot: id and option values.
    public var decisions: [DecisionValues]

    /// A decision's id and option values, as the conditions see them.
    public struct DecisionValues: Sendable, Equatable {
        public var id: String
        public var options: [String]
        public init(id: String, options: [String]) {
            self.id = id
            self.options = options
        }
    }

    /// A decided value that is not an option of its decision.
    public struct UnknownChoice: Error, Sendable, Equatable {
        public var decision: String
        public var value: String
    }

    /// Compiles the text of `layers.yaml` (shown as `file` in diagnostics) against
    /// `decisions`, checking that every listed folder has templates (`templatePaths`, paths
    /// below `templates/`), that every folder with templates is listed, and that every
    /// `partials/LAYER/NAME` names a listed layer and a slot with a default `partials/NAME`
    /// (nil `templatePaths`: only the file itself is checked).
    public static func compile(text: String, file: String, decisions: [DecisionValues], questions: [String] = [],
                               templatePaths: [String]?) throws(CompileError) -> TemplateLayers {
        let doc = try YAMLDocument(file: file, text: text)
        var r = NodeReader(doc: doc)
        var symbols: [String: Symbol] = [:]
        for (slot, decision) in decisions.enumerated() {
            symbols[decision.id] = Symbol(name: decision.id, slot: slot, kind: .choice(decision.options), nullable: true)
        }
        var forbidden: [String: String] = [:]
        for question in questions where symbols[question] == nil {
            forbidden[question] = "'\(question)' is a question; a layer's condition reads decisions only (\(decisions.map(\.id).joined(separator: ", ")))"
        }
        let checker = TypeChecker(symbols: symbols, forbidden: forbidden, nameKind: "decision")

        var folders: [String] = []
        var slots: [(layer: String, name: String, path: String)] = []
        var defaults: Set<String> = []
        for path in templatePaths ?? [] {
            let parts = path.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { continue }
            if parts[0] == partialsFolder {
                let inner = parts[1].split(separator: "/", maxSplits: 1)
                if inner.count == 2 { slots.append((String(inner[0]), String(inner[1]), path)) } else { defaults.insert(String(parts[1])) }
            } else if folders.last != String(parts[0]) && !folders.contains(String(parts[0])) {
                folders.append(String(parts[0]))
            }
        }

        var layers: [Layer] = []
        var listed: Set<String> = []
        let top = r.mapping(doc.root, what: "layers.yaml", allowed: ["layers"])
        let listNode = top?.first { $0.key == "layers" }?.value
        if top == nil || listNode == nil { r.fail(doc.root, "expected a mapping with a 'layers' list") }
        for item in r.sequence(listNode, what: "layers") {
            guard let fields = r.mapping(item, what: "a layer", allowed: ["folder", "when"]) else { continue }
            let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let folder = r.string(f["folder"], what: "folder of a layer", in: item) else { continue }
            if folder == partialsFolder || folder.contains("/") || folder.isEmpty {
                r.fail(f["folder"], "'\(folder)' cannot be a layer folder; expected a folder name below templates/ other than partials")
                continue
            }
            if !listed.insert(folder).inserted { r.fail(f["folder"], "layer '\(folder)' is listed twice"); continue }
            if templatePaths != nil && !folders.contains(folder) {
                let hint = Suggest.closest(to: folder, in: folders).map { " (did you mean '\($0)'?)" } ?? ""
                r.fail(f["folder"], "no folder templates/\(folder)/ with templates\(hint)")
            }
            guard f["when"] != nil else { r.fail(item, "layer '\(folder)' has no 'when' condition"); continue }
            guard let when = r.condition(f["when"], checker: checker, what: "when of layer '\(folder)'") else { continue }
            layers.append(Layer(folder: folder, when: when.0, whenText: when.1))
        }
        if listNode != nil && templatePaths != nil {
            for folder in folders where !listed.contains(folder) {
                r.fail(listNode, "folder templates/\(folder)/ is listed by no layer; add an entry for it (or remove the folder)")
            }
            for slot in slots {
                if !listed.contains(slot.layer) {
                    r.fail(listNode, "templates/\(slot.path) fills a slot for layer '\(slot.layer)', which no entry lists")
                } else if !defaults.contains(slot.name) {
                    r.fail(listNode, "templates/\(slot.path) fills slot '\(slot.name)', which has no default templates/\(partialsFolder)/\(slot.name)")
                }
            }
        }
        if !r.diagnostics.isEmpty { throw CompileError(diagnostics: r.diagnostics) }
        return TemplateLayers(layers: layers, decisions: decisions)
    }

    /// The folders whose condition holds for `decided` (decision id to option value; a
    /// decision not given has no value), in the order of the file.
    public func applying(_ decided: [String: String]) throws(UnknownChoice) -> [String] {
        var values = [Int](repeating: Condition.null, count: decisions.count)
        for (slot, decision) in decisions.enumerated() {
            guard let value = decided[decision.id] else { continue }
            guard let index = decision.options.firstIndex(of: value) else {
                throw UnknownChoice(decision: decision.id, value: value)
            }
            values[slot] = index
        }
        return layers.filter { $0.when.evaluate(values) }.map(\.folder)
    }
}

extension Array where Element == TemplateLayers.DecisionValues {
    /// The id and option values of every decision of a knowledge base.
    public static func of(_ decisions: [Decision]) -> Self {
        decisions.map { Element(id: $0.id, options: $0.options.map(\.value)) }
    }
}
