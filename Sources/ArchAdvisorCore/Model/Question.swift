/// A question of the questionnaire, as the knowledge base defines it.
public struct Question: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        case boolean
        case choice([Choice])
    }

    public struct Choice: Sendable, Equatable {
        public var value: String
        public var label: String
        public init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }

    public var id: String
    public var kind: Kind
    /// The default, as a slot value (see ``Condition``).
    public var defaultValue: Int
    public var prompt: String
    public var help: String
    /// When the question is worth asking; over earlier questions.
    public var askWhen: Condition
    public var askWhenText: String
    /// Ids of the guidance sources behind the question.
    public var sources: [String]

    public init(id: String, kind: Kind, defaultValue: Int, prompt: String, help: String,
                askWhen: Condition, askWhenText: String, sources: [String]) {
        self.id = id
        self.kind = kind
        self.defaultValue = defaultValue
        self.prompt = prompt
        self.help = help
        self.askWhen = askWhen
        self.askWhenText = askWhenText
        self.sources = sources
    }

    /// `integer`, `boolean` or `choice`.
    public var typeName: String {
        switch kind {
        case .integer: "integer"
        case .boolean: "boolean"
        case .choice: "choice"
        }
    }

    /// The range of slot values this question can take.
    public var slotRange: ClosedRange<Int> {
        switch kind {
        case .integer(let r): r
        case .boolean: 0...1
        case .choice(let c): 0...(c.count - 1)
        }
    }

    /// A slot value as the answer a user writes (JSON text).
    public func jsonValue(_ value: Int) -> String {
        switch kind {
        case .integer: String(value)
        case .boolean: value != 0 ? "true" : "false"
        case .choice(let c): "\"\(c[value].value)\""
        }
    }

    /// A slot value for people: `true`, `25`, `growth`.
    public func displayValue(_ value: Int) -> String {
        switch kind {
        case .integer: String(value)
        case .boolean: value != 0 ? "yes" : "no"
        case .choice(let c): c[value].value
        }
    }

    /// What a valid answer looks like, for error messages.
    public var expectation: String {
        switch kind {
        case .integer(let r):
            r.upperBound >= Int.max / 2 ? "an integer >= \(r.lowerBound)" : "an integer from \(r.lowerBound) to \(r.upperBound)"
        case .boolean: "true or false"
        case .choice(let c): "one of " + c.map { "\"\($0.value)\"" }.joined(separator: ", ")
        }
    }
}
