/// Where the questionnaire writes and reads. The library never prints: the command line
/// gives it a terminal console, tests give it a scripted one.
public protocol QuestionnaireConsole: AnyObject {
    /// Whether a person types at a terminal (input is echoed by the terminal, prompts may
    /// span lines). False for a pipe: one line per question, no escape codes.
    var isInteractive: Bool { get }
    /// Writes text as is (it may hold the escape codes of the ``Style`` in use).
    func write(_ text: String)
    /// Writes a note about the session rather than a question or an answer (how many
    /// answers were loaded): with the rest by default; a console for scripts may send it
    /// where the transcript is not (stderr).
    func note(_ text: String)
    /// Reads one line, without its line ending. `prompt` says what the line answers (the
    /// prompt text itself was written just before): a scripted console answers by it.
    func readLine(for prompt: ConsolePrompt) -> ConsoleInput
}

extension QuestionnaireConsole {
    public func note(_ text: String) { write(text) }
}

/// What a line read from the console answers.
public enum ConsolePrompt: Sendable, Equatable {
    /// The question with this id.
    case question(String)
    /// Where to save the answers (a file name, or "no").
    case saveName
    /// Whether to overwrite the file at this path (y or n); also whether to update the
    /// answers file the session started from.
    case overwrite(String)
    /// Whether to scaffold a starter project (y or n).
    case scaffoldConfirm
    /// The project name for the scaffold.
    case scaffoldName
    /// The directory to scaffold into.
    case scaffoldDirectory
}

/// One read from a console.
public enum ConsoleInput: Sendable, Equatable {
    case line(String)
    /// The input ended (Ctrl-D, or the pipe closed).
    case endOfInput
    /// The user pressed Ctrl-C (SIGINT).
    case interrupted
}

/// Where answers are saved. The command line writes files; tests keep them in memory.
public protocol AnswerFileStore: AnyObject {
    func exists(_ path: String) -> Bool
    /// Writes `text` to `path`; with `overwrite` false, fails with
    /// ``AnswerFileStoreError/exists`` rather than replace a file.
    func write(_ text: String, to path: String, overwrite: Bool) throws(AnswerFileStoreError)
}

/// Why an answers file could not be written.
public enum AnswerFileStoreError: Error, Equatable, CustomStringConvertible {
    case exists
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .exists: "the file exists"
        case .cannotWrite(let reason): reason
        }
    }
}
