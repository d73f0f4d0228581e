import ArchAdvisorScaffold
import Testing

/// Project and service names must be safe as directories, targets, Kubernetes names and
/// hosts; anything else is refused before anything is planned or written.
struct NameTests {
    typealias V = ScaffoldVariants

    @Test(arguments: ["../x", "a/b", "with space", "", "Shop", "-shop", "shop-", "1shop", "shop.io",
                      "shop_1", "ßhop", String(repeating: "a", count: 41), "a\nb"])
    func badProjectNamesAreRefused(name: String) throws {
        let failure = #expect(throws: ScaffoldError.self) {
            try ScaffoldPlanner.plan(V.request("monolith", project: name), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
        #expect(failure?.invalidName == "project \(name)")
        #expect(failure?.kind == .badInput)
    }

    @Test(arguments: ["../x", "a/b", "with space", "", "Reviews", "re--", "9lives"])
    func badServiceNamesAreRefused(name: String) throws {
        let failure = #expect(throws: ScaffoldError.self) {
            try ScaffoldPlanner.plan(V.request("microservices", services: ["product", name]), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
        #expect(failure?.invalidName == "service \(name)")
    }

    @Test(arguments: ["a", "shop", "order-history", "a1-b2", String(repeating: "a", count: 40)])
    func goodNamesAreAccepted(name: String) throws {
        #expect(ScaffoldNames.problem(with: name) == nil)
        _ = try ScaffoldPlanner.plan(V.request("microservices", project: name, services: [name]), templates: V.templates, decisions: ScaffoldVariants.decisions)
    }

    @Test func duplicateServicesAreRefused() {
        #expect(throws: ScaffoldError.duplicateService("product")) {
            try ScaffoldPlanner.plan(V.request("microservices", services: ["product", "reviews", "product"]), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func reservedAndMissingServicesAreRefused() {
        #expect(throws: ScaffoldError.reservedServiceName("aggregator")) {
            try ScaffoldPlanner.plan(V.request("microservices", services: ["aggregator"]), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
        #expect(throws: ScaffoldError.reservedServiceName("health")) {
            try ScaffoldPlanner.plan(V.request("monolith", services: ["product", "health"]), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
        #expect(throws: ScaffoldError.noServices) {
            try ScaffoldPlanner.plan(V.request("microservices", services: []), templates: V.templates, decisions: ScaffoldVariants.decisions)
        }
    }

    @Test func messagesAreOneLineAndNameTheValue() {
        let errors: [ScaffoldError] = [
            .invalidName(role: .project, name: "a\nb", reason: "may contain only lowercase letters"),
            .duplicateService("x"), .reservedServiceName("aggregator"), .noServices,
            .unsupportedDecision(decision: "mesh", value: "consul"),
            .templateSyntax(path: "common/x", message: "bad"),
            .unsafeTemplatePath(template: "common/{{service}}", rendered: "../x"),
            .ambiguousTemplatePath("common/x"), .missingTemplateLayer("istio"),
            .targetNotEmpty(path: "/tmp/x"), .targetNotDirectory(path: "/tmp/x"),
            .writeFailed(path: "/tmp/x", message: "disk full"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"), "\(error)")
        }
        #expect(ScaffoldError.invalidName(role: .project, name: "a\nb", reason: "r").description
            == #"invalid project name "a\u{a}b": r"#)
        #expect(ScaffoldError.targetNotEmpty(path: "/tmp/x").kind == .refused)
    }

    @Test func derivedIdentifiers() {
        #expect(ScaffoldNames.typeName("order-history") == "OrderHistory")
        #expect(ScaffoldNames.environmentName("order-history") == "ORDER_HISTORY")
        #expect(ScaffoldNames.typeName("a1-b2") == "A1B2")
    }
}

extension ScaffoldError {
    /// The role and name of an `invalidName` error, for comparisons in tests.
    var invalidName: String? {
        if case .invalidName(let role, let name, _) = self { return "\(role.rawValue) \(name)" }
        return nil
    }
}
