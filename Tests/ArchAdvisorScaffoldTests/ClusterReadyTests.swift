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
