/// Reads one answer object (JSON) straight from bytes into slot values.
///
/// Answer files are flat objects whose values are integers, booleans and short strings, so
/// this reader matches keys and choice values as bytes against tables built once per
/// knowledge base, and never builds a dictionary or a string on the success path. It
/// checks everything a general JSON parser would (syntax, UTF-8, nesting depth, 64-bit
/// range) and reports every problem with the key and what was expected.
public final class AnswerReader: @unchecked Sendable {
    /// Deepest nesting accepted inside `x-` values.
    public static let maxDepth = 128

    let kb: KnowledgeBase
    private let kinds: [Question.Kind]
    private let ranges: [ClosedRange<Int>]
    /// keys[length] -> [(bytes, question index)]
    private let keyTable: [[([UInt8], Int)]]
    /// choices[question] -> [(bytes, choice index)]
    private let choiceTable: [[([UInt8], Int)]]
    private let defaults: [Int]

    public init(kb: KnowledgeBase) {
        self.kb = kb
        kinds = kb.questions.map(\.kind)
        ranges = kb.questions.map(\.slotRange)
        var table = Array(repeating: [([UInt8], Int)](), count: 65)
        for (i, q) in kb.questions.enumerated() where q.id.utf8.count <= 64 {
            table[q.id.utf8.count].append((Array(q.id.utf8), i))
        }
        keyTable = table
        choiceTable = kb.questions.map { q in
            if case .choice(let c) = q.kind { return c.enumerated().map { (Array($1.value.utf8), $0) } }
            return []
        }
        defaults = kb.questions.map(\.defaultValue)
    }

    /// Reads `bytes` as one answer object.
    public func read(_ bytes: [UInt8]) -> ReadOutcome {
        var values = defaults
        var provided = Array(repeating: false, count: defaults.count)
        let problems = bytes.withUnsafeBufferPointer { buf in
            values.withUnsafeMutableBufferPointer { v in
                provided.withUnsafeMutableBufferPointer { p in
                    read(UnsafeRawBufferPointer(buf), values: v, provided: p)
                }
            }
        }
        if problems.isEmpty { return .success(AnswerSet(values: values, provided: provided)) }
        return .failure(problems)
    }

    /// The fast path: reads `input` into `values` (which must hold the defaults) and
    /// `provided` (all false). Returns the problems, empty on success.
    public func read(_ input: UnsafeRawBufferPointer, values: UnsafeMutableBufferPointer<Int>, provided: UnsafeMutableBufferPointer<Bool>) -> [AnswerProblem] {
        var parser = Parser(base: input.baseAddress?.assumingMemoryBound(to: UInt8.self), count: input.count)
        var problems: [AnswerProblem] = []
        do {
            try parseObject(&parser, values: values, provided: provided, problems: &problems)
        } catch {
            problems.append(AnswerProblem(key: error.key, message: error.message(in: parser)))
        }
        return problems
    }

    // MARK: - object

    private func parseObject(_ p: inout Parser, values: UnsafeMutableBufferPointer<Int>, provided: UnsafeMutableBufferPointer<Bool>, problems: inout [AnswerProblem]) throws(SyntaxError) {
        p.skipWhitespace()
        guard p.index < p.count else {
            throw SyntaxError(at: p.index, key: nil, kind: .empty)
        }
        let first = p.byte(p.index)
        guard first == UInt8(ascii: "{") else {
            let what = Parser.describeStart(first)
            throw SyntaxError(at: p.index, key: nil, kind: .custom("expected a JSON object of answers ({\"question_id\": value, ...}), got \(what)"))
        }
        p.index += 1
        p.skipWhitespace()
        if p.peek() == UInt8(ascii: "}") {
            p.index += 1
        } else {
            while true {
                guard p.peek() == UInt8(ascii: "\"") else {
                    throw SyntaxError(at: p.index, key: nil, kind: .expected("a quoted key"))
                }
                let keyStart = p.index + 1
                let keyRange = try p.scanString()
                p.skipWhitespace()
                guard p.peek() == UInt8(ascii: ":") else {
                    throw SyntaxError(at: p.index, key: p.decodeString(keyRange, start: keyStart), kind: .expected("':' after the key"))
                }
                p.index += 1
                p.skipWhitespace()
                try value(for: keyRange, &p, values: values, provided: provided, problems: &problems)
                p.skipWhitespace()
                let c = p.peek()
                if c == UInt8(ascii: ",") {
                    p.index += 1
                    p.skipWhitespace()
                    continue
                }
                if c == UInt8(ascii: "}") { p.index += 1; break }
                throw SyntaxError(at: p.index, key: nil, kind: .expected("',' or '}' after a value"))
            }
        }
        p.skipWhitespace()
        if p.index < p.count {
            throw SyntaxError(at: p.index, key: nil, kind: .custom("unexpected text after the answers object; expected one JSON object (use a .jsonl file for several)"))
        }
    }

