import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15: `log` and `audit` read the walk from HEAD out of `.pactoria/cache/walk-v1`,
/// keyed by the tip, and put commits made since in front of it. On seeded random histories
/// (commits on HEAD, side branches, merges, resets, equal and backward commit times, hostile
/// messages) the cached walk, extended step by step, must be exactly libgit2's full walk.
@Suite("History: the cached commit walk", .serialized)
struct CommitWalkTests {
    static let messages = [
        "Plain change", "Two\r\nlines", "Line\u{2028}separator", "Trailers\n\nPactoria-Contract: x\nPactoria-Event: e",
        "Ünïcödé subject", String(repeating: "long ", count: 2000),
    ]

    /// Writes a commit object with the given parents, time and message; returns its id.
    static func commit(_ root: String, tree: String, parents: [String], time: Int64, message: String) throws -> String {
        var text = "tree \(tree)\n"
        for p in parents { text += "parent \(p)\n" }
        text += "author Ann Example <ann@example.co.uk> \(time) +0100\n"
        text += "committer Ben Example <ben@example.co.uk> \(time) +0000\n\n\(message)\n"
        let file = root + "/../commit-object"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return try runGit(root, ["hash-object", "--literally", "-t", "commit", "-w", file])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The walk as `log` and `audit` read it now (through the cache).
    static func cachedWalk(_ root: String) throws -> [WalkedCommit] {
        let ws = try Workspace.open(root: root)
        let repo = try ws.repository()
        var out: [WalkedCommit] = []
        try CommitWalk.forEach(ws, repo, from: try #require(try repo.headCommitID())) { (c) throws(WorkspaceError) in
            out.append(c)
            return false
        }
        return out
    }

    /// libgit2's full walk, with every commit read from the object store.
    static func fullWalk(_ root: String) throws -> [CommitInfo] {
        let repo = try Repository.open(at: root)
        return Array(try repo.walk(from: try #require(try repo.headCommitID())))
    }

    static func expectSame(_ root: String, _ context: String) throws {
        let cached = try cachedWalk(root)
        let full = try fullWalk(root)
        #expect(cached.map(\.info.id) == full.map(\.id), "order: \(context)")
        #expect(cached.map(\.info) == full, "fields: \(context)")
        for (c, f) in zip(cached, full) {
            let expected = Trailers.parse(f.message)
            #expect(c.trailers.map(\.key) == expected.map(\.key) && c.trailers.map(\.value) == expected.map(\.value))
        }
    }

    @Test("extended step by step, the cached walk is libgit2's full walk (6 seeds x 40 steps)")
    func randomHistories() throws {
        for seed in UInt64(1)...6 {
            var rng = SplitMix64(seed: seed)
            let root = try RulesKit.adopt()
            defer { RulesKit.cleanUp(root) }
            let branch = try runGit(root, ["rev-parse", "--abbrev-ref", "HEAD"]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            let tree = try runGit(root, ["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
            var all = [try RulesKit.head(root)]
            var head = all[0]
            var time: Int64 = 1_780_000_000
            try Self.expectSame(root, "seed \(seed), start")
            for step in 0..<40 {
                // Equal times are common (commits in one second); sometimes the clock goes back.
                switch rng.next() % 4 {
                case 0: break
                case 1: time -= Int64(rng.next() % 5000)
                default: time += Int64(rng.next() % 100)
                }
                let message = Self.messages[Int(rng.next() % UInt64(Self.messages.count))]
                let other = all[Int(rng.next() % UInt64(all.count))]
                let parents: [String]
                switch rng.next() % 10 {
                case 0, 1: parents = [other]  // a side branch (HEAD moves to it: a reset)
                case 2, 3: parents = other == head ? [head] : [head, other]  // a merge
                default: parents = [head]
                }
                let id = try Self.commit(root, tree: tree, parents: parents, time: time, message: message)
                all.append(id)
                // Now and then a commit is made on a side branch without moving HEAD.
                if rng.next() % 5 == 0 { continue }
                head = id
                _ = try runGit(root, ["update-ref", "refs/heads/\(branch)", id])
                try Self.expectSame(root, "seed \(seed), step \(step)")
            }
            // A damaged cache file gives the same walk.
            let path = root + "/.pactoria/cache/" + CommitWalk.cacheName
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x40
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            try Self.expectSame(root, "seed \(seed), damaged")
            try FileManager.default.removeItem(atPath: path)
            try Self.expectSame(root, "seed \(seed), deleted")
        }
    }

    @Test("a commit claiming the time 2^63 - 1 or before 1970 is read, cached and shown, not a crash")
    func extremeTimes() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let branch = try runGit(root, ["rev-parse", "--abbrev-ref", "HEAD"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let tree = try runGit(root, ["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var head = try RulesKit.head(root)
        for time: Int64 in [.max, -86_400 * 365] {
            head = try Self.commit(root, tree: tree, parents: [head], time: time, message: "Time \(time)")
        }
        _ = try runGit(root, ["update-ref", "refs/heads/\(branch)", head])
        try Self.expectSame(root, "cold")
        try Self.expectSame(root, "warm")
        let ws = try Workspace.open(root: root)
        #expect(try History.workspace(ws).count == (try Self.fullWalk(root)).count)
        _ = try Audit.run(ws, filter: .init(since: CalendarDate("2020-01-01")))
        for args in [["log"], ["audit"], ["log", "--json"], ["audit", "--json"]] {
            let r = try RulesKit.pactoria(root, args)
            #expect(r.status == 0, "\(args): \(r)")
        }
    }
}
