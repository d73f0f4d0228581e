/// Output formats of `evaluate`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, csv, markdown, adr, mermaid
}

/// The outcome for one input of a batch.
public enum InputOutcome: Sendable {
    case evaluated(Evaluation)
    case failed([AnswerProblem])
}

/// Terminal styling; empty strings when colour is off.
public struct Style: Sendable {
    public var bold = "", dim = "", green = "", yellow = "", red = "", cyan = "", reset = ""
    public init(color: Bool) {
        guard color else { return }
        bold = "\u{1B}[1m"; dim = "\u{1B}[2m"; green = "\u{1B}[32m"; yellow = "\u{1B}[33m"
        red = "\u{1B}[31m"; cyan = "\u{1B}[36m"; reset = "\u{1B}[0m"
    }
}
