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

    @Test("integer thresholds are exact: the whole range gives `to`, one step short of it does not")
    func exactThresholds() throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        let whatIf = WhatIf(kb: kb)
        var ranges = 0
        for scenario in kb.scenarios {
            guard case .success(let answers) = AnswerReader(kb: kb).read(Array(scenario.answers.utf8)) else { continue }
            for change in whatIf.changes(for: answers) where change.set.count == 1 {
                let (q, v) = change.set[0]
                guard case .integer = kb.questions[q].kind, let range = change.range else { continue }
                let current = answers.values[q]
                guard v != current else { continue }
                func choice(at value: Int) -> Int? {
                    var trial = answers
                    trial.values[q] = value
                    trial.provided[q] = true
                    return evaluator.evaluate(trial).decisions[change.decision].choice
                }
                ranges += 1
                #expect(range.contains(v))
                for w in Set([range.lowerBound, range.upperBound, (range.lowerBound + range.upperBound) / 2]) {
                    #expect(choice(at: w) == change.to, "\(scenario.name): \(kb.questions[q].id)=\(w) is in the range reported")
                }
                let shortOf = v > current ? v - 1 : v + 1
                if shortOf != current {
                    #expect(choice(at: shortOf) != change.to, "\(scenario.name): \(kb.questions[q].id)=\(shortOf) already gives the change")
                }
                let beyond = v > current ? range.upperBound + 1 : range.lowerBound - 1
                var past = answers.values
                if kb.questions[q].slotRange.contains(beyond) { past[q] = beyond }
                // A range also ends where the answers become impossible (more teams than engineers).
                let possible = kb.constraints.allSatisfy { $0.require.evaluate(past) }
                if kb.questions[q].slotRange.contains(beyond) && possible {
                    #expect(choice(at: beyond) != change.to, "\(scenario.name): the range of \(kb.questions[q].id) ends at \(v > current ? range.upperBound : range.lowerBound)")
                }
            }
        }
        #expect(ranges > 0)
    }

    @Test("no change is built on impossible answers: a range stops where they begin")
    func rangesStopAtImpossibleAnswers() throws {
        let kb = try Project.kb()
        let answers = try kb.answers(#"{"team_size": 12, "team_count": 2, "product_stage": "early", "domain_understanding": "stabilizing", "scaling_profile": "some_hotspots"}"#)
        let size = try #require(kb.questionIndex["team_size"]), teams = try #require(kb.questionIndex["team_count"])
        for c in WhatIf(kb: kb).changes(for: answers) {
            var values = answers.values
            for (q, v) in c.set { values[q] = v }
            if let r = c.range, c.set.count == 1 {
                let ends = [r.lowerBound, r.upperBound].map { end -> [Int] in var x = values; x[c.set[0].question] = end; return x }
                for x in ends { #expect(x[teams] <= x[size], "\(c.set) reaches an impossible answer set") }
            }
            #expect(values[teams] <= values[size])
        }
    }

    @Test("each alternative gets its own change, and a change names the rules it makes fire")
    func perAlternative() throws {
        let kb = try Project.kb()
        let answers = try kb.answers(#"{"team_size": 30, "team_count": 4, "scaling_profile": "very_different", "domain_understanding": "well_understood", "product_stage": "growth", "kubernetes": true, "platform_team": true, "service_count": 12}"#)
        let changes = WhatIf(kb: kb).changes(for: answers, decision: 0)
        // microservices now; both the monolith and the mesh are reachable.
        #expect(Set(changes.compactMap(\.to)) == [0, 2])
        // No single mesh need outweighs the decision rule: it takes two.
        let toMesh = try #require(changes.first { $0.to == 2 })
        #expect(toMesh.set.count == 2 && toMesh.minimal)
        #expect(!toMesh.fires.isEmpty, "a change to the mesh makes a mesh rule fire")
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
        let text = WhatIfText(kb: kb).json(whatIf.changes(for: answers), answers: answers)
        #expect(text.hasPrefix("{\"changes\":["))
        #expect(text.contains("\"decision\":\"architecture\""))
    }
}
