import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15: `audit` shows a bulk commit (more than 20 inferred entries of one event) as one
/// row per event. The rows must be `Audit.summarize` of the full entries (the reference: every
/// entry, grouped afterwards), whether worked out from decoded records or counted from the
/// cache's record heads, for every filter and limit; `--expand` and JSON stay the full entries.
@Suite("Audit: summary rows for bulk commits", .serialized)
struct AuditSummaryTests {
    // MARK: the grouping itself, on made-up entries

    static let author = "Bench Bot <bench@example.com>"

    static func entry(
        _ commit: UInt8, _ n: Int, event: String = "contract.created", company: String = "acme",
        inferred: Bool = true, details: [String] = ["created with status draft"]
    ) -> Audit.Entry {
        Audit.Entry(
            commit: ObjectID(bytes: [UInt8](repeating: commit, count: 20)), time: Date(timeIntervalSince1970: 0),
            author: author, subject: "Bulk", contractID: "id-\(n)", ref: ContractRef(company: company, stem: "c\(n)"),
            title: nil, event: event, from: nil, to: nil, actor: author, reason: nil, version: nil,
            inferred: inferred, details: inferred ? details : [])
    }

    static func shape(_ rows: [Audit.Row]) -> [String] {
        rows.map {
            switch $0 {
            case .entry(let e): "entry \(e.contractID) \(e.event)"
            case .summary(let s):
                "summary \(s.event) ×\(s.count) in \(s.companies) [\(s.details?.joined(separator: "; ") ?? "various")]"
            }
        }
    }

