import PropertyBased
import Testing
@testable import ArchAdvisorCore

/// Properties the advice must have on every answer set, not only the scenarios: each is
/// checked over 2,000 random answer sets of the real rules (PropertyBased reports the seed
/// of a failure and shrinks it to a minimal answer set).
@Suite("Advice properties over random answer sets")
struct AdvicePropertyTests {
    static let count = 2_000

    /// Raw draws -> an answer set. A draw picks one of the question's classes of values (its
    /// representatives) or, past them, a value spread over the range; shrinking moves every
    /// draw toward the first class. `given` says which answers are given.
    static func answers(_ kb: KnowledgeBase, _ draws: [Int], _ given: [Bool]) -> AnswerSet {
        let values = kb.questions.indices.map { q -> Int in
            guard given[q] else { return kb.questions[q].defaultValue }
            let reps = kb.representatives(of: q)
            let d = draws[q]
            if d < reps.count { return reps[d] }
            let r = kb.questions[q].slotRange
            return r.lowerBound + (d * 7919) % (min(r.upperBound, r.lowerBound + 300) - r.lowerBound + 1)
        }
        var a = AnswerSet(values: values, provided: given)
        // Only consistent answer sets are scored (more teams than engineers is rejected).
        if let size = kb.questionIndex["team_size"], let teams = kb.questionIndex["team_count"], a.values[teams] > a.values[size] {
            a.values[teams] = a.values[size]
            a.provided[teams] = true
        }
        return a
    }

    static func input(_ kb: KnowledgeBase) -> Generator<([Int], [Bool]), some Sequence & SendableMetatype> {
        zip(Gen.int(in: 0...40).array(of: kb.questions.count), Gen.bool.array(of: kb.questions.count))
    }

    func value(_ kb: KnowledgeBase, _ a: AnswerSet, _ id: String) -> Int { a.values[kb.questionIndex[id]!] }
    func set(_ kb: KnowledgeBase, _ a: inout AnswerSet, _ id: String, _ v: Int) {
        a.values[kb.questionIndex[id]!] = v
        a.provided[kb.questionIndex[id]!] = true
    }
    func choice(_ kb: KnowledgeBase, _ e: Evaluation, _ id: String) -> String? { e.choice(id, in: kb) }
    func option(_ kb: KnowledgeBase, _ question: String, _ value: String) -> Int {
        guard case .choice(let c) = kb.questions[kb.questionIndex[question]!].kind else { return -1 }
        return c.firstIndex { $0.value == value }!
    }

