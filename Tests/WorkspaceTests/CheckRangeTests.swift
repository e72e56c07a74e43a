import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15 (check): `check --base` and `review --base` diff each commit's trees skipping the
/// folders that did not change, and answer a HEAD already checked from the tree-keyed cache. On
/// seeded random histories (edits, lifecycle changes, renames, deletions, files turned into
/// links, hostile bytes, hooks and protected files, merges of side branches) the findings and
/// the review are exactly those of the old path: libgit2's diff reading every entry, with no
/// cache.
@Suite("Check: --base on generated histories equals the old path")
struct CheckRangeTests {
    static let hostile: [[UInt8]] = [
        [0x0D], [0x0A], [0x00], Array("\u{2028}".utf8), [0xC3], [0xFF], Array(": ".utf8), Array("- ".utf8),
        Array("\"".utf8), Array("#".utf8), Array("status: draft\n".utf8), Array("[".utf8),
    ]

    /// The contract stems (company/contracts/stem) of the working tree.
    static func stems(_ root: String) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for c in ((try? fm.contentsOfDirectory(atPath: root + "/companies")) ?? []).sorted() {
            let dir = root + "/companies/" + c + "/contracts"
            for f in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() where f.hasSuffix(".yaml") {
                out.append("companies/\(c)/contracts/" + String(f.dropLast(5)))
            }
        }
        return out
    }

    static func bytes(_ root: String, _ path: String) -> [UInt8] {
        (try? Data(contentsOf: URL(fileURLWithPath: root + "/" + path))).map(Array.init) ?? []
    }

    static func put(_ root: String, _ path: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// One random change to the working tree.
    static func change(_ root: String, _ rng: inout SplitMix64, step: Int) throws {
        let all = stems(root)
        guard !all.isEmpty else { return }
        let s = all[Int(rng.next() % UInt64(all.count))]
        let fm = FileManager.default
        switch rng.next() % 10 {
        case 0, 1:  // a lifecycle or field edit
            let text = String(decoding: bytes(root, s + ".yaml"), as: UTF8.self)
            let edits = [
                ("status: draft", "status: active"), ("status: active", "status: terminated"),
                ("status: active", "status: expired"), ("title: ", "title: Renamed "), ("version: 1", "version: 2"),
            ]
            let (a, b) = edits[Int(rng.next() % UInt64(edits.count))]
            try put(root, s + ".yaml", Array(text.replacingOccurrences(of: a, with: b).utf8))
        case 2:  // the content changed
            try put(root, s + ".md", bytes(root, s + ".md") + Array("\n## Added \(step)\n\nText.\n".utf8))
        case 3:  // renamed (same company or another)
            let companies = all.map { $0.split(separator: "/")[1] }
            let to = "companies/\(companies[Int(rng.next() % UInt64(companies.count))])/contracts/moved-\(step)"
            for ext in [".yaml", ".md"] where fm.fileExists(atPath: root + "/" + s + ext) {
                try fm.moveItem(atPath: root + "/" + s + ext, toPath: root + "/" + to + ext)
            }
        case 4:  // deleted, wholly or one half
            for ext in [".yaml", ".md"] where rng.next() % 3 != 0 { try? fm.removeItem(atPath: root + "/" + s + ext) }
        case 5:  // a file turned into a symbolic link
            let ext = rng.next() % 2 == 0 ? ".md" : ".yaml"
            try? fm.removeItem(atPath: root + "/" + s + ext)
            try fm.createSymbolicLink(atPath: root + "/" + s + ext, withDestinationPath: "/etc/passwd")
        case 6:  // hostile bytes
            var b = bytes(root, s + ".yaml")
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(b.count + 1))
                b.insert(contentsOf: hostile[Int(rng.next() % UInt64(hostile.count))], at: at)
            }
            try put(root, s + ".yaml", b)
        case 7:  // a hook, a protected file, or a company record removed
            switch rng.next() % 3 {
            case 0: try put(root, ".pactoria/hooks/post-\(step).sh", Array("echo \(step)\n".utf8))
            case 1: try put(root, ".gitignore", bytes(root, ".gitignore") + Array("tmp-\(step)/\n".utf8))
            default:
                let company = s.split(separator: "/")[1]
                try? fm.removeItem(atPath: root + "/companies/\(company)/company.yaml")
            }
        case 8:  // a new contract copied from another (a duplicate id)
            try put(root, "companies/new-co-\(step % 3)/contracts/copy-\(step).yaml", bytes(root, s + ".yaml"))
        default:  // a symbolic link turned back into a file, or a plain edit
            let ext = ".md"
            try? fm.removeItem(atPath: root + "/" + s + ext)
            try put(root, s + ext, Array("# Back \(step)\n".utf8))
        }
    }

    static func commit(_ root: String, _ message: String) throws {
        _ = try runGit(root, ["add", "-A", "-f", "."])
        _ = try runGit(root, ["commit", "-q", "--no-verify", "--allow-empty", "-m", message])
    }

    struct Answer: Equatable {
        var findings: [Check.Finding]
        var contracts: Int
        var commits: Int
        var review: String
    }

    /// The check and the review of `base..HEAD`: through libgit2's diff without caches (`old`),
    /// or as shipped.
    static func answer(_ root: String, base: String, old: Bool) throws -> Answer {
        if old { try? FileManager.default.removeItem(atPath: root + "/" + Workspace.cacheDirectory) }
        let ws = try Workspace.open(root: root)
        try ws.repository().readsEveryEntry = old
        let report = try Check.run(ws, base: base)
        if old { try? FileManager.default.removeItem(atPath: root + "/" + Workspace.cacheDirectory) }
        let review = try Review.run(ws, base: base)
        var text = ""
        for c in review.contracts {
            text += "\(c.kind) \(c.ref) \(c.previousRef.map { "\($0)" } ?? "-") \(c.id) \(c.title) \(c.company)"
            text += " \(c.statusFrom ?? "-")>\(c.statusTo ?? "-") \(c.versionFrom ?? -1)>\(c.versionTo ?? -1)"
            text += " \(c.fieldChanges) \(c.sections) \(c.compliance) \(c.findings)\n"
        }
        text += "\(review.commits) \(review.check.findings == report.findings)"
        if old { try? FileManager.default.removeItem(atPath: root + "/" + Workspace.cacheDirectory) }
        return Answer(
            findings: report.findings, contracts: report.contractsChecked, commits: report.commitsChecked, review: text)
    }

    @Test("seeded random histories with merges: check and review --base equal the old path")
    func randomHistories() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        var rng = SplitMix64(seed: 0x15C)
        let start = try RulesKit.head(root)
        let branch = try runGit(root, ["rev-parse", "--abbrev-ref", "HEAD"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        for step in 0..<30 {
            if step % 7 == 6 {
                // A side branch from a few commits back, merged with a merge commit.
                _ = try runGit(root, ["checkout", "-q", "-b", "side-\(step)", "HEAD~2"])
                try Self.change(root, &rng, step: step * 100)
                try Self.commit(root, "Side \(step)")
                _ = try runGit(root, ["checkout", "-q", "-f", branch])
                if (try? runGit(root, ["merge", "-q", "--no-ff", "--no-edit", "side-\(step)"])) == nil {
                    _ = try? runGit(root, ["merge", "--abort"])
                    _ = try runGit(root, ["reset", "-q", "--hard"])
                }
                continue
            }
            try Self.change(root, &rng, step: step)
            try Self.commit(root, "Step \(step)")
        }
        var merges = 0
        for line in try runGit(root, ["rev-list", "--parents", "HEAD"]).split(separator: "\n")
        where line.split(separator: " ").count > 2 {
            merges += 1
        }
        #expect(merges > 0, "the history has no merge")
        for base in [start, "HEAD~1", "HEAD~3", "HEAD~10", "HEAD~20"] {
            let old = try Self.answer(root, base: base, old: true)
            let cold = try Self.answer(root, base: base, old: false)
            let warm = try Self.answer(root, base: base, old: false)
            #expect(cold == old, "base \(base)")
            #expect(warm == old, "base \(base)")
        }
        #expect(try Self.answer(root, base: start, old: true).findings.count > 10)
    }
}
