import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Contracts as summaries, made in the test: the report is computed from a snapshot of these.
enum ReportFixture {
    static let today = CalendarDate(year: 2026, month: 12, day: 1)!

    static func summary(
        _ stem: String, title: String? = nil, status: ContractStatus = .active, amount: String? = nil,
        currency: String = "GBP", end: String? = nil, created: String? = nil, activated: String? = nil,
        compliance: ContractFacts.Compliance? = nil, company: String = "acme"
    ) -> ContractSummary {
        let contract = Contract(
            id: "id-\(stem)", title: title ?? "Contract \(stem)", contractType: "nda", status: status.rawValue,
            value: amount.map { ContractValue(amount: $0, currency: currency) }, endDate: end, createdAt: created)
        return ContractSummary(
            ref: ContractRef(company: company, stem: stem), contract: contract,
            facts: ContractFacts(createdAt: created, activatedAt: activated, compliance: compliance))
    }

    static func html(_ contracts: [ContractSummary], queue: AnalyticsTable? = nil) -> (ReportData, String) {
        var data = ReportData(
            snapshot: AnalyticsSnapshot(contracts: contracts, company: "acme", today: today), content: [:],
            generatedAt: Timestamp(secondsSinceEpoch: Int64(today.daysSinceEpoch) * 86_400))
        data.queue = queue
        return (data, ContractReport.html(data))
    }

    /// The `<svg class="chart" …>…</svg>` elements of a page, each as text.
    static func charts(_ html: String) -> [String] {
        html.components(separatedBy: "<svg ").dropFirst().map {
            "<svg " + ($0.components(separatedBy: "</svg>").first ?? "")
        }
    }

    static func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }
}

@Suite("Report HTML")
struct ReportHTMLTests {
    typealias F = ReportFixture