    @Test("20 entries of one event stay rows; 21 are one summary, where the first was")
    func thresholdEdges() {
        let twenty = (0..<20).map { Self.entry(1, $0) }
        #expect(Self.shape(Audit.summarize(twenty)) == twenty.map { "entry \($0.contractID) contract.created" })
        let twentyOne = (0..<21).map { Self.entry(1, $0, company: $0 % 2 == 0 ? "acme" : "bolt") }
        #expect(
            Self.shape(Audit.summarize(twentyOne)) == ["summary contract.created ×21 in 2 [created with status draft]"])
        // 21 across two commits is 20 + 1: no summary.
        let split = (0..<20).map { Self.entry(1, $0) } + [Self.entry(2, 20)]
        #expect(Audit.summarize(split).allSatisfy { if case .entry = $0 { true } else { false } })
    }

    @Test("mixed events in one commit: each event counted alone; details shared or various")
    func mixedEvents() {
        var es: [Audit.Entry] = [Self.entry(1, 100, event: "contract.updated")]
        es += (0..<25).map {
            Self.entry(1, $0, details: [$0 == 7 ? "created with status active" : "created with status draft"])
        }
        es += (200..<203).map { Self.entry(1, $0, event: "contract.updated") }
        es += (300..<322).map { Self.entry(1, $0, event: "contract.deleted", details: ["contract files deleted"]) }
        let shape = Self.shape(Audit.summarize(es))
        #expect(
            shape == [
                "entry id-100 contract.updated", "summary contract.created ×25 in 1 [various]",
                "entry id-200 contract.updated", "entry id-201 contract.updated", "entry id-202 contract.updated",
                "summary contract.deleted ×22 in 1 [contract files deleted]",
            ])
    }

    @Test("trailer entries are never summarised, however many")
    func trailersNeverGrouped() {
        let es = (0..<30).map { Self.entry(1, $0, inferred: false) } + (30..<51).map { Self.entry(1, $0) }
        let shape = Self.shape(Audit.summarize(es))
        #expect(shape.count == 31)
        #expect(shape.prefix(30).allSatisfy { $0.hasPrefix("entry ") })
        #expect(shape.last == "summary contract.created ×21 in 1 [created with status draft]")
    }

    // MARK: the workspace: decoded, counted from heads, cold, warm, damaged

    static let template = "brickline-digital/website-care-plan-agreement"  // draft

    /// example-repo adopted, then plain-git bulk commits of sizes around the threshold made from
    /// `seed`: creations across companies with one or mixed statuses, bulk status changes and
    /// content edits, a deletion; and one trailered commit between them.
    static func bulkHistory(seed: UInt64) throws -> (root: String, ids: [String]) {
        var rng = SplitMix64(seed: seed)
        let root = try RulesKit.adopt()
        let companies = ["ancoats-bakehouse", "avon-gorge-engineering", "brickline-digital"]
        let yaml = try RulesKit.read(root, RulesKit.yaml(template))
        let md = try RulesKit.read(root, RulesKit.markdown(template))
        var made: [(ref: String, id: String)] = []
        var k = 0
        for round in 0..<2 {
            let n = [19, 20, 21, 22, 30][Int(rng.next() % 5)]
            let mixed = rng.next() % 2 == 0
            for _ in 0..<n {
                k += 1
                let id = String(format: "%08d-0000-4000-8000-%012d", Int(seed), k)
                let company = companies[Int(rng.next() % UInt64(companies.count))]
                let ref = "\(company)/bulk-\(k)"
                var text = yaml.replacingOccurrences(
                    of: #"(?m)^id: .*$"#, with: "id: \(id)", options: .regularExpression)
                text = text.replacingOccurrences(
                    of: #"(?m)^title: .*$"#, with: "title: Bulk \(k)", options: .regularExpression)
                if mixed && rng.next() % 3 == 0 {
                    text = text.replacingOccurrences(
                        of: #"(?m)^status: .*$"#, with: "status: pending_review", options: .regularExpression)
                }
                try RulesKit.write(root, RulesKit.yaml(ref), text)
                try RulesKit.write(root, RulesKit.markdown(ref), md)
                made.append((ref, id))
            }
            try RulesKit.plainCommit(root, "Import \(round)")
        }
        // A trailered commit in between.
        let r = try RulesKit.pactoria(root, ["move", RulesKit.draftCare, "--to", "ancoats-bakehouse"])
        guard r.status == 0 else { throw RulesKit.Failure(description: "move: \(r)") }
        // A bulk edit: some submitted, some with content edits, around the threshold.
        let edits = made.shuffled(using: &rng).prefix(Int(rng.next() % 25) + 18)
        for (i, m) in edits.enumerated() {
            if i % 4 == 3 {
                try RulesKit.replace(root, RulesKit.markdown(m.ref), "\n", "\nEdited in bulk.\n")
            } else {
                try RulesKit.setField(root, m.ref, "status", "pending_review")
            }
        }
        try RulesKit.plainCommit(root, "Bulk edit")
        let gone = made.shuffled(using: &rng).prefix(Int(rng.next() % 6) + 19)
        for m in gone { _ = try runGit(root, ["rm", "-q", RulesKit.yaml(m.ref), RulesKit.markdown(m.ref)]) }
        try RulesKit.plainCommit(root, "Bulk delete")
        return (root, made.map(\.id))
    }

    static func text(_ rows: [Audit.Row]) -> String {
        rows.map {
            switch $0 {
            case .entry(let e): "\(e)"
            case .summary(let s): "\(s)"
            }
        }.joined(separator: "\n")
    }

    @Test(
        "rows are the summarised entries for every filter and limit, cold, warm and damaged",
        arguments: [1, 2, 3, 4] as [UInt64])
    func rowsEqualReference(seed: UInt64) throws {
        let (root, ids) = try Self.bulkHistory(seed: seed)
        defer { RulesKit.cleanUp(root) }
        let filters: [Audit.Filter] = [
            .init(), .init(event: "created"), .init(event: "contract.submitted"), .init(event: "deleted"),
            .init(contract: ids[3]), .init(contract: String(ids[0].prefix(8))), .init(actor: "grace"),
            .init(actor: "nobody at all"), .init(since: CalendarDate("2000-01-01"), until: CalendarDate("2999-01-01")),
        ]
        let cachePath = root + "/.pactoria/cache/" + HistoryCache.cacheName
        for state in ["cold", "warm", "damaged", "warm again"] {
            if state == "cold" { try? FileManager.default.removeItem(atPath: cachePath) }
            if state == "damaged" {
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cachePath)))
                for i in stride(from: bytes.count / 3, to: bytes.count, by: 997) { bytes[i] ^= 0x5A }
                try Data(bytes).write(to: URL(fileURLWithPath: cachePath))
            }
            for f in filters {
                // Cold: the rows first, from records worked out of the trees.
                if state == "cold" { try? FileManager.default.removeItem(atPath: cachePath) }
                let ws = try Workspace.open(root: root)
                let first = try Audit.rows(ws, filter: f)
                let all = try Audit.run(ws, filter: f)
                let reference = Audit.summarize(all)
                #expect(Self.text(first) == Self.text(reference), "\(state) \(f) first")
                for limit in [nil, 1, 2, 3, 5, 40] as [Int?] {
                    let got = try Audit.rows(ws, filter: f, limit: limit)
                    let want = limit.map { Array(reference.prefix($0)) } ?? reference
                    #expect(Self.text(got) == Self.text(want), "\(state) \(f) limit \(String(describing: limit))")
                }
                let expanded = try Audit.rows(ws, filter: f, expand: true)
                #expect(Self.text(expanded) == Self.text(all.map { .entry($0) }), "\(state) \(f) expand")
            }
        }
        // The history made summaries: the bulk commits are there, counted.
        let ws = try Workspace.open(root: root)
        let rows = try Audit.rows(ws)
        #expect(rows.contains { if case .summary = $0 { true } else { false } })
        // ...and some were counted from the cached heads (the fast path was the one compared).
        let cache = HistoryCache(ws)
        let repo = try ws.repository()
        let counted = try repo.walk(from: try #require(try repo.headCommitID())).filter { c in
            c.trailers.isEmpty && (cache.storedCount(c.id) ?? 0) > Audit.summaryThreshold
                && cache.heads(c.id) != nil
        }
        #expect(!counted.isEmpty)
        // The command: summary rows and their footer; --expand and --json list every entry.
        let all = try Audit.run(ws)
        let text = try RulesKit.pactoria(root, ["audit"])
        let lines = text.stdout.split(separator: "\n")
        #expect(text.status == 0)
        #expect(lines.contains { $0.contains(" ×") && $0.contains("contracts in ") })
        #expect(lines.last?.hasPrefix("× more than 20 of one event in one commit") == true, "\(lines.suffix(2))")
        #expect(lines.count == rows.count + 2)
        let expanded = try RulesKit.pactoria(root, ["audit", "--expand"]).stdout.split(separator: "\n")
        #expect(expanded.count == all.count + 1)
        #expect(!expanded.contains { $0.contains("×") })
        let json = try RulesKit.pactoria(root, ["audit", "--json"]).stdout
        let objects = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any]
        #expect(objects?.count == all.count)
        let limited = try RulesKit.pactoria(root, ["audit", "-n", "2"]).stdout.split(separator: "\n")
        // (The same rows; the widths of the columns come from the rows shown.)
        #expect(limited.prefix(2).map { $0.split(separator: " ") } == lines.prefix(2).map { $0.split(separator: " ") })
    }
}
