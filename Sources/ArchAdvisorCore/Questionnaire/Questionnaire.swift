import Foundation

/// The interactive questionnaire: asks the knowledge base's questions one at a time through
/// a ``QuestionnaireConsole``, skips those whose `ask_when` does not hold, and stops as soon
/// as no remaining answer can change any decision (see ``SettlementSearch``).
///
/// On every question the user can type an answer, press Enter for the offered default,
/// `?` for help and the guidance behind the question, or `<` to go back to the previous
/// question asked. Going back keeps later answers as the offered defaults when those
/// questions come up again.
public final class Questionnaire {
    public struct Options: Sendable {
        /// Ask every question whose `ask_when` holds, even when it cannot change anything.
        public var askAll = false
        /// After each answer, show where the first decision leans.
        public var live = false
        public var style = Style(color: false)
        public var width = 80
        /// Search budget of each "can anything still change?" check.
        public var searchBudget = 50_000
        public init(askAll: Bool = false, live: Bool = false, style: Style = Style(color: false), width: Int = 80) {
            self.askAll = askAll
            self.live = live
            self.style = style
            self.width = width
        }
    }

    public let kb: KnowledgeBase
    public let options: Options
    let text: QuestionnaireText
    let search: SettlementSearch

    public init(kb: KnowledgeBase, options: Options = Options()) {
        self.kb = kb
        self.options = options
        text = QuestionnaireText(kb: kb, style: options.style, width: options.width)
        var search = SettlementSearch(kb: kb)
        search.budget = options.searchBudget
        self.search = search
    }

    /// Runs the questionnaire. The provided answers of `starting` (an answers file being
    /// resumed) are kept and not asked.
    public func run(_ console: QuestionnaireConsole, starting: AnswerSet? = nil) -> QuestionnaireResult {
        var state = FlowState(kb: kb, starting: starting)
        let n = kb.questions.count
        while true {
            state.skipForward()
            if state.position == n { return finish(state, .completed, console) }
            if !options.askAll {
                if case .settled = search.check(state.partial) {
                    state.finishEarly()
                    return finish(state, .stoppedEarly(notNeeded: state.notNeeded), console)
                }
                if !search.bounds.relevantQuestions(state.partial)[state.position] {
                    state.skipNotNeeded(state.position)
                    continue
                }
            }
            let q = state.position
            switch ask(q, state: state, console) {
            case .answered(let value, let origin):
                state.answer(q, value, origin)
                if options.live, !kb.decisions.isEmpty, let lean = search.bounds.lean(decision: 0, state.partial) {
                    let settled = search.bounds.settlements(state.partial)[0].isSettled
                    console.write(text.lean(scores: lean.scores, excluded: lean.excluded, settled: settled, ascii: !console.isInteractive))
                }
            case .back:
                state.back()
            case .interrupted:
                return state.result(.interrupted)
            case .endOfInput:
                return state.result(.endOfInput)
            }
        }
    }

    /// Says how many questions were not needed, and gives the result.
    func finish(_ state: FlowState, _ ending: QuestionnaireResult.Ending, _ console: QuestionnaireConsole) -> QuestionnaireResult {
        let n = state.notNeeded
        let questions = n == 1 ? "1 question" : "\(n) questions"
        if case .stoppedEarly = ending {
            console.write(text.message("No remaining answer can change the recommendation: \(questions) not needed (--all asks everything)."))
        } else if n > 0 {
            console.write(text.message("\(questions) not asked: no answer to \(n == 1 ? "it" : "them") could change the recommendation (--all asks everything)."))
        }
        return state.result(ending)
    }

    enum Step {
        case answered(Int, AnswerOrigin)
        case back
        case interrupted
        case endOfInput
    }

    /// Asks question `q` until it gets an answer, a step back, or the input stops.
    func ask(_ q: Int, state: FlowState, _ console: QuestionnaireConsole) -> Step {
        let question = kb.questions[q]
        let (offered, offeredOrigin) = state.offered(q)
        let canGoBack = !state.history.isEmpty
        let interactive = console.isInteractive
        if interactive {
            console.write(text.question(q, offered: offered, canGoBack: canGoBack) + text.prompt())
        } else {
            console.write(text.line(q, offered: offered))
        }
        while true {
            let line: String
            switch console.readLine(for: .question(question.id)) {
            case .interrupted: return .interrupted
            case .endOfInput: return .endOfInput
            case .line(let l): line = l
            }
            let input = AnswerInput.parse(line, for: question)
            if !interactive {
                switch input {
                case .useDefault: console.write(question.displayValue(offered) + "\n")
                case .value(let v): console.write(question.displayValue(v) + "\n")
                default: console.write(line.trimmingCharacters(in: .whitespaces) + "\n")
                }
            } else {
                // What the typed text was taken as (a number, a prefix, a label, Enter).
                switch input {
                case .useDefault: console.write(text.echo(question.displayValue(offered)))
                case .value(let v): console.write(text.echo(question.displayValue(v)))
                default: break
                }
            }
            switch input {
            case .useDefault: return .answered(offered, offeredOrigin)
            case .value(let v): return .answered(v, .typed)
            case .back where canGoBack: return .back
            case .back: console.write(text.problem("this is the first question asked; there is nothing to go back to"))
            case .help: console.write(text.help(q))
            case .invalid(let reason): console.write(text.problem(reason))
            }
            console.write(interactive ? text.header(q) + "\n" + text.prompt() : text.line(q, offered: offered))
        }
    }
}

/// Where an answer in a ``QuestionnaireResult`` came from.
public enum AnswerOrigin: Sendable, Equatable {
    /// The answers file being resumed.
    case file
    /// Typed by the user.
    case typed
    /// The user pressed Enter on the default.
    case acceptedDefault
    /// Not asked: its `ask_when` did not hold; the default.
    case skipped
    /// Not asked: no answer could change any decision; the default.
    case notNeeded
    /// Not reached (the questionnaire was interrupted); the default.
    case unanswered

    /// Whether the answer was given (and belongs in a saved answers file).
    public var isGiven: Bool { self == .file || self == .typed || self == .acceptedDefault }
}

/// What a questionnaire run gave.
public struct QuestionnaireResult: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        /// Every question was asked or skipped by its `ask_when`.
        case completed
        /// Stopped early: no remaining answer could change any decision. `notNeeded`
        /// questions in all were left at their defaults for that reason.
        case stoppedEarly(notNeeded: Int)
        /// Ctrl-C part-way.
        case interrupted
        /// The input ended part-way.
        case endOfInput
    }

    public var ending: Ending
    /// Every answer; `provided` marks the given ones (what an answers file keeps).
    public var answers: AnswerSet
    public var origins: [AnswerOrigin]
    /// The questions asked, each once, in the order first asked.
    public var asked: [Int]

    /// Whether the questionnaire reached its end (completed or stopped early).
    public var isFinished: Bool {
        switch ending {
        case .completed, .stoppedEarly: true
        case .interrupted, .endOfInput: false
        }
    }

    /// Questions left at their default because no answer to them could change a decision.
    public var notNeeded: Int { origins.filter { $0 == .notNeeded }.count }
}
