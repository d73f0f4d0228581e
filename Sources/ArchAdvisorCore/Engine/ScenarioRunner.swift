/// Runs the scenario tests of a knowledge base.
public struct ScenarioRunner: Sendable {
    public struct Result: Sendable {
        public var scenario: Scenario
        /// Mismatches, as "architecture: expected monolith, got microservices".
        public var failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    public func run() -> [Result] {
        let reader = AnswerReader(kb: kb)
        let evaluator = Evaluator(kb: kb)
        return kb.scenarios.map { scenario in
            switch reader.read(Array(scenario.answers.utf8)) {
            case .failure(let problems):
                return Result(scenario: scenario, failures: problems.map { "answers: \($0)" })
            case .success(let answers):
                let e = evaluator.evaluate(answers)
                var failures: [String] = []
                for (decision, expected) in scenario.expect {
                    let got = e.choice(decision, in: kb)
                    if got != expected {
                        failures.append("\(decision): expected \(expected ?? "null"), got \(got ?? "null")")
                    }
                }
                for (decision, expected) in scenario.expectConfidence {
                    guard let d = kb.decisionIndex[decision] else { continue }
                    let got = e.decisions[d].confidence?.rawValue ?? "none"
                    if got != expected { failures.append("\(decision) confidence: expected \(expected), got \(got)") }
                }
                return Result(scenario: scenario, failures: failures)
            }
        }
    }
}
