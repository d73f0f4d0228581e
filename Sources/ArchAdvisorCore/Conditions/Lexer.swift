/// Splits condition text into tokens. Works on Unicode scalars so columns match what a
/// reviewer sees in the rules file.
struct Lexer {
    enum Kind: Equatable {
        case identifier(String)
        case integer(Int)
        case string(String)
        case op(ComparisonOperator)
        case keyword(String) // and or not in true false
        case leftParen, rightParen, leftBracket, rightBracket, comma
        case end
    }

    struct Token: Equatable {
        var kind: Kind
        var offset: Int
    }

    static let keywords: Set<String> = ["and", "or", "not", "in", "true", "false"]

    static func tokenize(_ text: String) throws(ConditionError) -> [Token] {
        let chars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func isIdentStart(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
        }
        func isIdent(_ c: Unicode.Scalar) -> Bool {
            isIdentStart(c) || (c >= "0" && c <= "9") || c == "-"
        }
        while i < chars.count {
            let c = chars[i]
            let start = i
            switch c {
            case " ", "\t", "\n", "\r":
                i += 1
            case "(": tokens.append(Token(kind: .leftParen, offset: i)); i += 1
            case ")": tokens.append(Token(kind: .rightParen, offset: i)); i += 1
            case "[": tokens.append(Token(kind: .leftBracket, offset: i)); i += 1
            case "]": tokens.append(Token(kind: .rightBracket, offset: i)); i += 1
            case ",": tokens.append(Token(kind: .comma, offset: i)); i += 1
            case "=", "!", "<", ">":
                let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
                if next == "=" {
                    let op: ComparisonOperator = switch c {
                    case "=": .equal
                    case "!": .notEqual
                    case "<": .lessOrEqual
                    default: .greaterOrEqual
                    }
                    tokens.append(Token(kind: .op(op), offset: i))
                    i += 2
                } else if c == "<" || c == ">" {
                    tokens.append(Token(kind: .op(c == "<" ? .less : .greater), offset: i))
                    i += 1
                } else if c == "=" {
                    throw ConditionError(offset: i, message: "'=' is not an operator; use '==' to compare")
                } else {
                    throw ConditionError(offset: i, message: "'!' is not an operator; use 'not' or '!='")
                }
            case "\"", "'":
                let quote = c
                i += 1
                var value = String.UnicodeScalarView()
                while i < chars.count && chars[i] != quote {
                    if chars[i] == "\\" && i + 1 < chars.count { i += 1 }
                    value.append(chars[i])
                    i += 1
                }
                guard i < chars.count else {
                    throw ConditionError(offset: start, message: "unterminated string; expected a closing \(quote)")
                }
                i += 1
                tokens.append(Token(kind: .string(String(value)), offset: start))
            case "-", "0"..."9":
                var j = i
                if c == "-" { j += 1 }
                guard j < chars.count, chars[j] >= "0", chars[j] <= "9" else {
                    throw ConditionError(offset: i, message: "unexpected '-'; expected a number after it")
                }
                while j < chars.count, chars[j] >= "0", chars[j] <= "9" { j += 1 }
                if j < chars.count, isIdentStart(chars[j]) || chars[j] == "." {
                    throw ConditionError(offset: i, message: "malformed number; only whole numbers are allowed")
                }
                let digits = String(String.UnicodeScalarView(chars[i..<j]))
                guard let value = Int(digits) else {
                    throw ConditionError(offset: i, message: "number \(digits) is beyond the 64-bit range")
                }
                tokens.append(Token(kind: .integer(value), offset: i))
                i = j
            default:
                guard isIdentStart(c) else {
                    throw ConditionError(offset: i, message: "unexpected character '\(c)'")
                }
                var j = i
                while j < chars.count, isIdent(chars[j]) { j += 1 }
                let word = String(String.UnicodeScalarView(chars[i..<j]))
                tokens.append(Token(kind: keywords.contains(word) ? .keyword(word) : .identifier(word), offset: i))
                i = j
            }
        }
        tokens.append(Token(kind: .end, offset: chars.count))
        return tokens
    }
}
