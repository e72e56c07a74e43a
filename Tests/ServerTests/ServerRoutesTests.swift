import Foundation
import PactoriaAccess
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #5: every route's success and error cases, through real HTTP on a live server.
@Suite("Server routes", .serialized)
struct ServerRoutesTests {
    static let manager = "manager@brickline.co.uk"
    static let legal = "legal@brickline.co.uk"
    static let viewer = "viewer@brickline.co.uk"
    static let admin = "admin@example.co.uk"
    static let otherManager = "manager@ancoats.co.uk"

    @Test func healthReadyAndOpenAPI() async throws {
        let s = try await LiveServer()
        let h = try await s.call("GET", "/health")
        #expect(h.status == 200)
        #expect(h.json["status"] as? String == "ok")
        #expect(h.json["version"] as? String != nil)
        #expect(h.json["time"] as? String != nil)
        let r = try await s.call("GET", "/ready")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["status"] as? String == "ready")
        let checks = r.json["checks"] as? [String: Any] ?? [:]
        #expect(checks["git"] as? String == "ok")
        let head = try await s.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(checks["head"] as? String == head)
        let o = try await s.call("GET", "/openapi.json")
        #expect(o.status == 200)
        #expect((o.json["openapi"] as? String)?.hasPrefix("3.") == true)
        #expect(o.header("Content-Type")?.hasPrefix("application/json") == true)
        // Unknown routes: 404 in the error shape; a wrong method is not a success.
        let missing = try await s.call("GET", "/nope")
        #expect(missing.status == 404)
        #expect(missing.json["error"] as? String == "not_found")
        #expect(missing.json["detail"] as? String != nil)
        let wrongMethod = try await s.call("DELETE", "/health")
        #expect([404, 405].contains(wrongMethod.status))
    }

    @Test func loginAndRegisterClosed() async throws {
        let s = try await LiveServer()
        let ok = try await s.loginResponse(Self.manager)
        #expect(ok.status == 200, "\(ok.text)")
        #expect(ok.json["token_type"] as? String == "bearer")
        #expect(ok.json["expires_in"] as? Int == 8 * 3600)
        let user = ok.json["user"] as? [String: Any] ?? [:]
        #expect(user["email"] as? String == Self.manager)
        #expect(user["role"] as? String == "contract_manager")
        #expect(user["company"] as? String == "brickline")
        #expect(user["password_hash"] == nil)
        let token = ok.json["access_token"] as? String ?? ""
        #expect(try await s.call("GET", "/api/v1/contracts", token: token).status == 200)

        let wrong = try await s.loginResponse(Self.manager, password: "not-the-password")
        #expect(wrong.status == 401)
        #expect(wrong.json["error"] as? String == "unauthorized")
        let unknown = try await s.loginResponse("nobody@example.co.uk")
        #expect(unknown.status == 401)
        #expect(unknown.json["detail"] as? String == wrong.json["detail"] as? String, "no account enumeration")
        let missing = try await s.call("POST", "/api/v1/auth/login", json: ["email": Self.manager])
        #expect(missing.status == 422)
        #expect(missing.json["field"] as? String == "password")
        let notJSON = try await s.raw(
            "POST", "/api/v1/auth/login", body: Array("email=x".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(notJSON.status == 415)
        let broken = try await s.raw(
            "POST", "/api/v1/auth/login", body: Array("{not json".utf8), contentType: "application/json")
        #expect(broken.status == 400)
        #expect(broken.json["error"] as? String != nil)

        let commits = try await s.commitCount()
        let closed = try await s.call(
            "POST", "/api/v1/auth/register",
            json: [
                "email": "owner@newco.co.uk", "full_name": "Owner", "password": "long-enough-pw",
                "company_name": "Newco Ltd", "timezone": "Europe/London",
            ])
        #expect(closed.status == 403)
        #expect(closed.json["error"] as? String == "forbidden")
        #expect(try await s.commitCount() == commits)
        #expect(!FileManager.default.fileExists(atPath: s.root + "/companies/newco"))
    }

    @Test func registerWhenOpen() async throws {
        let s = try await LiveServer { root in
            let file = root + "/.pactoria/config.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8) + "server:\n  open_registration: true\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let before = try await s.commitCount()
        let r = try await s.call(
            "POST", "/api/v1/auth/register",
            json: [
                "email": "owner@newco.co.uk", "full_name": "Nia Owner", "password": "long-enough-pw",
                "company_name": "Newco Ltd", "timezone": "Europe/London",
            ])
        #expect(r.status == 201, "\(r.text)")
        let company = r.json["company"] as? [String: Any] ?? [:]
        let slug = company["slug"] as? String ?? ""
        #expect(!slug.isEmpty)
        #expect(company["subscription_tier"] as? String == "starter")
        let user = r.json["user"] as? [String: Any] ?? [:]
        #expect(user["role"] as? String == "admin")
        #expect(user["company"] as? String == slug)
        // One commit holding the company directory and the user.
        #expect(try await s.commitCount() == before + 1)
        var isDir: ObjCBool = false
        #expect(
            FileManager.default.fileExists(atPath: s.root + "/companies/\(slug)", isDirectory: &isDir)
                && isDir.boolValue)
        let files = try await s.git(["show", "--name-only", "--format=%an <%ae>", "HEAD"])
        #expect(files.contains("Nia Owner <owner@newco.co.uk>"), "\(files)")
        // Issue #11: the user goes to the local store, never into a commit.
        #expect(!files.contains("users.yaml"), "\(files)")
        #expect(files.contains("companies/\(slug)/"), "\(files)")
        #expect(try await s.git(["status", "--porcelain"]).isEmpty)
        // The token works and the new user is listed.
        let token = r.json["token"] as? String ?? ""
        let list = try await s.call("GET", "/api/v1/contracts", token: token)
        #expect(list.status == 200)
        #expect(list.json["total"] as? Int == 0)
        #expect(UserStore.find(try UserStore.load(try s.workspace()), email: "owner@newco.co.uk")?.role == .admin)
        // Validation and duplicates: 4xx, no commit, no stray directory.
        let bad = try await s.call(
            "POST", "/api/v1/auth/register",
            json: ["email": "x@newco2.co.uk", "password": "long-enough-pw", "company_name": "Newco Two"])
        #expect(bad.status == 422)
        #expect(bad.json["field"] as? String == "full_name")
        let dup = try await s.call(
            "POST", "/api/v1/auth/register",
            json: [
                "email": "owner@newco.co.uk", "full_name": "Again", "password": "long-enough-pw",
                "company_name": "Other Newco Ltd",
            ])
        #expect((400..<500).contains(dup.status), "\(dup.status) \(dup.text)")
        #expect(try await s.commitCount() == before + 1)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test func listGetContentVersionsDiff() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let a = try await s.createContract(m, title: "Website Build", type: "service_agreement")
        _ = try await s.createContract(m, title: "Bakery Supply", type: "supplier_agreement")
        _ = try await s.createContract(m, title: "Mutual Confidentiality", type: "nda")
        let id = a["id"] as? String ?? ""

        // List, filters and paging.
        let all = try await s.call("GET", "/api/v1/contracts", token: m)
        #expect(all.status == 200)
        #expect(all.json["total"] as? Int == 3)
        #expect(all.json["page"] as? Int == 1)
        #expect(all.json["size"] as? Int == 20)
        #expect(all.json["pages"] as? Int == 1)
        let paged = try await s.call("GET", "/api/v1/contracts?page=2&size=2", token: m)
        #expect(paged.json["pages"] as? Int == 2)
        #expect((paged.json["contracts"] as? [Any])?.count == 1)
        let byType = try await s.call("GET", "/api/v1/contracts?contract_type=nda", token: m)
        #expect(byType.json["total"] as? Int == 1)
        let first = (byType.json["contracts"] as? [[String: Any]])?.first ?? [:]
        #expect(first["title"] as? String == "Mutual Confidentiality")
        #expect(first["company"] as? String == "brickline")
        let byStatus = try await s.call("GET", "/api/v1/contracts?status=draft", token: m)
        #expect(byStatus.json["total"] as? Int == 3)
        #expect(try await s.call("GET", "/api/v1/contracts?status=active", token: m).json["total"] as? Int == 0)
        let search = try await s.call("GET", "/api/v1/contracts?search=bakery", token: m)
        #expect(search.json["total"] as? Int == 1)
        for size in ["0", "101"] {
            let r = try await s.call("GET", "/api/v1/contracts?size=\(size)", token: m)
            #expect(r.status == 422, "size=\(size)")
            #expect(r.json["error"] as? String == "validation_error")
            #expect(r.json["field"] as? String == "size")
        }
        let page0 = try await s.call("GET", "/api/v1/contracts?page=0", token: m)
        #expect(page0.status == 422)
        #expect(page0.json["field"] as? String == "page")
        let sizeText = try await s.call("GET", "/api/v1/contracts?size=ten", token: m)
        #expect(sizeText.status == 422)
        #expect(sizeText.json["field"] as? String == "size")
        let badStatus = try await s.call("GET", "/api/v1/contracts?status=bogus", token: m)
        #expect(badStatus.status == 422)
        #expect(badStatus.json["field"] as? String == "status")
        let badType = try await s.call("GET", "/api/v1/contracts?contract_type=bogus", token: m)
        #expect(badType.status == 422)
        #expect(badType.json["field"] as? String == "contract_type")
        #expect(try await s.call("GET", "/api/v1/contracts").status == 401)

        // One contract.
        let one = try await s.call("GET", "/api/v1/contracts/\(id)", token: m)
        #expect(one.status == 200)
        #expect(one.json["id"] as? String == id)
        #expect(one.json["title"] as? String == "Website Build")
        #expect(one.json["status"] as? String == "draft")
        #expect(one.json["version"] as? Int == 1)
        #expect(one.json["company"] as? String == "brickline")
        #expect(
            try await s.call("GET", "/api/v1/contracts/00000000-0000-0000-0000-000000000000", token: m).status == 404)
        let junk = try await s.call("GET", "/api/v1/contracts/..%2F..%2Fetc", token: m)
        #expect(junk.status == 404)
        #expect(junk.json["error"] as? String == "not_found")

        // Content, as Markdown.
        let content = try await s.call("GET", "/api/v1/contracts/\(id)/content", token: m)
        #expect(content.status == 200)
        #expect(content.header("Content-Type")?.hasPrefix("text/markdown") == true)
        #expect(content.text.contains("Website Build"))
        #expect(
            try await s.call("GET", "/api/v1/contracts/00000000-0000-0000-0000-000000000000/content", token: m).status
                == 404)

        // An edit, then versions and diff.
        let patched = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Website Build and Hosting"])
        #expect(patched.status == 200, "\(patched.text)")
        let versions = try await s.call("GET", "/api/v1/contracts/\(id)/versions", token: m)
        #expect(versions.status == 200)
        let entries = versions.json["versions"] as? [[String: Any]] ?? []
        #expect(entries.count == 2, "\(versions.text)")
        let commits = entries.compactMap { $0["commit"] as? String }
        #expect(commits.count == 2)
        #expect(entries.contains { ($0["author"] as? String)?.contains(Self.manager) == true })
        #expect(
            try await s.call("GET", "/api/v1/contracts/00000000-0000-0000-0000-000000000000/versions", token: m).status
                == 404)
        let created = try await s.git(["rev-list", "--reverse", "HEAD"]).split(separator: "\n").map(String.init)
        let head = created.last ?? ""
        let previous = created.dropLast().last ?? ""
        let diff = try await s.call("GET", "/api/v1/contracts/\(id)/diff?from=\(previous)&to=\(head)", token: m)
        #expect(diff.status == 200, "\(diff.text)")
        let fields = diff.json["fields"] as? [[String: Any]] ?? []
        let title = fields.first { $0["field"] as? String == "title" }
        #expect(title?["old"] as? String == "Website Build")
        #expect(title?["new"] as? String == "Website Build and Hosting")
        let noChange = try await s.call("GET", "/api/v1/contracts/\(id)/diff", token: m)
        #expect(noChange.status == 200)
        #expect((noChange.json["fields"] as? [Any])?.isEmpty == true)
        let badRev = try await s.call("GET", "/api/v1/contracts/\(id)/diff?from=nosuchrevision", token: m)
        #expect([400, 404, 422].contains(badRev.status), "\(badRev.status) \(badRev.text)")
        #expect(badRev.json["error"] as? String != nil)
    }

    @Test func createValidationAndBodyLimits() async throws {
        let s = try await LiveServer { root in
            let file = root + "/.pactoria/config.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8) + "server:\n  max_body_bytes: 2048\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let m = try s.token(Self.manager)
        let before = try await s.commitCount()
        let ok = try await s.call(
            "POST", "/api/v1/contracts", token: m,
            json: [
                "title": "Consulting", "contract_type": "consultancy",
                "client": ["name": "Acme Ltd", "email": "ops@acme.co.uk"],
                "contract_value": ["amount": "1500.00", "currency": "GBP"], "start_date": "2026-01-01",
                "end_date": "2027-01-01",
            ])
        #expect(ok.status == 201, "\(ok.text)")
        #expect(ok.json["status"] as? String == "draft")
        #expect(ok.json["commit"] as? String != nil)
        #expect(try await s.commitCount() == before + 1)
        let author = try await s.git(["log", "-1", "--format=%ae"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(author == Self.manager)
        let trailers = try await s.git(["log", "-1", "--format=%B"])
        #expect(trailers.contains("contract.created"), "audit trailers: \(trailers)")

        func post(_ body: [String: Any]) async throws -> HTTPResponse {
            try await s.call("POST", "/api/v1/contracts", token: m, json: body)
        }
        let noTitle = try await post(["contract_type": "nda", "client": ["name": "A"]])
        #expect(noTitle.status == 422)
        #expect(noTitle.json["field"] as? String == "title")
        let blankTitle = try await post(["title": "   ", "contract_type": "nda", "client": ["name": "A"]])
        #expect(blankTitle.status == 422, "\(blankTitle.text)")
        #expect(blankTitle.json["field"] as? String == "title")
        let numberTitle = try await post(["title": 42, "contract_type": "nda", "client": ["name": "A"]])
        #expect(numberTitle.status == 422)
        #expect(numberTitle.json["field"] as? String == "title")
        let badType = try await post(["title": "X", "contract_type": "handshake", "client": ["name": "A"]])
        #expect(badType.status == 422, "\(badType.text)")
        #expect(badType.json["error"] as? String == "validation_error")
        #expect(badType.json["field"] as? String == "contract_type")
        let badAmount = try await post([
            "title": "X", "contract_type": "nda", "client": ["name": "A"], "contract_value": ["amount": "lots"],
        ])
        #expect(badAmount.status == 422, "\(badAmount.text)")
        #expect(badAmount.json["field"] as? String == "contract_value.amount")
        let noClient = try await post(["title": "X", "contract_type": "nda"])
        #expect(noClient.status == 422)
        #expect(noClient.json["field"] as? String == "client")
        let clientNoName = try await post(["title": "X", "contract_type": "nda", "client": ["email": "a@b.co.uk"]])
        #expect(clientNoName.status == 422)
        #expect(clientNoName.json["field"] as? String == "client.name")

        let form = try await s.raw(
            "POST", "/api/v1/contracts", token: m, body: Array("title=X".utf8), contentType: "text/plain")
        #expect(form.status == 415)
        #expect(form.json["error"] as? String == "unsupported_media_type")
        let noType = try await s.raw("POST", "/api/v1/contracts", token: m, body: Array("{}".utf8), contentType: nil)
        #expect(noType.status == 415)
        let big = try JSONSerialization.data(withJSONObject: [
            "title": "Big", "contract_type": "nda", "client": ["name": "A"],
            "plain_english_input": String(repeating: "x", count: 4096),
        ])
        let tooLarge = try await s.raw(
            "POST", "/api/v1/contracts", token: m, body: Array(big), contentType: "application/json")
        #expect(tooLarge.status == 413)
        #expect(tooLarge.json["error"] as? String == "payload_too_large")
        // Roles and companies.
        let viewer = try await s.call(
            "POST", "/api/v1/contracts", token: try s.token(Self.viewer),
            json: ["title": "X", "contract_type": "nda", "client": ["name": "A"]])
        #expect(viewer.status == 403)
        let elsewhere = try await post([
            "title": "X", "contract_type": "nda", "client": ["name": "A"], "company": "ancoats",
        ])
        #expect(elsewhere.status == 404, "issue #11: another company is a 404, as for its contracts")
        // No failed request made a commit.
        #expect(try await s.commitCount() == before + 1)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test func patchRules() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let c = try await s.createContract(m)
        let id = c["id"] as? String ?? ""
        // The version guard, given in the body as the current version (1): must apply.
        let guarded = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m,
            json: ["plain_english_input": "Guarded by the version check", "version": 1])
        #expect(guarded.status == 200, "\(guarded.text)")
        let guardedTransition = try await s.transition(
            m, try await s.createContract(m, title: "Other")["id"] as? String ?? "", "submit", version: 1)
        #expect(guardedTransition.status == 200, "\(guardedTransition.text)")
        // The same guard through If-Match works.
        let ok = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Renamed"],
            headers: [HTTPHeader("If-Match", "1")])
        #expect(ok.status == 200, "\(ok.text)")
        #expect(ok.json["title"] as? String == "Renamed")
        #expect(ok.json["commit"] as? String != nil)
        let version = ok.json["version"] as? Int ?? 0
        let stale = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Stale", "version": version + 5])
        #expect(stale.status == 409)
        let staleHeader = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Stale"],
            headers: [HTTPHeader("If-Match", "\(version + 3)")])
        #expect(staleHeader.status == 409)
        #expect(stale.json["error"] as? String == "conflict")
        let status = try await s.call("PATCH", "/api/v1/contracts/\(id)", token: m, json: ["status": "active"])
        #expect(status.status == 422)
        #expect(status.json["field"] as? String == "status")
        let empty = try await s.call("PATCH", "/api/v1/contracts/\(id)", token: m, json: [String: Any]())
        #expect(empty.status == 422)
        let badVersion = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "X", "version": "one"])
        #expect(badVersion.status == 422)
        #expect(badVersion.json["field"] as? String == "version")
        let viewer = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: try s.token(Self.viewer), json: ["title": "X"])
        #expect(viewer.status == 403)
        let missing = try await s.call(
            "PATCH", "/api/v1/contracts/00000000-0000-0000-0000-000000000000", token: m, json: ["title": "X"])
        #expect(missing.status == 404)
        let text = try await s.raw(
            "PATCH", "/api/v1/contracts/\(id)", token: m, body: Array("title".utf8), contentType: "text/plain")
        #expect(text.status == 415)
        // A read-only (terminated) contract: 400.
        #expect(try await s.transition(m, id, "terminate", reason: "Client withdrew").status == 200)
        let readOnly = try await s.call("PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "After the end"])
        #expect(readOnly.status == 400, "\(readOnly.text)")
        #expect(readOnly.json["error"] as? String == "bad_state")
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test func transitionsThroughTheLifecycle() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let legal = try s.token(Self.legal)
        let c = try await s.createContract(m, extra: ["end_date": "2099-12-31"])
        let id = c["id"] as? String ?? ""

        // 422s: no action, unknown action, terminate/request_changes without reason.
        let noAction = try await s.call("POST", "/api/v1/contracts/\(id)/transitions", token: m, json: [String: Any]())
        #expect(noAction.status == 422)
        #expect(noAction.json["field"] as? String == "action")
        let unknown = try await s.transition(m, id, "teleport")
        #expect(unknown.status == 422)
        #expect(unknown.json["field"] as? String == "action")
        let noReason = try await s.transition(m, id, "terminate")
        #expect(noReason.status == 422)
        #expect(noReason.json["field"] as? String == "reason")
        let blankReason = try await s.transition(m, id, "terminate", reason: "   ")
        #expect(blankReason.status == 422)
        #expect(blankReason.json["field"] as? String == "reason")
        // 400: activate before finalize (not a legal move from draft either way).
        let early = try await s.transition(legal, id, "activate")
        #expect([400, 409].contains(early.status), "\(early.text)")
        // 409: a stale version; complete from draft is illegal.
        let stale = try await s.transition(m, id, "submit", version: 7)
        #expect(stale.status == 409)
        let illegal = try await s.transition(legal, id, "complete")
        #expect(illegal.status == 409)
        #expect(illegal.json["error"] as? String == "conflict")
        // Roles: the manager may not activate, the legal reviewer may not submit.
        #expect(try await s.transition(m, id, "activate").status == 403)
        #expect(try await s.transition(legal, id, "submit").status == 403)

        let before = try await s.commitCount()
        let submit = try await s.transition(m, id, "submit")
        #expect(submit.status == 200, "\(submit.text)")
        #expect(submit.json["status"] as? String == "pending_review")
        let t = submit.json["transition"] as? [String: Any] ?? [:]
        #expect(t["from"] as? String == "draft")
        #expect(t["to"] as? String == "pending_review")
        #expect(t["event"] as? String == "contract.submitted")
        let back = try await s.transition(legal, id, "request_changes", reason: "Add a liability cap")
        #expect(back.status == 200, "\(back.text)")
        #expect(back.json["status"] as? String == "draft")
        #expect(try await s.transition(m, id, "submit").status == 200)
        // Activate without finalize: 400 (content not final).
        let notFinal = try await s.transition(legal, id, "activate")
        #expect(notFinal.status == 400, "\(notFinal.text)")
        #expect(notFinal.json["error"] as? String == "bad_state")
        let finalize = try await s.transition(m, id, "finalize")
        #expect(finalize.status == 200, "\(finalize.text)")
        #expect(finalize.json["status"] as? String == "pending_review")
        let activate = try await s.transition(legal, id, "activate")
        #expect(activate.status == 200, "\(activate.text)")
        #expect(activate.json["status"] as? String == "active")
        // Active: metadata edits refused (400), expire before the end date is a 409.
        let edit = try await s.call(
            "PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Edited while active"])
        #expect(edit.status == 400, "\(edit.text)")
        let expireEarly = try await s.transition(legal, id, "expire")
        #expect(expireEarly.status == 409, "\(expireEarly.text)")
        #expect(expireEarly.json["field"] as? String == "end_date")
        let complete = try await s.transition(legal, id, "complete")
        #expect(complete.status == 200, "\(complete.text)")
        #expect(complete.json["status"] as? String == "completed")
        // Completed is read-only: a further transition is refused.
        let again = try await s.transition(m, id, "terminate", reason: "Too late")
        #expect(again.status == 409, "\(again.text)")
        // Six successful transitions, six commits, each authored by its caller with a trailer.
        #expect(try await s.commitCount() == before + 6)
        let log = try await s.git(["log", "-6", "--format=%ae %s"])
        #expect(log.contains(Self.legal) && log.contains(Self.manager), "\(log)")
        let body = try await s.git(["log", "-1", "--format=%B"])
        #expect(body.contains("contract.completed"), "\(body)")

        // Terminate with a reason; expire once the end date has passed (set by a plain git commit).
        let d = try await s.createContract(m, title: "Short Lease", extra: ["end_date": "2099-01-01"])
        let did = d["id"] as? String ?? ""
        let term = try await s.transition(m, did, "terminate", reason: "Client withdrew")
        #expect(term.status == 200, "\(term.text)")
        #expect(term.json["status"] as? String == "terminated")

        let e = try await s.createContract(m, title: "Expiring", extra: ["end_date": "2099-01-01"])
        let eid = e["id"] as? String ?? ""
        #expect(try await s.transition(m, eid, "submit").status == 200)
        #expect(try await s.transition(m, eid, "finalize").status == 200)
        #expect(try await s.transition(legal, eid, "activate").status == 200)
        let path = e["path"] as? String ?? ""
        let file = s.root + "/" + path
        let yaml = try String(contentsOfFile: file, encoding: .utf8)
        try yaml.replacingOccurrences(of: "2099-01-01", with: "2020-01-01").write(
            toFile: file, atomically: true, encoding: .utf8)
        try await s.git(["commit", "-q", "--no-verify", "-am", "Backdate the end (test)"])
        let expire = try await s.transition(legal, eid, "expire")
        #expect(expire.status == 200, "\(expire.text)")
        #expect(expire.json["status"] as? String == "expired")
        #expect(try await s.transition(m, "00000000-0000-0000-0000-000000000000", "submit").status == 404)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test func templatesGenerateAnalyzeAndAI() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let viewer = try s.token(Self.viewer)
        let t = try await s.call("GET", "/api/v1/contracts/templates", token: m)
        #expect(t.status == 200, "\(t.text)")
        let templates = t.json["templates"] as? [[String: Any]] ?? []
        #expect(!templates.isEmpty)
        #expect(t.json["total"] as? Int == templates.count)
        let template =
            templates.first { $0["contract_type"] as? String == "service_agreement" } ?? templates.first ?? [:]
        let tid = template["id"] as? String ?? ""
        let ttype = template["contract_type"] as? String ?? "service_agreement"
        let category = template["category"] as? String ?? ""
        let byCategory = try await s.call(
            "GET",
            "/api/v1/contracts/templates?category=\(category.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
            token: m)
        #expect(byCategory.status == 200)
        #expect(
            (byCategory.json["templates"] as? [[String: Any]])?.allSatisfy { $0["category"] as? String == category }
                == true)
        #expect(try await s.call("GET", "/api/v1/contracts/templates").status == 401)

        // Recommend.
        let rec = try await s.call(
            "POST", "/api/v1/ai/recommend-template", token: m,
            json: ["description": "web design and hosting services for a small business", "top": 2])
        #expect(rec.status == 200, "\(rec.text)")
        let recs = rec.json["recommendations"] as? [[String: Any]] ?? []
        #expect(!recs.isEmpty && recs.count <= 2)
        #expect(recs.first?["template_id"] as? String != nil)
        let noDesc = try await s.call("POST", "/api/v1/ai/recommend-template", token: m, json: [String: Any]())
        #expect(noDesc.status == 422)
        #expect(noDesc.json["field"] as? String == "description")
        let shortDesc = try await s.call("POST", "/api/v1/ai/recommend-template", token: m, json: ["description": "ab"])
        #expect(shortDesc.status == 422)
        #expect(shortDesc.json["field"] as? String == "description")
        let badTop = try await s.call(
            "POST", "/api/v1/ai/recommend-template", token: m, json: ["description": "web design services", "top": 50])
        #expect(badTop.status == 422)
        #expect(badTop.json["field"] as? String == "top")
        let recText = try await s.raw(
            "POST", "/api/v1/ai/recommend-template", token: m, body: Array("web".utf8), contentType: "text/plain")
        #expect(recText.status == 415)

        // Generate (local provider) and analyze.
        let c = try await s.createContract(
            m, title: "Website Build", type: ttype, extra: ["template_id": tid, "end_date": "2099-12-31"])
        let id = c["id"] as? String ?? ""
        let before = try await s.commitCount()
        let gen = try await s.call("POST", "/api/v1/contracts/\(id)/generate", token: m, json: ["provider": "local"])
        #expect(gen.status == 200, "\(gen.text)")
        let g = gen.json["generation"] as? [String: Any] ?? [:]
        #expect(g["provider"] as? String == "local")
        #expect(g["template_id"] as? String == tid)
        #expect(gen.json["commit"] as? String != nil)
        #expect(try await s.commitCount() == before + 1)
        let content = try await s.call("GET", "/api/v1/contracts/\(id)/content", token: m)
        #expect(content.text.count > 500)
        let again = try await s.call("POST", "/api/v1/contracts/\(id)/generate", token: m, json: ["provider": "local"])
        #expect(again.status == 400, "\(again.text)")
        let regen = try await s.call(
            "POST", "/api/v1/contracts/\(id)/generate", token: m, json: ["provider": "local", "regenerate": true])
        #expect(regen.status == 200, "\(regen.text)")
        let badProvider = try await s.call(
            "POST", "/api/v1/contracts/\(id)/generate", token: m, json: ["provider": "oracle"])
        #expect(badProvider.status == 422)
        #expect(badProvider.json["field"] as? String == "provider")
        let badFlag = try await s.call(
            "POST", "/api/v1/contracts/\(id)/generate", token: m, json: ["regenerate": "yes"])
        #expect(badFlag.status == 422)
        #expect(badFlag.json["field"] as? String == "regenerate")
        #expect(
            try await s.call("POST", "/api/v1/contracts/\(id)/generate", token: viewer, json: ["provider": "local"])
                .status == 403)
        #expect(
            try await s.call(
                "POST", "/api/v1/contracts/00000000-0000-0000-0000-000000000000/generate", token: m,
                json: ["provider": "local"]
            ).status == 404)
        let plain = try await s.createContract(m, title: "No Template")
        let noTemplate = try await s.call(
            "POST", "/api/v1/contracts/\(plain["id"] as? String ?? "")/generate", token: m, json: ["provider": "local"])
        // Without a template the recommender's best of the type is used, said and recorded (#14).
        #expect(noTemplate.status == 200, "\(noTemplate.text)")
        let chosen = noTemplate.json["generation"] as? [String: Any] ?? [:]
        #expect((chosen["template_id"] as? String)?.hasPrefix("template-") == true)
        #expect(
            (chosen["template_choice"] as? String)?.hasPrefix("chose \(chosen["template_id"] as? String ?? "?")")
                == true)

        let an = try await s.call("POST", "/api/v1/contracts/\(id)/analyze", token: m, json: [String: Any]())
        #expect(an.status == 200, "\(an.text)")
        let analysis = an.json["analysis"] as? [String: Any] ?? [:]
        #expect(analysis["overall_score"] as? Double != nil)
        #expect(analysis["risk_level"] as? String != nil)
        #expect(an.json["recorded"] as? Bool != nil)
        let forced = try await s.call(
            "POST", "/api/v1/contracts/\(id)/analyze", token: try s.token(Self.legal), json: ["force_reanalysis": true])
        #expect(forced.status == 200, "\(forced.text)")
        #expect(
            try await s.call("POST", "/api/v1/contracts/\(id)/analyze", token: viewer, json: [String: Any]()).status
                == 403)
        #expect(
            try await s.call(
                "POST", "/api/v1/contracts/00000000-0000-0000-0000-000000000000/analyze", token: m,
                json: [String: Any]()
            ).status == 404)

        // Ad-hoc analysis.
        let text = content.text
        let adhoc = try await s.call(
            "POST", "/api/v1/ai/analyze-contract", token: m, json: ["text": text, "contract_type": ttype])
        #expect(adhoc.status == 200, "\(adhoc.text)")
        #expect(adhoc.json["overall_score"] as? Double != nil)
        let noText = try await s.call("POST", "/api/v1/ai/analyze-contract", token: m, json: ["contract_type": "nda"])
        #expect(noText.status == 422)
        #expect(noText.json["field"] as? String == "text")
        let blank = try await s.call(
            "POST", "/api/v1/ai/analyze-contract", token: m, json: ["text": "   ", "contract_type": "nda"])
        #expect(blank.status == 422)
        #expect(blank.json["field"] as? String == "text")
        let badType = try await s.call(
            "POST", "/api/v1/ai/analyze-contract", token: m, json: ["text": "Some text", "contract_type": "handshake"])
        #expect(badType.status == 422)
        #expect(badType.json["field"] as? String == "contract_type")
        #expect(
            try await s.call(
                "POST", "/api/v1/ai/analyze-contract", token: viewer, json: ["text": "x", "contract_type": "nda"]
            ).status == 403)

        // AI health.
        let health = try await s.call("GET", "/api/v1/ai/health", token: viewer)
        #expect(health.status == 200)
        #expect(health.json["local_provider"] as? Bool == true)
        #expect(health.json["ai_configured"] as? Bool != nil)
        #expect(try await s.call("GET", "/api/v1/ai/health").status == 401)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test func auditAndSecurityEvents() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let a = try await s.createContract(m, title: "Audited")
        let id = a["id"] as? String ?? ""
        _ = try await s.createContract(m, title: "Second")
        #expect(try await s.transition(m, id, "submit").status == 200)
        let other = try s.token(Self.otherManager)
        _ = try await s.createContract(other, title: "Ancoats Lease", type: "lease")

        let all = try await s.call("GET", "/api/v1/audit", token: m)
        #expect(all.status == 200, "\(all.text)")
        let events = all.json["events"] as? [[String: Any]] ?? []
        #expect(all.json["total"] as? Int == 3, "\(all.text)")
        #expect(events.allSatisfy { $0["company"] as? String == "brickline" })
        #expect(
            events.contains { $0["event"] as? String == "contract.submitted" && $0["contract_id"] as? String == id })
        let filtered = try await s.call("GET", "/api/v1/audit?contract=\(id)", token: m)
        let fe = filtered.json["events"] as? [[String: Any]] ?? []
        #expect(fe.count == 2)
        #expect(fe.allSatisfy { $0["contract_id"] as? String == id })
        let byEvent = try await s.call("GET", "/api/v1/audit?event=contract.submitted", token: m)
        #expect(byEvent.json["total"] as? Int == 1)
        let byActor = try await s.call("GET", "/api/v1/audit?actor=\(Self.manager)", token: m)
        #expect(byActor.json["total"] as? Int == 3)
        let page = try await s.call("GET", "/api/v1/audit?size=1&page=2", token: m)
        #expect((page.json["events"] as? [Any])?.count == 1)
        #expect(page.json["pages"] as? Int == 3)
        #expect(page.json["page"] as? Int == 2)
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        #expect(try await s.call("GET", "/api/v1/audit?since=\(today)", token: m).json["total"] as? Int == 3)
        #expect(try await s.call("GET", "/api/v1/audit?until=2000-01-01", token: m).json["total"] as? Int == 0)
        let badDate = try await s.call("GET", "/api/v1/audit?since=yesterday", token: m)
        #expect(badDate.status == 422)
        #expect(badDate.json["field"] as? String == "since")
        // Company-scoped: Ancoats sees only its own; the admin sees everything.
        let theirs = try await s.call("GET", "/api/v1/audit", token: other)
        #expect(theirs.json["total"] as? Int == 1)
        #expect(
            (theirs.json["events"] as? [[String: Any]])?.allSatisfy { $0["company"] as? String == "ancoats" } == true)
        // Issue #11: a company admin sees their company's trail; only an operator sees every company's.
        let adminView = try await s.call("GET", "/api/v1/audit", token: try s.token(Self.admin))
        #expect(adminView.json["total"] as? Int == 3)
        let operatorView = try await s.call("GET", "/api/v1/audit", token: try s.token(LiveServer.operatorEmail))
        #expect(operatorView.json["total"] as? Int == 4)
        #expect(try await s.call("GET", "/api/v1/audit").status == 401)

        // Security events: admins only.
        for who in [Self.manager, Self.legal, Self.viewer] {
            let r = try await s.call("GET", "/api/v1/security/events", token: try s.token(who))
            #expect(r.status == 403, "\(who)")
            #expect(r.json["error"] as? String == "forbidden")
        }
        let sec = try await s.call("GET", "/api/v1/security/events?size=2", token: try s.token(Self.admin))
        #expect(sec.status == 200)
        #expect((sec.json["events"] as? [Any])?.count == 2)
        #expect((sec.json["total"] as? Int ?? 0) >= 3, "the three denials above are events")
        let kinds = try await s.securityEvents().compactMap { $0["kind"] as? String }
        #expect(kinds.contains("permission_denied"))
    }
}
