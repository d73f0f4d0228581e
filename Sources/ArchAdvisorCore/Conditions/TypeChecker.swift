/// What a name in a condition refers to.
public struct Symbol: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case boolean
        case integer(ClosedRange<Int>)
        case choice([String])
    }
    public var name: String
    public var slot: Int
    public var kind: Kind
    /// True for decisions, which may have no value.
    public var nullable: Bool

    public init(name: String, slot: Int, kind: Kind, nullable: Bool = false) {
        self.name = name
        self.slot = slot
        self.kind = kind
        self.nullable = nullable
    }

    var kindName: String {
        switch kind {
        case .boolean: "boolean"
        case .integer: "integer"
        case .choice: "choice"
        }
    }
}

/// Checks a parsed condition against the names in scope and lowers it into a ``Condition``.
public struct TypeChecker {
    public var symbols: [String: Symbol]
    /// Names that exist but may not be used here (a decision listed later), with the reason.
    public var forbidden: [String: String]
    /// What the names in scope are, for "unknown question 'x'" (`decision` in layers.yaml).
    public var nameKind: String

    public init(symbols: [String: Symbol], forbidden: [String: String] = [:], nameKind: String = "question") {
        self.symbols = symbols
        self.forbidden = forbidden
        self.nameKind = nameKind
    }

    /// Parses and checks `text` in one step.
    public func compile(_ text: String) throws(ConditionError) -> Condition {
        try check(try ConditionParser.parse(text))
    }

    /// Lowers a node that must be a condition (a boolean).
    public func check(_ node: SyntaxNode) throws(ConditionError) -> Condition {
        switch node {
        case .boolean(let b, _):
            return .constant(b)
        case .identifier:
            let symbol = try resolve(node)
            guard case .boolean = symbol.kind else {
                throw ConditionError(offset: node.offset, message: "'\(symbol.name)' is \(article(symbol.kindName)) \(symbol.kindName), not a condition; compare it, e.g. \(example(symbol))")
            }
            return .compare(slot: symbol.slot, .equal, 1)
        case .integer(_, let o), .string(_, let o):
            throw ConditionError(offset: o, message: "a value alone is not a condition; compare a question with it")
        case .not(let inner, _):
            return .not(try check(inner))
        case .and(let a, let b):
            return .and(try check(a), try check(b))
        case .or(let a, let b):
            return .or(try check(a), try check(b))
        case .compare(let lhs, let op, let rhs, let offset):
            return try comparison(lhs, op, rhs, offset: offset)
        case .member(let subject, let items, let negated, _):
            guard case .identifier = subject else {
                throw ConditionError(offset: subject.offset, message: "expected a question id before '\(negated ? "not in" : "in")'")
            }
            let symbol = try resolve(subject)
            let values = try items.map { item throws(ConditionError) in try literal(item, for: symbol, op: .equal) }
            return .member(slot: symbol.slot, values, negated: negated)
        }
    }

    private func comparison(_ lhs: SyntaxNode, _ op: ComparisonOperator, _ rhs: SyntaxNode, offset: Int) throws(ConditionError) -> Condition {
        switch (lhs, rhs) {
        case (.identifier, .identifier(let rightName, let rightOffset)):
            let a = try resolve(lhs)
            if case .choice = a.kind, symbols[rightName] == nil, forbidden[rightName] == nil {
                throw ConditionError(offset: rightOffset, message: "'\(rightName)' is not a value; quote choice values, e.g. \(a.name) == \"\(rightName)\"")
            }
            let b = try resolve(rhs)
            switch (a.kind, b.kind) {
            case (.integer, .integer):
                return .compareSlots(a.slot, op, b.slot)
            default:
                throw ConditionError(offset: offset, message: "cannot compare \(a.kindName) '\(a.name)' with \(b.kindName) '\(b.name)'; only two integers compare with each other")
            }
        case (.identifier, _):
            let symbol = try resolve(lhs)
            return .compare(slot: symbol.slot, op, try literal(rhs, for: symbol, op: op))
        case (_, .identifier):
            let symbol = try resolve(rhs)
            return .compare(slot: symbol.slot, op.mirrored, try literal(lhs, for: symbol, op: op))
        default:
            throw ConditionError(offset: lhs.offset, message: "compares two values; one side must be a question id")
        }
    }

    /// The slot value a literal stands for when compared with `symbol`.
    private func literal(_ node: SyntaxNode, for symbol: Symbol, op: ComparisonOperator) throws(ConditionError) -> Int {
        let ordered = op != .equal && op != .notEqual
        switch (symbol.kind, node) {
        case (.boolean, .boolean(let b, let o)):
            if ordered { throw ConditionError(offset: o, message: "'\(op.rawValue)' does not apply to boolean '\(symbol.name)'; use == or !=") }
            return b ? 1 : 0
        case (.integer(let range), .integer(let v, let o)):
            if !ordered && !range.contains(v) {
                throw ConditionError(offset: o, message: "\(v) is outside the range of '\(symbol.name)' (\(range.lowerBound)...\(range.upperBound))")
            }
            return v
        case (.choice(let values), .string(let s, let o)):
            if ordered { throw ConditionError(offset: o, message: "'\(op.rawValue)' does not apply to choice '\(symbol.name)'; use ==, != or in") }
            guard let index = values.firstIndex(of: s) else {
                let hint = Suggest.closest(to: s, in: values).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ConditionError(offset: o, message: "'\(symbol.name)' has no choice \"\(s)\"\(hint); expected one of \(values.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return index
        case (.choice, .identifier(let name, let o)):
            throw ConditionError(offset: o, message: "'\(name)' is not a value; quote choice values, e.g. \(symbol.name) == \"\(name)\"")
        default:
            throw ConditionError(offset: node.offset, message: "cannot compare \(symbol.kindName) '\(symbol.name)' with \(describe(node)); expected \(expected(symbol))")
        }
    }

    private func resolve(_ node: SyntaxNode) throws(ConditionError) -> Symbol {
        guard case .identifier(let name, let offset) = node else {
            throw ConditionError(offset: node.offset, message: "expected a question id")
        }
        if let symbol = symbols[name] { return symbol }
        if let reason = forbidden[name] { throw ConditionError(offset: offset, message: reason) }
        let hint = Suggest.closest(to: name, in: Array(symbols.keys)).map { " (did you mean '\($0)'?)" } ?? ""
        throw ConditionError(offset: offset, message: "unknown \(nameKind) '\(name)'\(hint)")
    }

    private func describe(_ node: SyntaxNode) -> String {
        switch node {
        case .integer(let v, _): "the number \(v)"
        case .string(let s, _): "the string \"\(s)\""
        case .boolean(let b, _): "the boolean \(b)"
        default: "an expression"
        }
    }

    private func expected(_ symbol: Symbol) -> String {
        switch symbol.kind {
        case .boolean: "true or false"
        case .integer: "a whole number"
        case .choice(let values): "one of \(values.map { "\"\($0)\"" }.joined(separator: ", "))"
        }
    }

    private func example(_ symbol: Symbol) -> String {
        switch symbol.kind {
        case .boolean: symbol.name
        case .integer(let r): "\(symbol.name) >= \(max(r.lowerBound, 1))"
        case .choice(let values): "\(symbol.name) == \"\(values.first ?? "")\""
        }
    }

    private func article(_ word: String) -> String {
        "aeiou".contains(word.first ?? "x") ? "an" : "a"
    }
}
