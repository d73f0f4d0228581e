import ArgumentParser
import ArchAdvisorCore
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain each decision rule by rule: what fired, with why and source, and what did not fire but would have changed it."
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An answer file (.json), or - for stdin.")
    var file: String

    func run() throws {
        let kb = try kbOptions.load()
        let answers = try AnswerFile.read(file, kb: kb)
        let explainer = Explainer(kb: kb)
        let style = output.style()
        let text = explainer.render(explainer.explain(answers), input: file, style: style)
        Terminal.standardOutput.write(QuestionnaireText(kb: kb, style: style, width: Terminal.width).fit(text))
    }
}

/// Reading one answer file for the single-file commands; problems go to stderr, exit 2.
enum AnswerFile {
    static func read(_ path: String, kb: KnowledgeBase) throws -> AnswerSet {
        let name = path == "-" ? "stdin" : path
        let bytes: [UInt8]
        if path == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                return try fail(name, [AnswerProblem(key: nil, message: "cannot read: no such file")])
            }
            if isDir.boolValue { return try fail(name, [AnswerProblem(key: nil, message: "is a directory; expected an answers file (.json)")]) }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size > RecordReader.maxFile {
                return try fail(name, [AnswerProblem(key: nil, message: "too large (\(size >> 20) MiB); an answer file may be at most \(RecordReader.maxFile >> 20) MiB")])
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                return try fail(name, [AnswerProblem(key: nil, message: "cannot read: permission denied")])
            }
            bytes = Array(data)
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return try fail(name, [AnswerProblem(key: nil, message: "the file is empty; expected a JSON object of answers")])
        }
        switch AnswerReader(kb: kb).read(bytes) {
        case .success(let answers): return answers
        case .failure(let problems): return try fail(name, problems)
        }
    }

    private static func fail(_ name: String, _ problems: [AnswerProblem]) throws -> AnswerSet {
        for p in problems { Terminal.standardError.write("archadvisor: \(name): \(p)\n") }
        throw ExitCode(2)
    }
}
