import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Data-subject requests (issue #16): recorded, committed, listed overdue first, closed; the
/// API is admin-only and company-scoped; a hostile request file is reported, not trusted.
@Suite struct GDPRRequestTests {
    static let dpo = Author(name: "Data Officer", email: "dpo@example.co.uk")

    @Test func requestsAreCommittedListedOverdueFirstAndClosed() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let before = try RulesKit.head(root)
        let late = try DataSubjectRequests.create(
            ws, kind: .access, subject: "jane@example.org", received: CalendarDate("2026-10-01"), author: Self.dpo)
        let fresh = try DataSubjectRequests.create(
            ws, kind: .erasure, subject: "Jane Smith", received: CalendarDate("2026-11-20"),
            company: "brickline-digital", details: "Asked by letter", author: Self.dpo)
        let older = try DataSubjectRequests.create(
            ws, kind: .portability, subject: "jane@example.org", received: CalendarDate("2026-09-01"),
            author: Self.dpo)
        #expect(late.due == CalendarDate("2026-10-31"))
        #expect(late.status == .open)
        #expect(DataSubjectRequests.isValidID(late.id))
        #expect(try RulesKit.head(root) != before)
        let log = try runGit(root, ["log", "-1", "--format=%B"])
        #expect(log.contains("Pactoria-Contract: \(older.id)"))
        #expect(log.contains("Pactoria-Event: gdpr.request_opened"))
        #expect(!log.contains("jane@example.org"), "the trailer names the request, never the subject")
        #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)

        let today = CalendarDate("2026-12-01")!
        let listed = DataSubjectRequests.list(ws, today: today)
        #expect(listed.problems.isEmpty)
        #expect(listed.requests.map(\.id) == [older.id, late.id, fresh.id])
        #expect(
            DataSubjectRequests.list(ws, company: "brickline-digital", today: today).requests.map(\.id) == [fresh.id])

        let closed = try DataSubjectRequests.close(
            ws, id: older.id, status: .completed, outcome: "Export sent by email", author: Self.dpo)
        #expect(closed.status == .completed)
        // Closed, it is no longer overdue: by due date among the rest.
        #expect(DataSubjectRequests.list(ws, today: today).requests.map(\.id) == [late.id, older.id, fresh.id])
        #expect(throws: WorkspaceError.self) {
            try DataSubjectRequests.close(ws, id: older.id, status: .refused, outcome: "Again", author: Self.dpo)
        }
        #expect(throws: WorkspaceError.self) {
            try DataSubjectRequests.close(ws, id: "../../config", status: .refused, outcome: "x", author: Self.dpo)
        }
        #expect(throws: WorkspaceError.self) {
            try DataSubjectRequests.create(ws, kind: .access, subject: "x\u{0}y@example.org", author: Self.dpo)
        }
        #expect(throws: WorkspaceError.self) {
            try DataSubjectRequests.create(
                ws, kind: .access, subject: "jane@example.org", received: CalendarDate("2099-01-01"), author: Self.dpo)
        }

        // The CLI lists the same order, overdue marked.
        let run = try RulesKit.pactoria(root, ["gdpr", "requests"])
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[1].contains(late.id) && lines[1].contains("OVERDUE"))
        let json = try RulesKit.pactoria(root, ["gdpr", "requests", "--json"])
        let array = (try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(array.first?["id"] as? String == late.id)
        #expect(array.first?["overdue"] as? Bool == true)
        #expect(array.first?["type"] as? String == "access")
    }

    @Test func aHostileRequestFileIsReportedNotTrusted() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let dir = root + "/" + DataSubjectRequests.directory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            (
                "dsr-20260101-aaaaaa",
                "id: dsr-20260101-aaaaaa\ntype: hack\nsubject: jane@example.org\nreceived: 2026-01-01\ndue: 2026-01-31\nstatus: open\n"
            ),
            (
                "dsr-20260101-bbbbbb",
                "id: dsr-20260101-bbbbbb\ntype: access\nsubject: jane@example.org\nreceived: 2026-01-01\ndue: 2099-01-31\nstatus: open\n"
            ),
            (
                "dsr-20260101-cccccc",
                "id: ../../etc\ntype: access\nsubject: jane@example.org\nreceived: 2026-01-01\ndue: 2026-01-31\nstatus: open\n"
            ),
            ("dsr-20260101-dddddd", "[1, 2, 3]\n"),
            (
                "dsr-20260101-eeeeee",
                "id: dsr-20260101-eeeeee\ntype: access\nsubject: \"ab\"\nreceived: 2026-01-01\ndue: 2026-01-31\nstatus: open\n"
            ),
            (
                "dsr-20260101-ffffff",
                "id: dsr-20260101-ffffff\ntype: access\nsubject: jane@example.org\nreceived: 99999999999999999999-01-01\ndue: 2026-01-31\nstatus: completed\n"
            ),
        ]
        for (id, text) in cases { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(id).yaml")) }
        let listed = DataSubjectRequests.list(ws, today: CalendarDate("2026-12-01")!)
        #expect(listed.requests.isEmpty)
        #expect(listed.problems.count == cases.count, "\(listed.problems)")
        #expect(listed.problems.contains { $0.field == "type" })
        #expect(listed.problems.contains { $0.field == "due" })
        #expect(listed.problems.contains { $0.field == "id" })
        #expect(listed.problems.contains { $0.field == "subject" })
        let run = try RulesKit.pactoria(root, ["gdpr", "requests"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("dsr-20260101-aaaaaa.yaml"))
    }

    @Test func theAPIIsAdminOnlyAndCompanyScoped() async throws {
        let s = try await LiveServer(.live)
        let path = "/api/v1/security/gdpr/data-request"
        let admin = try s.token("admin@example.co.uk")  // brickline
        let body: [String: Any] = ["request_type": "access", "subject": "jane@example.org", "details": "By email"]
        for email in ["manager@brickline.co.uk", "legal@brickline.co.uk", "viewer@brickline.co.uk"] {
            let token = try s.token(email)
            #expect(try await s.call("POST", path, token: token, json: body).status == 403)
            #expect(try await s.call("GET", path, token: token).status == 403)
        }
        #expect(try await s.call("GET", path).status == 401)

        let made = try await s.call("POST", path, token: admin, json: body)
        #expect(made.status == 201, "\(made.text)")
        #expect(made.json["company"] as? String == "brickline")
        #expect(made.json["status"] as? String == "open")
        #expect(made.json["request_type"] as? String == "access")

        let bad = try await s.call(
            "POST", path, token: admin, json: ["request_type": "delete", "subject": "jane@example.org"])
        #expect(bad.status == 422)
        #expect(bad.text.contains("request_type"))
        let long = try await s.call(
            "POST", path, token: admin, json: ["request_type": "access", "subject": String(repeating: "a", count: 321)])
        #expect(long.status == 422)
        let control = try await s.call(
            "POST", path, token: admin, json: ["request_type": "access", "subject": "ja\u{7}ne"])
        #expect(control.status == 422)
        let other = try await s.call(
            "POST", path, token: admin,
            json: ["request_type": "access", "subject": "jane@example.org", "company": "ancoats"])
        #expect(other.status == 404)

        // The operator (an Ancoats admin) records one for Ancoats; Brickline's admin never sees it.
        let op = try s.token(LiveServer.operatorEmail)
        #expect(try await s.call("POST", path, token: op, json: body).status == 201)
        let mine = try await s.call("GET", path, token: admin)
        #expect(mine.status == 200)
        #expect(mine.json["total"] as? Int == 1, "\(mine.text)")
        #expect(try await s.call("GET", path + "?company=ancoats", token: admin).status == 404)
        let all = try await s.call("GET", path, token: op)
        #expect(all.json["total"] as? Int == 2, "\(all.text)")
    }
}
