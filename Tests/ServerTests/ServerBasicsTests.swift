import Foundation
import PactoriaHTTPClient
import ServerTestSupport
import Testing

@Suite("Server basics", .serialized)
struct ServerBasicsTests {
    @Test func healthAndSecurityHeaders() async throws {
        let s = try await LiveServer(.live)
        let r = try s.request("GET", "/health")
        #expect(r.status == 200)
        #expect(r.json["status"] as? String == "ok")
        #expect(r.header("X-Content-Type-Options") == "nosniff")
        #expect(r.header("X-Frame-Options") == "DENY")
        #expect(r.header("Referrer-Policy") == "strict-origin-when-cross-origin")
        #expect(r.header("X-Process-Time") == nil)  // issue #11: no timing oracle
        #expect(r.header("X-Request-ID") != nil)
    }

    @Test func loginAndReadOwnCompanyOnly() async throws {
        let s = try await LiveServer(.live)
        let token = try s.login("manager@brickline.co.uk")
        let created = try s.request(
            "POST", "/api/v1/contracts", token: token,
            json: ["title": "Website Build", "contract_type": "service_agreement", "client": ["name": "Acme Ltd"]])
        #expect(created.status == 201, "\(created.text)")
        let id = created.json["id"] as? String ?? ""
        #expect(try s.request("GET", "/api/v1/contracts/\(id)", token: token).status == 200)
        let other = try s.login("manager@ancoats.co.uk")
        let r = try s.request("GET", "/api/v1/contracts/\(id)", token: other)
        #expect(r.status == 404)
        let list = try s.request("GET", "/api/v1/contracts", token: other)
        #expect(list.json["total"] as? Int == 0)
    }

    @Test func badTokensAre401() async throws {
        let s = try await LiveServer(.live)
        #expect(try s.request("GET", "/api/v1/contracts").status == 401)
        let r = try s.request("GET", "/api/v1/contracts", token: "not.a.token")
        #expect(r.status == 401)
        #expect(r.json["detail"] as? String == "invalid token")
    }
}
