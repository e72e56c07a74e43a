import Foundation
import PactoriaTestSupport
import Testing

/// A workspace with a history worth caching, the read verbs, and the cache folder as files:
/// shared by the suite below.
enum CacheKit {
    typealias Sandbox = E2E.Sandbox

    static let folder = ".pactoria/cache"
    /// The drone survey after `move` (it started in avon-gorge-engineering).
    static let movedDrone = "brickline-digital/drone-survey-subcontract-agreement"

    /// Example-repo adopted in `dir` (three companies, fifteen contracts), then:
    /// 1. pactoria: a company added, the care plan submitted, the flour agreement activated;
    /// 2. pactoria move: the drone survey to another company (a rename, on the record);
    /// 3. plain git, no trailers: a clause added to the shop terms (content), the Rotterdam
    ///    partnership's status set to active by hand (a transition git alone made);
    /// 4. a side branch terminating the Harbourside appointment, while main completes the lease;
    ///    merged with plain git (`--no-ff`);
    /// 5. not committed: a clause added to the website redesign, the shop terms retitled.
    /// Returns the adoption commit, the base for `check --base` and `review --base`.
    @discardableResult
    static func build(_ sb: Sandbox, _ dir: String = "demo") throws -> String {
        try LC.adopt(sb, dir)
        let base = try LC.head(sb, dir)
        func ok(_ args: [String]) throws {
            let r = try LC.run(sb, args, in: dir)
            try #require(r.exitCode == 0, "\(r)")
        }
        try ok(["company", "add", "Pennine Cache Works Ltd", "--slug", "pennine-cache"])
        try ok(["submit", LC.draftCare])
        try ok(["finalize", LC.pendingFlour])
        try ok(["activate", LC.pendingFlour])
        try ok(["move", LC.draftDrone, "--to", "brickline-digital"])
        try LC.appendClause(sb, LC.activeShop, in: dir)
        try LC.plainCommit(sb, "Shop terms: a quarterly meeting", in: dir, date: "2026-11-02T10:00:00Z")
        try LC.setField(sb, LC.pendingRotterdam, "status", "active", in: dir)
        try LC.plainCommit(sb, "Rotterdam partnership is live", in: dir, date: "2026-11-03T10:00:00Z")
        try #require(try sb.git(["checkout", "-q", "-b", "side"], in: dir).exitCode == 0)
        try ok(["terminate", LC.activeHarbour, "--reason", "Client cancelled the wharf project"])
        try #require(try sb.git(["checkout", "-q", "main"], in: dir).exitCode == 0)
        try ok(["complete", LC.activeLease, "--reason", "Lease surrendered early"])
        let merged = try LC.git(sb, ["merge", "-q", "--no-ff", "--no-edit", "-m", "Merge side", "side"], in: dir)
        try #require(merged.exitCode == 0, "\(merged)")
        try LC.appendClause(sb, LC.activeWebsite, in: dir)
        try LC.setField(sb, LC.activeShop, "title", "Online Shop Terms (edited by hand)", in: dir)
        return base
    }

    /// Every read verb, with the options that take another path through the code.
    static func verbs(base: String) -> [[String]] {
        [
            ["status"], ["status", "--json"], ["status", "--porcelain"],
            ["list", "--size", "100"], ["list", "--status", "active", "--size", "100"],
            ["list", "--search", "bridge"], ["list", "--json", "--size", "100"],
            ["show", LC.activeHarbour], ["show", LC.activeShop, "--json"], ["show", LC.pendingFlour, "--at", base],
            ["log"], ["log", "--json"], ["log", LC.pendingRotterdam], ["log", movedDrone, "--json"],
            ["audit"], ["audit", "--json"], ["audit", "--contract", movedDrone],
            ["audit", "--contract", LC.pendingRotterdam, "--json"],
            ["check"], ["check", "--base", base], ["check", "--base", base, "--format", "json"],
            ["review", "--base", base], ["review", "--base", base, "--format", "json"],
            ["diff", LC.activeWebsite], ["diff", movedDrone, base, "HEAD"],
            ["expiring", "--days", "3650", "--json"], ["company", "list", "--json"],
        ]
    }

