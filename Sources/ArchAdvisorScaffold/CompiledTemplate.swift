import Foundation
import Mustache

/// A Mustache template compiled once and rendered many times, without swift-mustache.
///
/// Why: swift-mustache's parser measures the rest of the text at every tag (and at every
/// character that may start one), which makes parsing quadratic in a template's length, and
/// its renderer looks every name up through protocol casts and `Mirror`. Scaffolding the
/// 12-service project spent most of its time there.
///
/// What: the parser is a port of swift-mustache 2's (`Template+Parser.swift`) over UTF-8
/// bytes, step for step, so it makes the same tokens from the same text, including its ways
/// with whitespace (standalone lines, partial indentation, a set-delimiter tag inside a
/// section lasting to the end of that section) and the same texts fail. The renderer is a
/// port of its `Template+Render.swift` for plain-text output (every archadvisor template is
/// parsed as `CONTENT_TYPE:TEXT`, so nothing is escaped). `TemplateCacheTests` renders every
/// variant both ways and compares every byte.
///
/// Supported: text, `{{name}}`, `{{{name}}}`, `{{&name}}`, dotted names, `{{.}}`, sections
/// and inverted sections, comments, partials, set-delimiter tags and the
/// `{{%CONTENT_TYPE:TEXT}}` pragma. Not supported, with an error naming the line:
/// transforms (`{{name(x)}}`), inheritance (`{{<parent}}`, `{{$block}}`), dynamic partials
/// (`{{>*name}}`), other pragmas, and characters made of several Unicode scalars (such as a
/// letter followed by a combining accent: swift-mustache reads characters, this parser reads
/// scalars, and they agree only when each character is one scalar or `\r\n`), or a scalar
/// canonically equivalent to another (such as the Kelvin sign, which Swift compares equal to
/// `K`). Values may be
/// `[String: Any]` dictionaries, arrays, `Bool`, `String` and numbers.
struct CompiledTemplate {
    fileprivate(set) var tokens: [Token]

    enum Token {
        case text(String)
        case variable(Name)
        case section(Name, CompiledTemplate, inverted: Bool)
        case partial(String, indentation: String?)
    }

    /// A tag's name: `.` (the current value), `.a.b` (from the current value only) or
    /// `a.b` (looked up through the stack).
    struct Name {
        var isDot: Bool
        var fromCurrent: Bool
        var parts: [String]

        init(_ text: String) {
            isDot = text == "."
            fromCurrent = !isDot && text.first == "."
            parts = text.split(separator: ".").map(String.init)
        }
    }

    /// A text this parser does not take: where (a byte offset) and why. ``TemplateCache``
    /// asks swift-mustache for the message of a text both refuse.
    struct Failure: Error {
        var offset: Int
        /// Set for what swift-mustache reads but this parser does not; nil for a syntax
        /// error (swift-mustache's own message is used for those).
        var unsupported: String?
    }

    /// Compiles `text`.
    init(parsing text: String) throws(Failure) {
        // Each character one scalar (or "\r\n"), so reading scalars reads characters.
        let scalars = text.unicodeScalars.count
        if scalars != text.count {
            let parser = ByteParser(text)
            if let offset = parser.firstMultiScalarCharacter() {
                throw Failure(offset: offset, unsupported: "a character made of several Unicode scalars (write it as one, precomposed)")
            }
        }
        // Swift compares characters up to canonical equivalence (the Kelvin sign is "K"),
        // bytes do not: a scalar whose canonical form is another one is refused (exactly the
        // scalars NFC does not keep, those of Full_Composition_Exclusion).
        var offset = 0
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x80, scalar.properties.isFullCompositionExclusion {
                throw Failure(offset: offset, unsupported: "U+\(String(scalar.value, radix: 16, uppercase: true)), a character Unicode treats as another one (write that one)")
            }
            offset += UTF8.width(scalar)
        }
        var parser = ByteParser(text)
        self = try parser.parse(state: .init())
    }

    fileprivate init(tokens: [Token]) {
        self.tokens = tokens
    }
}

// MARK: - Parsing

/// The parser's state, as swift-mustache's `ParserState` (without partial definitions).
private struct ParserState {
    var sectionName: String?
    var newLine = true
    var startDelimiter = Array("{{".utf8)
    var endDelimiter = Array("}}".utf8)
}

private struct ByteParser {
    let bytes: [UInt8]
    var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    typealias Failure = CompiledTemplate.Failure

    var reachedEnd: Bool { position >= bytes.count }

