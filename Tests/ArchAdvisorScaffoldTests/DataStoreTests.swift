import ArchAdvisorScaffold
import Foundation
import Testing

private typealias V = ScaffoldVariants

/// "Each domain is a separate service with its own deployment lifecycle and data store";
/// the monolith: "one codebase, one database, one process". Asserted on every variant's
/// rendered files (scripts/check-persistence.sh runs three of them on a real PostgreSQL).
@Suite("starters: a real store per service")
struct DataStoreTests {
    /// The deployables that own data: every service, or the monolith; never the aggregator.
    static func owners(_ request: ScaffoldRequest) -> [String] {
        request.architecture == "monolith" ? [request.projectName] : request.services
    }

    @Test(arguments: V.all.map(\.name))
    func everyOwnerHasItsOwnRoleAndDatabase(_ name: String) throws {
        let request = try #require(V.all.first { $0.name == name }).request
        let files = try V.plan(request)
        let roles = try #require(files["deploy/postgres/init-roles.sh"])
        #expect(roles.isExecutable)
        #expect(roles.contents.contains("CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        #expect(roles.contents.contains("CREATE DATABASE %I OWNER %I"))
        #expect(roles.contents.contains("REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC"))
        let created = roles.contents.split(separator: "\n").filter { $0.hasPrefix("create_owner ") }
        #expect(created.map { String($0.split(separator: " ")[1]) } == Self.owners(request).map(ScaffoldNames.protoPackageName))

        // Kubernetes: each owner reads its DATABASE_URL from its own Secret, not optional;
        // PostgreSQL reads each role's password from the same Secret, and only it reads the
        // superuser's.
        let postgres = try #require(files["k8s/base/postgres.yaml"]).contents
        for owner in Self.owners(request) {
            let manifest = try #require(files["k8s/base/\(owner).yaml"]).contents
            #expect(manifest.contains("- name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: \(owner)-database\n                  key: url\n"), "\(name): \(owner)")
            #expect(!manifest.contains("name: \(owner)-database\n                  key: url\n                  optional: true"), "\(name): \(owner) starts without its database")
            #expect(!manifest.contains("postgres-credentials"), "\(name): \(owner) sees the superuser's password")
            #expect(postgres.contains("secretKeyRef:\n                  name: \(owner)-database\n                  key: password\n"))
        }
        if request.architecture != "monolith" && request.aggregation == "aggregation_layer" {
            let aggregator = try #require(files["k8s/base/aggregator.yaml"]).contents
            #expect(!aggregator.contains("DATABASE_URL"), "\(name): the aggregation layer owns no data")
        }
        #expect(try #require(files["k8s/base/kustomization.yaml"]).contents.contains("  - postgres.yaml\n"))
        // The ConfigMap carries the same script, line for line.
        let inline = try #require(postgres.components(separatedBy: "  init-roles.sh: |\n").last?.components(separatedBy: "\n---\n").first)
        let unindented = inline.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }
        #expect(unindented.joined(separator: "\n") + "\n" == roles.contents, "\(name): the ConfigMap's init-roles.sh differs from deploy/postgres/init-roles.sh")

        // compose: each owner logs in as its own role, never as postgres.
        let compose = try #require(files["compose.yaml"]).contents
        let urls = compose.split(separator: "\n").filter { $0.contains("DATABASE_URL: ") }
        #expect(urls.count == Self.owners(request).count)
        for (url, owner) in zip(urls, Self.owners(request)) {
            let role = ScaffoldNames.protoPackageName(owner)
            #expect(url.contains("DATABASE_URL: postgres://\(role):${"), "\(name): \(url)")
            #expect(url.contains("@postgres:5432/\(role)?"))
        }
        // The README's Secrets use the role too.
        let readme = try #require(files["README.md"]).contents
        #expect(!readme.contains("postgres://postgres:"), "\(name): the README puts the superuser in a URL")
        #expect(readme.contains("REVOKE") || readme.contains("revokes `CONNECT`"))
        #expect(readme.contains("sslmode=verify-full"))
    }

    @Test(arguments: V.all.map(\.name))
    func productionRefusesToRunWithoutItsDatabase(_ name: String) throws {
        let request = try #require(V.all.first { $0.name == name }).request
        let files = try V.plan(request)
        let storage = try #require(files["Sources/Storage/Storage.swift"]).contents
        #expect(storage.contains("does not start in production without its database"))
        #expect(try #require(files["Sources/Storage/Migrator.swift"]).contents.contains("pg_advisory_xact_lock"))
        let package = try #require(files["Package.swift"]).contents
        #expect(package.contains(#".target(name: "Storage", dependencies: [postgres, logging])"#))
        #expect(package.contains("https://github.com/vapor/postgres-nio"))
        // Every main opens the database through ServiceDatabase (production: required) and
        // never builds an in-memory store unconditionally.
        let mains = files.filter { $0.key.hasSuffix("/App.swift") && !$0.key.contains("Aggregator") }
        #expect(mains.count == Self.owners(request).count)
        for (path, main) in mains {
            #expect(main.contents.contains("ServiceDatabase.client(") || main.contents.contains("EventStoreSetup.make("), "\(name): \(path)")
            #expect(main.contents.contains("mode: configuration.mode"), "\(name): \(path)")
        }
        // The repositories: PostgreSQL through migrations; memory only for tests and development.
        let repositories = files.filter { $0.key.hasSuffix("Repository.swift") }
        #expect(repositories.count == request.services.count)
        for (path, repository) in repositories where request.messaging != "async_events" {
            #expect(repository.contents.contains("struct Postgres"), "\(name): \(path)")
            #expect(repository.contents.contains("Migrator.migrate(Self.migrations"), "\(name): \(path)")
            #expect(repository.contents.contains("for unit tests and development mode"), "\(name): \(path)")
        }
    }

    @Test func theMonolithsModulesKeepToTheirOwnTables() throws {
        let files = try V.plan(V.request("monolith", services: ["product", "order-line"]))
        let orders = try #require(files["Sources/OrderLineModule/OrderLineRepository.swift"]).contents
        #expect(orders.contains("CREATE TABLE order_line_items ("))
        #expect(orders.contains(#"component: "order-line""#))
        #expect(!orders.contains("product_items"))
        let app = try #require(files["Sources/App/App+build.swift"]).contents
        #expect(app.contains("orderLine: PostgresOrderLineRepository(client: client, logger: logger)"))
    }

    @Test func runLocalTakesOneDatabasePerServiceAndSaysWhenItUsesMemory() throws {
        let files = try V.plan(V.request("microservices", services: ["product", "inventory"]))
        let script = try #require(files["scripts/run-local.sh"]).contents
        #expect(script.contains("database_url_var=PRODUCT_DATABASE_URL"))
        #expect(script.contains(#"env_args+=("APP_ENV=development")"#))
        let readme = try #require(files["README.md"]).contents
        #expect(readme.contains(#"export INVENTORY_DATABASE_URL="postgres://inventory:$INVENTORY_DB_PASSWORD@127.0.0.1:5432/inventory?sslmode=disable""#))
        #expect(readme.contains("curl -X POST http://127.0.0.1:8081/product"))
        #expect(readme.contains("curl http://127.0.0.1:8081/product/42"))
    }
}
