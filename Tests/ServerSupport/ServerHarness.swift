public import Foundation
public import PactoriaAccess
import PactoriaCore
public import PactoriaHTTPClient
import PactoriaServer
import PactoriaTestSupport
public import PactoriaWorkspace
import ServiceLifecycle
public import Testing

/// The server `pactoria serve` builds, over a fresh workspace. By default requests go through
/// the router in process (`app.test(.router)`); `.live` binds 127.0.0.1 on an ephemeral port and
/// sends them with the real libcurl client, for what needs a socket (connections, concurrency,
/// the remote address, raw bytes, libcurl itself).
public final class LiveServer: @unchecked Sendable {
    public enum Transport: Sendable {
        /// In process, through the router: no socket, no port, no remote address.
        case router
        /// A real socket on 127.0.0.1.
        case live
    }

    public let root: String
    public let transport: Transport
    /// The bound port (`.live` only; 0 through the router).
    public let port: Int
    let task: Task<Void, any Error>
    let router: RouterTransport?
    public let client = HTTPClient()
    /// The server's clock: tokens, login delays, rate windows and the security log read it.
    public let clock: TestClock

    /// Starts a server on a new workspace with two companies and a few users.
    public init(_ transport: Transport = .router, configure: (String) throws -> Void = { _ in }) async throws {
        self.transport = transport
        Hermetic.setUp()
        root = NSTemporaryDirectory() + "pactoria-server-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        // Fast password hashing for tests: only the process environment may lower the floor.
        setenv(Self.insecureIterationsVariable, "1000", 1)
        try configure(root)
        let ws = try Workspace.open(root: root)
        let author = Author(name: "Admin", email: "admin@example.co.uk")
        _ = try Companies.add(ws, name: "Brickline Digital Ltd", slug: "brickline", companyNumber: nil)
        _ = try Companies.add(ws, name: "Ancoats Bakehouse Ltd", slug: "ancoats", companyNumber: nil)
        _ = try CommitChanges.run(ws, message: "Companies", author: author, stageEverything: true)
        for (email, role, company) in Self.users {
            _ = try UserStore.add(
                ws, email: email, fullName: email, role: role, company: company, password: Self.password)
        }
        // The operator grant, as `pactoria user grant-operator` gives it.
        _ = try UserStore.setOperator(ws, email: Self.operatorEmail, granted: true)
        let ready = AsyncStream<Int>.makeStream()
        var configuration = ServerConfiguration(root: root, host: "127.0.0.1", port: 0, config: ws.config)
        let clock = TestClock()
        self.clock = clock
        configuration.clock = { clock.now() }
        let app = try buildApplication(configuration) { port in ready.continuation.yield(port) }
        switch transport {
        case .live:
            router = nil
            task = Task { try await app.run() }
            var it = ready.stream.makeAsyncIterator()
            port = await it.next() ?? 0
        case .router:
            let router = RouterTransport()
            self.router = router
            task = Task { try await router.serve(app) }
            port = 0
        }
    }

    public static let password = "correct-horse-battery"
    public static let users: [(String, Role, String)] = [
        ("admin@example.co.uk", .admin, "brickline"),
        ("manager@brickline.co.uk", .contractManager, "brickline"),
        ("legal@brickline.co.uk", .legalReviewer, "brickline"),
        ("viewer@brickline.co.uk", .viewer, "brickline"),
        ("manager@ancoats.co.uk", .contractManager, "ancoats"),
        (LiveServer.operatorEmail, .admin, "ancoats"),
    ]
    /// An admin of Ancoats who also holds the operator grant: sees every company.
    public static let operatorEmail = "operator@example.co.uk"
    /// Test-only: lowers PBKDF2's cost for this process and the `pactoria` processes it starts.
    public static let insecureIterationsVariable = "PACTORIA_INSECURE_TEST_PBKDF2_ITERATIONS"

    deinit {
        router?.stop()
        task.cancel()
        try? FileManager.default.removeItem(atPath: root)
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// A request value: the bearer token and, with `json`, the serialised body and its type.
    public func httpRequest(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [HTTPHeader] = []
    ) throws -> HTTPRequest {
        var h = headers
        if let token { h.append(.authorization(bearer: token)) }
        var body: [UInt8]?
        if let json {
            body = Array(try JSONSerialization.data(withJSONObject: json))
            h.append(.contentType("application/json"))
        }
        return HTTPRequest(method: method, url: url(path), headers: h, body: body)
    }

    /// A request from a thread of its own (never from the cooperative pool): `call` in async code.
    public func request(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [HTTPHeader] = []
    ) throws -> HTTPResponse {
        try sendBlocking(try httpRequest(method, path, token: token, json: json, headers: headers))
    }

    /// Sends `request` through the server's transport, awaiting the answer.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if let router { return try await router.send(request) }
        let client = self.client
        return try await blocking { try client.send(request) }
    }

