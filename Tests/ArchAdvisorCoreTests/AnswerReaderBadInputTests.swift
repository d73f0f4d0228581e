import Testing
@testable import ArchAdvisorCore

/// Every bad answer file of the issue: each gets a problem naming the key (when there is
/// one) and saying what was expected.
@Suite("Answer reader: bad input")
struct AnswerReaderBadInputTests {
    struct Bad: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var key: String?
        var mentions: [String]
        init(_ name: String, _ text: String, key: String?, _ mentions: String...) {
            self.init(name, Array(text.utf8), key: key, mentions)
        }
        init(_ name: String, _ bytes: [UInt8], key: String?, _ mentions: [String]) {
            self.name = name
            self.bytes = bytes
            self.key = key
            self.mentions = mentions
        }
        var testDescription: String { name }
    }

    static let teamSizeRange = "expected an integer from 1 to 100000"
    static let stages = #""prototype", "early", "growth", "mature""#

    static let cases: [Bad] = [
        // Syntax
        Bad("missing value", #"{"team_size": }"#, key: "team_size", "invalid JSON at line 1, column 15", "expected a value", "got '}'"),
        Bad("missing colon", #"{"team_size" 4}"#, key: "team_size", "expected ':' after the key"),
        Bad("unquoted key", "{team_size: 4}", key: nil, "invalid JSON at line 1, column 2", "expected a quoted key"),
        Bad("trailing comma", #"{"team_size": 4,}"#, key: nil, "expected a quoted key", "got '}'"),
        Bad("two objects", #"{"team_size": 4} {"team_size": 5}"#, key: nil, "unexpected text after the answers object", ".jsonl"),
        Bad("bad literal", #"{"kubernetes": yes}"#, key: "kubernetes", "invalid JSON", "expected a value"),
        Bad("bad escape", #"{"x-note": "\q"}"#, key: "x-note", "invalid escape sequence"),
        Bad("raw control character", "{\"x-note\": \"a\nb\"}", key: "x-note", "control character inside a string must be escaped"),
        Bad("error on line 3", "{\n  \"team_size\": 4,\n  \"kubernetes\" true\n}", key: "kubernetes", "line 3, column 16", "expected ':'"),
        // Truncated
        Bad("truncated after a value", #"{"team_size": 4"#, key: nil, "the input ends too early", "expected ',' or '}' after a value", "truncated file?"),
        Bad("truncated in a key", #"{"team_size": 4, "kube"#, key: nil, "a string is not closed", "truncated file?"),
        Bad("truncated after a colon", #"{"team_size":"#, key: "team_size", "the input ends too early", "expected a value"),
        Bad("only a brace", "{", key: nil, "the input ends too early", "expected a quoted key"),
        // Empty and non-objects
        Bad("empty", "", key: nil, "the input is empty; expected a JSON object of answers"),
        Bad("whitespace only", " \n\t\n", key: nil, "the input is empty; expected a JSON object of answers"),
        Bad("array", #"[{"team_size": 4}]"#, key: nil, "expected a JSON object of answers", "got a list"),
        Bad("string", #""monolith""#, key: nil, "expected a JSON object of answers", "got a string"),
        Bad("number", "42", key: nil, "expected a JSON object of answers", "got a number"),
        Bad("null", "null", key: nil, "expected a JSON object of answers", "got null"),
        // Keys
        Bad("unknown key, close", #"{"team_szie": 4}"#, key: "team_szie", #"unknown question (did you mean "team_size"?)"#, #"expected a question id"#, #""x-""#),
        Bad("unknown key, far", #"{"budget": 4}"#, key: "budget", "unknown question; expected a question id"),
        Bad("duplicate key", #"{"team_size": 3, "team_size": 4}"#, key: "team_size", "appears twice"),
        Bad("duplicate escaped key", #"{"team_size": 3, "team\u005fsize": 4}"#, key: "team_size", "appears twice"),
        // Types
        Bad("string for boolean", #"{"kubernetes": "yes"}"#, key: "kubernetes", #"expected true or false, got the string "yes""#),
        Bad("number for boolean", #"{"kubernetes": 1}"#, key: "kubernetes", "expected true or false, got 1"),
        Bad("null for boolean", #"{"kubernetes": null}"#, key: "kubernetes", "expected true or false, got null"),
        Bad("string for integer", #"{"team_size": "4"}"#, key: "team_size", teamSizeRange + #", got the string "4""#),
        Bad("list for integer", #"{"team_size": [4]}"#, key: "team_size", teamSizeRange + ", got a list"),
        Bad("object for integer", #"{"team_size": {"n": 4}}"#, key: "team_size", teamSizeRange + ", got an object"),
        Bad("boolean for integer", #"{"team_size": true}"#, key: "team_size", teamSizeRange + ", got true"),
        Bad("number for choice", #"{"product_stage": 2}"#, key: "product_stage", "expected one of " + stages + ", got 2"),
        // Ranges and numbers
        Bad("zero engineers", #"{"team_size": 0}"#, key: "team_size", teamSizeRange + ", got 0"),
        Bad("too many engineers", #"{"team_size": 100001}"#, key: "team_size", teamSizeRange + ", got 100001"),
        Bad("negative fan-out", #"{"client_fanout": -1}"#, key: "client_fanout", "expected an integer from 0 to", "got -1"),
        Bad("fraction", #"{"team_size": 5.5}"#, key: "team_size", teamSizeRange + ", got 5.5"),
        Bad("exponent", #"{"team_size": 1e3}"#, key: "team_size", teamSizeRange + ", got 1e3"),
        Bad("beyond 64 bits", #"{"team_size": 99999999999999999999}"#, key: "team_size",
            teamSizeRange + ", got 99999999999999999999 (beyond the 64-bit integer range)"),
        Bad("beyond 64 bits, negative", #"{"client_fanout": -99999999999999999999}"#, key: "client_fanout", "beyond the 64-bit integer range"),
        Bad("just past Int.max", #"{"team_count": 9223372036854775808}"#, key: "team_count", "beyond the 64-bit integer range"),
        // Choices
        Bad("unknown choice, close", #"{"product_stage": "grwoth"}"#, key: "product_stage",
            "expected one of " + stages + #", got "grwoth" (did you mean "growth"?)"#),
        Bad("unknown choice, far", #"{"product_stage": "seed"}"#, key: "product_stage", "expected one of " + stages + #", got "seed""#),
        Bad("choice in another case", #"{"product_stage": "Growth"}"#, key: "product_stage", #"got "Growth""#),
        // Depth
        Bad("very deep nesting in x-", Array(#"{"x-deep": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 10_000)
            + Array(repeating: UInt8(ascii: "]"), count: 10_000) + [UInt8(ascii: "}")], key: "x-deep", ["nesting deeper than 128 levels", "answers are flat"]),
        Bad("deep nesting in a question", Array(#"{"team_size": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 500), key: "team_size",
            ["nesting deeper than 128 levels"]),
        // UTF-8
        Bad("non-UTF-8 key", [UInt8(ascii: "{"), 0x22, 0xFF, 0xFE, 0x22, UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")], key: nil,
            ["not valid UTF-8"]),
        Bad("truncated UTF-8 sequence", Array(#"{"x-note": "caf"#.utf8) + [0xC3, 0x22, UInt8(ascii: "}")], key: "x-note", ["not valid UTF-8"]),
        Bad("non-UTF-8 choice value", Array(#"{"product_stage": "gr"#.utf8) + [0xFF] + Array(#"wth"}"#.utf8), key: "product_stage",
            ["not valid UTF-8"]),
    ]

    @Test(arguments: cases)
    func badInputIsExplained(_ bad: Bad) throws {
        let kb = try Project.kb()
        let problems = AnswerReader(kb: kb).read(bad.bytes).problems
        let problem = try #require(problems.first, "accepted")
        #expect(problems.count == 1, "\(problems)")
        #expect(problem.key == bad.key, "\(problem)")
        for m in bad.mentions {
            #expect(problem.message.contains(m), "\(problem.message)")
        }
        #expect(problem.description == (bad.key.map { "\($0): " } ?? "") + problem.message)
    }

    @Test func everyProblemOfAnInputIsListed() throws {
        let kb = try Project.kb()
        let problems = AnswerReader(kb: kb).read(Array(#"{"team_szie": 4, "kubernetes": "yes", "team_count": 0, "team_size": 3}"#.utf8)).problems
        #expect(problems.map(\.key) == ["team_szie", "kubernetes", "team_count"])
    }

    @Test func aSyntaxErrorAfterValueProblemsKeepsThem() throws {
        let kb = try Project.kb()
        let problems = AnswerReader(kb: kb).read(Array(#"{"team_count": 0, "kubernetes": }"#.utf8)).problems
        #expect(problems.map(\.key) == ["team_count", "kubernetes"])
    }

    /// The reader must not crash on any prefix of a valid file (a cheap local fuzz).
    @Test func everyPrefixOfAValidFileIsHandled() throws {
        let kb = try Project.kb()
        let reader = AnswerReader(kb: kb)
        let text = Array(#"{"$schema": "s", "team_size": 25, "product_stage": "gr\u006fwth", "x-a": [1, {"b": [true, null, -2.5e-3]}], "kubernetes": true}"#.utf8)
        #expect(reader.read(text).answers != nil)
        for n in 0..<text.count {
            #expect(reader.read(Array(text[0..<n])).answers == nil, "prefix of \(n) bytes accepted")
        }
    }
}
