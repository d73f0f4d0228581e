import Foundation

/// Rules for project and service names, and the identifiers derived from them.
///
/// A name ends up as a directory, a SwiftPM target, a Kubernetes object name, a DNS host
/// and an environment variable, so it must be safe as all of them: a DNS-1123 label
/// (lowercase letters, digits and `-`, alphanumeric at both ends) of at most 40 characters
/// that starts with a letter (Kubernetes Service names are RFC 1035 labels, and a Swift
/// type name cannot start with a digit).
public enum ScaffoldNames {
    /// The longest name accepted, leaving room for suffixes such as `-allow-aggregator`.
    public static let maxLength = 40

    /// The services a project gets when none are named (the guidance's aggregation example).
    public static let defaultServices = ["product", "inventory", "reviews"]

    /// The most services ``proposedServices(count:)`` names.
    public static let maxProposedServices = 50

    /// One service name per planned service (`service_count`): the defaults, then
    /// `service-4`, `service-5`, …; never fewer than the defaults, at most
    /// ``maxProposedServices``.
    public static func proposedServices(count: Int) -> [String] {
        let n = min(count, maxProposedServices)
        guard n > defaultServices.count else { return defaultServices }
        return defaultServices + (defaultServices.count + 1...n).map { "service-\($0)" }
    }

    /// A valid name close to `name` (`My Shop` and `MyShop`: `my-shop`; `shop_1.io`:
    /// `shop-1-io`), or nil when `name` is valid or nothing valid is left of it.
    public static func suggestion(for name: String) -> String? {
        guard problem(with: name) != nil else { return nil }
        var out = ""
        var previousLower = false
        for scalar in name.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue } // é: e
            let lower = Unicode.Scalar(String(scalar).lowercased()) ?? scalar
            if isLowerLetter(lower) || isDigit(lower) {
                // A word starting with a capital after lowercase (MyShop) gets a dash.
                if lower != scalar, previousLower { out += "-" }
                out.unicodeScalars.append(lower)
                previousLower = isLowerLetter(scalar) || isDigit(scalar)
            } else {
                if !out.isEmpty, !out.hasSuffix("-") { out += "-" }
                previousLower = false
            }
        }
        // It must start with a letter, end with one or a digit, and fit.
        while let first = out.unicodeScalars.first, !isLowerLetter(first) { out.unicodeScalars.removeFirst() }
        out = String(out.prefix(maxLength))
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty || problem(with: out) != nil ? nil : out
    }

    /// Names the generated projects use for themselves: the aggregation service, the
    /// `/health` route every deployable answers, and the events variant's database.
    public static let reservedServiceNames: Set<String> = ["aggregator", "health", "postgres"]

    /// Throws ``ScaffoldError/invalidName(role:name:reason:)`` unless `name` is acceptable.
    public static func validate(_ name: String, role: ScaffoldError.NameRole) throws {
        if let reason = problem(with: name) {
            throw ScaffoldError.invalidName(role: role, name: name, reason: reason)
        }
    }

    /// What is wrong with `name`, or nil when it is acceptable.
    public static func problem(with name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        if scalars.isEmpty { return "must not be empty" }
        if scalars.count > maxLength {
            return "must be at most \(maxLength) characters (has \(scalars.count))"
        }
        for scalar in scalars where !(isLowerLetter(scalar) || isDigit(scalar) || scalar == "-") {
            return "may contain only lowercase letters a-z, digits and '-' (found \(describe(scalar)))"
        }
        if !isLowerLetter(scalars[0]) { return "must start with a lowercase letter" }
        if scalars[scalars.count - 1] == "-" { return "must not end with '-'" }
        return nil
    }

    /// Validates the project name and the services: each a valid name, none reserved, no
    /// duplicates (also after conversion to Swift type names), at least one.
    public static func validate(project: String, services: [String]) throws {
        try validate(project, role: .project)
        if services.isEmpty { throw ScaffoldError.noServices }
        var seen = Set<String>()
        for service in services {
            try validate(service, role: .service)
            if reservedServiceNames.contains(service) { throw ScaffoldError.reservedServiceName(service) }
            // `order-items` and `orderitems` differ, but `Order-Items` style clashes would
            // collide as targets on case-insensitive file systems: compare type names folded.
            if !seen.insert(typeName(service).lowercased()).inserted {
                throw ScaffoldError.duplicateService(service)
            }
        }
    }

    /// `order-history` -> `OrderHistory`.
    public static func typeName(_ name: String) -> String {
        name.split(separator: "-").map { part in
            part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
    }

    /// `order-history` -> `order_history`: the service's Protocol Buffers package (before
    /// `.v1`). swift-protobuf names the package's Swift types `OrderHistory_V1_...`, which is
    /// ``typeName(_:)`` + `_V1_` for every valid name.
    public static func protoPackageName(_ name: String) -> String {
        name.replacingOccurrences(of: "-", with: "_")
    }

    /// `order-history` -> `ORDER_HISTORY`.
    public static func environmentName(_ name: String) -> String {
        name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    private static func isLowerLetter(_ s: Unicode.Scalar) -> Bool { s >= "a" && s <= "z" }
    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
    private static func describe(_ s: Unicode.Scalar) -> String {
        switch s {
        case " ": return "a space"
        case "/": return "'/'"
        case ".": return "'.'"
        default: return ScaffoldError.quoted(String(s))
        }
    }
}
