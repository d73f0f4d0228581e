import Foundation

/// Finds the knowledge base: `--kb`, then `ARCHADVISOR_KB`, then the `knowledge.sqlite` of
/// the project the binary was built in (searched upward from the executable, so
/// `.build/release/archadvisor` finds it from any working directory), then
/// `../share/archadvisor/knowledge.sqlite` beside an installed binary, then the working
/// directory and its parents.
public enum KnowledgeBaseLocator {
    public static let fileName = "knowledge.sqlite"

    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: String = CommandLine.arguments.first ?? "",
                              workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["ARCHADVISOR_KB"], !env.isEmpty { return env }
        let fm = FileManager.default
        var candidates: [URL] = []
        let exe = URL(fileURLWithPath: resolvedExecutable(executable)).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        candidates.append(dir.deletingLastPathComponent().appendingPathComponent("share/archadvisor/\(fileName)"))
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent(fileName))
            dir = dir.deletingLastPathComponent()
        }
        var cwd = URL(fileURLWithPath: workingDirectory)
        for _ in 0..<6 {
            candidates.append(cwd.appendingPathComponent(fileName))
            cwd = cwd.deletingLastPathComponent()
        }
        for c in candidates where fm.fileExists(atPath: c.path) { return c.path }
        return URL(fileURLWithPath: workingDirectory).appendingPathComponent(fileName).path
    }

    static func resolvedExecutable(_ argv0: String) -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        if argv0.contains("/") { return argv0 }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(argv0)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return argv0
    }
}