    /// Sends `request` through the server's transport, blocking this thread.
    func sendBlocking(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let router else { return try client.send(request) }
        let box = ResultsBox<HTTPResponse>(1)
        let done = DispatchSemaphore(value: 0)
        Task {
            let r = await catching { try await router.send(request) }
            box.lock.withLock { box.results[0] = r }
            done.signal()
        }
        done.wait()
        return try box.lock.withLock { box.results[0]! }.get()
    }

    public func login(_ email: String, password: String = LiveServer.password) throws -> String {
        let r = try request("POST", "/api/v1/auth/login", json: ["email": email, "password": password])
        #expect(r.status == 200, "\(r.text)")
        return (r.json["access_token"] as? String) ?? ""
    }
}

extension HTTPResponse {
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body)) as? [String: Any]) ?? [:]
    }
}

// MARK: - Helpers for the issue #5 suite
//
// The libcurl client blocks, and the server's handlers run on Swift's cooperative pool (two
// threads on this machine): so every request below runs on a thread of its own and is awaited,
// and assertions stay in the test's async context.

extension LiveServer {
    /// A fresh view of the server's workspace (as the CLI would open it).
    public func workspace() throws -> Workspace { try Workspace.open(root: root) }

    /// The workspace's token-signing key (`.pactoria/secrets/jwt.key`).
    public func signingKey() throws -> [UInt8] { try UserStore.signingKey(try workspace()) }

    /// A token for `email` minted the way `pactoria token` does (no login, so no login rate limit).
    public func token(_ email: String, lifetime: Int64 = 3600) throws -> String {
        let ws = try workspace()
        guard let user = UserStore.find(try UserStore.load(ws), email: email) else {
            throw HarnessFailure(description: "no user \(email)")
        }
        return UserStore.token(for: user, key: try signingKey(), now: clock.now(), lifetime: lifetime)
    }

    /// A request off the cooperative pool; `json` is serialised here.
    public func call(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [HTTPHeader] = []
    ) async throws -> HTTPResponse {
        try await send(try httpRequest(method, path, token: token, json: json, headers: headers))
    }

    /// A request with a raw body and an explicit (or no) content type.
    public func raw(
        _ method: String, _ path: String, token: String? = nil, body: [UInt8]?, contentType: String?,
        headers: [HTTPHeader] = []
    ) async throws -> HTTPResponse {
        var h = headers
        if let token { h.append(.authorization(bearer: token)) }
        if let contentType { h.append(.contentType(contentType)) }
        return try await send(HTTPRequest(method: method, url: url(path), headers: h, body: body))
    }

    /// Sends many requests at once, each on its own thread; results in order.
    public func concurrently(_ requests: [HTTPRequest]) async throws -> [Result<HTTPResponse, any Error>] {
        if router != nil {
            return await withTaskGroup(of: (Int, Result<HTTPResponse, any Error>).self) { group in
                for (i, request) in requests.enumerated() {
                    group.addTask { (i, await catching { try await self.send(request) }) }
                }
                var results = [Result<HTTPResponse, any Error>?](repeating: nil, count: requests.count)
                for await (i, r) in group { results[i] = r }
                return results.map { $0! }
            }
        }
        let client = self.client
        return try await blocking { onThreads(requests.count) { i in try client.send(requests[i]) } }
    }

    /// A JSON request value, for `concurrently`.
    public func jsonRequest(
        _ method: String, _ path: String, token: String, json: [String: Any], headers: [HTTPHeader] = []
    ) throws -> HTTPRequest {
        HTTPRequest(
            method: method, url: url(path),
            headers: [.authorization(bearer: token), .contentType("application/json")] + headers,
            body: Array(try JSONSerialization.data(withJSONObject: json)))
    }

    /// Runs the git CLI in the workspace (an independent reader of the repository).
    @discardableResult
    public func git(_ args: [String]) async throws -> String {
        let root = self.root
        return try await blocking { try runGit(root, args) }
    }

