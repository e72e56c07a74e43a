import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

/// git's credential helpers: the configuration read through libgit2, helpers run as processes,
/// the native `store` helper, and their use against a smart-HTTP server that demands basic auth.
///
/// Only repository-level configuration is written, and each helper list starts with an empty
/// `credential.helper` (which clears those of the user's and the system's configuration), so the
/// tests do not depend on the machine's git configuration. Helpers run with a `HOME` in the test's
/// own directory.
@Suite("Credential helpers")
struct CredentialHelperTests {
    // MARK: - Against a server

    /// An origin served over HTTP with basic auth `auth`, and a fresh repository with `origin` set
    /// to it (nothing fetched yet).
    private struct Served {
        let origin: Origin
        let server: GitHTTPBridge
        let repo: Repository
        var url: String { server.url("origin.git") }
        var environment: [String: String] { ["HOME": origin.home, "PATH": "/usr/bin:/bin", "LC_ALL": "C"] }

        init(auth: String) throws {
            origin = try Origin()
            try git(["config", "http.receivepack", "true"], in: origin.bare, home: origin.home)
            server = try GitHTTPBridge(
                root: origin.root.path, scriptDirectory: origin.root.path + "/..",
                environment: gitEnvironment(home: origin.home), auth: auth)
            repo = try Repository.initialize(at: origin.root.sub("work"))
            try repo.addRemote(name: "origin", url: server.url("origin.git"))
        }

        /// Sets the repository's helper list: an empty entry first (clearing any inherited ones),
        /// then `helpers`.
        func setHelpers(_ helpers: [String]) throws {
            for value in [""] + helpers {
                try git(["config", "--add", "credential.helper", value], in: repo.workdir, home: origin.home)
            }
            try git(["config", "credential.useHttpPath", "false"], in: repo.workdir, home: origin.home)
        }

        func provider() throws -> CredentialProvider {
            .standard(environment: environment, credentialConfig: try repo.credentialConfig())
        }

        func stop() {
            server.stop()
            origin.remove()
        }
    }

    /// Writes an executable shell script that appends its action to `log` and, for `get`, saves
    /// its input to `log.input` and prints `answer`.
    private func helperScript(_ dir: String, log: String, answer: String) throws -> String {
        let path = dir + "/helper.sh"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Spawn.writeExecutable(
            path,
            """
            #!/bin/sh
            echo "$1" >> '\(log)'
            if [ "$1" = get ]; then
                cat > '\(log).input'
                printf '\(answer)'
            else
                cat > /dev/null
            fi

            """)
        return path
    }

