import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15: `audit`'s table rows for the whole history are cached under
/// `.pactoria/cache/audit-v1`, keyed by the tip, and the rows of commits made since go in front.
/// On seeded random histories (lifecycle-like edits, trailer commits, bulk imports summarised into
/// one row, resets, merges) the cached rows, extended step by step, must be exactly the rows made
/// with no cache at all, for the whole history, a date range and a limit.
@Suite("History: the cached audit rows", .serialized)
struct AuditRowCacheTests {
    static let refs = [RulesKit.activeShop, RulesKit.activeLease, RulesKit.pendingFlour, RulesKit.draftCare]

    static func rendered(_ rows: [Audit.Row]) -> [String] { rows.map { String(describing: $0) } }

    /// The rows of three queries, through whatever cache is there.
    static func queries(_ root: String) throws -> [[String]] {
        let ws = try Workspace.open(root: root)
        return [
            rendered(try Audit.rows(ws)),
            rendered(try Audit.rows(ws, filter: .init(since: CalendarDate("2026-01-01")))),
            rendered(try Audit.rows(ws, limit: 7)),
        ]
    }

    /// The same queries with no cache (the cache folder moved aside, then put back).
    static func uncached(_ root: String) throws -> [[String]] {
        let cache = root + "/" + Workspace.cacheDirectory
        let aside = root + "/../cache-aside"
        try? FileManager.default.removeItem(atPath: aside)
        try FileManager.default.moveItem(atPath: cache, toPath: aside)
        defer {
            try? FileManager.default.removeItem(atPath: cache)
            try? FileManager.default.moveItem(atPath: aside, toPath: cache)
        }
        let ws = try Workspace.open(root: root)
        return [
            rendered(try Audit.rows(ws)),
            rendered(try Audit.rows(ws, filter: .init(since: CalendarDate("2026-01-01")))),
            rendered(try Audit.rows(ws, limit: 7)),
        ]
    }

    static func expectSame(_ root: String, _ context: String) throws {
        let cached = try queries(root)
        let truth = try uncached(root)
        for (i, (c, t)) in zip(cached, truth).enumerated() {
            #expect(c == t, "query \(i): \(context)")
        }
    }

    static func commitAll(_ root: String, _ message: String, time: Int) throws {
        _ = try runGit(root, ["add", "-A"])
        _ = try runGitEnv(
            root, ["commit", "-q", "--no-verify", "--allow-empty", "-m", message],
            ["GIT_AUTHOR_DATE": "\(time) +0000", "GIT_COMMITTER_DATE": "\(time) +0000"])
    }

