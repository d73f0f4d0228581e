/// The questionnaire's answers and position. Every question before `position` is settled
/// for this pass (given, from the file, or skipped); later ones may hold answers kept from
/// before a step back, offered again as defaults.
struct FlowState {
    let kb: KnowledgeBase
    var values: [Int]
    var origins: [AnswerOrigin]
    /// Whether each answer stands in this pass (false for answers kept from before a step back).
    var confirmed: [Bool]
    /// Questions answered in this pass, most recent last: where `<` goes.
    var history: [Int] = []
    var asked: [Int] = []
    var position = 0

    init(kb: KnowledgeBase, starting: AnswerSet?) {
        self.kb = kb
        values = starting?.values ?? kb.questions.map(\.defaultValue)
        origins = kb.questions.indices.map { starting?.provided[$0] == true ? .file : .unanswered }
        confirmed = origins.map { $0 == .file }
    }

    /// Moves past settled questions and those whose `ask_when` does not hold.
    mutating func skipForward() {
        while position < kb.questions.count {
            let q = position
            if confirmed[q] {
                position += 1
            } else if !kb.questions[q].askWhen.evaluate(values) {
                values[q] = kb.questions[q].defaultValue
                origins[q] = .skipped
                confirmed[q] = true
                position += 1
            } else {
                return
            }
        }
    }

    /// The default to offer for `q`: an answer kept from before a step back, else the
    /// question's default; and the origin Enter gives it.
    func offered(_ q: Int) -> (Int, AnswerOrigin) {
        if !confirmed[q], origins[q] == .typed || origins[q] == .acceptedDefault { return (values[q], origins[q]) }
        return (kb.questions[q].defaultValue, .acceptedDefault)
    }

    mutating func answer(_ q: Int, _ value: Int, _ origin: AnswerOrigin) {
        values[q] = value
        origins[q] = origin
        confirmed[q] = true
        history.append(q)
        if !asked.contains(q) { asked.append(q) }
        position = q + 1
    }

    /// Back to the previous question asked; answers from there on are kept as offers.
    mutating func back() {
        guard let previous = history.popLast() else { return }
        for q in previous..<kb.questions.count where origins[q] != .file {
            confirmed[q] = false
            if origins[q] == .skipped || origins[q] == .notNeeded {
                origins[q] = .unanswered
                values[q] = kb.questions[q].defaultValue
            }
        }
        position = previous
    }

    /// What is known for the "can anything still change?" check.
    var partial: PartialAnswers { PartialAnswers(values: values, known: confirmed) }

    /// Question `q` is not needed (no answer to it can change a decision): it keeps an
    /// answer given before a step back, else takes its default.
    mutating func skipNotNeeded(_ q: Int) {
        if !(origins[q] == .typed || origins[q] == .acceptedDefault) {
            values[q] = kb.questions[q].defaultValue
            origins[q] = .notNeeded
        }
        confirmed[q] = true
        position = q + 1
    }

    /// Stopped early: no remaining answer can change a decision. The remaining questions
    /// are skipped by their `ask_when`, or not needed.
    mutating func finishEarly() {
        while position < kb.questions.count {
            skipForward()
            if position < kb.questions.count { skipNotNeeded(position) }
        }
    }

    /// Questions left at their default because they were not needed.
    var notNeeded: Int { origins.filter { $0 == .notNeeded }.count }

    /// The answers so far: given ones are provided, the rest hold defaults.
    var answers: AnswerSet {
        var v = values
        for q in kb.questions.indices where !origins[q].isGiven { v[q] = kb.questions[q].defaultValue }
        return AnswerSet(values: v, provided: origins.map(\.isGiven))
    }

    func result(_ ending: QuestionnaireResult.Ending) -> QuestionnaireResult {
        QuestionnaireResult(ending: ending, answers: answers, origins: origins, asked: asked)
    }
}
