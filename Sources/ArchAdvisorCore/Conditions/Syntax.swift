/// A position in a rules file, for diagnostics.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// Comparison operators of the condition language.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`3 < x` is `x > 3`).
    var mirrored: ComparisonOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }

    @usableFromInline func holds(_ a: Int, _ b: Int) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }
}

/// The untyped syntax tree of a condition, as parsed. `offset` is the column (0-based,
/// in characters) where the node starts in the condition text.
public indirect enum SyntaxNode: Sendable, Equatable {
    case identifier(String, offset: Int)
    case integer(Int, offset: Int)
    case string(String, offset: Int)
    case boolean(Bool, offset: Int)
    case not(SyntaxNode, offset: Int)
    case and(SyntaxNode, SyntaxNode)
    case or(SyntaxNode, SyntaxNode)
    case compare(SyntaxNode, ComparisonOperator, SyntaxNode, offset: Int)
    case member(SyntaxNode, [SyntaxNode], negated: Bool, offset: Int)

    var offset: Int {
        switch self {
        case .identifier(_, let o), .integer(_, let o), .string(_, let o), .boolean(_, let o),
             .not(_, let o), .compare(_, _, _, let o), .member(_, _, _, let o):
            o
        case .and(let l, _), .or(let l, _):
            l.offset
        }
    }
}

/// A problem in a condition: where, and what was expected.
public struct ConditionError: Error, Sendable, Equatable {
    /// Column (0-based) in the condition text.
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}
