import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #17: the analytics routes give the library's (and so the CLI's) figures, for the caller's
/// company only; bad parameters are 422s that name the parameter and the allowed values.
@Suite("Analytics API: the same figures as the CLI, scoped to the caller's company")
struct ServerAnalyticsTests {
    static func seed(_ s: LiveServer) async throws -> (brickline: String, ancoats: String, op: String) {
        let b = try s.token("manager@brickline.co.uk")
        let a = try s.token("manager@ancoats.co.uk")
        for (i, amount) in ["1000.00", "2500.50", "0.01"].enumerated() {
            try await s.createContract(
                b, title: "Brickline \(i)", extra: ["contract_value": ["amount": amount, "currency": "GBP"]])
        }
        try await s.createContract(
            a, title: "Ancoats", extra: ["contract_value": ["amount": "700.00", "currency": "EUR"]])
        return (b, a, try s.token(LiveServer.operatorEmail))
    }

    @Test("business: each company sees its own figures; the operator sees every company's; JSON equals the CLI's")
    func business() async throws {
        let s = try await LiveServer()
        let t = try await Self.seed(s)
        let mine = try await s.call("GET", "/api/v1/analytics/business", token: t.brickline)
        #expect(mine.status == 200)
        #expect(mine.json["total_contracts"] as? Int == 3)
        #expect(mine.json["company"] as? String == "brickline")
        let values = mine.json["value_by_currency"] as? [[String: Any]] ?? []
        #expect(values.count == 1)
        #expect(values.first?["total_value"] as? String == "3500.51")
        #expect(values.first?["average_value"] as? String == "1166.84")
        let theirs = try await s.call("GET", "/api/v1/analytics/business", token: t.ancoats)
        #expect(theirs.json["total_contracts"] as? Int == 1)
        let all = try await s.call("GET", "/api/v1/analytics/business", token: t.op)
        #expect(all.json["total_contracts"] as? Int == 4)
        #expect((all.json["value_by_currency"] as? [[String: Any]])?.count == 2)

        // Another company's figures: 404 and a critical event, as for its contracts.
        let cross = try await s.call("GET", "/api/v1/analytics/business?company=ancoats", token: t.brickline)
        #expect(cross.status == 404)
        let events = try await s.securityEvents()
        #expect(events.contains { $0["kind"] as? String == "cross_company_access" })
        let opOne = try await s.call("GET", "/api/v1/analytics/business?company=ancoats", token: t.op)
        #expect(opOne.json["total_contracts"] as? Int == 1)

        // The CLI prints the same JSON for the same scope.
        let cli = try await s.pactoria(["analytics", "business", "--company", "brickline", "--json"])
        #expect(cli.status == 0, "\(cli)")
        let cliJSON = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any]
        #expect(NSDictionary(dictionary: cliJSON ?? [:]).isEqual(to: mine.json))

        // The figures are reused while nothing changed, and never after a change.
        let again = try await s.call("GET", "/api/v1/analytics/business", token: t.brickline)
        #expect(NSDictionary(dictionary: again.json).isEqual(to: mine.json))
        try await s.createContract(
            t.brickline, title: "Brickline 3", extra: ["contract_value": ["amount": "1.00", "currency": "USD"]])
        let after = try await s.call("GET", "/api/v1/analytics/business", token: t.brickline)
        #expect(after.json["total_contracts"] as? Int == 4)
        #expect((after.json["value_by_currency"] as? [[String: Any]])?.count == 2)
        let allAfter = try await s.call("GET", "/api/v1/analytics/business", token: t.op)
        #expect(allAfter.json["total_contracts"] as? Int == 5)

        let none = try await s.call("GET", "/api/v1/analytics/business")
        #expect(none.status == 401)
    }

    @Test("bad parameters: 422 naming the parameter and what is allowed")
    func badInput() async throws {
        let s = try await LiveServer()
        let t = try await Self.seed(s)
        let cases: [(String, String, String)] = [
            ("/api/v1/analytics/time-series/contracts_deleted", "metric", "contracts_created"),
            ("/api/v1/analytics/time-series/contracts_created?days=6", "days", "between 7 and 365"),
            ("/api/v1/analytics/time-series/contracts_created?days=366", "days", "between 7 and 365"),
            ("/api/v1/analytics/time-series/contracts_created?days=-5", "days", "between 7 and 365"),
            ("/api/v1/analytics/time-series/contracts_created?days=99999999999999999999", "days", "whole number"),
            ("/api/v1/analytics/time-series/contracts_created?period=hourly", "period", "daily, weekly, monthly"),
            ("/api/v1/analytics/business?as_of=2026-02-30", "as_of", "YYYY-MM-DD"),
            ("/api/v1/analytics/business?as_of=1999-01-01", "as_of", "before the first commit"),
            ("/api/v1/analytics/compliance?as_of=yesterday", "as_of", "YYYY-MM-DD"),
            ("/api/v1/contracts?as_of=1999-01-01", "as_of", "before the first commit"),
        ]
        for (path, field, words) in cases {
            let r = try await s.call("GET", path, token: t.brickline)
            #expect(r.status == 422, "\(path): \(r.status) \(r.text)")
            #expect(r.text.contains(field), "\(path): \(r.text)")
            #expect(r.text.contains(words), "\(path): \(r.text)")
            #expect(!r.text.contains("--"), "API errors never name CLI flags: \(r.text)")
        }
    }

    @Test("time series and compliance answer for the caller's company, from the history")
    func seriesAndCompliance() async throws {
        let s = try await LiveServer()
        let t = try await Self.seed(s)
        let series = try await s.call(
            "GET", "/api/v1/analytics/time-series/contracts_created?period=weekly&days=14", token: t.brickline)
        #expect(series.status == 200, "\(series.text)")
        let points = series.json["points"] as? [[String: Any]] ?? []
        #expect(points.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 3)
        let value = try await s.call(
            "GET", "/api/v1/analytics/time-series/contract_value?days=7", token: t.ancoats)
        let amounts = (value.json["points"] as? [[String: Any]] ?? []).flatMap {
            ($0["value_by_currency"] as? [[String: Any]] ?? []).compactMap { $0["amount"] as? String }
        }
        #expect(amounts == ["700.00"])
        let compliance = try await s.call("GET", "/api/v1/analytics/compliance", token: t.brickline)
        #expect(compliance.status == 200)
        #expect(compliance.json["never_analysed"] as? Int == 3)
        let listed = try await s.call("GET", "/api/v1/contracts?as_of=2999-01-01", token: t.brickline)
        #expect(listed.status == 200)
        #expect(listed.json["total"] as? Int == 3)
    }
}
