import Foundation
import Testing
import TestSupport
@testable import ArchAdvisorCore

/// Collects what a batch produces.
final class TestSink: BatchSink {
    var bytes: [UInt8] = []
    var problems: [(input: String, problem: AnswerProblem)] = []
    var progressCalls: [Int] = []
    func output(_ b: UnsafeRawBufferPointer) { bytes += b }
    func problem(input: String, _ problem: AnswerProblem) { problems.append((input, problem)) }
    func progress(_ count: Int) { progressCalls.append(count) }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    /// Each output line parsed as a JSON object.
    func objects() throws -> [[String: Any]] {
        try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }
}

@Suite("Batch evaluator")
struct BatchEvaluatorTests {
    static let monolith = #"{"team_size": 3}"#
    /// A CSV row's contract columns (input and the choices), without the confidence and
    /// error columns after them. (Paths here have no commas.)
    static func contractColumns(_ line: String) -> String {
        line.split(separator: ",", omittingEmptySubsequences: false).prefix(6).joined(separator: ",")
    }
    static let services = #"{"team_size": 60, "team_count": 6, "service_count": 8, "independent_deploys": true, "scaling_profile": "very_different", "domain_understanding": "well_understood", "product_stage": "growth"}"#

    func run(_ format: ReportFormat, _ inputs: [InputSource], watch: Bool = false) throws -> (TestSink, BatchEvaluator.Summary) {
        let batch = BatchEvaluator(kb: try Project.kb(), format: format)
        batch.watchChoices = watch
        let sink = TestSink()
        batch.run(inputs, sink: sink)
        return (sink, batch.summary)
    }

    @Test func jsonLinesWithABadLineInTheMiddle() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("batch.jsonl", [Self.monolith, #"{"team_size": 0}"#, "", Self.services, #"{"team_size": "#, Self.monolith].joined(separator: "\n") + "\n")
        let (sink, summary) = try run(.json, [.file(path)])
        let objects = try sink.objects()
        #expect(objects.map { $0["input"] as? String } == [1, 2, 4, 5, 6].map { "\(path):\($0)" })
        #expect(objects.map { $0["error"] != nil } == [false, true, false, true, false])
        let error = try #require(objects[1]["error"] as? String)
        #expect(error.contains("team_size: expected an integer from 1 to 100000, got 0"))
        let problems = try #require(objects[1]["problems"] as? [[String: Any]])
        #expect(problems.first?["key"] as? String == "team_size")
        let arch = { (o: [String: Any]) in ((o["decisions"] as? [String: Any])?["architecture"] as? [String: Any])?["choice"] as? String }
        #expect(arch(objects[0]) == "monolith")
        #expect(arch(objects[2]) == "microservices" || arch(objects[2]) == "service_mesh")
        #expect(summary.evaluated == 3 && summary.failed == 2)
        #expect(sink.problems.map(\.input) == ["\(path):2", "\(path):5"])
        #expect(sink.problems.map(\.problem.key) == ["team_size", "team_size"])
    }

    @Test func jsonReportHasTheContractFields() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("shop.json", Self.monolith)
        let (sink, _) = try run(.json, [.file(path)])
        let object = try #require(try sink.objects().first)
        #expect(object["input"] as? String == path)
        let decisions = try #require(object["decisions"] as? [String: [String: Any]])
        #expect(Set(decisions.keys) == ["architecture", "sync_protocol", "messaging", "aggregation", "mesh"])
        let arch = try #require(decisions["architecture"])
        #expect(arch["choice"] as? String == "monolith")
        #expect((arch["scores"] as? [String: Double])?.keys.sorted() == ["microservices", "monolith", "service_mesh"])
        #expect(arch["excluded"] is [String: [String]])
        let reasons = try #require(arch["reasons"] as? [[String: Any]])
        #expect(!reasons.isEmpty)
        for reason in reasons {
            #expect(reason["rule"] is String && reason["effect"] is [String: Double] && reason["why"] is String && reason["source"] is String)
        }
        for id in ["sync_protocol", "messaging", "aggregation", "mesh"] {
            #expect(decisions[id]?["choice"] is NSNull, "\(id) must be null for a monolith")
        }
        let defaulted = try #require(object["defaulted"] as? [String])
        #expect(!defaulted.contains("team_size") && defaulted.contains("kubernetes"))
    }

