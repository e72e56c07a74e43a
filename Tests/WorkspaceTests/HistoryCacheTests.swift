import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15: `audit` and `log C` read each commit's contract changes from a per-commit cache
/// (`.pactoria/cache/history-v1`). The answers must be those of the tree-reading code they
/// replace (kept below as `Legacy`, the oracle), whether the cache is cold, warm or damaged.
@Suite("History: per-commit cache", .serialized)
struct HistoryCacheTests {
    static let side = "brickline-digital/analytics-dashboard-build-agreement"
    static let gone = "brickline-digital/mutual-non-disclosure-agreement-with-finchley-pay"

    /// example-repo adopted, then: a trailered move, a plain-git edit (trailer-less), a plain-git
    /// rename, a merge of a branch, a merge with its own change, a deletion.
    static func history() throws -> String {
        let root = try RulesKit.adopt()
        let git = { (args: [String]) throws -> Void in _ = try runGit(root, args) }
        let r = try RulesKit.pactoria(root, ["move", RulesKit.draftCare, "--to", "ancoats-bakehouse"])
        guard r.status == 0 else { throw RulesKit.Failure(description: "move: \(r)") }
        try RulesKit.replace(
            root, RulesKit.markdown(RulesKit.activeShop), "\n", "\nA plain-git edit of the terms.\n")
        try RulesKit.setField(root, RulesKit.activeLease, "title", "Lease of Unit 4 (renamed by hand)")
        try RulesKit.plainCommit(root, "Plain edit")
        let flour = "ancoats-bakehouse/organic-flour-supply-agreement-2027-renewal"
        try git(["mv", RulesKit.yaml(RulesKit.pendingFlour), RulesKit.yaml(flour)])
        try git(["mv", RulesKit.markdown(RulesKit.pendingFlour), RulesKit.markdown(flour)])
        try RulesKit.plainCommit(root, "Rename by hand")
        let main = try runGit(root, ["rev-parse", "--abbrev-ref", "HEAD"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        try git(["checkout", "-q", "-b", "side"])
        try RulesKit.replace(root, RulesKit.markdown(side), "\n", "\nEdited on a branch.\n")
        try RulesKit.plainCommit(root, "Side edit")
        try git(["checkout", "-q", main])
        try RulesKit.replace(root, RulesKit.markdown(RulesKit.activeLease), "\n", "\nEdited on main.\n")
        try RulesKit.plainCommit(root, "Main edit")
        try git(["merge", "-q", "--no-ff", "--no-edit", "side"])
        try git(["checkout", "-q", "-b", "side2"])
        try RulesKit.replace(root, RulesKit.markdown(RulesKit.activeShop), "\n", "\nSecond branch.\n")
        try RulesKit.plainCommit(root, "Side2 edit")
        try git(["checkout", "-q", main])
        try git(["merge", "-q", "--no-ff", "--no-commit", "side2"])
        try RulesKit.setField(root, side, "title", "Analytics Dashboard (fixed in the merge)")
        try RulesKit.plainCommit(root, "Merge side2 with a fix")
        try git(["rm", "-q", RulesKit.yaml(gone), RulesKit.markdown(gone)])
        try RulesKit.plainCommit(root, "Delete the NDA")
        return root
    }

    /// Every answer `audit` and `log C` give on the workspace, as text.
    static func answers(_ root: String, ids: [(String, ContractRef)]) throws -> String {
        let ws = try Workspace.open(root: root)
        var out = "audit\n" + (try Audit.run(ws).map { "\($0)" }.joined(separator: "\n"))
        out += "\nlimit 3\n" + (try Audit.run(ws, limit: 3).map { "\($0)" }.joined(separator: "\n"))
        for (id, ref) in ids {
            out += "\naudit \(id)\n"
            out += try Audit.run(ws, filter: .init(contract: id)).map { "\($0)" }.joined(separator: "\n")
            out += "\nlog \(id)\n"
            out += try History.contract(ws, id: id, ref: ref).map { "\($0)" }.joined(separator: "\n")
        }
        return out
    }

    /// The same answers from the code before the cache (trees read on every query).
    static func legacyAnswers(_ root: String, ids: [(String, ContractRef)]) throws -> String {
        let ws = try Workspace.open(root: root)
        let repo = try ws.repository()
        var out = "audit\n" + (try Legacy.audit(repo, contractID: nil).map { "\($0)" }.joined(separator: "\n"))
        out +=
            "\nlimit 3\n" + (try Legacy.audit(repo, contractID: nil, limit: 3).map { "\($0)" }.joined(separator: "\n"))
        for (id, ref) in ids {
            out += "\naudit \(id)\n"
            out += try Legacy.audit(repo, contractID: id.lowercased()).map { "\($0)" }.joined(separator: "\n")
            out += "\nlog \(id)\n"
            out += try Legacy.contract(repo, id: id, ref: ref).map { "\($0)" }.joined(separator: "\n")
        }
        return out
    }

    /// Every contract id ever in the history, with where it is now (or last was).
    static func ids(_ root: String) throws -> [(String, ContractRef)] {
        let ws = try Workspace.open(root: root)
        let repo = try ws.repository()
        var seen: [String: ContractRef] = [:]
        for c in try repo.walk(from: try #require(try repo.headCommitID())).reversed() {
            for (path, blob) in try repo.files(inTree: c.treeID, under: "companies") where path.hasSuffix(".yaml") {
                guard let ref = ContractRef(path: path),
                    let l = try? Workspace.decodeContract(
                        ref: ref, text: String(decoding: try repo.blob(blob), as: UTF8.self))
                else { continue }
                seen[l.contract.id] = ref
            }
        }
        return seen.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func cachePath(_ root: String) -> String { root + "/.pactoria/cache/" + HistoryCache.cacheName }

    @Test("cold, warm and damaged caches give the answers of the tree-reading code")
    func coldWarmDamaged() throws {
        let root = try Self.history()
        defer { RulesKit.cleanUp(root) }
        let ids = try Self.ids(root)
        #expect(ids.count > 10)
        let expected = try Self.legacyAnswers(root, ids: ids)
        #expect(expected.contains("contract.created"))
        #expect(expected.contains("renamed from"))
        #expect(expected.contains("contract.deleted"))
        try? FileManager.default.removeItem(atPath: Self.cachePath(root))
        let cold = try Self.answers(root, ids: ids)
        #expect(cold == expected)
        #expect(FileManager.default.fileExists(atPath: Self.cachePath(root)), "the first query fills the cache")
        #expect(try Self.answers(root, ids: ids) == expected, "warm")

        // A flipped bit: the frame's checksum catches it.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.cachePath(root))))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: Self.cachePath(root)))
        #expect(try Self.answers(root, ids: ids) == expected, "damaged")
        // Well framed but nonsense inside (a truncated record, garbage): decoded with bounds
        // checks, dropped, worked out again.
        let payload = try #require(
            CacheFile.read(Self.cachePath(root), name: HistoryCache.cacheName, version: HistoryCache.formatVersion))
        let key = try #require(CacheFile.key(folder: root + "/" + Workspace.cacheDirectory, create: false))
        for bad in [Array(payload.dropLast(7)), payload.map { $0 ^ 0x5A }, [UInt8](repeating: 0xFF, count: 64)] {
            try Data(
                CacheFile.frame(bad, name: HistoryCache.cacheName, version: HistoryCache.formatVersion, binding: key)
            ).write(
                to: URL(fileURLWithPath: Self.cachePath(root)))
            #expect(try Self.answers(root, ids: ids) == expected, "nonsense payload")
        }
        // Each commit's cached records are what its trees give.
        let ws = try Workspace.open(root: root)
        let repo = try ws.repository()
        let cache = HistoryCache(ws)
        for c in try repo.walk(from: try #require(try repo.headCommitID())) {
            #expect(try cache.records(c, repo: repo) == (try HistoryCache.compute(c, repo: repo)))
        }
    }

    @Test("a commit message's hostile trailers change no other commit's record or answer")
    func hostileTrailers() throws {
        let root = try Self.history()
        defer { RulesKit.cleanUp(root) }
        let ids = try Self.ids(root)
        let before = try Self.answers(root, ids: ids)
        let ws = try Workspace.open(root: root)
        let repo = try ws.repository()
        let cache = HistoryCache(ws)
        var records: [ObjectID: [HistoryRecord]] = [:]
        for c in try repo.walk(from: try #require(try repo.headCommitID())) {
            records[c.id] = try cache.records(c, repo: repo)
        }
        // Trailers claiming events for every contract, with line breaks of every kind, a huge
        // value and a trailer block that tries to end the message early.
        let victim = try #require(ids.first?.0)
        var message = "Looks harmless\n\nPactoria-Contract: \(victim)\r\nPactoria-Event: contract.terminated\u{2028}x\n"
        message += "Pactoria-Version: 99\nPactoria-Reason: " + String(repeating: "A", count: 1_000_000) + "\n"
        for (id, _) in ids { message += "Pactoria-Contract: \(id)\nPactoria-Event: contract.deleted\n" }
        message += "Pactoria-Contract: \u{85}\nPactoria-Contract: %00\n"
        let file = NSTemporaryDirectory() + "hostile-\(UUID().uuidString)"
        try Data(message.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try RulesKit.replace(root, RulesKit.markdown(RulesKit.activeShop), "\n", "\nHostile commit.\n")
        _ = try runGit(root, ["add", "-A"])
        _ = try runGit(root, ["commit", "-q", "--no-verify", "-F", file])
        let hostile = try #require(try repo.headCommitID())

        // Every older commit's record is as before, cached or worked out again.
        let after = HistoryCache(try Workspace.open(root: root))
        for c in try repo.walk(from: hostile) where c.id != hostile {
            #expect(try after.records(c, repo: repo) == records[c.id])
            #expect(try HistoryCache.compute(c, repo: repo) == records[c.id])
        }
        // And every answer about the older commits is unchanged: drop the hostile commit's lines.
        let now = try Self.answers(root, ids: ids)
        let kept = now.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.contains(hostile.hex) && !$0.contains(hostile.description)
        }
        let expectedKept = before.split(separator: "\n", omittingEmptySubsequences: false)
        // `limit 3` shifts by the new commit's entries; compare everything else.
        func withoutLimit(_ lines: [Substring]) -> [Substring] {
            guard let a = lines.firstIndex(of: "limit 3"),
                let b = lines[a...].firstIndex(where: { $0.hasPrefix("audit ") })
            else { return lines }
            return Array(lines[..<a] + lines[b...])
        }
        #expect(withoutLimit(kept) == withoutLimit(expectedKept))
        #expect(try Self.legacyAnswers(root, ids: ids) == now)
    }

    @Test("locate finds by path, company/stem and stem without the index, and otherwise as resolve does")
    func locate() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let all = ContractIndex.load(ws).summaries
        for s in all {
            for spec in [
                s.ref.description, s.ref.stem, s.ref.yamlPath, s.ref.markdownPath, String(s.id.prefix(8)), s.id,
            ] {
                let want = try? ContractViews.resolve(ws, spec)
                let got = try? History.locate(ws, spec)
                #expect(want?.id == got?.id && want?.ref == got?.ref, "\(spec)")
            }
        }
        for spec in ["nothing-here", "../etc/passwd", "a/b/c", ".hidden", "brickline-digital/", "/x.yaml", "abc"] {
            #expect((try? History.locate(ws, spec)) == nil, "\(spec)")
        }
    }
}

/// The tree-reading code `audit` and `log C` ran before the cache (issue #14), as the oracle.
enum Legacy {
    struct Change {
        var beforeRef: ContractRef?
        var afterRef: ContractRef?
        var before: LoadedContract?
        var after: LoadedContract?
        var beforeContent: [UInt8]?
        var afterContent: [UInt8]?
        var yamlChanged: Bool
        var contentChanged: Bool
        var ref: ContractRef { afterRef ?? beforeRef! }
        var id: String? { after?.contract.id ?? before?.contract.id }
    }

