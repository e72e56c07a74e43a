import Foundation
import PactoriaCore
import PactoriaCrypto
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// Contracts with every reason to be in the queue (and some with none), on 1 December 2026.
enum QueueKit {
    typealias K = AnalyticsKit
    static let today = AnalyticsKit.date("2026-12-01")
    static let markdown = "# Terms\n\nThe supplier provides the services.\n"
    static var sha: String { Digest.sha256Hex(Array(markdown.utf8)) }

    static func compliance(
        at: String = "2026-05-01T10:00:00Z", overall: String = "0.9", risk: Int = 2, sha: String = QueueKit.sha
    ) -> [String] {
        [
            "compliance:", "  content_sha256: \(sha)", "  analyzed_at: \(at)", "  overall_score: \(overall)",
            "  risk_score: \(risk)",
        ]
    }

    /// Writes the contracts; returns the workspace.
    static func build() throws -> (root: String, ws: Workspace) {
        let (root, _) = try K.workspace(companies: ["acme", "beta"])
        func put(_ stem: String, _ yaml: String, md: String = markdown, company: String = "acme") throws {
            try K.put(root, company, stem, yaml, markdown: md)
        }
        try put(
            "pending",
            K.yaml(
                id: K.id(1), title: "Pending Review", status: "pending_review", createdAt: "2026-10-01T09:00:00Z",
                updatedAt: "2026-11-01T10:00:00Z",
                tail: compliance()
                    + [
                        "lifecycle:", "  submitted:", "    by: Admin <admin@example.co.uk>",
                        "    at: 2026-11-01T10:00:00Z",
                    ]))
        try put("risky", K.yaml(id: K.id(2), title: "Risky", tail: compliance(at: "2026-06-01T10:00:00Z", risk: 8)))
        try put(
            "low",
            K.yaml(id: K.id(3), title: "Low Score", tail: compliance(at: "2026-07-01T10:00:00Z", overall: "0.62")))
        try put(
            "stale",
            K.yaml(
                id: K.id(4), title: "Stale", updatedAt: "2026-08-01T10:00:00Z",
                tail: compliance(sha: String(repeating: "ab", count: 32))))
        try put(
            "draft",
            K.yaml(
                id: K.id(5), title: "Draft", status: "draft", createdAt: "2026-09-01T09:00:00Z",
                updatedAt: "2026-09-02T09:00:00Z"),
            md: "# Draft\n\nFee: [TO COMPLETE: fee]. Start: [TO COMPLETE: start date].\n")
        try put(
            "renewing",
            K.yaml(
                id: K.id(6), title: "Renewing", end: "2026-01-31",
                renewal: ["renewal:", "  auto_renew: true", "  renewal_term: 1 month", "  notice_period: 2 weeks"],
                tail: compliance()))
        try put("ending", K.yaml(id: K.id(7), title: "Ending", end: "2026-12-20", tail: compliance()))
        for (n, status) in [(8, "completed"), (9, "terminated"), (10, "expired")] {
            try put(
                status, K.yaml(id: K.id(n), title: status.capitalized, status: status, end: "2026-12-05"),
                md: "[TO COMPLETE: x]")
        }
        try put("fine", K.yaml(id: K.id(11), title: "Fine", end: "2028-01-01", tail: compliance()))
        try put("other", K.yaml(id: K.id(12), title: "Other Company", end: "2026-12-02"), company: "beta")
        return (root, try Workspace.open(root: root))
    }
}

@Suite("Queue: what needs attention, oldest first, with every reason")
struct QueueTests {
    typealias K = AnalyticsKit
    typealias Q = QueueKit

    @Test func everyReasonOldestFirstAndOnlyWhereItMatters() throws {
        let (root, ws) = try Q.build()
        defer { K.cleanUp(root) }
        let q = try ReviewQueue.load(ws, company: "acme", today: Q.today)
        let stems = q.items.map(\.summary.ref.stem)
        // By the day the oldest reason started: analysed 1 June, 1 July; updated 1 August;
        // created 1 September; submitted 1 November; the renewal's notice deadline (17 Dec) came
        // into the 30-day window on 17 November, the end (20 Dec) on 20 November.
        #expect(stems == ["risky", "low", "stale", "draft", "pending", "renewing", "ending"], "\(stems)")
        func reasons(_ stem: String) -> [ReviewQueue.Reason] {
            q.items.first { $0.summary.ref.stem == stem }?.reasons ?? []
        }
        #expect(reasons("pending") == [.pendingReview(days: 30)])
        #expect(reasons("risky") == [.highRisk(score: 8)])
        #expect(reasons("low") == [.belowThreshold(score: 0.62, threshold: 0.8)])
        #expect(reasons("stale") == [.analysisStale])
        #expect(reasons("draft") == [.analysisMissing, .placeholders(count: 2)])
        #expect(
            reasons("renewing") == [
                .renewal(date: K.date("2026-12-31"), daysLeft: 30),
                .noticeDeadline(date: K.date("2026-12-17"), daysLeft: 16),
            ])
        #expect(reasons("ending") == [.expiring(date: K.date("2026-12-20"), daysLeft: 19)])
        #expect(q.items.first?.since == K.date("2026-06-01"))