    /// What a verb answers: its exit code and its standard output.
    struct Answer: Equatable, CustomStringConvertible {
        var exitCode: Int32
        var stdout: String
        var description: String { "exit \(exitCode)\n\(stdout)" }
    }

    /// "today" pinned, and the clock a few seconds on, so that the files just written are past
    /// git's racy window and the caches record them (as they would a minute later).
    static func environment(now: String) -> [String: String?] { ["PACTORIA_TODAY": LC.today, "PACTORIA_NOW": now] }

    static func clock() -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date().addingTimeInterval(4))
    }

    /// Runs `args`; never a crash, whatever the cache held.
    static func answer(_ sb: Sandbox, _ args: [String], in dir: String, now: String) throws -> Answer {
        let r = try sb.pactoria(args, in: dir, env: environment(now: now))
        for crash in ["Fatal error", "Stack dump", "Backtrace", "SIGILL", "SIGSEGV", "failed to allocate"] {
            #expect(!r.stderr.contains(crash), "\(r)")
        }
        return Answer(exitCode: r.exitCode, stdout: r.stdout)
    }

    /// Every verb once, in order.
    static func answers(_ sb: Sandbox, _ verbs: [[String]], in dir: String, now: String) throws -> [Answer] {
        try verbs.map { try answer(sb, $0, in: dir, now: now) }
    }

    /// Each verb on a cold start: the cache folder removed before each. With `warm`, each verb
    /// is run again at once and that answer passed to it.
    static func coldAnswers(
        _ sb: Sandbox, _ verbs: [[String]], in dir: String, now: String, warm: ((Answer) -> Void)? = nil
    ) throws -> [Answer] {
        try verbs.map { v in
            try remove(sb, dir)
            let cold = try answer(sb, v, in: dir, now: now)
            if let warm { warm(try answer(sb, v, in: dir, now: now)) }
            return cold
        }
    }

    static func remove(_ sb: Sandbox, _ dir: String) throws {
        let path = sb.path("\(dir)/\(folder)")
        if (try? FileManager.default.attributesOfItem(atPath: path)) != nil {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// Every regular file under the cache folder, by path relative to it.
    static func files(_ sb: Sandbox, _ dir: String) -> [String: [UInt8]] {
        let root = sb.path("\(dir)/\(folder)")
        var out: [String: [UInt8]] = [:]
        guard let walk = FileManager.default.enumerator(atPath: root) else { return [:] }
        while let rel = walk.nextObject() as? String {
            let path = root + "/" + rel
            guard
                (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            out[rel] = [UInt8](data)
        }
        return out
    }

    /// The cache folder made to hold exactly `files`.
    static func restore(_ sb: Sandbox, _ dir: String, _ files: [String: [UInt8]]) throws {
        try remove(sb, dir)
        let root = sb.path("\(dir)/\(folder)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (rel, bytes) in files {
            let url = URL(fileURLWithPath: root + "/" + rel)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    /// Ways to damage one file, each repeatable.
    enum Damage: String, CaseIterable {
        case emptied, halved, garbage, flippedByte, flippedHeaderByte, flippedLastByte

        func apply(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
            switch self {
            case .emptied: return []
            case .halved: return Array(bytes.prefix(bytes.count / 2))
            case .garbage:
                var state = seed | 1
                return bytes.map { _ in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 33)
                }
            case .flippedByte, .flippedHeaderByte, .flippedLastByte:
                guard !bytes.isEmpty else { return [0xff] }
                var b = bytes
                let at =
                    self == .flippedLastByte
                    ? b.count - 1 : self == .flippedHeaderByte ? Int(seed % 48) % b.count : Int(seed % UInt64(b.count))
                b[at] ^= 0xff
                return b
            }
        }
    }

    /// Compares verb by verb, naming the verb and the state.
    static func expectSame(
        _ got: [Answer], _ expected: [Answer], _ verbs: [[String]], _ state: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(got.count == expected.count, sourceLocation: sourceLocation)
        for (i, v) in verbs.enumerated() where i < got.count && i < expected.count {
            #expect(
                got[i] == expected[i],
                "pactoria \(v.joined(separator: " ")) — \(state):\n\(got[i])\n--- cold:\n\(expected[i])",
                sourceLocation: sourceLocation)
        }
    }
}

/// Issue #15: every cache is a cache. For every read verb, the answer (stdout and exit code) on
/// a cold start is the answer warm, after `.pactoria/cache` is removed, with any file in it
/// emptied, cut, overwritten or with a byte flipped, and with the folder replaced by a file.
/// The files damaged are whatever the folder holds at run time, not a fixed list, so caches
/// added later are covered. And a cache committed to the repository (a hostile pull request)
/// is never trusted by a clone.
@Suite("End to end: every cache is a cache")
struct CacheIsACacheTests {
    typealias Sandbox = E2E.Sandbox

    @Test("cold, warm, removed, and a file in the cache folder's place: the same answers")
    func coldWarmRemovedAndAFile() throws {
        try E2E.withSandbox { sb in
            let base = try CacheKit.build(sb)
            let verbs = CacheKit.verbs(base: base)
            let now = CacheKit.clock()
            var warm: [CacheKit.Answer] = []
            let cold = try CacheKit.coldAnswers(sb, verbs, in: "demo", now: now) { warm.append($0) }
            // The history really is there: the move, the hand-made transition, the merge.
            #expect(cold.allSatisfy { $0.exitCode == 0 || $0.exitCode == 1 }, "\(cold)")
            #expect(cold[verbs.firstIndex(of: ["audit"])!].stdout.contains("moved"), "\(cold)")

            // Warm: each verb right after its own cold run, then all of them again in a row.
            CacheKit.expectSame(warm, cold, verbs, "warm (the same verb twice)")
            CacheKit.expectSame(try CacheKit.answers(sb, verbs, in: "demo", now: now), cold, verbs, "all warm")
            let cached = CacheKit.files(sb, "demo")
            #expect(cached.keys.filter { $0 != "write.lock" }.count >= 3, "\(cached.keys.sorted())")

            // Removed once, then every verb in a row (each finding what the ones before left).
            try CacheKit.remove(sb, "demo")
            CacheKit.expectSame(try CacheKit.answers(sb, verbs, in: "demo", now: now), cold, verbs, "after rm -rf")

            // A regular file where the folder was: Pactoria works without a cache.
            try CacheKit.remove(sb, "demo")
            try sb.write("not a folder\n", to: "demo/\(CacheKit.folder)")
            CacheKit.expectSame(
                try CacheKit.answers(sb, verbs, in: "demo", now: now), cold, verbs, ".pactoria/cache is a file")
            #expect(try sb.read("demo/\(CacheKit.folder)") == "not a folder\n")
        }
    }

    @Test("every file in the cache folder emptied, cut, overwritten or with a byte flipped: the same answers")
    func everyFileDamaged() throws {
        try E2E.withSandbox { sb in
            let base = try CacheKit.build(sb)
            let verbs = CacheKit.verbs(base: base)
            let now = CacheKit.clock()
            let cold = try CacheKit.coldAnswers(sb, verbs, in: "demo", now: now)
            _ = try CacheKit.answers(sb, verbs, in: "demo", now: now)
            let warm = CacheKit.files(sb, "demo")
            #expect(warm.count >= 4, "\(warm.keys.sorted())")

            // All files damaged alike, restored before each verb (a verb rebuilds what it reads).
            for damage in CacheKit.Damage.allCases {
                var damaged: [String: [UInt8]] = [:]
                for (n, (rel, bytes)) in warm.sorted(by: { $0.key < $1.key }).enumerated() {
                    damaged[rel] = damage.apply(bytes, seed: UInt64(n + 1) &* 0x9E37_79B9_7F4A_7C15)
                }
                var got: [CacheKit.Answer] = []
                for v in verbs {
                    try CacheKit.restore(sb, "demo", damaged)
                    got.append(try CacheKit.answer(sb, v, in: "demo", now: now))
                }
                CacheKit.expectSame(got, cold, verbs, "every cache file \(damage.rawValue)")
            }
        }
    }

    @Test("a cache committed to the repository (a hostile pull request) is not trusted by a clone")
    func aCommittedCacheIsNotTrusted() throws {
        try E2E.withSandbox { sb in
            // The attacker's workspace: caches made at one state, committed with a later one.
            let base = try CacheKit.build(sb, "attacker")
            let verbs = CacheKit.verbs(base: base)
            let now = CacheKit.clock()
            _ = try CacheKit.answers(sb, verbs, in: "attacker", now: now)
            let stale = CacheKit.files(sb, "attacker")
            #expect(!stale.isEmpty)
            try LC.plainCommit(sb, "Work in progress", in: "attacker")
            try LC.setField(sb, LC.activeWebsite, "status", "terminated", in: "attacker")
            try LC.setField(sb, LC.completedSteel, "title", "Steel Fabrication (retitled)", in: "attacker")
            try LC.plainCommit(sb, "Quietly terminate the redesign", in: "attacker")
            try CacheKit.restore(sb, "attacker", stale.filter { $0.key != "write.lock" })
            #expect(try LC.git(sb, ["add", "-f", CacheKit.folder], in: "attacker").exitCode == 0)
            try LC.plainCommit(sb, "Speed up CI", in: "attacker")
            let tracked = try sb.git(["ls-files", CacheKit.folder], in: "attacker").lines
            #expect(tracked.count == stale.count - (stale["write.lock"] == nil ? 0 : 1), "\(tracked)")
            #expect(try sb.git(["clone", "-q", "--bare", "attacker", "origin.git"]).exitCode == 0)

            // The reviewer clones it: the committed files are checked out into the cache folder.
            let cloned = try LC.run(sb, ["clone", sb.path("origin.git"), "reviewer"], in: "")
            #expect(cloned.exitCode == 0, "\(cloned)")
            #expect(try sb.git(["ls-files", CacheKit.folder], in: "reviewer").lines == tracked)
            let first = try CacheKit.answers(sb, verbs, in: "reviewer", now: now)
            let keys = try ["attacker", "reviewer"].map { try sb.read("\($0)/.git/pactoria/cache-key") }
            #expect(keys[0] != keys[1])

            // The same clone's answers with no cache at all, verb by verb, and warm.
            let cold = try CacheKit.coldAnswers(sb, verbs, in: "reviewer", now: now)
            CacheKit.expectSame(first, cold, verbs, "the committed cache as cloned")
            CacheKit.expectSame(try CacheKit.answers(sb, verbs, in: "reviewer", now: now), cold, verbs, "warm")

            // The forged files, put back after the reviewer's own caches exist: still strangers.
            try CacheKit.restore(sb, "reviewer", stale.filter { $0.key != "write.lock" })
            CacheKit.expectSame(
                try CacheKit.answers(sb, verbs, in: "reviewer", now: now), cold, verbs, "the committed cache restored")
            // And no notice calls them damaged: they are not damage, only not this workspace's.
            try CacheKit.restore(sb, "reviewer", stale.filter { $0.key != "write.lock" })
            let status = try LC.run(sb, ["status"], in: "reviewer")
            #expect(!status.stderr.contains("damaged"), "\(status)")
        }
    }
}
