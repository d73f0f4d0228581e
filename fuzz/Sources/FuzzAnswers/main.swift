// libFuzzer entry point: answer files and JSON Lines.
//
// Each input is raw bytes, read three ways:
// 1. AnswerReader.read as one answer file (the `.json` path). On success every value must
//    lie in its question's range (integers) or index a choice, and reading the same bytes
//    again must give the same outcome; a failure must carry at least one problem, each
//    with a message.
// 2. RecordReader in `.values` mode (stdin: one or more JSON values, across or within
//    lines) over a file holding the bytes, each record then read by AnswerReader through
//    the batch fast path (unsafe buffers, as BatchEvaluator calls it).
// 3. RecordReader in `.lines` mode (a `.jsonl` file), likewise.
// For 2 and 3, every record must be a slice of the input, in order, and not overlap the
// one before.
// Every answer set read is then scored twice, by the batch fast path (ChoiceEvaluator, used
// by `--format csv`) and by the full Evaluator: both must choose the same option for every
// decision.
import ArchAdvisorCore
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif

let kb = fuzzKnowledgeBase
let reader = AnswerReader(kb: kb)
let fullEvaluator = Evaluator(kb: kb)
let fastEvaluator = ChoiceEvaluator(kb: kb)
let defaults = kb.defaultValues
let questionCount = kb.questions.count

/// A scratch file for RecordReader, which reads from a file descriptor.
let scratch: Int32 = {
    var template = Array("/tmp/archadvisor-fuzz-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { fuzzFail("mkstemp failed") }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
}()

/// The fast path and the full evaluator must agree on `answers`.
func checkChoices(_ answers: AnswerSet, _ what: String) {
    var slots = answers.values + Array(repeating: Condition.null, count: kb.decisions.count)
    slots.withUnsafeMutableBufferPointer { v in answers.provided.withUnsafeBufferPointer { fastEvaluator.evaluate(v, provided: $0) } }
    let full = fullEvaluator.evaluate(answers)
    for r in full.decisions {
        let fast = slots[questionCount + r.decision]
        let expected = r.choice ?? Condition.null
        guard fast == expected else {
            fuzzFail("\(what): decision \(kb.decisions[r.decision].id): fast path chose \(fast), evaluator \(expected) for \(answers.values)")
        }
    }
}

func checkOutcome(_ outcome: ReadOutcome, _ what: String) {
    switch outcome {
    case .success(let answers):
        checkChoices(answers, what)
        guard answers.values.count == questionCount, answers.provided.count == questionCount else {
            fuzzFail("\(what): \(answers.values.count) values for \(questionCount) questions")
        }
        for (q, question) in kb.questions.enumerated() where !question.slotRange.contains(answers.values[q]) {
            fuzzFail("\(what): \(question.id) = \(answers.values[q]) outside \(question.slotRange)")
        }
    case .failure(let problems):
        guard !problems.isEmpty else { fuzzFail("\(what): failure without a problem") }
        for p in problems where p.message.isEmpty { fuzzFail("\(what): a problem without a message") }
    }
}

func split(_ data: UnsafeRawBufferPointer, mode: RecordReader.Mode) {
    guard ftruncate(scratch, 0) == 0, lseek(scratch, 0, SEEK_SET) == 0 else { fuzzFail("ftruncate/lseek failed") }
    var written = 0
    while written < data.count {
        let n = write(scratch, data.baseAddress! + written, data.count - written)
        guard n > 0 else { fuzzFail("write failed") }
        written += n
    }
    guard lseek(scratch, 0, SEEK_SET) == 0 else { fuzzFail("lseek failed") }
    // A buffer twice the input (not the CLI's 2 MiB): the whole input arrives in one read,
    // and a 2 MiB allocation per run would slow ASan down 10-fold.
    var records = RecordReader(fd: scratch, mode: mode, chunk: data.count)
    defer { records.close() }
    var values = defaults
    var provided = Array(repeating: false, count: questionCount)
    var searchFrom = 0
    do {
        try records.forEach { record in
            guard case .bytes(let bytes, let line) = record else { return true }
            guard line >= 1 else { fuzzFail("\(mode): record on line \(line)") }
            guard bytes.count > 0, bytes.count <= data.count - searchFrom else {
                fuzzFail("\(mode): record of \(bytes.count) bytes with \(data.count - searchFrom) left")
            }
            // The record must appear in the input at or after the end of the previous one.
            var found = -1
            var at = searchFrom
            while at + bytes.count <= data.count {
                if memcmp(data.baseAddress! + at, bytes.baseAddress!, bytes.count) == 0 { found = at; break }
                at += 1
            }
            guard found >= 0 else { fuzzFail("\(mode): a record that is not a slice of the input after offset \(searchFrom)") }
            searchFrom = found + bytes.count
            for i in 0..<values.count { values[i] = defaults[i] }
            for i in 0..<provided.count { provided[i] = false }
            let problems = values.withUnsafeMutableBufferPointer { v in
                provided.withUnsafeMutableBufferPointer { p in reader.read(bytes, values: v, provided: p) }
            }
            if problems.isEmpty {
                for (q, question) in kb.questions.enumerated() where !question.slotRange.contains(values[q]) {
                    fuzzFail("\(mode): \(question.id) = \(values[q]) outside \(question.slotRange)")
                }
                checkChoices(AnswerSet(values: Array(values[0..<questionCount]), provided: provided), "\(mode)")
            } else if problems.contains(where: { $0.message.isEmpty }) {
                fuzzFail("\(mode): a problem without a message")
            }
            return true
        }
    } catch {
        fuzzFail("\(mode): read failed: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let first = reader.read(bytes)
    checkOutcome(first, "read")
    guard reader.read(bytes) == first else { fuzzFail("reading the same bytes twice gave different outcomes") }
    guard size > 0 else { return 0 }
    bytes.withUnsafeBytes { raw in
        split(raw, mode: .values)
        split(raw, mode: .lines)
    }
    return 0
}
