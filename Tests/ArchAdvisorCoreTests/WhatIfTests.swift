import Testing
@testable import ArchAdvisorCore

@Suite("what-if")
struct WhatIfTests {
    /// The contract's guarantee: applying any reported change and evaluating again gives `to`.
    @Test("every change reported for every scenario really gives its `to`")
    func everyChangeHolds() throws {
        let kb = try Project.kb()
        let reader = AnswerReader(kb: kb)
        let evaluator = Evaluator(kb: kb)
        let whatIf = WhatIf(kb: kb)
        var checked = 0
        for scenario in kb.scenarios {
            guard case .success(let answers) = reader.read(Array(scenario.answers.utf8)) else {
                Issue.record("scenario \(scenario.name) does not read")
                continue
            }
            let before = evaluator.evaluate(answers)
            let changes = whatIf.changes(for: answers)
            #expect(!changes.isEmpty, "no what-if for \(scenario.name)")
            for change in changes {
                let after = evaluator.evaluate(whatIf.apply(change, to: answers))
                let d = change.decision
                #expect(after.decisions[d].choice == change.to, "\(scenario.name): \(kb.decisions[d].id) should become \(String(describing: change.to))")
                #expect(before.decisions[d].choice == change.from)
                #expect(change.from != change.to)
                checked += 1
            }
        }
        #expect(checked > kb.scenarios.count)
    }

    @Test("integer thresholds are exact: one step short of the threshold keeps the choice")
    func exactThresholds() throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        let whatIf = WhatIf(kb: kb)
        for scenario in kb.scenarios {
            guard case .success(let answers) = AnswerReader(kb: kb).read(Array(scenario.answers.utf8)) else { continue }
            for change in whatIf.changes(for: answers) where change.set.count == 1 {
                let (q, v) = change.set[0]
                guard case .integer = kb.questions[q].kind else { continue }
                let current = answers.values[q]
                let shortOf = v > current ? v - 1 : v + 1
                guard shortOf != current else { continue }
                var trial = answers
                trial.values[q] = shortOf
                #expect(evaluator.evaluate(trial).decisions[change.decision].choice == change.from,
                        "\(scenario.name): \(kb.questions[q].id)=\(shortOf) already changes \(kb.decisions[change.decision].id)")
                if change.holdsBeyond {
                    let far = v > current ? kb.questions[q].slotRange.upperBound : kb.questions[q].slotRange.lowerBound
                    trial.values[q] = far
                    #expect(evaluator.evaluate(trial).decisions[change.decision].choice == change.to)
                }
            }
        }
    }

    @Test("a larger team flips the defaults-plus-services answer to microservices at a threshold")
    func teamSizeThreshold() throws {
        let kb = try Project.kb()
        let json = #"{"team_size": 8, "service_count": 6, "domain_understanding": "well_understood", "independent_deploys": true}"#
        guard case .success(let answers) = AnswerReader(kb: kb).read(Array(json.utf8)) else {
            Issue.record("answers do not read")
            return
        }
        let whatIf = WhatIf(kb: kb)
        let text = whatIf.json(whatIf.changes(for: answers), answers: answers)
        #expect(text.hasPrefix("{\"changes\":["))
        #expect(text.contains("\"decision\":\"architecture\""))
    }
}
