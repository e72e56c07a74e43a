import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaGit
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #5: concurrent writes, CLI commits seen by the server, and the users store.
@Suite("Server concurrency and workspace", .serialized)
struct ServerConcurrencyTests {
    static let manager = "manager@brickline.co.uk"

    /// A server whose plan allows many contracts, with `count` drafts made in one CLI-style commit.
    static func serverWithDrafts(_ count: Int) async throws -> (LiveServer, [String]) {
        let s = try await LiveServer(.live) { root in
            let file = root + "/.pactoria/config.yaml"
            let text =
                try String(contentsOfFile: file, encoding: .utf8)
                + "plans:\n  starter:\n    contracts_per_month: 1000\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let ws = try s.workspace()
        var ids: [String] = []
        for i in 0..<count {
            let r = try NewContract.run(
                ws,
                .init(
                    company: "brickline", title: "Contract \(i)", type: "service_agreement",
                    client: Party(name: "Client \(i) Ltd"), author: "Admin <admin@example.co.uk>"))
            ids.append(r.contract.id)
        }
        _ = try CommitChanges.run(
            ws, message: "Drafts", author: Author(name: "Admin", email: "admin@example.co.uk"), stageEverything: true)
        return (s, ids)
    }

    @Test func fiftyConcurrentWritesOnDistinctContracts() async throws {
        let (s, ids) = try await Self.serverWithDrafts(50)
        let m = try s.token(Self.manager)
        let before = try await s.commitCount()
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
        // Half submit, half rename: 50 writes at once.
        var requests: [HTTPRequest] = []
        for (i, id) in ids.enumerated() {
            if i.isMultiple(of: 2) {
                requests.append(
                    try s.jsonRequest(
                        "POST", "/api/v1/contracts/\(id)/transitions", token: m, json: ["action": "submit"]))
            } else {
                requests.append(
                    try s.jsonRequest(
                        "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Renamed \(i)"],
                        headers: [HTTPHeader("If-Match", "1")]))
            }
        }
        let results = try await s.concurrently(requests)
        var statuses: [Int] = []
        for r in results {
            switch r {
            case .success(let resp): statuses.append(resp.status)
            case .failure(let e): Issue.record("request failed: \(e)")
            }
        }
        #expect(statuses == Array(repeating: 200, count: 50), "\(statuses)")
        #expect(try await s.commitCount() == before + 50)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
        // None lost: every contract shows its change, and each commit touched one contract.
        for (i, id) in ids.enumerated() {
            let c = try await s.call("GET", "/api/v1/contracts/\(id)", token: m).json
            if i.isMultiple(of: 2) {
                #expect(c["status"] as? String == "pending_review", "\(id)")
            } else {
                #expect(c["title"] as? String == "Renamed \(i)", "\(id)")
            }
        }
        let touched = try await s.git(["log", "-50", "--format=", "--name-only"]).split(separator: "\n").filter {
            $0.hasSuffix(".yaml")
        }
        #expect(Set(touched).count == 50)
        let pending = try await s.call("GET", "/api/v1/contracts?status=pending_review&size=100", token: m)
        #expect(pending.json["total"] as? Int == 25)
    }

