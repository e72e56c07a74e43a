import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 2: a token names a user and a generation; what the user may do comes from
/// the users store on every request, and every revocation ends all earlier tokens at once.
@Suite("Access: tokens follow the users store", .serialized)
struct AccessTokenTests {
    static let manager = "manager@brickline.co.uk"
    static let viewer = "viewer@brickline.co.uk"
    static let legal = "legal@brickline.co.uk"

    static var draft: [String: Any] {
        ["title": "Website Build", "contract_type": "service_agreement", "client": ["name": "Acme Ltd"]]
    }

    /// Uses the token twice (so any cache holds it) and expects 200 both times.
    static func warm(_ s: LiveServer, _ token: String) async throws {
        for _ in 0..<2 { #expect(try await s.call("GET", "/api/v1/contracts", token: token).status == 200) }
    }

    @Test func demotionEndsTheOldTokenAndTheNewOneHasTheNewRole() async throws {
        let s = try await LiveServer()
        let old = try s.token(Self.manager)
        try await Self.warm(s, old)
        let r = try await s.pactoria(["user", "set-role", Self.manager, "viewer"])
        #expect(r.status == 0, "\(r)")
        let stale = try await s.call("POST", "/api/v1/contracts", token: old, json: Self.draft)
        #expect(stale.status == 401, "\(stale.text)")
        let fresh = try await s.call("POST", "/api/v1/contracts", token: try s.token(Self.manager), json: Self.draft)
        #expect(fresh.status == 403, "\(fresh.text)")
    }

    @Test func moveToAnotherCompanyEndsTheOldToken() async throws {
        let s = try await LiveServer()
        let mine = try await s.createContract(try s.token(Self.manager))
        let id = mine["id"] as? String ?? ""
        let old = try s.token(Self.viewer)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: old).status == 200)
        let r = try await s.pactoria(["user", "set-company", Self.viewer, "ancoats"])
        #expect(r.status == 0, "\(r)")
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: old).status == 401)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token(Self.viewer)).status == 404)
    }

    @Test func claimsThatDisagreeWithTheStoreAreIgnored() async throws {
        let s = try await LiveServer()
        let theirs = try await s.createContract(try s.token("manager@ancoats.co.uk"), title: "Bakery Supply")
        let id = theirs["id"] as? String ?? ""
        // A token signed with the real key whose role and company claims say more than the store.
        let viewer = try #require(UserStore.find(try UserStore.load(try s.workspace()), email: Self.viewer))
        let now = Int64(Date().timeIntervalSince1970)
        let claims = TokenClaims(
            subject: viewer.email, company: "ancoats", role: "admin", issuedAt: now, expiresAt: now + 600,
            generation: viewer.generation)
        let inflated = JWT.sign(claims, key: try s.signingKey())
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: inflated).status == 404)
        #expect(try await s.call("POST", "/api/v1/contracts", token: inflated, json: Self.draft).status == 403)
        #expect(try await s.call("GET", "/api/v1/security/events", token: inflated).status == 403)
        // A token with no generation (as every token before this fix) is not honoured.
        var old = claims
        old.generation = nil
        old.company = "brickline"
        old.role = "viewer"
        #expect(
            try await s.call("GET", "/api/v1/contracts", token: JWT.sign(old, key: try s.signingKey())).status == 401)
    }

    @Test func editingTheUsersFileTakesEffectAtOnce() async throws {
        let s = try await LiveServer()
        let token = try s.token(Self.viewer)
        try await Self.warm(s, token)
        #expect(try await s.call("POST", "/api/v1/contracts", token: token, json: Self.draft).status == 403)
        // A hand edit of the store (no generation change): the next request sees the new role.
        let file = s.root + "/" + UserStore.path
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let at = try #require(lines.firstIndex { $0.contains(Self.viewer) })
        var edited = lines
        for i in at..<min(at + 4, lines.count) where lines[i].contains("role: viewer") {
            edited[i] = lines[i].replacingOccurrences(of: "role: viewer", with: "role: contract_manager")
        }
        #expect(edited != lines)
        try edited.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let now = try await s.call("POST", "/api/v1/contracts", token: token, json: Self.draft)
        #expect(now.status == 201, "\(now.text)")
    }

    @Test func passwdDisableRevokeAndRemoveEndEarlierTokens() async throws {
        let s = try await LiveServer()
        // passwd
        let before = try s.token(Self.manager)
        try await Self.warm(s, before)
        let pw = try await s.pactoria(
            ["user", "passwd", Self.manager, "--password-stdin"], input: "a-brand-new-passphrase\n")
        #expect(pw.status == 0, "\(pw)")
        #expect(try await s.call("GET", "/api/v1/contracts", token: before).status == 401)
        #expect(try await s.loginResponse(Self.manager).status == 401)
        #expect(try await s.loginResponse(Self.manager, password: "a-brand-new-passphrase").status == 200)
        // disable, enable
        let legal = try s.token(Self.legal)
        try await Self.warm(s, legal)
        #expect(try await s.pactoria(["user", "disable", Self.legal]).status == 0)
        #expect(try await s.call("GET", "/api/v1/contracts", token: legal).status == 401)
        #expect(try await s.loginResponse(Self.legal).status == 401)
        #expect(try await s.pactoria(["user", "enable", Self.legal]).status == 0)
        #expect(
            try await s.call("GET", "/api/v1/contracts", token: legal).status == 401,
            "enable does not revive old tokens")
        #expect(try await s.loginResponse(Self.legal).status == 200)
        // revoke
        let viewer = try s.token(Self.viewer)
        try await Self.warm(s, viewer)
        #expect(try await s.pactoria(["user", "revoke", Self.viewer]).status == 0)
        #expect(try await s.call("GET", "/api/v1/contracts", token: viewer).status == 401)
        #expect(try await s.call("GET", "/api/v1/contracts", token: try s.token(Self.viewer)).status == 200)
        // remove, then a user of the same email added again: the old token stays dead
        let gone = try s.token(Self.viewer)
        try await Self.warm(s, gone)
        #expect(try await s.pactoria(["user", "remove", Self.viewer]).status == 0)
        #expect(try await s.call("GET", "/api/v1/contracts", token: gone).status == 401)
        // Every change is a security event, none a commit.
        let kinds = try await s.securityEvents().compactMap { $0["kind"] as? String }
        for kind in ["user_password_changed", "user_disabled", "user_enabled", "user_tokens_revoked", "user_removed"] {
            #expect(kinds.contains(kind), "\(kind) in \(kinds)")
        }
    }

    @Test func logoutEndsEveryTokenOfTheCaller() async throws {
        let s = try await LiveServer()
        let first = try await s.loginResponse(Self.manager).json["access_token"] as? String ?? ""
        let second = try s.token(Self.manager)
        let other = try s.token(Self.viewer)
        try await Self.warm(s, first)
        try await Self.warm(s, second)
        let out = try await s.call("POST", "/api/v1/auth/logout", token: first)
        #expect(out.status == 204, "\(out.text)")
        #expect(try await s.call("GET", "/api/v1/contracts", token: first).status == 401)
        #expect(try await s.call("GET", "/api/v1/contracts", token: second).status == 401)
        #expect(try await s.call("GET", "/api/v1/contracts", token: other).status == 200)
        #expect(try await s.call("POST", "/api/v1/auth/logout").status == 401)
        #expect(try await s.loginResponse(Self.manager).status == 200)
    }

    @Test func everyUnauthorizedAnswerChallengesForABearerToken() async throws {
        let s = try await LiveServer()
        let missing = try await s.call("GET", "/api/v1/contracts")
        let garbage = try await s.call("GET", "/api/v1/contracts", token: "not.a.token")
        let wrongPassword = try await s.loginResponse(Self.manager, password: "not-the-password")
        for r in [missing, garbage, wrongPassword] {
            #expect(r.status == 401)
            #expect(r.header("WWW-Authenticate") == "Bearer", "\(r.headers)")
        }
    }
}
