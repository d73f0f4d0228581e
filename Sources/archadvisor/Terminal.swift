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

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static func colorAllowed(fd: Int32) -> Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isTerminal(fd)
    }
}