    private func lookup(_ key: Parser.StringRange, _ p: Parser) -> Int? {
        guard !key.escaped, key.count <= 64 else { return nil }
        for (bytes, index) in keyTable[key.count] where p.equals(key, bytes) { return index }
        return nil
    }

    private func value(for key: Parser.StringRange, _ p: inout Parser, values: UnsafeMutableBufferPointer<Int>, provided: UnsafeMutableBufferPointer<Bool>, problems: inout [AnswerProblem]) throws(SyntaxError) {
        var q = lookup(key, p)
        if q == nil && key.escaped {
            // A key written with escapes: decode it, then match.
            let decoded = p.decodeString(key, start: key.start)
            q = kb.questionIndex[decoded]
        }
        guard let q else {
            let name = p.decodeString(key, start: key.start)
            try p.skipValue(depth: 0, key: name)
            if name.hasPrefix("x-") || name == "$schema" { return }
            if !p.isValidUTF8(key) {
                problems.append(AnswerProblem(key: name, message: "the key is not valid UTF-8"))
                return
            }
            let hint = Suggest.closest(to: name, in: kb.questions.map(\.id)).map { " (did you mean \"\($0)\"?)" } ?? ""
            problems.append(AnswerProblem(key: name, message: "unknown question\(hint); expected a question id (see `archadvisor kb show`) or a key starting with \"x-\""))
            return
        }
        let question = kb.questions[q]
        if provided[q] {
            try p.skipValue(depth: 0, key: question.id)
            problems.append(AnswerProblem(key: question.id, message: "appears twice; give each answer once"))
            return
        }
        let start = p.index
        switch kinds[q] {
        case .integer(let range):
            let c = p.peek()
            if c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
                switch p.scanInteger() {
                case .value(let v):
                    if range.contains(v) {
                        values[q] = v
                        provided[q] = true
                    } else {
                        problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(v)"))
                    }
                    return
                case .overflow(let text):
                    problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(text) (beyond the 64-bit integer range)"))
                    return
                case .notInteger:
                    p.index = start
                }
            }
        case .boolean:
            if p.matchLiteral("true") { values[q] = 1; provided[q] = true; return }
            if p.matchLiteral("false") { values[q] = 0; provided[q] = true; return }
        case .choice:
            if p.peek() == UInt8(ascii: "\"") {
                let r: Parser.StringRange
                do { r = try p.scanString() } catch { var e = error; e.key = question.id; throw e }
                if !r.escaped {
                    for (bytes, index) in choiceTable[q] where p.equals(r, bytes) {
                        values[q] = index
                        provided[q] = true
                        return
                    }
                }
                let text = p.decodeString(r, start: r.start)
                if let index = choiceTable[q].first(where: { $0.0 == Array(text.utf8) })?.1 {
                    values[q] = index
                    provided[q] = true
                    return
                }
                let hint = Suggest.closest(to: text, in: choiceTable[q].map { String(decoding: $0.0, as: UTF8.self) }).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(JSONText.quoted(text))\(hint)"))
                return
            }
        }
        // Wrong type: skip the value and say what it was.
        try p.skipValue(depth: 0, key: question.id)
        problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(p.describeValue(from: start, to: p.index))"))
    }
}

/// A JSON syntax problem: fatal for the input.
struct SyntaxError: Error {
    enum Kind {
        case empty
        case expected(String)
        case unterminatedString
        case controlInString
        case badEscape
        case tooDeep
        case custom(String)
    }
    var at: Int
    var key: String?
    var kind: Kind

    func message(in p: AnswerReader.Parser) -> String {
        let (line, column) = p.lineColumn(at)
        let position = "line \(line), column \(column)"
        let truncated = at >= p.count
        switch kind {
        case .empty: return "the input is empty; expected a JSON object of answers"
        case .expected(let what):
            return truncated ? "invalid JSON: the input ends too early at \(position); expected \(what) (truncated file?)"
                : "invalid JSON at \(position): expected \(what), got \(AnswerReader.Parser.describeStart(p.byte(at)))"
        case .unterminatedString: return "invalid JSON at \(position): a string is not closed (truncated file?)"
        case .controlInString: return "invalid JSON at \(position): a control character inside a string must be escaped"
        case .badEscape: return "invalid JSON at \(position): invalid escape sequence in a string"
        case .tooDeep: return "nesting deeper than \(AnswerReader.maxDepth) levels at \(position); answers are flat"
        case .custom(let text): return at < p.count && at > 0 ? "\(text) (at \(position))" : text
        }
    }
}
