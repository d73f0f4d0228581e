import Foundation
import Mustache

/// Compiled Mustache templates of one run, keyed by their text.
///
/// Each distinct text (a body, a path, a partial) is compiled once however many files it
/// makes, and text without `{{` is never compiled (it renders as itself).
/// ``ScaffoldPlanner/plan(_:templates:decisions:cache:)`` makes one per run unless given
/// one; tests pass their own to count the compilations, or one whose engine is
/// swift-mustache itself, the reference the compiled templates are checked against.
public final class TemplateCache {
    /// What parses and renders the templates.
    public enum Engine: Sendable {
        /// ``CompiledTemplate``: swift-mustache's grammar and rendering, ported for speed.
        case compiled
        /// swift-mustache (`MustacheTemplate`), the reference.
        case swiftMustache
    }

    public let engine: Engine
    /// How many distinct texts were parsed so far.
    public private(set) var parseCount = 0
    private var compiled: [String: CompiledTemplate] = [:]
    private var reference: [String: MustacheTemplate] = [:]

    public init(engine: Engine = .compiled) {
        self.engine = engine
    }

    /// The partials of one plan, by name, in the form the engine renders.
    struct Partials {
        fileprivate var compiled: [String: CompiledTemplate] = [:]
        fileprivate var library = MustacheLibrary()
    }

    /// The partials `files` (name, text, path for errors) as the engine renders them.
    func partials(_ files: [(name: String, text: String, path: String)]) throws -> Partials {
        var partials = Partials()
        for file in files {
            switch engine {
            case .compiled: partials.compiled[file.name] = try compile(file.text, path: file.path)
            case .swiftMustache: partials.library.register(try parseReference(file.text, path: file.path), named: file.name)
            }
        }
        return partials
    }

    /// Renders `text` with `values`: the text itself when it has no tags. `path` names the
    /// template in a syntax error.
    func render(_ text: String, path: String, values: [String: Any], partials: Partials) throws -> String {
        guard Self.hasTags(text) else { return text }
        switch engine {
        case .compiled:
            return try compile(text, path: path).render(values, partials: partials.compiled)
        case .swiftMustache:
            return try parseReference(text, path: path).render(values, library: partials.library)
        }
    }

    /// Whether `text` contains `{{` (a byte scan: Foundation's `contains` is much slower).
    static func hasTags(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x7B && previous == 0x7B { return true }
            previous = byte
        }
        return false
    }

    private func compile(_ text: String, path: String) throws -> CompiledTemplate {
        if let known = compiled[text] { return known }
        let template: CompiledTemplate
        do {
            template = try CompiledTemplate(parsing: text)
        } catch {
            // swift-mustache's message for what it refuses too; ours for what it takes.
            _ = try Self.parse(text, path: path)
            let (line, column) = Self.position(of: error.offset, in: text)
            throw ScaffoldError.templateSyntax(
                path: path,
                message: "line \(line), column \(column): "
                    + (error.unsupported.map { "\($0), not supported by archadvisor's template renderer" }
                        ?? "archadvisor's template renderer cannot read what swift-mustache reads here (a bug of archadvisor's: please report it)"))
        }
        compiled[text] = template
        parseCount += 1
        return template
    }

    private func parseReference(_ text: String, path: String) throws -> MustacheTemplate {
        if let known = reference[text] { return known }
        let template = try Self.parse(text, path: path)
        reference[text] = template
        parseCount += 1
        return template
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func position(of offset: Int, in text: String) -> (line: Int, column: Int) {
        let before = text.utf8.prefix(offset)
        let line = before.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = before.lastIndex(of: 0x0A).map { before.index(after: $0) } ?? before.startIndex
        return (line, String(decoding: before[lineStart...], as: UTF8.self).count + 1)
    }

    /// Parses Mustache text with swift-mustache as plain text output (no HTML escaping).
    private static func parse(_ text: String, path: String) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + text)
        } catch let error as MustacheTemplate.ParserError {
            // Line numbers count the pragma line added above.
            let context = error.context
            throw ScaffoldError.templateSyntax(
                path: path,
                message: "line \(max(context.lineNumber - 1, 1)), column \(context.columnNumber): Mustache syntax error (\(error.error))")
        } catch {
            throw ScaffoldError.templateSyntax(path: path, message: "Mustache syntax error (\(error))")
        }
    }
}
