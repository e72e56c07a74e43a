import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaGit
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers of the durability suites (issue #12, findings 1, 4, 6, 7, 9): a small real workspace,
/// the built binary with a fault armed, and the checks made after every fault.
enum DurabilityKit {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static let author = Author(name: "Admin", email: "admin@example.co.uk")
    static let password = "correct-horse-battery"

    /// A committed workspace in `parent` (a fresh temporary folder by default): company `acme`,
    /// two committed drafts, `first` (from a template, so `generate` works locally) and `other`.
    static func workspace(in parent: String? = nil) throws -> (root: String, first: ContractRef, other: ContractRef) {
        let root = (parent ?? NSTemporaryDirectory()) + "/pactoria-durability-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        setenv(LiveServer.insecureIterationsVariable, "1000", 1)
        _ = try InitWorkspace.run(directory: root, author: author.description)
        let ws = try Workspace.open(root: root)
        _ = try Companies.add(ws, name: "Acme Ltd", slug: "acme", companyNumber: nil)
        _ = try CommitChanges.run(ws, message: "Company", author: author, stageEverything: true)
        let first = try NewContract.create(
            ws,
            .init(
                company: "acme", title: "Website Build", type: "consultancy", client: Party(name: "Harbour Foods Ltd"),
                startDate: "2027-01-04", endDate: "2027-12-31", templateID: "template-consulting-001"),
            author: author)
        let other = try NewContract.create(
            ws, .init(company: "acme", title: "Mutual NDA", type: "nda", client: Party(name: "Harbour Foods Ltd")),
            author: author)
        return (root, first.0.ref, other.0.ref)
    }

    /// Runs the built `pactoria` in `root`, with `fault` armed (`PACTORIA_FAULT`).
    static func cli(_ root: String, _ args: [String], fault: String? = nil, skip: Int? = nil) throws -> CLIRun {
        var env: [String: String?] = ["PACTORIA_FAULT": fault]
        if let skip { env["PACTORIA_FAULT_SKIP"] = String(skip) }
        return try runPactoria(root, args, environment: env)
    }

    /// Every file below `companies/` and `.pactoria/` (not the local cache), byte for byte.
    static func files(_ root: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        let fm = FileManager.default
        for top in ["companies", ".pactoria"] {
            guard let e = fm.enumerator(atPath: root + "/" + top) else { continue }
            while let rel = e.nextObject() as? String {
                let path = "\(top)/\(rel)"
                if path.hasPrefix(".pactoria/cache") || path.hasPrefix(".pactoria/secrets") { continue }
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: root + "/" + path, isDirectory: &isDir), !isDir.boolValue else { continue }
                out[path] = Array((fm.contents(atPath: root + "/" + path)) ?? Data())
            }
        }
        return out
    }

    static func head(_ root: String) throws -> String {
        try runGit(root, ["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The checks made after every fault: `git fsck` clean, nothing staged that HEAD lacks, no
    /// temporary file in the working tree, no journal left.
    static func expectSound(_ root: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try runGit(root, ["fsck", "--no-progress", "--no-dangling"])
        let staged = try runGit(root, ["diff", "--cached", "--name-only"])
        #expect(staged.isEmpty, "staged but not committed: \(staged)", sourceLocation: sourceLocation)
        let temporaries = files(root).keys.filter { $0.contains(".tmp-") }
        #expect(temporaries.isEmpty, "temporary files left: \(temporaries)", sourceLocation: sourceLocation)
        #expect(
            !FileManager.default.fileExists(atPath: root + "/.git/pactoria/journal"), "the journal is still there",
            sourceLocation: sourceLocation)
    }

    /// The contract's metadata as HEAD has it.
    static func committed(_ root: String, _ path: String, at rev: String = "HEAD") throws -> String {
        try runGit(root, ["show", "\(rev):\(path)"])
    }

    static func statusField(_ root: String, _ ref: ContractRef) throws -> String? {
        let text = try String(contentsOfFile: root + "/" + ref.yamlPath, encoding: .utf8)
        return text.split(separator: "\n").first { $0.hasPrefix("status: ") }.map { String($0.dropFirst(8)) }
    }

    static func remove(_ root: String) { try? FileManager.default.removeItem(atPath: root) }
}

/// `pactoria serve` as a child process (so a fault ends it as a crash would), on a free port.
final class ServeProcess {
    let pid: pid_t
    let port: Int
    let root: String
    let client = HTTPClient()

    init(root: String, fault: String? = nil) throws {
        self.root = root
        var env = [
            "HOME": root + "/.git", "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1", "TZ": "UTC", "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            LiveServer.insecureIterationsVariable: "1000",
        ]
        if let fault { env["PACTORIA_FAULT"] = fault }
        // A port found free can be taken by a parallel test before the server binds it: on a start
        // that fails to bind, try another port (three times at most).
        var attempt = 0
        while true {
            attempt += 1
            let port = Int(try LoopbackHTTPServer.unusedPort())
            let pid = try Self.spawn(root: root, port: port, env: env)
            switch Self.waitUntilReady(pid: pid, port: port, client: client) {
            case .ready:
                self.pid = pid
                self.port = port
                return
            case .exited:
                let text = (try? String(contentsOfFile: root + "/.git/serve-stderr", encoding: .utf8)) ?? ""
                if attempt < 3, text.contains("in use") || text.contains("bind") { continue }
                throw DurabilityKit.Failure(description: "pactoria serve exited at start: \(text)")
            case .silent:
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                throw DurabilityKit.Failure(description: "pactoria serve did not answer within 30 s")
            }
        }
    }

    private static func spawn(root: String, port: Int, env: [String: String]) throws -> pid_t {
        let args: [String] = ["/usr/bin/env", "-C", root, try pactoriaBinary(), "serve", "--port", String(port)]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, root + "/.git/serve-stderr", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        guard rc == 0 else { throw DurabilityKit.Failure(description: "cannot start pactoria serve: \(rc)") }
        return pid
    }

    private enum Start { case ready, exited, silent }

    /// Ready when /health answers (bounded); `exited` when the process ended first (reaped).
    private static func waitUntilReady(pid: pid_t, port: Int, client: HTTPClient) -> Start {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let r = try? client.send(.get("http://127.0.0.1:\(port)/health")), r.status == 200 { return .ready }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return .exited }
            usleep(20_000)
        }
        return .silent
    }

    var stderrText: String { (try? String(contentsOfFile: root + "/.git/serve-stderr", encoding: .utf8)) ?? "" }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    private var status: Int32?

    /// The exit status once the process has ended (nil while it runs).
    func exited() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        status = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return status
    }

    /// Waits (bounded) for the process to end; its exit status.
    func waitForExit(_ limit: Duration = .seconds(30)) -> Int32? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let s = exited() { return s }
            usleep(10_000)
        }
        return nil
    }

    func stop() {
        guard exited() == nil else { return }
        kill(pid, SIGTERM)
        if waitForExit(.seconds(10)) == nil {
            kill(pid, SIGKILL)
            _ = waitForExit()
        }
    }

    deinit { stop() }

    func request(_ method: String, _ path: String, token: String, json: [String: Any]? = nil) throws -> HTTPResponse {
        var headers: [HTTPHeader] = [.authorization(bearer: token)]
        var body: [UInt8]?
        if let json {
            body = Array(try JSONSerialization.data(withJSONObject: json))
            headers.append(.contentType("application/json"))
        }
        return try client.send(HTTPRequest(method: method, url: url(path), headers: headers, body: body))
    }

    /// A token for a new admin of `company` (made in the workspace, as `pactoria user add` does).
    static func adminToken(_ root: String, company: String) throws -> String {
        let ws = try Workspace.open(root: root)
        let email = "admin-\(UUID().uuidString.prefix(6).lowercased())@example.co.uk"
        let user = try UserStore.add(
            ws, email: email, fullName: "Admin", role: .admin, company: company, password: DurabilityKit.password)
        return UserStore.token(
            for: user, key: try UserStore.signingKey(ws), now: Int64(Date().timeIntervalSince1970), lifetime: 3600)
    }
}
