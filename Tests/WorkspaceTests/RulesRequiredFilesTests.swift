import Foundation
import PactoriaCore
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.13: a deleted `company.yaml`, a draft's deleted `.md` and an emptied config are problems
/// that `status`, `commit` and `check` report (the hook included).
@Suite("Rules: files a workspace needs (#12.13)")
struct RulesRequiredFilesTests {
    // #12.13
    @Test("a company.yaml deleted while its contracts remain is refused on every path")
    func companyRecordDeleted() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        try FileManager.default.removeItem(atPath: root + "/companies/brickline-digital/company.yaml")
        try RulesKit.expectRefusedEverywhere(root, rule: "required-file", message: "lost its company.yaml")
    }

    // #12.13
    @Test("a draft's deleted Markdown is refused on every path")
    func draftContentDeleted() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        try FileManager.default.removeItem(atPath: root + "/" + RulesKit.markdown(RulesKit.draftCare))
        try RulesKit.expectRefusedEverywhere(root, rule: "content-deleted", message: "must not be deleted")
    }

    // #12.13
    @Test("an emptied .pactoria/config.yaml is a problem, not the defaults in silence")
    func emptiedConfig() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        try RulesKit.write(root, ".pactoria/config.yaml", "")
        try RulesKit.expectRefusedEverywhere(root, rule: "required-file", message: "is empty")
    }
}
