import ArgumentParser
import ArchAdvisorCore
import ArchAdvisorScaffold
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer the questions one at a time and get a recommendation with its reasons.",
        discussion: """
        Type an answer, or press Enter for the default shown; choices by number, name or \
        the label shown (e.g. "well understood"); the value taken is shown after each \
        answer. ? shows the help and the guidance behind a question, < (or back) returns \
        to the previous question. Questions that cannot change any decision are not asked \
        (--all asks them). Without a terminal, one line is read per question and an \
        empty line takes the default.

        At the end: a summary of the answers, the recommendation, and the answers saved \
        to --save FILE (or a name asked for on a terminal). An existing file is only \
        overwritten after confirmation; without a terminal a fresh name is used. With \
        --answers FILE (and no --save), it offers to update FILE; without a terminal \
        FILE is kept and the answers go to a fresh name beside it.

        Ctrl-C or the end of input part-way saves the answers given so far to --save FILE \
        or to archadvisor-resume.json (the path is printed); continue with --answers.

        Exit codes: 0 done; 2 bad flags or answers file, the input ended before the last \
        question, or the answers could not be saved; 3 knowledge base missing or \
        unreadable; 130 interrupted with Ctrl-C (SIGINT).
        """
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Save the answers to FILE (also the answers so far when interrupted).", valueName: "FILE"), completion: .answerFile)
    var save: String?

    @Option(help: ArgumentHelp("Continue from an answers file: ask only what it does not answer.", valueName: "FILE"), completion: .answerFile)
    var answers: String?

    @Flag(help: "Ask every question, even those that can no longer change the recommendation.")
    var all = false

    @Flag(help: "After each answer, show where the architecture decision leans.")
    var live = false

    @Flag(name: .customLong("no-scaffold"), help: "Do not offer to scaffold a starter project at the end.")
    var noScaffold = false

    func run() throws {
        let kb = try kbOptions.load()
        let starting = try answers.map { try AnswerFileArgument.read($0, kb: kb) }
        let console = TerminalConsole()
        var questionnaire = Questionnaire.Options(askAll: all, live: live, width: console.width)
        if console.isInteractive { questionnaire.style = output.style() }
        var options = AskSession.Options(questionnaire: questionnaire, savePath: save)
        options.resumePaths = ["archadvisor-resume.json", NSTemporaryDirectory() + "archadvisor-resume.json"]
        if let answers, answers != "-" {
            options.answersPath = answers
            options.answersFileExtraKeys = AnswerFileKeys.unkept(in: answers)
        }
        SignalFlag.install()
        defer { SignalFlag.restore() }
        let session = AskSession(kb: kb, options: options)
        let result = session.run(console: console, files: DiskAnswerFiles(), starting: starting)
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
        // The scaffold offer: only to a person at a terminal, and the same code as `scaffold`.
        guard console.isInteractive, !noScaffold else { return }
        let validate: (String) -> String? = { name in
            ScaffoldNames.problem(with: name).map { problem in
                "\"\(name)\" is not a valid project name: \(problem)" + (ScaffoldNames.suggestion(for: name).map { "; did you mean \"\($0)\"?" } ?? "")
            }
        }
        // One service per planned service (service_count), named by default past three.
        let serviceCount = kb.questionIndex["service_count"].map { result.questionnaire.answers.values[$0] } ?? 0
        let services = ScaffoldNames.proposedServices(count: serviceCount)
        let because = serviceCount > ScaffoldNames.maxProposedServices
            ? "service_count is \(serviceCount); the first \(ScaffoldNames.maxProposedServices) are named"
            : serviceCount > ScaffoldNames.defaultServices.count ? "one per service_count" : nil
        if let (name, directory) = session.offerScaffold(console: console, services: services, because: because, validateName: validate) {
            try ScaffoldRunner.run(kb: kb, answers: result.questionnaire.answers, name: name, out: directory, services: services)
        }
    }
}

/// Keys of an answers file that the answers written back do not keep.
enum AnswerFileKeys {
    /// `$schema` and the `x-…` keys of the JSON object in `path`, sorted.
    static func unkept(in path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return object.keys.filter { $0 == "$schema" || $0.hasPrefix("x-") }.sorted()
    }
}

/// Ctrl-C while reading: the handler only records it; the interrupted read() returns
/// EINTR (no SA_RESTART) and the console reports `.interrupted`.
enum SignalFlag {
    nonisolated(unsafe) static var received: sig_atomic_t = 0
    nonisolated(unsafe) static var previous = sigaction()

    static func install() {
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = { _ in SignalFlag.received = 1 }
        #else
        action.__sigaction_u.__sa_handler = { _ in SignalFlag.received = 1 }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, &previous)
        // A parent may have left SIGINT blocked (the mask survives exec): Ctrl-C must work.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func restore() { sigaction(SIGINT, &previous, nil) }
}

/// The questionnaire's console on stdin/stdout: a person at a terminal, or a pipe.
final class TerminalConsole: QuestionnaireConsole {
    let isInteractive = Terminal.isTerminal(0)
    private var buffer: [UInt8] = []
    private var ended = false

    /// Columns of the terminal (80 at most; 80 when unknown).
    var width: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return min(Int(size.ws_col), 80) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return min(c, 80) }
        return 80
    }

    func write(_ text: String) { Terminal.standardOutput.write(text) }

    /// Without a terminal, notes go to stderr: stdout stays one line per question.
    func note(_ text: String) { (isInteractive ? Terminal.standardOutput : Terminal.standardError).write(text) }

    func readLine(for prompt: ConsolePrompt) -> ConsoleInput {
        while true {
            if SignalFlag.received != 0 { return .interrupted }
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return .line(decode(line))
            }
            if ended {
                guard !buffer.isEmpty else { return .endOfInput }
                defer { buffer.removeAll() }
                return .line(decode(buffer[...]))
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer += chunk[..<n]
            } else if n == 0 {
                ended = true
            } else if errno != EINTR {
                ended = true
            }
        }
    }

    private func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var s = String(decoding: bytes, as: UTF8.self)
        if s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}

/// Answers files on disk; a file that exists is never replaced unless asked to.
final class DiskAnswerFiles: AnswerFileStore {
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func write(_ text: String, to path: String, overwrite: Bool) throws(AnswerFileStoreError) {
        let flags = O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o644)
        if fd < 0 {
            if errno == EEXIST { throw .exists }
            throw .cannotWrite(String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(String(cString: strerror(errno)))
            }
            offset += n
        }
    }
}