    @Test("escaping: & < > \" ' as entities, control characters as U+FFFD, line breaks kept as text")
    func escaping() {
        #expect(HTMLWriter.escape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &#39; f")
        #expect(HTMLWriter.escape("x\u{0}y\u{7}z\u{85}") == "x\u{FFFD}y\u{FFFD}z\u{FFFD}")
        #expect(HTMLWriter.escape("l1\r\nl2\tl3\u{2028}") == "l1\r\nl2\tl3\u{2028}")
        #expect(HTMLWriter.label("a\r\nb\u{2028}c") == "a b c")
        #expect(
            HTMLWriter.label(String(repeating: "é", count: 100), limit: 10) == String(repeating: "é", count: 10) + "…")
        var w = HTMLWriter()
        w.element("p", [("title", "\"><script>x</script>"), ("class", nil)], text: "<b>")
        #expect(w.output == "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">&lt;b&gt;</p>")
    }

    @Test("hostile titles are text only: no script, no injected element or attribute, no NUL; 1 MB is cut")
    func hostileTitles() throws {
        let hostile = [
            "</script><script>alert(1)</script>", "\"><svg onload=alert(2)>", "line\r\nbreak\u{2028}sep\u{0}nul",
            "' onmouseover='alert(3)", String(repeating: "A", count: 1 << 20),
        ]
        let contracts = hostile.enumerated().map { i, t in
            F.summary(
                "c\(i)", title: t, amount: "100.00", end: "2027-0\(i + 1)-15", created: "2026-11-0\(i + 1)T10:00:00Z")
        }
        let queue = AnalyticsTable(columns: ["contract", "reason"], rows: hostile.map { [$0, "<i>why</i>"] })
        let (data, html) = F.html(contracts, queue: queue)
        #expect(data.timeline.count == hostile.count)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<svg onload"))
        #expect(!html.contains("onmouseover='"))
        #expect(!html.contains("\u{0}"))
        #expect(!html.contains("<i>"))
        #expect(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;svg onload=alert(2)&gt;"))
        #expect(html.contains("&#39; onmouseover=&#39;alert(3)"))
        // The megabyte title is shortened wherever it is shown.
        #expect(html.utf8.count < 100_000, "\(html.utf8.count) bytes")
        // Every tag in the page is one the report writes.
        let allowed: Set<String> = [
            "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section", "table",
            "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "svg", "g", "rect", "line", "text", "circle",
            "path",
        ]
        var tags: Set<String> = []
        for piece in html.components(separatedBy: "<").dropFirst() {
            let name = piece.prefix { $0.isLetter || $0.isNumber }
            if !name.isEmpty { tags.insert(String(name)) }
        }
        #expect(tags.subtracting(allowed).isEmpty, "\(tags.subtracting(allowed))")
    }

    @Test("one self-contained file: no URL, no import, no script; charset, CSP meta, A4 print rules")
    func selfContained() {
        let (_, html) = F.html([F.summary("a", amount: "1.00", end: "2027-01-01", created: "2026-10-01T00:00:00Z")])
        for banned in ["http:", "https:", "src=", "href=", "@import", "url(", "<script", "//"] {
            #expect(!html.contains(banned), "\(banned)")
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(
            html.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:\">"
            ))
        #expect(html.contains("@page { size: A4;"))
        #expect(html.contains("@media print"))
        #expect(html.contains("break-before: page"))
        #expect(html.contains("tr, figure, svg { break-inside: avoid"))
    }

    @Test("every chart is an accessible image with a title; an empty workspace draws No data, never marks")
    func emptyAndAccessible() {
        let (_, empty) = F.html([])
        let charts = F.charts(empty)
        #expect(charts.count == 5)  // value by status, monthly, compliance by area, risk, timeline
        for c in charts {
            #expect(c.contains("role=\"img\""))
            #expect(c.contains("aria-label=\""))
            #expect(c.contains("<title>"))
            #expect(c.contains(">No data</text>"), "\(c)")
            #expect(!c.contains("class=\"mark\""))
        }
        #expect(empty.contains("The queue is not available."))
    }

    @Test("figures come from the contracts: money per currency exact (past 2^53 pence), risk, months, timeline")
    func figures() throws {
        let max = "999999999999999.99"  // the largest amount a file holds; two exceed 2^53 pence
        let scored = ContractFacts.Compliance(
            overall: 0.8, scores: [("gdpr", 0.5), ("commercial_terms", 0.9)], risk: 8,
            analyzedAt: "2026-11-01T00:00:00Z")
        let contracts = [
            F.summary(
                "a", amount: max, end: "2027-03-01", created: "2026-11-02T09:00:00Z", activated: "2026-11-20T09:00:00Z",
                compliance: scored),
            F.summary("b", amount: max, end: "2028-03-01", created: "2026-01-10T09:00:00Z"),
            F.summary("c", status: .draft, amount: "10.50", currency: "EUR", created: "2025-12-31T23:00:00Z"),
            F.summary(
                "d", status: .pendingReview, amount: "0.25", currency: "EUR", created: "2024-05-01T00:00:00Z",
                compliance: .init(overall: 0.4, risk: 3)),
            F.summary("e", status: .completed, end: "2026-12-20"),
        ]
        let (data, html) = F.html(contracts)
        // Exact sums per currency, never across.
        let active = try #require(data.valueByStatus.first { $0.status == "active" })
        #expect(active.value["GBP"].amount == "1999999999999999.98")
        #expect(active.value["EUR"].count == 0)
        #expect(data.valueByStatus.first { $0.status == "draft" }?.value["EUR"].amount == "10.50")
        #expect(html.contains(">1999999999999999.98<"))
        #expect(html.contains("GBP 1999999999999999.98"))
        #expect(html.contains("data-chart=\"value-by-status-GBP\""))
        #expect(html.contains("data-chart=\"value-by-status-EUR\""))
        // Risk 8 and 3, once each.
        var risk = Array(repeating: 0, count: 10)
        for c in contracts { if let r = c.facts.compliance?.risk { risk[r - 1] += 1 } }
        #expect(data.riskHistogram == risk)
        // Twelve months up to today's; each contract counted in its month, older ones left out.
        #expect(data.monthly.count == 12)
        #expect(data.monthly.first?.month == "2026-01")
        #expect(data.monthly.last?.month == "2026-12")
        for m in data.monthly {
            let created = contracts.filter { $0.facts.createdAt?.hasPrefix(m.month) == true }.count
            let activated = contracts.filter { $0.facts.activatedAt?.hasPrefix(m.month) == true }.count
            #expect(m.created == created && m.activated == activated, "\(m)")
        }
        #expect(data.monthly.map(\.created).reduce(0, +) == 2)  // a and b; c (2025-12) and d are older
        // Active contracts ending within twelve months only (not b in 2028, not completed e).
        #expect(data.timeline.map(\.ref) == ["acme/a"])
        #expect(data.timeline.first?.kind == "end")
        // Marks: one per non-zero bar, one per scored area, one per timeline entry.
        let charts = F.charts(html)
        func marks(_ name: String) -> Int {
            F.count("class=\"mark\"", in: charts.first { $0.contains("data-chart=\"\(name)\"") } ?? "")
        }
        #expect(marks("value-by-status-GBP") == 1)
        #expect(marks("value-by-status-EUR") == 2)
        #expect(
            marks("monthly") == data.monthly.filter { $0.created > 0 }.count
                + data.monthly.filter { $0.activated > 0 }.count)
        #expect(marks("risk-histogram") == risk.filter { $0 > 0 }.count)
        #expect(marks("compliance-by-area") == data.compliance.averages.filter { $0.average != nil }.count)
        #expect(marks("timeline") == 1)
        // Every mark has hover text.
        #expect(
            F.count("class=\"mark\"", in: html)
                == ["rect", "circle", "path"].map { F.count("</title></\($0)>", in: html) }.reduce(0, +))
    }
}

