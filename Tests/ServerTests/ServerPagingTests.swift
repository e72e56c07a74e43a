import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 8 (crashes): `page=9223372036854775807` overflowed `(page - 1) * size` and
/// killed the server; `pactoria list --page 9223372036854775807` killed the CLI.
@Suite("Security: paging arithmetic never traps", .serialized)
struct ServerPagingTests {
    static let admin = "admin@example.co.uk"
    static let huge = String(Int.max)

    @Test func hugePagesAreRefusedOrEmptyAndTheServerLives() async throws {
        let s = try await LiveServer()
        let t = try s.token(Self.admin)
        try await s.createContract(t)
        for path in ["/api/v1/contracts", "/api/v1/audit", "/api/v1/security/events"] {
            for query in [
                "page=\(Self.huge)", "page=\(Self.huge)&size=100", "page=-\(Self.huge)", "size=\(Self.huge)",
                "page=99999999999999999999999", "page=abc",
            ] {
                let r = try await s.call("GET", "\(path)?\(query)", token: t)
                #expect(r.status == 422 || r.status == 200, "\(path)?\(query): \(r.status) \(r.text)")
                if r.status == 422 {
                    let field = r.json["field"] as? String
                    #expect(field == "page" || field == "size", "\(path)?\(query): \(r.text)")
                }
                #expect(try await s.call("GET", "/health").status == 200, "after \(path)?\(query)")
            }
        }
        // A page just past the end is empty, not an error.
        let past = try await s.call("GET", "/api/v1/contracts?page=50&size=100", token: t)
        #expect(past.status == 200)
        #expect((past.json["contracts"] as? [Any])?.isEmpty == true)
        #expect(past.json["total"] as? Int == 1)
    }

    @Test func listContractsUseCaseSurvivesTheLargestPage() throws {
        let root = NSTemporaryDirectory() + "pactoria-paging-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        let ws = try Workspace.open(root: root)
        let page = try ListContracts.run(ws, .init(page: Int.max, size: 100))
        #expect(page.contracts.isEmpty)
        #expect(page.page == Int.max)
    }

    @Test func cliListWithTheLargestPageExitsCleanly() throws {
        let bin = try pactoriaBinary()
        let root = NSTemporaryDirectory() + "pactoria-paging-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        for args in [["list", "--page", Self.huge], ["list", "--page", Self.huge, "--json"]] {
            let r = try runProcess(bin, args, directory: root)
            #expect(r.signal == 0, "\(args): killed by signal \(r.signal)")
            #expect(r.status == 0, "\(args): exit \(r.status) \(r.stderr)")
        }
        let json = try runProcess(bin, ["list", "--page", Self.huge, "--json"], directory: root)
        let page = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((page?["contracts"] as? [Any])?.isEmpty == true, "\(json.stdout)")
        // Out of range: a usage error naming the option, not a trap.
        let zero = try runProcess(bin, ["list", "--page", "0"], directory: root)
        #expect(zero.signal == 0 && zero.status == 64, "exit \(zero.status)")
        #expect(zero.stderr.contains("--page"))
    }
}

/// The built `pactoria` (PACTORIA_BIN, else beside this test bundle).
func pactoriaBinary() throws -> String {
    let fm = FileManager.default
    if let explicit = ProcessInfo.processInfo.environment["PACTORIA_BIN"], !explicit.isEmpty { return explicit }
    var dir = URL(
        fileURLWithPath: (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    while dir.path != "/" {
        dir = dir.deletingLastPathComponent()
        for c in [dir.appendingPathComponent("pactoria"), dir.appendingPathComponent("debug/pactoria")]
        where fm.isExecutableFile(atPath: c.path) {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: c.path, isDirectory: &isDir), !isDir.boolValue { return c.path }
        }
    }
    throw RawSocketError(description: "the pactoria binary is not built; run `swift build` or set PACTORIA_BIN")
}

/// Runs a program to the end: exit status (or the signal that killed it) and its output.
func runProcess(_ path: String, _ args: [String], directory: String, environment: [String: String] = [:]) throws
    -> (status: Int32, signal: Int32, stdout: String, stderr: String)
{
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["HOME"] = directory
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let signal = p.terminationReason == .uncaughtSignal ? p.terminationStatus : 0
    return (p.terminationStatus, signal, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