    private func lines(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func scriptHelperAuthenticatesPushAndFetch() throws {
        let s = try Served(auth: "alice:s3cret")
        defer { s.stop() }
        let log = s.origin.root.sub("helper.log")
        let script = try helperScript(s.origin.root.path, log: log, answer: "username=alice\\npassword=s3cret\\n")
        let storeFile = s.origin.root.sub("stored-credentials")
        try s.setHelpers(["store --file=\(storeFile)", "!\(script)"])
        #expect(s.repo.credentialHelpers(for: s.url) == ["store --file=\(storeFile)", "!\(script)"])
        let provider = try s.provider()
        #expect(provider.methods.count == 1)

        try s.repo.fetch(remote: "origin", credentials: provider)
        let tip = try #require(try s.repo.referenceTarget("refs/remotes/origin/main"))
        try s.repo.fastForward(branch: "main", to: tip)
        #expect(lines(log) == ["get", "store"])
        // No path for HTTP without credential.useHttpPath, as git.
        #expect(lines(log + ".input") == ["protocol=http", "host=127.0.0.1:\(s.server.port)"])

        // The native store helper recorded what worked, in a file only the user can read.
        #expect(lines(storeFile) == ["http://alice:s3cret@127.0.0.1:\(s.server.port)"])
        let mode = try FileManager.default.attributesOfItem(atPath: storeFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The push now gets its credentials from the store helper, before the script.
        try write(s.repo.workdir, "contract.yaml", "id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n")
        let pushed = try commitAll(s.repo, "Activate")
        try s.repo.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main", credentials: try s.provider())
        #expect(try s.origin.remoteMain() == pushed.hex)
        #expect(lines(log) == ["get", "store", "store"])

        // Without helpers (and no token), the server turns the fetch away.
        let error = #expect(throws: SyncError.self) {
            try s.repo.fetch(remote: "origin", credentials: .standard(environment: s.environment))
        }
        guard case .authenticationFailed? = error else {
            Issue.record("expected .authenticationFailed, got \(String(describing: error))")
            return
        }
    }

    @Test func nativeStoreHelperAuthenticates() throws {
        // Characters that the store file percent-encodes.
        let s = try Served(auth: "alice:p@ss:w rd")
        defer { s.stop() }
        let storeFile = s.origin.root.sub("git-credentials")
        let line = "http://alice:p%40ss%3Aw%20rd@127.0.0.1:\(s.server.port)"
        try write(s.origin.root.path, "git-credentials", "https://bob:other@example.com\n\(line)\n")
        try s.setHelpers(["store --file=\(storeFile)"])

        try s.repo.fetch(remote: "origin", credentials: try s.provider())
        let tip = try #require(try s.repo.referenceTarget("refs/remotes/origin/main"))
        try s.repo.fastForward(branch: "main", to: tip)
        try write(s.repo.workdir, "notes.md", "# Notes\n\nstored\n")
        let pushed = try commitAll(s.repo, "Notes")
        try s.repo.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main", credentials: try s.provider())
        #expect(try s.origin.remoteMain() == pushed.hex)
        // `store` after success puts the line first and keeps the others.
        #expect(lines(storeFile) == [line, "https://bob:other@example.com"])
    }

    @Test func refusedHelperCredentialsAreErased() throws {
        let s = try Served(auth: "alice:s3cret")
        defer { s.stop() }
        let log = s.origin.root.sub("helper.log")
        let script = try helperScript(s.origin.root.path, log: log, answer: "username=alice\\npassword=wrong\\n")
        try s.setHelpers(["!\(script)"])
        let error = #expect(throws: SyncError.self) {
            try s.repo.fetch(remote: "origin", credentials: try s.provider())
        }
        guard case .authenticationFailed(let remote, _)? = error else {
            Issue.record("expected .authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(remote == "origin")
        // Asked once, told once that the server refused the answer; never told to store it.
        #expect(lines(log) == ["get", "erase"])

        // The store helper's wrong line is erased; the other lines stay.
        let storeFile = s.origin.root.sub("git-credentials")
        try write(
            s.origin.root.path, "git-credentials",
            "https://bob:other@example.com\nhttp://alice:wrong@127.0.0.1:\(s.server.port)\n")
        let empty = s.origin.root.sub("empty.log")
        let second = try helperScript(s.origin.root.sub("second"), log: empty, answer: "")
        try git(["config", "--unset-all", "credential.helper"], in: s.repo.workdir, home: s.origin.home)
        try s.setHelpers(["store --file=\(storeFile)", "!\(second)"])
        let again = #expect(throws: SyncError.self) {
            try s.repo.fetch(remote: "origin", credentials: try s.provider())
        }
        guard case .authenticationFailed? = again else {
            Issue.record("expected .authenticationFailed, got \(String(describing: again))")
            return
        }
        #expect(lines(storeFile) == ["https://bob:other@example.com"])
        // The store helper answered `get`; every helper hears `erase`.
        #expect(lines(empty) == ["erase"])
    }

    // MARK: - Parsing

    @Test func parsesURLsAsGitDoes() throws {
        let c = try #require(GitCredential(url: "https://alice:p%40ss%3Aw@example.com:8443/org/repo.git/"))
        #expect(c.scheme == "https")
        #expect(c.username == "alice")
        #expect(c.password == "p@ss:w")
        #expect(c.host == "example.com:8443")
        #expect(c.path == "org/repo.git")

        let bare = try #require(GitCredential(url: "https://example.com"))
        #expect(bare.host == "example.com" && bare.username == nil && bare.path == nil)
        let userOnly = try #require(GitCredential(url: "https://bob@example.com/x"))
        #expect(userOnly.username == "bob" && userOnly.password == nil && userOnly.host == "example.com")
        #expect(GitCredential(url: "example.com/x") == nil)
        #expect(GitCredential(url: "://example.com") == nil)

        // The password never shows in a description.
        #expect(!c.description.contains("p@ss"))
        #expect(c.description.contains("<redacted>"))

        // Helper protocol: input lines, answers merged, `quit`.
        #expect(
            GitCredential(scheme: "https", host: "example.com", username: "bob").helperInput
                == "protocol=https\nhost=example.com\nusername=bob\n\n")
        #expect(GitCredential(scheme: "https", host: "a\nb").helperInput == nil)
        var answer = GitCredential(scheme: "https", host: "example.com")
        answer.merge(helperOutput: "username=bob\npassword=a=b\r\nhost=evil.example\n\npassword=ignored\n")
        #expect(answer.username == "bob" && answer.password == "a=b" && answer.host == "example.com")
        #expect(!answer.quit)
        answer.merge(helperOutput: "quit=true\n")
        #expect(answer.quit)
    }

