import Foundation
import PactoriaTestSupport
import Testing

/// What the binary loads before `main`: libcurl's dependency tree (TLS, LDAP, Kerberos, SSH,
/// HTTP/2...) is loaded on first HTTP request, not at start, so verbs that make none do not pay
/// for it (`CCurl/shim.h`). The dynamic loader's own trace (`LD_DEBUG=libs`) is the witness.
/// That a request still works through the lazily loaded library is shown by every test that
/// reaches the local stub of the AI API (`GenerationCLITests`, `HTTPClientTests`).
@Suite("End to end: start-up")
struct StartupTests {
    @Test("--version, init, status and list do not load libcurl; libgit2 is loaded (the trace works)")
    func libcurlIsNotLoadedAtStart() throws {
        try E2E.withSandbox { sb in
            let runs: [(args: [String], dir: String)] = [
                (["--version"], ""), (["init", "ws"], ""), (["status"], "ws"), (["list"], "ws"),
            ]
            for run in runs {
                let r = try sb.pactoria(run.args, in: run.dir, env: ["LD_DEBUG": "libs"])
                #expect(r.exitCode == 0, "\(r)")
                let loaded = r.stderr.split(separator: "\n").filter { $0.contains("calling init:") }
                #expect(loaded.contains { $0.contains("libgit2") }, "\(r.stderr)")
                #expect(!loaded.contains { $0.contains("libcurl") }, "\(run.args): \(loaded)")
                #expect(!r.stderr.contains("libcurl.so"), "\(run.args)")
            }
        }
    }
}