    @Test func twentyConcurrentEditsOfOneContract() async throws {
        let (s, ids) = try await Self.serverWithDrafts(1)
        let m = try s.token(Self.manager)
        let id = ids[0]
        let before = try await s.commitCount()
        // All send the ETag of the version they read: exactly one applies, the rest are 409.
        let etag = try await s.call("GET", "/api/v1/contracts/\(id)", token: m).header("ETag") ?? ""
        #expect(!etag.isEmpty)
        let requests = try (0..<20).map { i in
            try s.jsonRequest(
                "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Edit \(i)"],
                headers: [HTTPHeader("If-Match", etag)])
        }
        let results = try await s.concurrently(requests).map { try $0.get() }
        let statuses = results.map(\.status)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "\(statuses)")
        let applied = results.enumerated().filter { $0.element.status == 200 }
        #expect(!applied.isEmpty)
        #expect(applied.count == 1, "\(statuses)")
        #expect(results.filter { $0.status == 409 }.allSatisfy { $0.json["error"] as? String == "conflict" })
        #expect(try await s.commitCount() == before + applied.count)
        // The final file is the last applied change: HEAD's version of it, and one of the 200s.
        let now = try await s.call("GET", "/api/v1/contracts/\(id)", token: m).json
        let title = now["title"] as? String ?? ""
        #expect(applied.contains { "Edit \($0.offset)" == title })
        let path = now["path"] as? String ?? ""
        let file = try String(contentsOfFile: s.root + "/" + path, encoding: .utf8)
        #expect(file.contains("title: \(title)"), "\(file)")
        let committed = try await s.git(["show", "HEAD:\(path)"])
        #expect(committed == file)
        let lastSubject = try await s.git(["log", "-1", "--format=%H"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let headTitle = try await s.git(["show", "\(lastSubject):\(path)"])
        #expect(headTitle.contains("title: \(title)"))
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)

        // Without a version guard: every edit applies, in some order; the file holds the last one.
        let version = now["version"] as? Int ?? 1
        let before2 = try await s.commitCount()
        let unguarded = try (0..<20).map { i in
            try s.jsonRequest(
                "PATCH", "/api/v1/contracts/\(id)", token: m,
                json: ["plain_english_input": "Concurrent note number \(i)"])
        }
        let r2 = try await s.concurrently(unguarded).map { try $0.get() }
        #expect(r2.allSatisfy { $0.status == 200 || $0.status == 409 }, "\(r2.map { "\($0.status) \($0.text)" })")
        let appliedCount = r2.filter { $0.status == 200 }.count
        #expect(try await s.commitCount() == before2 + appliedCount)
        let lastInput = try await s.git(["log", "-1", "--format=%H"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let lastFile = try await s.git(["show", "\(lastInput):\(path)"])
        let onDisk = try String(contentsOfFile: s.root + "/" + path, encoding: .utf8)
        #expect(lastFile == onDisk, "the working file is the last applied change")
        let final = try await s.call("GET", "/api/v1/contracts/\(id)", token: m).json
        let note = final["plain_english_input"] as? String ?? ""
        #expect(r2.contains { $0.status == 200 && $0.json["plain_english_input"] as? String == note })
        #expect((final["version"] as? Int ?? 0) >= version)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test func cliCommitIsVisibleToTheNextGet() async throws {
        let (s, ids) = try await Self.serverWithDrafts(1)
        let m = try s.token(Self.manager)
        let id = ids[0]
        let first = try await s.call("GET", "/api/v1/contracts/\(id)", token: m)
        #expect(first.json["title"] as? String == "Contract 0")
        // Edit the file and commit it the way `pactoria commit` does, while the server runs.
        let path = first.json["path"] as? String ?? ""
        let file = s.root + "/" + path
        let yaml = try String(contentsOfFile: file, encoding: .utf8)
        try yaml.replacingOccurrences(of: "title: Contract 0", with: "title: Edited by the CLI").write(
            toFile: file, atomically: true, encoding: .utf8)
        let result = try CommitChanges.run(
            try s.workspace(), message: "Edit title", author: Author(name: "CLI User", email: "cli@example.co.uk"))
        let next = try await s.call("GET", "/api/v1/contracts/\(id)", token: m)
        #expect(next.json["title"] as? String == "Edited by the CLI")
        let list = try await s.call("GET", "/api/v1/contracts?search=CLI", token: m)
        #expect(list.json["total"] as? Int == 1)
        let versions =
            try await s.call("GET", "/api/v1/contracts/\(id)/versions", token: m).json["versions"] as? [[String: Any]]
            ?? []
        #expect(versions.contains { $0["commit"] as? String == result.commit.hex })
        let ready = try await s.call("GET", "/ready")
        #expect((ready.json["checks"] as? [String: Any])?["head"] as? String == result.commit.hex)
        // The server's next write builds on the CLI's commit (no lost update).
        let patched = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["plain_english_input": "After the CLI"])
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["title"] as? String == "Edited by the CLI")
        let parent = try await s.git(["rev-parse", "HEAD~1"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(parent == result.commit.hex)
        // A plain git commit (HEAD moved outside pactoria) is seen too.
        let yaml2 = try String(contentsOfFile: file, encoding: .utf8)
        try yaml2.replacingOccurrences(of: "title: Edited by the CLI", with: "title: Edited with git").write(
            toFile: file, atomically: true, encoding: .utf8)
        try await s.git(["commit", "-q", "--no-verify", "-am", "Edit with git"])
        #expect(
            try await s.call("GET", "/api/v1/contracts/\(id)", token: m).json["title"] as? String == "Edited with git")
    }

    @Test func usersStoreHashesAndTokens() async throws {
        let s = try await LiveServer(.live)
        let yaml = try String(contentsOfFile: s.root + "/" + UserStore.path, encoding: .utf8)
        #expect(!yaml.contains(LiveServer.password))
        let users = try UserStore.load(try s.workspace())
        #expect(users.count == LiveServer.users.count)
        for u in users {
            #expect(u.passwordHash.hasPrefix("pbkdf2-sha256$"), "\(u.passwordHash)")
            #expect(UserStore.verify(password: LiveServer.password, hash: u.passwordHash))
            #expect(!UserStore.verify(password: LiveServer.password + "x", hash: u.passwordHash))
        }
        #expect(Set(users.map(\.passwordHash)).count == users.count, "salted: no two hashes alike")
        // The key is private and not in git.
        let attrs = try FileManager.default.attributesOfItem(atPath: s.root + "/" + UserStore.keyPath)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try await s.git(["ls-files", ".pactoria/secrets"]).isEmpty)
        #expect(try await s.git(["check-ignore", "-q", UserStore.keyPath]).isEmpty)
        // `pactoria token` equivalent: verifies, carries the claims, and the server accepts it.
        let user = try #require(UserStore.find(users, email: "legal@brickline.co.uk"))
        let now = Int64(Date().timeIntervalSince1970)
        let token = UserStore.token(for: user, key: try s.signingKey(), now: now, lifetime: 600)
        let claims = try JWT.verify(token, key: try s.signingKey(), now: now)
        #expect(claims.subject == user.email)
        #expect(claims.company == "brickline")
        #expect(claims.role == "legal_reviewer")
        #expect(claims.issuer == "pactoria-api")
        #expect(claims.audience == "pactoria-app")
        #expect(claims.expiresAt == now + 600)
        #expect(try await s.call("GET", "/api/v1/contracts", token: token).status == 200)
        // A removed user's token stops working at once.
        try UserStore.remove(try s.workspace(), email: user.email, actor: "admin@example.co.uk")
        let gone = try await s.call("GET", "/api/v1/contracts", token: token)
        #expect(gone.status == 401)
        #expect(gone.json["detail"] as? String == "invalid token")
        // A user added while the server runs can log in without a restart.
        _ = try UserStore.add(
            try s.workspace(), email: "new@brickline.co.uk", fullName: "New Person", role: .viewer,
            company: "brickline",
            password: "another-long-password", actor: "admin@example.co.uk")
        let login = try await s.loginResponse("new@brickline.co.uk", password: "another-long-password")
        #expect(login.status == 200, "\(login.text)")
        #expect((login.json["user"] as? [String: Any])?["role"] as? String == "viewer")
    }
}
