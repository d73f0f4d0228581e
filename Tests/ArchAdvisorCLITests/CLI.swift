import Foundation
import Testing
import TestSupport

/// Runs the built `archadvisor` binary, as a user or a CI script would.
enum CLI {
    /// The package root, from this file.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let rules = root.appendingPathComponent("rules")
    static let knowledgeBase = root.appendingPathComponent("knowledge.sqlite")

    /// The `archadvisor` executable that `swift test` built beside this test bundle,
    /// whatever scratch path it used (`ARCHADVISOR_BIN` overrides).
    static let binary: URL? = {
        let fm = FileManager.default
        func executable(_ url: URL) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue && fm.isExecutableFile(atPath: url.path)
        }
        if let path = ProcessInfo.processInfo.environment["ARCHADVISOR_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var starts = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        if let argv0 = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: argv0).deletingLastPathComponent())
        }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("archadvisor")
                if executable(candidate) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        for scratch in [".build-tests", ".build"] {
            let candidate = root.appendingPathComponent("\(scratch)/debug/archadvisor")
            if executable(candidate) { return candidate }
        }
        return nil
    }()

    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
        var seconds: Double
        var description: String { "exit \(status)\(timedOut ? " (timed out)" : "")\nstdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(2000))" }
        var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `archadvisor arguments` in `directory` (a fresh temporary one by default), with
    /// `ARCHADVISOR_KB` unset unless `environment` sets it, and colour off. A run that
    /// takes longer than `timeout` is terminated and reported as timed out.
    static func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
                    environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Result {
        let binary = try #require(binary, "archadvisor binary not found beside the test bundle; run `swift build` first or set ARCHADVISOR_BIN")
        let temporary = try TemporaryDirectory(prefix: "archadvisor-cli")
        defer { temporary.remove() }
        let scratch = temporary.url
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? scratch
        var env = ProcessInfo.processInfo.environment
        env["ARCHADVISOR_KB"] = nil
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = scratch.appendingPathComponent("stdin")
            try Data(stdin.utf8).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                process.terminate() // SIGTERM to this child only
                let grace = Date()
                while process.isRunning && Date().timeIntervalSince(grace) < 1 { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                      timedOut: timedOut, seconds: seconds)
    }

    /// Parses each line of `text` as a JSON object.
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    static func choice(_ object: [String: Any], _ decision: String) -> String? {
        ((object["decisions"] as? [String: Any])?[decision] as? [String: Any])?["choice"] as? String
    }
}

enum Answers {
    static let monolith = #"{"team_size": 3, "product_stage": "prototype"}"#
    static let services = #"{"team_size": 60, "team_count": 6, "service_count": 8, "independent_deploys": true, "scaling_profile": "very_different", "domain_understanding": "well_understood", "product_stage": "growth", "client_fanout": 4, "async_side_effects": true}"#
    static let mesh = #"{"team_size": 200, "team_count": 20, "service_count": 30, "kubernetes": true, "platform_team": true, "mtls_required": true, "tracing_required": true, "traffic_policy_required": true, "domain_understanding": "well_understood", "product_stage": "mature", "independent_deploys": true, "post_quantum_required": true}"#
}
