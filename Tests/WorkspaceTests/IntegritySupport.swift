import PactoriaHTTPClient
import ServerTestSupport
import Testing

/// A live server with a company manager's token and one draft created through the API, readable
/// (`GET` answers 200) before a test damages its files.
struct ServedDraft {
    let server: LiveServer
    let token: String
    let id: String
    /// The draft's metadata file, relative to the workspace.
    let path: String

    static func make(manager: String = "manager@brickline.co.uk") async throws -> ServedDraft {
        let s = try await LiveServer()
        let token = try s.token(manager)
        let made = try await s.createContract(token)
        let id = try #require(made["id"] as? String)
        let path = try #require(made["path"] as? String)
        #expect(try await s.call("GET", "/api/v1/contracts/\(id)", token: token).status == 200)
        return ServedDraft(server: s, token: token, id: id, path: path)
    }
}
