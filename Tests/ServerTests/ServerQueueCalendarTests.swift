import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaServer
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// `GET /api/v1/queue` and `GET /api/v1/calendar.ics`: the library's queue and feed, scoped by
/// company like the contracts list, with bad parameters named.
@Suite("Queue and Calendar API", .serialized)
struct ServerQueueCalendarTests {
    static let admin = "admin@example.co.uk"  // brickline
    static let ancoats = "manager@ancoats.co.uk"

    /// Contracts in both companies, dated from today (the server's date).
    static func seed(_ s: LiveServer) throws {
        let today = CalendarDate.today()
        func put(_ company: String, _ stem: String, id: Int, status: String, end: Int?, renewal: [String] = []) throws {
            let dir = s.root + "/companies/\(company)/contracts"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var lines = [
                "id: 00000000-0000-4000-8000-\(String(format: "%012d", id))", "title: \(company) \(stem)",
                "contract_type: service_agreement", "status: \(status)",
            ]
            if let end { lines.append("end_date: \(today.adding(days: end))") }
            lines += renewal
            lines += ["version: 1", "created_at: 2026-01-10T09:00:00Z", "updated_at: 2026-01-10T09:00:00Z"]
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/\(stem).yaml"))
            try Data("# \(stem)\n\n[TO COMPLETE: fee]\n".utf8).write(to: URL(fileURLWithPath: dir + "/\(stem).md"))
        }
        try put("brickline", "ending", id: 1, status: "active", end: 10)
        try put(
            "brickline", "renewing", id: 2, status: "active", end: -40,
            renewal: ["renewal:", "  auto_renew: true", "  renewal_term: 1 month", "  notice_period: 1 week"])
        try put("brickline", "draft", id: 3, status: "draft", end: nil)
        try put("brickline", "done", id: 4, status: "completed", end: 5)
        try put(
            "ancoats", "lease", id: 5, status: "pending_review", end: 400,
            renewal: ["renewal:", "  notice_period: 13 months"])
    }

    static func library(_ s: LiveServer, company: String?, days: Int = 30) throws -> NSDictionary {
        let q = try ReviewQueue.load(try s.workspace(), company: company, today: .today(), days: days)
        return try JSONSerialization.jsonObject(with: try JSONEncoder().encode(q.json)) as! NSDictionary
    }