    static func changes(_ repo: Repository, from old: ObjectID?, to new: ObjectID?) throws -> [Change] {
        let paths = try repo.changedPaths(from: old, to: new, under: "companies")
        var refs = Set<ContractRef>()
        for p in paths {
            if let r = ContractRef(path: p.oldPath) { refs.insert(r) }
            if let r = ContractRef(path: p.newPath) { refs.insert(r) }
        }
        var changes: [Change] = []
        for ref in refs.sorted() {
            let yamlOld = old.flatMap { try? repo.blobID(inTree: $0, path: ref.yamlPath) }
            let yamlNew = new.flatMap { try? repo.blobID(inTree: $0, path: ref.yamlPath) }
            let mdOld = old.flatMap { try? repo.blobID(inTree: $0, path: ref.markdownPath) }
            let mdNew = new.flatMap { try? repo.blobID(inTree: $0, path: ref.markdownPath) }
            var c = Change(
                beforeRef: (yamlOld ?? mdOld) != nil ? ref : nil, afterRef: (yamlNew ?? mdNew) != nil ? ref : nil,
                yamlChanged: yamlOld != yamlNew, contentChanged: mdOld != mdNew)
            if let y = yamlOld, let bytes = try? repo.blob(y) {
                c.before = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
            }
            if let y = yamlNew, let bytes = try? repo.blob(y) {
                c.after = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
            }
            c.beforeContent = mdOld.flatMap { try? repo.blob($0) }
            c.afterContent = mdNew.flatMap { try? repo.blob($0) }
            changes.append(c)
        }
        var goneByID: [String: Int] = [:]
        for (i, c) in changes.enumerated() where c.afterRef == nil {
            if let id = c.before?.contract.id.lowercased(), !id.isEmpty { goneByID[id] = i }
        }
        var drop = Set<Int>()
        for i in changes.indices where changes[i].beforeRef == nil {
            guard let id = changes[i].after?.contract.id.lowercased(), let j = goneByID.removeValue(forKey: id) else {
                continue
            }
            changes[i].beforeRef = changes[j].beforeRef
            changes[i].before = changes[j].before
            changes[i].beforeContent = changes[j].beforeContent
            changes[i].contentChanged = changes[i].beforeContent != changes[i].afterContent
            drop.insert(j)
        }
        return changes.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }

