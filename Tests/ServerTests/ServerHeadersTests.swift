import Foundation
import Logging
import PactoriaHTTPClient
import PactoriaServer
import PactoriaWorkspace
import ServerTestSupport
import ServiceLifecycle
import Testing

/// Issue #11: headers (CSP, no timing oracle), strict JSON bodies, and log lines that cannot be forged.
@Suite("Security: headers, bodies and logs", .serialized)
struct ServerHeadersTests {
    static let manager = "manager@brickline.co.uk"

    @Test func everyResponseHasACSPAndNoTimingHeader() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let responses = [
            try await s.call("GET", "/health"),
            try await s.call("GET", "/api/v1/contracts", token: m),
            try await s.call("GET", "/api/v1/contracts"),
            try await s.loginResponse(Self.manager, password: "wrong-password"),
            try await s.loginResponse(Self.manager),
            try await s.call("GET", "/nope"),
        ]
        for r in responses {
            #expect(r.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'", "\(r.status)")
            #expect(r.header("X-Process-Time") == nil, "\(r.status)")
            #expect(r.header("X-Content-Type-Options") == "nosniff")
        }
    }

    @Test func onlyApplicationJSONIsJSON() async throws {
        let s = try await LiveServer()
        let body = Array(#"{"email":"viewer@brickline.co.uk","password":"\#(LiveServer.password)"}"#.utf8)
        for type in [
            "application/jsonp", "application/json-seq", "text/json", "application/jsonx; charset=utf-8",
            "application/x-json",
        ] {
            let r = try await s.raw("POST", "/api/v1/auth/login", body: body, contentType: type)
            #expect(r.status == 415, "\(type): \(r.status)")
        }
        for type in ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"] {
            let r = try await s.raw("POST", "/api/v1/auth/login", body: body, contentType: type)
            #expect(r.status == 200, "\(type): \(r.status) \(r.text)")
        }
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test func hostileJSONBodiesAre400NamingTheProblem() async throws {
        let s = try await LiveServer(configure: serverSettings(["rate_limits:", "  login: 100/minute"]))
        let cases: [(String, [UInt8])] = [
            ("deep", Array(repeating: UInt8(ascii: "["), count: 1 << 20)),
            ("deep object", Array(String(repeating: #"{"a":"#, count: 100_000).utf8)),
            (
                "duplicate",
                Array(#"{"email":"viewer@brickline.co.uk","email":"admin@example.co.uk","password":"x"}"#.utf8)
            ),
            (
                "huge number",
                Array(#"{"email":"a@b.c","password":"x","n":1\#(String(repeating: "0", count: 5000))}"#.utf8)
            ),
        ]
        for (name, body) in cases {
            let r = try await s.raw("POST", "/api/v1/auth/login", body: body, contentType: "application/json")
            #expect(r.status == 400, "\(name): \(r.status) \(r.text.prefix(200))")
            #expect(r.json["error"] as? String == "bad_request", "\(name)")
            let detail = r.json["detail"] as? String ?? ""
            #expect(!detail.isEmpty, "\(name)")
            #expect(try await s.call("GET", "/health").status == 200, "after \(name)")
        }
    }

    @Test func requestValuesCannotForgeLogLines() async throws {
        let root = NSTemporaryDirectory() + "pactoria-logs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        let ws = try Workspace.open(root: root)
        let sink = LogSink()
        var logger = Logger(label: "test") { _ in CapturingHandler(sink: sink) }
        logger.logLevel = .debug
        let ready = AsyncStream<Int>.makeStream()
        let app = try buildApplication(
            ServerConfiguration(root: root, host: "127.0.0.1", port: 0, config: ws.config), logger: logger
        ) {
            ready.continuation.yield($0)
        }
        let task = Task { try await app.run() }
        defer { task.cancel() }
        var it = ready.stream.makeAsyncIterator()
        let port = await it.next() ?? 0
        let forged = "x@example.co.uk\n2026-12-01T00:00:00 info pactoria.serve : FORGED admin login ok\r\u{2028}"
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: ["email": forged, "password": "p"]), as: UTF8.self)
        let r = try await blocking {
            try RawConnection.request(
                port: port, "POST", "/api/v1/auth/login", headers: ["Content-Type: application/json"], body: body)
        }
        #expect(r.status == 401)
        let lines = sink.lines
        #expect(lines.contains { $0.contains("FORGED") }, "the actor is logged with the security event: \(lines)")
        for line in lines {
            #expect(
                !line.contains("\n") && !line.contains("\r") && !line.contains("\u{2028}"),
                "raw control character in: \(line)")
        }
        #expect(lines.contains { $0.contains(#"x@example.co.uk\n2026"#) })
    }
}

final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ s: String) { lock.lock(); stored.append(s); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}

/// Records each entry as one string: the message, then `key=value` for each metadata value.
struct CapturingHandler: LogHandler {
    let sink: LogSink
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let message = event.message
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        sink.add(
            ([message.description] + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(
                separator: " "))
    }
}
