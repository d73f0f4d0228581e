import Foundation

/// Receives what a batch produces. The library never prints; the CLI decides where
/// output, problems and progress go.
public protocol BatchSink: AnyObject {
    /// Report bytes for stdout, in input order.
    func output(_ bytes: UnsafeRawBufferPointer)
    /// One problem line: input name, key and what was expected.
    func problem(input: String, _ problem: AnswerProblem)
    /// Called every few thousand answer sets with the count so far.
    func progress(_ count: Int)
}

/// Evaluates many inputs in order, streaming: one output per answer set, an error object
/// in place of a bad one, and every other input still evaluated.
public final class BatchEvaluator {
    public struct Summary: Sendable, Equatable {
        public var evaluated = 0
        public var failed = 0
        /// Every evaluated decision, counted by choice, for `--fail-on` policies.
        public var closeCalls = 0
        public var choices: [String: Int] = [:]
    }

    let kb: KnowledgeBase
    let format: ReportFormat
    let style: Style
    let reader: AnswerReader
    let evaluator: Evaluator
    let choiceEvaluator: ChoiceEvaluator
    let json: JSONReport
    let text: TextReport
    /// Option values per decision, as bytes, for the CSV fast path.
    let optionBytes: [[[UInt8]]]
    /// `decision=choice` policies to count (see ``Summary/choices``).
    public var watchChoices = false
    /// The date decision records carry (`YYYY-MM-DD`). Lazy: a DateFormatter costs ~0.5 ms
    /// of start-up that only `--format adr` needs.
    public lazy var date = DecisionRecord.today()
    /// Columns the table wraps to.
    public var width = 80
    private var out: [UInt8] = []
    private var values: [Int]
    private var provided: [Bool]
    private let defaults: [Int]
    public private(set) var summary = Summary()

    public init(kb: KnowledgeBase, format: ReportFormat, style: Style = Style(color: false)) {
        self.kb = kb
        self.format = format
        self.style = style
        reader = AnswerReader(kb: kb)
        evaluator = Evaluator(kb: kb)
        choiceEvaluator = ChoiceEvaluator(kb: kb)
        json = JSONReport(kb: kb)
        text = TextReport(kb: kb, style: style)
        optionBytes = kb.decisions.map { $0.options.map { Array($0.value.utf8) } }
        defaults = kb.defaultValues
        values = defaults
        provided = Array(repeating: false, count: kb.questions.count)
        out.reserveCapacity(1 << 16)
    }

    /// The CSV header line.
    public var csvHeader: String { "input," + kb.decisions.map(\.id).joined(separator: ",") + "\n" }

    /// Evaluates every input in order, sending output to `sink`.
    public func run(_ inputs: [InputSource], sink: BatchSink) {
        if format == .csv { emit(csvHeader, sink) }
        var first = true
        for input in inputs {
            run(input, sink: sink, first: &first)
        }
        flush(sink)
    }

    private func run(_ input: InputSource, sink: BatchSink, first: inout Bool) {
        let fd: Int32
        switch input {
        case .standardInput:
            fd = 0
        case .file:
            switch input.openForReading(expected: AnswerFile.expectedSingle + " or JSON Lines (.jsonl)") {
            case .descriptor(let opened): fd = opened
            case .problem(let problem):
                fail(input.name, [problem], sink, first: &first)
                return
            }
        }
        defer { if fd != 0 { close(fd) } }
        let mode: RecordReader.Mode = input == .standardInput ? .values : (input.isJSONLines ? .lines : .whole)
        var records = RecordReader(fd: fd, mode: mode)
        defer { records.close() }
        var count = 0
        let single = mode == .whole
        let quoted = BatchEvaluator.needsCSVQuotes(input.name)
        do {
            try records.forEach { record in
                count += 1
                switch record {
                case .tooLong(let line, let size):
                    let message = single ? AnswerFile.tooLarge(size)
                        : "too large (\(Self.size(size))); a record may be at most \(RecordReader.maxRecord >> 20) MiB"
                    fail(single ? input.name : "\(input.name):\(line)", [AnswerProblem(key: nil, message: message)], sink, first: &first)
                case .bytes(let bytes, let line):
                    evaluate(bytes, name: RecordName(input: input.name, line: single ? nil : line, csvQuoted: quoted), sink: sink, first: &first)
                }
                if (summary.evaluated + summary.failed) & 0xFFF == 0 { sink.progress(summary.evaluated + summary.failed) }
                return true
            }
        } catch {
            fail(input.name, [AnswerProblem(key: nil, message: "read failed: \(error)")], sink, first: &first)
        }
        // A whole file is always one record (an empty one is reported by the answer reader).
        if count == 0 {
            fail(input.name, [AnswerProblem(key: nil, message: "no answer sets in the input")], sink, first: &first)
        }
    }

    /// The name of one answer set: the input's, plus `:LINE` for JSON Lines and stdin. Made
    /// into a String only when needed (errors, and formats other than the CSV fast path).
    struct RecordName {
        let input: String
        let line: Int?
        /// Whether the CSV cell needs quotes (computed once per input).
        let csvQuoted: Bool
        var string: String { line.map { "\(input):\($0)" } ?? input }
    }

    static func needsCSVQuotes(_ s: String) -> Bool {
        s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
    }

