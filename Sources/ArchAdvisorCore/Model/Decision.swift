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
    /// The id of the organisation rule pack the rule comes from; nil for the guidance's.
    public var pack: String?
    /// A pack's override of the rule's threshold, when one replaced its condition.
    public var override: RuleOverride?

    public init(id: String, decision: Int, condition: Condition, conditionText: String,
                points: [(option: Int, points: Double)], excludes: [Int], why: String,
                source: String, location: String, calibration: String? = nil, stated: String? = nil,
                pack: String? = nil, override: RuleOverride? = nil) {
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
        self.pack = pack
        self.override = override
    }

    public static func == (a: Rule, b: Rule) -> Bool {
        a.id == b.id && a.decision == b.decision && a.condition == b.condition
            && a.conditionText == b.conditionText && a.excludes == b.excludes && a.why == b.why
            && a.source == b.source && a.location == b.location
            && a.calibration == b.calibration && a.stated == b.stated
            && a.pack == b.pack && a.override == b.override
            && a.points.map(\.option) == b.points.map(\.option)
            && a.points.map(\.points) == b.points.map(\.points)
    }
}

/// An organisation rule pack's change of a guidance rule's threshold: the rule keeps its
/// reason and its points, and its condition becomes the pack's.
public struct RuleOverride: Sendable, Equatable {
    /// The pack that made it.
    public var pack: String
    /// The pack's source (an ADR or a document) for the new threshold.
    public var source: String
    /// The condition the rule had before (`client_fanout >= 3`).
    public var replacedCondition: String
    /// archadvisor's calibration the override replaced.
    public var replacedCalibration: String
    /// Where the override is written (`org-rules/rules/overrides.yaml:4`).
    public var location: String
    public init(pack: String, source: String, replacedCondition: String, replacedCalibration: String, location: String) {
        self.pack = pack
        self.source = source
        self.replacedCondition = replacedCondition
        self.replacedCalibration = replacedCalibration
        self.location = location
    }
}

/// A policy of an organisation rule pack: it scores nothing; when its `when` holds on an
/// answer file (answers and the decisions made) and its `require` does not, `archadvisor
/// check` reports the finding `policy/ID` with the pack's severity.
public struct Policy: Sendable, Equatable {
    public var id: String
    public var pack: String
    public var when: Condition
    public var whenText: String
    public var require: Condition
    public var requireText: String
    public var severity: Severity
    /// What the finding says ("every service on Kubernetes must require mTLS").
    public var message: String
    /// Id of the pack's ``Source``.
    public var source: String
    public var location: String
    public init(id: String, pack: String, when: Condition, whenText: String, require: Condition, requireText: String,
                severity: Severity, message: String, source: String, location: String) {
        self.id = id
        self.pack = pack
        self.when = when
        self.whenText = whenText
        self.require = require
        self.requireText = requireText
        self.severity = severity
        self.message = message
        self.source = source
        self.location = location
    }
}

/// An organisation rule pack layered over the guidance (`--rules DIR` with a `pack.yaml`).
public struct RulePack: Sendable, Equatable {
    public var id: String
    public var title: String
    public var owner: String
    /// SHA-256 of the pack's files.
    public var hash: String
    public init(id: String, title: String, owner: String, hash: String) {
        self.id = id
        self.title = title
        self.owner = owner
        self.hash = hash
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
    /// The rule pack the source belongs to (its `section` is then the document's title);
    /// nil for the guidance.
    public var pack: String?
    /// A link to the pack's document (an ADR), if given.
    public var url: String?
    public init(id: String, section: String, kind: Kind, text: String, pack: String? = nil, url: String? = nil) {
        self.id = id
        self.section = section
        self.kind = kind
        self.text = text
        self.pack = pack
        self.url = url
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
    /// The rule pack whose scenario it is; nil for the guidance's.
    public var pack: String?

    public init(name: String, note: String, location: String, answers: String,
                expect: [(decision: String, choice: String?)],
                expectConfidence: [(decision: String, confidence: String)], pack: String? = nil) {
        self.name = name
        self.note = note
        self.location = location
        self.answers = answers
        self.expect = expect
        self.expectConfidence = expectConfidence
        self.pack = pack
    }

    public static func == (a: Scenario, b: Scenario) -> Bool {
        a.name == b.name && a.note == b.note && a.location == b.location && a.answers == b.answers && a.pack == b.pack
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
