import ArgumentParser
import ArchAdvisorCore
import Foundation

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

/// `--kb PATH` and `--rules DIR`, shared by every command.
struct KnowledgeBaseOptions: ParsableArguments {
    @Option(name: .customLong("kb"), help: ArgumentHelp("Knowledge base to use (default: $ARCHADVISOR_KB, else the project's knowledge.sqlite).", valueName: "PATH"), completion: .knowledgeBase)
    var path: String?

    @Option(name: .customLong("rules"), help: ArgumentHelp("""
        Repeatable. A directory with a pack.yaml is an organisation rule pack, layered in the order given over the \
        knowledge base; one without is a rules directory compiled instead of the knowledge base.
        """, valueName: "DIR"), completion: .directory)
    var rules: [String] = []

    /// Loads the knowledge base with the rule packs of `--rules` layered over it, or prints
    /// why not and exits 3 (knowledge base) or 2 (rules that do not compile).
    /// `defaultRules`: a rules directory to compile when `--rules` names none (kb build).
    func load(defaultRules: String? = nil) throws -> KnowledgeBase {
        let bases = rules.filter { !RulePackCompiler.isPack($0) }
        let packs = rules.filter(RulePackCompiler.isPack)
        guard bases.count <= 1 else {
            Terminal.standardError.write("archadvisor: --rules: \(bases.joined(separator: ", ")): expected at most one rules directory (a directory without pack.yaml); rule packs have a pack.yaml\n")
            throw ExitCode(2)
        }
        var kb: KnowledgeBase
        if let base = bases.first ?? defaultRules {
            kb = try compileOrExit(base)
        } else {
            let located = KnowledgeBaseLocator.locate(explicit: path)
            do {
                kb = try KnowledgeStore.load(path: located)
            } catch {
                Terminal.standardError.write("archadvisor: \(error)\n")
                throw ExitCode(3)
            }
        }
        for pack in packs {
            do {
                kb = try RulePackCompiler.layer(directory: URL(fileURLWithPath: pack), over: kb)
            } catch {
                Terminal.standardError.write(error.description + "\n")
                throw ExitCode(2)
            }
        }
        return kb
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
