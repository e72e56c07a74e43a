// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for the parsers that read hostile text: the YAML reader with the canonical
/// writer, and the audit-trailer codec. Built separately so the main package needs no fuzzer flags.
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
        .executableTarget(
            name: "fuzz-trailers",
            dependencies: ["FuzzDriver", .product(name: "PactoriaWorkspace", package: "Pactoria")]),
    ]
)
