import Foundation

/// The files of a `rules/` directory, read and hashed.
public struct RulesFiles: Sendable {
    public struct File: Sendable {
        /// Path shown in diagnostics: the rules directory as given, then the file.
        public var displayPath: String
        /// Path stored in the knowledge base (`rules/rules/mesh.yaml`): independent of
        /// where the project is checked out, so the same rules give the same database.
        public var storedPath: String
        public var text: String
        public init(displayPath: String, storedPath: String? = nil, text: String) {
            self.displayPath = displayPath
            self.storedPath = storedPath ?? displayPath
            self.text = text
        }
    }

    public var root: String
    public var questions: File?
    public var decisions: File?
    public var sources: File?
    /// `pack.yaml`: present in an organisation rule pack, absent in the guidance's rules.
    public var pack: File?
    public var ruleFiles: [File]
    public var scenarioFiles: [File]
    public var templates: [Template]
    /// SHA-256 over every file's relative path and bytes, in path order.
    public var hash: String

    public init(root: String, questions: File?, decisions: File?, sources: File?, ruleFiles: [File],
                scenarioFiles: [File], templates: [Template], hash: String, pack: File? = nil) {
        self.pack = pack
        self.root = root
        self.questions = questions
        self.decisions = decisions
        self.sources = sources
        self.ruleFiles = ruleFiles
        self.scenarioFiles = scenarioFiles
        self.templates = templates
        self.hash = hash
    }

    /// Reads `directory`. A missing directory or an unreadable or non-UTF-8 file is a
    /// diagnostic.
    public static func load(directory: URL) throws(CompileError) -> RulesFiles {
        let fm = FileManager.default
        let root = directory.path
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw CompileError(diagnostics: [Diagnostic(location: SourceLocation(file: root, line: 1, column: 1), message: "no rules directory here")])
        }
        var diagnostics: [Diagnostic] = []
        var hashed: [(String, [UInt8])] = []
        func read(_ relative: String) -> File? {
            let path = root + "/" + relative
            guard fm.fileExists(atPath: path) else { return nil }
            guard let data = fm.contents(atPath: path) else {
                diagnostics.append(Diagnostic(location: SourceLocation(file: path, line: 1, column: 1), message: "cannot read the file"))
                return nil
            }
            hashed.append((relative, Array(data)))
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(location: SourceLocation(file: path, line: 1, column: 1), message: "the file is not valid UTF-8"))
                return nil
            }
            return File(displayPath: path, storedPath: directory.standardizedFileURL.lastPathComponent + "/" + relative, text: text)
        }
        func yamlFiles(in sub: String) -> [String] {
            let names = (try? fm.contentsOfDirectory(atPath: root + "/" + sub)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { sub + "/" + $0 }
        }
        let questions = read("questions.yaml")
        let decisions = read("decisions.yaml")
        let sources = read("sources.yaml")
        let pack = read("pack.yaml")
        let ruleFiles = yamlFiles(in: "rules").compactMap(read)
        let scenarioFiles = yamlFiles(in: "scenarios").compactMap(read)
        var templates: [Template] = []
        let templateRoot = URL(fileURLWithPath: root + "/templates")
        if let walker = fm.enumerator(at: templateRoot, includingPropertiesForKeys: [.isRegularFileKey], options: []) {
            var paths: [String] = []
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                paths.append(String(url.standardizedFileURL.path.dropFirst(templateRoot.standardizedFileURL.path.count + 1)))
            }
            for path in paths.sorted() {
                if let file = read("templates/" + path) { templates.append(Template(path: path, contents: file.text)) }
            }
        }
        if !diagnostics.isEmpty { throw CompileError(diagnostics: diagnostics) }
        var sha = SHA256()
        for (path, bytes) in hashed.sorted(by: { $0.0 < $1.0 }) {
            sha.update(Array(path.utf8) + [0])
            sha.update(bytes)
            sha.update([0])
        }
        return RulesFiles(root: root, questions: questions, decisions: decisions, sources: sources, ruleFiles: ruleFiles,
                          scenarioFiles: scenarioFiles, templates: templates, hash: sha.finalize(), pack: pack)
    }
}
