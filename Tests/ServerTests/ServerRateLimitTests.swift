import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, rate limits: `//api/v1/auth/login` skipped the login limit and `/analyze/` the AI
/// limit; unauthenticated requests were never limited, and each one grew the security log.
@Suite("Security: rate limits see canonical paths and addresses", .serialized)
struct ServerRateLimitTests {
    static let viewer = "viewer@brickline.co.uk"
    static let manager = "manager@brickline.co.uk"

    @Test func loginLimitCannotBeDodgedWithAnOddPath() async throws {
        let s = try await LiveServer(.live, configure: serverSettings(["rate_limits:", "  login: 4/minute"]))
        let body = ["email": Self.viewer, "password": "wrong-password"]
        var statuses: [Int] = []
        for path in ["//api/v1/auth/login", "/api/v1/auth/login/", "/api/v1/./auth/login", "/api/v1/x/../auth/login"] {
            statuses.append(try await s.call("POST", path, json: body).status)
        }
        // Each variant reached the login route (401: wrong password), and each counted.
        #expect(statuses == [401, 401, 401, 401], "\(statuses)")
        let limited = try await s.call("POST", "//api//v1/auth/login//", json: body)
        #expect(limited.status == 429, "\(limited.status) \(limited.text)")
        #expect(try await s.call("POST", "/api/v1/auth/login", json: body).status == 429)
        #expect(try await s.call("GET", "/health").status == 200)
        #expect(try await s.call("GET", "//health/").status == 200)
    }

    @Test func aiLimitCountsTheTrailingSlashForm() async throws {
        let s = try await LiveServer(.live, configure: serverSettings(["rate_limits:", "  ai: 2/minute"]))
        let m = try s.token(Self.manager)
        let created = try await s.createContract(m)
        let id = created["id"] as? String ?? ""
        var statuses: [Int] = []
        for path in [
            "/api/v1/contracts/\(id)/analyze/", "/api/v1/contracts/\(id)//analyze", "/api/v1/contracts/\(id)/analyze/",
        ] {
            statuses.append(try await s.call("POST", path, token: m, json: [:]).status)
        }
        #expect(statuses.prefix(2).allSatisfy { $0 != 429 && $0 != 404 }, "\(statuses)")
        #expect(statuses.last == 429, "\(statuses)")
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test func encodedSlashesAndEscapesAboveTheRootAreRefused() async throws {
        let s = try await LiveServer(.live)
        for path in [
            "/api/v1/auth%2Flogin", "/api/v1/auth%2flogin", "/api/../../etc/passwd", "/api/v1/contracts/%2e%2e",
            "/api\\v1\\contracts",
        ] {
            let r = try await RawConnection.call(
                port: s.port, "POST", path, headers: ["Content-Type: application/json"], body: "{}")
            #expect(r.status == 404 || r.status == 400, "\(path): \(r.text)")
        }
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test func unauthenticatedFloodIsLimitedByAddressAndTheLogStaysSmall() async throws {
        let s = try await LiveServer(
            .live, configure: serverSettings(["rate_limits:", "  unauthenticated: 20/minute"]))
        let log = s.root + "/" + SecurityLog.path
        var statuses: [Int: Int] = [:]
        for _ in 0..<300 {
            let r = try await s.call("GET", "/api/v1/contracts")
            statuses[r.status, default: 0] += 1
        }
        #expect(statuses[401] == 20, "\(statuses)")
        #expect(statuses[429] == 280, "\(statuses)")
        // A signed-in user elsewhere is unaffected; /health answers.
        #expect(try await s.call("GET", "/health").status == 200)
        // 300 refusals: a handful of full events per kind, the rest counted, not written one by one.
        let events = try await s.securityEvents()
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        #expect(lines <= 20, "\(lines) lines for 300 refused requests")
        let counted = events.filter { ($0["kind"] as? String) == "rate_limited" }.reduce(0) {
            $0 + (($1["count"] as? Int) ?? 1)
        }
        #expect(counted == 280, "rate_limited events count \(counted)")
        let size = (try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        #expect(size < 10_000, "security log is \(size) bytes")
    }

    @Test func addressLimitAppliesBeforeAuthentication() async throws {
        let s = try await LiveServer(.live, configure: serverSettings(["rate_limits:", "  address: 10/minute"]))
        let v = try s.token(Self.viewer)
        var last = 0
        for _ in 0..<11 { last = try await s.call("GET", "/api/v1/contracts", token: v).status }
        #expect(last == 429)
        let other = try await RawConnection.call(
            port: s.port, from: "127.0.0.2", "GET", "/api/v1/contracts", headers: ["Authorization: Bearer \(v)"])
        #expect(other.status == 200, "another address: \(other.text)")
        #expect(try await s.call("GET", "/health").status == 200)
    }
}

/// The security log: aggregation of repeats and rotation, on a workspace of its own.
@Suite("Security: the security log is bounded")
struct ServerSecurityLogTests {
    func workspace() throws -> (Workspace, String) {
        let root = NSTemporaryDirectory() + "pactoria-seclog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        return (try Workspace.open(root: root), root)
    }

    final class Clock: @unchecked Sendable {
        var now: Int64 = 1_000_000
    }

    @Test func repeatsWithinAWindowBecomeOneCountedEvent() throws {
        let (ws, root) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let clock = Clock()
        let log = SecurityLog(ws, limits: .init(burst: 3, window: 60), clock: { clock.now })
        for _ in 0..<1000 {
            log.record(.init(time: "t", kind: "missing_token", severity: "low", address: "10.0.0.1", detail: "GET /x"))
        }
        log.record(.init(time: "t", kind: "missing_token", severity: "low", address: "10.0.0.2", detail: "GET /x"))
        clock.now += 61
        log.record(.init(time: "t", kind: "missing_token", severity: "low", address: "10.0.0.1", detail: "GET /x"))
        let r = log.read(limit: 100)
        #expect(r.total == 3 + 1 + 1 + 1, "\(r.events)")
        let total = r.events.filter { $0["address"] as? String == "10.0.0.1" }.reduce(0) {
            $0 + (($1["count"] as? Int) ?? 1)
        }
        #expect(total == 1001)
    }

    @Test func theFileIsRotatedAtItsCapAndOnlyTwoOldOnesAreKept() throws {
        let (ws, root) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = SecurityLog(ws, limits: .init(burst: 1_000_000, maxBytes: 8192, keep: 2))
        for i in 0..<2000 {
            log.record(
                .init(
                    time: "t", kind: "k\(i)", severity: "low", actor: "a\(i)@example.co.uk",
                    detail: String(repeating: "x", count: 100)))
        }
        let files = log.files
        #expect(files.count == 3)
        var total = 0
        for f in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0
            #expect(size <= 8192, "\(f): \(size)")
            total += size
        }
        #expect(total <= 3 * 8192)
        #expect(!FileManager.default.fileExists(atPath: ws.absolute(SecurityLog.path) + ".3"))
        // The newest event is still first.
        #expect(log.read(limit: 1).events.first?["kind"] as? String == "k1999")
    }
}
