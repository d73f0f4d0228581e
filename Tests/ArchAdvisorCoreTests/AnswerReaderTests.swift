import Testing
@testable import ArchAdvisorCore

/// Valid answer files: values, defaults, `provided` flags and the keys that are ignored.
@Suite("Answer reader: valid input")
struct AnswerReaderTests {
    func read(_ text: String) throws -> (KnowledgeBase, AnswerSet) {
        let kb = try Project.kb()
        let outcome = AnswerReader(kb: kb).read(Array(text.utf8))
        let answers = try #require(outcome.answers, "rejected: \(outcome.problems)")
        return (kb, answers)
    }

    func value(_ kb: KnowledgeBase, _ answers: AnswerSet, _ id: String) -> Int { answers.values[kb.questionIndex[id]!] }

    @Test func emptyObjectTakesEveryDefault() throws {
        let (kb, answers) = try read("{}")
        #expect(answers == AnswerSet(defaultsOf: kb))
        #expect(answers.values == kb.questions.map(\.defaultValue))
        #expect(answers.provided.allSatisfy { !$0 })
        #expect(answers.defaulted(in: kb) == kb.questions.map(\.id))
    }

    @Test func valuesOfEveryTypeAndProvidedFlags() throws {
        let (kb, answers) = try read(#"{"team_size": 25, "kubernetes": true, "product_stage": "growth", "polyglot": false, "client_fanout": 0}"#)
        #expect(value(kb, answers, "team_size") == 25)
        #expect(value(kb, answers, "kubernetes") == 1)
        #expect(value(kb, answers, "polyglot") == 0)
        #expect(value(kb, answers, "client_fanout") == 0)
        let stage = try #require(kb.questionIndex["product_stage"])
        guard case .choice(let choices) = kb.questions[stage].kind else { Issue.record("product_stage is not a choice"); return }
        #expect(choices[answers.values[stage]].value == "growth")
        let given = Set(["team_size", "kubernetes", "product_stage", "polyglot", "client_fanout"])
        for (i, q) in kb.questions.enumerated() {
            #expect(answers.provided[i] == given.contains(q.id), "\(q.id)")
            if !given.contains(q.id) { #expect(answers.values[i] == q.defaultValue, "\(q.id) default") }
        }
        #expect(Set(answers.defaulted(in: kb)) == Set(kb.questions.map(\.id)).subtracting(given))
    }

    @Test func givingTheDefaultValueStillCountsAsProvided() throws {
        let (kb, answers) = try read(#"{"team_size": 5}"#)
        let i = try #require(kb.questionIndex["team_size"])
        #expect(kb.questions[i].defaultValue == 5)
        #expect(answers.provided[i])
        #expect(!answers.defaulted(in: kb).contains("team_size"))
    }

    @Test func schemaAndExtensionKeysAreAccepted() throws {
        let (kb, answers) = try read("""
            {"$schema": "https://archadvisor.dev/schema/answers.json", "x-owner": {"team": ["a", {"b": null}], "n": -1.5e3},
             "x-": true, "team_size": 12}
            """)
        #expect(value(kb, answers, "team_size") == 12)
        #expect(answers.provided.filter { $0 }.count == 1)
    }

    @Test func escapedKeysAndValuesMatch() throws {
        let (kb, answers) = try read(#"{"team\u005fsize": 7, "product_st\u0061ge": "gr\u006fwth", "x-\ud83d\ude00": 1}"#)
        #expect(value(kb, answers, "team_size") == 7)
        #expect(answers.provided[kb.questionIndex["team_size"]!])
        #expect(answers.provided[kb.questionIndex["product_stage"]!])
        #expect(kb.questions[kb.questionIndex["product_stage"]!].displayValue(value(kb, answers, "product_stage")) == "growth")
    }

    @Test func whitespaceEverywhere() throws {
        let (kb, answers) = try read(" \n\t{ \r\n \"team_size\" \t:\n 30 ,\n\"kubernetes\":true}\n\n")
        #expect(value(kb, answers, "team_size") == 30)
        #expect(value(kb, answers, "kubernetes") == 1)
    }

    @Test func integerBoundsAreInclusive() throws {
        let kb = try Project.kb()
        for id in ["team_size", "team_count", "service_count", "client_fanout"] {
            let q = kb.questions[try #require(kb.questionIndex[id])]
            guard case .integer(let r) = q.kind else { Issue.record("\(id) is not an integer"); continue }
            for v in [r.lowerBound, r.upperBound] {
                // As many engineers as there can be, so no team count is impossible.
                let json = id == "team_size" ? "{\"\(id)\": \(v)}" : "{\"team_size\": 100000, \"\(id)\": \(v)}"
                let (_, answers) = try read(json)
                #expect(value(kb, answers, id) == v)
            }
        }
    }

    @Test func moreTeamsThanEngineersIsRejectedNamingBothKeys() throws {
        let kb = try Project.kb()
        let given = AnswerReader(kb: kb).read(Array(#"{"team_size": 3, "team_count": 10}"#.utf8))
        let problem = try #require(given.problems.first)
        #expect(given.problems.count == 1)
        #expect(problem.key == "team_count")
        #expect(problem.message.contains("team_size is 3") && problem.message.contains("team_count is 10"))
        #expect(problem.message.contains("team_count <= team_size"))
        // A defaulted team size is named as the default.
        let defaulted = AnswerReader(kb: kb).read(Array(#"{"team_count": 8}"#.utf8))
        #expect(defaulted.problems.first?.message.contains("team_size is 5 (its default)") == true)
        #expect(AnswerReader(kb: kb).read(Array(#"{"team_size": 3, "team_count": 3}"#.utf8)).answers != nil)
    }

    @Test func answersRoundTripThroughTheirJSON() throws {
        let (kb, answers) = try read(#"{"team_size": 40, "product_stage": "mature", "mtls_required": true}"#)
        let again = try kb.answers(answers.json(in: kb))
        #expect(again == answers)
        let all = try kb.answers(answers.json(in: kb, all: true, pretty: false))
        #expect(all.values == answers.values)
        #expect(all.provided.allSatisfy { $0 })
    }
}
