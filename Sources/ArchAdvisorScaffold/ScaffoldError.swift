/// Why a scaffold could not be planned or written.
///
/// Every case prints as one line that names the offending value and what was expected, so
/// the CLI can show it as is. `kind` tells the CLI which exit code fits.
public enum ScaffoldError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The project or a service name is not a DNS-1123 label of at most 40 characters that
    /// starts with a letter.
    case invalidName(role: NameRole, name: String, reason: String)
    /// The same service was named twice (or two names differ only in case or dashes and
    /// would produce the same Swift target).
    case duplicateService(String)
    /// A service name that the generated project uses for itself (`aggregator`).
    case reservedServiceName(String)
    /// No service names were given.
    case noServices
    /// The request names an architecture, protocol or mesh that the templates do not cover.
    case unsupportedDecision(decision: String, value: String)
    /// A template could not be parsed.
    case templateSyntax(path: String, message: String)
    /// A template path renders to a path that is absolute, empty or leaves the project.
    case unsafeTemplatePath(template: String, rendered: String)
    /// A template path uses both a per-service and a per-deployable placeholder.
    case ambiguousTemplatePath(String)
    /// No template belongs to a layer the request needs (e.g. `istio/` for an Istio mesh).
    case missingTemplateLayer(String)
    /// The output directory exists and is not empty; nothing was written.
    case targetNotEmpty(path: String)
    /// The output path exists and is not a directory; nothing was written.
    case targetNotDirectory(path: String)
    /// Writing the files failed; the temporary directory was removed, the target untouched.
    case writeFailed(path: String, message: String)

    /// Which kind of name a ``ScaffoldError/invalidName(role:name:reason:)`` is about.
    public enum NameRole: String, Sendable, Equatable {
        case project
        case service
    }

    /// Broad classes of failure, so a CLI can map them to exit codes without listing cases.
    public enum Kind: Sendable, Equatable {
        /// The request is invalid: a bad or duplicate name, an unsupported decision.
        case badInput
        /// The request is fine but the target is not a place it may write to.
        case refused
        /// The templates (the knowledge base) are broken.
        case template
        /// The file system failed.
        case io
    }

    public var kind: Kind {
        switch self {
        case .invalidName, .duplicateService, .reservedServiceName, .noServices, .unsupportedDecision:
            return .badInput
        case .targetNotEmpty, .targetNotDirectory:
            return .refused
        case .templateSyntax, .unsafeTemplatePath, .ambiguousTemplatePath, .missingTemplateLayer:
            return .template
        case .writeFailed:
            return .io
        }
    }

    public var description: String {
        switch self {
        case .invalidName(let role, let name, let reason):
            return "invalid \(role.rawValue) name \(Self.quoted(name)): \(reason)"
        case .duplicateService(let name):
            return "service \(Self.quoted(name)) is given more than once (or clashes with another name after conversion to a Swift target name)"
        case .reservedServiceName(let name):
            return "service name \(Self.quoted(name)) is reserved for the generated project; choose another name"
        case .noServices:
            return "no service names given: a project needs at least one service"
        case .unsupportedDecision(let decision, let value):
            return "cannot scaffold \(decision) \(Self.quoted(value)): no templates for it"
        case .templateSyntax(let path, let message):
            return "template \(path): \(message)"
        case .unsafeTemplatePath(let template, let rendered):
            return "template \(template): renders to the unsafe path \(Self.quoted(rendered)) (must be relative, inside the project, without '.' or '..')"
        case .ambiguousTemplatePath(let path):
            return "template \(path): a path may use per-service or per-deployable placeholders, not both"
        case .missingTemplateLayer(let layer):
            return "the knowledge base has no templates under \(layer)/"
        case .targetNotEmpty(let path):
            return "refusing to scaffold into \(path): the directory exists and is not empty (nothing was written)"
        case .targetNotDirectory(let path):
            return "refusing to scaffold into \(path): it exists and is not a directory (nothing was written)"
        case .writeFailed(let path, let message):
            return "could not write the project to \(path): \(message) (nothing was left behind)"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
