import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// `queue`, `calendar` and `expiring` with renewal terms, end to end through the built binary, on
/// the adopted example workspace (its Harbourside appointment renews itself every 12 months with
/// 3 months' notice; the Pollard Street lease needs 6 months' notice; the pending flour agreement
/// renews yearly).
@Suite("Queue and Calendar CLI: the queue, the iCalendar feed and expiring with renewals")
struct QueueCalendarCLITests {
    typealias Sandbox = E2E.Sandbox

    /// What the library answers for the same workspace and day, as the CLI's JSON would print it.
    static func libraryJSON(_ sb: Sandbox, days: Int = 30, today: String = LC.today) throws -> Any {
        let ws = try Workspace.open(root: sb.path("demo"))
        let q = try ReviewQueue.load(ws, today: CalendarDate(today)!, days: days)
        return try JSONSerialization.jsonObject(with: try JSONEncoder().encode(q.json))
    }

    @Test("queue --json is the library's queue; --csv its table; the text lists every reason")
    func queueOutputs() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            for days in [30, 120] {
                let r = try LC.run(sb, ["queue", "--json", "--days", "\(days)"])
                let cli = try E2E.parseJSON(r)
                let lib = try #require(try Self.libraryJSON(sb, days: days) as? [String: Any])
                #expect(NSDictionary(dictionary: cli).isEqual(to: lib), "\(r)")
            }
            let json = try E2E.parseJSON(try LC.run(sb, ["queue", "--json", "--days", "120"]))
            let items = try #require(json["items"] as? [[String: Any]])
            let statuses = Set(items.compactMap { $0["status"] as? String })
            #expect(statuses.isSubset(of: ["draft", "pending_review", "active"]), "\(statuses)")
            // The Harbourside appointment: notice by 30 March 2027 (119 days), renewal on 30 June (outside 120).
            let harbour = try #require(items.first { $0["path"] as? String == LC.yaml(LC.activeHarbour) })
            let reasons = try #require(harbour["reasons"] as? [[String: Any]])
            #expect(
                reasons.contains {
                    $0["reason"] as? String == "notice_deadline" && $0["date"] as? String == "2027-03-30"
                        && $0["days_left"] as? Int == 119
                }, "\(reasons)")
            #expect(!reasons.contains { $0["reason"] as? String == "renewal" })
            let flour = try #require(items.first { $0["path"] as? String == LC.yaml(LC.pendingFlour) })
            #expect(
                (flour["reasons"] as? [[String: Any]])?.contains { $0["reason"] as? String == "pending_review" }
                    == true)
            // Oldest first.
            let since = items.compactMap { $0["since"] as? String }
            #expect(since == since.sorted())

            let csv = try LC.run(sb, ["queue", "--csv", "--days", "120"])
            #expect(csv.exitCode == 0)
            #expect(csv.stdout.hasPrefix("since,age_days,contract,status,title,reasons\r\n"))
            #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == items.count + 1)

            let text = try LC.run(sb, ["queue", "--days", "120"])
            #expect(text.exitCode == 0 && text.stderr.isEmpty, "\(text)")
            #expect(text.lines.first?.hasPrefix("SINCE") == true && text.lines.count == items.count + 1, "\(text)")
            let harbourLine = try #require(text.lines.first { $0.contains("avon-gorge-engineering/harbourside") })
            #expect(harbourLine.contains("notice by 2027-03-30 (in 119 days)"), "\(harbourLine)")
            #expect(!text.stdout.contains("\u{1B}["), "no colour without a terminal")

            // One company only; an empty one has an empty queue.
            let one = try E2E.parseJSON(try LC.run(sb, ["queue", "--json", "--company", "brickline-digital"]))
            #expect(
                (one["items"] as? [[String: Any]])?.allSatisfy {
                    ($0["path"] as? String)?.hasPrefix("companies/brickline-digital/") == true
                } == true)
            #expect(try LC.run(sb, ["company", "add", "Empty Ltd", "--slug", "empty"]).exitCode == 0)
            let empty = try LC.run(sb, ["queue", "--company", "empty"])
            #expect(empty.exitCode == 0 && empty.lines == ["nothing needs attention"], "\(empty)")
            #expect(
                (try E2E.parseJSON(try LC.run(sb, ["queue", "--company", "empty", "--json"]))["total"] as? Int) == 0)

            // As of a date: the last commit at or before it answers, and its date is the day counted from.
            let future = try E2E.parseJSON(try LC.run(sb, ["queue", "--json", "--as-of", "2099-01-01"]))
            #expect(future["as_of"] as? String == "2099-01-01" && (future["commit"] as? String)?.count == 40)
            #expect(future["today"] as? String == "2099-01-01")
        }
    }

    @Test("bad input: days outside 0–365, a malformed or too early date, an unknown company, two formats")
    func queueBadInput() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            for days in ["366", "-1", "99999999999999999999"] {
                let r = try LC.run(sb, ["queue", "--days=\(days)"])
                #expect(r.exitCode == 64, "\(r)")
                if days != "99999999999999999999" {
                    E2E.expectCleanError(r)
                    #expect(r.stderr.contains("--days: must be from 0 to 365, got \(days)"), "\(r)")
                }
            }
            for date in ["2026-13-01", "yesterday", "2026-02-30"] {
                let r = try LC.run(sb, ["queue", "--as-of", date])
                #expect(r.exitCode == 64, "\(r)")
                E2E.expectCleanError(r)
                #expect(r.stderr.contains("as-of") || r.stderr.contains("as_of"), "\(r)")
                #expect(r.stderr.contains("YYYY-MM-DD"), "\(r)")
            }
            let early = try LC.run(sb, ["queue", "--as-of", "2000-01-01"])
            #expect(early.exitCode == 64 && early.stderr.contains("before the first commit"), "\(early)")
            let nobody = try LC.run(sb, ["queue", "--company", "nobody"])
            E2E.expectCleanError(nobody)
            #expect(nobody.exitCode == 1 && nobody.stderr.contains("no company 'nobody'"), "\(nobody)")
            let both = try LC.run(sb, ["queue", "--json", "--csv"])
            #expect(both.exitCode == 64, "\(both)")
            let cal = try LC.run(sb, ["calendar", "--ics", "out.ics", "--company", "nobody"])
            #expect(cal.exitCode == 1 && !sb.exists("demo/out.ics"), "\(cal)")
        }
    }

    @Test("calendar --ics: every event read by icalendar, stable UIDs across exports, one alarm per notice deadline")
    func calendarFeed() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let r = try LC.run(sb, ["calendar", "--ics", "contracts.ics"])
            #expect(r.exitCode == 0 && r.stdout.hasPrefix("wrote contracts.ics: "), "\(r)")
            let first = Array(try Data(contentsOf: URL(fileURLWithPath: sb.path("demo/contracts.ics"))))
            #expect(ICalendarOracle.lineProblems(first) == [])
            let stdout = try LC.run(sb, ["calendar", "--ics", "-"])
            #expect(Array(stdout.stdout.utf8) == first, "the same bytes to standard output")
            #expect(try LC.run(sb, ["calendar", "--ics", "quiet.ics", "-q"]).stdout.isEmpty)

            // Expected from the library's own reading of the contracts.
            let ws = try Workspace.open(root: sb.path("demo"))
            let summaries = ContractIndex.load(ws).summaries.filter {
                ["active", "pending_review"].contains($0.status)
            }
            var expected: [String: String] = [:]
            for s in summaries {
                guard let d = Renewal.dates(s, today: CalendarDate(LC.today)!) else { continue }
                if let r = d.renewalDate {
                    expected["\(s.id)-renewal@pactoria"] = r.description
                } else {
                    expected["\(s.id)-end@pactoria"] = d.endDate.description
                }
                if let n = d.noticeDeadline { expected["\(s.id)-notice@pactoria"] = n.description }
            }
            #expect(expected.count >= 7, "the example's dated contracts and their notices: \(expected)")
            let feed = try ICalendarOracle.parse(first)
            #expect(feed.events.count == expected.count)
            for e in feed.events {
                #expect(expected[e.uid] == e.start && e.startIsDate, "\(e.uid) \(e.start)")
                #expect(e.alarms.count == (e.uid.contains("-notice@") ? 1 : 0), "\(e.uid)")
            }
            let notices = expected.keys.filter { $0.contains("-notice@") }.count
            #expect(notices == 3, "harbour, lease and flour have notice periods")
            #expect(feed.events.flatMap(\.alarms).count == notices)
            let harbourID = try LC.id(sb, LC.activeHarbour)
            #expect(expected["\(harbourID)-renewal@pactoria"] == "2027-06-30")
            #expect(expected["\(harbourID)-notice@pactoria"] == "2027-03-30")

            // A change, and a later day: the same contracts keep their UIDs, none is duplicated.
            #expect(try LC.run(sb, ["terminate", LC.activeWebsite, "--reason", "Client cancelled"]).exitCode == 0)
            let later = try LC.run(sb, ["calendar", "--ics", "later.ics"], today: "2027-07-15")
            #expect(later.exitCode == 0, "\(later)")
            let second = try ICalendarOracle.parse(
                Array(try Data(contentsOf: URL(fileURLWithPath: sb.path("demo/later.ics")))))
            let websiteID = try LC.id(sb, LC.activeWebsite)
            let firstUIDs = Set(feed.events.map(\.uid))
            let secondUIDs = Set(second.events.map(\.uid))
            #expect(secondUIDs.count == second.events.count)
            #expect(
                secondUIDs == firstUIDs.subtracting(["\(websiteID)-end@pactoria"]),
                "\(secondUIDs.symmetricDifference(firstUIDs))")
            // The harbour appointment renewed on 30 June 2027: its renewal moved a year, same UID.
            #expect(second.events.first { $0.uid == "\(harbourID)-renewal@pactoria" }?.start == "2028-06-30")
            #expect(second.events.first { $0.uid == "\(harbourID)-notice@pactoria" }?.start == "2028-03-30")
        }
    }

    @Test("expiring shows an auto-renewing contract by its renewal and notice deadline; check reports bad terms")
    func expiringAndCheck() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let text = try LC.run(sb, ["expiring", "--days", "240"])
            #expect(text.exitCode == 0, "\(text)")
            // The harbour appointment first: its notice deadline is the first of its dates in the window.
            #expect(text.lines.count == 2 && text.lines.last?.contains("brickline-digital/website") == true, "\(text)")
            let harbour = try #require(text.lines.first)
            #expect(harbour.hasPrefix("2027-06-30  211d  avon-gorge-engineering/harbourside"), "\(harbour)")
            #expect(harbour.hasSuffix("renews for 12 months; notice by 2027-03-30 (119d)"), "\(harbour)")
            let json = try E2E.parseJSON(
                try LC.run(sb, ["expiring", "--days", "240", "--json"]), as: [[String: Any]].self)
            let h = try #require(json.first)
            #expect(h["path"] as? String == LC.yaml(LC.activeHarbour))
            #expect(h["renews"] as? Bool == true && h["date"] as? String == "2027-06-30")
            #expect(h["end_date"] as? String == "2027-06-30" && h["renewal_term"] as? String == "12 months")
            #expect(h["notice_deadline"] as? String == "2027-03-30" && h["notice_days_left"] as? Int == 119)
            // A year on, the appointment is still listed, by its next renewal.
            let next = try E2E.parseJSON(
                try LC.run(sb, ["expiring", "--days", "30", "--json"], today: "2028-06-15"), as: [[String: Any]].self)
            #expect(
                next.first { $0["path"] as? String == LC.yaml(LC.activeHarbour) }?["date"] as? String == "2028-06-30")

            // A malformed renewal section, committed with plain git: `check` names the field.
            let care = "demo/\(LC.yaml(LC.draftCare))"
            try LC.replace(
                sb, care, "end_date: 2027-12-31\n",
                "end_date: 2027-12-31\nrenewal:\n  auto_renew: sometimes\n  notice_period: a month or so\n")
            try LC.plainCommit(sb, "Care plan renewal terms")
            let check = try LC.run(sb, ["check"])
            #expect(check.exitCode == 1, "\(check)")
            #expect(
                check.stdout.contains("renewal.auto_renew") || check.stderr.contains("renewal.auto_renew"), "\(check)")
            #expect(
                check.stdout.contains("renewal.notice_period") || check.stderr.contains("renewal.notice_period"),
                "\(check)")
        }
    }
}
