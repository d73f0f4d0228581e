import ArchAdvisorScaffold
import Testing

/// The names `ask` proposes: one service per planned service, and a valid project name
/// for one that is not.
struct ProposedNameTests {
    @Test func oneServicePerPlannedServicePastTheDefaults() {
        #expect(ScaffoldNames.proposedServices(count: 1) == ["product", "inventory", "reviews"])
        #expect(ScaffoldNames.proposedServices(count: 3) == ["product", "inventory", "reviews"])
        #expect(ScaffoldNames.proposedServices(count: 4) == ["product", "inventory", "reviews", "service-4"])
        #expect(ScaffoldNames.proposedServices(count: 6) == ["product", "inventory", "reviews", "service-4", "service-5", "service-6"])
        #expect(ScaffoldNames.proposedServices(count: 10_000).count == ScaffoldNames.maxProposedServices)
        for n in [1, 4, 12, 10_000] {
            #expect(throws: Never.self) { try ScaffoldNames.validate(project: "shop", services: ScaffoldNames.proposedServices(count: n)) }
        }
    }

    @Test(arguments: [
        ("My Shop", "my-shop"), ("MyShop", "my-shop"), ("my shop", "my-shop"), ("  My   Shop  ", "my-shop"),
        ("shop_1.io", "shop-1-io"), ("Café", "cafe"), ("1shop", "shop"), ("-shop-", "shop"),
        ("Bad/Name", "bad-name"), ("a\nb", "a-b"), ("ORDERS", "orders"), ("HTTPServer", "httpserver"),
    ])
    func anInvalidNameGetsAValidOneCloseToIt(_ name: String, _ suggested: String) {
        #expect(ScaffoldNames.suggestion(for: name) == suggested)
    }

    @Test func aSuggestionIsAlwaysValidAndOnlyForInvalidNames() {
        #expect(ScaffoldNames.suggestion(for: "shop") == nil)
        #expect(ScaffoldNames.suggestion(for: "") == nil)
        #expect(ScaffoldNames.suggestion(for: "123") == nil)
        #expect(ScaffoldNames.suggestion(for: "---") == nil)
        let long = ScaffoldNames.suggestion(for: String(repeating: "Ab ", count: 30))
        #expect(long.map { $0.count <= ScaffoldNames.maxLength } == true)
        for name in ["../x", "a/b", "with space", "Shop", "shop-", "shop.io", "shop_1", "ßhop", String(repeating: "a", count: 41),
                     "Reviews", "re--", "9lives", "Über Shop", "x" + String(repeating: "-", count: 50) + "y"] {
            if let s = ScaffoldNames.suggestion(for: name) {
                #expect(ScaffoldNames.problem(with: s) == nil, "\(name) -> \(s)")
            }
        }
    }
}
