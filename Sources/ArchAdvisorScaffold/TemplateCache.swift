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
/// therefore cut into pieces of about ``pieceLength`` bytes at line ends outside any
/// section or tag, each parsed on its own (a piece without `{{` is not parsed at all);
/// rendering the pieces one after the other gives the same text, because Mustache's
/// whitespace rules (standalone lines, partial indentation) look at one line at a time.
public final class TemplateCache {
    /// How many distinct texts were parsed so far.
    public private(set) var parseCount = 0
    private var parsed: [String: Parsed] = [:]
    private var partials: [String: MustacheTemplate] = [:]

    /// The size from which a text is cut at the next line end outside any section.
    public let pieceLength: Int

    /// A cache that cuts texts into pieces of about `pieceLength` bytes (`Int.max`: parse
    /// every text whole, as swift-mustache alone would).
    public init(pieceLength: Int = 1024) {
        self.pieceLength = pieceLength
    }

    /// Renders `text` with `values`: the text itself when it has no tags. `path` names the
    /// template in a syntax error.
    func render(_ text: String, path: String, values: [String: Any], library: MustacheLibrary) throws -> String {
        guard text.contains("{{") else { return text }
        let pieces: Parsed
        if let known = parsed[text] {
            pieces = known
        } else {
            pieces = try Self.parsePieces(text, path: path, pieceLength: pieceLength)
            parsed[text] = pieces
            parseCount += 1
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for piece in pieces.pieces {
            switch piece {
            case .text(let literal): out += literal
            case .template(let template): out += template.render(values, library: library)
            }
        }
        return out
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
        case template(MustacheTemplate)
    }

    private static func parsePieces(_ text: String, path: String, pieceLength: Int) throws -> Parsed {
        var pieces: [Piece] = []
        for (range, firstLine) in cuts(text, pieceLength: pieceLength) {
            let piece = String(text.utf8[range])!
            if piece.contains("{{") {
                pieces.append(.template(try parse(piece, path: path, firstLine: firstLine)))
            } else {
                pieces.append(.text(piece))
            }
        }
        return Parsed(pieces: pieces)
    }

    /// Where `text` may be cut: after a newline, outside any tag and section, once the
    /// piece is at least ``pieceLength`` bytes. A text that changes delimiters (`{{=`) is
    /// one piece. Returns each piece's byte range and its first line (1-based).
    static func cuts(_ text: String, pieceLength: Int) -> [(Range<String.UTF8View.Index>, Int)] {
        let bytes = text.utf8
        guard !text.contains("{{=") else { return [(bytes.startIndex..<bytes.endIndex, 1)] }
        var result: [(Range<String.UTF8View.Index>, Int)] = []
        var start = bytes.startIndex, startLine = 1, line = 1
        var depth = 0, inTag = false, length = 0
        var previous: UInt8 = 0
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            let next = bytes.index(after: index)
            length += 1
            if !inTag && previous == UInt8(ascii: "{") && byte == UInt8(ascii: "{") {
                inTag = true
                if next != bytes.endIndex {
                    switch bytes[next] {
                    case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"): depth += 1
                    case UInt8(ascii: "/"): depth -= 1
                    default: break
                    }
                }
                previous = 0
            } else if inTag && previous == UInt8(ascii: "}") && byte == UInt8(ascii: "}") {
                inTag = false
                previous = 0
            } else {
                previous = byte
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                if !inTag && depth == 0 && length >= pieceLength {
                    result.append((start..<next, startLine))
                    start = next
                    startLine = line
                    length = 0
                }
            }
            index = next
        }
        if start != bytes.endIndex || result.isEmpty { result.append((start..<bytes.endIndex, startLine)) }
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