        // A shorter window drops the dates, not the rest.
        let week = try ReviewQueue.load(ws, company: "acme", today: Q.today, days: 7)
        #expect(week.items.map(\.summary.ref.stem) == ["risky", "low", "stale", "draft", "pending"])
        #expect(try ReviewQueue.load(ws, company: "acme", today: Q.today, days: 0).items.count == 5)

        // Every company: the other company's contract ends tomorrow but was never analysed.
        let all = try ReviewQueue.load(ws, today: Q.today)
        let other = try #require(all.items.first { $0.summary.ref.company == "beta" })
        #expect(other.reasons == [.analysisMissing, .expiring(date: K.date("2026-12-02"), daysLeft: 1)])
        #expect(all.items.count == q.items.count + 1)
        #expect(try ReviewQueue.load(ws, company: "beta", today: Q.today).items.count == 1)
    }

    @Test func jsonAndTableCarryTheSameItems() throws {
        let (root, ws) = try Q.build()
        defer { K.cleanUp(root) }
        let q = try ReviewQueue.load(ws, company: "acme", today: Q.today)
        guard case .object(let top) = q.json, case .array(let items)? = top["items"] else {
            Issue.record("not an object with items: \(q.json)")
            return
        }
        #expect(top["days"] == .int(30) && top["compliance_threshold"] == .double(0.8))
        #expect(top["company"] == .string("acme") && top["today"] == .string("2026-12-01") && top["as_of"] == .null)
        #expect(top["total"] == .int(q.items.count) && items.count == q.items.count)
        guard case .object(let first)? = items.first, case .array(let reasons)? = first["reasons"] else {
            Issue.record("no first item")
            return
        }
        #expect(first["path"] == .string("companies/acme/contracts/risky.yaml"))
        #expect(first["since"] == .string("2026-06-01") && first["age_days"] == .int(183))
        #expect(reasons == [["reason": "high_risk", "risk_score": 8]])
        let renewing = items.first {
            if case .object(let o) = $0 { return o["title"] == .string("Renewing") }
            return false
        }
        guard case .object(let r)? = renewing, case .array(let rr)? = r["reasons"] else {
            Issue.record("no renewing item")
            return
        }
        #expect(
            rr == [
                ["reason": "renewal", "date": "2026-12-31", "days_left": 30],
                ["reason": "notice_deadline", "date": "2026-12-17", "days_left": 16],
            ])

        let table = q.table
        #expect(table.columns == ["since", "age_days", "contract", "status", "title", "reasons"])
        #expect(table.rows.map { $0[2] } == q.items.map { $0.summary.ref.description })
        #expect(table.rows.first == ["2026-06-01", "183", "acme/risky", "active", "Risky", "high risk (8/10)"])
        #expect(table.csv.hasPrefix("since,age_days,contract,status,title,reasons\r\n2026-06-01,183,acme/risky,"))
    }

    @Test func theThresholdComesFromTheConfigAndMustBeANumberFromZeroToOne() throws {
        let (root, _) = try Q.build()
        defer { K.cleanUp(root) }
        let config = root + "/" + Workspace.configPath
        let original = try String(contentsOfFile: config, encoding: .utf8)
        func write(_ value: String) throws {
            try Data((original + "analytics:\n  compliance_threshold: \(value)\n").utf8).write(
                to: URL(fileURLWithPath: config))
        }
        try write("0.95")
        let strict = try ReviewQueue.load(try Workspace.open(root: root), company: "acme", today: Q.today)
        #expect(strict.threshold == 0.95)
        #expect(
            strict.items.first { $0.summary.ref.stem == "fine" }?.reasons == [
                .belowThreshold(score: 0.9, threshold: 0.95)
            ])
        try write("0")
        let lax = try ReviewQueue.load(try Workspace.open(root: root), company: "acme", today: Q.today)
        #expect(!lax.items.flatMap(\.reasons).contains { if case .belowThreshold = $0 { true } else { false } })

        for bad in ["high", "1.5", "-0.1", "\"0.8\"", "[0.5]", "1e-1", "nan", "0.8\u{2028}"] {
            try write(bad.contains("\u{2028}") ? "\"\(bad)\"" : bad)
            do {
                _ = try Workspace.open(root: root)
                Issue.record("\(bad) was accepted")
            } catch {
                guard case .invalid(let problems) = error else {
                    Issue.record("\(bad): \(error)")
                    continue
                }
                #expect(problems.map(\.field) == ["analytics.compliance_threshold"], "\(bad): \(problems)")
                #expect(problems.first?.message.contains("from 0 to 1") == true)
            }
        }
    }

    @Test func badInputNamesTheParameterAndAnEmptyWorkspaceHasAnEmptyQueue() throws {
        let (root, ws) = try K.workspace()
        defer { K.cleanUp(root) }
        for days in [-1, 366, Int.max, Int.min] {
            do {
                _ = try ReviewQueue.load(ws, days: days)
                Issue.record("days \(days) accepted")
            } catch {
                guard case .invalidInput(let field, let message) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(field == "days" && message.contains("from 0 to 365"), "\(message)")
            }
        }
        do {
            _ = try ReviewQueue.load(ws, company: "nobody")
            Issue.record("an unknown company gave a queue")
        } catch {
            guard case .notFound = error else {
                Issue.record("\(error)")
                return
            }
        }
        let empty = try ReviewQueue.load(ws, today: Q.today)
        #expect(empty.items.isEmpty && empty.table.rows.isEmpty)
        let cal = try ContractCalendar.load(ws, today: Q.today)
        #expect(cal.events.isEmpty)
        let text = String(decoding: cal.ics, as: UTF8.self)
        #expect(
            text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n") && !text.contains("VEVENT"))
        #expect(try ICalendarOracle.parse(cal.ics).events.isEmpty)
    }
}

