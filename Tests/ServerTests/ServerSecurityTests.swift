import Foundation
import PactoriaAccess
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #5: tokens, roles, company isolation, lockout, rate limits, headers and CORS.
@Suite("Server security", .serialized)
struct ServerSecurityTests {
    static let manager = "manager@brickline.co.uk"
    static let viewer = "viewer@brickline.co.uk"
    static let legal = "legal@brickline.co.uk"
    static let admin = "admin@example.co.uk"

    static func b64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func b64url(json: [String: Any]) throws -> String {
        b64url(Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])))
    }

    @Test func badTokensAre401WithNothingMore() async throws {
        let s = try await LiveServer()
        let key = try s.signingKey()
        let now = Int64(Date().timeIntervalSince1970)
        // Issue #11: a token carries the user's current generation.
        let gen = UserStore.find(try UserStore.load(try s.workspace()), email: ServerSecurityTests.manager)?.generation
        func claims(
            sub: String = ServerSecurityTests.manager, iat: Int64? = nil, exp: Int64? = nil, nbf: Int64? = nil,
            iss: String = JWT.issuer, aud: String = JWT.audience
        ) -> TokenClaims {
            TokenClaims(
                subject: sub, company: "brickline", role: "contract_manager", issuedAt: iat ?? now,
                expiresAt: exp ?? now + 3600,
                notBefore: nbf, issuer: iss, audience: aud, generation: gen)
        }
        let good = JWT.sign(claims(), key: key)
        #expect(try await s.call("GET", "/api/v1/contracts", token: good).status == 200)

        let parts = good.split(separator: ".").map(String.init)
        // Forged: signed with another key; or the payload swapped for an admin's.
        let forged = JWT.sign(claims(), key: Array(repeating: 7, count: 32))
        let escalated =
            parts[0] + "."
            + (try Self.b64url(json: [
                "sub": Self.manager, "company": "brickline", "role": "admin", "iat": now, "exp": now + 3600,
                "iss": JWT.issuer, "aud": JWT.audience,
            ])) + "." + parts[2]
        // alg none, with and without a signature; HS512 claimed.
        let noneHeader = try Self.b64url(json: ["alg": "none", "typ": "JWT"])
        let algNone = noneHeader + "." + parts[1] + "."
        let algNoneSigned = noneHeader + "." + parts[1] + "." + parts[2]
        let hs512 = try Self.b64url(json: ["alg": "HS512", "typ": "JWT"]) + "." + parts[1] + "." + parts[2]
        let expired = JWT.sign(claims(iat: now - 7200, exp: now - 3600), key: key)
        let notYet = JWT.sign(claims(iat: now, nbf: now + 3600), key: key)
        let wrongAudience = JWT.sign(claims(aud: "someone-else"), key: key)
        let wrongIssuer = JWT.sign(claims(iss: "evil-api"), key: key)
        let unknownUser = JWT.sign(claims(sub: "ghost@brickline.co.uk"), key: key)
        let cases: [(String, String)] = [
            ("forged signature", forged), ("swapped payload", escalated), ("alg none", algNone),
            ("alg none, signed", algNoneSigned),
            ("alg HS512", hs512), ("expired", expired), ("not yet valid", notYet), ("wrong audience", wrongAudience),
            ("wrong issuer", wrongIssuer), ("unknown user", unknownUser), ("malformed", "not.a.token"),
            ("two parts", parts[0] + "." + parts[1]),
            ("garbage", "%%%"), ("empty", ""),
        ]
        for (name, token) in cases {
            let r = try await s.call("GET", "/api/v1/contracts", token: token)
            #expect(r.status == 401, "\(name): \(r.status) \(r.text)")
            #expect(r.json.count == 2, "\(name): \(r.text)")
            #expect(r.json["error"] as? String == "unauthorized", "\(name)")
            #expect(r.json["detail"] as? String == "invalid token", "\(name)")
        }
        // No token, or not a bearer token.
        let none = try await s.call("GET", "/api/v1/contracts")
        #expect(none.status == 401)
        #expect(none.json["detail"] as? String == "invalid token")
        let basic = try await s.call("GET", "/api/v1/contracts", headers: [.authorization("Basic YWRtaW46YWRtaW4=")])
        #expect(basic.status == 401)
        // Expired tokens minted through `pactoria token` (UserStore.token) too.
        let user = try #require(UserStore.find(try UserStore.load(try s.workspace()), email: Self.manager))
        let stale = UserStore.token(for: user, key: key, now: now - 10_000, lifetime: 60)
        #expect(try await s.call("GET", "/api/v1/contracts", token: stale).status == 401)
        // Bad tokens are security events.
        let events = try await s.securityEvents(size: 100)
        let kinds = events.compactMap { $0["kind"] as? String }
        // Issue #11: repeats are aggregated into one event with a count.
        let invalid = events.filter { $0["kind"] as? String == "invalid_token" }.reduce(0) {
            $0 + (($1["count"] as? Int) ?? 1)
        }
        #expect(invalid >= cases.count - 1, "\(kinds)")
        #expect(kinds.contains("missing_token"))
    }

    @Test func rolesAndCompanyIsolation() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let c = try await s.createContract(m)
        let id = c["id"] as? String ?? ""
        // A viewer reads but may not transition.
        let viewer = try s.token(Self.viewer)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: viewer).status == 200)
        for action in ["submit", "finalize", "terminate"] {
            let r = try await s.transition(viewer, id, action, reason: "Because")
            #expect(r.status == 403, "\(action)")
            #expect(r.json["error"] as? String == "forbidden")
        }
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: m).json["status"] as? String == "draft")

        // Another company: 404 for every contract route, nothing changes, critical events recorded.
        let commits = try await s.commitCount()
        let other = try s.token("manager@ancoats.co.uk")
        var attempts: [HTTPResponse] = []
        attempts.append(try await s.call("GET", "/api/v1/contracts/\(id)", token: other))
        attempts.append(try await s.call("GET", "/api/v1/contracts/\(id)/content", token: other))
        attempts.append(try await s.call("GET", "/api/v1/contracts/\(id)/versions", token: other))
        attempts.append(try await s.call("GET", "/api/v1/contracts/\(id)/diff", token: other))
        attempts.append(try await s.call("PATCH", "/api/v1/contracts/\(id)", token: other, json: ["title": "Mine now"]))
        attempts.append(try await s.transition(other, id, "submit"))
        attempts.append(
            try await s.call("POST", "/api/v1/contracts/\(id)/analyze", token: other, json: [String: Any]()))
        let missing = try await s.call("GET", "/api/v1/contracts/00000000-0000-0000-0000-000000000000", token: other)
        for r in attempts {
            #expect(r.status == 404, "\(r.text)")
            #expect(r.json["error"] as? String == "not_found")
            #expect(!r.text.contains("brickline"), "no existence leak: \(r.text)")
        }
        let missingDetail = (missing.json["detail"] as? String)?.replacingOccurrences(
            of: "00000000-0000-0000-0000-000000000000", with: id)
        #expect(attempts.first?.json["detail"] as? String == missingDetail)
        #expect(try await s.commitCount() == commits)
        let list = try await s.call("GET", "/api/v1/contracts?search=Website", token: other)
        #expect(list.json["total"] as? Int == 0)
        let events = try await s.securityEvents()
        let cross = events.filter { $0["kind"] as? String == "cross_company_access" }
        #expect(cross.count >= attempts.count, "\(events)")
        #expect(cross.allSatisfy { $0["severity"] as? String == "critical" })
        #expect(cross.first?["actor"] as? String == "manager@ancoats.co.uk")
        #expect((cross.first?["detail"] as? String)?.contains(id) == true)
        #expect(cross.first?["request_id"] as? String != nil)
        // Issue #11: only an operator sees every company; Ancoats' admin does not.
        #expect(
            try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token(LiveServer.operatorEmail)).status
                == 200)
        #expect(events.contains { $0["kind"] as? String == "permission_denied" })
    }

    @Test func lockoutAfterFiveBadPasswords() async throws {
        let s = try await LiveServer()
        for i in 1...5 {
            let r = try await s.loginResponse(Self.legal, password: "wrong-password-\(i)")
            #expect(r.status == 401, "attempt \(i): \(r.status)")
        }
        let locked = try await s.loginResponse(Self.legal)
        #expect(locked.status == 423, "\(locked.status) \(locked.text)")
        #expect(locked.json["error"] as? String == "account_locked")
        let retry = Int(locked.header("Retry-After") ?? "") ?? 0
        #expect(retry > 0 && retry <= 15 * 60, "Retry-After: \(locked.header("Retry-After") ?? "none")")
        // Case does not get round it; another account is unaffected.
        #expect(try await s.loginResponse(Self.legal.uppercased()).status == 423)
        #expect(try await s.loginResponse(Self.viewer).status == 200)
        let events = try await s.securityEvents()
        let failed = events.filter { $0["kind"] as? String == "login_failed" && $0["actor"] as? String == Self.legal }
        #expect(failed.count == 5)
        #expect(events.contains { $0["kind"] as? String == "account_locked" && $0["actor"] as? String == Self.legal })
        #expect(events.contains { $0["kind"] as? String == "login_locked" })
        // The log is JSON lines under .pactoria/, not in git.
        let log = try String(contentsOfFile: s.root + "/" + SecurityLog.path, encoding: .utf8)
        #expect(
            log.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        #expect(!log.contains(LiveServer.password))
        #expect(try await s.git(["ls-files", SecurityLog.path]).isEmpty)
    }

    @Test func rateLimitIs429WithRetryAfter() async throws {
        let s = try await LiveServer { root in
            let file = root + "/.pactoria/config.yaml"
            let text =
                try String(contentsOfFile: file, encoding: .utf8)
                + "server:\n  rate_limits:\n    default: 5/minute\n    login: 3/minute\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let m = try s.token(Self.manager)
        for i in 1...5 {
            #expect(try await s.call("GET", "/api/v1/contracts", token: m).status == 200, "request \(i)")
        }
        let limited = try await s.call("GET", "/api/v1/contracts", token: m)
        #expect(limited.status == 429)
        #expect(limited.json["error"] as? String == "rate_limited")
        let retry = Int(limited.header("Retry-After") ?? "") ?? 0
        #expect(retry > 0 && retry <= 60)
        #expect(limited.header("X-Content-Type-Options") == "nosniff")
        // Keyed by user: another user still gets through; /health is not limited.
        #expect(try await s.call("GET", "/api/v1/contracts", token: try s.token(Self.viewer)).status == 200)
        #expect(try await s.call("GET", "/health").status == 200)
        // Login is limited by address.
        var statuses: [Int] = []
        for _ in 1...4 { statuses.append(try await s.loginResponse(Self.viewer).status) }
        #expect(statuses == [200, 200, 200, 429], "\(statuses)")
        #expect(try await s.securityEvents().contains { $0["kind"] as? String == "rate_limited" })
    }

    @Test func securityHeadersOnEveryResponse() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let responses: [(String, HTTPResponse)] = [
            ("health", try await s.call("GET", "/health")),
            ("openapi", try await s.call("GET", "/openapi.json")),
            ("list", try await s.call("GET", "/api/v1/contracts", token: m)),
            ("401", try await s.call("GET", "/api/v1/contracts")),
            ("404 api", try await s.call("GET", "/api/v1/contracts/00000000-0000-0000-0000-000000000000", token: m)),
            ("404 route", try await s.call("GET", "/api/v1/nope", token: m)),
            ("404 root", try await s.call("GET", "/nope")),
            (
                "415",
                try await s.raw("POST", "/api/v1/contracts", token: m, body: Array("x".utf8), contentType: "text/plain")
            ),
            ("422", try await s.call("GET", "/api/v1/contracts?size=0", token: m)),
        ]
        var ids: Set<String> = []
        for (name, r) in responses {
            #expect(r.header("X-Content-Type-Options") == "nosniff", "\(name)")
            #expect(r.header("X-Frame-Options") == "DENY", "\(name)")
            #expect(r.header("Referrer-Policy") == "strict-origin-when-cross-origin", "\(name)")
            #expect(r.header("X-Process-Time") == nil, "\(name)")  // issue #11: no timing oracle
            let id = r.header("X-Request-ID") ?? ""
            #expect(!id.isEmpty, "\(name)")
            ids.insert(id)
            if name != "health" && name != "404 root" {
                #expect(r.header("Cache-Control") == "no-store", "\(name)")
            }
            if r.status >= 400 {
                #expect(r.json["error"] as? String != nil, "\(name): \(r.text)")
                #expect(r.json["detail"] as? String != nil, "\(name): \(r.text)")
                #expect(r.header("Content-Type")?.hasPrefix("application/json") == true, "\(name)")
            }
        }
        #expect(ids.count == responses.count, "request ids are unique")
        // No CORS headers without an allowed origin; a preflight from any origin is refused.
        let cross = try await s.call("GET", "/health", headers: [HTTPHeader("Origin", "https://evil.example")])
        #expect(cross.header("Access-Control-Allow-Origin") == nil)
        let preflight = try await s.call(
            "OPTIONS", "/api/v1/contracts",
            headers: [HTTPHeader("Origin", "https://evil.example"), HTTPHeader("Access-Control-Request-Method", "GET")])
        #expect(preflight.status >= 400, "\(preflight.status)")
        #expect(preflight.header("Access-Control-Allow-Origin") == nil)
        #expect(preflight.header("X-Frame-Options") == "DENY")
    }

    @Test func corsForAnAllowedOrigin() async throws {
        let s = try await LiveServer { root in
            let file = root + "/.pactoria/config.yaml"
            let text =
                try String(contentsOfFile: file, encoding: .utf8)
                + "server:\n  cors:\n    allowed_origins:\n      - https://app.example.co.uk\n    allowed_methods: [GET, POST]\n    allowed_headers: [Authorization, Content-Type, X-Trace]\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let origin = "https://app.example.co.uk"
        let preflight = try await s.call(
            "OPTIONS", "/api/v1/contracts",
            headers: [
                HTTPHeader("Origin", origin), HTTPHeader("Access-Control-Request-Method", "POST"),
                HTTPHeader("Access-Control-Request-Headers", "authorization"),
            ])
        #expect(preflight.status == 204, "\(preflight.status) \(preflight.text)")
        #expect(preflight.header("Access-Control-Allow-Origin") == origin)
        #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
        #expect(preflight.header("Access-Control-Allow-Methods")?.contains("PATCH") == false)
        // Header names are case-insensitive; Hummingbird's CORSMiddleware lists them in lower case.
        #expect(preflight.header("Access-Control-Allow-Headers")?.lowercased().contains("x-trace") == true)
        #expect(preflight.header("X-Content-Type-Options") == "nosniff")
        let get = try await s.call(
            "GET", "/api/v1/contracts", token: try s.token(Self.manager), headers: [HTTPHeader("Origin", origin)])
        #expect(get.status == 200)
        #expect(get.header("Access-Control-Allow-Origin") == origin)
        #expect(get.header("Vary")?.contains("Origin") == true)
        // Errors carry it too, so the browser can read them.
        let unauth = try await s.call("GET", "/api/v1/contracts", headers: [HTTPHeader("Origin", origin)])
        #expect(unauth.status == 401)
        #expect(unauth.header("Access-Control-Allow-Origin") == origin)
        // Other origins still get nothing.
        let other = try await s.call(
            "OPTIONS", "/api/v1/contracts",
            headers: [HTTPHeader("Origin", "https://evil.example"), HTTPHeader("Access-Control-Request-Method", "GET")])
        #expect(other.status >= 400)
        #expect(other.header("Access-Control-Allow-Origin") == nil)
        let otherGet = try await s.call("GET", "/health", headers: [HTTPHeader("Origin", "https://evil.example")])
        #expect(otherGet.header("Access-Control-Allow-Origin") == nil)
    }
}
