import ArgumentParser
import ArchAdvisorCore

struct Archadvisor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archadvisor",
        abstract: "Decide how to build a backend: modular monolith, microservices or a service mesh, with the reasons.",
        discussion: """
        Exit codes: 0 success; 1 a --fail-on policy failed; 2 bad input or flags; 3 knowledge \
        base missing, corrupt or of an unsupported schema; 4 scaffold refused.
        """,
        version: "0.1.0",
        subcommands: [Ask.self, Evaluate.self, Explain.self, WhatIfCommand.self, Scaffold.self, Recheck.self, Check.self, KB.self]
    )
}

/// `--kb PATH`, shared by every command.
struct KnowledgeBaseOptions: ParsableArguments {
    @Option(name: .customLong("kb"), help: ArgumentHelp("Knowledge base to use (default: $ARCHADVISOR_KB, else the project's knowledge.sqlite).", valueName: "PATH"), completion: .knowledgeBase)
    var path: String?

    /// Loads the knowledge base, or prints why not and exits 3.
    func load() throws -> KnowledgeBase {
        let located = KnowledgeBaseLocator.locate(explicit: path)
        do {
            return try KnowledgeStore.load(path: located)
        } catch {
            Terminal.standardError.write("archadvisor: \(error)\n")
            throw ExitCode(3)
        }
    }
}

/// What shell completion offers for the paths the commands take.
extension CompletionKind {
    /// One answers file.
    static let answerFile = CompletionKind.file(extensions: ["json"])
    /// Inputs of `evaluate`: answers files and JSON Lines.
    static let answerInputs = CompletionKind.file(extensions: ["json", "jsonl"])
    /// A knowledge base.
    static let knowledgeBase = CompletionKind.file(extensions: ["sqlite"])
}

/// Colour and terminal detection.
struct OutputOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never use colour (also: NO_COLOR).")
    var noColor = false

    func style(forStandardError: Bool = false) -> Style {
        Style(color: !noColor && Terminal.colorAllowed(fd: forStandardError ? 2 : 1))
    }
}