    /// The scalar at `offset` and its length in bytes (offset < bytes.count).
    func scalar(at offset: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[offset]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length where offset + k < bytes.count { value = value << 6 | UInt32(bytes[offset + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// The length of the character at `offset`: "\r\n" is one.
    func characterLength(at offset: Int) -> Int {
        if bytes[offset] == 0x0D, offset + 1 < bytes.count, bytes[offset + 1] == 0x0A { return 2 }
        return scalar(at: offset).1
    }

    /// Whether the character at `offset` is a newline (Swift's `Character.isNewline`).
    func isNewline(at offset: Int) -> Bool {
        guard offset < bytes.count else { return false }
        let byte = bytes[offset]
        if byte < 0x80 { return byte >= 0x0A && byte <= 0x0D }
        let (scalar, _) = self.scalar(at: offset)
        return scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// Whether the character at `offset` is whitespace (Swift's `Character.isWhitespace`).
    func isWhitespace(at offset: Int) -> Bool {
        guard offset < bytes.count else { return false }
        let byte = bytes[offset]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        return scalar(at: offset).0.properties.isWhitespace
    }

    /// The offset of the first character of more than one scalar other than "\r\n".
    func firstMultiScalarCharacter() -> Int? {
        guard let text = String(bytes: bytes, encoding: .utf8) else { return 0 }
        var offset = 0
        for character in text {
            let length = character.utf8.count
            if character.unicodeScalars.count > 1, character != "\r\n" { return offset }
            offset += length
        }
        return nil
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    mutating func advance() {
        position += characterLength(at: position)
    }

    func matches(_ string: [UInt8], at offset: Int) -> Bool {
        offset + string.count <= bytes.count && bytes[offset..<(offset + string.count)].elementsEqual(string)
    }

    /// swift-mustache's `read(string:)`: consumes `string` if it is next; throws when fewer
    /// characters are left than `string` has.
    mutating func read(string: [UInt8]) throws(Failure) -> Bool {
        guard !string.isEmpty else { return true }
        // Characters left: every character of a delimiter is one scalar here.
        let wanted = String(decoding: string, as: UTF8.self).count
        var left = 0, offset = position
        while left < wanted, offset < bytes.count { offset += characterLength(at: offset); left += 1 }
        guard left >= wanted else { throw Failure(offset: position) }
        guard matches(string, at: position) else { return false }
        position += string.count
        return true
    }

    /// Reads one character and compares it (`read(_ char:)`); throws at the end.
    mutating func read(byte: UInt8) throws(Failure) -> Bool {
        guard !reachedEnd else { throw Failure(offset: position) }
        if bytes[position] == byte, characterLength(at: position) == 1 {
            position += 1
            return true
        }
        return false
    }

    mutating func skipWhitespace() {
        while isWhitespace(at: position) { advance() }
    }

    mutating func skipSpacesAndTabs() -> Range<Int> {
        let start = position
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
        return start..<position
    }

    // The grammar, as swift-mustache's `parse(_:state:)`.
    mutating func parse(state initial: ParserState) throws(Failure) -> CompiledTemplate {
        var tokens: [CompiledTemplate.Token] = []
        var state = initial
        var whiteSpaceBefore = ""
        func flushWhiteSpace() {
            if !whiteSpaceBefore.isEmpty {
                tokens.append(.text(whiteSpaceBefore))
                whiteSpaceBefore = ""
            }
        }
        while !reachedEnd {
            if state.newLine {
                whiteSpaceBefore = text(skipSpacesAndTabs())
            }
            let text = try readUntilDelimiterOrNewline(state)
            if isNewline(at: position) {
                let length = characterLength(at: position)
                tokens.append(.text(whiteSpaceBefore + text + self.text(position..<(position + length))))
                state.newLine = true
                position += length
                continue
            }
            if !text.isEmpty {
                tokens.append(.text(whiteSpaceBefore + text))
                whiteSpaceBefore = ""
                state.newLine = false
            }
            if reachedEnd { break }
            var setNewLine = false
            let tagStart = position - state.startDelimiter.count
            switch bytes[position] {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let inverted = bytes[position] == UInt8(ascii: "^")
                position += 1
                let name = try parseName(state, tagStart: tagStart)
                if isStandalone(state) {
                    setNewLine = true
                } else {
                    flushWhiteSpace()
                }
                var inner = state
                inner.sectionName = name
                inner.newLine = setNewLine
                let body = try parse(state: inner)
                tokens.append(.section(CompiledTemplate.Name(name), body, inverted: inverted))
            case UInt8(ascii: "/"):
                position += 1
                let namePosition = position
                let name = try parseName(state, tagStart: tagStart)
                guard name == state.sectionName else { throw Failure(offset: namePosition) }
                if !isStandalone(state) {
                    flushWhiteSpace()
                }
                return CompiledTemplate(tokens: tokens)
            case UInt8(ascii: "!"):
                position += 1
                try skipComment(state)
                setNewLine = isStandalone(state)
            case UInt8(ascii: "{"):
                flushWhiteSpace()
                position += 1
                let name = try parseName(state, tagStart: tagStart)
                guard try read(byte: UInt8(ascii: "}")) else { throw Failure(offset: position) }
                tokens.append(.variable(CompiledTemplate.Name(name)))
            case UInt8(ascii: "&"):
                flushWhiteSpace()
                position += 1
                let name = try parseName(state, tagStart: tagStart)
                tokens.append(.variable(CompiledTemplate.Name(name)))
            case UInt8(ascii: ">"):
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "*") {
                    throw Failure(offset: tagStart, unsupported: "a dynamic partial ({{>*name}})")
                }
                let name = try readName(Self.partialNameBytes, state)
                if !whiteSpaceBefore.isEmpty { tokens.append(.text(whiteSpaceBefore)) }
                if isStandalone(state) {
                    setNewLine = true
                    tokens.append(.partial(name, indentation: whiteSpaceBefore))
                } else {
                    tokens.append(.partial(name, indentation: nil))
                }
                whiteSpaceBefore = ""
            case UInt8(ascii: "<"):
                throw Failure(offset: tagStart, unsupported: "a partial with inheritance ({{<name}})")
            case UInt8(ascii: "$"):
                throw Failure(offset: tagStart, unsupported: "an inheritance block ({{$name}})")
            case UInt8(ascii: "="):
                position += 1
                try setDelimiters(&state)
                setNewLine = isStandalone(state)
            case UInt8(ascii: "%"):
                position += 1
                try readPragma(state, tagStart: tagStart)
                setNewLine = isStandalone(state)
            default:
                flushWhiteSpace()
                let name = try parseName(state, tagStart: tagStart)
                tokens.append(.variable(CompiledTemplate.Name(name)))
            }
            state.newLine = setNewLine
        }
        guard state.sectionName == nil else { throw Failure(offset: position) }
        return CompiledTemplate(tokens: tokens)
    }

    /// Text up to the start delimiter (consumed) or a newline (not consumed), or the end.
    mutating func readUntilDelimiterOrNewline(_ state: ParserState) throws(Failure) -> String {
        guard let firstCharacter = String(decoding: state.startDelimiter, as: UTF8.self).first else { return "" }
        let first = Array(firstCharacter.utf8)
        var text = ""
        var runStart = position
        while !reachedEnd {
            // Read until a newline ("\n" or "\r\n") or the delimiter's first character.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == 0x0A { break }
                if byte == 0x0D, position + 1 < bytes.count, bytes[position + 1] == 0x0A { break }
                if byte == first[0], matches(first, at: position), characterLength(at: position) == first.count { break }
                position += 1
            }
            // swift-mustache reads "\0" past the end: a delimiter that starts with it is
            // looked for there, and there are fewer characters left than it has.
            if reachedEnd, first == [0] { throw Failure(offset: position) }
            if reachedEnd || bytes[position] == 0x0A || bytes[position] == 0x0D { break }
            // The delimiter's first character: the delimiter, or a character of the text.
            text += self.text(runStart..<position)
            if try read(string: state.startDelimiter) {
                return text
            }
            runStart = position
            advance()
        }
        return text + self.text(runStart..<position)
    }

    /// A tag's name and its end delimiter (swift-mustache's `parseName`).
    mutating func parseName(_ state: ParserState, tagStart: Int) throws(Failure) -> String {
        let name = try readName(Self.sectionNameBytes, state)
        if name.contains("(") || name.contains(")") {
            // swift-mustache reads a transform, or fails on a stray bracket.
            let transform = name.firstIndex(of: "(").map { name[..<$0] }.map { !$0.isEmpty && !$0.contains(")") } ?? false
            throw Failure(offset: tagStart, unsupported: transform ? "a transform ({{name(value)}})" : nil)
        }
        return name
    }

    /// Whitespace, a name of `allowed` characters, whitespace and the end delimiter.
    mutating func readName(_ allowed: Set<UInt8>, _ state: ParserState) throws(Failure) -> String {
        skipWhitespace()
        let start = position
        while position < bytes.count, allowed.contains(bytes[position]) { position += 1 }
        let name = text(start..<position)
        skipWhitespace()
        guard try read(string: state.endDelimiter) else { throw Failure(offset: position) }
        return name
    }

    /// swift-mustache's `read(untilString:throwOnOverflow: true, skipToEnd: true)` for the
    /// end delimiter, with its matching (a partial match restarts at the next character).
    mutating func skipComment(_ state: ParserState) throws(Failure) {
        let start = position
        let end = String(decoding: state.endDelimiter, as: UTF8.self).map { Array($0.utf8) }
        var matched = 0
        while !reachedEnd {
            let length = characterLength(at: position)
            if length == end[matched].count, matches(end[matched], at: position) {
                matched += 1
                if matched == end.count {
                    position += length
                    return
                }
            } else {
                matched = 0
            }
            position += length
        }
        position = start
        throw Failure(offset: start)
    }

    /// swift-mustache's `parserSetDelimiter`.
    mutating func setDelimiters(_ state: inout ParserState) throws(Failure) {
        skipWhitespace()
        let startBegin = position
        while !reachedEnd, !isWhitespace(at: position) { advance() }
        guard !reachedEnd else { throw Failure(offset: position) }
        let start = Array(bytes[startBegin..<position])
        skipWhitespace()
        let endBegin = position
        while !reachedEnd, !isWhitespace(at: position), bytes[position] != UInt8(ascii: "=") { advance() }
        guard !reachedEnd else { throw Failure(offset: position) }
        let end = Array(bytes[endBegin..<position])
        skipWhitespace()
        guard try read(byte: UInt8(ascii: "=")) else { throw Failure(offset: position) }
        guard try read(string: state.endDelimiter) else { throw Failure(offset: position) }
        guard !start.isEmpty, !end.isEmpty else { throw Failure(offset: position) }
        state.startDelimiter = start
        state.endDelimiter = end
    }

    /// `{{%CONTENT_TYPE:TEXT}}`, the only pragma taken (it changes nothing here).
    mutating func readPragma(_ state: ParserState, tagStart: Int) throws(Failure) {
        skipWhitespace()
        let variableStart = position
        while position < bytes.count, Self.nameBytesWithoutBrackets.contains(bytes[position]) { position += 1 }
        let variable = text(variableStart..<position)
        skipWhitespace()
        guard try read(byte: UInt8(ascii: ":")) else { throw Failure(offset: position) }
        skipWhitespace()
        let valueStart = position
        while position < bytes.count, Self.nameBytesWithoutBrackets.contains(bytes[position]) { position += 1 }
        let value = text(valueStart..<position)
        skipWhitespace()
        guard try read(string: state.endDelimiter) else { throw Failure(offset: position) }
        guard !variable.isEmpty, !value.isEmpty else { throw Failure(offset: position) }
        guard variable == "CONTENT_TYPE", value == "TEXT" else {
            throw Failure(offset: tagStart, unsupported: "a pragma other than {{%CONTENT_TYPE:TEXT}}")
        }
    }

    /// swift-mustache's `isStandalone`: at a line's start, and only spaces and tabs up to
    /// the next newline (consumed) or the end.
    mutating func isStandalone(_ state: ParserState) -> Bool {
        guard state.newLine else { return false }
        if reachedEnd { return true }
        var offset = position
        while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x09 { offset += 1 }
        guard isNewline(at: offset) else { return false }
        position = offset + characterLength(at: offset)
        return true
    }

    static let nameBytesWithoutBrackets = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*".utf8)
    static let sectionNameBytes = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*".utf8)
    static let partialNameBytes = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/".utf8)
}

// MARK: - Rendering

extension CompiledTemplate {
    /// Renders with `values` as the context and `partials` by name (a missing partial
    /// renders as nothing).
    func render(_ values: [String: Any], partials: [String: CompiledTemplate]) -> String {
        var stack: [Frame] = [.values(values)]
        var out = ""
        render(into: &out, stack: &stack, indentation: nil, partials: partials)
        return out
    }

    /// A value on the context stack; dictionaries are looked into without casting.
    fileprivate enum Frame {
        case values([String: Any])
        case other(Any)

        var value: Any {
            switch self {
            case .values(let values): return values
            case .other(let value): return value
            }
        }

        init(_ value: Any) {
            if let values = value as? [String: Any] { self = .values(values) } else { self = .other(value) }
        }
    }

    /// swift-mustache's `render(context:)`: with an indentation, each token's non-empty
    /// output that starts after a newline of this template's output is indented.
    fileprivate func render(into out: inout String, stack: inout [Frame], indentation: String?, partials: [String: CompiledTemplate]) {
        if let indentation, !indentation.isEmpty {
            var local = ""
            for token in tokens {
                var rendered = ""
                renderToken(token, into: &rendered, stack: &stack, indentation: indentation, partials: partials)
                if !rendered.isEmpty, Self.endsWithNewline(local) { local += indentation }
                local += rendered
            }
            out += local
        } else {
            for token in tokens {
                renderToken(token, into: &out, stack: &stack, indentation: indentation, partials: partials)
            }
        }
    }

    /// Whether the last character of `text` is "\n" (not "\r\n", which is one character).
    private static func endsWithNewline(_ text: String) -> Bool {
        var bytes = text.utf8.reversed().makeIterator()
        guard bytes.next() == 0x0A else { return false }
        return bytes.next() != 0x0D
    }

    private func renderToken(_ token: Token, into out: inout String, stack: inout [Frame], indentation: String?,
                             partials: [String: CompiledTemplate]) {
        switch token {
        case .text(let text):
            out += text
        case .variable(let name):
            guard let value = Self.lookUp(name, in: stack) else { return }
            switch value {
            case let text as String: out += text
            case let number as Int: out += String(number)
            case let flag as Bool: out += flag ? "true" : "false"
            default:
                if let renderable = value as? MustacheCustomRenderable {
                    out += renderable.renderText
                } else {
                    out += String(describing: Self.unwrapped(value))
                }
            }
        case .section(let name, let body, let inverted):
            let value = Self.lookUp(name, in: stack)
            let items: [Any]?
            switch value {
            case let flag as Bool:
                if flag != inverted { body.render(into: &out, stack: &stack, indentation: indentation, partials: partials) }
                return
            case let list as [[String: Any]]: items = list
            case let list as [Any]: items = list
            case is String, is Int, is [String: Any]: items = nil
            case let sequence as any MustacheSequence: items = Self.elements(of: sequence)
            default: items = nil
            }
            if let items {
                if inverted {
                    guard items.isEmpty else { return }
                    stack.append(.other(items))
                    body.render(into: &out, stack: &stack, indentation: indentation, partials: partials)
                    stack.removeLast()
                } else {
                    for item in items {
                        stack.append(Frame(item))
                        body.render(into: &out, stack: &stack, indentation: indentation, partials: partials)
                        stack.removeLast()
                    }
                }
                return
            }
            let isNull = (value as? MustacheCustomRenderable)?.isNull == true
            if let value, !isNull {
                // Any other value is pushed for the section and hides the inverted one.
                guard !inverted else { return }
                stack.append(Frame(value))
                body.render(into: &out, stack: &stack, indentation: indentation, partials: partials)
                stack.removeLast()
            } else if inverted {
                body.render(into: &out, stack: &stack, indentation: indentation, partials: partials)
            }
        case .partial(let name, let indented):
            guard let partial = partials[name] else { return }
            let indentation = indented.map { (indentation ?? "") + $0 } ?? indentation
            partial.render(into: &out, stack: &stack, indentation: indentation, partials: partials)
        }
    }

    private static func elements<S: Sequence>(of sequence: S) -> [Any] {
        sequence.map { $0 as Any }
    }

    /// swift-mustache's `getChild(named:transforms:context:)` without transforms.
    private static func lookUp(_ name: Name, in stack: [Frame]) -> Any? {
        if name.isDot { return stack.last?.value }
        guard let first = name.parts.first else { return stack.last?.value }
        if name.fromCurrent {
            guard let current = stack.last else { return nil }
            return child(name.parts[...], of: current.value)
        }
        for frame in stack.reversed() {
            if let value = immediateChild(first, of: frame) {
                return child(name.parts.dropFirst(), of: value)
            }
        }
        return nil
    }

    private static func child(_ names: ArraySlice<String>, of value: Any) -> Any? {
        var value = value
        for name in names {
            guard let next = immediateChild(name, of: Frame(value)) else { return nil }
            value = next
        }
        return value
    }

    private static func immediateChild(_ name: String, of frame: Frame) -> Any? {
        switch frame {
        case .values(let values):
            return values[name]
        case .other(let value):
            if let parent = value as? MustacheParent { return parent.child(named: name) }
            guard let match = Mirror(reflecting: value).children.first(where: { $0.label == name }) else { return nil }
            return unwrappedOptional(match.value)
        }
    }

    private static func unwrappedOptional(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }

    /// A value for printing: an `Optional` as its wrapped value when it has one.
    private static func unwrapped(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value else { return value }
        return wrapped
    }
}
