import Foundation
import Mustache

/// Parsed Mustache templates of one run, keyed by their text.
///
/// Parsing is most of the cost of a scaffold, so each distinct text (a body, a path, a
/// partial) is parsed once however many files it makes, and text without `{{` is never
/// parsed (it renders as itself). ``ScaffoldPlanner/plan(_:templates:decisions:cache:)``
/// makes one per run unless given one; tests pass their own to count the parses.
///
/// swift-mustache's parser measures the text left after every token it reads, which makes
/// parsing quadratic in a template's length (the generated gRPC code is 50 KB). A text is
/// therefore cut at line ends outside any tag and outside any list's section (a flag's
/// section is closed at the end of a piece and reopened at the start of the next), into:
/// runs of lines without tags (copied as they are), runs of lines whose only tags are
/// `{{name}}` of a text or number value (substituted directly: Mustache prints such a value
/// as it is), each behind a guard of the sections open around it, and pieces of about
/// ``pieceLength`` bytes with other tags, parsed by swift-mustache. Rendering the pieces
/// one after the other gives the same text, because Mustache's whitespace rules (standalone
/// lines, partial indentation) look at one line at a time; `TemplateCacheTests` checks it
/// against whole-template rendering for every variant. Which names hold lists, and which
/// values are text or numbers, is read from the values of a text's first render (every
/// render of a run sees values of the same shape).
public final class TemplateCache {
    /// How many distinct texts were parsed so far.
    public private(set) var parseCount = 0
    private var parsed: [String: Parsed] = [:]
    private var partials: [String: MustacheTemplate] = [:]

    /// The size from which a piece with tags is ended at the next line end where it may be.
    public let pieceLength: Int

    /// A cache whose pieces with tags are about `pieceLength` bytes (`Int.max`: parse every
    /// text whole and render it with swift-mustache alone, the reference the tests use).
    public init(pieceLength: Int = 1024) {
        self.pieceLength = pieceLength
    }

