import Foundation
import PactoriaGit
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #16, speed: with sealing, hashing a working file means sealing it, so a dirty folder's
/// files are matched through the per-file stamp cache, decoding only that folder's records and
/// keeping every other record as it was read.
@Suite("Sealing: the working-tree scan", .serialized)
struct SealingScanTests {
    @Test("a sealed workspace's status finds exactly the edited file, and the stamp cache keeps every other record")
    func scopedStampCache() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let sealed = try RulesKit.pactoria(root, ["seal", "brickline-digital"])
        try #require(sealed.status == 0, "\(sealed)")
        // Past the racy window, then a full status builds the caches.
        Thread.sleep(forTimeInterval: 2.2)
        try #require(try RulesKit.pactoria(root, ["status"]).status == 0)
        let cachePath = root + "/.pactoria/cache/" + WorkingTreeScan.filesCacheName
        let before = try #require(WorkingTreeScan.readFiles(cachePath)).entries
        #expect(before.keys.contains { $0.hasPrefix("companies/ancoats-bakehouse/") })

        let md = RulesKit.markdown(RulesKit.draftCare)
        let original = try RulesKit.read(root, md)
        try RulesKit.write(root, md, original + "\nA new clause.\n")
        let ws = try Workspace.open(root: root)
        let repo = try ws.repository()
        #expect(ws.sealer != nil)
        let result = try WorkingTreeScan.changes(ws, repo: repo)
        #expect(result.entries.map(\.path) == [md], "\(result.entries)")

        // Every record outside the edited folder survives the scan's save.
        let after = try #require(WorkingTreeScan.readFiles(cachePath)).entries
        for (path, entry) in before where !path.hasPrefix("companies/brickline-digital/") {
            #expect(after[path]?.blob == entry.blob, "\(path) lost from the stamp cache")
        }
        // Undone, the same scan finds nothing.
        try RulesKit.write(root, md, original)
        let again = try Workspace.open(root: root)
        #expect(try WorkingTreeScan.changes(again, repo: again.repository()).entries.isEmpty)
    }
}
