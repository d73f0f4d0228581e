import Testing
@testable import ArchAdvisorCore

/// Scoring on small hand-made rule sets: sums, exclusions, ties, margins and decisions that
/// do not apply.
@Suite("Evaluator")
struct EvaluatorTests {
    /// The mini rule set with `rules` for `arch` and a third decision `extra` that applies
    /// when `product` is not "istio".
    func kb(_ archRules: String) throws -> KnowledgeBase {
        var mini = MiniRules()
        mini.rules = "decision: arch\nrules:\n" + archRules
        mini.decisions += """

              - id: extra
                applies_when: 'product != "istio"'
                options:
                  - value: first
                  - value: second
            """
        mini.scenarios = "scenarios: []"
        return try RulesCompiler.compile(files: mini.files, options: .init(requireCoverage: false))
    }

    func rule(_ id: String, when: String = "true", add: String? = nil, exclude: String? = nil) -> String {
        var s = "  - id: \(id)\n    when: '\(when)'\n"
        if let add { s += "    add: {\(add)}\n" }
        if let exclude { s += "    exclude: [\(exclude)]\n" }
        return s + "    why: Because.\n    source: start-simple\n"
    }

    func evaluate(_ kb: KnowledgeBase, _ json: String = "{}") throws -> Evaluation {
        Evaluator(kb: kb).evaluate(try kb.answers(json))
    }

