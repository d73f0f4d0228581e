@testable import ArchAdvisorScaffold
import Mustache
import TestSupport
import Testing

/// The compiled templates render what swift-mustache renders, byte for byte, and refuse
/// what it refuses: on hand-picked texts (whitespace rules, delimiters, quirks) and on
/// thousands of random ones.
struct CompiledTemplateTests {
    /// Values of every shape the scaffolder uses, and a few it does not.
    static var values: [String: Any] { [
        "yes": true, "no": false, "name": "shop", "empty": "", "count": 3, "zero": 0,
        "lines": "first\nsecond\n", "items": [["name": "a", "last": false], ["name": "b", "last": true]] as [[String: Any]],
        "none": [[String: Any]](), "words": ["x", "y"], "nested": ["inner": ["deep": "bottom"]] as [String: Any],
    ] }

    static let partialTexts = [
        "part": "p {{name}}\n  {{#yes}}\n  q\n  {{/yes}}\nr\n",
        "line": "{{name}}",
        "block": "{{#items}}\n- {{name}}\n{{/items}}\n",
        "lines": "{{lines}}",
    ]

    /// What swift-mustache renders (nil when it refuses the text), and what the compiled
    /// template renders (nil when refused).
    static func both(_ text: String) -> (reference: String?, compiled: String?) {
        // One dictionary for both: printing a whole dictionary lists its keys in an order
        // of its own.
        let values = Self.values
        var library = MustacheLibrary()
        var partials: [String: CompiledTemplate] = [:]
        for (name, partial) in partialTexts {
            library.register(try! MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + partial), named: name)
            partials[name] = try! CompiledTemplate(parsing: partial)
        }
        let reference = (try? MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + text))?.render(values, library: library)
        let compiled = (try? CompiledTemplate(parsing: text))?.render(values, partials: partials)
        return (reference, compiled)
    }

    @Test(arguments: [
        // Standalone lines, and lines that are not.
        "a\n{{#yes}}\nb\n{{/yes}}\nc\n", "  {{#yes}}  \n  b\n  {{/yes}}\t\n", "x{{#yes}}\ny\n{{/yes}}\nz",
        "{{#yes}}a{{/yes}}\n{{^no}}\nb\n{{/no}}", "{{#yes}}\n{{#yes}}\nnested\n{{/yes}}\n{{/yes}}\n",
        "a {{#items}}{{name}}{{^last}}, {{/last}}{{/items}}.\n", "{{#items}}\n  - {{name}}\n{{/items}}\n",
        "{{#none}}\nnever\n{{/none}}\n{{^none}}\nempty\n{{/none}}\n", "{{^items}}no{{/items}}{{#name}}[{{.}}]{{/name}}",
        "{{#count}}{{.}}{{/count}} {{#zero}}{{.}}{{/zero}} {{#empty}}<{{.}}>{{/empty}} {{^missing}}m{{/missing}}",
        "{{#words}}{{.}};{{/words}}", "{{nested.inner.deep}} {{#nested}}{{inner.deep}}{{/nested}} {{.nested.inner}}",
        "{{#items}}{{count}}{{name}}{{/items}}", "{{#nested}}{{#inner}}{{deep}}{{name}}{{/inner}}{{/nested}}",
        // Variables of every kind; values that are not text.
        "{{name}} {{{name}}} {{&name}} {{ name }} {{count}} {{yes}} {{missing}} {{items}}|", "{{.}}|{{ }}|",
        // Comments, standalone and inline.
        "a\n  {{! a comment }}\nb {{! inline }} c\n", "{{! multi\nline }}\nx", "  {{!c}} x\n",
        // Partials: indentation of every line, standalone or inline.
        "begin\n  {{> part}}\nend\n", "  {{>line}}\n", "x {{> part}} y\n", "{{#yes}}\n    {{> block}}\n{{/yes}}\n",
        "  {{> lines}}\n  {{>lines}}after\n", "{{>missing}}\n  {{> missing }}\nz",
        // Delimiters: inside a line and back, for several lines, inside a section (lasting to its end).
        "${{=<% %>=}}<%name%><%={{ }}=%>_X {{name}}\n", "{{=<% %>=}}\n<%#yes%>\n{{kept}} <%name%>\n<%/yes%>\n<%={{ }}=%>\n{{name}}\n",
        "{{#yes}}{{=[ ]=}}[name]{{/yes}}[/yes]{{name}}", "{{= | | =}}|name| |={{ }}=|{{name}}",
        // Line ends: CRLF, a lone CR, a form feed after a standalone tag, none at the end.
        "a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\nc", "{{#yes}}\rb{{/yes}}", "{{#yes}}\u{0C}b\n{{/yes}}", "{{#yes}}\n{{/yes}}",
        // Non-ASCII text around tags; a single brace; braces that are not tags.
        "é {{name}} → ü\n—{{#yes}}ß{{/yes}}", "func f() { {{name}} }\n", "${ {{name}} } {{{name}}}}", "a { b } c\n",
        // Texts swift-mustache refuses, or reads in its own way.
        "{{#yes}}\nopen", "{{/yes}}", "{{#yes}}{{/no}}", "{{name", "{{{name}}", "x {", "x {{", "{{=<%>=}}", "{{=<% %>}}",
        "{{! never closed", "{{name}}}", "{{#a b}}{{/a b}}", "{{%CONTENT_TYPE:FOO}}", "{{%FOO:TEXT}}", "{{\nname}}", "{{ }}x",
        "{{)}}", "{{a)}}", "{{=\u{0} |=}}x", "{{=\u{0} |=}}x\n",
    ])
    func rendersWhatSwiftMustacheRenders(text: String) {
        let (reference, compiled) = Self.both(text)
        #expect(compiled == reference, "\(text.debugDescription)")
    }

    /// Picks one of `options` (a seeded generator, so a failure names a case that can be re-run).
    static func pick<T>(_ options: [T], _ random: inout SeededGenerator) -> T { options[Int(random.next() % UInt64(options.count))] }

    static let atoms = ["x", "text", " ", "  ", "\t", "\n", "\n", "\r\n", "{", "}", "é", "{{name}}", "{{{name}}}", "{{&count}}",
                        "{{.}}", "{{missing}}", "{{! note }}", "{{> part}}", "{{>line}}", "{{> block}}", "{{ yes }}",
                        "{{nested.inner.deep}}"]
    static let sections = ["yes", "no", "items", "none", "name", "empty", "missing", "nested", "words", "count"]

    /// A template with balanced sections, standalone and inline tags, and delimiter changes.
    static func balanced(_ random: inout SeededGenerator, depth: Int) -> String {
        var text = ""
        for _ in 0..<(1 + Int(random.next() % 6)) {
            let roll = random.next() % 10
            if roll < 2, depth > 0 {
                let name = Self.pick(sections, &random), sigil = Self.pick(["#", "^"], &random)
                let before = Self.pick(["", "\n", "  ", "\n  "], &random), after = Self.pick(["", "\n", " \n"], &random)
                text += "\(before){{\(sigil)\(name)}}\(after)\(balanced(&random, depth: depth - 1))\(Self.pick(["", "\n", "  "], &random)){{/\(name)}}\(Self.pick(["", "\n"], &random))"
            } else if roll == 2 {
                text += "{{=<% %>=}}\(Self.pick(["", "\n"], &random))<%name%>\(Self.pick(["", "\n", "{{x}}"], &random))<%={{ }}=%>"
            } else {
                text += Self.pick(atoms, &random)
            }
        }
        return text
    }

    @Test func randomBalancedTemplatesRenderAlike() {
        var random = SeededGenerator(seed: 20261201)
        var differences: [String] = []
        var rendered = 0
        for _ in 0..<3000 {
            let text = Self.balanced(&random, depth: 3)
            let (reference, compiled) = Self.both(text)
            if reference != nil { rendered += 1 }
            if compiled != reference { differences.append(text) }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5).map(\.debugDescription))")
        #expect(rendered > 2000, "most generated templates are valid: \(rendered)")
    }

    @Test func randomTagSoupIsReadAlike() {
        var random = SeededGenerator(seed: 7)
        let soup = Self.atoms + ["{{#yes}}", "{{/yes}}", "{{^items}}", "{{/items}}", "{{#items}}", "{{=<% %>=}}", "<%={{ }}=%>",
                                 "<%name%>", "{{", "}}", "{{{", "{{/", "{{#", "{{!", "{{=", "="]
        var differences: [String] = []
        for _ in 0..<3000 {
            let text = (0..<(1 + Int(random.next() % 12))).map { _ in Self.pick(soup, &random) }.joined()
            let (reference, compiled) = Self.both(text)
            if compiled != reference { differences.append(text) }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5).map(\.debugDescription))")
    }

    @Test(arguments: [
        ("{{#items}}{{#first()}}f{{/first()}}{{/items}}", "line 1, column 11: a transform ({{name(value)}})"),
        ("a\n{{<parent}}{{/parent}}", "line 2, column 1: a partial with inheritance ({{<name}})"),
        ("{{$block}}x{{/block}}", "line 1, column 1: an inheritance block ({{$name}})"),
        ("{{>*dynamic}}", "line 1, column 1: a dynamic partial ({{>*name}})"),
        ("ok\n{{%CONTENT_TYPE:HTML}}", "line 2, column 1: a pragma other than {{%CONTENT_TYPE:TEXT}}"),
        ("e\u{301} {{name}}", "line 1, column 1: a character made of several Unicode scalars (write it as one, precomposed)"),
        ("x\n {{\u{212A}}}", "line 2, column 4: U+212A, a character Unicode treats as another one (write that one)"),
    ])
    func unsupportedFeaturesAreNamed(text: String, message: String) throws {
        let cache = TemplateCache()
        let error = #expect(throws: ScaffoldError.self) {
            _ = try cache.render(text, path: "common/t.mustache", values: Self.values, partials: cache.partials([]))
        }
        #expect(error?.description == "template common/t.mustache: \(message), not supported by archadvisor's template renderer")
    }
}
