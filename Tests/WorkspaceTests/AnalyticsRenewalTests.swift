import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// A workspace of hand-written contract files (any status, any record), for the renewal, queue
/// and calendar suites: the files are what a person or another Pactoria could have committed.
enum AnalyticsKit {
    static func workspace(companies: [String] = ["acme"]) throws -> (root: String, ws: Workspace) {
        let root = NSTemporaryDirectory() + "pactoria-analytics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        let ws = try Workspace.open(root: root)
        for c in companies {
            _ = try Companies.add(ws, name: "\(c.capitalized) Ltd", slug: c, companyNumber: nil)
        }
        return (root, try Workspace.open(root: root))
    }

    static func id(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// A contract's metadata in canonical form; `renewal` and `tail` are YAML lines (indented as
    /// they go), placed where the canonical order puts them.
    static func yaml(
        id: String, title: String = "Service Agreement", status: String = "active", end: String? = "2027-06-30",
        renewal: [String] = [], createdAt: String = "2026-01-10T09:00:00Z", updatedAt: String = "2026-01-10T09:00:00Z",
        tail: [String] = []
    ) -> String {
        var lines = [
            "id: \(id)", "title: \(title)", "contract_type: service_agreement", "status: \(status)",
            "contract_value:", "  amount: \"1200.00\"", "  currency: GBP", "start_date: 2026-01-01",
        ]
        if let end { lines.append("end_date: \(end)") }
        lines += renewal
        lines += [
            "version: 1", "created_by: Admin <admin@example.co.uk>", "created_at: \(createdAt)",
            "updated_at: \(updatedAt)",
        ]
        lines += tail
        return lines.joined(separator: "\n") + "\n"
    }

    static func put(_ root: String, _ company: String, _ stem: String, _ yaml: String, markdown: String? = "# Terms\n")
        throws
    {
        let dir = root + "/companies/\(company)/contracts"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir + "/\(stem).yaml"))
        if let markdown { try Data(markdown.utf8).write(to: URL(fileURLWithPath: dir + "/\(stem).md")) }
    }

    static func cleanUp(_ root: String) { try? FileManager.default.removeItem(atPath: root) }

    static func date(_ s: String) -> CalendarDate { CalendarDate(s)! }
}

@Suite("Renewal: periods, dates, validation and expiring")
struct RenewalTests {
    typealias K = AnalyticsKit

    @Test func periodsReadOnlyTheDocumentedForms() {
        for (text, count, unit) in [
            ("1 day", 1, RenewalPeriod.Unit.day), ("30 days", 30, .day), ("2 weeks", 2, .week),
            ("1 month", 1, .month), ("3 months", 3, .month), ("12 months", 12, .month), ("1 year", 1, .year),
            ("1200 years", 1200, .year), ("1 months", 1, .month),
        ] {
            let p = RenewalPeriod(text)
            #expect(p?.count == count && p?.unit == unit, "\(text)")
        }
        for bad in [
            "", "month", "0 months", "1201 days", "-1 month", "1  month", " 1 month", "1 month ", "1 Month",
            "one month",
            "1 fortnight", "1.5 months", "1\nmonth", "1 month\u{2028}", "99999 days", "1 monthss",
        ] {
            #expect(RenewalPeriod(bad) == nil, "\(bad.debugDescription)")
        }
        #expect(RenewalPeriod("1 months")?.description == "1 month")
        #expect(RenewalPeriod("3 month")?.description == "3 months")
    }

