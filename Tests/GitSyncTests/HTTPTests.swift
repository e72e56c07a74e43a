import Foundation
import PactoriaGit
import Testing

/// A smart-HTTP git server on 127.0.0.1: `git http-backend` behind a small Python CGI bridge,
/// optionally demanding HTTP basic authentication. Stopped by `stop()`.
private final class SmartHTTPServer {
    let process = Process()
    let port: Int

    /// The bridge: decodes chunked request bodies (libgit2 pushes with them), runs
    /// `git http-backend` per request and relays its CGI response.
    static let script = #"""
        import base64, http.server, os, subprocess, sys
        root, auth = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
        expected = "Basic " + base64.b64encode(auth.encode()).decode() if auth else None

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass
            def do_GET(self):
                self.relay()
            def do_POST(self):
                self.relay()
            def relay(self):
                if expected and self.headers.get("Authorization", "") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b""
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _, query = self.path.partition("?")
                env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                           QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER="tester",
                           REMOTE_ADDR="127.0.0.1", CONTENT_TYPE=self.headers.get("Content-Type", ""),
                           CONTENT_LENGTH=str(len(body)))
                if self.headers.get("Content-Encoding"):
                    env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
                out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
                sep = b"\r\n\r\n" if b"\r\n\r\n" in out else b"\n\n"
                head, _, rest = out.partition(sep)
                status, headers = 200, []
                for line in head.decode("latin-1").splitlines():
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(rest)))
                self.end_headers()
                self.wfile.write(rest)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    /// Serves the repositories under `root`; with `auth` ("user:password") requests need basic auth.
    init(root: String, home: String, auth: String? = nil) throws {
        let scriptPath = root + "/../http-bridge.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [scriptPath, root] + (auth.map { [$0] } ?? [])
        process.environment = gitEnvironment(home: home)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            kill(process.processIdentifier, SIGKILL)
            throw GitError(code: .other(-1), operation: "start HTTP server", message: "no port reported")
        }
        self.port = port
    }

    func url(_ repo: String) -> String { "http://127.0.0.1:\(port)/\(repo)" }

    func stop() {
        // SIGKILL: the bridge is ours and holds no state worth a clean shutdown (SIGTERM is not
        // always delivered to children of the test runner).
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("Smart HTTP")
struct HTTPTests {
    /// Serves `origin` over HTTP, then: clone-equivalent, push, and the peer sees it; a second
    /// clone's push is rejected; fetch brings the first clone's work.
    private func exercise(auth: String?, credentials: CredentialProvider) throws {
        let origin = try Origin()
        defer { origin.remove() }
        try git(["config", "http.receivepack", "true"], in: origin.bare, home: origin.home)
        let server = try SmartHTTPServer(root: origin.root.path, home: origin.home, auth: auth)
        defer { server.stop() }
        let url = server.url("origin.git")

        func clone(_ name: String) throws -> Repository {
            let repo = try Repository.initialize(at: origin.root.sub(name))
            try repo.addRemote(name: "origin", url: url)
            let log = ProgressLog()
            try repo.fetch(remote: "origin", credentials: credentials, progress: { log.add($0) })
            #expect(log.all.contains { $0.direction == .receiving })
            let tip = try #require(try repo.referenceTarget("refs/remotes/origin/main"))
            try repo.fastForward(branch: "main", to: tip)
            return repo
        }
        let a = try clone("a")
        let b = try clone("b")
        #expect(try read(a.workdir, "contract.yaml").contains("status: draft"))

        try write(a.workdir, "contract.yaml", "id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n")
        let aTip = try commitAll(a, "Activate")
        try a.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main", credentials: credentials)
        #expect(try origin.remoteMain() == aTip.hex)

        try write(b.workdir, "notes.md", "# Notes\n\nother\n")
        try commitAll(b, "Notes")
        let rejected = #expect(throws: SyncError.self) {
            try b.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main", credentials: credentials)
        }
        if case .rejected? = rejected {
        } else {
            Issue.record("expected .rejected, got \(String(describing: rejected))")
        }

        try b.fetch(remote: "origin", credentials: credentials)
        #expect(try b.referenceTarget("refs/remotes/origin/main") == aTip)

        // After fetching, the server itself refuses the non-fast-forward (reported per reference).
        let serverRejected = #expect(throws: SyncError.self) {
            try b.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main", credentials: credentials)
        }
        if case .rejected? = serverRejected {
        } else {
            Issue.record("expected .rejected, got \(String(describing: serverRejected))")
        }

        // A forced push gets past libgit2's own check; the server refuses it and says so per reference.
        try git(["config", "receive.denyNonFastForwards", "true"], in: origin.bare, home: origin.home)
        let forced = #expect(throws: SyncError.self) {
            try b.push(remote: "origin", refspec: "+refs/heads/main:refs/heads/main", credentials: credentials)
        }
        guard case let .rejected(ref, reason)? = forced else {
            Issue.record("expected .rejected, got \(String(describing: forced))")
            return
        }
        #expect(ref == "refs/heads/main")
        #expect(try origin.remoteMain() == aTip.hex)

        if auth != nil {
            let manyWrong = CredentialProvider(
                (1...10).map { .userPassword(username: "alice", password: "wrong\($0)") }, maxAttempts: 2)
            for bad in [.none, CredentialProvider([.userPassword(username: "alice", password: "wrong")]), manyWrong] {
                let error = #expect(throws: SyncError.self) { try b.fetch(remote: "origin", credentials: bad) }
                guard case .authenticationFailed(let remote, _)? = error else {
                    Issue.record("expected .authenticationFailed, got \(String(describing: error))")
                    continue
                }
                #expect(remote == "origin")
            }
        }
    }

    @Test func fetchAndPushWithoutCredentials() throws {
        try exercise(auth: nil, credentials: .none)
    }

    @Test func fetchAndPushWithBasicAuth() throws {
        try exercise(
            auth: "alice:s3cret",
            credentials: CredentialProvider([.userPassword(username: "alice", password: "s3cret")]))
    }

    @Test func tokenFromEnvironment() throws {
        let provider = CredentialProvider.standard(environment: ["PACTORIA_GIT_TOKEN": "tok123"])
        #expect(provider.methods == [.token("tok123")])
        let pair = CredentialProvider.standard(environment: [
            "PACTORIA_GIT_TOKEN": "alice:s3cret", "SSH_AUTH_SOCK": "/tmp/agent",
        ])
        #expect(pair.methods == [.userPassword(username: "alice", password: "s3cret"), .sshAgent()])
        #expect(CredentialProvider.standard(environment: [:]).methods.isEmpty)
    }

    @Test func tokenAuthenticatesOverHTTP() throws {
        try exercise(
            auth: "x-access-token:tok123", credentials: .standard(environment: ["PACTORIA_GIT_TOKEN": "tok123"]))
    }
}