    @Test(arguments: [false, true])
    func csvHasAHeaderAndEmptyCellsForNull(_ watch: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let small = try dir.write("small.json", Self.monolith)
        let odd = try dir.write("a,\"b\".json", Self.monolith)
        let bad = try dir.write("bad.json", #"{"kubernetes": 3}"#)
        let lines = try dir.write("many.jsonl", Self.services + "\n" + Self.monolith + "\n")
        let (sink, summary) = try run(.csv, [.file(small), .file(odd), .file(bad), .file(lines)], watch: watch)
        let header = "input,architecture,sync_protocol,messaging,aggregation,mesh"
            + ",architecture_confidence,sync_protocol_confidence,messaging_confidence,aggregation_confidence,mesh_confidence,error"
        #expect(sink.lines.first == header, "the contract's columns first, then confidence and error")
        #expect(sink.lines.count == 6)
        #expect(sink.lines[1] == "\(small),monolith,,,,,clear,,,,,")
        #expect(sink.lines[2] == "\"\(dir.path("a,\"\"b\"\".json"))\",monolith,,,,,clear,,,,,")
        #expect(sink.lines[3].hasPrefix("\(bad),,,,,,,,,,,"), "a bad input has empty cells and its error")
        #expect(sink.lines[3].contains("kubernetes: expected true or false"))
        let services = sink.lines[4].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(services.first == "\(lines):1")
        #expect(services.count == 12)
        #expect(["microservices", "service_mesh"].contains(services[1]))
        #expect(["rest", "grpc"].contains(services[2]))
        #expect(["clear", "leaning", "close call"].contains(services[6]))
        #expect(sink.lines[5] == "\(lines):2,monolith,,,,,clear,,,,,")
        #expect(summary.evaluated == 4 && summary.failed == 1)
        #expect(sink.problems.map(\.problem.key) == ["kubernetes"])
    }

    @Test func directoryAndMissingFileGetErrorsInPlace() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let good = try dir.write("good.json", Self.monolith)
        let missing = dir.path("missing.json")
        let empty = try dir.write("empty.json", "  \n")
        let (sink, summary) = try run(.json, [.file(dir.url.path), .file(good), .file(missing), .file(empty), .file(good)])
        let objects = try sink.objects()
        #expect(objects.map { $0["input"] as? String } == [dir.url.path, good, missing, empty, good])
        #expect((objects[0]["error"] as? String)?.contains("is a directory") == true)
        #expect((objects[2]["error"] as? String)?.contains("cannot read: no such file") == true)
        #expect((objects[3]["error"] as? String)?.contains("empty") == true)
        #expect(objects[1]["decisions"] != nil && objects[4]["decisions"] != nil)
        #expect(summary.evaluated == 2 && summary.failed == 3)
        #expect(sink.problems.map(\.input) == [dir.url.path, missing, empty])
        #expect(sink.problems.allSatisfy { $0.problem.key == nil })
    }

    @Test func prettyPrintedFileAndCRLFLines() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let pretty = try dir.write("pretty.json", "{\n  \"team_size\": 3,\n  \"kubernetes\": false\n}\n")
        let crlf = try dir.write("crlf.jsonl", Self.monolith + "\r\n" + Self.monolith + "\r\n")
        let (sink, summary) = try run(.csv, [.file(pretty), .file(crlf)])
        #expect(sink.lines.dropFirst().map(Self.contractColumns) == ["\(pretty),monolith,,,,", "\(crlf):1,monolith,,,,", "\(crlf):2,monolith,,,,"])
        #expect(summary.failed == 0)
    }

    /// A line longer than the read buffer is an error for that line only.
    @Test func overlongLineFailsAloneInJSONLines() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let long = #"{"x-pad": ""# + String(repeating: "a", count: 3 * RecordReader.maxRecord) + #""}"#
        let path = try dir.write("long.jsonl", [Self.monolith, long, Self.monolith].joined(separator: "\n"))
        let (sink, summary) = try run(.csv, [.file(path)])
        #expect(sink.lines.dropFirst().map(Self.contractColumns) == ["\(path):1,monolith,,,,", "\(path):2,,,,,", "\(path):3,monolith,,,,"])
        #expect(summary.failed == 1)
        #expect(sink.problems.first?.problem.message.contains("too large") == true)
    }

    /// RecordReader.maxRecord is documented as the longest record accepted; a line just
    /// above it must be refused wherever it stands in the file.
    @Test func recordLimitHoldsWhereverTheLineStands() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let long = #"{"x-pad": ""# + String(repeating: "a", count: RecordReader.maxRecord + 100) + #""}"#
        let path = try dir.write("long.jsonl", [Self.monolith, long, Self.monolith].joined(separator: "\n"))
        let (sink, _) = try run(.csv, [.file(path)])
        #expect(sink.lines.dropFirst().map(Self.contractColumns) == ["\(path):1,monolith,,,,", "\(path):2,,,,,", "\(path):3,monolith,,,,"],
                "a \(RecordReader.maxRecord + 112)-byte line was accepted because it happened to fit in the read buffer")
    }

    @Test func policyCounts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("two.jsonl", Self.monolith + "\n" + Self.monolith + "\n")
        let (_, summary) = try run(.json, [.file(path)], watch: true)
        #expect(summary.choices["architecture=monolith"] == 2)
        #expect(summary.choices["architecture=microservices"] == nil)
    }

    @Test(arguments: [ReportFormat.table, .markdown])
    func humanFormatsNameEveryInput(_ format: ReportFormat) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = try dir.write("a.json", Self.monolith), b = try dir.write("b.json", "[]")
        let (sink, _) = try run(format, [.file(a), .file(b)])
        let text = sink.text
        #expect(text.contains(a) && text.contains(b))
        #expect(text.contains("monolith"))
        #expect(text.contains("does not apply"))
        #expect(text.contains("expected a JSON object of answers"))
        #expect(!text.contains("\u{1B}["), "no colour codes without a terminal style")
        let ia = try #require(text.range(of: a)), ib = try #require(text.range(of: b))
        #expect(ia.lowerBound < ib.lowerBound)
    }
}
