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
    let reader: AnswerReader
    let evaluator: Evaluator
    let choiceEvaluator: ChoiceEvaluator
    /// Writes the chosen format; the batch knows none itself.
    let renderer: any BatchRenderer
    /// The CSV fast path's writer (answer sets with every answer given).
    let csv: CSVReport
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
    private var confidence: [UInt8]
    private let defaults: [Int]
    public private(set) var summary = Summary()

    public init(kb: KnowledgeBase, format: ReportFormat, style: Style = Style(color: false)) {
        self.kb = kb
        self.format = format
        reader = AnswerReader(kb: kb)
        evaluator = Evaluator(kb: kb)
        choiceEvaluator = ChoiceEvaluator(kb: kb)
        renderer = BatchRenderers.renderer(for: format, kb: kb, style: style)
        csv = CSVReport(kb: kb)
        confidence = Array(repeating: 0, count: kb.decisions.count)
        defaults = kb.defaultValues
        values = defaults
        provided = Array(repeating: false, count: kb.questions.count)
        out.reserveCapacity(1 << 16)
    }

    /// Evaluates every input in order, sending output to `sink`.
    public func run(_ inputs: [InputSource], sink: BatchSink) {
        emit(renderer.header, sink)
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
        let quoted = CSVReport.needsQuotes(input.name)
        do {
            try records.forEach { record in
                count += 1
                switch record {
                case .tooLong(let line, let size):
                    let message = single ? AnswerFile.tooLarge(size)
                        : "too large (\(Self.size(size))); a record may be at most \(RecordReader.maxRecord >> 20) MiB"
                    fail(single ? input.name : "\(input.name):\(line)", [AnswerProblem(key: nil, message: message)], sink, first: &first)
                case .bytes(let bytes, let line):
                    evaluate(bytes, name: CSVReport.RecordName(input: input.name, line: single ? nil : line, quoted: quoted), sink: sink, first: &first)
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

    /// A size for a message: bytes, or MiB with one decimal (rounded down, so a file just
    /// over a limit never reads as equal to it: 17,000,000 bytes is "16.2 MiB").
    static func size(_ n: Int) -> String {
        guard n >= 1 << 20 else { return "\(n) bytes" }
        let tenths = (n * 10) >> 20
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    private func evaluate(_ bytes: UnsafeRawBufferPointer, name record: CSVReport.RecordName, sink: BatchSink, first: inout Bool) {
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
        // The CSV fast path, when every answer is given: then nothing rests on a default and
        // the confidence follows from the margin alone.
        if format == .csv && !watchChoices && !provided.contains(false) {
            values.withUnsafeMutableBufferPointer { v in
                provided.withUnsafeBufferPointer { p in
                    confidence.withUnsafeMutableBufferPointer { choiceEvaluator.evaluate(v, provided: p, confidence: $0) }
                }
            }
            // Append to a local (moved out of the property and back): one exclusivity check
            // instead of one per append.
            var row: [UInt8] = []
            swap(&row, &out)
            values.withUnsafeBufferPointer { v in confidence.withUnsafeBufferPointer { csv.appendRow(record, values: v, confidence: $0, to: &row) } }
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
        var chunk: [UInt8] = []
        swap(&chunk, &out)
        renderer.render(name, outcome, first: first, context: BatchContext(width: width, date: { self.date }), to: &chunk)
        swap(&chunk, &out)
        first = false
        if out.count >= 1 << 16 { flush(sink) }
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
