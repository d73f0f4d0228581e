import ArchAdvisorScaffold
import Foundation
import Testing

private typealias V = ScaffoldVariants

/// What a platform engineer's review asks of every rendered starter, asserted on the files
/// themselves (the validators, `check-project.sh --deep`, run on them in CI as well).
@Suite("starters: CI and images")
struct ClusterReadyCITests {
    /// Lines of `text` that hold `uses: ` steps.
    static func uses(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- uses: ") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("uses: ") }
    }

    @Test(arguments: V.all.map(\.name))
    func theWorkflowPinsActionsAndKeepsNoCredentials(_ name: String) throws {
        let files = try V.plan(try #require(V.all.first { $0.name == name }).request)
        let workflow = try #require(files[".github/workflows/ci.yml"]).contents
        let steps = Self.uses(workflow)
        #expect(!steps.isEmpty)
        for line in steps {
            let ref = line.split(separator: "@", maxSplits: 1).last.map { $0.split(separator: " ").first.map(String.init) ?? "" } ?? ""
            #expect(ref.count == 40 && ref.allSatisfy(\.isHexDigit), "\(name): \(line) is not pinned by commit")
            #expect(line.contains(" # v"), "\(name): \(line) names no release")
        }
        let checkouts = steps.filter { $0.contains("actions/checkout@") }.count
        #expect(workflow.components(separatedBy: "persist-credentials: false").count - 1 == checkouts, "\(name): every checkout drops its credentials")
        // .build cached on the lock file, which is no longer ignored.
        #expect(workflow.contains("path: .build"))
        #expect(workflow.contains("key: swift-build-${{ runner.os }}-${{ hashFiles('Package.swift', 'Package.resolved') }}"))
        let gitignore = try #require(files[".gitignore"]).contents.split(separator: "\n")
        #expect(!gitignore.contains("Package.resolved"), "\(name): Package.resolved is committed, for reproducible and cacheable builds")
        #expect(gitignore.contains(".build/"))
    }

    /// The workflow's tests are the ones that need PostgreSQL too: a service container on
    /// the job's network, healthy before the steps start, named by TEST_DATABASE_URL.
    @Test(arguments: V.all.map(\.name))
    func theTestJobRunsTheDatabaseTestsOnPostgreSQL(_ name: String) throws {
        let variant = try #require(V.all.first { $0.name == name })
        let workflow = try #require(try V.plan(variant.request)[".github/workflows/ci.yml"]).contents
        let job = try #require(workflow.components(separatedBy: "\n  test:\n").dropFirst().first?.components(separatedBy: "\n\n  ").first)
        let services = try #require(job.components(separatedBy: "    services:\n").dropFirst().first?.components(separatedBy: "    steps:\n").first)
        #expect(services.contains("      postgres:\n        image: postgres:16-alpine\n"), "\(name): \(services)")
        #expect(services.contains(#"--health-cmd "pg_isready -U postgres""#), "\(name): the steps wait for a server that answers")
        let test = try #require(job.components(separatedBy: "      - name: Test\n").last)
        #expect(test.hasPrefix("        env:\n          TEST_DATABASE_URL: postgres://postgres@postgres:5432/postgres?sslmode=disable\n        run: swift test --skip-build"),
                "\(name): the service is reached by its name from the job's container: \(test)")
    }

    @Test func theContractsJobWorksInAContainerAndCatchesNewFiles() throws {
        for variant in V.all where variant.request.syncProtocol == "grpc" {
            let workflow = try #require(try V.plan(variant.request)[".github/workflows/ci.yml"]).contents
            let contracts = try #require(workflow.components(separatedBy: "  contracts:").last?.components(separatedBy: "  images:").first)
            #expect(contracts.contains("container: swift:6.3-noble"))
            #expect(contracts.contains(#"git config --global --add safe.directory "$GITHUB_WORKSPACE""#), "root in the container, checkout owned by the runner")
            let trust = try #require(contracts.range(of: "safe.directory")), compare = try #require(contracts.range(of: "git diff --exit-code"))
            #expect(trust.lowerBound < compare.lowerBound)
            #expect(contracts.contains("git add --intent-to-add --all -- Sources"), "a generated file that is not committed shows in the diff")
        }
    }

