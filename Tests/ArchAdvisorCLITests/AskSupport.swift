import Foundation
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// The built `archadvisor` binary and a knowledge base compiled from `rules/` for it.
enum AskBinary {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Beside the test bundle (the build folder in use), else `$ARCHADVISOR_BIN`.
    static let path: String? = {
        if let env = ProcessInfo.processInfo.environment["ARCHADVISOR_BIN"], FileManager.default.isExecutableFile(atPath: env) { return env }
        var dirs: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        dirs += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for scratch in [".build-ask", ".build"] {
            dirs.append(packageRoot.appendingPathComponent("\(scratch)/debug"))
        }
        for dir in dirs {
            let candidate = dir.appendingPathComponent("archadvisor").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs the binary to completion with `input` on stdin (a pipe).
    static func run(_ arguments: [String], input: String = "", directory: String, environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// A temporary directory holding `kb.sqlite` compiled from the project's rules.
    static func workspace() throws -> URL {
        let dir = try TemporaryDirectory(prefix: "archadvisor-ask").url
        let built = try run(["kb", "build", "--rules", packageRoot.appendingPathComponent("rules").path, "--output", dir.appendingPathComponent("kb.sqlite").path], directory: dir.path)
        guard built.status == 0 else { throw AskTestError("kb build failed: \(built.stderr)") }
        return dir
    }
}

struct AskTestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The built binary on a real pseudo-terminal: stdin, stdout and stderr are the terminal.
final class PseudoTerminal {
    let master: Int32
    let process = Process()
    var pid: pid_t { process.processIdentifier }
    /// Everything the program wrote, as the terminal got it (escape codes included).
    var raw: String { String(decoding: bytes, as: UTF8.self) }
    /// The bytes as read: decoded as a whole, so a character split across two reads stays whole.
    private var bytes: [UInt8] = []
    /// Where the next ``expect(_:timeout:)`` starts looking, in characters of the plain text.
    private var mark = 0

    // Linux ioctls of /dev/ptmx (the same on x86_64 and arm64).
    private static let getPTYNumber: UInt = 0x8004_5430 // TIOCGPTN
    private static let setPTYLock: UInt = 0x4004_5431 // TIOCSPTLCK

    init(_ arguments: [String], directory: String, environment: [String: String]) throws {
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw AskTestError("cannot open /dev/ptmx") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, Self.setPTYLock, &unlock) == 0, ioctl(master, Self.getPTYNumber, &number) == 0 else {
            throw AskTestError("cannot unlock the pseudo-terminal")
        }
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw AskTestError("cannot open /dev/pts/\(number)") }
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)

        process.executableURL = URL(fileURLWithPath: AskBinary.path!)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment.filter { $0.key != "NO_COLOR" && $0.key != "COLUMNS" }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        close(master)
    }

    /// Types `text` (a line needs its "\n").
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads what arrives within `seconds`; false once the program closed the terminal.
    @discardableResult
    func pump(_ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n <= 0 { return false }
            bytes += buffer[..<n]
        }
        return true
    }

    /// Waits until `needle` appears (escape codes ignored) after the previous match, and
    /// returns the text up to it.
    @discardableResult
    func expect(_ needle: String, timeout: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var open = true
        while true {
            let text = Self.plain(raw)
            let start = text.index(text.startIndex, offsetBy: min(mark, text.count))
            if let r = text.range(of: needle, range: start..<text.endIndex) {
                mark = text.distance(from: text.startIndex, to: r.upperBound)
                return String(text[start..<r.upperBound])
            }
            if !open || Date() >= deadline {
                throw AskTestError("timed out waiting for \(needle.debugDescription); the terminal shows:\n\(text[start...])")
            }
            open = pump(0.05)
        }
    }

    /// Presses Enter (takes each default) whenever the program waits, until `text` shows.
    func enterUntil(_ text: String, rounds: Int = 25) {
        for _ in 0..<rounds {
            pump(0.4)
            if Self.plain(raw).contains(text) || !process.isRunning { return }
            send("\n")
        }
    }

    /// Reads until the program ends; its exit status.
    func finish(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            pump(0.05)
            if !process.isRunning {
                pump(0.1)
                return process.terminationStatus
            }
        }
        throw AskTestError("the program did not end; the terminal shows:\n\(Self.plain(raw))")
    }

    /// `text` without ANSI escape sequences and carriage returns.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
    }
}
