import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A smart-HTTP git server on 127.0.0.1 for tests: `git http-backend` behind a small Python CGI
/// bridge (it decodes the chunked request bodies libgit2 pushes with), optionally demanding HTTP
/// basic authentication. The bridge is the test's own child process; `stop()` kills it by pid
/// (SIGKILL: it holds no state worth a clean shutdown, and SIGTERM is not always delivered to
/// children of the test runner).
public final class GitHTTPBridge: @unchecked Sendable {
    let process = Process()
    public let port: Int

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

    /// Serves the repositories directly under `root`; with `auth` ("user:password") every request
    /// needs basic auth. `scriptDirectory` receives the bridge script.
    public init(root: String, scriptDirectory: String, environment: [String: String], auth: String? = nil) throws {
        let scriptPath = scriptDirectory + "/git-http-bridge.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [scriptPath, root] + (auth.map { [$0] } ?? [])
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
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
            process.waitUntilExit()
            throw Spawn.Failure(description: "the git HTTP bridge reported no port")
        }
        self.port = port
    }

    public func url(_ repo: String) -> String { "http://127.0.0.1:\(port)/\(repo)" }

    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
