import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.14: bytes that are not UTF-8 in a `.md` or `.yaml` are refused, naming the file and the
/// byte offset, on every path and by the server's readers.
@Suite("Rules: invalid UTF-8 (#12.14)")
struct RulesUTF8Tests {
    /// Writes `text` with one 0xFF byte inserted after `prefix` characters; returns its offset.
    static func corrupt(_ path: String, at marker: String) throws -> Int {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let m = Array(marker.utf8)
        let i = try #require(
            (0...(bytes.count - m.count)).first { bytes[$0..<$0 + m.count].elementsEqual(m) }, "\(marker) in \(path)")
        let offset = i + m.count
        bytes.insert(0xFF, at: offset)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return offset
    }

    // #12.14
    @Test("invalid UTF-8 in a draft's Markdown is refused on every path, with its byte offset")
    func markdown() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let md = RulesKit.markdown(RulesKit.draftCare)
        let offset = try Self.corrupt(root + "/" + md, at: "\n## ")
        try RulesKit.expectRefusedEverywhere(root, rule: "invalid-utf8", message: "invalid UTF-8 at byte \(offset)")
        let status = try RulesKit.pactoria(root, ["check"])
        #expect(status.stdout.contains("\(md): error: invalid UTF-8 at byte \(offset)"), "\(status)")
    }

    // #12.14
    @Test("invalid UTF-8 in a draft's metadata is refused on every path, with its byte offset")
    func yaml() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let path = RulesKit.yaml(RulesKit.draftCare)
        let offset = try Self.corrupt(root + "/" + path, at: "title: Website")
        try RulesKit.expectRefusedEverywhere(root, rule: "invalid-utf8", message: "invalid UTF-8 at byte \(offset)")
    }

    // #12.14
    @Test("the server's readers answer 422 naming the file and the offset, not a mangled contract")
    func server() async throws {
        let draft = try await ServedDraft.make()
        let (s, token, id, path) = (draft.server, draft.token, draft.id, draft.path)
        let offset = try Self.corrupt(s.root + "/" + path, at: "title: Website")
        let r = try await s.call("GET", "/api/v1/contracts/\(id)", token: token)
        #expect(r.status == 422, "\(r.status) \(r.text)")
        #expect(r.text.contains("\(path): invalid UTF-8 at byte \(offset)"), "\(r.text)")
        let list = try await s.call("GET", "/api/v1/contracts", token: token)
        #expect(
            !list.text.contains(id) || (list.json["problems"] as? [[String: Any]])?.first?["path"] as? String == path,
            "\(list.text)")
        #expect(
            (list.json["contracts"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false,
            "\(list.text)")
    }

    // #12.14
    @Test("the server's content reader answers 422 for Markdown that is not UTF-8")
    func serverContent() async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        let made = try await s.createContract(token)
        let id = try #require(made["id"] as? String)
        let md = String(try #require(made["path"] as? String).dropLast(5)) + ".md"
        try Data("# Website Build\n\nScope.\n".utf8).write(to: URL(fileURLWithPath: s.root + "/" + md))
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)/content", token: token).status == 200)
        let offset = try Self.corrupt(s.root + "/" + md, at: "# Website")
        let r = try await s.call("GET", "/api/v1/contracts/\(id)/content", token: token)
        #expect(r.status == 422, "\(r.status) \(r.text)")
        #expect(r.text.contains("\(md): invalid UTF-8 at byte \(offset)"), "\(r.text)")
    }
}
