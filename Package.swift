// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Pactoria",
    products: [
        .executable(name: "pactoria", targets: ["pactoria"]),
        .library(name: "PactoriaWorkspace", targets: ["PactoriaWorkspace"]),
        .library(name: "PactoriaServer", targets: ["PactoriaServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // The server; its default traits pull in swift-configuration, which Pactoria does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Imported by the server's connection handling (Hummingbird's own transport).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Tests only: the live server harness runs the application as a service.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Tests only: property-based tests of every text field through the YAML writer and trailers.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // C libraries, found by pkg-config; each is imported by exactly one wrapper module.
        .systemLibrary(
            name: "CLibGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),

        // Owning wrappers: no C type leaves these modules.
        .target(name: "PactoriaGit", dependencies: ["CLibGit2", "PactoriaProcess"], swiftSettings: upcoming),
        .target(name: "PactoriaHTTPClient", dependencies: ["CCurl"], swiftSettings: upcoming),
        .target(name: "PactoriaCrypto", dependencies: ["COpenSSL"], swiftSettings: upcoming),
        // Runs other programs (hooks, credential helpers, test tools): posix_spawn, a process group, a timeout.
        .target(name: "PactoriaProcess", swiftSettings: upcoming),

        // Domain (no I/O), workspace (files, YAML, git use cases), CLI (parse, call, render).
        .target(name: "PactoriaCore", swiftSettings: upcoming),
        // Templates, recommendation, generation and analysis (local engines and an AI provider).
        .target(
            name: "PactoriaAI",
            dependencies: ["PactoriaCore", "PactoriaHTTPClient", "PactoriaCrypto", "Yams"],
            swiftSettings: upcoming),
        // The store: files, YAML, git use cases, merge. No network code.
        .target(
            name: "PactoriaWorkspace",
            dependencies: ["PactoriaCore", "PactoriaGit", "PactoriaCrypto", "PactoriaProcess", "Yams"],
            swiftSettings: upcoming),
        // Users, roles, tenancy, password policy, tokens and the security-event log.
        .target(
            name: "PactoriaAccess",
            dependencies: ["PactoriaCore", "PactoriaWorkspace", "PactoriaGit", "PactoriaCrypto"],
            swiftSettings: upcoming),
        // Generation and analysis use cases: templates and the AI provider over the workspace.
        .target(
            name: "PactoriaDrafting",
            dependencies: ["PactoriaCore", "PactoriaWorkspace", "PactoriaGit", "PactoriaAI"],
            swiftSettings: upcoming),
        // The local HTTP endpoint (Hummingbird 2): controllers over the same use cases as the CLI.
        .target(
            name: "PactoriaServer",
            dependencies: [
                "PactoriaWorkspace", "PactoriaCore", "PactoriaAccess", "PactoriaDrafting", "PactoriaAI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: upcoming),
        .target(
            name: "PactoriaCLI",
            dependencies: [
                "PactoriaWorkspace", "PactoriaCore", "PactoriaGit", "PactoriaAccess", "PactoriaDrafting",
                "PactoriaServer",
                "PactoriaAI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: upcoming),
        .executableTarget(
            name: "pactoria",
            dependencies: ["PactoriaCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: upcoming),

        // Test-only helpers shared by the test targets (a scripted loopback HTTP server).
        .target(
            name: "PactoriaTestSupport", dependencies: ["PactoriaProcess"], path: "Tests/Support",
            swiftSettings: upcoming),
        .testTarget(
            name: "WrapperTests",
            dependencies: ["PactoriaCrypto", "PactoriaHTTPClient", "PactoriaProcess", "PactoriaTestSupport"],
            swiftSettings: upcoming),
        // A live server on 127.0.0.1 over a fresh workspace, shared by the server and security suites.
        .target(
            name: "ServerTestSupport",
            dependencies: [
                "PactoriaServer", "PactoriaWorkspace", "PactoriaCore", "PactoriaHTTPClient", "PactoriaTestSupport",
                "PactoriaAccess", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ServerSupport", swiftSettings: upcoming),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "PactoriaServer", "PactoriaWorkspace", "PactoriaCore", "PactoriaHTTPClient", "PactoriaTestSupport",
                "ServerTestSupport", "PactoriaAccess", "PactoriaGit",
            ],
            swiftSettings: upcoming),
        // Issue #11: every attack found by the security review, against a live server or a workspace.
        .testTarget(
            name: "SecurityTests",
            dependencies: [
                "PactoriaServer", "PactoriaWorkspace", "PactoriaCore", "PactoriaGit", "PactoriaCrypto",
                "PactoriaHTTPClient", "PactoriaAI", "PactoriaTestSupport", "ServerTestSupport",
                "PactoriaAccess", "PactoriaDrafting",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming),
        // Issue #12: crash safety, git-state recovery and the rules on every path (fault injection included).
        .testTarget(
            name: "IntegrityTests",
            dependencies: [
                "PactoriaServer", "PactoriaWorkspace", "PactoriaCore", "PactoriaGit", "PactoriaHTTPClient",
                "PactoriaTestSupport", "ServerTestSupport", "PactoriaAccess",
            ],
            swiftSettings: upcoming),
        .testTarget(
            name: "GitSyncTests",
            dependencies: ["PactoriaGit", "PactoriaTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "AITests",
            dependencies: [
                "PactoriaAI", "PactoriaCore", "PactoriaHTTPClient", "PactoriaTestSupport",
            ],
            swiftSettings: upcoming),
        .testTarget(
            name: "PactoriaTests",
            dependencies: [
                "PactoriaCore", "PactoriaWorkspace", "PactoriaGit", "PactoriaCrypto",
                "PactoriaHTTPClient", "PactoriaAI", "PactoriaTestSupport", "ServerTestSupport",
            ],
            swiftSettings: upcoming),
    ]
)
