import Foundation

/// Reads a templates folder (such as `rules/templates/`) into ``TemplateFile`` values, the
/// form the knowledge base stores and ``ScaffoldPlanner`` takes.
public enum TemplateLoader {
    /// Every regular file below `directory`, with its path relative to it, sorted by path.
    /// Hidden files are included (templates such as `common/.gitignore.mustache` are).
    /// Throws ``ScaffoldError/templateSyntax(path:message:)`` for a file that is not UTF-8.
    public static func load(from directory: URL) throws -> [TemplateFile] {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: []
        ) else {
            throw ScaffoldError.writeFailed(path: root.path, message: "cannot read the templates folder")
        }
        var files: [TemplateFile] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8) else {
                throw ScaffoldError.templateSyntax(path: relative, message: "not a readable UTF-8 text file")
            }
            files.append(TemplateFile(path: relative, contents: text))
        }
        return files.sorted { $0.path < $1.path }
    }
}
