import TestSupport
import Testing
@testable import ArchAdvisorCore

/// Evaluation of compiled conditions: truth tables, decisions without a value, and the
/// three-valued evaluation over partly known answers.
@Suite("Condition evaluation")
struct ConditionEvaluationTests {
    /// team_size, team_count, kubernetes, stage, arch.
    func values(teamSize: Int = 5, teamCount: Int = 1, kubernetes: Bool = false, stage: Int = 0, arch: Int = Condition.null) -> [Int] {
        [teamSize, teamCount, kubernetes ? 1 : 0, stage, arch]
    }

    func eval(_ text: String, _ values: [Int]) throws -> Bool {
        try Scope.checker.compile(text).evaluate(values)
    }

    @Test(arguments: [false, true], [false, true])
    func connectiveTruthTables(_ a: Bool, _ b: Bool) {
        let x = Condition.constant(a), y = Condition.constant(b)
        #expect(Condition.and(x, y).evaluate([]) == (a && b))
        #expect(Condition.or(x, y).evaluate([]) == (a || b))
        #expect(Condition.not(x).evaluate([]) == !a)
    }

    @Test(arguments: [false, true], [false, true])
    func connectivesOverAnswers(_ kubernetes: Bool, _ bigTeam: Bool) throws {
        let v = values(teamSize: bigTeam ? 25 : 5, kubernetes: kubernetes)
        #expect(try eval("kubernetes and team_size >= 20", v) == (kubernetes && bigTeam))
        #expect(try eval("kubernetes or team_size >= 20", v) == (kubernetes || bigTeam))
        #expect(try eval("not kubernetes and team_size >= 20", v) == (!kubernetes && bigTeam))
        #expect(try eval("not (kubernetes and team_size >= 20)", v) == !(kubernetes && bigTeam))
    }

    @Test(arguments: [1, 9, 10, 11, 1000])
    func integerComparisonsAtTheBoundary(_ n: Int) throws {
        let v = values(teamSize: n)
        #expect(try eval("team_size == 10", v) == (n == 10))
        #expect(try eval("team_size != 10", v) == (n != 10))
        #expect(try eval("team_size < 10", v) == (n < 10))
        #expect(try eval("team_size <= 10", v) == (n <= 10))
        #expect(try eval("team_size > 10", v) == (n > 10))
        #expect(try eval("team_size >= 10", v) == (n >= 10))
        #expect(try eval("10 < team_size", v) == (n > 10))
        #expect(try eval("team_size in [1, 10]", v) == [1, 10].contains(n))
        #expect(try eval("team_size not in [1, 10]", v) == ![1, 10].contains(n))
    }

    @Test func slotToSlotComparison() throws {
        #expect(try eval("team_size > team_count", values(teamSize: 5, teamCount: 2)))
        #expect(try !eval("team_size > team_count", values(teamSize: 2, teamCount: 2)))
    }

    @Test(arguments: 0..<3)
    func choiceComparisons(_ stage: Int) throws {
        let v = values(stage: stage)
        #expect(try eval(#"stage == "growth""#, v) == (stage == 1))
        #expect(try eval(#"stage != "growth""#, v) == (stage != 1))
        #expect(try eval(#"stage in ["early", "mature"]"#, v) == (stage != 1))
        #expect(try eval(#"stage not in ["early", "mature"]"#, v) == (stage == 1))
    }

    @Test func decisionThatDoesNotApplyHasNoValue() throws {
        let v = values(arch: Condition.null)
        #expect(try !eval(#"arch == "mono""#, v))
        #expect(try eval(#"arch != "mono""#, v))
        #expect(try !eval(#"arch in ["mono", "micro", "mesh"]"#, v))
        #expect(try eval(#"arch not in ["mono"]"#, v))
        #expect(try eval(#"not arch == "mono""#, v))
        // With a value, the same conditions behave normally.
        let mono = values(arch: 0)
        #expect(try eval(#"arch == "mono""#, mono))
        #expect(try !eval(#"arch != "mono""#, mono))
        #expect(try !eval(#"arch not in ["mono"]"#, mono))
    }

    @Test func nullSlotsInSlotComparisons() {
        let c = Condition.compareSlots(0, .less, 1)
        #expect(!c.evaluate([Condition.null, 3]))
        #expect(Condition.compareSlots(0, .notEqual, 1).evaluate([3, Condition.null]))
    }

    // MARK: three-valued

    let unknownAll = [Bool](repeating: false, count: Scope.slotCount)
    let noRanges = [ClosedRange<Int>?](repeating: nil, count: Scope.slotCount)

