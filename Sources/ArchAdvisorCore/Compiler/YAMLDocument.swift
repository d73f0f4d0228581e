import Yams

/// A YAML file with positions, so every diagnostic can point at the line and column.
struct YAMLDocument {
    let file: String
    /// The checkout-independent path recorded in rule and scenario locations.
    var storedFile: String
    let text: String
    let lines: [Substring]
    let root: Node?

    init(file: String, storedFile: String? = nil, text: String) throws(CompileError) {
        self.file = file
        self.storedFile = storedFile ?? file
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (line, column, problem) = YAMLDocument.position(of: error)
            let lineText = line > 0 && line <= lines.count ? String(lines[line - 1]) : nil
            throw CompileError(diagnostics: [Diagnostic(location: SourceLocation(file: file, line: line, column: column), message: "invalid YAML: \(problem)", lineText: lineText)])
        } catch {
            throw CompileError(diagnostics: [Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), message: "invalid YAML: \(error)")])
        }
    }

    private static func position(of error: YamlError) -> (Int, Int, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return (mark.line, mark.column, ctx + problem)
        case .reader(let problem, _, _, _):
            return (1, 1, problem)
        case .duplicatedKeysInMapping(let duplicates, _):
            return (1, 1, "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return (1, 1, "\(error)")
        }
    }

    func location(_ node: Node?, offset: Int = 0) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        var column = mark.column + offset
        if case .scalar(let s) = node, s.style == .singleQuoted || s.style == .doubleQuoted { column += 1 }
        return SourceLocation(file: file, line: mark.line, column: column)
    }

    func diagnostic(_ node: Node?, _ message: String, offset: Int = 0) -> Diagnostic {
        let loc = location(node, offset: offset)
        let lineText = loc.line > 0 && loc.line <= lines.count ? String(lines[loc.line - 1]) : nil
        return Diagnostic(location: loc, message: message, lineText: lineText)
    }
}

/// Typed access to YAML nodes that records a diagnostic for every mismatch.
struct NodeReader {
    let doc: YAMLDocument
    var diagnostics: [Diagnostic] = []

    mutating func fail(_ node: Node?, _ message: String, offset: Int = 0) {
        diagnostics.append(doc.diagnostic(node, message, offset: offset))
    }

    /// The entries of a mapping, with unknown keys reported.
    mutating func mapping(_ node: Node?, what: String, allowed: [String]) -> [(key: String, keyNode: Node, value: Node)]? {
        guard let node else { return nil }
        guard case .mapping(let m) = node else {
            fail(node, "expected \(what) (a mapping)")
            return nil
        }
        var out: [(String, Node, Node)] = []
        var seen: Set<String> = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else { fail(k, "expected a plain key"); continue }
            let key = ks.string
            if !allowed.isEmpty && !allowed.contains(key) {
                let hint = Suggest.closest(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                fail(k, "unknown key '\(key)' in \(what)\(hint); expected one of \(allowed.joined(separator: ", "))")
                continue
            }
            if !seen.insert(key).inserted { fail(k, "key '\(key)' appears twice"); continue }
            out.append((key, k, v))
        }
        return out
    }

    mutating func sequence(_ node: Node?, what: String) -> [Node] {
        guard let node else { return [] }
        guard case .sequence(let s) = node else {
            fail(node, "expected \(what) (a list)")
            return []
        }
        return Array(s)
    }

    mutating func string(_ node: Node?, what: String, in parent: Node? = nil) -> String? {
        guard let node else {
            fail(parent, "missing \(what)")
            return nil
        }
        guard case .scalar(let s) = node, s.tag.description != "tag:yaml.org,2002:null" || s.style != .plain || s.string != "" else {
            fail(node, "expected \(what) (a string)")
            return nil
        }
        return s.string
    }

    mutating func number(_ node: Node, what: String) -> Double? {
        guard case .scalar(let s) = node, s.style == .plain, let v = Double(s.string), v.isFinite else {
            fail(node, "expected \(what) (a number)")
            return nil
        }
        return v
    }

    mutating func integer(_ node: Node, what: String) -> Int? {
        guard case .scalar(let s) = node, s.style == .plain, let v = Int(s.string) else {
            fail(node, "expected \(what) (a whole number)")
            return nil
        }
        return v
    }

    mutating func boolean(_ node: Node, what: String) -> Bool? {
        guard case .scalar(let s) = node, s.style == .plain else {
            fail(node, "expected \(what) (true or false)")
            return nil
        }
        switch s.string {
        case "true": return true
        case "false": return false
        default:
            fail(node, "expected \(what) (true or false)")
            return nil
        }
    }

    /// Compiles a condition, pointing errors at the exact column inside the scalar.
    mutating func condition(_ node: Node?, checker: TypeChecker, what: String) -> (Condition, String)? {
        guard let node else { return (.constant(true), "true") }
        guard case .scalar(let s) = node else {
            fail(node, "expected \(what) (a condition in quotes)")
            return nil
        }
        // A YAML plain `true`/`false` is the constant.
        let text = s.string
        do {
            return (try checker.compile(text), text)
        } catch {
            fail(node, error.message + " in \(what) `\(text)`", offset: error.offset)
            return nil
        }
    }
}
