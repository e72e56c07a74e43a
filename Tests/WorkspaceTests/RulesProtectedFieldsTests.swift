import Foundation
import PactoriaCore
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.11: every field of a read-only or active contract that the lifecycle verbs own (its
/// lifecycle stamps, its compliance results, keys the model does not know) is protected on every
/// path, `check --base` included.
@Suite("Rules: fields the verbs own (#12.11)")
struct RulesProtectedFieldsTests {
    enum Edit: String, CaseIterable, Sendable {
        case activatedBy, finalContentBy, complianceScore, unknownKeyOnReadOnly
    }

    static let stamp =
        "  activated:\n    by: Grace Whitworth <grace@ancoatsbakehouse.co.uk>\n    at: 2026-04-29T09:00:00Z\n"

    // #12.11
    @Test("a hand rewrite of a verb-owned field is refused on every path", arguments: Edit.allCases)
    func rewriteRefused(_ edit: Edit) throws {
        let lease = RulesKit.activeLease
        let root = try RulesKit.adopt { root in
            // An activation stamp and compliance results, as the verbs record them.
            let path = RulesKit.yaml(lease)
            try RulesKit.write(root, path, try RulesKit.read(root, path) + Self.stamp)
            try RulesKit.replace(
                root, path, "\nlifecycle:\n",
                "\ncompliance:\n  overall_score: 72\n  compliance_level: good\nlifecycle:\n")
        }
        defer { RulesKit.cleanUp(root) }
        let path = RulesKit.yaml(lease)
        switch edit {
        case .activatedBy:
            try RulesKit.replace(
                root, path, "    by: Grace Whitworth <grace@ancoatsbakehouse.co.uk>\n    at: 2026-04-29",
                "    by: Mallory Jones <mallory@example.co.uk>\n    at: 2026-04-29")
            try RulesKit.expectRefusedEverywhere(
                root, rule: "active-metadata-edit", message: "lifecycle.activated changed")
        case .finalContentBy:
            // final_content's own stamp (at: the contract's updated_at), content unchanged.
            try RulesKit.replace(
                root, path, "    by: Grace Whitworth <grace@ancoatsbakehouse.co.uk>\n    at: 2025-09-26",
                "    by: Mallory Jones <mallory@example.co.uk>\n    at: 2025-09-26")
            try RulesKit.expectRefusedEverywhere(
                root, rule: "active-metadata-edit", message: "lifecycle.final_content changed")
        case .complianceScore:
            try RulesKit.replace(root, path, "overall_score: 72", "overall_score: 98")
            try RulesKit.expectRefusedEverywhere(root, rule: "active-metadata-edit", message: "compliance changed")
        case .unknownKeyOnReadOnly:
            let laser = RulesKit.yaml(RulesKit.terminatedLaser)
            try RulesKit.replace(root, laser, "\nlifecycle:\n", "\napproved_by_board: yes\nlifecycle:\n")
            try RulesKit.expectRefusedEverywhere(root, rule: "read-only", message: "terminated contracts are read-only")
        }
    }

    // #12.11
    @Test("the verbs' own changes still pass check --base")
    func verbsPass() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let base = try RulesKit.head(root)
        #expect(
            try RulesKit.pactoria(root, ["terminate", RulesKit.activeLease, "--reason", "Landlord sold the estate"])
                .status == 0)
        let md = RulesKit.markdown(RulesKit.activeShop)
        try RulesKit.write(
            root, md, try RulesKit.read(root, md) + "\n## 12. Gift cards\n\nGift cards last two years.\n")
        let fin = try RulesKit.pactoria(root, ["finalize", RulesKit.activeShop])
        #expect(fin.status == 0, "\(fin)")
        let r = try RulesKit.pactoria(root, ["check", "--base", base])
        #expect(r.status == 0, "\(r)")
    }
}
