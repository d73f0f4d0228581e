/// Reads one answer object (JSON) straight from bytes into slot values.
///
/// Answer files are flat objects whose values are integers, booleans and short strings, so
/// this reader matches keys and choice values as bytes against tables built once per
/// knowledge base, and never builds a dictionary or a string on the success path. It
/// checks everything a general JSON parser would (syntax, UTF-8, nesting depth, 64-bit
/// range) and reports every problem with the key and what was expected.
public final class AnswerReader: @unchecked Sendable {
    /// Top-level keys that are not questions: `$schema`, and what `archadvisor check` reads
    /// (`current`, what the service runs today, and `waivers`).
    public static let reservedKeys: Set<String> = ["$schema", "current", "waivers"]

    /// Deepest nesting accepted inside `x-` values.
    public static let maxDepth = 128

    let kb: KnowledgeBase
    private let ranges: [ClosedRange<Int>]
    /// keysByLength[length] -> the questions whose id has that many bytes (their bytes are
    /// in ``keyBytes``).
    private let keysByLength: [[Int]]
    private let defaults: [Int]
    /// The hot path's view of the questions, free of reference-counted payloads: the type of
    /// each, its id's bytes (question q at keyOffset[q] ..< keyOffset[q + 1] of keyBytes),
    /// and its choices' bytes (choice k of question q is entry choiceFirst[q] + k, its bytes
    /// at choiceOffset[entry] ..< choiceOffset[entry + 1] of choiceBytes).
    private enum Tag: UInt8 { case integer, boolean, choice }
    private let tags: [Tag]
    private let keyBytes: [UInt8]
    private let keyOffset: [Int]
    private let choiceBytes: [UInt8]
    private let choiceOffset: [Int]
    private let choiceFirst: [Int]

    public init(kb: KnowledgeBase) {
        self.kb = kb
        ranges = kb.questions.map(\.slotRange)
        var table = Array(repeating: [Int](), count: 65)
        for (i, q) in kb.questions.enumerated() where q.id.utf8.count <= 64 {
            table[q.id.utf8.count].append(i)
        }
        keysByLength = table
        defaults = kb.questions.map(\.defaultValue)
        tags = kb.questions.map { q in
            switch q.kind {
            case .integer: .integer
            case .boolean: .boolean
            case .choice: .choice
            }
        }
        var kBytes: [UInt8] = [], kOffset = [0]
        var cBytes: [UInt8] = [], cOffset = [0], cFirst = [0]
        for q in kb.questions {
            kBytes += q.id.utf8
            kOffset.append(kBytes.count)
            if case .choice(let choices) = q.kind {
                for c in choices { cBytes += c.value.utf8; cOffset.append(cBytes.count) }
            }
            cFirst.append(cOffset.count - 1)
        }
        keyBytes = kBytes
        keyOffset = kOffset
        choiceBytes = cBytes
        choiceOffset = cOffset
        choiceFirst = cFirst
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
        if problems.isEmpty && !kb.constraints.isEmpty {
            for c in kb.constraints where !c.require.evaluate(UnsafeBufferPointer(values)) {
                problems.append(AnswerReader.problem(c, values: UnsafeBufferPointer(values), provided: UnsafeBufferPointer(provided), kb: kb))
            }
        }
        return problems
    }

