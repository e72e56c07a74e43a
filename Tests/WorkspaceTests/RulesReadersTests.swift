import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.15 (a truncated YAML is shown as a problem by the readers, never as an invented draft) and
/// #12.16 (duplicate ids committed with plain git are reported by `status`, `check` and the
/// server; the API answers 409 naming both files).
@Suite("Rules: readers show problems (#12.15, #12.16)")
struct RulesReadersTests {
    /// Cuts a metadata file after its `status:` line (valid YAML, required fields missing).
    static func truncate(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let r = try #require(text.range(of: "\nstatus: draft\n"))
        try Data(text[..<r.upperBound].utf8).write(to: URL(fileURLWithPath: path))
    }

    // #12.15
    @Test("list: a truncated YAML is an error line and exit 1, never a draft row")
    func listTruncated() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let path = RulesKit.yaml(RulesKit.draftCare)
        try Self.truncate(root + "/" + path)
        let text = try RulesKit.pactoria(root, ["list", "--size", "100"])
        #expect(text.status == 1, "\(text)")
        #expect(!text.stdout.contains("brickline-digital/website-care-plan-agreement"), "\(text)")
        #expect(text.stderr.contains("error: \(path)") && text.stderr.contains("version: is required"), "\(text)")
        let json = try RulesKit.pactoria(root, ["list", "--json", "--size", "100"])
        #expect(json.status == 1)
        let report = RulesKit.json(json.stdout)
        let ids = (report["contracts"] as? [[String: Any]] ?? []).compactMap { $0["stem"] as? String }
        #expect(!ids.contains("website-care-plan-agreement"), "\(json)")
        #expect((report["problems"] as? [[String: Any]])?.map { $0["path"] as? String } == [path], "\(json)")
    }

    // #12.15
    @Test("API: a truncated YAML is flagged in the list and GET answers 422 naming the file")
    func apiTruncated() async throws {
        let draft = try await ServedDraft.make()
        let (s, token, id, path) = (draft.server, draft.token, draft.id, draft.path)
        try Self.truncate(s.root + "/" + path)
        let list = try await s.call("GET", "/api/v1/contracts", token: token)
        #expect(list.status == 200)
        #expect(
            (list.json["contracts"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false,
            "\(list.text)")
        let problems = list.json["problems"] as? [[String: Any]] ?? []
        #expect(problems.map { $0["path"] as? String } == [path], "\(list.text)")
        let r = try await s.call("GET", "/api/v1/contracts/\(id)", token: token)
        #expect(r.status == 422, "\(r.status) \(r.text)")
        #expect(r.text.contains(path) && r.text.contains("is required"), "\(r.text)")
        // Another company learns nothing about it.
        let other = try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token("manager@ancoats.co.uk"))
        #expect(other.status == 404, "\(other.status) \(other.text)")
    }

    // #12.16
    @Test("status and check report an id committed twice with plain git")
    func duplicateCLI() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let fm = FileManager.default
        let copy = "brickline-digital/website-care-plan-agreement-copy"
        try fm.copyItem(
            atPath: root + "/" + RulesKit.yaml(RulesKit.draftCare), toPath: root + "/" + RulesKit.yaml(copy))
        try fm.copyItem(
            atPath: root + "/" + RulesKit.markdown(RulesKit.draftCare), toPath: root + "/" + RulesKit.markdown(copy))
        try RulesKit.plainCommit(root, "Copy with plain git")
        let status = try RulesKit.pactoria(root, ["status", "--check", "--porcelain"])
        #expect(status.status == 1, "\(status)")
        #expect(
            status.stdout.contains(RulesKit.yaml(RulesKit.draftCare)) && status.stdout.contains(RulesKit.yaml(copy)),
            "\(status)")
        let text = try RulesKit.pactoria(root, ["status"])
        #expect(text.stdout.contains("is also the id of"), "\(text)")
        let check = try RulesKit.pactoria(root, ["check", "--format", "json"])
        #expect(check.status == 1, "\(check)")
        let rules = (RulesKit.json(check.stdout)["findings"] as? [[String: Any]] ?? []).compactMap {
            $0["rule"] as? String
        }
        #expect(rules.filter { $0 == "duplicate-id" }.count == 2, "\(check)")
    }

    // #12.16
    @Test("API: an id held by two files is a 409 naming both, neither picked")
    func duplicateAPI() async throws {
        let draft = try await ServedDraft.make()
        let (s, token, id, path) = (draft.server, draft.token, draft.id, draft.path)
        let copy = String(path.dropLast(5)) + "-copy.yaml"
        try FileManager.default.copyItem(atPath: s.root + "/" + path, toPath: s.root + "/" + copy)
        _ = try runGit(s.root, ["add", "-A", "companies"])
        _ = try runGit(s.root, ["commit", "-q", "--no-verify", "-m", "Copy with plain git"])
        for spec in [id, String(id.prefix(8))] {
            let r = try await s.call("GET", "/api/v1/contracts/\(spec)", token: token)
            #expect(r.status == 409, "\(r.status) \(r.text)")
            #expect(r.text.contains(path) && r.text.contains(copy), "\(r.text)")
        }
        let other = try await s.call("GET", "/api/v1/contracts/\(id)", token: try s.token("manager@ancoats.co.uk"))
        #expect(other.status == 404, "\(other.status) \(other.text)")
    }
}
