/// `--format csv`: the contract's columns (`input` and one choice per decision, empty for
/// null), then one confidence per decision and an `error` column. Written as bytes: the
/// batch's fast path appends rows without building strings.
public struct CSVReport: Sendable {
    public let kb: KnowledgeBase
    /// Option values per decision, as bytes.
    let optionBytes: [[[UInt8]]]
    /// Confidence words by ``ChoiceEvaluator/confidenceCode(_:)`` (index 0: empty).
    let confidenceBytes: [[UInt8]]

    public init(kb: KnowledgeBase) {
        self.kb = kb
        optionBytes = kb.decisions.map { $0.options.map { Array($0.value.utf8) } }
        confidenceBytes = [[]] + Confidence.allCases.map { Array($0.rawValue.utf8) }
    }

    /// The header line.
    public var header: String {
        "input," + kb.decisions.map(\.id).joined(separator: ",") + "," + kb.decisions.map { $0.id + "_confidence" }.joined(separator: ",") + ",error\n"
    }

    /// Whether a cell needs quotes.
    static func needsQuotes(_ s: String) -> Bool {
        s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
    }

    /// Appends one cell, quoted when needed.
    static func appendField(_ s: String, to out: inout [UInt8]) {
        guard needsQuotes(s) else { out.append(contentsOf: s.utf8); return }
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The name of one answer set: the input's, plus `:LINE` for JSON Lines and stdin. Made
    /// into a String only when needed (errors, and formats other than the fast path).
    public struct RecordName: Sendable {
        let input: String
        let line: Int?
        /// Whether the cell needs quotes (computed once per input).
        let quoted: Bool
        var string: String { line.map { "\(input):\($0)" } ?? input }
    }

    /// Appends the cell of `record` (`input:line`, quoted when needed) without building a String.
    static func appendName(_ record: RecordName, to out: inout [UInt8]) {
        if record.quoted {
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
        if record.quoted { out.append(UInt8(ascii: "\"")) }
    }

    /// The fast path's row: choices from the decision slots of `values`, confidences by code.
    func appendRow(_ record: RecordName, values: UnsafeBufferPointer<Int>, confidence: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        CSVReport.appendName(record, to: &out)
        let nq = kb.questions.count
        for d in 0..<kb.decisions.count {
            out.append(UInt8(ascii: ","))
            let c = values[nq + d]
            if c != Condition.null { out.append(contentsOf: optionBytes[d][c]) }
        }
        for d in 0..<kb.decisions.count {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: confidenceBytes[Int(confidence[d])])
        }
        out.append(UInt8(ascii: ","))
        out.append(0x0A)
    }

    /// A row for one input's outcome: its choices and confidences, or empty cells and the error.
    func append(_ name: String, _ outcome: InputOutcome, to out: inout [UInt8]) {
        CSVReport.appendField(name, to: &out)
        switch outcome {
        case .evaluated(let e):
            for r in e.decisions {
                out.append(UInt8(ascii: ","))
                if let c = r.choice { out.append(contentsOf: optionBytes[r.decision][c]) }
            }
            for r in e.decisions {
                out.append(UInt8(ascii: ","))
                if r.applies, let c = r.confidence { out.append(contentsOf: c.rawValue.utf8) }
            }
            out.append(UInt8(ascii: ","))
        case .failed(let problems):
            out.append(contentsOf: Array(repeating: UInt8(ascii: ","), count: 2 * kb.decisions.count + 1))
            CSVReport.appendField(problems.map(\.description).joined(separator: "; "), to: &out)
        }
        out.append(0x0A)
    }
}

/// How the batch writes one format: text before the first input, then one piece per input.
/// ``BatchEvaluator`` picks one by ``ReportFormat`` and knows no format itself.
public protocol BatchRenderer {
    /// Text before the first input (the CSV header), or "".
    var header: String { get }
    /// Appends the output for one input; `first` is true for the first input of the batch.
    func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8])
}

/// What some renderers need from the batch.
public struct BatchContext {
    /// Columns the table wraps to.
    public var width: Int
    /// The date decision records carry (computed only when asked).
    public var date: () -> String
}

public enum BatchRenderers {
    public static func renderer(for format: ReportFormat, kb: KnowledgeBase, style: Style) -> any BatchRenderer {
        switch format {
        case .json: JSONLines(report: JSONReport(kb: kb))
        case .csv: CSV(report: CSVReport(kb: kb))
        case .table: Table(kb: kb, text: TextReport(kb: kb, style: style), style: style)
        case .markdown: Markdown(text: TextReport(kb: kb, style: style))
        case .adr: ADR(kb: kb)
        case .mermaid: Mermaid(diagram: MermaidDiagram(kb: kb))
        }
    }

    struct JSONLines: BatchRenderer {
        let report: JSONReport
        var header: String { "" }
        func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8]) {
            out.append(contentsOf: (report.render(input: name, outcome: outcome) + "\n").utf8)
        }
    }

    struct CSV: BatchRenderer {
        let report: CSVReport
        var header: String { report.header }
        func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8]) {
            report.append(name, outcome, to: &out)
        }
    }

    struct Table: BatchRenderer {
        let kb: KnowledgeBase
        let text: TextReport
        let style: Style
        var header: String { "" }
        func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8]) {
            let table = QuestionnaireText(kb: kb, style: style, width: context.width).fit(text.table(input: name, outcome: outcome))
            out.append(contentsOf: ((first ? "" : "\n") + table + "\n").utf8)
        }
    }

    struct Markdown: BatchRenderer {
        let text: TextReport
        var header: String { "" }
        func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8]) {
            out.append(contentsOf: ((first ? "# archadvisor evaluation\n\n" : "\n") + text.markdown(input: name, outcome: outcome)).utf8)
        }
    }

    struct ADR: BatchRenderer {
        let kb: KnowledgeBase
        var header: String { "" }
        func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8]) {
            guard case .evaluated(let e) = outcome else { return }
            out.append(contentsOf: ((first ? "" : "\n") + DecisionRecord(kb: kb, date: context.date()).render(input: name, evaluation: e)).utf8)
        }
    }

    struct Mermaid: BatchRenderer {
        let diagram: MermaidDiagram
        var header: String { "" }
        func render(_ name: String, _ outcome: InputOutcome, first: Bool, context: BatchContext, to out: inout [UInt8]) {
            guard case .evaluated(let e) = outcome else { return }
            out.append(contentsOf: ((first ? "" : "\n") + "%% \(name)\n" + diagram.render(e)).utf8)
        }
    }
}