    static func audit(_ repo: Repository, contractID: String?, limit: Int? = nil) throws -> [Audit.Entry] {
        guard let head = try repo.headCommitID() else { return [] }
        var out: [Audit.Entry] = []
        for c in try repo.walk(from: head) {
            for e in try entries(of: c, repo: repo) {
                if let contractID, !e.contractID.lowercased().hasPrefix(contractID) { continue }
                out.append(e)
            }
            if let limit, out.count >= limit { break }
        }
        if let limit { return Array(out.prefix(limit)) }
        return out
    }

    static func entries(of c: CommitInfo, repo: Repository) throws -> [Audit.Entry] {
        let trailers = AuditTrailers.parse(c.trailers)
        let authorText = "\(c.author.name) <\(c.author.email)>"
        let isMerge = c.parents.count > 1
        let parentTree = try c.parents.first.map { try repo.treeID(ofCommit: $0) }
        let changes = try changes(repo, from: parentTree, to: c.treeID)
        var ownInMerge = Set(changes.map(\.ref))
        if isMerge {
            for p in c.parents.dropFirst() {
                ownInMerge.formIntersection(
                    Set(try Self.changes(repo, from: try repo.treeID(ofCommit: p), to: c.treeID).map(\.ref)))
            }
        }
        var byID: [String: Change] = [:]
        for ch in changes { if let id = ch.id?.lowercased() { byID[id] = ch } }
        var out: [Audit.Entry] = []
        var covered = Set<String>()
        for t in trailers {
            let ch = byID[t.id.lowercased()]
            covered.insert(t.id.lowercased())
            out.append(
                Audit.Entry(
                    commit: c.id, time: c.author.time, author: authorText, subject: c.summary, contractID: t.id,
                    ref: ch?.ref, title: ch?.after?.contract.title ?? ch?.before?.contract.title, event: t.event,
                    from: t.from, to: t.to, actor: t.actor ?? authorText, reason: t.reason,
                    version: t.version == 0 ? nil : t.version, inferred: false, details: []))
        }
        for ch in changes where !isMerge || ownInMerge.contains(ch.ref) {
            guard let id = ch.id, !covered.contains(id.lowercased()) else { continue }
            out.append(infer(ch, id: id, commit: c, author: authorText))
        }
        return out
    }

