import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to a file descriptor, for stdout and stderr.
final class Terminal: @unchecked Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }

    static let standardOutput = Terminal(fd: 1)
    static let standardError = Terminal(fd: 2)

    func write(_ text: String) {
        var t = text
        t.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return // EPIPE: the reader went away.
            }
            offset += n
        }
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Why stdin holds no answers to read, or nil when it is a pipe, a file or a socket:
    /// "is a terminal" (a person would have to type them), "is a device" (such as
    /// /dev/null, where a service manager or cron points it) or "is closed".
    static func standardInputProblem() -> String? {
        if isTerminal(0) { return "is a terminal" }
        var info = stat()
        guard fstat(0, &info) == 0 else { return "is closed" }
        return (info.st_mode & S_IFMT) == S_IFCHR ? "is a device (such as /dev/null)" : nil
    }

    /// Columns to lay text out in: the terminal's width (at most 120), else $COLUMNS, else 80.
    static var width: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return min(Int(size.ws_col), 120) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c >= 40 { return min(c, 120) }
        return 80
    }

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static func colorAllowed(fd: Int32) -> Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isTerminal(fd)
    }
}
