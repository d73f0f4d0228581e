import Testing
@testable import ArchAdvisorCore

/// `templates/layers.yaml` is checked by `kb build` like every rules file: each problem
/// with file:line:column, and the conditions are the rules' language over the decisions.
@Suite("Template layers")
struct TemplateLayersTests {
    static let file = "rules/templates/layers.yaml"

    func mini(layers: String, paths: [String]) -> MiniRules {
        var mini = MiniRules()
        mini.templates = [Template(path: "layers.yaml", contents: layers)] + paths.map { Template(path: $0, contents: "x") }
        return mini
    }

    @Test func aValidFileCompilesAndDecidesTheLayersInItsOrder() throws {
        let text = """
            layers:
              - folder: base
                when: "true"
              - folder: meshed
                when: arch == "mesh" and product == "istio"
              - folder: split
                when: arch in ["micro", "mesh"]
            """
        let paths = ["base/a.txt", "meshed/b.txt", "split/c.txt", "partials/d.mustache", "partials/split/d.mustache"]
        _ = try mini(layers: text, paths: paths).compile()
        let table = try TemplateLayers.compile(text: text, file: "layers.yaml",
                                               decisions: .of(try mini(layers: text, paths: paths).compile().decisions),
                                               templatePaths: paths)
        #expect(try table.applying(["arch": "mono"]) == ["base"])
        #expect(try table.applying(["arch": "mesh", "product": "istio"]) == ["base", "meshed", "split"])
        #expect(try table.applying(["arch": "micro"]) == ["base", "split"])
        #expect(throws: TemplateLayers.UnknownChoice(decision: "arch", value: "serverless")) {
            try table.applying(["arch": "serverless"])
        }
    }

    @Test func everyProblemIsReportedWithItsPlace() {
        let text = """
            layers:
              - folder: base
                when: "true"
              - folder: extra
                colour: red
                when: arch == "mesh"
              - folder: missing
                when: arch == "mosh"
              - folder: broken
                when: arch ==
              - folder: asked
                when: team_size > 3
              - folder: typo
                when: archh == "mono"
              - folder: base
                when: "true"
            """
        let paths = ["base/a.txt", "extra/b.txt", "broken/c.txt", "asked/d.txt", "typo/e.txt", "unlisted/f.txt",
                     "partials/extra/slot.txt", "partials/gone/other.txt"]
        let diagnostics = mini(layers: text, paths: paths).diagnostics()
        let file = Self.file
        expectDiagnostic(diagnostics, file: file, line: 5, column: 5, "unknown key 'colour' in a layer")
        expectDiagnostic(diagnostics, file: file, line: 7, column: 13, "no folder templates/missing/ with templates")
        expectDiagnostic(diagnostics, file: file, line: 8, column: 19, #"'arch' has no choice "mosh""#)
        expectDiagnostic(diagnostics, file: file, line: 10, column: 18, "unexpected end of condition")
        expectDiagnostic(diagnostics, file: file, line: 12, column: 11, "'team_size' is a question; a layer's condition reads decisions only")
        expectDiagnostic(diagnostics, file: file, line: 14, column: 11, "unknown decision 'archh' (did you mean 'arch'?)")
        expectDiagnostic(diagnostics, file: file, line: 15, column: 13, "layer 'base' is listed twice")
        expectDiagnostic(diagnostics, file: file, line: 2, column: 3, "folder templates/unlisted/ is listed by no layer")
        expectDiagnostic(diagnostics, file: file, line: 2, column: 3,
                         "templates/partials/extra/slot.txt fills slot 'slot.txt', which has no default templates/partials/slot.txt")
        expectDiagnostic(diagnostics, file: file, line: 2, column: 3,
                         "templates/partials/gone/other.txt fills a slot for layer 'gone', which no entry lists")
        #expect(diagnostics.count == 10, "\(diagnostics)")
    }

    @Test func templatesInLayerFoldersNeedTheFile() {
        var mini = MiniRules()
        mini.templates = [Template(path: "common/a.txt", contents: "x"), Template(path: "README.md", contents: "notes")]
        #expect(mini.diagnostics().map(\.location.description) == ["\(Self.file):1:1"])
        #expect(mini.diagnostics().first?.message.hasPrefix("missing file") == true)
        mini.templates = [Template(path: "README.md", contents: "notes")]
        #expect(mini.diagnostics().isEmpty)
    }

    @Test func theRealLayersFileNamesEveryFolder() throws {
        let kb = try Project.kb()
        let text = try #require(kb.templates.first { $0.path == TemplateLayers.file }).contents
        let table = try TemplateLayers.compile(text: text, file: "layers.yaml", decisions: .of(kb.decisions),
                                               templatePaths: kb.templates.map(\.path))
        #expect(table.layers.first?.folder == "common")
        #expect(try table.applying(["architecture": "monolith"]) == ["common", "monolith"])
        #expect(try table.applying(["architecture": "service_mesh", "sync_protocol": "grpc", "messaging": "async_events",
                                    "aggregation": "aggregation_layer", "mesh": "istio"])
                == ["common", "microservices", "aggregation", "grpc", "istio", "events", "events-grpc"])
    }
}
