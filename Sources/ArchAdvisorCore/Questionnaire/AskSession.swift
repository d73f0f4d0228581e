/// `archadvisor ask` from start to end: the questionnaire, then the answers summary and the
/// recommendation (the same table as `evaluate`), then saving the answers. Part-way
/// endings (Ctrl-C, end of input) save what was given so far and say how to continue.
///
/// Talks only through a ``QuestionnaireConsole`` and an ``AnswerFileStore``; the command
/// line maps ``Result/exitCode`` to the process exit code.
public struct AskSession {
    public struct Options: Sendable {
        public var questionnaire: Questionnaire.Options
        /// `--save FILE`: where the answers go (never overwritten without confirmation).
        public var savePath: String?
        /// Where part-way answers go without `--save`: the first that can be written.
        public var resumePaths: [String] = ["archadvisor-resume.json"]
        /// The file name offered when asking where to save on a terminal.
        public var suggestedSaveName = "archadvisor-answers.json"
        /// `--answers FILE`: the file the starting answers came from. Without `--save`,
        /// the end offers to update it (on a terminal, after a yes; otherwise the answers
        /// go to a fresh name beside it).
        public var answersPath: String?
        /// Keys of that file the answers do not keep (`x-…`, `$schema`), named when
        /// offering to update it.
        public var answersFileExtraKeys: [String] = []
        public init(questionnaire: Questionnaire.Options = .init(), savePath: String? = nil) {
            self.questionnaire = questionnaire
            self.savePath = savePath
        }
    }

    /// How a session ended.
    public enum Status: Sendable, Equatable {
        /// Finished; the answers were saved to the path, or not saved (nil) as the user chose.
        case finished(savedTo: String?)
        /// Finished, but the answers could not be saved anywhere.
        case saveFailed
        /// Ctrl-C part-way; the answers so far went to the path (nil: nowhere writable).
        case interrupted(savedTo: String?)
        /// The input ended part-way.
        case endOfInput(savedTo: String?)
    }

    public struct Result: Sendable, Equatable {
        public var status: Status
        public var questionnaire: QuestionnaireResult
        /// 0 finished; 2 the input ended part-way or nothing could be saved; 130 Ctrl-C.
        public var exitCode: Int32 {
            switch status {
            case .finished: 0
            case .saveFailed, .endOfInput: 2
            case .interrupted: 130
            }
        }
    }

    /// Exit code of an interrupted session (128 + SIGINT, as shells report it).
    public static let interruptedExitCode: Int32 = 130
    /// Exit code when the input ends before the last question.
    public static let endOfInputExitCode: Int32 = 2

    public let kb: KnowledgeBase
    public let options: Options
    let text: QuestionnaireText

    public init(kb: KnowledgeBase, options: Options) {
        self.kb = kb
        self.options = options
        text = QuestionnaireText(kb: kb, style: options.questionnaire.style, width: options.questionnaire.width)
    }

    /// Runs the whole session, resuming from `starting` when given.
    public func run(console: QuestionnaireConsole, files: AnswerFileStore, starting: AnswerSet? = nil) -> Result {
        if let starting, let path = options.answersPath {
            let n = starting.provided.filter { $0 }.count
            console.note(text.message("Loaded \(n) answer\(n == 1 ? "" : "s") from \(path); asking only what \(n == 1 ? "it does" : "they do") not answer."))
        }
        let q = Questionnaire(kb: kb, options: options.questionnaire).run(console, starting: starting)
        var saver = AnswerSaver(console: console, files: files, text: text, options: options)
        saver.startingJSON = starting.map { $0.json(in: kb) + "\n" }
        let json = q.answers.json(in: kb) + "\n"
        switch q.ending {
        case .interrupted, .endOfInput:
            let given = q.origins.filter(\.isGiven).count
            let why = q.ending == .interrupted ? "Interrupted" : "The input ended"
            console.write("\n" + text.message("\(why) with \(given) of \(kb.questions.count) answers given."))
            let path = saver.savePartial(json)
            let status: Status = q.ending == .interrupted ? .interrupted(savedTo: path) : .endOfInput(savedTo: path)
            return Result(status: status, questionnaire: q)
        case .completed, .stoppedEarly:
            let evaluation = Evaluator(kb: kb).evaluate(q.answers)
            console.write("\n" + text.summary(q) + "\n")
            let table = TextReport(kb: kb, style: options.questionnaire.style).table(input: "Recommendation", outcome: .evaluated(evaluation))
            console.write(text.fit(table) + "\n")
            console.write(whatIf(q.answers))
            return Result(status: saver.saveFinished(json), questionnaire: q)
        }
    }

    /// What would change the architecture decision, as the end of the recommendation.
    func whatIf(_ answers: AnswerSet) -> String {
        let changes = WhatIf(kb: kb).changes(for: answers, decision: 0)
        guard !changes.isEmpty else { return "" }
        let lines = WhatIfText(kb: kb, style: options.questionnaire.style)
        var out = "\nWhat would change the architecture:\n"
        // The nearest change to each alternative first.
        var shown: [WhatIf.Change] = []
        for target in kb.decisions[0].options.indices {
            shown += changes.filter { $0.to == target }.prefix(3)
        }
        for c in shown { out += "  • " + lines.line(c, answers: answers) + "\n" }
        return text.fit(out)
    }

    /// Offers to scaffold a starter project: asks yes/no, says which `services` it will
    /// have (when given: `because` says why), asks the project name (checked by
    /// `validateName`, which returns the problem or nil) and the directory. Nil when
    /// declined or the input ends.
    public func offerScaffold(console: QuestionnaireConsole, defaultName: String = "backend",
                              services: [String] = [], because: String? = nil,
                              validateName: (String) -> String?) -> (name: String, directory: String)? {
        console.write(text.message("Scaffold a starter project for this recommendation? [y/N]"))
        guard case .line(let yes) = console.readLine(for: .scaffoldConfirm),
              ["y", "yes"].contains(yes.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
        if !services.isEmpty {
            let why = because.map { " (\($0))" } ?? ""
            console.write(text.message("It will have \(services.count) service\(services.count == 1 ? "" : "s")\(why): \(services.joined(separator: ", ")). To name them yourself, run archadvisor scaffold with --service NAME for each."))
        }
        var name = defaultName
        while true {
            console.write("Project name [\(defaultName)]: ")
            guard case .line(let line) = console.readLine(for: .scaffoldName) else { return nil }
            let given = line.trimmingCharacters(in: .whitespaces)
            name = given.isEmpty ? defaultName : given
            if let problem = validateName(name) {
                console.write(text.message(problem))
                continue
            }
            break
        }
        console.write("Directory [./\(name)]: ")
        guard case .line(let line) = console.readLine(for: .scaffoldDirectory) else { return nil }
        let dir = line.trimmingCharacters(in: .whitespaces)
        return (name, dir.isEmpty ? name : dir)
    }

    /// `name-2.json`, `name-3.json`, …: the first that does not exist.
    public static func freshName(for path: String, exists: (String) -> Bool) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let dot = path[slash...].lastIndex(of: ".").flatMap { $0 > slash ? $0 : nil } ?? path.endIndex
        let stem = path[..<dot], ext = path[dot...]
        var n = 2
        while exists("\(stem)-\(n)\(ext)") { n += 1 }
        return "\(stem)-\(n)\(ext)"
    }
}
