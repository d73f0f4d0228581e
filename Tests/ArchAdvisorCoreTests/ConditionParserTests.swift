import Testing
@testable import ArchAdvisorCore

/// The condition grammar of rules/README.md: precedence, grouping, lists, and syntax
/// errors that point at the right column.
@Suite("Condition parser")
struct ConditionParserTests {
    typealias N = SyntaxNode

    @Test func comparisonOfQuestionWithNumber() throws {
        #expect(try ConditionParser.parse("team_size >= 20")
            == .compare(.identifier("team_size", offset: 0), .greaterOrEqual, .integer(20, offset: 13), offset: 10))
    }

    @Test(arguments: ComparisonOperator.allCases)
    func everyOperatorParses(_ op: ComparisonOperator) throws {
        #expect(try ConditionParser.parse("a \(op.rawValue) 1")
            == .compare(.identifier("a", offset: 0), op, .integer(1, offset: 3 + op.rawValue.count), offset: 2))
    }

    @Test func andBindsTighterThanOr() throws {
        let a = N.identifier("a", offset: 0), b = N.identifier("b", offset: 5), c = N.identifier("c", offset: 11)
        #expect(try ConditionParser.parse("a or b and c") == .or(a, .and(b, c)))
    }

    @Test func andOfOrsNeedsParentheses() throws {
        let a = N.identifier("a", offset: 1), b = N.identifier("b", offset: 6), c = N.identifier("c", offset: 13)
        #expect(try ConditionParser.parse("(a or b) and c") == .and(.or(a, b), c))
    }

    @Test func notBindsTighterThanAnd() throws {
        let a = N.identifier("a", offset: 4), b = N.identifier("b", offset: 10)
        #expect(try ConditionParser.parse("not a and b") == .and(.not(a, offset: 0), b))
    }

    @Test func notBindsLooserThanComparison() throws {
        let cmp = N.compare(.identifier("x", offset: 4), .less, .integer(3, offset: 8), offset: 6)
        #expect(try ConditionParser.parse("not x < 3") == .not(cmp, offset: 0))
    }

    @Test func notNests() throws {
        #expect(try ConditionParser.parse("not not a") == .not(.not(.identifier("a", offset: 8), offset: 4), offset: 0))
    }

    @Test func orIsLeftAssociative() throws {
        let a = N.identifier("a", offset: 0), b = N.identifier("b", offset: 5), c = N.identifier("c", offset: 10)
        #expect(try ConditionParser.parse("a or b or c") == .or(.or(a, b), c))
    }

    @Test func membershipList() throws {
        let node = try ConditionParser.parse(#"stage in ["early", "growth"]"#)
        #expect(node == .member(.identifier("stage", offset: 0),
                                [.string("early", offset: 10), .string("growth", offset: 19)], negated: false, offset: 6))
    }

    @Test func negatedMembership() throws {
        let node = try ConditionParser.parse("team_size not in [1, 2]")
        #expect(node == .member(.identifier("team_size", offset: 0),
                                [.integer(1, offset: 18), .integer(2, offset: 21)], negated: true, offset: 10))
    }

    @Test func mirroredComparisonKeepsTheWrittenOrder() throws {
        #expect(try ConditionParser.parse("3 < team_size")
            == .compare(.integer(3, offset: 0), .less, .identifier("team_size", offset: 4), offset: 2))
    }

    @Test func literalsAndSingleQuotes() throws {
        #expect(try ConditionParser.parse("true") == .boolean(true, offset: 0))
        #expect(try ConditionParser.parse("x == 'a b'") == .compare(.identifier("x", offset: 0), .equal, .string("a b", offset: 5), offset: 2))
        #expect(try ConditionParser.parse("x >= -2") == .compare(.identifier("x", offset: 0), .greaterOrEqual, .integer(-2, offset: 5), offset: 2))
    }

    @Test func newlinesAndTabsAreWhitespace() throws {
        #expect(try ConditionParser.parse("a\n\tand b") == .and(.identifier("a", offset: 0), .identifier("b", offset: 7)))
    }

    struct BadSyntax: CustomTestStringConvertible, Sendable {
        var text: String
        var offset: Int
        var mentions: String
        var testDescription: String { "`\(text)` at \(offset)" }
    }

    @Test(arguments: [
        BadSyntax(text: "", offset: 0, mentions: "empty condition"),
        BadSyntax(text: "   ", offset: 0, mentions: "empty condition"),
        BadSyntax(text: "team_size >= ", offset: 13, mentions: "expected a question id, a value or '('"),
        BadSyntax(text: "team_size = 3", offset: 10, mentions: "use '==' to compare"),
        BadSyntax(text: "!kubernetes", offset: 0, mentions: "use 'not' or '!='"),
        BadSyntax(text: "(a or b", offset: 7, mentions: "expected ')'"),
        BadSyntax(text: "a b", offset: 2, mentions: "expected 'and', 'or' or the end of the condition"),
        BadSyntax(text: "a and or b", offset: 6, mentions: "expected a question id, a value or '('"),
        BadSyntax(text: "team_size >= 3.5", offset: 13, mentions: "only whole numbers"),
        BadSyntax(text: "team_size >= 3x", offset: 13, mentions: "malformed number"),
        BadSyntax(text: "team_size >= 99999999999999999999", offset: 13, mentions: "beyond the 64-bit range"),
        BadSyntax(text: "x in [1, 2", offset: 10, mentions: "expected ',' or ']'"),
        BadSyntax(text: "x in [1 2]", offset: 8, mentions: "expected ',' or ']'"),
        BadSyntax(text: "x in 1", offset: 5, mentions: "expected '[' to start a list"),
        BadSyntax(text: "x in []", offset: 6, mentions: "expected a value in the list"),
        BadSyntax(text: "x in [y]", offset: 6, mentions: "expected a value in the list"),
        BadSyntax(text: "x not [1]", offset: 2, mentions: "expected 'and', 'or' or the end"),
        BadSyntax(text: #"stage == "early"#, offset: 9, mentions: "unterminated string"),
        BadSyntax(text: "a & b", offset: 2, mentions: "unexpected character '&'"),
        BadSyntax(text: "x == - 3", offset: 5, mentions: "expected a number after it"),
        BadSyntax(text: #"stage == "é" and %"#, offset: 17, mentions: "unexpected character '%'"),
        BadSyntax(text: "a == ()", offset: 6, mentions: "expected a question id, a value or '('"),
    ])
    func syntaxErrorsPointAtTheirColumn(_ bad: BadSyntax) {
        do {
            let node = try ConditionParser.parse(bad.text)
            Issue.record("parsed without an error: \(node)")
        } catch {
            #expect(error.offset == bad.offset, "\(error.message)")
            #expect(error.message.contains(bad.mentions), "\(error.message)")
        }
    }
}