    /// The number of commits reachable from HEAD.
    public func commitCount() async throws -> Int {
        Int(try await git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Creates a draft through the API and returns its JSON (records an issue unless 201).
    @discardableResult
    public func createContract(
        _ token: String, title: String = "Website Build", type: String = "service_agreement",
        extra: [String: Any] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        var body: [String: Any] = ["title": title, "contract_type": type, "client": ["name": "Acme Ltd"]]
        for (k, v) in extra { body[k] = v }
        let r = try await call("POST", "/api/v1/contracts", token: token, json: body)
        #expect(r.status == 201, "create: \(r.status) \(r.text)", sourceLocation: sourceLocation)
        return r.json
    }

    /// POST a lifecycle transition.
    public func transition(_ token: String, _ id: String, _ action: String, reason: String? = nil, version: Int? = nil)
        async throws -> HTTPResponse
    {
        var body: [String: Any] = ["action": action]
        if let reason { body["reason"] = reason }
        if let version { body["version"] = version }
        return try await call("POST", "/api/v1/contracts/\(id)/transitions", token: token, json: body)
    }

    /// The operator's view of the security log (every company's events), newest first.
    public func securityEvents(size: Int = 100) async throws -> [[String: Any]] {
        let r = try await call("GET", "/api/v1/security/events?size=\(size)", token: try token(Self.operatorEmail))
        return r.json["events"] as? [[String: Any]] ?? []
    }

    /// Logs in off the pool; returns the whole response.
    public func loginResponse(_ email: String, password: String = LiveServer.password) async throws -> HTTPResponse {
        try await call("POST", "/api/v1/auth/login", json: ["email": email, "password": password])
    }
}

/// What a run of the `pactoria` binary printed.
public struct CLIRun: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

extension LiveServer {
    /// Runs the built `pactoria` binary in the server's workspace (fast hashing, pinned author),
    /// with `input` on standard input.
    public func pactoria(_ args: [String], input: String? = nil, environment: [String: String?] = [:]) async throws
        -> CLIRun
    {
        let root = self.root
        return try await blocking { try runPactoria(root, args, input: input, environment: environment) }
    }
}

/// `$PACTORIA_BIN`, else `pactoria` beside the test bundle (the build products directory).
public func pactoriaBinary() throws -> String {
    switch PactoriaBinary.find() {
    case .success(let path): return path
    case .failure(let f): throw HarnessFailure(description: f.description)
    }
}

/// Runs `pactoria` in `root` with a pinned environment; never throws on a non-zero exit.
public func runPactoria(_ root: String, _ args: [String], input: String? = nil, environment: [String: String?] = [:])
    throws -> CLIRun
{
    let io = NSTemporaryDirectory() + "pactoria-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: io, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: io) }
    try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: io + "/in"))
    var env = Hermetic.environment(home: io)
    env["PACTORIA_AUTHOR"] = "Admin <admin@example.co.uk>"
    env[LiveServer.insecureIterationsVariable] = "1000"
    for (k, v) in environment { env[k] = v }
    let status = try Spawn.run(
        try pactoriaBinary(), args, directory: root, environment: env, stdin: io + "/in", stdout: io + "/out",
        stderr: io + "/err")
    let read = { (name: String) in
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: io + "/" + name))) ?? Data(), as: UTF8.self)
    }
    return CLIRun(status: status, stdout: read("out"), stderr: read("err"))
}

/// Runs git in `root` with a pinned identity; throws on a non-zero exit.
public func runGit(_ root: String, _ args: [String]) throws -> String {
    var env = ProcessInfo.processInfo.environment
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = "/dev/null"
    env["XDG_CONFIG_HOME"] = Hermetic.emptyConfigDirectory
    env["GIT_AUTHOR_NAME"] = "Git User"
    env["GIT_AUTHOR_EMAIL"] = "git@example.co.uk"
    env["GIT_COMMITTER_NAME"] = "Git User"
    env["GIT_COMMITTER_EMAIL"] = "git@example.co.uk"
    let r = try Spawn.capture("/usr/bin/git", args, directory: root, environment: env)
    guard r.status == 0 else {
        throw HarnessFailure(description: "git \(args.joined(separator: " ")) failed: \(r.stderr)")
    }
    return String(decoding: r.stdout, as: UTF8.self)
}

public struct HarnessFailure: Error, CustomStringConvertible {
    public var description: String
}

/// Runs `count` blocking jobs on their own threads, released together; results in order.
public final class ResultsBox<T>: @unchecked Sendable {
    public var results: [Result<T, any Error>?]
    public let lock = NSLock()
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
}

public func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<
    T, any Error
>] {
    let box = ResultsBox<T>(count)
    let group = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for i in 0..<count {
        group.enter()
        let t = Thread {
            start.wait()
            let r = Result { try body(i) }
            box.lock.lock()
            box.results[i] = r
            box.lock.unlock()
            group.leave()
        }
        t.stackSize = 1 << 20
        t.start()
    }
    for _ in 0..<count { start.signal() }
    group.wait()
    return box.results.map { $0! }
}

/// The outcome of async work as a `Result`.
func catching<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

/// Runs blocking work on its own thread and awaits it.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (k: CheckedContinuation<T, any Error>) in
        let t = Thread {
            do { k.resume(returning: try body()) } catch { k.resume(throwing: error) }
        }
        t.stackSize = 4 << 20
        t.start()
    }
}

extension HTTPResponse {
    public var array: [Any] { (try? JSONSerialization.jsonObject(with: Data(self.body)) as? [Any]) ?? [] }
}
