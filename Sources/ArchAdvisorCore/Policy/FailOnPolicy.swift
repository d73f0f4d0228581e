/// A `--fail-on` policy of `evaluate`: fail when any decision is a close call, or when an
/// input chooses a given option of a decision.
public enum FailOnPolicy: Sendable, Equatable {
    /// `close-call`: any decision of any input is a close call.
    case closeCall
    /// `DECISION=CHOICE`: an input chose this option.
    case choice(decision: String, option: String)

    /// The policy as typed: `close-call` or `architecture=service_mesh`.
    public var text: String {
        switch self {
        case .closeCall: "close-call"
        case .choice(let d, let o): "\(d)=\(o)"
        }
    }

    /// Reads `text` against the decisions of `kb`. A value that is not a policy gets a
    /// one-line reason with the likely meant policy (`close-cal`: `close-call`;
    /// `monolith` or `architecture=monolit`: `architecture=monolith`) and the valid values.
    public static func parse(_ text: String, kb: KnowledgeBase) -> Result<FailOnPolicy, FailOnPolicyError> {
        if text == "close-call" { return .success(.closeCall) }
        let decisions = kb.decisions.map(\.id)
        guard let equals = text.firstIndex(of: "=") else {
            // A bare choice (`monolith`) most likely means DECISION=CHOICE.
            let pairs = kb.decisions.flatMap { d in d.options.map { (d.id, $0.value) } }
            let owners = pairs.filter { $0.1.lowercased() == text.lowercased() }
            var guess = owners.count == 1 ? "\(owners[0].0)=\(owners[0].1)" : nil
            if guess == nil, let near = Suggest.likely(text, in: ["close-call"] + pairs.map(\.1)) {
                guess = near == "close-call" ? near : pairs.first { $0.1 == near }.map { "\($0.0)=\($0.1)" }
            }
            return .failure(FailOnPolicyError(text: text, problem: "unknown policy", suggestion: guess,
                expected: "close-call or DECISION=CHOICE with DECISION one of \(decisions.joined(separator: ", ")) (e.g. architecture=service_mesh)"))
        }
        let name = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        // The decisions that have this choice (`monolith`: architecture).
        let owners = kb.decisions.filter { d in d.options.contains { $0.value.lowercased() == value.lowercased() } }
        guard let d = kb.decisionIndex[name] else {
            let near = owners.count == 1 ? owners[0].id : Suggest.likely(name, in: decisions)
            let guess = near.map { n in likelyOption(value, of: kb.decisions[kb.decisionIndex[n]!]).map { "\(n)=\($0)" } ?? n }
            return .failure(FailOnPolicyError(text: text, problem: "unknown decision \(quote(name))", suggestion: guess,
                expected: "DECISION=CHOICE with DECISION one of \(decisions.joined(separator: ", "))"))
        }
        let decision = kb.decisions[d]
        guard decision.optionIndex(value) != nil else {
            var guess = likelyOption(value, of: decision).map { "\(name)=\($0)" }
            if guess == nil, owners.count == 1, let o = likelyOption(value, of: owners[0]) { guess = "\(owners[0].id)=\(o)" }
            let problem = value.isEmpty ? "no choice of \(name) given" : "\(quote(value)) is not a choice of \(name)"
            return .failure(FailOnPolicyError(text: text, problem: problem, suggestion: guess,
                expected: "\(name)=CHOICE with CHOICE one of \(decision.options.map(\.value).joined(separator: ", "))"))
        }
        return .success(.choice(decision: name, option: value))
    }

    /// The option of `decision` that `value` most likely means: the same in any case, else
    /// a near or unique-prefix match.
    static func likelyOption(_ value: String, of decision: Decision) -> String? {
        let options = decision.options.map(\.value)
        return options.first { $0.lowercased() == value.lowercased() } ?? Suggest.likely(value, in: options)
    }

    static func quote(_ s: String) -> String { "'\(s.count > 40 ? String(s.prefix(40)) + "…" : s)'" }
}

/// Why a `--fail-on` value is not a policy; prints as one line.
public struct FailOnPolicyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The value as given.
    public var text: String
    public var problem: String
    /// The policy most likely meant, if any.
    public var suggestion: String?
    /// What a valid value looks like, naming the valid values.
    public var expected: String

    public var description: String {
        let meant = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
        return "--fail-on \(FailOnPolicy.quote(text)): \(problem)\(meant); expected \(expected)"
    }
}
