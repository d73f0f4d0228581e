/// A decision archadvisor makes, with its options in tie-break order.
public struct Decision: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public var value: String
        public var label: String
        public var description: String
        /// Source ids of the guidance's pros and cons of this option.
        public var pros: [String]
        public var cons: [String]
        /// The value of the option this one refines (`service_mesh` refines
        /// `microservices`), or nil. A refinement is weighed only against its base, and
        /// only once the base has won over the other base options (see ``Scoring``).
        public var refines: String?
        public init(value: String, label: String, description: String, pros: [String] = [], cons: [String] = [], refines: String? = nil) {
            self.value = value
            self.label = label
            self.description = description
            self.pros = pros
            self.cons = cons
            self.refines = refines
        }
    }

    public var id: String
    public var title: String
    public var appliesWhen: Condition
    public var appliesWhenText: String
    /// Lead over the runner-up from which a choice is "clear".
    public var clearMargin: Double
    /// Lead over the runner-up from which a choice is "leaning"; below it, a close call.
    public var leaningMargin: Double
    public var options: [Option]

    public init(id: String, title: String, appliesWhen: Condition, appliesWhenText: String,
                clearMargin: Double, leaningMargin: Double, options: [Option]) {
        self.id = id
        self.title = title
        self.appliesWhen = appliesWhen
        self.appliesWhenText = appliesWhenText
        self.clearMargin = clearMargin
        self.leaningMargin = leaningMargin
        self.options = options
    }

    public func optionIndex(_ value: String) -> Int? {
        options.firstIndex { $0.value == value }
    }
}

/// A rule: when its condition holds, it adds points to options of one decision and may
/// exclude options outright.
public struct Rule: Sendable, Equatable {
    public var id: String
    /// Index into ``KnowledgeBase/decisions``.
    public var decision: Int
    public var condition: Condition
    public var conditionText: String
    /// Points per option index.
    public var points: [(option: Int, points: Double)]
    /// Option indices this rule rules out.
    public var excludes: [Int]
    public var why: String
    /// Id of a ``Source``.
    public var source: String
    /// Where the rule is written, `rules/architecture.yaml:12`.
    public var location: String
    /// archadvisor's own calibration behind the rule's threshold (the guidance states no
    /// number), e.g. "small team = fewer than 10 engineers"; nil when there is none.
    public var calibration: String?
    /// Where the guidance itself states the rule's threshold ("5+ microservices"); nil
    /// when the rule has no threshold or the threshold is archadvisor's calibration.
    public var stated: String?

    public init(id: String, decision: Int, condition: Condition, conditionText: String,
                points: [(option: Int, points: Double)], excludes: [Int], why: String,
                source: String, location: String, calibration: String? = nil, stated: String? = nil) {
        self.id = id
        self.decision = decision
        self.condition = condition
        self.conditionText = conditionText
        self.points = points
        self.excludes = excludes
        self.why = why
        self.source = source
        self.location = location
        self.calibration = calibration
        self.stated = stated
    }

    public static func == (a: Rule, b: Rule) -> Bool {
        a.id == b.id && a.decision == b.decision && a.condition == b.condition
            && a.conditionText == b.conditionText && a.excludes == b.excludes && a.why == b.why
            && a.source == b.source && a.location == b.location
            && a.calibration == b.calibration && a.stated == b.stated
            && a.points.map(\.option) == b.points.map(\.option)
            && a.points.map(\.points) == b.points.map(\.points)
    }
}

/// A combination of answers that cannot be true together ("more teams than engineers").
/// An answer set that breaks one is bad input (exit 2), never scored.
public struct AnswerConstraint: Sendable, Equatable {
    public var id: String
    /// Must hold over the answers (defaults included).
    public var require: Condition
    public var requireText: String
    /// Why the combination is impossible, for the error line.
    public var message: String
    public init(id: String, require: Condition, requireText: String, message: String) {
        self.id = id
        self.require = require
        self.requireText = requireText
        self.message = message
    }
}

/// A recommendation or fact of the guidance text.
public struct Source: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case recommendation, fact
    }
    public var id: String
    public var section: String
    public var kind: Kind
    public var text: String
    public init(id: String, section: String, kind: Kind, text: String) {
        self.id = id
        self.section = section
        self.kind = kind
        self.text = text
    }
}

/// A scenario test: answers in, expected choices out.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var note: String
    public var location: String
    /// The answers as JSON text (an answer file).
    public var answers: String
    /// Decision id -> expected option value, or nil for "does not apply".
    public var expect: [(decision: String, choice: String?)]
    /// Decision id -> expected confidence word.
    public var expectConfidence: [(decision: String, confidence: String)]

    public init(name: String, note: String, location: String, answers: String,
                expect: [(decision: String, choice: String?)],
                expectConfidence: [(decision: String, confidence: String)]) {
        self.name = name
        self.note = note
        self.location = location
        self.answers = answers
        self.expect = expect
        self.expectConfidence = expectConfidence
    }

    public static func == (a: Scenario, b: Scenario) -> Bool {
        a.name == b.name && a.note == b.note && a.location == b.location && a.answers == b.answers
            && a.expect.map(\.decision) == b.expect.map(\.decision)
            && a.expect.map(\.choice) == b.expect.map(\.choice)
            && a.expectConfidence.map(\.decision) == b.expectConfidence.map(\.decision)
            && a.expectConfidence.map(\.confidence) == b.expectConfidence.map(\.confidence)
    }
}

/// A scaffold template file.
public struct Template: Sendable, Equatable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}