    static func runGitEnv(_ root: String, _ args: [String], _ env: [String: String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root] + args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw RulesKit.Failure(description: "git \(args) failed") }
        return ""
    }

    @Test("extended step by step, the cached rows are the rows made without a cache (3 seeds x 12 steps)")
    func randomHistories() throws {
        for seed in UInt64(1)...3 {
            var rng = SplitMix64(seed: seed)
            let root = try RulesKit.adopt()
            defer { RulesKit.cleanUp(root) }
            var commits = [try RulesKit.head(root)]
            var time = 1_780_000_000
            var bulk = 0
            try Self.expectSame(root, "seed \(seed), start")
            for step in 0..<12 {
                time += Int(rng.next() % 200_000)
                let ref = Self.refs[Int(rng.next() % UInt64(Self.refs.count))]
                switch rng.next() % 6 {
                case 0, 1:  // an edit made with plain git: an inferred event
                    try RulesKit.setField(root, ref, "title", "Retitled \(seed)-\(step)")
                    try Self.commitAll(root, "Retitle \(step)", time: time)
                case 2:  // a commit stating its event in trailers
                    let id = try RulesKit.read(root, RulesKit.yaml(ref)).split(separator: "\n")[0].dropFirst(4)
                    let md = RulesKit.markdown(ref)
                    try RulesKit.write(root, md, try RulesKit.read(root, md) + "\nNote \(step).\n")
                    try Self.commitAll(
                        root,
                        "Note \(step)\n\nPactoria-Contract: \(id)\nPactoria-Event: contract.updated\nPactoria-Actor: Ann <ann@example.co.uk>",
                        time: time)
                case 3:  // a bulk import: more than the summary threshold in one commit
                    let yaml = try RulesKit.read(root, RulesKit.yaml(RulesKit.draftCare))
                    let md = try RulesKit.read(root, RulesKit.markdown(RulesKit.draftCare))
                    let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
                    for k in 0..<(Audit.summaryThreshold + 3) {
                        bulk += 1
                        let stem = "imported-\(bulk)"
                        let id = String(format: "00000000-0000-4000-8000-%012d", bulk)
                        let body = (["id: \(id)"] + lines.dropFirst().map(String.init)).joined(separator: "\n")
                        try RulesKit.write(root, "companies/brickline-digital/contracts/\(stem).yaml", body)
                        try RulesKit.write(root, "companies/brickline-digital/contracts/\(stem).md", md + "\n\(k)\n")
                    }
                    try Self.commitAll(root, "Import \(step)", time: time)
                case 4:  // a reset to an older commit
                    let target = commits[Int(rng.next() % UInt64(commits.count))]
                    _ = try runGit(root, ["reset", "-q", "--hard", target])
                default:  // a merge of an older commit
                    let other = commits[Int(rng.next() % UInt64(commits.count))]
                    let tree = try runGit(root, ["rev-parse", "HEAD^{tree}"]).trimmingCharacters(
                        in: .whitespacesAndNewlines)
                    let head = try RulesKit.head(root)
                    if other != head {
                        let merge = try runGit(root, ["commit-tree", tree, "-p", head, "-p", other, "-m", "Merge"])
                            .trimmingCharacters(in: .whitespacesAndNewlines)
                        _ = try runGit(root, ["reset", "-q", "--hard", merge])
                    }
                }
                commits.append(try RulesKit.head(root))
                try Self.expectSame(root, "seed \(seed), step \(step)")
            }
            // A damaged file gives the same rows.
            let path = root + "/.pactoria/cache/" + Audit.RowCache.cacheName
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x40
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            try Self.expectSame(root, "seed \(seed), damaged")
        }
    }

    @Test("a row file from another tip or another way of reading sealed contracts is not used")
    func keyedByTipAndReading() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let first = Self.rendered(try Audit.rows(ws))
        let path = root + "/.pactoria/cache/" + Audit.RowCache.cacheName
        let saved = try #require(Audit.RowCache.load(path))
        #expect(Self.rendered(saved.rows) == first)
        // Rows saved under another reading state are made again, not read.
        Audit.RowCache.save([], tip: saved.tip, reading: [2] + saved.reading, to: path)
        #expect(Self.rendered(try Audit.rows(Workspace.open(root: root))) == first)
        // Round trip of every field, including 2^63-ish versions and hostile text.
        let e = Audit.Entry(
            commit: saved.tip, time: Date(timeIntervalSince1970: 9.2e18), author: "A\r\nB", subject: "S\u{2028}",
            contractID: "x\0y", ref: ContractRef(company: "c", stem: "s"), title: nil, event: "contract.updated",
            from: "draft", to: nil, actor: "", reason: String(repeating: "r", count: 1 << 20), version: Int.max,
            inferred: true, details: ["one", ""])
        let s = Audit.Summary(
            commit: saved.tip, time: Date(timeIntervalSince1970: -1e9), author: "a", subject: "b", event: "e",
            actor: "c", count: Int.min, companies: 3, details: nil)
        let bytes = Audit.RowCache.encode([.entry(e), .summary(s)], tip: saved.tip, reading: [1])
        let back = try #require(Audit.RowCache.decode(bytes))
        #expect(Self.rendered(back.rows) == Self.rendered([.entry(e), .summary(s)]))
        // Every truncation is refused, never a crash or a partial answer.
        for n in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(Audit.RowCache.decode(Array(bytes.prefix(n))) == nil)
        }
    }
}