    @Test func monthsClampToTheMonthsLastDay() {
        let month = RenewalPeriod("1 month")!
        let year = RenewalPeriod("1 year")!
        #expect(month.step(K.date("2026-01-31")) == K.date("2026-02-28"))
        #expect(month.step(K.date("2028-01-31")) == K.date("2028-02-29"))
        #expect(month.step(K.date("2026-01-31"), times: 2) == K.date("2026-03-31"), "counted from the start, no drift")
        #expect(month.step(K.date("2026-03-31"), times: -1) == K.date("2026-02-28"))
        #expect(year.step(K.date("2028-02-29")) == K.date("2029-02-28"))
        #expect(year.step(K.date("2028-02-29"), times: 4) == K.date("2032-02-29"))
        #expect(RenewalPeriod("12 months")!.step(K.date("2026-12-15")) == K.date("2027-12-15"))
        #expect(RenewalPeriod("2 weeks")!.step(K.date("2026-12-25")) == K.date("2027-01-08"))
        #expect(RenewalPeriod("1200 years")!.step(K.date("9000-01-01")) == nil, "past year 9999")
        #expect(RenewalPeriod("1 day")!.step(K.date("0001-01-01"), times: -1) == nil, "before year 1")
    }

    @Test func datesOfAutoRenewingAndFixedTermContracts() {
        let terms = ContractFacts.RenewalTerms(autoRenew: true, renewalTerm: "1 month", noticePeriod: "1 week")
        // Ended 31 January; renewals on 28 February and 31 March (not 28 March).
        let r = Renewal.dates(end: K.date("2025-01-31"), terms: terms, today: K.date("2025-03-05"))
        #expect(r.autoRenews && r.renewalDate == K.date("2025-03-31") && r.termsElapsed == 2)
        #expect(r.noticeDeadline == K.date("2025-03-24"))
        #expect(r.termEnd == K.date("2025-03-31"))
        // The end date itself when it has not passed (today counts).
        let same = Renewal.dates(end: K.date("2025-03-05"), terms: terms, today: K.date("2025-03-05"))
        #expect(same.renewalDate == K.date("2025-03-05") && same.termsElapsed == 0)
        // No auto-renewal: notice of non-continuation before the end date.
        let fixed = Renewal.dates(
            end: K.date("2030-09-30"), terms: .init(autoRenew: false, noticePeriod: "6 months"),
            today: K.date("2026-12-01"))
        #expect(!fixed.autoRenews && fixed.renewalDate == nil && fixed.noticeDeadline == K.date("2030-03-30"))
        // Terms that do not read count as absent.
        let broken = Renewal.dates(
            end: K.date("2027-01-01"), terms: .init(autoRenew: true, renewalTerm: "soon", noticePeriod: "a while"),
            today: K.date("2026-12-01"))
        #expect(!broken.autoRenews && broken.renewalDate == nil && broken.noticeDeadline == nil)
        let none = Renewal.dates(end: K.date("2027-01-01"), terms: nil, today: K.date("2026-12-01"))
        #expect(none.termEnd == K.date("2027-01-01") && none.noticeDeadline == nil)
    }

    /// For random end dates, terms, notice periods and days: the renewal is on or after today and
    /// is the first whole number of terms after the end date to be so; the notice deadline is the
    /// renewal less the notice period, never after it; stepping forward then back returns.
    @Test func renewalPropertiesHoldForRandomDates() {
        var rng = SplitMix64(seed: 0x5EED_2026_1217)
        let units = RenewalPeriod.Unit.allCases
        for _ in 0..<4000 {
            let end = CalendarDate(daysSinceEpoch: rng.below(60_000) - 10_000)
            let today = CalendarDate(daysSinceEpoch: end.daysSinceEpoch + rng.below(8000) - 1000)
            let counts = [1, 1, 2, 3, 6, 12, 18, 30, 90, 1200]
            let term = RenewalPeriod(count: rng.pick(counts), unit: rng.pick(units))!
            let notice = RenewalPeriod(count: rng.pick(counts), unit: rng.pick(units))!
            let terms = ContractFacts.RenewalTerms(
                autoRenew: true, renewalTerm: term.description, noticePeriod: notice.description)
            let r = Renewal.dates(end: end, terms: terms, today: today)
            let label = "end \(end) today \(today) term \(term) notice \(notice)"
            guard let renewal = r.renewalDate else {
                Issue.record("no renewal: \(label)")
                continue
            }
            #expect(renewal >= today, "\(label)")
            #expect(term.step(end, times: r.termsElapsed) == renewal, "\(label)")
            if r.termsElapsed > 0 {
                #expect(term.step(end, times: r.termsElapsed - 1)! < today, "the first such renewal: \(label)")
            } else {
                #expect(end >= today, "\(label)")
            }
            if let deadline = r.noticeDeadline {
                #expect(deadline <= renewal, "\(label)")
                #expect(deadline == notice.step(renewal, times: -1), "\(label)")
            }
            // Steps of days and weeks add up; months and years move forward and come back when
            // the day of the month exists everywhere.
            let a = rng.below(40)
            let b = rng.below(40)
            if term.unit == .day || term.unit == .week {
                #expect(term.step(end, times: a + b) == term.step(end, times: a).flatMap { term.step($0, times: b) })
            } else if end.day <= 28, let there = term.step(end, times: a) {
                #expect(term.step(there, times: -a) == end, "\(label)")
                #expect(there >= end)
            }
        }
    }

