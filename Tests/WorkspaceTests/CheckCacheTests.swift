import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15 (check): `check` reads HEAD's tree through the blob-keyed validation cache and walks
/// only the commits of the range. The findings are exactly the uncached ones, in the same order:
/// cold, warm, with a damaged or forged cache, and against the check as it was before the cache.
@Suite("Check: validation cache and rev-walk")
struct CheckCacheTests {
    /// The tree check as it was before the cache (kept here as the reference; the one
    /// difference: duplicate ids are listed by id, where the old loop followed a dictionary's
    /// unspecified order).
    static func reference(_ repo: Repository, _ tree: ObjectID) throws -> ([Check.Finding], Int) {
        typealias Finding = Check.Finding
        let files = try repo.files(inTree: tree, under: "companies")
        var findings: [Finding] = []
        for e in try repo.nonPlainEntries(inTree: tree) {
            findings.append(
                Finding(
                    file: e.path, line: nil, commit: nil, rule: Check.Rule.notRegular,
                    message: "\(e.path) is a \(e.mode.description); only regular files belong in the workspace"))
        }
        if let problem = Check.requiredFileProblem(Workspace.configPath, deleted: false, repo: repo, tree: tree) {
            findings.append(
                Finding(
                    file: Workspace.configPath, line: nil, commit: nil, rule: Check.Rule.requiredFile,
                    message: problem.replacingOccurrences(of: "; restore it from the commit before", with: "")))
        }
        var companies = Set<String>()
        for path in files.keys {
            let parts = path.split(separator: "/")
            if parts.count > 2 { companies.insert(String(parts[1])) }
        }
        for c in companies.sorted() where files["companies/\(c)/company.yaml"] == nil {
            findings.append(
                Finding(
                    file: "companies/\(c)/company.yaml", line: nil, commit: nil, rule: Check.Rule.requiredFile,
                    message: "company '\(c)' has contracts but no company.yaml"))
        }
        var ids: [String: [ContractRef]] = [:]
        var count = 0
        for (path, blob) in files.sorted(by: { $0.key < $1.key }) {
            guard let ref = ContractRef(path: path) else { continue }
            let raw = (try? repo.blob(blob)) ?? []
            if let offset = TextRules.invalidUTF8Offset(raw) {
                findings.append(
                    Finding(
                        file: path, line: nil, commit: nil, rule: Check.Rule.invalidText,
                        message: "invalid UTF-8 at byte \(offset)"))
                continue
            }
            if path.hasSuffix(".md") {
                if files[ref.yamlPath] == nil {
                    findings.append(
                        Finding(
                            file: path, line: nil, commit: nil, rule: "orphan-content",
                            message: "content without metadata: \(ref.yamlPath) is missing"))
                }
                continue
            }
            count += 1
            let text = String(decoding: raw, as: UTF8.self)
            do {
                let loaded = try Workspace.decodeContract(ref: ref, text: text)
                for p in loaded.problems {
                    findings.append(
                        Finding(
                            file: p.file, line: p.line, commit: nil, rule: "invalid-metadata",
                            message: Check.fieldMessage(p)))
                }
                if !loaded.contract.id.isEmpty { ids[loaded.contract.id.lowercased(), default: []].append(ref) }
            } catch {
                findings.append(Check.finding(from: error, file: path, commit: nil))
            }
        }
        for (id, refs) in ids.sorted(by: { $0.key < $1.key }) where refs.count > 1 {
            for r in refs {
                findings.append(
                    Finding(
                        file: r.yamlPath, line: nil, commit: nil, rule: Check.Rule.duplicateID,
                        message:
                            "id \(id) is also used by \(refs.filter { $0 != r }.map(\.description).joined(separator: ", "))"
                    ))
            }
        }
        return (findings, count)
    }

