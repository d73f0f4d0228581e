import Foundation
import Testing
@testable import ArchAdvisorCore

/// Checks that `diagnostics` hold one at `file:line:column` whose message contains
/// `message`, and that its description shows the offending line with a caret under the column.
func expectDiagnostic(_ diagnostics: [Diagnostic], file: String, line: Int, column: Int, _ message: String,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let location = "\(file):\(line):\(column)"
    guard let d = diagnostics.first(where: { $0.location.description == location && $0.message.contains(message) }) else {
        Issue.record("no diagnostic at \(location) containing \"\(message)\"; got:\n\(diagnostics.map(\.description).joined(separator: "\n"))",
                     sourceLocation: sourceLocation)
        return
    }
    let lines = d.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first?.hasPrefix("\(location): error: ") == true, "\(d)", sourceLocation: sourceLocation)
    guard let lineText = d.lineText, lines.count == 3 else {
        Issue.record("diagnostic has no source line and caret: \(d)", sourceLocation: sourceLocation)
        return
    }
    #expect(lines[1] == "    " + lineText, sourceLocation: sourceLocation)
    #expect(lines[2] == "    " + String(repeating: " ", count: column - 1) + "^", "\(d)", sourceLocation: sourceLocation)
}

@Suite("Rules compiler")
struct CompilerTests {
    @Test func minimalRuleSetCompiles() throws {
        let kb = try MiniRules().compile()
        #expect(kb.questions.map(\.id) == ["team_size", "kubernetes", "stage"])
        #expect(kb.questions[0].kind == .integer(1...1000))
        #expect(kb.questions[0].defaultValue == 5)
        #expect(kb.questions[2].defaultValue == 0)
        #expect(kb.decisions.map(\.id) == ["arch", "product"])
        #expect(kb.decisions[0].options.map(\.value) == ["mono", "micro", "mesh"])
        #expect(kb.decisions[0].clearMargin == 4 && kb.decisions[0].leaningMargin == 2)
        #expect(kb.rules.map(\.id) == ["start-with-mono", "big-team-splits", "mesh-needs-kubernetes", "mature-likes-istio"])
        #expect(kb.rules[1].points.map(\.option) == [1, 2] && kb.rules[1].points.map(\.points) == [5, 4])
        #expect(kb.rules[2].excludes == [2])
        #expect(kb.rules[0].location == "rules/rules/arch.yaml:3")
        #expect(kb.rulesByDecision == [[0, 1, 2], [3]])
        #expect(kb.scenarios.count == 1)
        #expect(kb.scenarios[0].expect.map(\.decision) == ["arch", "product"])
        #expect(kb.scenarios[0].expect.map(\.choice) == ["mono", nil])
        #expect(kb.sourceHash == "test")
    }

