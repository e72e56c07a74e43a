// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for the parsers that read hostile text: the YAML reader with the canonical
/// writer, the audit-trailer codec, and the server's JSON request-body check. Built separately so the main package needs no fuzzer flags.
let package = Package(
    name: "PactoriaFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Pactoria", path: "..")],
    targets: [
        // Declares libFuzzer's driver entry point for the targets' main.swift.
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "fuzz-yaml",
            dependencies: ["FuzzDriver", .product(name: "PactoriaWorkspace", package: "Pactoria")]),
        // The server's request-body check, compiled from the server's own source file (linked in
        // `Sources/fuzz-json/`), so the fuzzer needs no HTTP stack.
        .executableTarget(name: "fuzz-json", dependencies: ["FuzzDriver"]),
        .executableTarget(
            name: "fuzz-trailers",
            dependencies: ["FuzzDriver", .product(name: "PactoriaWorkspace", package: "Pactoria")]),
    ]
)
