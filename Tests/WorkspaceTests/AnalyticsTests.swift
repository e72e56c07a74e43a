import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #17: the business and compliance figures, the time series read from the history, and
/// `as of` a date, each checked against an oracle computed here from the generated contracts.
@Suite("Analytics: figures from the files and the history", .serialized)
struct AnalyticsTests {
    struct Model {
        var id: String
        var company: String
        var stem: String
        var status: ContractStatus
        var pence: Int?
        var currency: String
        var end: CalendarDate?
        var created: String
        var overall: Double?
        var risk: Int?
        var recommendations = 0
    }

    static let statuses: [ContractStatus] = [.draft, .pendingReview, .active, .completed, .expired, .terminated]
    static let currencies = ["GBP", "EUR", "USD"]
    static let today = CalendarDate("2026-12-01")!

    /// A new workspace with two companies; the caller removes it.
    static func workspace() throws -> String {
        Hermetic.setUp()
        let root = NSTemporaryDirectory() + "pactoria-analytics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        let ws = try Workspace.open(root: root)
        _ = try Companies.add(ws, name: "Brickline Digital Ltd", slug: "brickline", companyNumber: nil)
        _ = try Companies.add(ws, name: "Ancoats Bakehouse Ltd", slug: "ancoats", companyNumber: nil)
        _ = try runGit(root, ["config", "user.name", "Test"])
        _ = try runGit(root, ["config", "user.email", "test@example.co.uk"])
        _ = try runGit(root, ["config", "commit.gpgsign", "false"])
        try commit(root, "Companies", date: "2025-06-01T09:00:00Z")
        return root
    }

