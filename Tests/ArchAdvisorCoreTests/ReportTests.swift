import Foundation
import Testing
@testable import ArchAdvisorCore

/// Reports and explanations built from an evaluation.
@Suite("Reports and explanations")
struct ReportTests {
    static let services = #"{"team_size": 60, "team_count": 6, "service_count": 8, "independent_deploys": true, "scaling_profile": "very_different", "domain_understanding": "well_understood", "product_stage": "growth", "client_fanout": 2}"#

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(300))")
    }

    @Test func whatWouldChangeTheChoiceComesFromChangingTheAnswers() throws {
        let kb = try Project.kb()
        let answers = try kb.answers(Self.services)
        let explanation = Explainer(kb: kb).explain(answers)
        let evaluator = Evaluator(kb: kb)
        let whatIf = WhatIf(kb: kb)
        #expect(explanation.entries.count == kb.decisions.count)
        var total = 0
        for entry in explanation.entries {
            let r = entry.result
            #expect(r == explanation.evaluation.decisions[r.decision])
            if !r.applies { #expect(entry.changes.isEmpty) }
            // The same changes whatif reports, and each really gives its `to`.
            #expect(entry.changes == whatIf.changes(for: answers, decision: r.decision))
            for c in entry.changes {
                total += 1
                #expect(c.from == r.choice && c.to != r.choice)
                #expect(evaluator.evaluate(whatIf.apply(c, to: answers)).decisions[r.decision].choice == c.to)
            }
        }
        #expect(total > 0, "these answers sit close enough to a boundary for some change to flip a decision")
    }

    @Test func explanationTextNamesRulesAndSources() throws {
        let kb = try Project.kb()
        let explainer = Explainer(kb: kb)
        let text = ExplainText(kb: kb, style: Style(color: false)).render(explainer.explain(try kb.answers(Self.services)), input: "shop.json")
        #expect(text.hasPrefix("shop.json\n"))
        let fired = explainer.explain(try kb.answers(Self.services)).entries[0].result.fired
        for i in fired {
            #expect(text.contains("    \(kb.rules[i].id): "), "\(kb.rules[i].id)")
            #expect(text.contains(kb.section(of: kb.rules[i].source)))
            if let c = kb.rules[i].calibration { #expect(text.contains(c), "explain shows the calibration of \(kb.rules[i].id)") }
        }
        #expect(!text.contains("\u{1B}["))
    }

    @Test func jsonReportOfAFailureIsValidJSON() throws {
        let kb = try Project.kb()
        let problems = [AnswerProblem(key: "team_size", message: "expected an integer, got \"x\"\n"), AnswerProblem(key: nil, message: "bad \\ input")]
        let o = try json(JSONReport(kb: kb).render(input: "in\"put.json", outcome: .failed(problems)))
        #expect(o["input"] as? String == "in\"put.json")
        #expect(o["error"] as? String == problems.map(\.description).joined(separator: "; "))
        let list = try #require(o["problems"] as? [[String: Any]])
        #expect(list.map { $0["key"] as? String } == ["team_size", nil])
        #expect(list[1]["key"] is NSNull)
    }

    @Test func jsonReportOfAnEvaluation() throws {
        let kb = try Project.kb()
        let e = Evaluator(kb: kb).evaluate(try kb.answers(Self.services))
        let o = try json(JSONReport(kb: kb).render(input: "shop.json", outcome: .evaluated(e)))
        let decisions = try #require(o["decisions"] as? [String: [String: Any]])
        let arch = try #require(decisions["architecture"])
        #expect(arch["choice"] as? String == e.choice("architecture", in: kb))
        #expect(arch["confidence"] as? String == e.decisions[0].confidence?.rawValue)
        #expect((arch["reasons"] as? [Any])?.count == e.decisions[0].fired.count)
        let mesh = try #require(decisions["mesh"])
        #expect(mesh["applies"] as? Bool == false)
        #expect(mesh["choice"] is NSNull)
        #expect((o["answers"] as? [String: Any])?.count == kb.questions.count)
        #expect(o["knowledge_base"] as? String == kb.sourceHash)
    }

    @Test func listingAndSchemaAreValidJSON() throws {
        let kb = try Project.kb()
        let listing = KnowledgeListing(kb: kb)
        let shown = try json(listing.json())
        #expect((shown["rules"] as? [Any])?.count == kb.rules.count)
        let coverage = try json(listing.coverage(style: Style(color: false), json: true))
        #expect((coverage["uncovered"] as? [Any])?.isEmpty == true)
        #expect((coverage["sources"] as? [Any])?.count == kb.sources.count)
        let schema = try json(AnswerSchema.render(kb))
        #expect((schema["properties"] as? [String: Any])?.count == kb.questions.count + 3, "the questions, $schema, current and waivers")
        let text = listing.coverage(style: Style(color: false), json: false)
        #expect(text.contains("0 uncovered"))
    }

    @Test func pointFigures() {
        #expect(TextReport.signed(4) == "+4")
        #expect(TextReport.signed(-2.5) == "-2.5")
        #expect(TextReport.signed(0) == "+0")
        #expect(TextReport.plain(3) == "3")
        #expect(TextReport.plain(1.5) == "1.5")
    }
}