    @Test("one team, uniform scaling and no independent deploys is always a monolith")
    func oneTeamIsAMonolith() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, _ in
            var a = Self.answers(kb, draws, Array(repeating: true, count: kb.questions.count))
            set(kb, &a, "team_count", 1)
            set(kb, &a, "scaling_profile", option(kb, "scaling_profile", "uniform"))
            set(kb, &a, "independent_deploys", 0)
            #expect(choice(kb, evaluator.evaluate(a), "architecture") == "monolith", "\(a.json(in: kb, pretty: false))")
        }
    }

    @Test("a small team with an early product in a domain still explored never gets services")
    func smallEarlyExploringIsAMonolith() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, _ in
            var a = Self.answers(kb, draws, Array(repeating: true, count: kb.questions.count))
            set(kb, &a, "team_size", min(value(kb, a, "team_size"), 9))
            set(kb, &a, "team_count", min(value(kb, a, "team_count"), value(kb, a, "team_size")))
            set(kb, &a, "product_stage", option(kb, "product_stage", draws[0] % 2 == 0 ? "prototype" : "early"))
            set(kb, &a, "domain_understanding", option(kb, "domain_understanding", "exploring"))
            #expect(choice(kb, evaluator.evaluate(a), "architecture") == "monolith", "\(a.json(in: kb, pretty: false))")
        }
    }

    @Test("the mesh is chosen only where plain microservices beat the monolith")
    func meshOnlyAmongMicroservices() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        let arch = kb.decisionIndex["architecture"]!
        let (mono, micro) = (kb.decisions[arch].optionIndex("monolith")!, kb.decisions[arch].optionIndex("microservices")!)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, given in
            let e = evaluator.evaluate(Self.answers(kb, draws, given))
            if choice(kb, e, "architecture") == "service_mesh" {
                let r = e.decisions[arch]
                #expect(r.scores[micro] > r.scores[mono] || !r.excludedBy[mono].isEmpty, "\(e.answers.json(in: kb, pretty: false))")
            }
        }
    }

    @Test("mesh needs, Kubernetes and a platform team never move a system between monolith and services")
    func meshNeedsDoNotSplit() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, given in
            let a = Self.answers(kb, draws, given)
            let isMonolith = choice(kb, evaluator.evaluate(a), "architecture") == "monolith"
            for flip in [["mtls_required", "tracing_required", "traffic_policy_required"], ["kubernetes"], ["kubernetes", "platform_team"]] {
                for v in [0, 1] {
                    var b = a
                    for id in flip { set(kb, &b, id, v) }
                    #expect((choice(kb, evaluator.evaluate(b), "architecture") == "monolith") == isMonolith,
                            "\(flip) = \(v) moves \(a.json(in: kb, pretty: false)) across the monolith/services line")
                }
            }
        }
    }

    @Test("an answer the questionnaire would not ask changes nothing")
    func unaskedAnswersChangeNothing() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, given in
            let a = Self.answers(kb, draws, given)
            let e = evaluator.evaluate(a)
            let choices = e.decisions.map(\.choice)
            for q in kb.questions.indices where e.pinned[q] {
                for v in kb.representatives(of: q) {
                    var b = a
                    b.values[q] = v
                    b.provided[q] = true
                    #expect(evaluator.evaluate(b).decisions.map(\.choice) == choices,
                            "\(kb.questions[q].id) = \(v) is not asked for \(a.json(in: kb, pretty: false)) but changes a decision")
                }
            }
        }
    }

    @Test("rests_on_defaults is exact: false means no value of any defaulted answer changes the choice")
    func restsOnDefaultsIsExact() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        await propertyCheck(count: 500, input: Self.input(kb)) { draws, given in
            let a = Self.answers(kb, draws, given)
            let e = evaluator.evaluate(a)
            for q in kb.questions.indices where !a.provided[q] {
                for v in kb.representatives(of: q) {
                    var b = a
                    b.values[q] = v
                    b.provided[q] = true
                    let other = evaluator.evaluate(b)
                    for r in e.decisions where other.decisions[r.decision].choice != r.choice {
                        #expect(r.restsOnDefaults, "\(kb.decisions[r.decision].id) flips with \(kb.questions[q].id) = \(v) for \(a.json(in: kb, pretty: false))")
                        #expect(r.confidence != .clear && r.confidence != .onlyOption)
                    }
                }
            }
        }
    }

    @Test("every contrast adds up: the nets of the fired rules sum to the margin, and the choice beats the runner-up")
    func contrastsAddUp() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, given in
            let e = evaluator.evaluate(Self.answers(kb, draws, given))
            for r in e.decisions where r.choice != nil {
                let contrasts = r.contrasts(in: kb)
                #expect(contrasts.first?.versus == r.runnerUp || r.runnerUp == nil)
                for c in contrasts {
                    let total = c.favouring.map(\.net).reduce(0, +) + c.against.map(\.net).reduce(0, +)
                    #expect(abs(total - c.margin) < 1e-9, "\(kb.decisions[r.decision].id) vs \(c.versus)")
                    #expect(c.favouring.allSatisfy { $0.net > 0 } && c.against.allSatisfy { $0.net < 0 })
                    if c.excludedBy.isEmpty { #expect(c.margin >= 0, "the choice never trails an option that is not excluded") }
                }
                if let first = contrasts.first, first.excludedBy.isEmpty, first.margin > 0 {
                    #expect(!first.favouring.isEmpty, "a lead over the runner-up always has a reason")
                }
            }
        }
    }

    @Test("the batch evaluator chooses exactly what the detailed one does, defaults included")
    func batchAgreesWithDetailed() async throws {
        let kb = try Project.kb()
        let evaluator = Evaluator(kb: kb), fast = ChoiceEvaluator(kb: kb)
        await propertyCheck(count: Self.count, input: Self.input(kb)) { draws, given in
            let a = Self.answers(kb, draws, given)
            var slots = a.values + Array(repeating: 0, count: kb.decisions.count)
            slots.withUnsafeMutableBufferPointer { v in a.provided.withUnsafeBufferPointer { fast.evaluate(v, provided: $0) } }
            let full = evaluator.evaluate(a).decisions.map { $0.choice ?? Condition.null }
            #expect(Array(slots[kb.questions.count...]) == full, "\(a.json(in: kb, pretty: false))")
        }
    }
}