@Suite("Calendar feed: events, escaping, folding, alarms, read by a real iCalendar parser")
struct CalendarFeedTests {
    typealias K = AnalyticsKit
    typealias Q = QueueKit

    @Test func eventsOfActiveAndPendingContractsWithStableUIDsAndOneAlarmPerNoticeDeadline() throws {
        let (root, ws) = try Q.build()
        defer { K.cleanUp(root) }
        // A lease with notice of non-continuation, pending.
        try K.put(
            root, "acme", "lease",
            K.yaml(
                id: K.id(20), title: "Lease; Unit 4, Pollard St", status: "pending_review", end: "2030-09-30",
                renewal: ["renewal:", "  notice_period: 6 months"]))
        let cal = try ContractCalendar.load(try Workspace.open(root: root), company: "acme", today: Q.today)
        let bytes = cal.ics
        #expect(ICalendarOracle.lineProblems(bytes) == [])
        let feed = try ICalendarOracle.parse(bytes)
        // Expected, from the contracts: every active or pending one with an end date gives its
        // end (or next renewal) and, with a notice period, its notice deadline.
        let expected: [String: (String, String)] = [
            "\(K.id(1))-end": ("2027-06-30", "Contract ends: Pending Review"),
            "\(K.id(2))-end": ("2027-06-30", "Contract ends: Risky"),
            "\(K.id(3))-end": ("2027-06-30", "Contract ends: Low Score"),
            "\(K.id(4))-end": ("2027-06-30", "Contract ends: Stale"),
            "\(K.id(6))-renewal": ("2026-12-31", "Contract renews: Renewing"),
            "\(K.id(6))-notice": ("2026-12-17", "Last day for notice: Renewing"),
            "\(K.id(7))-end": ("2026-12-20", "Contract ends: Ending"),
            "\(K.id(11))-end": ("2028-01-01", "Contract ends: Fine"),
            "\(K.id(20))-end": ("2030-09-30", "Contract ends: Lease; Unit 4, Pollard St"),
            "\(K.id(20))-notice": ("2030-03-30", "Last day for notice: Lease; Unit 4, Pollard St"),
        ]
        #expect(Set(feed.events.map(\.uid)) == Set(expected.keys.map { $0 + "@pactoria" }))
        #expect(feed.events.count == expected.count, "no duplicate UID")
        for e in feed.events {
            let want = try #require(expected[String(e.uid.dropLast("@pactoria".count))])
            #expect(e.start == want.0 && e.startIsDate, "\(e.uid)")
            #expect(e.end == K.date(want.0).adding(days: 1).description, "\(e.uid)")
            #expect(e.summary == want.1, "\(e.uid)")
            #expect(e.stamp == "20261201T000000Z")
            if e.uid.contains("-notice@") {
                #expect(e.alarms == [.init(action: "DISPLAY", trigger: "-P7D", description: want.1)])
            } else {
                #expect(e.alarms.isEmpty)
            }
        }
        #expect(feed.events.flatMap(\.alarms).count == 2)
        #expect(feed.properties["VERSION"] == "2.0")
        // The same day's feed is the same bytes.
        let again = try ContractCalendar.load(ws, company: "acme", today: Q.today)
        #expect(again.ics == bytes)
    }