    /// Renders `text` with `values`: the text itself when it has no tags. `path` names the
    /// template in a syntax error.
    func render(_ text: String, path: String, values: [String: Any], library: MustacheLibrary) throws -> String {
        guard Self.hasTags(text) else { return text }
        let pieces: Parsed
        if let known = parsed[text] {
            pieces = known
        } else {
            pieces = try Self.parsePieces(text, path: path, pieceLength: pieceLength, values: values)
            parsed[text] = pieces
            parseCount += 1
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for piece in pieces.pieces {
            switch piece {
            case .text(let literal): out += literal
            case .guarded(let literal, let condition): if condition.render(values, library: library) == "1" { out += literal }
            case .substituted(let parts, let condition):
                if let condition, condition.render(values, library: library) != "1" { continue }
                for part in parts {
                    switch part {
                    case .text(let literal): out += literal
                    case .value(let name):
                        if let text = values[name] as? String { out += text } else if let number = values[name] as? Int { out += String(number) }
                    }
                }
            case .template(let template): out += template.render(values, library: library)
            }
        }
        return out
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

    /// Every key that holds a list anywhere in `values` (`services`, `deployableCallers`).
    static func listNames(in values: [String: Any]) -> Set<String> {
        var names = Set<String>()
        var pending = [values]
        while let dictionary = pending.popLast() {
            for (key, value) in dictionary {
                guard let list = value as? [Any] else { continue }
                names.insert(key)
                pending += list.compactMap { $0 as? [String: Any] }
            }
        }
        return names
    }

    /// The whole of `text` as one template, for registering as a partial.
    func partial(_ text: String, path: String) throws -> MustacheTemplate {
        if let known = partials[text] { return known }
        let template = try Self.parse(text, path: path, firstLine: 1)
        partials[text] = template
        parseCount += 1
        return template
    }

    private struct Parsed {
        var pieces: [Piece]
    }

    private enum Piece {
        case text(String)
        /// Text shown when the guard (the open sections' tags around `1`) renders `1`.
        case guarded(String, MustacheTemplate)
        /// Text and values, shown when the guard (if any) renders `1`.
        case substituted([Substituted], MustacheTemplate?)
        case template(MustacheTemplate)
    }

    private static func parsePieces(_ text: String, path: String, pieceLength: Int, values: [String: Any]) throws -> Parsed {
        let whole = pieceLength == .max
        let segments = cuts(text, pieceLength: whole ? .max : 1, lists: listNames(in: values))
        let bodies = segments.map { String(text.utf8[$0.range])! }
        let tagged = bodies.map(hasTags)
        // Lines whose tags are all `{{name}}` of a text or number value are substituted
        // directly: Mustache would print the value as it is (plain text, no escaping).
        let substitutions = whole ? bodies.map { _ in nil } : bodies.map { substitution($0, values: values) }
        var pieces: [Piece] = []
        var guards: [String: MustacheTemplate] = [:]
        var i = 0
        while i < segments.count {
            var j = i + 1
            if tagged[i], substitutions[i] != nil {
                // Lines with plain value tags, and lines without tags, under the same open
                // sections: substituted directly, behind the sections' guard.
                while j < segments.count, segments[j].open == segments[i].open, !tagged[j] || substitutions[j] != nil { j += 1 }
                var parts: [Substituted] = []
                for k in i..<j { parts += substitutions[k] ?? [.text(bodies[k])] }
                pieces.append(.substituted(parts, try guardTemplate(segments[i].open, path: path, cache: &guards)))
            } else if !tagged[i] {
                // Lines without tags under the same open sections: one literal, shown when
                // those sections render (a guard of the bare section tags says whether).
                while j < segments.count, !tagged[j], segments[j].open == segments[i].open { j += 1 }
                let literal = bodies[i..<j].joined()
                if let condition = try guardTemplate(segments[i].open, path: path, cache: &guards) {
                    pieces.append(.guarded(literal, condition))
                } else {
                    pieces.append(.text(literal))
                }
            } else {
                var length = bodies[i].utf8.count
                while j < segments.count, tagged[j], length < pieceLength { length += bodies[j].utf8.count; j += 1 }
                // Each section open at the start is reopened on a line of its own (a
                // standalone tag: Mustache drops the line), and each section still open at
                // the end is closed after the piece's last newline, with nothing after it,
                // so the piece renders what it did in place. (Close tags on lines of their
                // own would not do: swift-mustache keeps the newline of a second standalone
                // close that follows a section opened inside a line.)
                let reopen = segments[i].open.map { "{{\($0.sigil)\($0.name)}}\n" }.joined()
                let close = segments[j - 1].closeAtEnd.reversed().map { "{{/\($0.name)}}" }.joined()
                let body = reopen + bodies[i..<j].joined() + close
                pieces.append(.template(try parse(body, path: path, firstLine: segments[i].firstLine - segments[i].open.count)))
            }
            i = j
        }
        return Parsed(pieces: pieces)
    }

    /// The guard of a piece under `open` sections (the bare section tags around `1`), or
    /// nil when no section is open.
    private static func guardTemplate(_ open: [OpenSection], path: String,
                                      cache: inout [String: MustacheTemplate]) throws -> MustacheTemplate? {
        guard !open.isEmpty else { return nil }
        let text = open.map { "{{\($0.sigil)\($0.name)}}" }.joined() + "1" + open.reversed().map { "{{/\($0.name)}}" }.joined()
        if let known = cache[text] { return known }
        let template = try parse(text, path: path, firstLine: 1)
        cache[text] = template
        return template
    }

    /// A part of a directly substituted piece.
    enum Substituted: Equatable {
        case text(String)
        case value(String)
    }

    /// `line` as text and value names when every tag in it is `{{name}}`, `{{{name}}}` or
    /// `{{&name}}` of a name that holds a String or an Int in `values`; nil otherwise.
    static func substitution(_ line: String, values: [String: Any]) -> [Substituted]? {
        let bytes = Array(line.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), space = UInt8(ascii: " ")
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_")
        }
        var parts: [Substituted] = []
        var literalStart = 0, i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == open, bytes[i + 1] == open else { i += 1; continue }
            var j = i + 2, closing = 2
            if j < bytes.count, bytes[j] == open { closing = 3; j += 1 } else if j < bytes.count, bytes[j] == UInt8(ascii: "&") { j += 1 }
            while j < bytes.count, bytes[j] == space { j += 1 }
            let nameStart = j
            while j < bytes.count, isNameByte(bytes[j]) { j += 1 }
            let nameEnd = j
            while j < bytes.count, bytes[j] == space { j += 1 }
            guard nameEnd > nameStart, j + closing <= bytes.count, bytes[j..<(j + closing)].allSatisfy({ $0 == close }) else { return nil }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            guard values[name] is String || values[name] is Int else { return nil }
            if i > literalStart { parts.append(.text(String(decoding: bytes[literalStart..<i], as: UTF8.self))) }
            parts.append(.value(name))
            i = j + closing
            literalStart = i
        }
        if literalStart < bytes.count { parts.append(.text(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        return parts
    }

    /// A section open where a piece starts or ends: `#` or `^`, and its name.
    struct OpenSection: Equatable {
        var sigil: Character
        var name: String
    }

    /// One piece of a text: its bytes, its first line (1-based), the sections open at its
    /// start and at its end.
    struct Cut {
        var range: Range<String.UTF8View.Index>
        var firstLine: Int
        var open: [OpenSection]
        var closeAtEnd: [OpenSection]
    }

    /// Where `text` may be cut: after a newline outside any tag, once the piece is at
    /// least `pieceLength` bytes, where every open section is a plain (`#`) or inverted
    /// (`^`) section over a name that is never a list (`lists`): rendering such a section
    /// in two halves renders what it does whole; a list's section repeats its whole body
    /// per item, and inheritance blocks are never cut. A text that changes delimiters
    /// (`{{=`) is one piece.
    static func cuts(_ text: String, pieceLength: Int, lists: Set<String>) -> [Cut] {
        let bytes = Array(text.utf8)
        let utf8 = text.utf8
        func index(_ offset: Int) -> String.UTF8View.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        guard !bytes.indices.dropLast(2).contains(where: { bytes[$0] == 0x7B && bytes[$0 + 1] == 0x7B && bytes[$0 + 2] == 0x3D }) else { return [Cut(range: utf8.startIndex..<utf8.endIndex, firstLine: 1, open: [], closeAtEnd: [])] }
        var result: [Cut] = []
        var stack: [OpenSection?] = []  // nil: a section that may not be cut
        var start = 0, startLine = 1, line = 1, startStack: [OpenSection] = []
        var i = 0
        let brace = UInt8(ascii: "{"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")
        while i < bytes.count {
            if bytes[i] == brace, i + 1 < bytes.count, bytes[i + 1] == brace {
                // Skip to the end of the tag, counting the newlines inside it.
                var j = i + 2
                while j + 1 < bytes.count, !(bytes[j] == close && bytes[j + 1] == close) {
                    if bytes[j] == newline { line += 1 }
                    j += 1
                }
                let inner = j > i + 2 ? String(decoding: bytes[(i + 2)..<min(j, bytes.count)], as: UTF8.self) : ""
                let sigil = inner.first
                let name = String(inner.dropFirst().drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
                switch sigil {
                case "#", "^":
                    let plain = !lists.contains(name) && !name.contains("(") && !name.isEmpty
                    stack.append(plain ? OpenSection(sigil: sigil!, name: name) : nil)
                case "$", "<": stack.append(nil)
                case "/": if !stack.isEmpty { stack.removeLast() }
                default: break
                }
                i = j + 2
                continue
            }
            if bytes[i] == newline {
                line += 1
                if i + 1 - start >= pieceLength, stack.allSatisfy({ $0 != nil }), i + 1 < bytes.count {
                    let open = stack.map { $0! }
                    result.append(Cut(range: index(start)..<index(i + 1), firstLine: startLine, open: startStack, closeAtEnd: open))
                    start = i + 1
                    startLine = line
                    startStack = open
                }
            }
            i += 1
        }
        result.append(Cut(range: index(start)..<utf8.endIndex, firstLine: startLine, open: startStack, closeAtEnd: []))
        return result
    }

    /// Parses Mustache text as plain text output (no HTML escaping). `firstLine` is the
    /// line of the whole template the text starts on, for error messages.
    private static func parse(_ text: String, path: String, firstLine: Int) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + text)
        } catch let error as MustacheTemplate.ParserError {
            // Line numbers count the pragma line added above.
            let context = error.context
            throw ScaffoldError.templateSyntax(
                path: path,
                message: "line \(max(context.lineNumber - 1, 1) + firstLine - 1), column \(context.columnNumber): Mustache syntax error (\(error.error))")
        } catch {
            throw ScaffoldError.templateSyntax(path: path, message: "Mustache syntax error (\(error))")
        }
    }
}
