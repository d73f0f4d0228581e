import Foundation
import Testing
import TestSupport

/// What `--help` says about the formats, and what shell completion offers for file
/// arguments.
@Suite struct HelpAndCompletionTests {
    @Test func evaluateHelpListsEveryFormatOnOneLineEach() throws {
        let r = try CLI.run(["evaluate", "--help"], environment: ["COLUMNS": "80"])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdoutLines
        let formats = ["table", "json", "csv", "markdown", "adr", "mermaid"]
        for format in formats {
            let matching = lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix(format + " ") && $0.contains(" - ") }
            #expect(matching.count == 1, "\(format): \(matching)")
            guard let line = matching.first, let index = lines.firstIndex(of: line) else { continue }
            // One line: the next line is the next format, or the next option.
            let next = lines[index + 1].trimmingCharacters(in: .whitespaces)
            #expect(formats.contains { next.hasPrefix($0 + " ") } || next.hasPrefix("--"), "\(format) continues on: \(next)")
            #expect(line.split(separator: "-", maxSplits: 1).last.map { $0.count > 10 } == true, "\(format) says what it is")
        }
        let text = lines.joined(separator: " ").replacingOccurrences(of: "  +", with: " ", options: .regularExpression)
        #expect(text.contains("json prints JSON Lines: one object per line"), "\(r)")
        #expect(text.contains("MADR 4.0"))
        #expect(text.contains("Mermaid flowchart"))
    }

    /// Shell completion offers files of the right kind, or directories, wherever a path
    /// goes: bash's completion of the generated script, run in a directory of samples.
    @Test(arguments: [
        ("archadvisor evaluate ", "a.json b.jsonl sub"),
        ("archadvisor evaluate a.json ", "a.json b.jsonl sub"),
        ("archadvisor explain ", "a.json sub"),
        ("archadvisor whatif ", "a.json sub"),
        ("archadvisor ask --save ", "a.json sub"),
        ("archadvisor ask --answers ", "a.json sub"),
        ("archadvisor ask --kb ", "kb.sqlite sub"),
        ("archadvisor scaffold --answers ", "a.json sub"),
        ("archadvisor scaffold --out ", "sub"),
        ("archadvisor recheck ", "sub"),
        ("archadvisor kb build --rules ", "sub"),
        ("archadvisor kb build --output ", "kb.sqlite sub"),
        ("archadvisor kb test --rules ", "sub"),
    ])
    func bashCompletesPaths(_ line: String, _ expected: String) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-completion")
        defer { dir.remove() }
        for name in ["a.json", "b.jsonl", "c.txt", "kb.sqlite"] { _ = try dir.write(name, "") }
        try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: false)
        let script = try CLI.run(["--generate-completion-script", "bash"])
        #expect(script.status == 0, "\(script)")
        let scriptPath = try dir.write("completion.bash", script.stdout)
        // What bash does on Tab after `line`: the completion function fills COMPREPLY.
        let driver = #"""
            source "$SCRIPT"
            read -ra COMP_WORDS <<< "$LINE"; COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$LINE"; COMP_POINT=${#COMP_LINE}
            _archadvisor archadvisor "" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}" | grep -v completion.bash | sort | tr '\n' ' '
            """#
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-c", driver]
        bash.currentDirectoryURL = dir.url
        var env = ProcessInfo.processInfo.environment
        env["LINE"] = line
        env["SCRIPT"] = scriptPath
        env["PATH"] = (CLI.binary?.deletingLastPathComponent().path ?? "") + ":" + (env["PATH"] ?? "")
        bash.environment = env
        let out = Pipe()
        bash.standardOutput = out
        try bash.run()
        let offered = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bash.waitUntilExit()
        #expect(offered.trimmingCharacters(in: .whitespaces) == expected, "\(line)")
    }

    /// zsh: `_files` with the answers files' extensions, or `_files -/` for a directory.
    @Test(arguments: [
        ("ask", "'--save[", "*.json"), ("ask", "'--answers[", "*.json"), ("ask", "'--kb[", "*.sqlite"),
        ("evaluate", "'*:inputs:", "*.json *.jsonl"), ("explain", "':file:", "*.json"),
        ("scaffold", "'--answers[", "*.json"), ("scaffold", "'--out[", "/"), ("recheck", "':dir:", "/"),
        ("build", "'*--rules[", "/"), ("build", "'--output[", "*.sqlite"), ("test", "'*--rules[", "/"),
    ])
    func zshCompletesPaths(_ command: String, _ spec: String, _ pattern: String) throws {
        let r = try CLI.run(["--generate-completion-script", "zsh"])
        #expect(r.status == 0, "\(r)")
        let function = try #require(Self.zshFunction(r.stdout, command), "no completion function for \(command)")
        let line = try #require(function.first { $0.contains(spec) }, "\(command) \(spec) not in its completion")
        if pattern == "/" {
            #expect(line.hasSuffix(":_files -/'"), "\(line)")
        } else {
            #expect(line.hasSuffix(#":_files -g '\''"# + pattern + #"'\'''"#), "\(line)")
        }
    }

    /// The lines of the zsh function `_archadvisor_…_COMMAND`.
    static func zshFunction(_ script: String, _ command: String) -> [String]? {
        let lines = script.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("_archadvisor") && $0.hasSuffix("_\(command)() {") }) else { return nil }
        let end = lines[start...].firstIndex(of: "}") ?? lines.endIndex
        return Array(lines[start..<end])
    }
}
