import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes planned files to disk so that the target either receives the whole project or
/// stays as it was.
///
/// The files go into a hidden temporary directory beside the target, which is renamed
/// into place only when every file is written. `rename(2)` replaces a missing or empty
/// directory atomically and refuses a non-empty one, so a target that fills up between
/// the check and the rename is still never overwritten.
public enum ScaffoldWriter {
    /// Writes `files` into `target`, which must not exist or be an empty directory.
    ///
    /// Throws ``ScaffoldError/targetNotEmpty(path:)`` or
    /// ``ScaffoldError/targetNotDirectory(path:)`` without writing anything, and
    /// ``ScaffoldError/writeFailed(path:message:)`` after removing the temporary directory.
    public static func apply(_ files: [PlannedFile], to target: URL) throws {
        let fileManager = FileManager.default
        let targetURL = target.standardizedFileURL
        let targetPath = targetURL.path
        try checkTarget(targetPath, fileManager: fileManager)
        for file in files where !isSafe(file.path) {
            throw ScaffoldError.writeFailed(path: targetPath, message: "unsafe file path \(ScaffoldError.quoted(file.path))")
        }

        let parent = targetURL.deletingLastPathComponent()
        let name = targetURL.lastPathComponent
        let temp = parent.appendingPathComponent(".\(name).archadvisor-\(UUID().uuidString.prefix(8))")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: temp, withIntermediateDirectories: false)
        } catch {
            throw ScaffoldError.writeFailed(path: targetPath, message: Self.message(error))
        }
        do {
            for file in files {
                let url = temp.appendingPathComponent(file.path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
                if file.isExecutable {
                    try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
                }
            }
            try moveIntoPlace(temp.path, targetPath)
        } catch {
            try? fileManager.removeItem(at: temp)
            if let error = error as? ScaffoldError { throw error }
            throw ScaffoldError.writeFailed(path: targetPath, message: Self.message(error))
        }
    }

    /// Refuses a target that exists as a file or as a non-empty directory.
    public static func checkTarget(_ path: String, fileManager: FileManager = .default) throws {
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ScaffoldError.targetNotDirectory(path: path) }
        let entries: [String]
        do {
            entries = try fileManager.contentsOfDirectory(atPath: path)
        } catch {
            throw ScaffoldError.writeFailed(path: path, message: Self.message(error))
        }
        if !entries.isEmpty { throw ScaffoldError.targetNotEmpty(path: path) }
    }

    private static func moveIntoPlace(_ temp: String, _ target: String) throws {
        guard rename(temp, target) != 0 else { return }
        let code = errno
        switch code {
        case ENOTEMPTY, EEXIST: throw ScaffoldError.targetNotEmpty(path: target)
        case ENOTDIR: throw ScaffoldError.targetNotDirectory(path: target)
        default: throw ScaffoldError.writeFailed(path: target, message: String(cString: strerror(code)))
        }
    }

    static func isSafe(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.isEmpty && !path.hasPrefix("/") && !path.contains("\0")
            && !parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    private static func message(_ error: Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
