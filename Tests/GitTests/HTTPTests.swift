import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

/// A smart-HTTP git server on 127.0.0.1: `git http-backend` behind a small Python CGI bridge,
/// optionally demanding HTTP basic authentication. Stopped by `stop()`.
@Suite("Smart HTTP")
struct HTTPTests {
    /// Serves `origin` over HTTP, then: clone-equivalent, push, and the peer sees it; a second
    /// clone's push is rejected; fetch brings the first clone's work.
    private func exercise(auth: String?, credentials: CredentialProvider) throws {
        let origin = try Origin()
        defer { origin.remove() }
        try git(["config", "http.receivepack", "true"], in: origin.bare, home: origin.home)
        let server = try GitHTTPBridge(
            root: origin.root.path, scriptDirectory: origin.root.path + "/..",
            environment: gitEnvironment(home: origin.home),
            auth: auth)
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
        guard case let .rejected(ref, _)? = forced else {
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
