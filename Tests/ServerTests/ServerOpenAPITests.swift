import Foundation
import PactoriaHTTPClient
import PactoriaServer
import ServerTestSupport
import Testing

/// Issue #5: `/openapi.json` matches what the server really does, both ways.
@Suite("Server OpenAPI", .serialized)
struct ServerOpenAPITests {
    /// Every route this suite (and the others in ServerTests) exercises, in OpenAPI form. A route
    /// added to the server without a test and a document entry fails `servedRoutesAreDocumented`.
    static let exercised: Set<String> = [
        "get /health", "get /ready", "get /openapi.json",
        "post /api/v1/auth/login", "post /api/v1/auth/register", "post /api/v1/auth/logout",
        "get /api/v1/contracts", "post /api/v1/contracts", "get /api/v1/contracts/templates",
        "get /api/v1/contracts/{id}", "patch /api/v1/contracts/{id}",
        "get /api/v1/contracts/{id}/content", "get /api/v1/contracts/{id}/versions", "get /api/v1/contracts/{id}/diff",
        "post /api/v1/contracts/{id}/generate", "post /api/v1/contracts/{id}/analyze",
        "post /api/v1/contracts/{id}/transitions",
        "post /api/v1/ai/recommend-template", "post /api/v1/ai/analyze-contract", "get /api/v1/ai/health",
        "get /api/v1/audit", "get /api/v1/security/events",
        "get /api/v1/analytics/business", "get /api/v1/analytics/compliance",
        "get /api/v1/analytics/time-series/{metric}", "get /api/v1/analytics/performance", "get /metrics",
        "post /api/v1/security/gdpr/data-request", "get /api/v1/security/gdpr/data-request",
        "post /api/v1/security/gdpr/consent", "post /api/v1/security/gdpr/consent/withdraw",
        "get /api/v1/security/gdpr/consent", "get /api/v1/security/gdpr/consent/check",
        "get /report",
        "get /api/v1/queue", "get /api/v1/calendar.ics",
    ]

    static func concrete(_ path: String, id: String) -> String {
        path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{metric}", with: "contracts_created")
    }

    @Test func everyDocumentedOperationAnswers() async throws {
        let s = try await LiveServer()
        let admin = try s.token("admin@example.co.uk")
        let c = try await s.createContract(try s.token("manager@brickline.co.uk"))
        let id = c["id"] as? String ?? ""
        let doc = try await s.call("GET", "/openapi.json")
        #expect(doc.status == 200)
        let paths = doc.json["paths"] as? [String: [String: Any]] ?? [:]
        var documented: Set<String> = []
        for (path, ops) in paths {
            for (method, op) in ops {
                documented.insert("\(method) \(path)")
                let o = op as? [String: Any] ?? [:]
                #expect(o["summary"] as? String != nil, "\(method) \(path) has a summary")
                let responses = o["responses"] as? [String: Any] ?? [:]
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) documents a success")
                if path.contains("{id}") {
                    let params = o["parameters"] as? [[String: Any]] ?? []
                    #expect(
                        params.contains { $0["name"] as? String == "id" && $0["in"] as? String == "path" },
                        "\(method) \(path)")
                }
                let secured = !((o["security"] as? [Any]) ?? []).isEmpty
                // With a token (and a harmless body): the route exists for that method.
                let json: Any? = ["get", "head"].contains(method) ? nil : [String: Any]()
                // Logout ends the caller's tokens: it gets a token of its own.
                let token = path == "/api/v1/auth/logout" ? try s.token("viewer@brickline.co.uk") : admin
                let r = try await s.call(method.uppercased(), Self.concrete(path, id: id), token: token, json: json)
                #expect(r.status != 404, "\(method) \(path) answered 404: \(r.text)")
                #expect(r.status != 405, "\(method) \(path) answered 405")
                #expect(r.status < 500, "\(method) \(path) answered \(r.status): \(r.text)")
                // Its status is one the document lists (or a 2xx).
                #expect(
                    responses.keys.contains(String(r.status)) || (200..<300).contains(r.status),
                    "\(method) \(path) answered \(r.status), not in \(responses.keys.sorted())")
                // Secured operations refuse a missing token; open ones do not ask for one.
                let anonymous = try await s.call(method.uppercased(), Self.concrete(path, id: id), json: json)
                if secured {
                    #expect(anonymous.status == 401, "\(method) \(path) without a token: \(anonymous.status)")
                } else {
                    #expect(anonymous.status != 401, "\(method) \(path) is documented as open")
                }
            }
        }
        #expect(documented == Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" }))
        #expect(
            documented == Self.exercised,
            "documented but not exercised: \(documented.subtracting(Self.exercised)); exercised but not documented: \(Self.exercised.subtracting(documented))"
        )
    }

    @Test func servedRoutesAreDocumented() async throws {
        let s = try await LiveServer()
        let admin = try s.token("admin@example.co.uk")
        let c = try await s.createContract(try s.token("manager@brickline.co.uk"))
        let id = c["id"] as? String ?? ""
        let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
        // Every (method, path) the server serves among those the tests know, plus likely
        // neighbours: anything that answers other than 404/405 must be in the document.
        let paths = Set(Self.exercised.map { String($0.split(separator: " ")[1]) }).union([
            "/api/v1/users", "/api/v1/auth/logout", "/api/v1/auth/me", "/api/v1/contracts/{id}/history",
            "/api/v1/companies",
            "/api/v1/ai/generate", "/api/v1/contracts/{id}/analysis", "/api/v1/security", "/api/v1", "/api", "/",
            "/docs", "/metrics", "/api/v1/contracts/{id}/content/raw",
        ])
        for path in paths.sorted() {
            for method in ["get", "post", "patch", "put", "delete"] {
                let json: Any? = method == "get" || method == "delete" ? nil : [String: Any]()
                let token = path == "/api/v1/auth/logout" ? try s.token("viewer@brickline.co.uk") : admin
                let r = try await s.call(method.uppercased(), Self.concrete(path, id: id), token: token, json: json)
                let served = r.status != 404 && r.status != 405
                if served {
                    #expect(
                        documented.contains("\(method) \(path)"),
                        "\(method) \(path) answered \(r.status) but is not in /openapi.json")
                } else {
                    #expect(
                        r.json["error"] as? String != nil, "\(method) \(path): a 404/405 in the error shape: \(r.text)")
                    #expect(
                        !documented.contains("\(method) \(path)") || path.contains("{id}"),
                        "\(method) \(path) documented but \(r.status)")
                }
            }
        }
    }
}
