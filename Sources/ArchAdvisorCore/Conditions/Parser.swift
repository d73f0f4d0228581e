/// A recursive-descent parser for the condition language (grammar in rules/README.md).
public struct ConditionParser {
    private var tokens: [Lexer.Token]
    private var position = 0

    /// Parses `text` into a syntax tree, or throws the first syntax error with its column.
    public static func parse(_ text: String) throws(ConditionError) -> SyntaxNode {
        var parser = ConditionParser(tokens: try Lexer.tokenize(text))
        if case .end = parser.peek.kind {
            throw ConditionError(offset: 0, message: "empty condition; expected an expression such as team_size >= 10 or \"true\"")
        }
        let node = try parser.parseOr()
        guard case .end = parser.peek.kind else {
            throw ConditionError(offset: parser.peek.offset, message: "unexpected \(describe(parser.peek.kind)); expected 'and', 'or' or the end of the condition")
        }
        return node
    }

    private init(tokens: [Lexer.Token]) { self.tokens = tokens }

    private var peek: Lexer.Token { tokens[position] }

    private mutating func advance() -> Lexer.Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func take(keyword: String) -> Bool {
        if case .keyword(keyword) = peek.kind { position += 1; return true }
        return false
    }

    private mutating func parseOr() throws(ConditionError) -> SyntaxNode {
        var left = try parseAnd()
        while take(keyword: "or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(ConditionError) -> SyntaxNode {
        var left = try parseNot()
        while take(keyword: "and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(ConditionError) -> SyntaxNode {
        let offset = peek.offset
        if take(keyword: "not") { return .not(try parseNot(), offset: offset) }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ConditionError) -> SyntaxNode {
        let left = try parseOperand()
        let token = peek
        switch token.kind {
        case .op(let op):
            _ = advance()
            return .compare(left, op, try parseOperand(), offset: token.offset)
        case .keyword("in"):
            _ = advance()
            return .member(left, try parseList(), negated: false, offset: token.offset)
        case .keyword("not"):
            // `x not in [...]`
            if position + 1 < tokens.count, case .keyword("in") = tokens[position + 1].kind {
                position += 2
                return .member(left, try parseList(), negated: true, offset: token.offset)
            }
            return left
        default:
            return left
        }
    }

    private mutating func parseOperand() throws(ConditionError) -> SyntaxNode {
        let token = advance()
        switch token.kind {
        case .identifier(let name): return .identifier(name, offset: token.offset)
        case .integer(let value): return .integer(value, offset: token.offset)
        case .string(let value): return .string(value, offset: token.offset)
        case .keyword("true"): return .boolean(true, offset: token.offset)
        case .keyword("false"): return .boolean(false, offset: token.offset)
        case .leftParen:
            let inner = try parseOr()
            guard case .rightParen = peek.kind else {
                throw ConditionError(offset: peek.offset, message: "unexpected \(Self.describe(peek.kind)); expected ')'")
            }
            _ = advance()
            return inner
        default:
            throw ConditionError(offset: token.offset, message: "unexpected \(Self.describe(token.kind)); expected a question id, a value or '('")
        }
    }

    private mutating func parseList() throws(ConditionError) -> [SyntaxNode] {
        guard case .leftBracket = peek.kind else {
            throw ConditionError(offset: peek.offset, message: "unexpected \(Self.describe(peek.kind)); expected '[' to start a list")
        }
        _ = advance()
        var items: [SyntaxNode] = []
        while true {
            let token = advance()
            switch token.kind {
            case .integer(let v): items.append(.integer(v, offset: token.offset))
            case .string(let v): items.append(.string(v, offset: token.offset))
            case .keyword("true"): items.append(.boolean(true, offset: token.offset))
            case .keyword("false"): items.append(.boolean(false, offset: token.offset))
            default:
                throw ConditionError(offset: token.offset, message: "unexpected \(Self.describe(token.kind)); expected a value in the list")
            }
            let separator = advance()
            switch separator.kind {
            case .comma: continue
            case .rightBracket: return items
            default:
                throw ConditionError(offset: separator.offset, message: "unexpected \(Self.describe(separator.kind)); expected ',' or ']'")
            }
        }
    }

    static func describe(_ kind: Lexer.Kind) -> String {
        switch kind {
        case .identifier(let s): "'\(s)'"
        case .integer(let v): "number \(v)"
        case .string(let s): "\"\(s)\""
        case .op(let op): "'\(op.rawValue)'"
        case .keyword(let k): "'\(k)'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .comma: "','"
        case .end: "end of condition"
        }
    }
}