    @Test func hostileTitlesAreEscapedFoldedAndCut() throws {
        let (root, ws) = try K.workspace()
        defer { K.cleanUp(root) }
        let titles = [
            "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged@pactoria",
            "Semi;colon, comma\\backslash \"quoted\"",
            "Line\u{2028}separator\u{2029}paragraph\u{85}next",
            "Tab\there escape\u{1B}[31m bell\u{7}del\u{7F}",
            "Ünïcödé ✓ 合同 🎉 " + String(repeating: "é", count: 120),
            String(repeating: "long title ", count: 90_000),  // about 1 MB: within the 1 MiB file limit
        ]
        for (i, t) in titles.enumerated() {
            // A double-quoted YAML scalar with JSON-style escapes carries every one of them.
            let data = try JSONSerialization.data(withJSONObject: [t], options: [.withoutEscapingSlashes])
            let quoted = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
                .replacingOccurrences(of: "\\u2028", with: "\\L").replacingOccurrences(of: "\\u2029", with: "\\P")
                .replacingOccurrences(of: "\u{2028}", with: "\\L").replacingOccurrences(of: "\u{2029}", with: "\\P")
                .replacingOccurrences(of: "\u{85}", with: "\\N").replacingOccurrences(of: "\u{7F}", with: "\\x7F")
            try K.put(
                root, "acme", "hostile-\(i)",
                K.yaml(
                    id: K.id(100 + i), title: "TITLE", end: "2027-0\(i + 1)-15",
                    renewal: ["renewal:", "  auto_renew: false", "  notice_period: 1 month"]
                ).replacingOccurrences(of: "title: TITLE", with: "title: \(quoted)"))
        }
        let summaries = ContractIndex.load(ws).summaries
        #expect(summaries.count == titles.count)
        #expect(Set(summaries.map(\.title)) == Set(titles), "the titles read back as written")
        let bytes = try ContractCalendar.load(ws, today: Q.today).ics
        #expect(ICalendarOracle.lineProblems(bytes) == [])
        #expect(bytes.count < 200_000, "a 1 MB title is cut: \(bytes.count) bytes")
        let feed = try ICalendarOracle.parse(bytes)
        #expect(feed.events.count == titles.count * 2, "one end and one notice each; nothing forged")
        #expect(!feed.events.contains { $0.uid == "forged@pactoria" })
        #expect(feed.events.flatMap(\.alarms).count == titles.count)
        for (i, t) in titles.enumerated() {
            // What a reader should see: line breaks as line breaks, other controls gone, at most 200 characters.
            let cut = t.count > 200 ? String(t.prefix(199)) + "…" : t
            var cleanCut = ""
            var last = false
            for c in cut.unicodeScalars {
                defer { last = c == "\r" }
                if c == "\n" && last { continue }
                if ["\r", "\n", "\u{2028}", "\u{2029}", "\u{85}"].contains(c) {
                    cleanCut += "\n"
                } else if c.value >= 0x20 && !(0x7F...0x9F).contains(c.value) {
                    cleanCut.unicodeScalars.append(c)
                }
            }
            let end = try #require(feed.events.first { $0.uid == "\(K.id(100 + i))-end@pactoria" })
            #expect(end.summary == "Contract ends: " + cleanCut, "title \(i)")
            #expect(end.description.hasPrefix(cleanCut + "\n"), "title \(i)")
        }
    }

    @Test func escapingAndFoldingFollowRFC5545() {
        #expect(ContractCalendar.escape("a\\b;c,d\r\ne\nf\rg\u{2028}h\u{0}i") == "a\\\\b\\;c\\,d\\ne\\nf\\ng\\nhi")
        // Folding never splits a UTF-8 sequence, whatever the offset of the 75th octet.
        for pad in 0..<4 {
            let title = String(repeating: "x", count: pad) + String(repeating: "🎉é合", count: 60)
            var out: [UInt8] = []
            ContractCalendar.fold(Array(("SUMMARY:" + title).utf8), into: &out)
            #expect(ICalendarOracle.lineProblems(out) == [], "pad \(pad)")
            // Unfolded (CRLF + space removed), it is the line again.
            let unfolded = String(decoding: out, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded == "SUMMARY:" + title + "\r\n")
        }
    }
}
