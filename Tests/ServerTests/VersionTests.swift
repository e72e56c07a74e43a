import Foundation
import PactoriaCore
import ServerTestSupport
import Testing

/// Issue #13: one version number, `PactoriaVersion.current`, for `pactoria --version`, `/health`
/// and the OpenAPI document's `info.version`.
@Suite("One version")
struct VersionTests {
    @Test func cliHealthAndOpenAPIAgree() async throws {
        let s = try await LiveServer()
        let cli = try await s.pactoria(["--version"])
        #expect(cli.status == 0, "\(cli)")
        let health = try await s.call("GET", "/health")
        let document = try await s.call("GET", "/openapi.json")
        let info = document.json["info"] as? [String: Any] ?? [:]
        let versions = [
            "cli": cli.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
            "health": health.json["version"] as? String ?? "missing",
            "openapi": info["version"] as? String ?? "missing",
        ]
        #expect(versions.values.allSatisfy { $0 == PactoriaVersion.current }, "\(versions)")
        #expect(PactoriaVersion.current == "0.3.0")
    }
}
