import ArgumentParser
import ArchAdvisorCore
import Foundation

struct KB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "Build, test and inspect the knowledge base.",
        subcommands: [Build.self, Test.self, Show.self, Schema.self, Scenarios.self]
    )

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build", abstract: "Compile rules/ into a knowledge base (SQLite).",
            discussion: """
            --rules DIR names the rules directory (default: rules/ beside the project's knowledge base); \
            repeat it with rule packs (directories with a pack.yaml) to layer them over the rules, in order.
            """)

        @Option(help: ArgumentHelp("Where to write it (default: the knowledge base --kb would use).", valueName: "FILE"), completion: .knowledgeBase)
        var output: String?

        @OptionGroup var kbOptions: KnowledgeBaseOptions

        func run() throws {
            let projectKB = KnowledgeBaseLocator.locate(explicit: kbOptions.path)
            let target = output ?? projectKB
            // The rules beside the project's knowledge base, wherever the output goes.
            let kb = try kbOptions.load(defaultRules: URL(fileURLWithPath: projectKB).deletingLastPathComponent().appendingPathComponent("rules").path)
            do {
                try KnowledgeStore.write(kb, to: target)
            } catch {
                Terminal.standardError.write("archadvisor: \(target): cannot write the knowledge base: \(error)\n")
                throw ExitCode(2)
            }
            func count(_ n: Int, _ noun: String, _ plural: String? = nil) -> String { "\(n) \(n == 1 ? noun : plural ?? noun + "s")" }
            Terminal.standardOutput.write("wrote \(target): \(count(kb.questions.count, "question")), \(count(kb.decisions.count, "decision")), \(count(kb.rules.count, "rule")), \(count(kb.sources.count, "source")), \(count(kb.scenarios.count, "scenario")), \(count(kb.templates.count, "template")) (sources \(kb.sourceHash.prefix(12)))"
                + kb.packs.map { p in
                    let rules = kb.rules.filter { $0.pack == p.id }.count, overrides = kb.rules.filter { $0.override?.pack == p.id }.count
                    let policies = kb.policies.filter { $0.pack == p.id }.count
                    return "\n  rule pack \(p.id) (\(p.title), owner \(p.owner)): \(count(rules, "rule")), \(count(overrides, "override")), \(count(policies, "policy", "policies"))"
                }.joined() + "\n")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "Run the scenario tests (rules/scenarios): answers in, expected choices out.",
            discussion: """
            --rules DIR compiles and tests a rules directory instead of the knowledge base's scenarios; with rule packs \
            (directories with a pack.yaml) it runs each pack's scenarios over the layered rules. The guidance's own \
            scenarios are run too: one a pack decides differently is listed as CHANGED, and fails nothing (it tests \
            the guidance alone).
            """)

        @OptionGroup var kbOptions: KnowledgeBaseOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let kb = try kbOptions.load()
            let style = output.style()
            let results = ScenarioRunner(kb: kb).run()
            var changed = 0
            for r in results {
                let from = r.scenario.pack.map { " [rule pack \($0)]" } ?? ""
                if r.passed {
                    Terminal.standardOutput.write("\(style.green)PASS\(style.reset) \(r.scenario.name)\(from)\n")
                } else if kb.hasPacks && r.scenario.pack == nil {
                    changed += 1
                    Terminal.standardOutput.write("\(style.yellow)CHANGED\(style.reset) \(r.scenario.name) (\(r.scenario.location)): the rule packs decide differently from the guidance alone\n")
                    for f in r.failures { Terminal.standardOutput.write("       \(f)\n") }
                } else {
                    Terminal.standardOutput.write("\(style.red)FAIL\(style.reset) \(r.scenario.name)\(from) (\(r.scenario.location))\n")
                    for f in r.failures { Terminal.standardOutput.write("       \(f)\n") }
                }
            }
            let failed = results.filter { !$0.passed }.count - changed
            Terminal.standardOutput.write("scenarios: \(results.count - failed - changed) passed, \(failed) failed"
                + (kb.hasPacks ? ", \(changed) of the guidance's changed by the rule packs" : "") + "\n")
            if results.isEmpty {
                Terminal.standardError.write("archadvisor: the knowledge base has no scenarios; add some to rules/scenarios\n")
                throw ExitCode(1)
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "List questions, decisions and rules; --coverage: every recommendation of the guidance with the rules that cite it.")

        @Option(help: "table or json.")
        var format: ShowFormat = .table

        @Flag(help: "Show guidance coverage instead.")
        var coverage = false

        @Flag(help: "Show every threshold and where it comes from (the guidance, or archadvisor's calibration), and the weights.")
        var assumptions = false

        @OptionGroup var kbOptions: KnowledgeBaseOptions
        @OptionGroup var output: OutputOptions

        enum ShowFormat: String, ExpressibleByArgument { case table, json }

        func run() throws {
            let kb = try kbOptions.load()
            let listing = KnowledgeListing(kb: kb)
            if assumptions {
                let text = AssumptionsText(kb: kb)
                Terminal.standardOutput.write(format == .json ? text.json() : text.text(style: output.style()))
            } else if coverage {
                Terminal.standardOutput.write(listing.coverage(style: output.style(), json: format == .json))
                if !listing.uncovered.isEmpty { throw ExitCode(1) }
            } else {
                Terminal.standardOutput.write(format == .json ? listing.json() : listing.text(style: output.style()))
            }
        }
    }

    struct Scenarios: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scenarios",
            abstract: "Write each scenario's answers as an answer file (NAME.json) into DIR, for tools that check answer files.",
            discussion: "An existing file is never replaced (exit 2)."
        )
        @Argument(help: "The directory to write into (created when missing).", completion: .directory)
        var dir: String
        @OptionGroup var kbOptions: KnowledgeBaseOptions
        func run() throws {
            let kb = try kbOptions.load()
            let fm = FileManager.default
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                Terminal.standardError.write("archadvisor: \(dir): cannot create the directory: \(error.localizedDescription)\n")
                throw ExitCode(2)
            }
            for s in kb.scenarios {
                let path = URL(fileURLWithPath: dir).appendingPathComponent(s.name + ".json").path
                guard !fm.fileExists(atPath: path) else {
                    Terminal.standardError.write("archadvisor: \(path): exists; expected a directory without the scenario files (nothing is overwritten)\n")
                    throw ExitCode(2)
                }
                guard fm.createFile(atPath: path, contents: Data((s.answers + "\n").utf8)) else {
                    Terminal.standardError.write("archadvisor: \(path): cannot write\n")
                    throw ExitCode(2)
                }
            }
            Terminal.standardOutput.write("wrote \(kb.scenarios.count) answer files to \(dir)\n")
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print a JSON Schema for answer files (or, with --check, for `check --format json`), generated from the knowledge base.")
        @OptionGroup var kbOptions: KnowledgeBaseOptions
        @Flag(help: "The schema of `archadvisor check --format json` instead.")
        var check = false
        func run() throws {
            let kb = try kbOptions.load()
            Terminal.standardOutput.write(check ? CheckReportSchema.render(kb) : AnswerSchema.render(kb))
        }
    }
}

/// Compiles a rules directory, printing every diagnostic and exiting 2 on failure.
func compileOrExit(_ directory: String) throws -> KnowledgeBase {
    do {
        return try RulesCompiler.compile(directory: URL(fileURLWithPath: directory))
    } catch {
        Terminal.standardError.write(error.description + "\n")
        throw ExitCode(2)
    }
}