    @Test func malformedRenewalTermsAreProblemsNamingTheField() throws {
        let ref = ContractRef(company: "acme", stem: "service")
        func problems(_ renewal: [String], end: String? = "2027-06-30") throws -> [String] {
            try Workspace.decodeContract(ref: ref, text: K.yaml(id: K.id(1), end: end, renewal: renewal)).problems
                .map { "\($0.field ?? ""): \($0.message)" }
        }
        #expect(
            try problems(["renewal:", "  auto_renew: true", "  renewal_term: 12 months", "  notice_period: 3 months"])
                == [])
        #expect(try problems(["renewal:", "  notice_period: 30 days"]) == [])

        let badPeriod = try problems(["renewal:", "  auto_renew: false", "  notice_period: three months"])
        #expect(
            badPeriod.count == 1 && badPeriod[0].hasPrefix("renewal.notice_period: must be a period"), "\(badPeriod)")
        #expect(badPeriod[0].contains("three months"))

        let notBool = try problems(["renewal:", "  auto_renew: \"true\"", "  renewal_term: 1 year"])
        #expect(notBool.count == 1 && notBool[0].hasPrefix("renewal.auto_renew: must be true or false"), "\(notBool)")
        #expect(
            try problems(["renewal:", "  auto_renew: yes please", "  renewal_term: 1 year"]).first?.hasPrefix(
                "renewal.auto_renew:") == true)

        let noEnd = try problems(["renewal:", "  auto_renew: true", "  renewal_term: 1 year"], end: nil)
        #expect(noEnd == ["renewal.renewal_term: needs an end_date to count from"], "\(noEnd)")

        let noTerm = try problems(["renewal:", "  auto_renew: true", "  notice_period: 1 month"])
        #expect(noTerm == ["renewal.renewal_term: is required when auto_renew is true"], "\(noTerm)")

        #expect(
            try problems(["renewal: every year"]) == [
                "renewal: must be a mapping of auto_renew, renewal_term, notice_period"
            ])
        let unknown = try problems(["renewal:", "  notice_peroid: 1 month"])
        #expect(unknown.first?.hasPrefix("renewal.notice_peroid: unknown key") == true, "\(unknown)")
        let list = try problems(["renewal:", "  renewal_term: [1, year]", "  auto_renew: true"])
        #expect(list.first == "renewal.renewal_term: must be a period: \(RenewalPeriod.allowed), got a list", "\(list)")

        // Hostile text is named, cut short and never carries a line break into the message.
        let hostile = try problems([
            "renewal:", "  notice_period: \"1 month\\r\\nforged: line \(String(repeating: "x", count: 5000))\"",
        ])
        #expect(
            hostile.count == 1 && !hostile[0].contains("\n") && !hostile[0].contains("\r") && hostile[0].count < 400,
            "\(hostile)")
    }

    @Test func renewalHasItsPlaceInTheCanonicalOrderAndRoundTripsByteForByte() throws {
        let renewal = ["renewal:", "  auto_renew: true", "  renewal_term: 12 months", "  notice_period: 3 months"]
        let text = K.yaml(id: K.id(1), renewal: renewal, tail: ["x_custom: kept"])
        let loaded = try Workspace.decodeContract(ref: ContractRef(company: "acme", stem: "s"), text: text)
        #expect(ContractCodec.render(loaded.contract, into: loaded.document.root) == text)
        #expect(CanonicalYAML.render(loaded.document.root, order: ContractCodec.order) == text)

        // Written anywhere, in any order: put after end_date, its keys in their order.
        let shuffled = K.yaml(
            id: K.id(1),
            tail: [
                "x_custom: kept", "renewal:", "  notice_period: 3 months", "  renewal_term: 12 months",
                "  auto_renew: true",
            ])
        let back = try Workspace.decodeContract(ref: ContractRef(company: "acme", stem: "s"), text: shuffled)
        #expect(ContractCodec.render(back.contract, into: back.document.root) == text)

        // The lifecycle rules see it as a field of its own (protected on an active contract).
        #expect(Snapshots.otherFields(loaded.document.root)["renewal"] != nil)
    }

    @Test func checkReportsAMalformedRenewalAndExpiringUsesRenewals() throws {
        let (root, ws) = try K.workspace()
        defer { K.cleanUp(root) }
        try K.put(
            root, "acme", "renews",
            K.yaml(
                id: K.id(1), title: "Cleaning", end: "2026-01-31",
                renewal: ["renewal:", "  auto_renew: true", "  renewal_term: 1 month", "  notice_period: 2 weeks"]))
        try K.put(
            root, "acme", "fixed",
            K.yaml(id: K.id(2), title: "Lease", end: "2027-03-31", renewal: ["renewal:", "  notice_period: 3 months"]))
        try K.put(root, "acme", "plain", K.yaml(id: K.id(3), title: "Build", end: "2026-12-20"))
        try K.put(root, "acme", "done", K.yaml(id: K.id(4), title: "Old", status: "completed", end: "2026-12-10"))

        let today = K.date("2026-12-01")
        let month = try Expiring.run(ws, days: 30, today: today)
        // Cleaning renewed on 28 Feb … 30 Nov 2026; next 31 Dec 2026, notice by 17 Dec. The lease
        // ends in 120 days, but its notice deadline (31 December) is inside the window. Soonest
        // date inside the window first; the completed contract never.
        #expect(month.map(\.summary.ref.stem) == ["renews", "plain", "fixed"], "\(month.map(\.summary.ref.stem))")
        let renews = try #require(month.first { $0.summary.ref.stem == "renews" })
        #expect(renews.renews && renews.date == K.date("2026-12-31") && renews.daysLeft == 30)
        #expect(renews.endDate == K.date("2026-01-31") && renews.renewalTerm == RenewalPeriod("1 month"))
        #expect(renews.noticeDeadline == K.date("2026-12-17") && renews.noticeDaysLeft == 16)
        let plain = try #require(month.first { $0.summary.ref.stem == "plain" })
        #expect(!plain.renews && plain.date == K.date("2026-12-20") && plain.noticeDeadline == nil)

        // Past the cleaning's notice deadline: listed by its renewal.
        let later = try Expiring.run(ws, days: 30, today: K.date("2026-12-18"))
        #expect(later.map(\.summary.ref.stem) == ["plain", "fixed", "renews"], "\(later.map(\.summary.ref.stem))")
        #expect(later.first { $0.summary.ref.stem == "fixed" }?.noticeDeadline == K.date("2026-12-31"))

        // A malformed section is reported where the other rules are.
        try K.put(
            root, "acme", "broken",
            K.yaml(id: K.id(5), end: nil, renewal: ["renewal:", "  auto_renew: maybe", "  renewal_term: 1 fortnight"]))
        let problems = try ws.loadContract(ContractRef(company: "acme", stem: "broken")).problems
        let fields = problems.compactMap(\.field)
        #expect(fields.contains("renewal.auto_renew") && fields.contains("renewal.renewal_term"), "\(problems)")
        #expect(problems.allSatisfy { $0.line != nil }, "each names its line: \(problems)")
    }
}