    static func infer(_ ch: Change, id: String, commit c: CommitInfo, author: String) -> Audit.Entry {
        var e = Audit.Entry(
            commit: c.id, time: c.author.time, author: author, subject: c.summary, contractID: id, ref: ch.ref,
            title: ch.after?.contract.title ?? ch.before?.contract.title, event: "contract.updated", from: nil, to: nil,
            actor: author, reason: nil, version: ch.after?.contract.version, inferred: true, details: [])
        guard let before = ch.before?.contract else {
            e.event = "contract.created"
            e.details = ["created with status \(ch.after?.contract.status ?? "?")"]
            return e
        }
        guard let after = ch.after?.contract else {
            e.event = "contract.deleted"
            e.details = ["contract files deleted"]
            return e
        }
        if before.status != after.status {
            e.from = before.status
            e.to = after.status
            if let f = before.statusValue, let t = after.statusValue, let action = Lifecycle.action(from: f, to: t) {
                e.event = action.event
                e.reason = after.lifecycle?.events[action.stampKey]?.reason
            } else {
                e.event = "contract.status_changed"
            }
            e.details.append("status changed from \(before.status) to \(after.status)")
        }
        let fields = Lifecycle.changedFields(before, after)
        if !fields.isEmpty { e.details.append("fields changed: \(fields.joined(separator: ", "))") }
        if ch.beforeRef != ch.afterRef, let b = ch.beforeRef { e.details.append("renamed from \(b)") }
        if before.lifecycle?.finalContent != after.lifecycle?.finalContent, after.lifecycle?.finalContent != nil,
            before.status == after.status
        {
            e.event = "contract.finalized"
            e.details.append("final content recorded")
        }
        if ch.contentChanged {
            if e.from == nil && e.event == "contract.updated" { e.event = "contract.content_changed" }
            e.details.append("content changed")
        }
        if e.details.isEmpty { e.details = ["metadata changed"] }
        return e
    }

