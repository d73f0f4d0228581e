import Foundation
import Testing
@testable import ArchAdvisorCore
#if canImport(Glibc)
import Glibc
#endif

/// Splitting input into answer records, as stdin (`.values`), JSON Lines (`.lines`) and
/// single files (`.whole`) are read.
@Suite("Record reader")
struct RecordReaderTests {
    enum Got: Equatable, CustomStringConvertible {
        case record(String, line: Int)
        case tooLong(line: Int)
        var description: String {
            switch self {
            case .record(let s, let line): "\(line): \(s)"
            case .tooLong(let line): "\(line): too long"
            }
        }
    }

    /// Feeds `bytes` through a pipe, as stdin would be, and collects the records.
    func records(_ bytes: [UInt8], mode: RecordReader.Mode) throws -> [Got] {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        let readFD = fds[0], writeFD = fds[1]
        // A writer thread, so inputs bigger than the pipe buffer work too.
        let writer = Thread { [bytes] in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writeFD, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeFD)
        }
        writer.start()
        defer { close(readFD) }
        var reader = RecordReader(fd: readFD, mode: mode)
        defer { reader.close() }
        var got: [Got] = []
        try reader.forEach { record in
            switch record {
            case .bytes(let b, let line): got.append(.record(String(decoding: b, as: UTF8.self), line: line))
            case .tooLong(let line, _): got.append(.tooLong(line: line))
            }
            return true
        }
        return got
    }

    func records(_ text: String, mode: RecordReader.Mode) throws -> [Got] {
        try records(Array(text.utf8), mode: mode)
    }

    @Test func valuesModeSplitsPrettyAndPackedObjects() throws {
        let input = """
            {
              "team_size": 4,
              "kubernetes": true
            }
            {"team_size": 5} {"team_size": 6}

              {"x-s": "}{ \\" ]", "team_size": 7}
            """
        let got = try records(input, mode: .values)
        #expect(got == [
            .record("{\n  \"team_size\": 4,\n  \"kubernetes\": true\n}", line: 1),
            .record(#"{"team_size": 5}"#, line: 5),
            .record(#"{"team_size": 6}"#, line: 5),
            .record(#"{"x-s": "}{ \" ]", "team_size": 7}"#, line: 7),
        ])
    }

    @Test func valuesModeKeepsGarbageAsItsOwnRecord() throws {
        let got = try records("oops\n{\"team_size\": 5}\n[1, [2]]\n", mode: .values)
        #expect(got.count == 3)
        #expect(got.first == .record("oops\n", line: 1))
        #expect(got.dropFirst().first == .record(#"{"team_size": 5}"#, line: 2))
        #expect(got.last == .record("[1, [2]]", line: 3))
    }

    @Test func valuesModeUnterminatedObjectAtTheEnd() throws {
        let got = try records("{\"team_size\": 5}\n{\"team_size\": ", mode: .values)
        #expect(got == [.record(#"{"team_size": 5}"#, line: 1), .record(#"{"team_size": "#, line: 2)])
    }

    @Test func valuesModeAcrossManyChunks() throws {
        // Far more than one read buffer, so records straddle chunk boundaries.
        let one = #"{"team_size": 12, "x-pad": "\#(String(repeating: "}", count: 300))"}"#
        let input = Array(repeating: one, count: 10_000).joined(separator: " \n")
        let got = try records(input, mode: .values)
        #expect(got.count == 10_000)
        #expect(got.allSatisfy { if case .record(let s, _) = $0 { s == one } else { false } })
        #expect(got.last == .record(one, line: 10_000))
    }

    @Test func linesModeSkipsBlankLinesAndCountsThem() throws {
        let got = try records("{\"a\": 1}\n\n   \n{\"b\": 2}\r\n{\"c\": 3}", mode: .lines)
        #expect(got == [.record(#"{"a": 1}"#, line: 1), .record("{\"b\": 2}\r", line: 4), .record(#"{"c": 3}"#, line: 5)])
    }

    @Test func linesModeOverlongLineIsReportedAndSkipped() throws {
        let long = String(repeating: "x", count: 5 * RecordReader.maxRecord / 2)
        let got = try records("{\"a\": 1}\n" + long + "\n{\"b\": 2}\n", mode: .lines)
        #expect(got == [.record(#"{"a": 1}"#, line: 1), .tooLong(line: 2), .record(#"{"b": 2}"#, line: 3)])
    }

    @Test func wholeModeIsOneRecord() throws {
        let text = "{\n\"team_size\": 4\n}\n{\"x\": 1}\n"
        #expect(try records(text, mode: .whole) == [.record(text, line: 1)])
        #expect(try records("", mode: .whole) == [.record("", line: 1)])
    }

    @Test func stopsWhenTheBodySaysSo() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = Array("{}\n{}\n{}\n".utf8)
        _ = text.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        close(fds[1])
        defer { close(fds[0]) }
        var reader = RecordReader(fd: fds[0], mode: .lines)
        defer { reader.close() }
        var count = 0
        try reader.forEach { _ in
            count += 1
            return count < 2
        }
        #expect(count == 2)
    }

    @Test func inputSourceNames() {
        #expect(InputSource.standardInput.name == "stdin")
        #expect(InputSource.file("a/b.json").name == "a/b.json")
        #expect(InputSource.file("x.jsonl").isJSONLines)
        #expect(InputSource.file("x.ndjson").isJSONLines)
        #expect(!InputSource.file("x.json").isJSONLines)
        #expect(!InputSource.standardInput.isJSONLines)
    }
}