    @Test func unknownKeyInARuleIsATypo() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: #"when: "true""#, with: #"wehn: "true""#)
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 4, column: 5,
                         "unknown key 'wehn' in a rule (did you mean 'when'?)")
    }

    @Test func unknownOptionInAdd() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "add: {mono: 3}", with: "add: {monolith: 3}")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 5, column: 11,
                         "decision 'arch' has no option 'monolith'; expected one of mono, micro, mesh")
    }

    @Test func unknownOptionInExclude() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "exclude: [mesh]", with: "exclude: [meshh]")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 16, column: 15, "decision 'arch' has no option 'meshh'")
    }

    @Test func unknownSource() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "source: start-simple", with: "source: start-simpel")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 7, column: 13,
                         "unknown source 'start-simpel' (did you mean 'start-simple'?)")
    }

    @Test func duplicateRuleID() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "id: big-team-splits", with: "id: start-with-mono")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 8, column: 9, "rule 'start-with-mono' is defined twice")
    }

    @Test func duplicateRuleIDAcrossFiles() {
        var mini = MiniRules()
        mini.productRules = mini.productRules.replacingOccurrences(of: "id: mature-likes-istio", with: "id: big-team-splits")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/product.yaml", line: 3, column: 9, "rule 'big-team-splits' is defined twice")
    }

    @Test func uncitedRecommendation() {
        var mini = MiniRules()
        mini.sources += "\n  - id: unused-advice\n    section: \"4 Later\"\n    kind: recommendation\n    text: Nobody cites this."
        expectDiagnostic(mini.diagnostics(), file: "rules/sources.yaml", line: 14, column: 5,
                         "recommendation 'unused-advice' is cited by no rule")
        // An uncited fact is fine, and coverage can be switched off.
        #expect(throws: Never.self) { try RulesCompiler.compile(files: mini.files, options: .init(requireCoverage: false)) }
    }

    @Test func conditionErrorInQuotedScalarPointsInsideTheQuotes() {
        var mini = MiniRules()
        mini.productRules = mini.productRules.replacingOccurrences(of: #"'stage == "mature"'"#, with: #"'stage == "matrue"'"#)
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/product.yaml", line: 4, column: 21,
                         #"'stage' has no choice "matrue" (did you mean "mature"?)"#)
    }

    @Test func conditionErrorInDoubleQuotedScalar() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: #"when: "true""#, with: #"when: "team_size >= 20 and kubernets""#)
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 4, column: 32,
                         "unknown question 'kubernets' (did you mean 'kubernetes'?)")
    }

    @Test func conditionErrorInPlainScalar() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "when: team_size >= 20", with: "when: team_size >= 20 and kubernetes == 1")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 9, column: 11 + 34,
                         "cannot compare boolean 'kubernetes' with the number 1")
    }

    @Test func conditionSyntaxErrorInPlainScalar() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "when: team_size >= 20", with: "when: team_size => 20")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 9, column: 21, "'=' is not an operator")
    }

    @Test func orderingOnAChoiceInARule() {
        var mini = MiniRules()
        mini.productRules = mini.productRules.replacingOccurrences(of: #"'stage == "mature"'"#, with: #"'stage >= "growth"'"#)
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/product.yaml", line: 4, column: 21, "'>=' does not apply to choice 'stage'")
    }

    @Test func ruleUsingALaterDecision() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: #"when: "true""#, with: #"when: 'product == "istio"'"#)
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/arch.yaml", line: 4, column: 12, "decision 'product' is made later")
    }

    @Test func decisionAppliesWhenUsingALaterDecision() {
        var mini = MiniRules()
        mini.decisions = mini.decisions.replacingOccurrences(of: #"applies_when: "true""#, with: #"applies_when: 'product != "istio"'"#)
        // Decisions are read in order, so a later one is not yet known here.
        expectDiagnostic(mini.diagnostics(), file: "rules/decisions.yaml", line: 3, column: 20, "'product'")
    }

    @Test func unknownDecisionOfARulesFile() {
        var mini = MiniRules()
        mini.productRules = mini.productRules.replacingOccurrences(of: "decision: product", with: "decision: prodcut")
        expectDiagnostic(mini.diagnostics(), file: "rules/rules/product.yaml", line: 1, column: 11,
                         "unknown decision 'prodcut' (did you mean 'product'?)")
    }

    @Test func invalidYAML() throws {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "add: {mono: 3}", with: "add: {mono: 3")
        let diagnostics = mini.diagnostics()
        let d = try #require(diagnostics.first { $0.location.file == "rules/rules/arch.yaml" })
        #expect(d.message.hasPrefix("invalid YAML: "), "\(d)")
        #expect(d.location.line >= 5 && d.location.line <= 6, "\(d)")
        expectDiagnostic(diagnostics, file: d.location.file, line: d.location.line, column: d.location.column, "invalid YAML")
    }

    @Test func scenarioWithInvalidAnswers() {
        var mini = MiniRules()
        mini.scenarios = mini.scenarios.replacingOccurrences(of: "{team_size: 3}", with: "{team_size: 0, team_szie: 3}")
        let diagnostics = mini.diagnostics()
        expectDiagnostic(diagnostics, file: "rules/scenarios/basic.yaml", line: 3, column: 14,
                         "scenario 'small': team_size: expected an integer from 1 to 1000, got 0")
        expectDiagnostic(diagnostics, file: "rules/scenarios/basic.yaml", line: 3, column: 14,
                         #"scenario 'small': team_szie: unknown question (did you mean "team_size"?)"#)
    }

    @Test func scenarioExpectingAnUnknownOption() {
        var mini = MiniRules()
        mini.scenarios = mini.scenarios.replacingOccurrences(of: "arch: mono", with: "arch: monolith")
        expectDiagnostic(mini.diagnostics(), file: "rules/scenarios/basic.yaml", line: 4, column: 20,
                         "decision 'arch' has no option 'monolith'")
    }

    @Test func everyProblemIsReportedAtOnce() {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "add: {mono: 3}", with: "add: {monolith: 3}")
            .replacingOccurrences(of: "source: start-simple", with: "source: nowhere")
        mini.productRules = mini.productRules.replacingOccurrences(of: "mature", with: "old")
        #expect(mini.diagnostics().count >= 3)
    }
}