    @Test func pointsOfFiredRulesAddUp() throws {
        let kb = try kb(rule("base", add: "mono: 3") + rule("big", when: "team_size >= 20", add: "micro: 5, mesh: 4")
            + rule("huge", when: "team_size >= 50", add: "micro: 2, mono: -1.5") + rule("never", when: "false", add: "mono: 100"))
        let small = try evaluate(kb, #"{"team_size": 10}"#).decisions[0]
        #expect(small.scores == [3, 0, 0])
        #expect(small.fired == [0])
        #expect(small.choice == 0)
        let huge = try evaluate(kb, #"{"team_size": 60}"#).decisions[0]
        #expect(huge.scores == [1.5, 7, 4])
        #expect(huge.fired == [0, 1, 2])
        #expect(huge.choice == 1)
        #expect(huge.runnerUp == 2)
        #expect(huge.margin == 3)
        #expect(huge.confidence == .leaning)
    }

    @Test func exclusionWinsOverPoints() throws {
        let kb = try kb(rule("mesh-loved", add: "mesh: 100, micro: 1") + rule("no-cluster", when: "not kubernetes", exclude: "mesh"))
        let r = try evaluate(kb, #"{"kubernetes": false}"#).decisions[0]
        #expect(r.scores == [0, 1, 100])
        #expect(r.excludedBy == [[], [], [1]])
        #expect(r.choice == 1)
        #expect(r.runnerUp == 0)
        #expect(r.margin == 1)
        let withCluster = try evaluate(kb, #"{"kubernetes": true}"#).decisions[0]
        #expect(withCluster.choice == 2)
        #expect(withCluster.excludedBy == [[], [], []])
        // Left at its default, kubernetes does not exclude: the exclusion would rest on a
        // default alone. The choice then rests on that default, and says so.
        let defaulted = try evaluate(kb).decisions[0]
        #expect(defaulted.suspended == [1] && defaulted.excludedBy == [[], [], []])
        #expect(defaulted.choice == 2 && defaulted.restsOnDefaults)
        #expect(defaulted.flips.map(\.choice) == [1])
        #expect(defaulted.confidence == .leaning, "a choice resting on a default is never clear")
    }

    @Test func tiesGoToTheOptionListedFirst() throws {
        let kb = try kb(rule("even", add: "micro: 2, mesh: 2") + rule("cluster", when: "kubernetes", add: "mono: 2"))
        let r = try evaluate(kb).decisions[0]
        #expect(r.choice == 1, "micro and mesh tie; micro is listed first")
        #expect(r.runnerUp == 2)
        #expect(r.margin == 0)
        #expect(r.confidence == .closeCall)
        let three = try evaluate(kb, #"{"kubernetes": true}"#).decisions[0]
        #expect(three.choice == 0, "all three tie; mono is listed first")
        #expect(three.runnerUp == 1)
    }

    @Test func noRulesAtAllPicksTheFirstOption() throws {
        let kb = try kb(rule("never", when: "false", add: "mesh: 1"))
        let r = try evaluate(kb).decisions[0]
        #expect(r.choice == 0 && r.fired.isEmpty && r.confidence == .closeCall)
    }

    @Test(arguments: [(0.0, Confidence.closeCall), (1.5, .closeCall), (2, .leaning), (3.5, .leaning), (4, .clear), (40, .clear)])
    func marginGivesTheConfidenceWord(_ margin: Double, _ word: Confidence) throws {
        let kb = try kb(rule("lead", add: "micro: \(margin)"))
        let r = try evaluate(kb).decisions[0]
        #expect(r.choice == (margin > 0 ? 1 : 0))
        #expect(r.margin == margin)
        #expect(r.confidence == word)
    }

    @Test func onlyOptionLeftAndNoOptionLeft() throws {
        let kb = try kb(rule("no-micro", exclude: "micro") + rule("no-mesh", exclude: "mesh, micro")
            + rule("no-mono", when: "kubernetes", exclude: "mono") + rule("points", add: "micro: 9"))
        let only = try evaluate(kb, #"{"kubernetes": false}"#).decisions[0]
        #expect(only.choice == 0)
        #expect(only.confidence == .onlyOption)
        // Unanswered, kubernetes could still rule the last option out: not "only option".
        #expect(try evaluate(kb).decisions[0].confidence == .leaning)
        #expect(only.margin == nil && only.runnerUp == nil)
        #expect(only.excludedBy == [[], [0, 1], [1]])
        let none = try evaluate(kb, #"{"kubernetes": true}"#)
        #expect(none.decisions[0].applies)
        #expect(none.decisions[0].choice == nil)
        #expect(none.decisions[0].confidence == Confidence.none)
        #expect(none.values[kb.slot(ofDecision: 0)] == Condition.null)
        #expect(none.decisions[1].applies == false, "product applies only when arch is mesh")
    }

    @Test func decisionsThatDoNotApplyAreNullForLaterConditions() throws {
        let kb = try kb(rule("base", add: "mono: 1") + rule("big", when: "team_size >= 20", add: "mesh: 5"))
        let small = try evaluate(kb)
        #expect(small.choice("arch", in: kb) == "mono")
        #expect(small.decisions[1].applies == false)
        #expect(small.decisions[1].choice == nil)
        #expect(small.decisions[1].confidence == nil)
        #expect(small.decisions[1].fired.isEmpty)
        #expect(small.choice("product", in: kb) == nil)
        #expect(small.values[kb.slot(ofDecision: 1)] == Condition.null)
        #expect(small.decisions[2].applies, "product != \"istio\" holds when product has no value")
        #expect(small.choice("extra", in: kb) == "first")

        let mature = try evaluate(kb, #"{"team_size": 30, "stage": "mature"}"#)
        #expect(mature.choice("arch", in: kb) == "mesh")
        #expect(mature.choice("product", in: kb) == "istio")
        #expect(mature.decisions[2].applies == false)
        #expect(mature.choice("extra", in: kb) == nil)
        #expect(mature.values[kb.slot(ofDecision: 2)] == Condition.null)
    }

    @Test func evaluationKeepsTheAnswers() throws {
        let kb = try kb(rule("base", add: "mono: 1"))
        let answers = try kb.answers(#"{"team_size": 12}"#)
        let e = Evaluator(kb: kb).evaluate(answers)
        #expect(e.answers == answers)
        #expect(Array(e.values.prefix(kb.questions.count)) == answers.values)
        #expect(e.decisions.count == kb.decisions.count)
    }
}
