import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaServer
import PactoriaWorkspace
import Testing

/// A real server on 127.0.0.1 and an ephemeral port, over a fresh workspace, reached with the
/// real libcurl client.
final class LiveServer: @unchecked Sendable {
    let root: String
    let port: Int
    private let task: Task<Void, any Error>
    let client = HTTPClient()

    /// Starts a server on a new workspace with two companies and a few users.
    init(configure: (String) throws -> Void = { _ in }) async throws {
        root = NSTemporaryDirectory() + "pactoria-server-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        var config = try String(contentsOfFile: root + "/.pactoria/config.yaml", encoding: .utf8)
        config += "security:\n  password_iterations: 1000\n"
        try config.write(toFile: root + "/.pactoria/config.yaml", atomically: true, encoding: .utf8)
        try configure(root)
        let ws = try Workspace.open(root: root)
        let author = Author(name: "Admin", email: "admin@example.co.uk")
        _ = try Companies.add(ws, name: "Brickline Digital Ltd", slug: "brickline", companyNumber: nil)
        _ = try Companies.add(ws, name: "Ancoats Bakehouse Ltd", slug: "ancoats", companyNumber: nil)
        _ = try CommitChanges.run(ws, message: "Companies", author: author, stageEverything: true)
        for (email, role, company) in Self.users {
            _ = try UserStore.add(ws, email: email, fullName: email, role: role, company: company, password: Self.password, author: author)
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = try buildApplication(ServerConfiguration(root: root, host: "127.0.0.1", port: 0, config: ws.config)) { port in
            ready.continuation.yield(port)
        }
        task = Task { try await app.run() }
        var it = ready.stream.makeAsyncIterator()
        port = await it.next() ?? 0
    }

    static let password = "correct-horse-battery"
    static let users: [(String, Role, String)] = [
        ("admin@example.co.uk", .admin, "brickline"),
        ("manager@brickline.co.uk", .contractManager, "brickline"),
        ("legal@brickline.co.uk", .legalReviewer, "brickline"),
        ("viewer@brickline.co.uk", .viewer, "brickline"),
        ("manager@ancoats.co.uk", .contractManager, "ancoats"),
    ]

    deinit {
        task.cancel()
        try? FileManager.default.removeItem(atPath: root)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [HTTPHeader] = []) throws -> HTTPResponse {
        var h = headers
        if let token { h.append(.authorization(bearer: token)) }
        var body: [UInt8]?
        if let json {
            body = Array(try JSONSerialization.data(withJSONObject: json))
            h.append(.contentType("application/json"))
        }
        return try client.send(HTTPRequest(method: method, url: url(path), headers: h, body: body))
    }

    func login(_ email: String, password: String = LiveServer.password) throws -> String {
        let r = try request("POST", "/api/v1/auth/login", json: ["email": email, "password": password])
        #expect(r.status == 200, "\(r.text)")
        return (r.json["access_token"] as? String) ?? ""
    }
}

extension HTTPResponse {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(self.body)) as? [String: Any]) ?? [:] }
}
