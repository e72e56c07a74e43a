import Foundation
import Hummingbird
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct HealthController {
    let state: ServerState

    func addRoutes(to router: Router<PactoriaRequestContext>) {
        router.get("/health") { _, _ in
            HealthResponse(status: "ok", version: PactoriaVersion.current, time: Timestamp.now().description)
        }
        router.get("/ready") { _, _ in
            let checks: [String: String] = try await state.read { ws in
                var c = ["workspace": "ok"]
                do {
                    let repo = try ws.repository()
                    let head = try repo.headCommitID()
                    c["git"] = head != nil ? "ok" : "no commits"
                    if let head { c["head"] = head.hex }
                } catch { c["git"] = "unavailable" }
                return c
            }
            let ok = checks["git"] == "ok"
            return try JSONBody.response(
                ReadyResponse(status: ok ? "ready" : "not_ready", checks: checks),
                status: ok ? .ok : .serviceUnavailable)
        }
    }
}

/// `GET /health`.
struct HealthResponse: ResponseEncodable {
    var status: String
    var version: String
    var time: String

    enum CodingKeys: String, CodingKey {
        case status, version, time
    }
}

/// `GET /ready`: each check by name (`workspace`, `git`, `head`).
struct ReadyResponse: Encodable {
    var status: String
    var checks: [String: String]

    enum CodingKeys: String, CodingKey {
        case status, checks
    }
}
