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
        // libcurl's headers only: the library is loaded on first use (Sources/CCurl/shim.h).
        .systemLibrary(
            name: "CCurl",
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
            dependencies: [
                "PactoriaCLI", "PactoriaGit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming),

        // Test targets mirror the library targets: one per module, plus CLITests (end to end, runs the
        // built binary). Shared helpers: PactoriaTestSupport (spawning, loopback HTTP, git over HTTP,
        // the binary's path, a contract fixture, hermetic settings) and ServerTestSupport (a server
        // over a fresh workspace, in process through the router or on a real socket).
        .target(
            name: "PactoriaTestSupport", dependencies: ["PactoriaCore", "PactoriaGit", "PactoriaProcess"],
            path: "Tests/Support", swiftSettings: upcoming),
        .target(
            name: "ServerTestSupport",
            dependencies: [
                "PactoriaServer", "PactoriaWorkspace", "PactoriaAccess", "PactoriaCore", "PactoriaGit",
                "PactoriaHTTPClient", "PactoriaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ServerSupport", swiftSettings: upcoming),
        .testTarget(name: "CoreTests", dependencies: ["PactoriaCore", "PactoriaTestSupport"], swiftSettings: upcoming),
        .testTarget(name: "GitTests", dependencies: ["PactoriaGit", "PactoriaTestSupport"], swiftSettings: upcoming),
        .testTarget(name: "CryptoTests", dependencies: ["PactoriaCrypto"], swiftSettings: upcoming),
        .testTarget(
            name: "HTTPClientTests", dependencies: ["PactoriaHTTPClient", "PactoriaTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "ProcessTests", dependencies: ["PactoriaProcess", "PactoriaTestSupport"], swiftSettings: upcoming),
        // The store: YAML, text rules, files on disk, locks and caches, the lifecycle rules on every
        // path (issue #11's text and file findings, issue #12's rules, locks and caches).
        .testTarget(
            name: "WorkspaceTests",
            dependencies: [
                "PactoriaWorkspace", "PactoriaCore", "PactoriaGit", "PactoriaCrypto", "PactoriaAI",
                "PactoriaHTTPClient",
                "PactoriaAccess", "PactoriaDrafting", "PactoriaServer", "PactoriaTestSupport", "ServerTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming),
        .testTarget(
            name: "AITests",
            dependencies: [
                "PactoriaAI", "PactoriaCore", "PactoriaHTTPClient", "PactoriaTestSupport", "PactoriaDrafting",
                "PactoriaWorkspace",
            ],
            swiftSettings: upcoming),
        // Users, roles, passwords, tokens and tenancy (issue #11's access findings).
        .testTarget(
            name: "AccessTests",
            dependencies: [
                "PactoriaAccess", "PactoriaWorkspace", "PactoriaCore", "PactoriaCrypto", "PactoriaHTTPClient",
                "PactoriaServer", "PactoriaTestSupport", "ServerTestSupport",
            ],
            swiftSettings: upcoming),
        // Routes in process through the router; a few on a real socket (connections, raw bytes, libcurl).
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "PactoriaServer", "PactoriaWorkspace", "PactoriaAccess", "PactoriaCore", "PactoriaGit",
                "PactoriaCrypto", "PactoriaHTTPClient", "PactoriaTestSupport", "ServerTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming),
        // End to end: the built `pactoria` binary (verbs, sync, clone, crash safety, plain git).
        .testTarget(
            name: "CLITests",
            dependencies: [
                "PactoriaCLI", "PactoriaWorkspace", "PactoriaAccess", "PactoriaDrafting", "PactoriaServer",
                "PactoriaCore",
                "PactoriaGit", "PactoriaCrypto", "PactoriaHTTPClient", "PactoriaAI", "PactoriaTestSupport",
                "ServerTestSupport",
            ],
            swiftSettings: upcoming),
    ]
)
