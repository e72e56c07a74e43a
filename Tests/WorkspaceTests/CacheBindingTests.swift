import Foundation
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15: a cache file is bound to its workspace's cache folder (the key in
/// `<git dir>/pactoria/cache-key`, never cloned), so a file from anywhere else (a committed
/// `.pactoria/cache/…` in a clone, a copy) is read as missing, silently; and `check` has the
/// `cache-tracked` rule that names a tracked cache file.
@Suite("Integrity: cache files are bound to their folder")
struct CacheBindingTests {
    /// A fresh workspace (one commit) in a temporary directory.
    static func workspace() throws -> String {
        Hermetic.setUp()
        let root = NSTemporaryDirectory() + "pactoria-binding-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        return root
    }

    static func cachePath(_ root: String, _ name: String) -> String { root + "/.pactoria/cache/" + name }

    static func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    @Test func aCacheFileCopiedFromAnotherWorkspaceReadsAsMissingAndIsLeftAlone() throws {
        let a = try Self.workspace()
        let b = try Self.workspace()
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let payload = Array("every cache is a cache\n".utf8)
        CacheFile.write(payload, to: Self.cachePath(a, "probe-v1"), name: "probe-v1", version: 1)
        #expect(CacheFile.read(Self.cachePath(a, "probe-v1"), name: "probe-v1", version: 1) == payload)
        let written = try #require(Self.bytes(Self.cachePath(a, "probe-v1")))

        // The key is 32 hex digits and a newline in the git directory, and each workspace has its own.
        let keyA = try #require(Self.bytes(a + "/.git/pactoria/cache-key"))
        #expect(keyA.count == 33 && keyA.last == 0x0A)
        #expect(Array(written[8..<24]) == CacheFile.key(folder: a + "/.pactoria/cache", create: false))

        // Copied byte for byte into another workspace (before it has a key, then after).
        try FileManager.default.createDirectory(atPath: b + "/.pactoria/cache", withIntermediateDirectories: true)
        try Data(written).write(to: URL(fileURLWithPath: Self.cachePath(b, "probe-v1")))
        #expect(CacheFile.read(Self.cachePath(b, "probe-v1"), name: "probe-v1", version: 1) == nil)
        CacheFile.write(Array("b's own".utf8), to: Self.cachePath(b, "other-v1"), name: "other-v1", version: 1)
        #expect(try #require(Self.bytes(b + "/.git/pactoria/cache-key")) != keyA)
        #expect(CacheFile.read(Self.cachePath(b, "probe-v1"), name: "probe-v1", version: 1) == nil)
        // Not damage: a damaged file is removed, a stranger is left for the rebuild to replace.
        #expect(Self.bytes(Self.cachePath(b, "probe-v1")) == written)
        #expect(CacheFile.read(Self.cachePath(b, "other-v1"), name: "other-v1", version: 1) == Array("b's own".utf8))

        // Its own workspace losing its key (as a fresh clone has none) trusts none of its files.
        unlink(a + "/.git/pactoria/cache-key")
        #expect(CacheFile.read(Self.cachePath(a, "probe-v1"), name: "probe-v1", version: 1) == nil)
        #expect(Self.bytes(Self.cachePath(a, "probe-v1")) == written)
        // The next write makes a new key; the old file stays a stranger.
        CacheFile.write(payload, to: Self.cachePath(a, "fresh-v1"), name: "fresh-v1", version: 1)
        #expect(try #require(Self.bytes(a + "/.git/pactoria/cache-key")) != keyA)
        #expect(CacheFile.read(Self.cachePath(a, "probe-v1"), name: "probe-v1", version: 1) == nil)
        #expect(CacheFile.read(Self.cachePath(a, "fresh-v1"), name: "fresh-v1", version: 1) == payload)
    }

