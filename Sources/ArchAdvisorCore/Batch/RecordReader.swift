#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where answer sets come from.
public enum InputSource: Sendable, Equatable {
    case file(String)
    case standardInput

    public var name: String {
        switch self {
        case .file(let path): path
        case .standardInput: "stdin"
        }
    }

    /// `.jsonl` and `.ndjson` files hold one answer set per line.
    public var isJSONLines: Bool {
        guard case .file(let path) = self else { return false }
        return path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson")
    }
}

/// Streams records (one answer object each) out of a file descriptor in fixed-size
/// chunks, so memory stays flat however large the input.
///
/// - `lines`: one record per line (JSON Lines); blank lines are skipped.
/// - `values`: records are complete JSON values, across lines or several per line
///   (stdin, which may be one pretty-printed object or JSON Lines).
/// - `whole`: the whole input is one record (an answer file).
public struct RecordReader {
    public enum Mode: Sendable { case lines, values, whole }

    /// Longest record accepted; a longer one is an error for that record only.
    public static let maxRecord = 1 << 20
    /// Largest single answer file.
    public static let maxFile = 16 << 20

    public enum Record {
        /// Bytes of one record and the 1-based line it starts on.
        case bytes(UnsafeRawBufferPointer, line: Int)
        /// A record that could not be read whole, with the reason.
        case tooLong(line: Int, size: Int)
    }

    let fd: Int32
    let mode: Mode
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private var line = 1

    public init(fd: Int32, mode: Mode, chunk: Int = 1 << 20) {
        self.fd = fd
        self.mode = mode
        // Room for a whole record plus a chunk, so a full buffer always holds a newline or
        // is past the record limit.
        capacity = mode == .whole ? RecordReader.maxFile + 1 : RecordReader.maxRecord + max(chunk, 4096) + 1
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    public func close() { buffer.deallocate() }

    /// Reads more bytes, compacting the buffer first. False at end of input.
    private mutating func fill() throws(ReadError) -> Bool {
        if eof { return false }
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        guard end < capacity else { return true }
        while true {
            let n = Glibc_read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(errno: errno)
            }
            if n == 0 { eof = true; return false }
            end += n
            return true
        }
    }

    /// Calls `body` with each record in order; stops early when it returns false.
    public mutating func forEach(_ body: (Record) throws -> Bool) throws {
        switch mode {
        case .whole:
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > RecordReader.maxFile {
                _ = try body(.tooLong(line: 1, size: Int(info.st_size)))
                return
            }
            while end < capacity, try fill() {}
            if end > RecordReader.maxFile {
                _ = try body(.tooLong(line: 1, size: end))
                return
            }
            _ = try body(.bytes(UnsafeRawBufferPointer(start: buffer, count: end), line: 1))
        case .lines:
            var scanned = start
            var skipping = false
            var skippedBytes = 0
            var skipLine = 0
            while true {
                if let nl = memchr(buffer + scanned, 0x0A, end - scanned) {
                    let stop = buffer.distance(to: nl)
                    if skipping {
                        _ = try body(.tooLong(line: skipLine, size: skippedBytes + stop - start))
                        skipping = false
                    } else if stop - start > RecordReader.maxRecord {
                        _ = try body(.tooLong(line: line, size: stop - start))
                    } else if !isBlank(start, stop) {
                        if try !body(.bytes(UnsafeRawBufferPointer(start: buffer + start, count: stop - start), line: line)) { return }
                    }
                    line += 1
                    start = stop + 1
                    scanned = start
                    continue
                }
                // No newline in what we have.
                if end - start >= RecordReader.maxRecord {
                    if !skipping { skipping = true; skipLine = line; skippedBytes = 0 }
                    skippedBytes += end - start
                    start = end
                }
                scanned = end - start
                let more = try fill()
                scanned = start + scanned
                if !more {
                    if skipping { _ = try body(.tooLong(line: skipLine, size: skippedBytes + end - start)) }
                    else if end - start > RecordReader.maxRecord { _ = try body(.tooLong(line: line, size: end - start)) }
                    else if !isBlank(start, end) {
                        _ = try body(.bytes(UnsafeRawBufferPointer(start: buffer + start, count: end - start), line: line))
                    }
                    return
                }
            }
        case .values:
            // Track nesting and strings to find where each top-level value ends.
            var i = start
            var depth = 0
            var inString = false
            var escape = false
            var recordStart = -1
            var recordLine = line
            while true {
                while i < end {
                    let c = buffer.load(fromByteOffset: i, as: UInt8.self)
                    if recordStart < 0 {
                        if c == 0x0A { line += 1; i += 1; start = i; continue }
                        if c == 0x20 || c == 0x09 || c == 0x0D { i += 1; start = i; continue }
                        recordStart = i
                        recordLine = line
                        depth = 0
                    }
                    if inString {
                        if escape { escape = false }
                        else if c == 0x5C { escape = true }
                        else if c == 0x22 { inString = false }
                        else if c == 0x0A { line += 1 }
                        i += 1
                        continue
                    }
                    var complete = false
                    switch c {
                    case 0x22: inString = true
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth <= 0 { complete = true }
                    case 0x0A:
                        line += 1
                        if depth <= 0 { complete = true } // a bare scalar or garbage line
                    default: break
                    }
                    i += 1
                    if complete {
                        let count = i - recordStart
                        if try !body(.bytes(UnsafeRawBufferPointer(start: buffer + recordStart, count: count), line: recordLine)) { return }
                        recordStart = -1
                        start = i
                    } else if i - recordStart >= RecordReader.maxRecord {
                        _ = try body(.tooLong(line: recordLine, size: i - recordStart))
                        // Drop the rest of this value up to the next line.
                        recordStart = -1
                        depth = 0
                        inString = false
                        while true {
                            if i >= end {
                                start = i
                                if try !fill() { return }
                                i = start
                                continue
                            }
                            let c2 = buffer.load(fromByteOffset: i, as: UInt8.self)
                            i += 1
                            if c2 == 0x0A { line += 1; break }
                        }
                        start = i
                    }
                }
                start = recordStart >= 0 ? recordStart : i
                let consumed = i - start
                let more = try fill()
                // fill() moved [start, end) to 0.
                recordStart = recordStart >= 0 ? 0 : -1
                i = consumed
                if !more {
                    if recordStart >= 0 && !isBlank(0, end) {
                        _ = try body(.bytes(UnsafeRawBufferPointer(start: buffer, count: end), line: recordLine))
                    }
                    return
                }
            }
        }
    }

    private func isBlank(_ from: Int, _ to: Int) -> Bool {
        var k = from
        while k < to {
            let c = buffer.load(fromByteOffset: k, as: UInt8.self)
            if c != 0x20 && c != 0x09 && c != 0x0D { return false }
            k += 1
        }
        return true
    }
}

/// A read(2) failure.
public struct ReadError: Error, CustomStringConvertible {
    public var errno: Int32
    public var description: String { String(cString: strerror(errno)) }
}

@inline(__always)
func Glibc_read(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ n: Int) -> Int {
    read(fd, buf, n)
}