    /// The error line for a broken constraint: the keys it reads with their values (a
    /// default marked as such), what must hold and why.
    static func problem(_ c: AnswerConstraint, values: UnsafeBufferPointer<Int>, provided: UnsafeBufferPointer<Bool>, kb: KnowledgeBase) -> AnswerProblem {
        let keys = c.require.slots.filter { $0 < kb.questions.count }.sorted()
        let shown = keys.map { q in
            "\(kb.questions[q].id) is \(kb.questions[q].displayValue(values[q]))" + (provided[q] ? "" : " (its default)")
        }
        let key = keys.last(where: { provided[$0] }) ?? keys.last
        return AnswerProblem(key: key.map { kb.questions[$0].id },
                             message: "impossible combination: \(shown.joined(separator: " and ")); expected \(c.requireText) (\(c.message))")
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
        // Answer files usually list questions in knowledge-base order: try the question
        // after the last one matched first.
        var hint = 0
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
                try value(for: keyRange, &p, hint: &hint, values: values, provided: provided, problems: &problems)
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

    private func lookup(_ key: Parser.StringRange, _ p: Parser, hint: Int) -> Int? {
        guard !key.escaped else { return nil }
        if hint < tags.count && matches(key, p, question: hint) { return hint }
        guard key.count <= 64 else { return nil }
        for index in keysByLength[key.count] where index != hint && matches(key, p, question: index) { return index }
        return nil
    }

    @inline(__always)
    private func matches(_ key: Parser.StringRange, _ p: Parser, question q: Int) -> Bool {
        let offset = keyOffset[q]
        guard keyOffset[q + 1] - offset == key.count else { return false }
        return keyBytes.withUnsafeBufferPointer { p.equals(key, $0.baseAddress! + offset) }
    }

    /// The index of the choice of question `q` whose value is the bytes of `r`.
    @inline(__always)
    private func choice(_ r: Parser.StringRange, _ p: Parser, question q: Int) -> Int? {
        choiceBytes.withUnsafeBufferPointer { c in
            for entry in choiceFirst[q]..<choiceFirst[q + 1] {
                let offset = choiceOffset[entry]
                if choiceOffset[entry + 1] - offset == r.count && p.equals(r, c.baseAddress! + offset) {
                    return entry - choiceFirst[q]
                }
            }
            return nil
        }
    }

    private func value(for key: Parser.StringRange, _ p: inout Parser, hint: inout Int, values: UnsafeMutableBufferPointer<Int>, provided: UnsafeMutableBufferPointer<Bool>, problems: inout [AnswerProblem]) throws(SyntaxError) {
        var q = lookup(key, p, hint: hint)
        if q == nil && !key.escaped && p.isIgnoredKey(key) {
            // `x-...` and `$schema`: skip the value; name the key only if the value is bad.
            do { try p.skipValue(depth: 0, key: nil) } catch {
                var e = error
                e.key = p.decodeString(key, start: key.start)
                throw e
            }
            return
        }
        if q == nil && key.escaped {
            // A key written with escapes: decode it, then match.
            let decoded = p.decodeString(key, start: key.start)
            q = kb.questionIndex[decoded]
        }
        guard let q else {
            let name = p.decodeString(key, start: key.start)
            try p.skipValue(depth: 0, key: name)
            if name.hasPrefix("x-") || AnswerReader.reservedKeys.contains(name) { return }
            if !p.isValidUTF8(key) {
                problems.append(AnswerProblem(key: name, message: "the key is not valid UTF-8"))
                return
            }
            let hint = Suggest.closest(to: name, in: kb.questions.map(\.id)).map { " (did you mean \"\($0)\"?)" } ?? ""
            problems.append(AnswerProblem(key: name, message: "unknown question\(hint); expected a question id (see `archadvisor kb show`) or a key starting with \"x-\""))
            return
        }
        hint = q + 1
        // Only error paths touch kb.questions (copying a Question costs more than reading the value).
        if provided[q] {
            let id = kb.questions[q].id
            try p.skipValue(depth: 0, key: id)
            problems.append(AnswerProblem(key: id, message: "appears twice; give each answer once"))
            return
        }
        let start = p.index
        switch tags[q] {
        case .integer:
            let range = ranges[q]
            let c = p.peek()
            if c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
                switch p.scanInteger() {
                case .value(let v):
                    if range.contains(v) {
                        values[q] = v
                        provided[q] = true
                    } else {
                        let question = kb.questions[q]
                        problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(v)"))
                    }
                    return
                case .overflow(let text):
                    let question = kb.questions[q]
                    problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(text) (beyond the 64-bit integer range)"))
                    return
                case .notInteger:
                    p.index = start
                }
            }
        case .boolean:
            if p.matchTrue() { values[q] = 1; provided[q] = true; return }
            if p.matchFalse() { values[q] = 0; provided[q] = true; return }
        case .choice:
            if p.peek() == UInt8(ascii: "\"") {
                let r: Parser.StringRange
                do { r = try p.scanString() } catch { var e = error; e.key = kb.questions[q].id; throw e }
                if !r.escaped, let index = choice(r, p, question: q) {
                    values[q] = index
                    provided[q] = true
                    return
                }
                // Slow path: a string with escapes (compared byte for byte once decoded), or
                // no such choice.
                let text = p.decodeString(r, start: r.start)
                let question = kb.questions[q]
                guard case .choice(let choices) = question.kind else { preconditionFailure("tag and kind disagree") }
                if let index = choices.firstIndex(where: { $0.value.utf8.elementsEqual(text.utf8) }) {
                    values[q] = index
                    provided[q] = true
                    return
                }
                let suggestion = Suggest.closest(to: text, in: choices.map(\.value)).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append(AnswerProblem(key: question.id, message: "expected \(question.expectation), got \(JSONText.quoted(text))\(suggestion)"))
                return
            }
        }
        // Wrong type: skip the value and say what it was.
        let question = kb.questions[q]
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
