// libFuzzer entry point: the condition language.
//
// Each input is condition text (bytes decoded as UTF-8, invalid sequences replaced). It is
// parsed, type-checked against the real knowledge base's symbols (questions and, depending
// on the input, all decisions or only those before one, as rules see them), and when it
// compiles, evaluated over a few slot vectors. Checked on the way:
// - no crash, trap or sanitizer report in the lexer, parser, checker or evaluator;
// - a ConditionError's offset lies within the text (the caret of a diagnostic);
// - parse + check gives the same result as TypeChecker.compile;
// - a compiled condition reads only slots that exist, and its partial evaluation agrees
//   with the full one when every slot is known.
import ArchAdvisorCore
import FuzzSupport

let kb = fuzzKnowledgeBase
nonisolated(unsafe) let scopes: [TypeChecker] = (0...kb.decisions.count).map { d in
    let s = kb.symbols(before: d == kb.decisions.count ? nil : d)
    return TypeChecker(symbols: s.symbols, forbidden: s.forbidden)
}
let vectors: [[Int]] = {
    var v: [[Int]] = [kb.defaultValues]
    // Lowest and highest of every question's range; decisions at their first option.
    v.append(kb.questions.map(\.slotRange.lowerBound) + Array(repeating: 0, count: kb.decisions.count))
    v.append(kb.questions.map(\.slotRange.upperBound) + kb.decisions.map { $0.options.count - 1 })
    return v
}()
let ranges: [ClosedRange<Int>?] = kb.questions.map(\.slotRange) + kb.decisions.map { 0...max(0, $0.options.count - 1) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let length = text.unicodeScalars.count
    let checker = scopes[size % scopes.count]

    func checkError(_ e: ConditionError, _ stage: String) {
        guard e.offset >= 0 && e.offset <= length else {
            fuzzFail("\(stage): offset \(e.offset) outside 0...\(length) for \(text.debugDescription): \(e.message)")
        }
        guard !e.message.isEmpty else { fuzzFail("\(stage): empty message") }
        // Render the diagnostic as `kb build` does (caret under the column).
        let d = Diagnostic(location: SourceLocation(file: "rules/fuzz.yaml", line: 1, column: e.offset + 1), message: e.message, lineText: text)
        _ = d.description
    }

    var parsed: SyntaxNode?
    do {
        parsed = try ConditionParser.parse(text)
    } catch {
        checkError(error, "parse")
    }
    var compiled: Result<Condition, ConditionError>
    do {
        compiled = .success(try checker.compile(text))
    } catch {
        checkError(error, "compile")
        compiled = .failure(error)
    }
    if let parsed {
        let again: Result<Condition, ConditionError>
        do { again = .success(try checker.check(parsed)) } catch { again = .failure(error) }
        guard again == compiled else { fuzzFail("parse+check differs from compile for \(text.debugDescription)") }
    } else if case .success = compiled {
        fuzzFail("compile succeeded where parse failed for \(text.debugDescription)")
    }
    guard case .success(let condition) = compiled else { return 0 }
    for slot in condition.slots where slot < 0 || slot >= kb.slotCount {
        fuzzFail("compiled condition reads slot \(slot) of \(kb.slotCount) for \(text.debugDescription)")
    }
    let known = Array(repeating: true, count: kb.slotCount)
    for v in vectors {
        let full = condition.evaluate(v)
        let partial = condition.evaluate(partial: v, known: known, ranges: ranges)
        guard partial == full else { fuzzFail("partial evaluation \(String(describing: partial)) != \(full) for \(text.debugDescription)") }
    }
    let unknown = Array(repeating: false, count: kb.slotCount)
    _ = condition.evaluate(partial: kb.defaultValues, known: unknown, ranges: ranges)
    for slot in condition.slots { _ = condition.thresholds(for: slot) }
    return 0
}
