import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11 through the API: hostile text in a transition reason or a contract's fields is
/// refused (422) or written harmlessly, never as a forged audit event, and `/health` still answers.
@Suite("Security: hostile text over the API")
struct TextServerTests {
    func createContract(_ s: LiveServer, token: String) async throws -> String {
        let r = try await s.call(
            "POST", "/api/v1/contracts", token: token,
            json: ["title": "Care plan", "contract_type": "service_agreement", "client": ["name": "Finchley Pay Ltd"]])
        #expect(r.status == 201, "\(r.text)")
        return (r.json["id"] as? String) ?? ""
    }

    @Test func forgedTrailerInAReasonWritesOneEvent() async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        let id = try await createContract(s, token: token)
        let reason =
            "Ready\n\nPactoria-Contract: \(UUID().uuidString.lowercased())\nPactoria-Event: contract.terminated"
        let r = try await s.call(
            "POST", "/api/v1/contracts/\(id)/transitions", token: token, json: ["action": "submit", "reason": reason])
        #expect(r.status == 200, "\(r.text)")
        let audit = try await s.call("GET", "/api/v1/audit", token: token)
        let listed = (audit.json["events"] as? [[String: Any]]) ?? []
        #expect(!listed.isEmpty)
        #expect(!listed.contains { ($0["event"] as? String) == "contract.terminated" }, "\(audit.text)")
        #expect(listed.allSatisfy { ($0["contract_id"] as? String) == id }, "\(audit.text)")
        let ws = try s.workspace()
        let repo = try ws.repository()
        let head = try #require(try repo.headCommitID())
        let events = History.parseEvents(try repo.commit(head))
        #expect(events.count == 1)
        #expect(events.first?.id == id)
        #expect(events.first?.reason == reason)
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test(arguments: ["ok\0hidden", "ok\r\nPactoria-Event: x", "ok\u{2028}x", String(repeating: "x", count: 900_000)])
    func badReasonsAreRefusedWith422(_ reason: String) async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        let id = try await createContract(s, token: token)
        let before = try s.workspace().repository().headCommitID()
        let r = try await s.call(
            "POST", "/api/v1/contracts/\(id)/transitions", token: token, json: ["action": "submit", "reason": reason])
        #expect(r.status == 422 || r.status == 413, "\(r.status) \(r.text.prefix(300))")
        #expect(r.text.contains("reason") || r.status == 413)
        #expect(try s.workspace().repository().headCommitID() == before)
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test(
        arguments: [
            ["title": "Care\0plan"], ["client": ["name": "Finchley", "company": String(repeating: "A", count: 5_000)]],
            ["client": ["name": "Finchley", "role": "java&#x09;script:alert(1)"]],
            ["plain_english_input": "Please draft terms &#106;avascript:alert(1) for the client"],
        ] as [[String: any Sendable]])
    func badContractFieldsAreRefusedWith422(_ fields: [String: any Sendable]) async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        var body: [String: Any] = [
            "title": "Care plan", "contract_type": "service_agreement", "client": ["name": "Finchley"],
        ]
        for (k, v) in fields { body[k] = v }
        let r = try await s.call("POST", "/api/v1/contracts", token: token, json: body)
        #expect(r.status == 422, "\(r.status) \(r.text.prefix(300))")
    }
}
