/// What the questionnaire shows, as text: questions, help, the live lean and the answers
/// summary. Laid out for `width` columns (80 at most); escape codes only from `style`.
public struct QuestionnaireText: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    public let width: Int
    /// Width of the progress column, `21/21` plus two spaces.
    let indent: Int

    public init(kb: KnowledgeBase, style: Style, width: Int = 80) {
        self.kb = kb
        self.style = style
        self.width = max(40, min(width, 80))
        indent = 2 * String(kb.questions.count).count + 3
    }

    var pad: String { String(repeating: " ", count: indent) }

    func progress(_ q: Int) -> String { "\(q + 1)/\(kb.questions.count)" }

    // MARK: - questions

    /// Columns of help text and hints: short lines read best.
    var helpWidth: Int { min(width, 60) }

    /// A question on a terminal: progress and prompt, the choices, and what can be typed.
    /// A choice's label is never cut: a long one continues under itself.
    func question(_ q: Int, offered: Int, canGoBack: Bool) -> String {
        let question = kb.questions[q]
        var lines = ["", header(q)]
        if case .choice(let choices) = question.kind {
            let valueWidth = choices.map(\.value.count).max() ?? 0
            let numberWidth = String(choices.count).count
            for (i, c) in choices.enumerated() {
                let mark = i == offered ? "\(style.cyan)›\(style.reset)" : " "
                let number = String(i + 1).padding(toLength: numberWidth, withPad: " ", startingAt: 0)
                let value = c.value.padding(toLength: valueWidth, withPad: " ", startingAt: 0)
                let lead = String(pad.dropLast(2)) + "\(mark) \(number)  \(value)  "
                let column = indent + numberWidth + valueWidth + 4
                // Too narrow beside the value: the label goes on the lines below.
                let room = width - column
                let labelColumn = room >= 16 ? column : indent + 2
                let labelLines = wrap(c.label, width: width - labelColumn)
                let continued = String(repeating: " ", count: labelColumn)
                if room >= 16 {
                    lines.append(lead + style.dim + labelLines[0] + style.reset)
                    lines += labelLines.dropFirst().map { continued + style.dim + $0 + style.reset }
                } else {
                    lines.append(String(lead.dropLast(2)))
                    lines += labelLines.map { continued + style.dim + $0 + style.reset }
                }
            }
        }
        lines += hint(question, offered: offered, canGoBack: canGoBack).map { pad + style.dim + $0 + style.reset }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The chosen value, after an answer on a terminal: `→ well_understood`.
    func echo(_ value: String) -> String {
        String(pad.dropLast(2)) + "\(style.green)→\(style.reset) " + value + "\n"
    }

    /// The progress and the prompt, wrapped under the progress column.
    func header(_ q: Int) -> String {
        let p = progress(q).padding(toLength: indent, withPad: " ", startingAt: 0)
        let body = wrap(kb.questions[q].prompt, width: width - indent).joined(separator: "\n" + pad)
        return style.dim + p + style.reset + style.bold + body + style.reset
    }

    /// What can be typed, in lines of at most ``helpWidth`` columns with the indent.
    func hint(_ question: Question, offered: Int, canGoBack: Bool) -> [String] {
        let kind = switch question.kind {
        case .integer(let r): r.upperBound >= Int.max / 2 ? "a number from \(r.lowerBound)" : "a number from \(r.lowerBound) to \(r.upperBound)"
        case .boolean: "y or n"
        case .choice: "a number or a name"
        }
        let parts = [kind, "Enter: \(question.displayValue(offered))", "? help"] + (canGoBack ? ["< back"] : [])
        // Wrapped at ``helpWidth`` between parts (a part longer than a line is wrapped too).
        var lines: [String] = []
        for part in parts {
            if let last = lines.last, indent + last.count + 3 + part.count <= helpWidth {
                lines[lines.count - 1] = last + " · " + part
            } else {
                lines += wrap(part, width: helpWidth - indent)
            }
        }
        return lines
    }

    /// The prompt after the question block on a terminal.
    func prompt() -> String { String(pad.dropLast(2)) + "\(style.cyan)>\(style.reset) " }

    /// A question without a terminal: one line, ending where the answer is read.
    func line(_ q: Int, offered: Int) -> String {
        let question = kb.questions[q]
        let what = switch question.kind {
        case .integer(let r): r.upperBound >= Int.max / 2 ? "\(r.lowerBound)+" : "\(r.lowerBound)-\(r.upperBound)"
        case .boolean: "y/n"
        case .choice(let c): c.enumerated().map { "\($0 + 1) \($1.value)" }.joined(separator: ", ")
        }
        return "\(progress(q)) \(question.prompt) (\(what)) [\(question.displayValue(offered))]: "
    }

    /// Why an answer was not taken, one line.
    func problem(_ reason: String) -> String {
        String(pad.dropLast(2)) + "\(style.red)!\(style.reset) " + reason + "\n"
    }

    /// The help text of a question and the guidance behind it, at most ``helpWidth``
    /// columns wide.
    func help(_ q: Int) -> String {
        let question = kb.questions[q]
        /// `text` wrapped after `first`, continued under it after `rest`, in `on`...reset.
        func block(_ text: String, _ first: String, _ rest: String, _ on: String = "") -> [String] {
            wrap(text, width: helpWidth - indent - max(first.count, rest.count)).enumerated().map {
                pad + ($0.offset == 0 ? first : rest) + on + $0.element + (on.isEmpty ? "" : style.reset)
            }
        }
        var lines = block(question.help, "", "")
        if case .choice(let choices) = question.kind {
            for (i, c) in choices.enumerated() { lines += block("\(i + 1) \(c.value): \(c.label)", "  ", "    ") }
        }
        if question.askWhenText != "true" && !question.askWhenText.isEmpty {
            lines += block("asked when: " + question.askWhenText, "", "  ", style.dim)
        }
        let sources = question.sources.compactMap { kb.sourceIndex[$0].map { kb.sources[$0] } }
        if !sources.isEmpty {
            lines.append(pad + style.bold + "Guidance behind this question" + style.reset)
            for s in sources {
                lines += block(s.section, "· ", "  ", style.cyan)
                lines += block(s.text, "  ", "  ", style.dim)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - live lean

    /// One line: where the first decision leans on the answers so far (the points of the
    /// rules they surely fire), a small bar per option that can still be chosen.
    func lean(scores: [Double], excluded: [Bool], settled: Bool, ascii: Bool) -> String {
        let d = kb.decisions[0]
        let open = d.options.indices.filter { !excluded[$0] }
        let leader = open.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }
        let top = max(open.map { scores[$0] }.max() ?? 0, 1)
        let cross = ascii ? "x" : "✗"
        let texts = d.options.indices.map { o in
            excluded[o] ? "\(d.options[o].value) \(cross)" : "\(d.options[o].value) \(TextReport.plain(scores[o]))"
        }
        let tail = settled ? "  settled" : ""
        var label = d.id + ": "
        func room() -> Int {
            width - 2 - label.count - texts.reduce(0) { $0 + $1.count } - 2 * (texts.count - 1) - open.count - tail.count
        }
        if room() < 2 * open.count { label = "" }
        let barWidth = open.isEmpty ? 0 : max(0, min(10, room() / open.count))
        let glyph = ascii ? "#" : "█"
        let parts = d.options.indices.map { o -> String in
            let name = o == leader ? style.bold + d.options[o].value + style.reset : d.options[o].value
            if excluded[o] { return name + " " + style.dim + cross + style.reset }
            guard barWidth > 0 else { return name + " " + TextReport.plain(scores[o]) }
            let n = scores[o] <= 0 ? 0 : max(1, Int((scores[o] / top * Double(barWidth)).rounded()))
            let bar = String(repeating: glyph, count: n) + String(repeating: " ", count: barWidth - n)
            return name + " " + style.cyan + bar + style.reset + " " + TextReport.plain(scores[o])
        }
        let settledText = settled ? "  " + style.green + "settled" + style.reset : ""
        return "  " + style.dim + label + style.reset + parts.joined(separator: "  ") + settledText + "\n"
    }

    // MARK: - summary

    /// The answers, one line each, defaults marked.
    func summary(_ result: QuestionnaireResult) -> String {
        let idWidth = kb.questions.map(\.id.count).max() ?? 0
        let valueWidth = min(15, kb.questions.indices.map { kb.questions[$0].displayValue(result.answers.values[$0]).count }.max() ?? 0)
        var lines = [style.bold + "Your answers" + style.reset]
        for (q, question) in kb.questions.enumerated() {
            let value = question.displayValue(result.answers.values[q])
            let mark = switch result.origins[q] {
            case .typed: ""
            case .file: "from the answers file"
            case .acceptedDefault: "default"
            case .skipped: "default, not asked (\(question.askWhenText))"
            case .notNeeded: "default, not needed"
            case .unanswered: "default, not answered"
            }
            let id = question.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
            var line = "  \(id)  " + (mark.isEmpty ? value : value.padding(toLength: max(valueWidth, value.count), withPad: " ", startingAt: 0))
            if !mark.isEmpty {
                let room = width - line.count - 2
                let shown = mark.count > room ? String(mark.prefix(max(room - 1, 0))) + "…" : mark
                line += "  " + style.dim + shown + style.reset
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - layout

    /// Words of `text` in lines of at most `width` characters.
    public func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// `text` with every line longer than ``width`` wrapped at spaces, escape codes kept
    /// and not counted; a continued bullet line (`• …`) hangs under its text.
    public func fit(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard Self.visibleCount(line) > width else { return String(line) }
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            let plainBody = Self.stripped(body)
            let hanging = indent + (plainBody.hasPrefix("• ") || plainBody.hasPrefix("· ") ? 2 : 0)
            var lines: [String] = []
            var current = String(repeating: " ", count: indent)
            var currentWidth = indent
            var empty = true
            for word in body.split(separator: " ") {
                let w = Self.visibleCount(word)
                if !empty && currentWidth + 1 + w > width {
                    lines.append(current)
                    current = String(repeating: " ", count: hanging)
                    currentWidth = hanging
                    empty = true
                }
                current += (empty ? "" : " ") + word
                currentWidth += (empty ? 0 : 1) + w
                empty = false
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static func stripped(_ s: Substring) -> String {
        var out = ""
        var inEscape = false
        for c in s {
            if inEscape {
                if c.isLetter { inEscape = false }
            } else if c == "\u{1B}" {
                inEscape = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func visibleCount(_ s: Substring) -> Int { stripped(s).count }

    /// A message of the questionnaire, wrapped, with a blank line before it.
    func message(_ text: String) -> String {
        "\n" + wrap(text, width: width).joined(separator: "\n") + "\n"
    }
}
