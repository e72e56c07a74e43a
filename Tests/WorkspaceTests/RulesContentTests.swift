import Foundation
import PactoriaCore
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.5: the Markdown of an active (or completed, expired, terminated) contract cannot be
/// deleted or changed by hand, with or without its `lifecycle.final_content` record.
@Suite("Rules: content of approved contracts (#12.5)")
struct RulesContentTests {
    // #12.5
    @Test("every approved example contract records the sha256 of its Markdown")
    func exampleRecordsMatch() throws {
        let fm = FileManager.default
        let companies = RulesKit.exampleRepo + "/companies"
        var checked = 0
        for company in try fm.contentsOfDirectory(atPath: companies).sorted() {
            let dir = "\(companies)/\(company)/contracts"
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            for name in names.sorted() where name.hasSuffix(".yaml") {
                let ref = ContractRef(company: company, stem: String(name.dropLast(5)))
                let loaded = try Workspace.decodeContract(
                    ref: ref, text: try String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8))
                let status = try #require(loaded.contract.statusValue, "\(name)")
                let md = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(ref.stem).md")))
                let record = loaded.contract.lifecycle?.finalContent
                if status == .active || Lifecycle.readOnly.contains(status) {
                    #expect(record != nil, "\(ref) is \(status.rawValue) but has no lifecycle.final_content")
                    checked += 1
                }
                if let record {
                    #expect(
                        record.sha256 == Snapshots.contentHash(md),
                        "\(ref): final_content.sha256 does not match its Markdown")
                }
            }
        }
        #expect(checked == 11, "every active, completed, expired and terminated example contract")
    }

    // #12.5
    @Test("deleting an active contract's Markdown is refused on every path", arguments: [true, false])
    func deletingActiveContentRefused(withRecord: Bool) throws {
        let root = try RulesKit.adopt { root in
            if !withRecord { try RulesKit.dropLifecycle(root, RulesKit.activeShop) }
        }
        defer { RulesKit.cleanUp(root) }
        try FileManager.default.removeItem(atPath: root + "/" + RulesKit.markdown(RulesKit.activeShop))
        try RulesKit.expectRefusedEverywhere(root, rule: "content-deleted", message: "must not be deleted")
    }

    // #12.5
    @Test("changing an active contract's Markdown without a final_content record is refused on every path")
    func changingActiveContentWithoutRecordRefused() throws {
        let root = try RulesKit.adopt { root in try RulesKit.dropLifecycle(root, RulesKit.activeLease) }
        defer { RulesKit.cleanUp(root) }
        let md = RulesKit.markdown(RulesKit.activeLease)
        try RulesKit.write(root, md, try RulesKit.read(root, md) + "\n## 99. Added by hand\n\nThe rent is halved.\n")
        try RulesKit.setField(root, RulesKit.activeLease, "version", "5")
        try RulesKit.expectRefusedEverywhere(root, rule: "content-not-final", message: "without being finalized")
    }
}