    static func commit(_ root: String, _ message: String, date: String) throws {
        _ = try runGit(root, ["add", "-A"])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root, "commit", "-q", "--no-verify", "--allow-empty", "-m", message]
        p.environment = ProcessInfo.processInfo.environment.merging([
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        ]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    static func yaml(_ m: Model, title: String? = nil, amountText: String? = nil, currency: String? = nil) -> String {
        var lines = [
            "id: \(m.id)", "title: \(title ?? "Contract \(m.stem)")", "contract_type: service_agreement",
            "status: \(m.status.rawValue)",
        ]
        if let amount = amountText ?? m.pence.map({ MoneyTotals.decimal(Int128($0)) }) {
            lines += ["contract_value:", "  amount: \"\(amount)\"", "  currency: \(currency ?? m.currency)"]
        }
        if let end = m.end { lines += ["start_date: 2025-01-01", "end_date: \(end)"] }
        lines += [
            "version: 1", "created_by: Test <test@example.co.uk>", "created_at: \(m.created)",
            "updated_at: \(m.created)",
        ]
        if m.overall != nil || m.risk != nil {
            lines += [
                "compliance:", "  analyzer: pactoria-local-analyzer",
                "  content_sha256: \(String(repeating: "0", count: 64))",
            ]
            if let o = m.overall { lines += ["  overall_score: \(o)", "  scores: {overall: \(o), gdpr: \(o)}"] }
            if let r = m.risk { lines.append("  risk_score: \(r)") }
            lines.append("  analyzed_at: 2026-11-20T10:00:00Z")
            lines.append(
                "  recommendations: ["
                    + (0..<m.recommendations).map { "{clause: c\($0), text: t}" }.joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func write(_ root: String, _ m: Model, yaml text: String? = nil) throws {
        let dir = "\(root)/companies/\(m.company)/contracts"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try (text ?? yaml(m)).write(toFile: "\(dir)/\(m.stem).yaml", atomically: true, encoding: .utf8)
        try "# \(m.stem)\n\nThe parties agree.\n".write(
            toFile: "\(dir)/\(m.stem).md", atomically: true, encoding: .utf8)
    }

    static func models(seed: UInt64, count: Int) -> [Model] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let hasValue = rng.next() % 5 != 0
            let analysed = rng.next() % 3 != 0
            return Model(
                id: String(format: "%08lx-0000-4000-8000-%012lx", i + 1, Int(seed)),
                company: rng.next() % 2 == 0 ? "brickline" : "ancoats", stem: "c\(i)",
                status: statuses[Int(rng.next() % 6)],
                pence: hasValue ? Int(rng.next() % 99_999_999_999) : nil, currency: currencies[Int(rng.next() % 3)],
                end: rng.next() % 4 == 0 ? nil : today.adding(days: Int(rng.next() % 200) - 50),
                created:
                    "2026-\(String(format: "%02d", 9 + Int(rng.next() % 3)))-\(String(format: "%02d", 1 + Int(rng.next() % 28)))T10:00:00Z",
                overall: analysed ? Double(rng.next() % 1001) / 1000 : nil,
                risk: analysed ? 1 + Int(rng.next() % 10) : nil, recommendations: Int(rng.next() % 4))
        }
    }

    @Test("business figures equal an oracle computed from the generated contracts (3 seeds, both scopes)")
    func businessOracle() throws {
        for seed in UInt64(1)...3 {
            let root = try Self.workspace()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let models = Self.models(seed: seed, count: 60)
            for m in models { try Self.write(root, m) }
            try Self.commit(root, "Import", date: "2026-11-01T12:00:00Z")
            let ws = try Workspace.open(root: root)
            for company in [nil, "brickline", "ancoats"] as [String?] {
                let mine = models.filter { company == nil || $0.company == company }
                let b = BusinessMetrics(try AnalyticsSnapshot.load(ws, company: company, today: Self.today))
                #expect(b.total == mine.count)
                for s in Self.statuses { #expect(b.count(s) == mine.filter { $0.status == s }.count, "\(s)") }
                for c in Self.currencies {
                    let valued = mine.filter { $0.pence != nil && $0.currency == c }
                    let sum = valued.reduce(0) { $0 + $1.pence! }
                    #expect(b.value[c].amount == MoneyTotals.decimal(Int128(sum)), "seed \(seed) \(c)")
                    #expect(b.value[c].count == valued.count)
                    let active = valued.filter { $0.status == .active }.reduce(0) { $0 + $1.pence! }
                    #expect(b.activeValue[c].amount == MoneyTotals.decimal(Int128(active)))
                    for w in b.expiring {
                        let ending = valued.filter {
                            guard $0.status == .active, let end = $0.end else { return false }
                            let d = end.daysSinceEpoch - Self.today.daysSinceEpoch
                            return d >= 0 && d <= w.days
                        }
                        #expect(w.value[c].amount == MoneyTotals.decimal(Int128(ending.reduce(0) { $0 + $1.pence! })))
                    }
                    if !valued.isEmpty {
                        // The mean, rounded half up to the penny, by integer arithmetic here.
                        let n = valued.count
                        let mean = (2 * sum + n) / (2 * n)
                        #expect(b.value[c].average == MoneyTotals.decimal(Int128(mean)), "seed \(seed) \(c) mean")
                    }
                }
                #expect(b.highRisk == mine.filter { ($0.risk ?? 0) >= 7 }.count)
                let scored = mine.compactMap(\.overall)
                #expect(b.analysed == scored.count)
                if !scored.isEmpty {
                    let mean = scored.reduce(0, +) / Double(scored.count)
                    #expect(abs((b.complianceAverage ?? -1) - mean) < 0.001)
                }
                // JSON: money as strings, never numbers.
                let json = try JSONEncoder().encode(b.json)
                let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
                for entry in object["value_by_currency"] as! [[String: Any]] {
                    #expect(entry["total_value"] is String)
                }
                let c = ComplianceMetrics(
                    try AnalyticsSnapshot.load(ws, company: company, today: Self.today),
                    content: ws.contentFacts(of: try AnalyticsSnapshot.load(ws, company: company).contracts))
                #expect(c.highRisk == mine.filter { ($0.risk ?? 0) >= 7 }.count)
                #expect(c.mediumRisk == mine.filter { (4...6).contains($0.risk ?? 0) }.count)
                #expect(c.lowRisk == mine.filter { (1...3).contains($0.risk ?? 0) }.count)
                #expect(c.neverAnalysed.count == mine.filter { $0.overall == nil && $0.risk == nil }.count)
                #expect(
                    c.outstandingRecommendations
                        == mine.filter { $0.overall != nil || $0.risk != nil }.reduce(0) { $0 + $1.recommendations })
                // Every analysis recorded a content hash that is not the Markdown's: all stale.
                #expect(c.stale.count == c.analysed)
            }
        }
    }

    @Test("hostile values: 2^63 amounts, unknown currencies, scores out of range and NaN are left out, not trapped on")
    func hostileValues() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var m = Self.models(seed: 9, count: 1)[0]
        m.status = .active
        m.overall = nil
        m.risk = nil
        try Self.write(root, m, yaml: Self.yaml(m, amountText: "9223372036854775807999"))
        var n = m
        n.id = "ffffffff-0000-4000-8000-000000000001"
        n.stem = "n"
        try Self.write(root, n, yaml: Self.yaml(n, currency: "XXX"))
        var big = m
        big.id = "ffffffff-0000-4000-8000-000000000002"
        big.stem = "big"
        // Ten thousand of the largest amounts a file may hold would overflow 64 bits in pence.
        let bigText = Self.yaml(big, amountText: "999999999999999.99").replacingOccurrences(
            of: "created_at", with: "compliance:\n  overall_score: NaN\n  risk_score: 9223372036854775807\ncreated_at")
        try Self.write(root, big, yaml: bigText)
        try Self.commit(root, "Hostile", date: "2026-11-01T12:00:00Z")
        let ws = try Workspace.open(root: root)
        let b = BusinessMetrics(try AnalyticsSnapshot.load(ws, today: Self.today))
        #expect(b.value.unparsed == 2)
        #expect(b.value[m.currency].amount == "999999999999999.99")
        #expect(b.value[m.currency].count == 1)
        #expect(b.complianceAverage == nil)
        #expect(b.highRisk == 0)
        var totals = MoneyTotals()
        for _ in 0..<10_000 { totals.add(amount: "999999999999999.99", currency: "GBP") }
        #expect(totals["GBP"].amount == "9999999999999999900.00")
    }

    @Test("as of a date: the tree of the last commit on or before it; before the first commit is an error naming as_of")
    func asOf() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var a = Self.models(seed: 4, count: 3)
        a[0].status = .draft
        a[0].pence = 100_000
        a[0].currency = "GBP"
        try Self.write(root, a[0])
        try Self.write(root, a[1])
        try Self.commit(root, "January", date: "2026-01-10T12:00:00Z")
        a[0].status = .active
        a[0].pence = 250_000
        try Self.write(root, a[0])
        try Self.write(root, a[2])
        try Self.commit(root, "March", date: "2026-03-05T23:30:00Z")
        // An uncommitted edit is not history: as-of ignores the working tree.
        try FileManager.default.removeItem(atPath: "\(root)/companies/\(a[1].company)/contracts/\(a[1].stem).yaml")
        let ws = try Workspace.open(root: root)

        let feb = try AnalyticsSnapshot.load(ws, asOf: CalendarDate("2026-02-01")!)
        #expect(feb.contracts.count == 2)
        #expect(feb.contracts.first { $0.id == a[0].id }?.status == "draft")
        #expect(feb.today == CalendarDate("2026-02-01")!)
        let march = try AnalyticsSnapshot.load(ws, asOf: CalendarDate("2026-03-05")!)
        #expect(march.contracts.count == 3)
        #expect(march.contracts.first { $0.id == a[0].id }?.amount == "2500.00")
        #expect(
            BusinessMetrics(march).count(.active) == 1 + (a[1].status == .active ? 1 : 0)
                + (a[2].status == .active ? 1 : 0))
        let now = try AnalyticsSnapshot.load(ws)
        #expect(now.contracts.count == 2)
        // list as of the same date gives the same contracts.
        let listed = try ListContracts.run(ws, .init(all: true, asOf: CalendarDate("2026-02-01")))
        #expect(Set(listed.contracts.map(\.id)) == Set(feb.contracts.map(\.id)))
        #expect(throws: WorkspaceError.self) { try AnalyticsSnapshot.load(ws, asOf: CalendarDate("2025-05-31")!) }
        do {
            _ = try AnalyticsSnapshot.load(ws, asOf: CalendarDate("2025-05-31")!)
        } catch {
            guard case .invalidInput(let field, let message) = error else { throw error }
            #expect(field == "as_of")
            #expect(message.contains("before the first commit"))
        }
        for bad in ["2026-13-01", "yesterday", "2026-1-1", "", String(repeating: "9", count: 1 << 20)] {
            #expect(throws: WorkspaceError.self) { try AnalyticsSnapshot.parseDate(bad) }
        }
    }

    @Test("series: created and activated per period from the history, value as at creation, bad parameters named")
    func series() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var models = Self.models(seed: 5, count: 12)
        // Four months, three contracts each, created by plain-git commits on known dates.
        let dates = ["2026-08-14", "2026-09-02", "2026-10-20", "2026-11-28"]
        var expectedValue: [String: [String: Int]] = [:]
        for (k, date) in dates.enumerated() {
            for i in (3 * k)..<(3 * k + 3) {
                models[i].status = .draft
                try Self.write(root, models[i])
                if let p = models[i].pence {
                    expectedValue[String(date.prefix(7)), default: [:]][models[i].currency, default: 0] += p
                }
            }
            try Self.commit(root, "Contracts of \(date)", date: "\(date)T10:00:00Z")
        }
        // A later change of value must not change the value series (read at the creating commit).
        models[0].pence = 1
        try Self.write(root, models[0])
        try Self.commit(root, "Change a value", date: "2026-11-29T10:00:00Z")
        let ws = try Workspace.open(root: root)
        let created = try TimeSeries.compute(
            ws, metric: .contractsCreated, period: .monthly, days: 365, today: Self.today)
        var byMonth: [String: Int] = [:]
        for p in created.points { byMonth[String(p.start.description.prefix(7)), default: 0] += p.count }
        for d in dates { #expect(byMonth[String(d.prefix(7))] == 3, "\(d)") }
        #expect(created.points.reduce(0) { $0 + $1.count } == 12)
        #expect(created.points.first?.start == Self.today.adding(days: -364))
        #expect(created.points.last?.end == Self.today)
        // Days and weeks partition the same range.
        for period in [TimeSeries.Period.daily, .weekly] {
            let s = try TimeSeries.compute(ws, metric: .contractsCreated, period: period, days: 120, today: Self.today)
            #expect(s.points.reduce(0) { $0 + $1.count } == 12)
            for (x, y) in zip(s.points, s.points.dropFirst()) { #expect(x.end.adding(days: 1) == y.start) }
        }
        let value = try TimeSeries.compute(ws, metric: .contractValue, period: .monthly, days: 365, today: Self.today)
        for p in value.points {
            let month = String(p.start.description.prefix(7))
            for c in Self.currencies {
                #expect(
                    p.value[c].amount == MoneyTotals.decimal(Int128(expectedValue[month]?[c] ?? 0)), "\(month) \(c)")
            }
        }
        // A company's series counts its own contracts only.
        let mine = try TimeSeries.compute(
            ws, metric: .contractsCreated, period: .monthly, days: 365, company: "ancoats", today: Self.today)
        #expect(mine.points.reduce(0) { $0 + $1.count } == models.filter { $0.company == "ancoats" }.count)
        // As of a date: nothing after it.
        let early = try TimeSeries.compute(
            ws, metric: .contractsCreated, period: .weekly, days: 60, asOf: CalendarDate("2026-09-30"),
            today: Self.today)
        #expect(early.points.reduce(0) { $0 + $1.count } == 6)
        #expect(early.to == CalendarDate("2026-09-30"))

        // The day counts are cached under the tip: a new commit is counted, a damaged file is
        // rebuilt, and the answer is the same as with no cache.
        let before = try TimeSeries.compute(ws, metric: .contractsCreated, period: .daily, days: 365, today: Self.today)
        var late = Self.models(seed: 6, count: 2)
        for i in late.indices {
            late[i].stem = "late\(i)"
            try Self.write(root, late[i])
        }
        try Self.commit(root, "Two more", date: "2026-11-30T10:00:00Z")
        let after = try TimeSeries.compute(ws, metric: .contractsCreated, period: .daily, days: 365, today: Self.today)
        #expect(after.points.reduce(0) { $0 + $1.count } == before.points.reduce(0) { $0 + $1.count } + 2)
        let cacheFile = root + "/" + Workspace.cacheDirectory + "/series-v1"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cacheFile)))
        bytes[bytes.count - 3] ^= 0x5A
        try Data(bytes).write(to: URL(fileURLWithPath: cacheFile))
        let damaged = try TimeSeries.compute(
            ws, metric: .contractsCreated, period: .daily, days: 365, today: Self.today)
        try FileManager.default.removeItem(atPath: root + "/" + Workspace.cacheDirectory)
        let uncached = try TimeSeries.compute(
            ws, metric: .contractsCreated, period: .daily, days: 365, today: Self.today)
        #expect(damaged.points == after.points)
        #expect(uncached.points == after.points)

        for days in [6, 366, -5, Int.max, Int.min] {
            #expect(throws: WorkspaceError.self) {
                try TimeSeries.compute(ws, metric: .contractsCreated, period: .daily, days: days)
            }
        }
        #expect(throws: WorkspaceError.self) { try TimeSeries.metric("contracts_deleted") }
        #expect(throws: WorkspaceError.self) { try TimeSeries.period("hourly") }
    }

    @Test("an empty workspace gives zeros, not errors")
    func empty() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ws = try Workspace.open(root: root)
        let b = BusinessMetrics(try AnalyticsSnapshot.load(ws, today: Self.today))
        #expect(b.total == 0 && b.value.currencies.isEmpty && b.complianceAverage == nil && b.growthRate == nil)
        let s = try TimeSeries.compute(ws, metric: .contractValue, period: .weekly, days: 30, today: Self.today)
        #expect(s.points.allSatisfy { $0.count == 0 })
        let c = ComplianceMetrics(try AnalyticsSnapshot.load(ws), content: [:])
        #expect(c.analysed == 0 && c.trend.isEmpty)
    }

    @Test("CSV: quoted per RFC 4180, and a cell a spreadsheet would run as a formula is defused")
    func csv() {
        let t = AnalyticsTable(
            columns: ["a", "b"],
            rows: [
                ["=HYPERLINK(\"http://x\")", "+1+2"], ["-12.50", "@SUM(A1)"], ["line\r\nbreak", "comma, quote \""],
                ["\u{2028}", "\u{0}"],
            ])
        let lines = t.csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "a,b")
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",'+1+2")
        #expect(lines[2] == "-12.50,'@SUM(A1)")
        #expect(t.csv.contains("\"line\r\nbreak\",\"comma, quote \"\"\"\r\n"))
    }
}