    @Test func storeFileLines() throws {
        let c = GitCredential(scheme: "https", host: "example.com:8443", username: "a@b", password: "p:w/%")
        #expect(c.storeLine == "https://a%40b:p%3Aw%2F%25@example.com:8443")
        var withPath = c
        withPath.path = "org/repo.git"
        #expect(withPath.storeLine == "https://a%40b:p%3Aw%2F%25@example.com:8443/org/repo.git")
        #expect(CredentialStoreFile.parse(line: c.storeLine!) == c)
        #expect(CredentialStoreFile.parse(line: "https://example.com") == nil)
        #expect(CredentialStoreFile.parse(line: "https://bob@example.com") == nil)
        #expect(CredentialStoreFile.parse(line: "") == nil)

        let dir = try TempDir()
        defer { dir.remove() }
        let file = dir.sub("credentials")
        try write(
            dir.path, "credentials",
            """
            https://carol:c@example.com/other
            https://alice:a1@example.com
            https://bob:b@example.com
            https://alice:a2@example.com
            http://dave:d@example.com
            https://erin:e@example.com:8443

            """)
        let store = CredentialStoreFile(files: [dir.sub("missing"), file])
        func get(_ host: String, scheme: String = "https", user: String? = nil, path: String? = nil) -> String? {
            store.get(GitCredential(scheme: scheme, host: host, path: path, username: user)).map {
                "\($0.username!):\($0.password!)"
            }
        }
        // The first matching line wins; a request without path matches lines with one, a request
        // with a path only lines with the same (as git).
        #expect(get("example.com") == "carol:c")
        #expect(get("example.com", path: "other") == "carol:c")
        #expect(get("example.com", path: "org/x") == nil)
        #expect(get("example.com", user: "bob") == "bob:b")
        #expect(get("example.com", user: "alice") == "alice:a1")
        #expect(get("example.com", scheme: "http") == "dave:d")
        #expect(get("example.com:8443") == "erin:e")
        #expect(get("example.org") == nil)

        // `store` puts the line first, replacing those of the same user for the same place.
        store.store(GitCredential(scheme: "https", host: "example.com", username: "alice", password: "new"))
        #expect(
            lines(file) == [
                "https://alice:new@example.com", "https://carol:c@example.com/other", "https://bob:b@example.com",
                "http://dave:d@example.com", "https://erin:e@example.com:8443",
            ])
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: file + ".lock"))

        // `erase` with a password removes only the line holding that password.
        store.erase(GitCredential(scheme: "https", host: "example.com", username: "bob", password: "other"))
        #expect(lines(file).count == 5)
        store.erase(GitCredential(scheme: "https", host: "example.com", username: "bob", password: "b"))
        #expect(!lines(file).contains("https://bob:b@example.com"))
        #expect(lines(file).count == 4)

        // With no file yet, `store` creates the first one.
        let fresh = CredentialStoreFile(files: [dir.sub("first"), dir.sub("second")])
        fresh.store(GitCredential(scheme: "https", host: "example.com", username: "u", password: "p"))
        #expect(lines(dir.sub("first")) == ["https://u:p@example.com"])
        #expect(!FileManager.default.fileExists(atPath: dir.sub("second")))
    }

    @Test func storeFileLocations() {
        #expect(
            CredentialStoreFile.paths(file: nil, environment: ["HOME": "/h"])
                == ["/h/.git-credentials", "/h/.config/git/credentials"])
        #expect(
            CredentialStoreFile.paths(file: nil, environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/x"])
                == ["/h/.git-credentials", "/x/git/credentials"])
        #expect(CredentialStoreFile.paths(file: "~/creds", environment: ["HOME": "/h"]) == ["/h/creds"])
        #expect(CredentialStoreFile.paths(file: "/tmp/c", environment: [:]) == ["/tmp/c"])
        #expect(CredentialStoreFile.paths(file: nil, environment: [:]).isEmpty)
    }

    @Test func helperForms() {
        #expect(CredentialHelper("!f() { echo x; }; f") == .shell("f() { echo x; }; f"))
        #expect(CredentialHelper("/usr/local/bin/helper --opt") == .shell("/usr/local/bin/helper --opt"))
        #expect(CredentialHelper("store") == .store(file: nil))
        #expect(CredentialHelper("store --file=/tmp/c") == .store(file: "/tmp/c"))
        #expect(CredentialHelper("store --file '/tmp/my creds'") == .store(file: "/tmp/my creds"))
        #expect(CredentialHelper("cache --timeout=300") == .cache)
        #expect(CredentialHelper("libsecret") == .named("libsecret", arguments: ""))
        #expect(CredentialHelper("manager --x y") == .named("manager", arguments: "--x y"))
    }

    // MARK: - Configuration

    @Test func configScoping() {
        let config = CredentialConfig([
            ("credential.helper", "A"),
            ("credential.https://example.com.helper", "B"),
            ("credential.https://example.com/org.helper", "C"),
            ("credential.https://other.com.helper", "D"),
            ("credential.http://example.com.helper", "E"),
            ("credential.https://*.example.org.helper", "F"),
            ("credential.example.com.helper", "G"),
            ("credential.https://example.com:8443.helper", "H"),
            ("credential.https://alice@example.com.helper", "I"),
            ("user.name", "ignored"),
        ])
        #expect(config.entries.count == 9)
        #expect(config.entries[2] == CredentialConfig.Entry(url: "https://example.com/org", key: "helper", value: "C"))
        func helpers(_ url: String) -> [String] { config.settings(for: url).helpers }
        #expect(helpers("https://example.com/org/repo.git") == ["A", "B", "C", "G"])
        #expect(helpers("https://example.com/organic/repo.git") == ["A", "B", "G"])
        #expect(helpers("https://EXAMPLE.com:443/org") == ["A", "B", "C"])
        #expect(helpers("https://example.com:8443/x") == ["A", "H"])
        #expect(helpers("http://example.com/x") == ["A", "E", "G"])
        #expect(helpers("https://alice@example.com/x") == ["A", "B", "G", "I"])
        #expect(helpers("https://git.example.org/x") == ["A", "F"])
        #expect(helpers("https://a.b.example.org/x") == ["A"])
        #expect(helpers("https://example.org/x") == ["A"])

        // An empty value clears the list so far, for the URLs it applies to.
        let reset = CredentialConfig([
            ("credential.helper", "A"),
            ("credential.https://example.com.helper", "B"),
            ("credential.https://example.com.helper", ""),
            ("credential.helper", "C"),
        ])
        #expect(reset.settings(for: "https://example.com/x").helpers == ["C"])
        #expect(reset.settings(for: "https://other.com/x").helpers == ["A", "C"])
        #expect(CredentialConfig([("credential.helper", "")]).hasHelpers == false)

        // The last user name that applies; useHttpPath puts the path in the request.
        let named = CredentialConfig([
            ("credential.username", "bob"),
            ("credential.https://example.com.username", "alice"),
            ("credential.https://example.com.useHttpPath", "true"),
            ("credential.helper", "store"),
        ])
        #expect(named.settings(for: "https://example.com/x").username == "alice")
        #expect(named.settings(for: "https://other.com/x").username == "bob")
        let helpers = CredentialHelpers(config: named, environment: [:])
        #expect(
            helpers.request(for: "https://example.com/org/repo.git")
                == GitCredential(scheme: "https", host: "example.com", path: "org/repo.git", username: "alice"))
        #expect(
            helpers.request(for: "https://carol@other.com/org/repo.git")
                == GitCredential(scheme: "https", host: "other.com", username: "carol"))
    }

    @Test func configFromRepository() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.sub("repo"))
        let home = dir.sub("home")
        for value in ["", "store", "!echo hello"] {
            try git(["config", "--add", "credential.helper", value], in: repo.workdir, home: home)
        }
        try git(["config", "credential.https://example.com/org.helper", "cache"], in: repo.workdir, home: home)
        try git(["config", "credential.https://example.com.username", "alice"], in: repo.workdir, home: home)
        #expect(repo.credentialHelpers(for: "https://example.com/org/x.git") == ["store", "!echo hello", "cache"])
        #expect(repo.credentialHelpers(for: "https://example.com/other.git") == ["store", "!echo hello"])
        let config = try repo.credentialConfig()
        #expect(config.settings(for: "https://example.com/x").username == "alice")

        // Through the standard provider: after the token, before ssh.
        let provider = CredentialProvider.standard(
            environment: ["PACTORIA_GIT_TOKEN": "tok", "SSH_AUTH_SOCK": "/tmp/agent"], credentialConfig: config)
        #expect(
            provider.methods == [
                .token("tok"),
                .credentialHelpers(
                    CredentialHelpers(
                        config: config, environment: ["PACTORIA_GIT_TOKEN": "tok", "SSH_AUTH_SOCK": "/tmp/agent"])),
                .sshAgent(),
            ])
        #expect(
            CredentialProvider.standard(
                environment: [:], credentialConfig: CredentialConfig([("credential.helper", "")])
            )
            .methods.isEmpty)
    }

    // MARK: - Running helpers

    @Test func helpersAreAskedInTurn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let env = ["HOME": dir.path, "PATH": "/usr/bin:/bin"]
        func fill(_ helpers: [String], timeout: Duration = .seconds(20)) -> GitCredential? {
            let config = CredentialConfig(helpers.map { ("credential.helper", $0) })
            return CredentialHelpers(config: config, environment: env, timeout: timeout)
                .fill(url: "https://example.com/repo.git")
        }
        // A user name from one helper is passed to the next; skipped and failing helpers are passed over.
        let passOn =
            "!f() { while read l && [ -n \"$l\" ]; do case $l in username=*) u=${l#username=};; esac; done; echo password=for-$u; }; f"
        let c = fill([
            "cache", "no-such-helper-here", "!exit 3", "store --file=\(dir.sub("none"))",
            "!f() { echo username=bob; }; f", passOn,
        ])
        #expect(c?.username == "bob")
        #expect(c?.password == "for-bob")
        #expect(c?.host == "example.com" && c?.path == nil)

        // `quit` stops the search.
        #expect(fill(["!f() { echo quit=1; }; f", "!f() { echo username=x; echo password=y; }; f"]) == nil)
        // Not HTTP(S): no helper is asked.
        let ssh = CredentialHelpers(
            config: CredentialConfig([("credential.helper", "!f() { echo username=x; echo password=y; }; f")]),
            environment: env)
        #expect(ssh.fill(url: "ssh://git@example.com/repo.git") == nil)
        #expect(ssh.fill(url: "https://example.com/repo.git")?.password == "y")

        // A helper on PATH by name (`git-credential-NAME`).
        let bin = dir.sub("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try Spawn.writeExecutable(
            bin + "/git-credential-pactoriatest", "#!/bin/sh\necho username=named\necho password=$1-$2\n")
        let named = CredentialHelpers(
            config: CredentialConfig([("credential.helper", "pactoriatest --flag")]),
            environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(named.fill(url: "https://example.com/")?.password == "--flag-get")

        // A helper that hangs is killed after the timeout and passed over.
        let start = ContinuousClock.now
        let slow = fill(["!sleep 30;:", "!f() { echo username=u; echo password=p; }; f"], timeout: .milliseconds(300))
        #expect(slow?.password == "p")
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}