    /// A size for a message: bytes, or MiB with one decimal (rounded down, so a file just
    /// over a limit never reads as equal to it: 17,000,000 bytes is "16.2 MiB").
    static func size(_ n: Int) -> String {
        guard n >= 1 << 20 else { return "\(n) bytes" }
        let tenths = (n * 10) >> 20
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    private func evaluate(_ bytes: UnsafeRawBufferPointer, name record: RecordName, sink: BatchSink, first: inout Bool) {
        // Reset to defaults without allocating.
        let problems: [AnswerProblem] = values.withUnsafeMutableBufferPointer { v in
            provided.withUnsafeMutableBufferPointer { p in
                for i in 0..<defaults.count { v[i] = defaults[i] }
                for i in 0..<p.count { p[i] = false }
                return reader.read(bytes, values: v, provided: p)
            }
        }
        if !problems.isEmpty {
            fail(record.string, problems, sink, first: &first)
            return
        }
        summary.evaluated += 1
        if format == .csv && !watchChoices {
            values.withUnsafeMutableBufferPointer { v in provided.withUnsafeBufferPointer { choiceEvaluator.evaluate(v, provided: $0) } }
            // Append to a local (moved out of the property and back): one exclusivity check
            // instead of one per append.
            var row: [UInt8] = []
            swap(&row, &out)
            BatchEvaluator.appendCSVName(record, to: &row)
            for d in 0..<kb.decisions.count {
                row.append(UInt8(ascii: ","))
                let c = values[kb.questions.count + d]
                if c != Condition.null { row.append(contentsOf: optionBytes[d][c]) }
            }
            row.append(0x0A)
            swap(&row, &out)
            if out.count >= 1 << 16 { flush(sink) }
            return
        }
        let name = record.string
        let answers = AnswerSet(values: Array(values[0..<kb.questions.count]), provided: provided)
        let evaluation = evaluator.evaluate(answers)
        for r in evaluation.decisions where r.applies {
            if r.confidence == .closeCall { summary.closeCalls += 1 }
            if let c = r.choice { summary.choices[kb.decisions[r.decision].id + "=" + kb.decisions[r.decision].options[c].value, default: 0] += 1 }
        }
        render(name, .evaluated(evaluation), sink, first: &first)
    }

    private func fail(_ name: String, _ problems: [AnswerProblem], _ sink: BatchSink, first: inout Bool) {
        summary.failed += 1
        flush(sink)
        for p in problems { sink.problem(input: name, p) }
        render(name, .failed(problems), sink, first: &first)
    }

    private func render(_ name: String, _ outcome: InputOutcome, _ sink: BatchSink, first: inout Bool) {
        switch format {
        case .json:
            emit(json.render(input: name, outcome: outcome) + "\n", sink)
        case .csv:
            appendCSVField(name)
            if case .evaluated(let e) = outcome {
                for r in e.decisions {
                    out.append(UInt8(ascii: ","))
                    if let c = r.choice { out.append(contentsOf: optionBytes[r.decision][c]) }
                }
            } else {
                out.append(contentsOf: Array(repeating: UInt8(ascii: ","), count: kb.decisions.count))
            }
            out.append(0x0A)
        case .table:
            let table = QuestionnaireText(kb: kb, style: style, width: width).fit(text.table(input: name, outcome: outcome))
            emit((first ? "" : "\n") + table + "\n", sink)
        case .markdown:
            emit((first ? "# archadvisor evaluation\n\n" : "\n") + text.markdown(input: name, outcome: outcome), sink)
        case .adr:
            if case .evaluated(let e) = outcome {
                emit((first ? "" : "\n") + DecisionRecord(kb: kb, date: date).render(input: name, evaluation: e), sink)
            }
        case .mermaid:
            if case .evaluated(let e) = outcome {
                emit((first ? "" : "\n") + "%% \(name)\n" + MermaidDiagram(kb: kb).render(e), sink)
            }
        }
        first = false
        if out.count >= 1 << 16 { flush(sink) }
    }

    /// Appends the CSV cell of `record` (`input:line`, quoted when needed) without building a String.
    static func appendCSVName(_ record: RecordName, to out: inout [UInt8]) {
        if record.csvQuoted {
            out.append(UInt8(ascii: "\""))
            for b in record.input.utf8 {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
        } else {
            out.append(contentsOf: record.input.utf8)
        }
        if var n = record.line {
            out.append(UInt8(ascii: ":"))
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                var i = 20
                repeat { i -= 1; digits[i] = UInt8(ascii: "0") + UInt8(n % 10); n /= 10 } while n > 0
                out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
            }
        }
        if record.csvQuoted { out.append(UInt8(ascii: "\"")) }
    }

    private func appendCSVField(_ s: String) {
        if s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
            out.append(UInt8(ascii: "\""))
            for b in s.utf8 {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: s.utf8)
        }
    }

    private func emit(_ s: String, _ sink: BatchSink) {
        out.append(contentsOf: s.utf8)
        if out.count >= 1 << 16 { flush(sink) }
    }

    private func flush(_ sink: BatchSink) {
        guard !out.isEmpty else { return }
        out.withUnsafeBytes { sink.output($0) }
        out.removeAll(keepingCapacity: true)
    }
}
