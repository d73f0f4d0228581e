/// One problem found while compiling `rules/`: where, what, and the line it is on.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The text of the offending line, shown with a caret under the column.
    public var lineText: String?

    public init(location: SourceLocation, message: String, lineText: String? = nil) {
        self.location = location
        self.message = message
        self.lineText = lineText
    }

    public var description: String {
        var out = "\(location): error: \(message)"
        if let lineText {
            let prefix = lineText.unicodeScalars.prefix(max(0, location.column - 1))
            let pad = String(prefix.map { $0 == "\t" ? "\t" : " " })
            out += "\n    \(lineText)\n    \(pad)^"
        }
        return out
    }
}

/// The rules did not compile. Every problem found is listed.
public struct CompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(diagnostics.count) error\(diagnostics.count == 1 ? "" : "s")"
    }
}