    static func commit(_ root: String, _ message: String) throws {
        _ = try runGit(root, ["add", "-A", "-f", "companies"])
        _ = try runGit(root, ["commit", "-q", "--no-verify", "--allow-empty", "-m", message])
    }

    static func write(_ root: String, _ path: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    static let shop = "companies/ancoats-bakehouse/contracts/online-shop-terms-and-conditions"
    static let cachePath = "/" + Workspace.cacheDirectory + "/" + ValidationCache.name
    static let treePath = "/" + Workspace.cacheDirectory + "/" + ValidationCache.TreeResult.name

    /// Every kind of finding the tree check makes, committed with plain git.
    static func plantProblems(_ root: String) throws {
        let valid = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + shop + ".yaml")))
        let text = String(decoding: valid, as: UTF8.self)
        let dir = "companies/ancoats-bakehouse/contracts/"
        // Invalid YAML, a duplicate id, an orphan .md, invalid UTF-8 in both kinds, a bad status,
        // a bad file name, a symbolic link, a company without company.yaml.
        try write(root, dir + "broken.yaml", Array("id: [unclosed\ntitle: x\n".utf8))
        try write(root, dir + "copy-of-the-shop-terms.yaml", valid)
        try write(root, dir + "orphan.md", Array("# Orphan\n".utf8))
        try write(root, dir + "latin1.md", [0x23, 0x20, 0xE9, 0x0A])
        try write(root, dir + "latin1.yaml", Array("title: caf".utf8) + [0xE9, 0x0A])
        try write(
            root, dir + "bad-status.yaml",
            Array(
                text.replacingOccurrences(of: "status: active", with: "status: frozen\u{2028}").replacingOccurrences(
                    of: "2ea75bda", with: "3ea75bda"
                ).utf8))
        try write(
            root, dir + "Upper_Case.yaml", Array(text.replacingOccurrences(of: "2ea75bda", with: "4ea75bda").utf8))
        try write(
            root, "companies/ghost-ltd/contracts/thing.yaml",
            Array(text.replacingOccurrences(of: "2ea75bda", with: "5ea75bda").utf8))
        try FileManager.default.createSymbolicLink(
            atPath: root + "/" + dir + "link.md", withDestinationPath: "/etc/passwd")
        try commit(root, "Plant problems")
    }

    func findings(_ root: String, cached: Bool) throws -> ([Check.Finding], Int) {
        let repo = try Repository.open(at: root)
        let tree = try repo.treeID(ofCommit: try #require(try repo.headCommitID()))
        return try Check.validateTree(repo, tree, cacheRoot: cached ? root : nil)
    }

    @Test("cold, warm, damaged, forged and uncached checks find exactly what the reference finds")
    func sameFindings() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        try Self.plantProblems(root)
        let repo = try Repository.open(at: root)
        let tree = try repo.treeID(ofCommit: try #require(try repo.headCommitID()))
        let (expected, count) = try Self.reference(repo, tree)
        for rule in [
            "invalid-yaml", "duplicate-id", "orphan-content", "invalid-utf8", "invalid-metadata",
            "not-a-regular-file", "required-file",
        ] {
            #expect(expected.contains { $0.rule == rule }, "the fixture lacks \(rule)")
        }
        try? FileManager.default.removeItem(atPath: root + "/" + Workspace.cacheDirectory)
        let uncached = try findings(root, cached: false)
        #expect(uncached.0 == expected && uncached.1 == count)
        let cold = try findings(root, cached: true)
        #expect(cold.0 == expected && cold.1 == count)
        #expect(FileManager.default.fileExists(atPath: root + Self.cachePath))
        let warm = try findings(root, cached: true)
        #expect(warm.0 == expected && warm.1 == count)
        // The tree's result was cached too; damaged, it is discarded and rebuilt.
        var treeBytes = Array(try Data(contentsOf: URL(fileURLWithPath: root + Self.treePath)))
        treeBytes[treeBytes.count - 3] ^= 0x55
        try Data(treeBytes).write(to: URL(fileURLWithPath: root + Self.treePath))
        let damagedTree = try findings(root, cached: true)
        #expect(damagedTree.0 == expected && damagedTree.1 == count)
        #expect(try findings(root, cached: true).0 == expected)
        // Without it, the per-file cache answers (and is what the damage below reaches).
        try FileManager.default.removeItem(atPath: root + Self.treePath)
        #expect(try findings(root, cached: true).0 == expected)
        try FileManager.default.removeItem(atPath: root + Self.treePath)
        // A flipped byte: discarded, rebuilt, same answer.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: root + Self.cachePath)))
        bytes[bytes.count / 2] ^= 0x55
        try Data(bytes).write(to: URL(fileURLWithPath: root + Self.cachePath))
        let damaged = try findings(root, cached: true)
        #expect(damaged.0 == expected && damaged.1 == count)
        // Truncated.
        try FileManager.default.removeItem(atPath: root + Self.treePath)
        try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: root + Self.cachePath))
        #expect(try findings(root, cached: true).0 == expected)
        // The whole check agrees with and without its cache.
        let ws = try Workspace.open(root: root)
        let a = try Check.run(ws)
        try? FileManager.default.removeItem(atPath: root + "/" + Workspace.cacheDirectory)
        let b = try Check.run(ws)
        #expect(a.findings == b.findings && a.contractsChecked == b.contractsChecked)
    }

    @Test("a cache that came with the clone (tracked in HEAD) is neither read nor written")
    func trackedCacheIgnored() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        try Self.plantProblems(root)
        let repo = try Repository.open(at: root)
        let tree = try repo.treeID(ofCommit: try #require(try repo.headCommitID()))
        // A forged cache saying every file is clean, framed as Pactoria would frame it.
        var forged = ValidationCache()
        for (path, blob) in try repo.files(inTree: tree, under: "companies") where ContractRef(path: path) != nil {
            forged.entries[path] = .init(
                blob: blob, verdict: path.hasSuffix(".md") ? .markdown : .contract(id: "", findings: []))
        }
        // Framed with this workspace's own key, as if the forger knew it: the tracked file must
        // still be ignored by the validation cache itself.
        let key = try #require(CacheFile.key(folder: root + "/" + Workspace.cacheDirectory, create: true))
        let framed = CacheFile.frame(
            forged.encode(), name: ValidationCache.name, version: ValidationCache.version, binding: key)
        try Self.write(root, String(Self.cachePath.dropFirst()), framed)
        _ = try runGit(root, ["add", "-f", String(Self.cachePath.dropFirst())])
        _ = try runGit(root, ["commit", "-q", "--no-verify", "-m", "Ship a cache"])
        let head = try repo.treeID(ofCommit: try #require(try repo.headCommitID()))
        let (expected, _) = try Self.reference(repo, head)
        #expect(!expected.isEmpty)
        #expect(try findings(root, cached: true).0 == expected)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: root + Self.cachePath))) == framed)
    }

    @Test("a changed, renamed or removed file is read again; the cache keeps only the last tree")
    func changesAfterWarm() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        _ = try findings(root, cached: true)
        let dir = "companies/ancoats-bakehouse/contracts/"
        // Same blob, new (invalid) name: the file-name finding must appear.
        _ = try runGit(root, ["mv", Self.shop + ".yaml", dir + "Renamed_Terms.yaml"])
        _ = try runGit(root, ["mv", Self.shop + ".md", dir + "Renamed_Terms.md"])
        try RulesKit.replace(root, RulesKit.yaml(RulesKit.draftCare), "status: draft", "status: nonsense")
        try Self.commit(root, "Rename and break")
        let repo = try Repository.open(at: root)
        let tree = try repo.treeID(ofCommit: try #require(try repo.headCommitID()))
        let (expected, _) = try Self.reference(repo, tree)
        #expect(expected.contains { $0.file == dir + "Renamed_Terms.yaml" })
        #expect(expected.contains { $0.message.contains("nonsense") })
        #expect(try findings(root, cached: true).0 == expected)
        #expect(try findings(root, cached: true).0 == expected)
        let payload = try #require(CacheFile.read(root + Self.cachePath, name: ValidationCache.name, version: 1))
        let cache = try #require(ValidationCache.decode(payload))
        let paths = Set(try repo.files(inTree: tree, under: "companies").keys.filter { ContractRef(path: $0) != nil })
        #expect(Set(cache.entries.keys) == paths)
    }

    @Test("seeded random contracts: the cached check equals the reference, cold and warm")
    func randomContracts() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let base = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + Self.shop + ".yaml")))
        var rng = SplitMix64(seed: 15)
        let hostile: [[UInt8]] = [
            [0x0D], [0x0A], [0x00], Array("\u{2028}".utf8), [0xC3], [0xFF], Array(": ".utf8), Array("- ".utf8),
            Array("\"".utf8), Array("'".utf8), Array("#".utf8), Array("  ".utf8), Array("id: ".utf8),
            Array("status: draft\n".utf8), Array("[".utf8), Array("{".utf8),
        ]
        for round in 0..<3 {
            for i in 0..<40 {
                var bytes = base
                for _ in 0..<Int(rng.next() % 4) {
                    let at = Int(rng.next() % UInt64(bytes.count + 1))
                    switch rng.next() % 3 {
                    case 0: bytes.insert(contentsOf: hostile[Int(rng.next() % UInt64(hostile.count))], at: at)
                    case 1:
                        if at < bytes.count { bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 40))) }
                    default: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: rng.next()) }
                    }
                }
                let stem = rng.next() % 5 == 0 ? "Random_\(i)" : "random-\(i)"
                try Self.write(root, "companies/ancoats-bakehouse/contracts/\(stem).yaml", bytes)
                if rng.next() % 3 == 0 {
                    try Self.write(root, "companies/ancoats-bakehouse/contracts/\(stem).md", Array(bytes.prefix(30)))
                }
            }
            try Self.commit(root, "Random round \(round)")
            let repo = try Repository.open(at: root)
            let tree = try repo.treeID(ofCommit: try #require(try repo.headCommitID()))
            let (expected, count) = try Self.reference(repo, tree)
            let cold = try findings(root, cached: true)
            let warm = try findings(root, cached: true)
            #expect(cold.0 == expected && cold.1 == count, "round \(round)")
            #expect(warm.0 == expected && warm.1 == count, "round \(round)")
        }
    }

    @Test("the range and merge base from libgit2's revwalk equal the walks of both histories")
    func revWalk() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        func c(_ m: String) throws {
            try Self.write(root, "companies/ancoats-bakehouse/notes-\(m).txt", Array(m.utf8))
            try Self.commit(root, m)
        }
        // main: a, b; side from a: s1, s2; merge side into main; criss-cross with other.
        try c("a")
        _ = try runGit(root, ["branch", "side"])
        try c("b")
        _ = try runGit(root, ["checkout", "-q", "side"])
        try c("s1")
        _ = try runGit(root, ["branch", "other"])
        try c("s2")
        _ = try runGit(root, ["checkout", "-q", "other"])
        try c("o1")
        _ = try runGit(root, ["merge", "-q", "--no-edit", "main"])
        _ = try runGit(root, ["checkout", "-q", "main"])
        _ = try runGit(root, ["merge", "-q", "--no-edit", "side"])
        _ = try runGit(root, ["merge", "-q", "--no-edit", "other~1"])
        _ = try runGit(root, ["checkout", "-q", "other"])
        _ = try runGit(root, ["merge", "-q", "--no-edit", "main~1"])
        _ = try runGit(root, ["checkout", "-q", "main"])
        try c("c")
        let repo = try Repository.open(at: root)
        var all: [ObjectID] = []
        for ref in ["main", "side", "other"] {
            for x in try repo.walk(from: try repo.resolveCommit(ref)) where !all.contains(x.id) { all.append(x.id) }
        }
        for head in all {
            for base in all {
                var hidden = Set<ObjectID>()
                for x in try repo.walk(from: base) { hidden.insert(x.id) }
                let want = try repo.walk(from: head).filter { !hidden.contains($0.id) }.map(\.id)
                // The same commits, children before parents (commits made within one second may
                // tie on time, and then either order of two unrelated commits is right).
                let got = try Check.range(repo, base: base.hex, head: head)
                #expect(Set(got.map(\.id)) == Set(want) && got.count == want.count)
                let position = Dictionary(uniqueKeysWithValues: got.enumerated().map { ($0.element.id, $0.offset) })
                for (i, c) in got.enumerated() {
                    for p in c.parents { if let j = position[p] { #expect(j > i, "a parent listed before its child") } }
                }
                let wantBase = try repo.walk(from: head).first { hidden.contains($0.id) }?.id
                #expect(try Check.mergeBase(repo, base: base.hex, head: head) == wantBase)
            }
        }
        #expect(throws: WorkspaceError.self) { try Check.range(repo, base: "no-such-rev", head: all[0]) }
    }

    @Test("the cache file round-trips every verdict, and any cut of it is refused")
    func encoding() throws {
        var c = ValidationCache()
        let blob = ObjectID(bytes: Array(repeating: 7, count: 20))
        c.entries["a.md"] = .init(blob: blob, verdict: .markdown)
        c.entries["b.yaml"] = .init(blob: blob, verdict: .invalidUTF8(12))
        c.entries["c.yaml"] = .init(
            blob: blob,
            verdict: .contract(
                id: "x\u{0}\u{2028}\r\n",
                findings: [
                    .init(file: nil, line: 3, rule: "r", message: String(repeating: "m", count: 1 << 20)),
                    .init(file: "other", line: nil, rule: "", message: ""),
                ]))
        let bytes = c.encode()
        #expect(ValidationCache.decode(bytes)?.entries == c.entries)
        for cut in stride(from: 0, to: bytes.count - 1, by: max(1, bytes.count / 200)) {
            #expect(ValidationCache.decode(Array(bytes.prefix(cut))) == nil)
        }
        #expect(ValidationCache.decode(bytes + [0]) == nil)
    }

    @Test("the tree result round-trips its findings, any cut is refused, and odd findings are not cached")
    func treeResultEncoding() throws {
        let tree = ObjectID(bytes: Array(repeating: 9, count: 20))
        let findings = [
            Check.Finding(file: "a\u{0}\u{2028}\r\n.yaml", line: 3, commit: nil, rule: "r", message: "m\nn"),
            Check.Finding(file: "", line: nil, commit: nil, rule: "", message: String(repeating: "x", count: 1 << 20)),
        ]
        let result = try #require(ValidationCache.TreeResult(tree: tree, count: 12, findings: findings))
        let bytes = result.encode()
        let back = try #require(ValidationCache.TreeResult.decode(bytes))
        #expect(back == result && back.checkFindings == findings && back.count == 12 && back.tree == tree)
        for cut in stride(from: 0, to: bytes.count - 1, by: max(1, bytes.count / 200)) {
            #expect(ValidationCache.TreeResult.decode(Array(bytes.prefix(cut))) == nil)
        }
        #expect(ValidationCache.TreeResult.decode(bytes + [0]) == nil)
        var warning = findings[0]
        warning.severity = .warning
        #expect(ValidationCache.TreeResult(tree: tree, count: 1, findings: [warning]) == nil)
        var dated = findings[0]
        dated.commit = tree
        #expect(ValidationCache.TreeResult(tree: tree, count: 1, findings: [dated]) == nil)
    }
}
