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
            var created: Set<Substring> = [""]
            for file in files {
                try makeParents(of: file.path, in: temp.path, created: &created)
                try writeFile(file, to: temp.path + "/" + file.path)
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

    /// Creates the folders above `path` (relative to `root`) that do not exist yet.
    private static func makeParents(of path: String, in root: String, created: inout Set<Substring>) throws {
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            let folder = path[..<slash]
            if created.insert(folder).inserted, mkdir(root + "/" + folder, 0o755) != 0 {
                throw WriteError(path: String(folder), code: errno)
            }
            index = path.index(after: slash)
        }
    }

    /// Writes one new file (never replacing an existing one) with mode 0644 or 0755.
    private static func writeFile(_ file: PlannedFile, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file.isExecutable ? 0o755 : 0o644)
        guard descriptor >= 0 else { throw WriteError(path: file.path, code: errno) }
        defer { close(descriptor) }
        var contents = file.contents
        try contents.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(path: file.path, code: errno)
                }
                offset += written
            }
        }
    }

    /// A failed system call while writing into the temporary directory.
    private struct WriteError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "\(path): \(String(cString: strerror(code)))" }
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
        if let error = error as? WriteError { return error.description }
        let text = (error as NSError).localizedDescription
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