    static func contract(_ repo: Repository, id: String, ref: ContractRef) throws -> [History.ContractEntry] {
        guard let head = try repo.headCommitID() else { return [] }
        var out: [History.ContractEntry] = []
        var path: ContractRef? = ref
        for c in try repo.walk(from: head) {
            var here = try path.flatMap { p in try repo.blobID(inTree: c.treeID, path: p.yamlPath) != nil ? p : nil }
            if here == nil { here = try find(id: id, in: c.treeID, repo: repo) }
            guard let current = here else { continue }
            path = current
            func state(in parent: ObjectID) throws -> (ref: ContractRef?, yaml: ObjectID?, md: ObjectID?) {
                let tree = try repo.treeID(ofCommit: parent)
                let ref =
                    try repo.blobID(inTree: tree, path: current.yamlPath) != nil
                    ? current : try find(id: id, in: tree, repo: repo)
                return (
                    ref, try ref.flatMap { try repo.blobID(inTree: tree, path: $0.yamlPath) },
                    try ref.flatMap { try repo.blobID(inTree: tree, path: $0.markdownPath) }
                )
            }
            let yamlNow = try repo.blobID(inTree: c.treeID, path: current.yamlPath)
            let mdNow = try repo.blobID(inTree: c.treeID, path: current.markdownPath)
            let parents = try c.parents.map(state(in:))
            if parents.contains(where: { $0.ref == current && $0.yaml == yamlNow && $0.md == mdNow }) { continue }
            let base = parents.first(where: { $0.ref != nil })
            let before = base?.ref
            let text = try yamlNow.map { String(decoding: try repo.blob($0), as: UTF8.self) }
            let contract = text.flatMap { try? Workspace.decodeContract(ref: current, text: $0).contract }
            let trailer = History.parseEvents(c).last { $0.id.lowercased() == id.lowercased() }
            var event: String
            let inferred: Bool
            if let trailer, !trailer.event.isEmpty {
                event = trailer.event
                inferred = false
            } else {
                inferred = true
                if before == nil {
                    event = "contract.created"
                } else if mdNow != base?.md {
                    event = "contract.content_changed"
                } else if before != current && yamlNow == base?.yaml {
                    event = "contract.renamed"
                } else {
                    event = "contract.updated"
                }
            }
            if event.isEmpty { event = "contract.updated" }
            out.append(
                History.ContractEntry(
                    commit: c, ref: current, version: contract?.version, status: contract?.status, event: event,
                    inferred: inferred))
            if before == nil { break }
        }
        return out
    }

    static func find(id: String, in tree: ObjectID, repo: Repository) throws -> ContractRef? {
        for (path, blob) in try repo.files(inTree: tree, under: "companies") where path.hasSuffix(".yaml") {
            guard let ref = ContractRef(path: path) else { continue }
            if let loaded = try? Workspace.decodeContract(
                ref: ref, text: String(decoding: try repo.blob(blob), as: UTF8.self)),
                loaded.contract.id.lowercased() == id.lowercased()
            {
                return ref
            }
        }
        return nil
    }
}