    func partial(_ text: String, values: [Int]? = nil, known: [Bool]? = nil, ranges: [ClosedRange<Int>?]? = nil) throws -> Bool? {
        try Scope.checker.compile(text).evaluate(partial: values ?? self.values(), known: known ?? unknownAll, ranges: ranges ?? noRanges)
    }

    @Test func unknownWithoutRangeIsUndecided() throws {
        #expect(try partial("team_size >= 20") == nil)
        #expect(try partial("kubernetes") == nil)
        #expect(try partial("true") == true)
        #expect(try partial("not true") == false)
    }

    @Test func knownSlotsEvaluateNormally() throws {
        let known = [true, true, true, true, true]
        #expect(try partial("team_size >= 20", values: values(teamSize: 25), known: known) == true)
        #expect(try partial("team_size >= 20", values: values(teamSize: 5), known: known) == false)
        #expect(try partial(#"arch == "mono""#, values: values(arch: Condition.null), known: known) == false)
    }

    @Test func rangesDecideComparisons() throws {
        func withRange(_ r: ClosedRange<Int>) -> [ClosedRange<Int>?] { [r, nil, nil, nil, nil] }
        #expect(try partial("team_size >= 20", ranges: withRange(1...19)) == false)
        #expect(try partial("team_size >= 20", ranges: withRange(20...1000)) == true)
        #expect(try partial("team_size >= 20", ranges: withRange(1...1000)) == nil)
        #expect(try partial("team_size < 10", ranges: withRange(10...20)) == false)
        #expect(try partial("team_size == 7", ranges: withRange(7...7)) == true)
        #expect(try partial("team_size == 7", ranges: withRange(8...9)) == false)
        #expect(try partial("team_size != 7", ranges: withRange(8...9)) == true)
        #expect(try partial("team_size in [3, 4]", ranges: withRange(3...4)) == true)
        #expect(try partial("team_size in [3, 4]", ranges: withRange(5...9)) == false)
        #expect(try partial("team_size not in [3, 4]", ranges: withRange(5...9)) == true)
        #expect(try partial("team_size in [3, 4]", ranges: withRange(4...9)) == nil)
    }

    @Test func knownSideShortCircuits() throws {
        let known = [false, false, true, false, false]
        #expect(try partial("kubernetes and team_size >= 20", values: values(kubernetes: false), known: known) == false)
        #expect(try partial("team_size >= 20 and kubernetes", values: values(kubernetes: false), known: known) == false)
        #expect(try partial("kubernetes or team_size >= 20", values: values(kubernetes: true), known: known) == true)
        #expect(try partial("team_size >= 20 or kubernetes", values: values(kubernetes: true), known: known) == true)
        #expect(try partial("kubernetes and team_size >= 20", values: values(kubernetes: true), known: known) == nil)
        #expect(try partial("not (kubernetes or team_size >= 20)", values: values(kubernetes: true), known: known) == false)
    }

    @Test func slotToSlotWithRanges() throws {
        let known = [false, true, false, false, false]
        let ranges: [ClosedRange<Int>?] = [10...20, nil, nil, nil, nil]
        #expect(try partial("team_size > team_count", values: values(teamCount: 5), known: known, ranges: ranges) == true)
        #expect(try partial("team_size > team_count", values: values(teamCount: 15), known: known, ranges: ranges) == nil)
        #expect(try partial("team_size > team_count", values: values(teamCount: 20), known: known, ranges: ranges) == false)
    }

    /// Wherever the partial evaluation answers, the full evaluation must agree.
    @Test func partialAgreesWithFullEvaluation() throws {
        let texts = ["team_size >= 20 and kubernetes", #"stage in ["early", "growth"] or not kubernetes"#,
                     "team_size > team_count", #"not (team_size < 10 or stage == "mature")"#]
        var rng = SeededGenerator(seed: 42)
        for text in texts {
            let c = try Scope.checker.compile(text)
            for _ in 0..<200 {
                let full = values(teamSize: Int.random(in: 1...40, using: &rng), teamCount: Int.random(in: 1...40, using: &rng),
                                  kubernetes: Bool.random(using: &rng), stage: Int.random(in: 0...2, using: &rng))
                let known = (0..<5).map { _ in Bool.random(using: &rng) }
                let ranges: [ClosedRange<Int>?] = [1...40, 1...40, 0...1, 0...2, nil]
                if let answer = c.evaluate(partial: full, known: known, ranges: ranges) {
                    #expect(answer == c.evaluate(full), "\(text) over \(full), known \(known)")
                }
            }
        }
    }
}