    @Test func theQueueIsTheLibrarysForTheCallersCompany() async throws {
        let s = try await LiveServer()
        try Self.seed(s)
        let token = try s.token(Self.admin)
        let r = try await s.call("GET", "/api/v1/queue", token: token)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("content-type")?.hasPrefix("application/json") == true)
        #expect(
            NSDictionary(dictionary: r.json).isEqual(
                to: try Self.library(s, company: "brickline") as! [AnyHashable: Any]), "\(r.text)")
        let items = r.json["items"] as? [[String: Any]] ?? []
        #expect(
            Set(items.compactMap { $0["title"] as? String }) == [
                "brickline ending", "brickline renewing", "brickline draft",
            ])
        let wider = try await s.call("GET", "/api/v1/queue?days=365", token: token)
        #expect(
            NSDictionary(dictionary: wider.json).isEqual(
                to: try Self.library(s, company: "brickline", days: 365) as! [AnyHashable: Any]))

        // Operators: every company, or the one asked for.
        let op = try s.token(LiveServer.operatorEmail)
        let all = try await s.call("GET", "/api/v1/queue", token: op)
        #expect(
            NSDictionary(dictionary: all.json).isEqual(to: try Self.library(s, company: nil) as! [AnyHashable: Any]))
        let one = try await s.call("GET", "/api/v1/queue?company=ancoats", token: op)
        #expect(one.json["company"] as? String == "ancoats" && (one.json["total"] as? Int) == 1, "\(one.text)")
        let unknown = try await s.call("GET", "/api/v1/queue?company=nobody", token: op)
        #expect(unknown.status == 404, "\(unknown.text)")
    }

    @Test func anotherCompanyIsNotFoundAndASecurityEvent() async throws {
        let s = try await LiveServer()
        try Self.seed(s)
        let token = try s.token(Self.ancoats)
        for path in ["/api/v1/queue?company=brickline", "/api/v1/calendar.ics?company=brickline"] {
            let r = try await s.call("GET", path, token: token)
            #expect(r.status == 404 && r.json["error"] as? String == "not_found", "\(path): \(r.text)")
            #expect(!r.text.contains("brickline ending"))
        }
        let events = try await s.securityEvents()
        let cross = events.filter { $0["kind"] as? String == "cross_company_access" }
        #expect(cross.count >= 2 && cross.allSatisfy { $0["severity"] as? String == "critical" }, "\(events)")
        for path in ["/api/v1/queue", "/api/v1/calendar.ics"] {
            #expect(try await s.call("GET", path).status == 401)
        }
    }

    @Test func badParametersAreNamedWithTheirRange() async throws {
        let s = try await LiveServer()
        let token = try s.token(Self.admin)
        for days in ["366", "-1", "abc", "99999999999999999999"] {
            let r = try await s.call("GET", "/api/v1/queue?days=\(days)", token: token)
            #expect(r.status == 422, "\(days): \(r.text)")
            #expect(
                r.json["field"] as? String == "days" || (r.json["detail"] as? String)?.hasPrefix("days:") == true,
                "\(r.text)")
            #expect(r.text.contains("0") && r.text.contains("365"), "\(r.text)")
            #expect(!r.text.contains("--days"), "the API never names a CLI flag")
        }
        for date in ["2026-13-01", "tomorrow", "2000-01-01"] {
            let r = try await s.call("GET", "/api/v1/queue?as_of=\(date)", token: token)
            #expect(r.status == 422 && r.text.contains("as_of"), "\(date): \(r.text)")
            let c = try await s.call("GET", "/api/v1/calendar.ics?as_of=\(date)", token: token)
            #expect(c.status == 422, "\(date): \(c.text)")
        }
        // A workspace with no contracts: an empty queue and an empty calendar, not errors.
        let empty = try await s.call("GET", "/api/v1/queue", token: token)
        #expect(empty.status == 200 && empty.json["total"] as? Int == 0, "\(empty.text)")
        let cal = try await s.call("GET", "/api/v1/calendar.ics", token: token)
        #expect(cal.status == 200 && !cal.text.contains("VEVENT"))
        #expect(try ICalendarOracle.parse(cal.body).events.isEmpty)
    }

    @Test func theCalendarIsICalendarForTheCallersCompany() async throws {
        let s = try await LiveServer()
        try Self.seed(s)
        let r = try await s.call("GET", "/api/v1/calendar.ics", token: try s.token(Self.admin))
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("content-type") == "text/calendar; charset=utf-8")
        #expect(ICalendarOracle.lineProblems(r.body) == [])
        #expect(r.body == (try ContractCalendar.load(try s.workspace(), company: "brickline", today: .today()).ics))
        let feed = try ICalendarOracle.parse(r.body)
        let today = CalendarDate.today()
        let id = { (n: Int) in "00000000-0000-4000-8000-\(String(format: "%012d", n))" }
        var expected: [String: String] = ["\(id(1))-end@pactoria": today.adding(days: 10).description]
        let renewal = Renewal.dates(
            end: today.adding(days: -40), terms: .init(autoRenew: true, renewalTerm: "1 month", noticePeriod: "1 week"),
            today: today)
        expected["\(id(2))-renewal@pactoria"] = renewal.renewalDate?.description
        expected["\(id(2))-notice@pactoria"] = renewal.noticeDeadline?.description
        #expect(Dictionary(uniqueKeysWithValues: feed.events.map { ($0.uid, $0.start) }) == expected)
        #expect(feed.events.flatMap(\.alarms).map(\.trigger) == ["-P7D"])

        // The operator's feed holds both companies'; the lease's notice deadline has its alarm.
        let all = try await s.call("GET", "/api/v1/calendar.ics", token: try s.token(LiveServer.operatorEmail))
        let both = try ICalendarOracle.parse(all.body)
        #expect(
            Set(both.events.map(\.uid))
                == Set(expected.keys).union(["\(id(5))-end@pactoria", "\(id(5))-notice@pactoria"]))
        #expect(both.events.flatMap(\.alarms).count == 2)
        #expect(OpenAPIDocument.operations.contains { $0.path == "/api/v1/calendar.ics" && $0.method == "get" })
        #expect(OpenAPIDocument.operations.contains { $0.path == "/api/v1/queue" && $0.method == "get" })
    }
}