    @Test func theRuntimeImageHasCertificatesTimeZonesAndBacktraces() throws {
        for variant in V.all {
            let dockerfile = try #require(try V.plan(variant.request)["Dockerfile"]).contents
            let run = try #require(dockerfile.components(separatedBy: "FROM ubuntu:24.04").last, "\(variant.name): the runtime stage")
            #expect(run.contains("apt-get install -y --no-install-recommends ca-certificates tzdata"))
            #expect(run.contains("rm -rf /var/lib/apt/lists/*"))
            #expect(dockerfile.contains("cp /usr/libexec/swift/linux/swift-backtrace-static /staging/"))
            #expect(run.contains("COPY --from=build /staging/ /app/"))
            #expect(run.contains("ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/app/swift-backtrace-static"))
            // Root owns the binaries; the service runs unprivileged after the packages are in.
            let install = try #require(run.range(of: "apt-get install")), user = try #require(run.range(of: "USER 10001:10001"))
            #expect(install.lowerBound < user.lowerBound)
        }
    }
}

/// The manifests as `kubectl apply -k` and a platform engineer's review would read them.
@Suite("starters: manifests on a cluster")
struct ClusterReadyManifestTests {
    static func variant(_ name: String) throws -> [String: PlannedFile] {
        try V.plan(try #require(V.all.first { $0.name == name }).request)
    }

    /// Milliseconds of a `700ms` duration.
    static func ms(_ text: Substring) -> Int? { Int(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "ms", with: "")) }

    /// Values of `key:` lines in `text`, in order.
    static func values(_ key: String, in text: String) -> [Substring] {
        text.split(separator: "\n").compactMap { line in
            let t = line.drop { $0 == " " }
            guard t.hasPrefix(key + ": ") else { return nil }
            return t.dropFirst(key.count + 2)
        }
    }

