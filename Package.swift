// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ArchAdvisor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "archadvisor", targets: ["archadvisor"]),
        .library(name: "ArchAdvisorCore", targets: ["ArchAdvisorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "ArchAdvisorCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ArchAdvisorScaffold",
            dependencies: [
                // layers.yaml: its conditions are the rules' condition language.
                "ArchAdvisorCore",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "archadvisor",
            dependencies: [
                "ArchAdvisorCore",
                "ArchAdvisorScaffold",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets (temporary directories).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ArchAdvisorCoreTests", dependencies: [
            "ArchAdvisorCore", "TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ArchAdvisorCLITests", dependencies: ["ArchAdvisorCore", "TestSupport"]),
        .testTarget(name: "ArchAdvisorScaffoldTests", dependencies: [
            "ArchAdvisorScaffold", "ArchAdvisorCore", "TestSupport",
            // The reference the compiled templates are checked against.
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
    ]
)
