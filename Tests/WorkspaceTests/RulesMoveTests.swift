import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.10: a contract's company is part of its identity. A move by plain file moves is refused
/// on every path and hidden from the other company's users by the server; `pactoria move` is
/// the audited way.
@Suite("Rules: moving a contract between companies (#12.10)")
struct RulesMoveTests {
    static func moveFiles(_ root: String, _ ref: String, to company: String) throws {
        let stem = ref.split(separator: "/")[1]
        for (from, ext) in [(RulesKit.yaml(ref), "yaml"), (RulesKit.markdown(ref), "md")] {
            try FileManager.default.moveItem(
                atPath: root + "/" + from, toPath: root + "/companies/\(company)/contracts/\(stem).\(ext)")
        }
    }

    // #12.10
    @Test("a plain file move into another company is refused on every path")
    func plainMoveRefused() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        try Self.moveFiles(root, RulesKit.draftCare, to: "ancoats-bakehouse")
        try RulesKit.expectRefusedEverywhere(
            root, rule: "company-changed", message: "moved from company 'brickline-digital' to 'ancoats-bakehouse'")
    }

    // #12.10
    @Test("pactoria move commits the move as its own audited event, which check --base accepts")
    func moveVerb() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let base = try RulesKit.head(root)
        let r = try RulesKit.pactoria(root, ["move", RulesKit.draftCare, "--to", "ancoats-bakehouse"])
        #expect(r.status == 0, "\(r)")
        let moved = "companies/ancoats-bakehouse/contracts/website-care-plan-agreement"
        #expect(FileManager.default.fileExists(atPath: root + "/\(moved).yaml"))
        #expect(FileManager.default.fileExists(atPath: root + "/\(moved).md"))
        #expect(!FileManager.default.fileExists(atPath: root + "/" + RulesKit.yaml(RulesKit.draftCare)))
        let message = try runGit(root, ["log", "-1", "--format=%B"])
        #expect(message.contains("Pactoria-Event: contract.moved"), "\(message)")
        #expect(
            message.contains("Pactoria-From: brickline-digital") && message.contains("Pactoria-To: ancoats-bakehouse"),
            "\(message)")
        #expect(try runGit(root, ["status", "--porcelain"]) == "", "the move is committed whole")
        let check = try RulesKit.pactoria(root, ["check", "--base", base])
        #expect(check.status == 0, "\(check)")
        let status = try RulesKit.pactoria(root, ["status", "--check"])
        #expect(status.status == 0, "\(status)")
    }

    // #12.10
    @Test("pactoria move refuses a read-only contract and an unknown company")
    func moveRefusals() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let head = try RulesKit.head(root)
        let readOnly = try RulesKit.pactoria(root, ["move", RulesKit.terminatedLaser, "--to", "brickline-digital"])
        #expect(readOnly.status == 1, "\(readOnly)")
        #expect(readOnly.stderr.contains("read-only"), "\(readOnly)")
        let unknown = try RulesKit.pactoria(root, ["move", RulesKit.draftCare, "--to", "no-such-company"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.contains("no company 'no-such-company'"), "\(unknown)")
        #expect(try RulesKit.head(root) == head)
        #expect(try runGit(root, ["status", "--porcelain"]) == "")
    }

    // #12.10
    @Test("the server does not show a contract moved in by hand to the other company's users")
    func serverHidesMovedContract() async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        let made = try await s.createContract(token, title: "Brickline Secret Deal")
        let id = try #require(made["id"] as? String)
        let path = try #require(made["path"] as? String)
        let ancoats = try s.token("manager@ancoats.co.uk")
        let stem = (path as NSString).lastPathComponent.dropLast(5)
        try FileManager.default.createDirectory(
            atPath: s.root + "/companies/ancoats/contracts", withIntermediateDirectories: true)
        for ext in ["yaml", "md"] where FileManager.default.fileExists(atPath: s.root + "/" + path.dropLast(4) + ext) {
            try FileManager.default.moveItem(
                atPath: s.root + "/" + path.dropLast(4) + ext,
                toPath: s.root + "/companies/ancoats/contracts/\(stem).\(ext)")
        }
        let r = try await s.call("GET", "/api/v1/contracts/\(id)", token: ancoats)
        #expect(r.status == 404, "\(r.status) \(r.text)")
        let list = try await s.call("GET", "/api/v1/contracts", token: ancoats)
        #expect(list.status == 200)
        #expect(!list.text.contains("Brickline Secret Deal"), "\(list.text)")
        let op = try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token(LiveServer.operatorEmail))
        #expect(op.status == 409, "\(op.status) \(op.text)")
    }
}