    @Test func aKeyThatIsNotWellFormedIsReplacedAndTrustsNothing() throws {
        let a = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: a) }
        try FileManager.default.createDirectory(atPath: a + "/.git/pactoria", withIntermediateDirectories: true)
        for bad in ["", "zz\n", String(repeating: "0", count: 32), String(repeating: "A", count: 32) + "\n"] {
            try bad.write(toFile: a + "/.git/pactoria/cache-key", atomically: true, encoding: .utf8)
            #expect(CacheFile.key(folder: a + "/.pactoria/cache", create: false) == nil, "\(bad)")
            let key = try #require(CacheFile.key(folder: a + "/.pactoria/cache", create: true))
            #expect(CacheFile.key(folder: a + "/.pactoria/cache", create: false) == key)
        }
        // Only a workspace's own cache folder has a key.
        #expect(CacheFile.key(folder: a + "/elsewhere", create: true) == nil)
    }

    @Test func aLinkedWorktreeHasItsOwnKey() throws {
        let a = try Self.workspace()
        let linked = a + "-linked"
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: linked)
        }
        _ = try runGit(a, ["worktree", "add", "-q", "-b", "linked", linked])
        let main = try #require(CacheFile.key(folder: a + "/.pactoria/cache", create: true))
        let other = try #require(CacheFile.key(folder: linked + "/.pactoria/cache", create: true))
        #expect(main != other)
        #expect(
            FileManager.default.fileExists(
                atPath: a + "/.git/worktrees/" + (linked as NSString).lastPathComponent + "/pactoria/cache-key"))
    }

    // The framing, over many generated files: a frame reads back under its own key; under any
    // other key, or with any bit of its binding flipped, it is missing (never damaged, never
    // a payload); any other single flipped bit is damage or, in the binding, missing.
    @Test func framesReadOnlyUnderTheirOwnKey() {
        var rng = SplitMix64(seed: 0x15CA_C4E5)
        for round in 0..<300 {
            let key = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let other = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let name = ["dirs-v1", "summaries-v4", "history-v1", "x", String(repeating: "n", count: 40)][round % 5]
            let payload = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let version = UInt32.random(in: 0...3, using: &rng)
            let frame = CacheFile.frame(payload, name: name, version: version, binding: key)
            #expect(CacheFile.unframe(frame, name: name, version: version, binding: key) == .payload(payload))
            #expect(CacheFile.unframe(frame, name: name, version: version, binding: other) == .missing)
            let bit = Int.random(in: 0..<(frame.count * 8), using: &rng)
            var flipped = frame
            flipped[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
            let got = CacheFile.unframe(flipped, name: name, version: version, binding: key)
            if (8..<24).contains(bit / 8) {
                #expect(got == .missing, "bit \(bit)")
            } else if case .damaged = got {
            } else {
                Issue.record("bit \(bit) of \(frame.count * 8) flipped: \(got)")
            }
            // Cut anywhere: never a payload.
            let cut = Int.random(in: 0..<frame.count, using: &rng)
            if case .payload = CacheFile.unframe(Array(frame.prefix(cut)), name: name, version: version, binding: key) {
                Issue.record("cut at \(cut) read as a payload")
            }
        }
    }

    // MARK: - check: cache-tracked

    @Test func cachePathsAreFoundInAnySpellingThatChecksOutThere() {
        for path in [
            ".pactoria/cache", ".pactoria/cache/dirs-v1", ".pactoria/cache/history/ab/cd", ".Pactoria/CACHE/x",
            ".pactoria/cache./x", ".pactoria /cache/x", ".pac\u{200C}toria/ca\u{FEFF}che/x", ".pactoria//cache/x",
        ] {
            #expect(Check.isCachePath(path), "\(path)")
        }
        for path in [
            ".pactoria/config.yaml", ".pactoria/cached/x", ".pactoria/cache-x", "companies/.pactoria/cache/x",
            "pactoria/cache/x", ".pactoria", "cache/x", ".pactoria/hooks/cache", ".pactorià/cache/x",
        ] {
            #expect(!Check.isCachePath(path), "\(path)")
        }
        let found = Check.cacheTrackedFindings(
            paths: ["companies/a/contracts/x.yaml", ".pactoria/cache/summaries-v4", ".PACTORIA/cache/dirs-v1"],
            commit: nil)
        #expect(found.map(\.file) == [".PACTORIA/cache/dirs-v1", ".pactoria/cache/summaries-v4"])
        #expect(found.allSatisfy { $0.rule == "cache-tracked" && $0.severity == .error })
        #expect(found.first?.message.contains("take it out of the repository") == true)
    }

    @Test func aTreeWithATrackedCacheFileIsAnError() throws {
        let a = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: a) }
        let ws = try Workspace.open(root: a)
        func headTree() throws -> ObjectID {
            let repo = try ws.repository()
            return try repo.treeID(ofCommit: try repo.resolveCommit("HEAD"))
        }
        #expect(try Check.cacheTrackedFindings(try ws.repository(), tree: try headTree()).isEmpty)

        // A forged cache, committed with force (the folder is git-ignored), in two spellings.
        CacheFile.write(Array("forged".utf8), to: Self.cachePath(a, "summaries-v4"), name: "summaries-v4", version: 3)
        try FileManager.default.createDirectory(
            atPath: a + "/.pactoria/cache/history", withIntermediateDirectories: true)
        try "x".write(toFile: a + "/.pactoria/cache/history/ab", atomically: true, encoding: .utf8)
        _ = try runGit(a, ["add", "-f", ".pactoria/cache/summaries-v4", ".pactoria/cache/history/ab"])
        try FileManager.default.createDirectory(atPath: a + "/.PACTORIA/Cache", withIntermediateDirectories: true)
        try "y".write(toFile: a + "/.PACTORIA/Cache/dirs-v1", atomically: true, encoding: .utf8)
        _ = try runGit(a, ["add", "-f", ".PACTORIA/Cache/dirs-v1"])
        _ = try runGit(a, ["commit", "-q", "-m", "Speed up CI"])
        let found = try Check.cacheTrackedFindings(try ws.repository(), tree: try headTree())
        #expect(
            found.map(\.file) == [
                ".PACTORIA/Cache/dirs-v1", ".pactoria/cache/history/ab", ".pactoria/cache/summaries-v4",
            ], "\(found)")
        #expect(found.allSatisfy { $0.rule == Check.Rule.cacheTracked && $0.commit == nil })

        // `.pactoria/cache` committed as a file instead of a folder is named too.
        _ = try runGit(a, ["rm", "-q", "-r", "--cached", ".pactoria/cache", ".PACTORIA"])
        try FileManager.default.removeItem(atPath: a + "/.pactoria/cache")
        try "not a folder".write(toFile: a + "/.pactoria/cache", atomically: true, encoding: .utf8)
        _ = try runGit(a, ["add", "-f", ".pactoria/cache"])
        _ = try runGit(a, ["commit", "-q", "-m", "A file"])
        #expect(
            try Check.cacheTrackedFindings(try ws.repository(), tree: try headTree()).map(\.file) == [".pactoria/cache"]
        )
    }
}