@Suite("Report server")
struct ReportServerTests {
    @Test("GET /report: signed in only, HTML with no-store and the page's CSP, the caller's company")
    func served() async throws {
        let s = try await LiveServer()
        let anonymous = try await s.call("GET", "/report")
        #expect(anonymous.status == 401)
        let manager = try s.token("manager@brickline.co.uk")
        _ = try await s.createContract(manager)
        let r = try await s.call("GET", "/report", token: manager)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.headers["content-type"] == "text/html; charset=utf-8")
        #expect(r.headers["cache-control"] == "no-store")
        let csp = try #require(r.headers["content-security-policy"])
        #expect(csp.hasPrefix(ContractReport.contentSecurityPolicy))
        #expect(csp.contains("frame-ancestors 'none'"))
        #expect(r.text.contains("Contract report: brickline"))
        #expect(r.text.contains("<td class=\"num\">1</td>"))
        #expect(!r.text.contains("<script"))
        // The same page the library writes for that company.
        let ws = try s.workspace()
        let expected = ContractReport.html(try ReportData.load(ws, company: "brickline", asOf: nil, live: nil))
        #expect(
            r.text.replacingOccurrences(of: #"generated [0-9TZ:-]+"#, with: "", options: .regularExpression)
                == expected.replacingOccurrences(of: #"generated [0-9TZ:-]+"#, with: "", options: .regularExpression))
    }

    @Test("another company's report is a 404 and a critical event; an operator may ask; a bad as_of is a 422")
    func scoping() async throws {
        let s = try await LiveServer()
        let manager = try s.token("manager@brickline.co.uk")
        let other = try await s.call("GET", "/report?company=ancoats", token: manager)
        #expect(other.status == 404)
        let events = try await s.securityEvents()
        #expect(
            events.contains {
                $0["kind"] as? String == "cross_company_access" && ($0["detail"] as? String)?.contains("report") == true
            }, "\(events)")
        let op = try s.token(LiveServer.operatorEmail)
        let r = try await s.call("GET", "/report?company=brickline", token: op)
        #expect(r.status == 200)
        #expect(r.text.contains("Contract report: brickline"))
        let bad = try await s.call("GET", "/report?as_of=2026-13-01", token: manager)
        #expect(bad.status == 422)
        #expect(bad.text.contains("as_of"))
        let today = CalendarDate.today().description
        let asOf = try await s.call("GET", "/report?as_of=\(today)", token: manager)
        #expect(asOf.status == 200, "\(asOf.text)")
        #expect(asOf.text.contains("As of \(today) (commit "))
    }
}
