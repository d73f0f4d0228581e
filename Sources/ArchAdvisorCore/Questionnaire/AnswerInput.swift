import Foundation

/// One line a user typed in answer to a question, understood.
public enum AnswerInput: Sendable, Equatable {
    /// An empty line: take the offered default.
    case useDefault
    /// `?` or `help`.
    case help
    /// `<` or `back`.
    case back
    /// A valid answer, as a slot value.
    case value(Int)
    /// Not a valid answer: the one-line reason.
    case invalid(String)

    /// Reads `text` as an answer to `question`: integers as numbers, booleans as yes/no
    /// (y, n, true, false), choices by number (1 is the first), by name or by the label
    /// shown for them (whole, or its text before " (": "Well understood"), any unique
    /// prefix of either, any case.
    public static func parse(_ text: String, for question: Question) -> AnswerInput {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = t.lowercased()
        switch lower {
        case "": return .useDefault
        case "?", "help": return .help
        case "<", "back": return .back
        default: break
        }
        switch question.kind {
        case .integer(let range):
            let digits = t.hasPrefix("+") ? String(t.dropFirst()) : t
            let body = digits.hasPrefix("-") ? digits.dropFirst() : Substring(digits)
            guard !body.isEmpty, body.allSatisfy(\.isASCIIDigit) else {
                return .invalid("\(quote(t)) is not a whole number; expected \(question.expectation)")
            }
            guard let v = Int(digits), range.contains(v) else {
                return .invalid("\(t) is out of range; expected \(question.expectation)")
            }
            return .value(v)
        case .boolean:
            switch lower {
            case "y", "yes", "true", "t": return .value(1)
            case "n", "no", "false", "f": return .value(0)
            default: return .invalid("\(quote(t)) is not yes or no; answer y or n")
            }
        case .choice(let choices):
            let expected = "expected 1 to \(choices.count) or " + choices.map(\.value).joined(separator: ", ")
            if t.allSatisfy(\.isASCIIDigit) {
                guard let n = Int(t), (1...choices.count).contains(n) else {
                    return .invalid("\(t) is not a choice; \(expected)")
                }
                return .value(n - 1)
            }
            if let exact = choices.firstIndex(where: { $0.value.lowercased() == lower }) { return .value(exact) }
            let words = normalized(lower)
            if let labelled = choices.firstIndex(where: { labelForms($0).contains(words) }) { return .value(labelled) }
            let prefixed = choices.indices.filter {
                choices[$0].value.lowercased().hasPrefix(lower) || labelForms(choices[$0]).contains { $0.hasPrefix(words) }
            }
            if prefixed.count == 1 { return .value(prefixed[0]) }
            if prefixed.count > 1 {
                return .invalid("\(quote(t)) could be " + prefixed.map { choices[$0].value }.joined(separator: " or ") + "; type more of it")
            }
            let hint = Suggest.closest(to: lower, in: choices.map(\.value)).map { " (did you mean \($0)?)" } ?? ""
            return .invalid("\(quote(t)) is not a choice\(hint); \(expected)")
        }
    }

    /// A choice's label as it may be typed: whole, and its text before " (" (lowercase,
    /// single spaces).
    static func labelForms(_ choice: Question.Choice) -> [String] {
        let whole = normalized(choice.label.lowercased())
        guard let open = whole.range(of: " (") else { return [whole] }
        return [whole, String(whole[..<open.lowerBound])]
    }

    private static func normalized(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func quote(_ s: String) -> String {
        let short = s.count > 30 ? String(s.prefix(30)) + "…" : s
        return "\"\(short)\""
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
