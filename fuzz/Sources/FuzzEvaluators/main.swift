// libFuzzer entry point: the two evaluators must agree.
//
// Each input's bytes become an answer set: per question, two bytes pick a value (one of the
// question's classes of values, or a value spread over its range) and one bit says whether
// the answer is given or left at its default. The batch fast path (ChoiceEvaluator, flat
// buffers) and the detailed Evaluator (condition trees) must then choose the same option
// for every decision, pin the same unasked answers, and, when every answer is given, the
// fast path's confidence must be the detailed one's.
import ArchAdvisorCore
import FuzzSupport

let kb = fuzzKnowledgeBase
let detailed = Evaluator(kb: kb)
let fast = ChoiceEvaluator(kb: kb)
let questionCount = kb.questions.count
let representatives = kb.questions.indices.map { kb.representatives(of: $0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 3 * questionCount else { return 0 }
    var values: [Int] = []
    var provided: [Bool] = []
    for q in 0..<questionCount {
        let draw = Int(data[3 * q]) << 8 | Int(data[3 * q + 1])
        let given = data[3 * q + 2] & 1 == 1
        let reps = representatives[q]
        let range = kb.questions[q].slotRange
        let value = draw < reps.count * 64 ? reps[draw % reps.count]
            : range.lowerBound + draw % max(1, min(range.upperBound - range.lowerBound + 1, 1 << 16))
        values.append(given ? value : kb.questions[q].defaultValue)
        provided.append(given)
    }
    let answers = AnswerSet(values: values, provided: provided)
    let full = detailed.evaluate(answers)
    var slots = values + Array(repeating: Condition.null, count: kb.decisions.count)
    var confidence = Array(repeating: UInt8(0), count: kb.decisions.count)
    slots.withUnsafeMutableBufferPointer { v in
        provided.withUnsafeBufferPointer { p in confidence.withUnsafeMutableBufferPointer { fast.evaluate(v, provided: p, confidence: $0) } }
    }
    for q in 0..<questionCount where full.pinned[q] && slots[q] != kb.questions[q].defaultValue {
        fuzzFail("\(kb.questions[q].id) is pinned by the evaluator but not by the fast path for \(values) \(provided)")
    }
    for r in full.decisions {
        let chosen = slots[questionCount + r.decision]
        guard chosen == (r.choice ?? Condition.null) else {
            fuzzFail("decision \(kb.decisions[r.decision].id): fast path chose \(chosen), evaluator \(String(describing: r.choice)) for \(values) \(provided)")
        }
        if !provided.contains(false), r.applies, let word = r.confidence, confidence[r.decision] != ChoiceEvaluator.confidenceCode(word) {
            fuzzFail("decision \(kb.decisions[r.decision].id): fast confidence \(confidence[r.decision]), evaluator \(word) for \(values)")
        }
    }
    return 0
}