    @Test(arguments: V.all.map(\.name))
    func aKustomizeTreeThatNamesEveryManifest(_ name: String) throws {
        let files = try Self.variant(name)
        let base = try #require(files["k8s/base/kustomization.yaml"]).contents
        #expect(base.contains("resources:\n  - namespace.yaml\n"), "the namespace first")
        var folders: Set<String> = []
        for path in files.keys where path.hasPrefix("k8s/") && path.hasSuffix(".yaml") {
            folders.insert(String(path[..<path.lastIndex(of: "/")!]))
        }
        for folder in folders {
            let kustomization = try #require(files[folder + "/kustomization.yaml"], "\(name): \(folder) has no kustomization.yaml").contents
            for path in files.keys where path.hasPrefix(folder + "/") && !path.hasSuffix("kustomization.yaml") {
                #expect(kustomization.contains("  - " + path.dropFirst(folder.count + 1) + "\n"), "\(name): \(path) is not in \(folder)/kustomization.yaml")
            }
            if folder != "k8s/base" { #expect(kustomization.contains("resources:\n  - ../base\n"), "\(name): \(folder) is an overlay of the base") }
        }
        // The images in one place, with the registry placeholder.
        let deployments = files.filter { $0.key.hasPrefix("k8s/base/") && $0.value.contents.contains("kind: Deployment") }
        #expect(!deployments.isEmpty)
        for (path, file) in deployments {
            let deployable = path.dropFirst("k8s/base/".count).dropLast(".yaml".count)
            #expect(file.contents.contains("image: \(deployable):0.1.0\n"))
            #expect(base.contains("  - name: \(deployable)\n    newName: registry.example.com/shop/\(deployable)\n    newTag: \"0.1.0\"\n"))
        }
        #expect(!files.values.contains { $0.path.hasPrefix("k8s/") && $0.contents.contains("image: shop/") }, "no Docker Hub namespace nobody owns")
    }

    @Test(arguments: V.all.map(\.name))
    func secureByDefault(_ name: String) throws {
        let files = try Self.variant(name)
        let namespace = try #require(files["k8s/base/namespace.yaml"]).contents
        for mode in ["enforce", "warn", "audit"] { #expect(namespace.contains("pod-security.kubernetes.io/\(mode): restricted\n")) }
        let policies = try #require(files["k8s/base/network-policies.yaml"]).contents
        #expect(policies.contains("name: default-deny-ingress\n  namespace: shop\n  labels:\n    app.kubernetes.io/part-of: shop\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n"))
        let documents = policies.components(separatedBy: "\n---\n")
        for (path, file) in files where path.hasPrefix("k8s/base/") && file.contents.contains("kind: Deployment") {
            let deployable = String(path.dropFirst("k8s/base/".count).dropLast(".yaml".count))
            let own = try #require(documents.first { $0.contains("name: \(deployable)-ingress\n") }, "\(name): \(deployable) has no allow policy")
            #expect(own.contains("kubernetes.io/metadata.name: monitoring"), "metrics scrapable")
        }
        for file in files.values {
            #expect(!file.contents.contains("namespace: istio-system"), "\(name): \(file.path) writes into istio-system")
            #expect(!file.contents.contains("identities:\n    - \"*\""), "\(name): \(file.path) authorizes any identity")
            #expect(!file.contents.contains("hosts:\n    - \"*\""))
        }
        if name.contains("istio") {
            #expect(try #require(files["k8s/istio/mesh.yaml"]).contents.contains("name: default\n  namespace: shop\nspec:\n  mtls:\n    mode: STRICT"))
        }
        // PostgreSQL (every variant's store) admits the deployables with a database only.
        let postgres = try #require(documents.first { $0.contains("name: postgres-ingress\n") }, "\(name): PostgreSQL is not fenced")
        let owner = name == "monolith" ? "shop" : "product"
        #expect(postgres.contains("app.kubernetes.io/name: \(owner)\n") && !postgres.contains("app.kubernetes.io/name: aggregator"), "\(name): only the owners of data reach PostgreSQL")
    }

    @Test func onlyTheCallersReachAService() throws {
        let policies = try #require(try Self.variant("mesh-linkerd-events")["k8s/base/network-policies.yaml"]).contents
        let inventory = try #require(policies.components(separatedBy: "\n---\n").first { $0.contains("name: inventory-ingress\n") })
        // The aggregator and, for the events it consumes, the publisher (product).
        #expect(inventory.contains("    - from:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: aggregator\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: product\n      ports:\n        - port: http\n"))
        #expect(!inventory.contains("app.kubernetes.io/name: reviews"))
    }

    @Test(arguments: V.all.map(\.name))
    func aWayInFromOutside(_ name: String) throws {
        let files = try Self.variant(name)
        let gateway = try #require(files["k8s/base/gateway.yaml"]).contents
        #expect(gateway.contains("kind: Gateway\n"))
        #expect(gateway.contains("      protocol: HTTPS\n      port: 443\n      hostname: shop.example.com\n      tls:\n        mode: Terminate\n        certificateRefs:\n          - kind: Secret\n            name: shop-tls\n"))
        #expect(gateway.components(separatedBy: "shop.example.com").count == 2, "the host in one place")
        #expect(gateway.contains("gatewayClassName: " + (name.contains("istio") ? "istio" : "eg") + "\n"))
        #expect(gateway.contains("kind: HTTPRoute\n"))
        let objects = gateway.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
        #expect(!objects.contains("retr"), "no retries at the front door")
        let readme = try #require(files["README.md"]).contents
        #expect(readme.contains("kubectl apply -k k8s/" + (name.contains("istio") ? "istio" : name.contains("linkerd") ? "linkerd" : "base")))
    }

    /// One budget: tries x per-try timeout fit each route; the aggregator's part deadline
    /// covers a part's route; the entry outlasts the fan-out; the front door the entry.
    @Test(arguments: ["mesh-istio", "mesh-linkerd", "mesh-istio-grpc-events", "mesh-linkerd-grpc-events"])
    func oneResilienceBudget(_ name: String) throws {
        let files = try Self.variant(name)
        let mesh = name.contains("istio") ? "istio" : "linkerd"
        let product = try #require(files["k8s/\(mesh)/product.yaml"]).contents
        let aggregator = try #require(files["k8s/\(mesh)/aggregator.yaml"]).contents
        let deployment = try #require(files["k8s/base/aggregator.yaml"]).contents
        let part = try #require(deployment.components(separatedBy: "- name: PART_TIMEOUT_MS\n              value: \"").last?.prefix { $0.isNumber })
        let partMS = try #require(Int(part))
        let gateway = try #require(files["k8s/base/gateway.yaml"]).contents
        let gatewayMS = try #require(Self.values("request", in: gateway).compactMap(Self.ms).first)
        let (routeMS, perTryMS, tries, entryMS): (Int, Int, Int, Int)
        if mesh == "istio" {
            routeMS = try #require(Self.values("timeout", in: product).compactMap(Self.ms).max())
            perTryMS = try #require(Self.values("perTryTimeout", in: product).compactMap(Self.ms).max())
            tries = try #require(Self.values("attempts", in: product).compactMap { Int($0) }.max()) + 1
            entryMS = try #require(Self.values("timeout", in: aggregator).compactMap(Self.ms).first)
            #expect(!aggregator.contains("retries:"), "the entry is not retried")
            // Writes are retried only when the connection failed.
            let writes = try #require(product.components(separatedBy: "- name: writes").last)
            #expect(writes.contains("retryOn: connect-failure,refused-stream\n"))
            let reads = try #require(product.components(separatedBy: "- name: reads").last?.components(separatedBy: "- name: writes").first)
            #expect(reads.contains("exact: GET") && reads.contains("retryOn: gateway-error,connect-failure,refused-stream"))
        } else {
            routeMS = try #require(Self.values("timeout.linkerd.io/request", in: product).compactMap(Self.ms).max())
            perTryMS = try #require(Self.values("retry.linkerd.io/timeout", in: product).compactMap(Self.ms).max())
            tries = try #require(Self.values("retry.linkerd.io/limit", in: product).compactMap { Int($0.dropFirst().dropLast()) }.max()) + 1
            entryMS = try #require(Self.values("timeout.linkerd.io/request", in: aggregator).compactMap(Self.ms).first)
            #expect(!aggregator.contains("retry.linkerd.io"), "the entry is not retried")
            let reads = try #require(product.components(separatedBy: "name: product-reads\n").last?.components(separatedBy: "\n---\n").first)
            #expect(reads.contains("        - method: GET\n"))
            let others = try #require(product.components(separatedBy: "  name: product\n").last)
            #expect(!others.contains("retry.linkerd.io"), "other calls are not retried")
        }
        #expect(tries * perTryMS <= routeMS, "\(name): \(tries) tries x \(perTryMS) ms exceed the \(routeMS) ms route")
        #expect(routeMS < partMS, "\(name): a part's route (\(routeMS) ms) outlasts the aggregator's deadline for it (\(partMS) ms)")
        #expect(partMS < entryMS, "\(name): the entry (\(entryMS) ms) times out before its fan-out (\(partMS) ms)")
        #expect(entryMS < gatewayMS, "\(name): the front door (\(gatewayMS) ms) times out before the entry (\(entryMS) ms)")
        #expect(try #require(files["Sources/AggregatorService/App+build.swift"]).contents.contains("var partTimeoutMilliseconds = \(partMS)"))
    }

    @Test(arguments: V.all.map(\.name))
    func rolloutsWithoutErrors(_ name: String) throws {
        let files = try Self.variant(name)
        for (path, file) in files where path.hasPrefix("k8s/base/") && file.contents.contains("kind: Deployment") {
            let text = file.contents
            #expect(text.contains("preStop:\n              exec:\n                command: [\"/bin/sleep\", \"5\"]"), "\(path)")
            #expect(text.contains("terminationGracePeriodSeconds: 30"))
            #expect(text.contains("topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: DoNotSchedule"), "\(path): replicas on different nodes")
            let minReplicas = try #require(Self.values("minReplicas", in: text).first.flatMap { Int($0) })
            let minAvailable = try #require(Self.values("minAvailable", in: text).first.flatMap { Int($0) })
            #expect(minAvailable < minReplicas, "\(path): the PDB lets a node drain")
        }
    }
}
