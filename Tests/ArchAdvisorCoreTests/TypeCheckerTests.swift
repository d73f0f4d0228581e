import Testing
@testable import ArchAdvisorCore

/// A scope like a real one: questions in slots 0..., then the decisions made so far.
/// `product` is a decision listed later, so it is forbidden.
enum Scope {
    static let symbols: [String: Symbol] = [
        "team_size": Symbol(name: "team_size", slot: 0, kind: .integer(1...1000)),
        "team_count": Symbol(name: "team_count", slot: 1, kind: .integer(1...100)),
        "kubernetes": Symbol(name: "kubernetes", slot: 2, kind: .boolean),
        "stage": Symbol(name: "stage", slot: 3, kind: .choice(["early", "growth", "mature"])),
        "arch": Symbol(name: "arch", slot: 4, kind: .choice(["mono", "micro", "mesh"]), nullable: true),
    ]
    static let forbidden = ["product": "decision 'product' is made later; only decisions listed earlier in decisions.yaml can be used here"]
    static var checker: TypeChecker { TypeChecker(symbols: symbols, forbidden: forbidden) }
    static let slotCount = 5
}

@Suite("Type checker")
struct TypeCheckerTests {
    let checker = Scope.checker

    @Test func booleanAloneIsACondition() throws {
        #expect(try checker.compile("kubernetes") == .compare(slot: 2, .equal, 1))
        #expect(try checker.compile("not kubernetes") == .not(.compare(slot: 2, .equal, 1)))
        #expect(try checker.compile("kubernetes == false") == .compare(slot: 2, .equal, 0))
    }

    @Test func choiceValuesBecomeIndices() throws {
        #expect(try checker.compile(#"stage == "mature""#) == .compare(slot: 3, .equal, 2))
        #expect(try checker.compile(#"stage in ["early", "mature"]"#) == .member(slot: 3, [0, 2], negated: false))
        #expect(try checker.compile(#"stage not in ["growth"]"#) == .member(slot: 3, [1], negated: true))
    }

    @Test func mirroredComparisonIsFlipped() throws {
        #expect(try checker.compile("3 < team_size") == .compare(slot: 0, .greater, 3))
        #expect(try checker.compile("10 >= team_size") == .compare(slot: 0, .lessOrEqual, 10))
        #expect(try checker.compile("5 == team_size") == .compare(slot: 0, .equal, 5))
    }

    @Test func twoIntegersCompareSlotToSlot() throws {
        #expect(try checker.compile("team_size > team_count") == .compareSlots(0, .greater, 1))
    }

    @Test func precedenceSurvivesLowering() throws {
        let c = try checker.compile(#"kubernetes or team_size >= 20 and not stage == "early""#)
        #expect(c == .or(.compare(slot: 2, .equal, 1),
                         .and(.compare(slot: 0, .greaterOrEqual, 20), .not(.compare(slot: 3, .equal, 0)))))
    }

    @Test func earlierDecisionIsInScope() throws {
        #expect(try checker.compile(#"arch != "mono""#) == .compare(slot: 4, .notEqual, 0))
    }

    struct BadType: CustomTestStringConvertible, Sendable {
        var text: String
        var offset: Int
        var mentions: [String]
        var testDescription: String { "`\(text)`" }
    }

    @Test(arguments: [
        // Unknown question, with a suggestion when close.
        BadType(text: "team_sise >= 3", offset: 0, mentions: ["unknown question 'team_sise'", "did you mean 'team_size'?"]),
        BadType(text: "kubernetes and budget > 3", offset: 15, mentions: ["unknown question 'budget'"]),
        // Unknown choice value, with a suggestion and the list of values.
        BadType(text: #"stage == "growht""#, offset: 9,
                mentions: [#"'stage' has no choice "growht""#, #"did you mean "growth"?"#, #"expected one of "early", "growth", "mature""#]),
        BadType(text: #"stage in ["early", "late"]"#, offset: 19, mentions: [#"has no choice "late""#]),
        // A boolean compared with a number, and the reverse.
        BadType(text: "kubernetes == 1", offset: 14, mentions: ["cannot compare boolean 'kubernetes' with the number 1", "expected true or false"]),
        BadType(text: "team_size == true", offset: 13, mentions: ["cannot compare integer 'team_size' with the boolean true", "expected a whole number"]),
        BadType(text: "kubernetes == team_size", offset: 11, mentions: ["cannot compare boolean 'kubernetes' with integer 'team_size'"]),
        BadType(text: #"team_size in ["a"]"#, offset: 14, mentions: [#"with the string "a""#]),
        // Ordering where there is no order.
        BadType(text: #"stage > "early""#, offset: 8, mentions: ["'>' does not apply to choice 'stage'", "use ==, != or in"]),
        BadType(text: "kubernetes >= true", offset: 14, mentions: ["'>=' does not apply to boolean 'kubernetes'"]),
        // Values that cannot be.
        BadType(text: "team_size == 5000", offset: 13, mentions: ["5000 is outside the range of 'team_size' (1...1000)"]),
        BadType(text: "team_size", offset: 0, mentions: ["'team_size' is an integer, not a condition", "team_size >= 1"]),
        BadType(text: "stage and kubernetes", offset: 0, mentions: ["'stage' is a choice, not a condition"]),
        BadType(text: "5", offset: 0, mentions: ["a value alone is not a condition"]),
        BadType(text: "3 == 4", offset: 0, mentions: ["one side must be a question id"]),
        BadType(text: "(kubernetes and kubernetes) in [true]", offset: 1, mentions: ["expected a question id before 'in'"]),
        // A decision used before it is made.
        BadType(text: #"product == "istio""#, offset: 0, mentions: ["decision 'product' is made later"]),
        BadType(text: #"kubernetes and product != "istio""#, offset: 15, mentions: ["decision 'product' is made later"]),
    ])
    func typeErrorsPointAtTheirColumn(_ bad: BadType) {
        do {
            let condition = try checker.compile(bad.text)
            Issue.record("compiled without an error: \(condition)")
        } catch {
            #expect(error.offset == bad.offset, "\(error.message)")
            for m in bad.mentions {
                #expect(error.message.contains(m), "\(error.message)")
            }
        }
    }

    /// TypeChecker.literal has a hint for an unquoted choice value, but `stage == early`
    /// reaches the identifier-with-identifier branch first and reports an unknown question.
    @Test func unquotedChoiceValueGetsAHint() {
        do {
            let condition = try checker.compile("stage == early")
            Issue.record("compiled without an error: \(condition)")
        } catch {
            #expect(error.offset == 9)
            #expect(error.message.contains("'early' is not a value; quote choice values, e.g. stage == \"early\""), "\(error.message)")
        }
    }

    @Test func decisionCannotDependOnItself() throws {
        let kb = try MiniRules().compile()
        let scope = kb.symbols(before: 0)
        let checker = TypeChecker(symbols: scope.symbols, forbidden: scope.forbidden)
        #expect(throws: ConditionError.self) { try checker.compile(#"arch == "mono""#) }
        do { _ = try checker.compile(#"arch == "mono""#) } catch {
            #expect(error.message.contains("decision 'arch' cannot depend on itself"))
        }
        let later = kb.symbols(before: 1)
        #expect(later.symbols["arch"]?.nullable == true)
        #expect(later.forbidden["product"]?.contains("cannot depend on itself") == true)
    }
}
