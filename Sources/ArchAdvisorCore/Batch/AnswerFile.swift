#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension InputSource {
    enum Opened {
        case descriptor(Int32)
        case problem(AnswerProblem)
    }

    /// Opens the input for reading: its file descriptor (0 for standard input, which the
    /// caller must not close), or the problem that names why it cannot be read.
    /// `expected` completes the message for a directory ("expected ...").
    func openForReading(expected: String) -> Opened {
        guard case .file(let path) = self else { return .descriptor(0) }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            return .problem(AnswerProblem(key: nil, message: "is a directory; expected \(expected)"))
        }
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            return .problem(AnswerProblem(key: nil, message: "cannot read: \(reason)"))
        }
        return .descriptor(fd)
    }
}

/// Reads one answer file (or standard input) whole, as `explain`, `whatif`, `scaffold` and
/// `ask --answers` take it: with the same checks and messages as a single file in a batch
/// (directory, missing or unreadable, over ``RecordReader/maxFile``, empty, then every
/// problem of the answers themselves).
public enum AnswerFile {
    /// What one answer file is; a directory given instead is refused with "expected ..." and this.
    static let expectedSingle = "an answers file (.json)"

    /// The message of an input over ``RecordReader/maxFile``.
    static func tooLarge(_ size: Int) -> String {
        "too large (\(BatchEvaluator.size(size))); an answer file may be at most \(RecordReader.maxFile >> 20) MiB; "
            + "put many answer sets in a .jsonl file"
    }

    public static func read(_ input: InputSource, kb: KnowledgeBase) -> ReadOutcome {
        let fd: Int32
        switch input.openForReading(expected: expectedSingle) {
        case .descriptor(let opened): fd = opened
        case .problem(let problem): return .failure([problem])
        }
        defer { if fd != 0 { close(fd) } }
        var records = RecordReader(fd: fd, mode: .whole)
        defer { records.close() }
        // `.whole` hands over exactly one record: the input, or its size when over the limit.
        var whole: [UInt8] = []
        var oversize: Int?
        do {
            try records.forEach { record in
                switch record {
                case .tooLong(_, let size): oversize = size
                case .bytes(let bytes, _): whole = Array(bytes)
                }
                return false
            }
        } catch {
            return .failure([AnswerProblem(key: nil, message: "read failed: \(error)")])
        }
        if let oversize { return .failure([AnswerProblem(key: nil, message: tooLarge(oversize))]) }
        // An empty or blank input is the answer reader's to report, as in a batch.
        return AnswerReader(kb: kb).read(whole)
    }
}
