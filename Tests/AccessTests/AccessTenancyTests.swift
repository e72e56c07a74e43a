import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 1: a company admin administers one company; seeing every company is the
/// operator grant, given only from the CLI. Every cross-company attempt is a 404 and an event.
@Suite("Access: tenancy", .serialized)
struct AccessTenancyTests {
    static let admin = "admin@example.co.uk"
    static let manager = "manager@brickline.co.uk"
    static let legal = "legal@brickline.co.uk"
    static let ancoats = "manager@ancoats.co.uk"

    static func openRegistration(_ root: String) throws {
        let file = root + "/.pactoria/config.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8) + "server:\n  open_registration: true\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// An active Brickline contract (create, submit, finalize, activate); its id.
    static func activeContract(_ s: LiveServer) async throws -> String {
        let m = try s.token(manager)
        let id = try await s.createContract(m, title: "Website Build")["id"] as? String ?? ""
        #expect(try await s.transition(m, id, "submit").status == 200)
        #expect(try await s.transition(m, id, "finalize").status == 200)
        let active = try await s.transition(try s.token(legal), id, "activate")
        #expect(active.json["status"] as? String == "active", "\(active.text)")
        return id
    }

    static func crossEvents(_ s: LiveServer) async throws -> [[String: Any]] {
        try await s.securityEvents(size: 100).filter { $0["kind"] as? String == "cross_company_access" }
    }

    @Test func anonymousRegistrantCannotReachAnotherCompany() async throws {
        let s = try await LiveServer(configure: Self.openRegistration)
        let id = try await Self.activeContract(s)
        let r = try await s.call(
            "POST", "/api/v1/auth/register",
            json: [
                "email": "mallory@evil.example", "full_name": "Mallory", "password": "a-long-fresh-passphrase",
                "company_name": "Evil Ltd",
            ])
        #expect(r.status == 201, "\(r.text)")
        let user = r.json["user"] as? [String: Any] ?? [:]
        #expect(user["role"] as? String == "admin")
        let own = (r.json["company"] as? [String: Any])?["slug"] as? String ?? ""
        #expect(user["company"] as? String == own)
        let token = r.json["token"] as? String ?? ""
        let commits = try await s.commitCount()

        // Reads, lists, searches and writes on Brickline: each a 404.
        let everyCompany = try await s.call("GET", "/api/v1/contracts", token: token)
        #expect(everyCompany.status == 200)
        #expect(everyCompany.json["total"] as? Int == 0, "a registrant lists only their company: \(everyCompany.text)")
        #expect(try await s.call("GET", "/api/v1/contracts?company=brickline", token: token).status == 404)
        #expect(try await s.call("GET", "/api/v1/contracts?search=Website", token: token).json["total"] as? Int == 0)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: token).status == 404)
        let terminate = try await s.transition(token, id, "terminate", reason: "Because I can")
        #expect(terminate.status == 404, "\(terminate.text)")
        let create = try await s.call(
            "POST", "/api/v1/contracts", token: token,
            json: ["company": "brickline", "title": "Planted", "contract_type": "nda", "client": ["name": "X Ltd"]])
        #expect(create.status == 404, "\(create.text)")
        #expect(try await s.call("GET", "/api/v1/audit?contract=\(id)", token: token).status == 404)
        #expect(try await s.call("GET", "/api/v1/security/events?company=brickline", token: token).status == 404)
        let trail = try await s.call("GET", "/api/v1/audit", token: token)
        #expect(trail.json["total"] as? Int == 0, "\(trail.text)")

        // Nothing changed; the contract is still active; each attempt is an event.
        #expect(try await s.commitCount() == commits)
        let still = try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token(Self.manager))
        #expect(still.json["status"] as? String == "active")
        let events = try await Self.crossEvents(s).filter { $0["actor"] as? String == "mallory@evil.example" }
        #expect(events.count >= 6, "\(events)")
        #expect(events.allSatisfy { $0["severity"] as? String == "critical" })
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test func companyAdminStaysInTheirCompany() async throws {
        let s = try await LiveServer()
        let theirs = try await s.createContract(
            try s.token(Self.ancoats), title: "Bakery Supply", type: "supplier_agreement")
        let id = theirs["id"] as? String ?? ""
        let admin = try s.token(Self.admin)
        let commits = try await s.commitCount()
        var attempts: [HTTPResponse] = []
        attempts.append(try await s.call("GET", "/api/v1/contracts/\(id)", token: admin))
        attempts.append(try await s.call("GET", "/api/v1/contracts?company=ancoats", token: admin))
        attempts.append(try await s.call("PATCH", "/api/v1/contracts/\(id)", token: admin, json: ["title": "Mine"]))
        attempts.append(try await s.transition(admin, id, "terminate", reason: "Hostile"))
        attempts.append(
            try await s.call(
                "POST", "/api/v1/contracts", token: admin,
                json: ["company": "ancoats", "title": "Planted", "contract_type": "nda", "client": ["name": "X Ltd"]]))
        attempts.append(try await s.call("GET", "/api/v1/audit?contract=\(id)", token: admin))
        attempts.append(try await s.call("GET", "/api/v1/security/events?company=ancoats", token: admin))
        for r in attempts {
            #expect(r.status == 404, "\(r.status) \(r.text)")
            #expect(!r.text.contains("Bakery"), "no leak: \(r.text)")
        }
        #expect(try await s.call("GET", "/api/v1/contracts", token: admin).json["total"] as? Int == 0)
        #expect(try await s.call("GET", "/api/v1/contracts?search=Bakery", token: admin).json["total"] as? Int == 0)
        #expect(try await s.commitCount() == commits)
        let events = try await Self.crossEvents(s).filter { $0["actor"] as? String == Self.admin }
        #expect(events.count >= attempts.count, "\(events)")
    }

    @Test func securityEventsOfOtherCompaniesAreHidden() async throws {
        let s = try await LiveServer()
        // One denial in each company.
        _ = try await s.call("GET", "/api/v1/security/events", token: try s.token(Self.manager))
        _ = try await s.call("GET", "/api/v1/security/events", token: try s.token(Self.ancoats))
        let all = try await s.securityEvents()
        #expect(all.contains { $0["company"] as? String == "ancoats" }, "the operator sees every company: \(all)")
        #expect(all.contains { $0["company"] as? String == "brickline" })
        let mine = try await s.call("GET", "/api/v1/security/events?size=100", token: try s.token(Self.admin))
        #expect(mine.status == 200)
        let events = mine.json["events"] as? [[String: Any]] ?? []
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0["company"] as? String == "brickline" }, "\(events)")
        #expect(mine.json["total"] as? Int == events.count)
    }

    @Test func operatorGrantComesOnlyFromTheCLI() async throws {
        let s = try await LiveServer(configure: Self.openRegistration)
        let theirs = try await s.createContract(
            try s.token(Self.ancoats), title: "Bakery Supply", type: "supplier_agreement")
        let id = theirs["id"] as? String ?? ""
        // Registration cannot ask for it.
        let r = try await s.call(
            "POST", "/api/v1/auth/register",
            json: [
                "email": "eve@evil.example", "full_name": "Eve", "password": "a-long-fresh-passphrase",
                "company_name": "Eve Ltd",
                "role": "operator", "operator": true,
            ])
        #expect(r.status == 201, "\(r.text)")
        let eve = r.json["token"] as? String ?? ""
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: eve).status == 404)
        #expect(UserStore.find(try UserStore.load(try s.workspace()), email: "eve@evil.example")?.isOperator == false)

        // The CLI grants it; the store holds it, outside the tracked tree.
        let grant = try await s.pactoria(["user", "grant-operator", Self.admin])
        #expect(grant.status == 0, "\(grant)")
        let admin = try s.token(Self.admin)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: admin).status == 200)
        #expect(try await s.call("GET", "/api/v1/contracts?company=ancoats", token: admin).json["total"] as? Int == 1)
        #expect(
            try await s.call("GET", "/api/v1/contracts", token: admin).json["total"] as? Int == 1,
            "an operator lists every company")
        #expect(try await s.git(["ls-files", ".pactoria"]).contains("users") == false)
        // Taken away: that token ends, and a new one sees Brickline only.
        let revoke = try await s.pactoria(["user", "revoke-operator", Self.admin])
        #expect(revoke.status == 0, "\(revoke)")
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: admin).status == 401)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token(Self.admin)).status == 404)
        let kinds = try await s.securityEvents().compactMap { $0["kind"] as? String }
        #expect(kinds.contains("operator_granted") && kinds.contains("operator_revoked"), "\(kinds)")
    }
}
