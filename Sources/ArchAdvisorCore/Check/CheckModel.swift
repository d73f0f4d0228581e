/// What `archadvisor check` finds: findings with stable ids, a severity, the file and the
/// line of the key they are about (CONTRACT.md section 4).
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case note, warning, error

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A waiver: a finding accepted for now, with who owns it, why, and until when.
public struct Waiver: Sendable, Equatable {
    public var finding: String
    public var reason: String
    public var owner: String
    /// `YYYY-MM-DD`.
    public var expires: String
    /// 1-based line of the waiver in its file.
    public var line: Int
}

public struct Finding: Sendable, Equatable {
    /// `drift/architecture`, `close-call/mesh`, `rests-on-defaults/messaging`,
    /// `waiver-expired`, `invalid-answers`.
    public var id: String
    public var severity: Severity
    /// The file as given (relative paths stay relative).
    public var file: String
    /// 1-based line of the key the finding is about (1 when the key is not in the file).
    public var line: Int
    public var message: String
    /// The decision it is about, if any.
    public var decision: String?
    /// The waiver that suppresses it, if any (then it does not fail the gate).
    public var waivedBy: Waiver?

    public var isSuppressed: Bool { waivedBy != nil }
}

/// One answer file or scaffold record, checked.
public struct CheckedFile: Sendable {
    public var path: String
    /// The name of the service: the file's folder (or its name, for `NAME.archadvisor.json`).
    public var service: String
    /// The evaluation, nil when the file could not be read or is invalid.
    public var evaluation: Evaluation?
    /// What the service runs today (decision id -> choice; nil: does not apply).
    public var current: [(decision: String, choice: String?)]
    public var waivers: [Waiver]
    /// The knowledge base the file was last evaluated with (scaffold records keep it).
    public var knowledgeBase: String?
    public var findings: [Finding]
}

public struct CheckResult: Sendable {
    public var files: [CheckedFile]
    /// The date waivers are compared with (`YYYY-MM-DD`).
    public var today: String
    public var knowledgeBase: String

    public var findings: [Finding] { files.flatMap(\.findings) }

    /// Whether a finding at or above `threshold` is not suppressed (nil: never fail).
    public func fails(at threshold: Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains { !$0.isSuppressed && $0.severity >= threshold }
    }

    /// Whether some input could not be read or is invalid.
    public var hasInvalidInput: Bool { findings.contains { $0.id == "invalid-answers" } }
}
