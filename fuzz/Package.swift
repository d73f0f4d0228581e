// swift-tools-version: 6.0
// libFuzzer targets for archadvisor's two parsers of untrusted text. A separate package so
// that the main build never sees the sanitizer flags; build and run with scripts/fuzz.sh:
//
//   swift build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
//
// (the main package's ArchAdvisorCore, GRDB and Yams are instrumented too).
import PackageDescription

let core: Target.Dependency = .product(name: "ArchAdvisorCore", package: "ArchAdvisor")

let package = Package(
    name: "ArchAdvisorFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so the dependency resolves whatever the checkout's folder is called.
        .package(name: "ArchAdvisor", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [core]),
        // ConditionParser.parse + TypeChecker.compile with the real knowledge base's symbols.
        .executableTarget(name: "FuzzConditions", dependencies: [core, "FuzzSupport"]),
        // AnswerReader.read over raw bytes, and RecordReader's .values / .lines splitting.
        .executableTarget(name: "FuzzAnswers", dependencies: [core, "FuzzSupport"]),
        // ChoiceEvaluator (flat buffers) against Evaluator (condition trees) on answer sets
        // made from raw bytes, given and defaulted answers mixed.
        .executableTarget(name: "FuzzEvaluators", dependencies: [core, "FuzzSupport"]),
    ]
)
