import Foundation
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// `pactoria clone` through the built binary: a shared workspace onto a new machine, then the
/// usual work and sync in it; refusals and failures leave nothing behind.
@Suite("End to end: clone")
struct CloneE2ETests {
    typealias Sandbox = E2E.Sandbox

    /// Contracts (metadata files) in a workspace directory.
    static func contractCount(_ sb: Sandbox, _ dir: String) throws -> Int {
        let companies = sb.path("\(dir)/companies")
        return try FileManager.default.contentsOfDirectory(atPath: companies).reduce(0) { n, company in
            let contracts = companies + "/" + company + "/contracts"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: contracts)) ?? []
            return n + names.filter { $0.hasSuffix(".yaml") }.count
        }
    }

    /// The sandbox's entries (what a failed clone must not add to).
    static func entries(_ sb: Sandbox) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: sb.path()).filter { $0 != ".io" })
    }

    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }

    @Test("clone --branch checks out that branch and tracks it; a missing branch leaves nothing")
    func cloneABranch() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb, clones: [])
            #expect(try sb.git(["--git-dir", sb.path(SyncKit.bare), "branch", "review", "main"]).exitCode == 0)
            let cloned = try SyncKit.run(
                sb, ["clone", "--branch", "review", sb.path(SyncKit.bare), "reviewer"], in: "")
            SyncKit.expectOK(cloned)
            #expect(cloned.lines.first?.hasSuffix("on branch review") == true, "\(cloned)")
            #expect(
                try sb.git(["rev-parse", "--abbrev-ref", "@{upstream}"], in: "reviewer").stdout == "origin/review\n")

            let missing = try SyncKit.run(
                sb, ["clone", "-b", "no-such-branch", sb.path(SyncKit.bare), "nowhere"], in: "")
            #expect(missing.exitCode == 1, "\(missing)")
            #expect(missing.stderr.contains("has no branch 'no-such-branch'; nothing was cloned"), "\(missing)")
            E2E.expectCleanError(missing)
            #expect(!sb.exists("nowhere"))
        }
    }

    @Test("clone a shared workspace; status, list, commit and push work in the clone")
    func cloneThenWorkAndPush() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb, clones: [])
            let n = try Self.contractCount(sb, "a")
            #expect(n > 1)

            let cloned = try SyncKit.run(sb, ["clone", sb.path(SyncKit.bare), "laptop"], in: "")
            SyncKit.expectOK(cloned)
            #expect(cloned.lines == ["Cloned into 'laptop': \(n) contracts on branch main"], "\(cloned)")
            #expect(cloned.stderr == "", "quiet when not on a terminal: \(cloned)")
            #expect(try SyncKit.head(sb, "laptop") == SyncKit.bareMain(sb))
            #expect(try sb.git(["rev-parse", "--abbrev-ref", "@{upstream}"], in: "laptop").stdout == "origin/main\n")
            #expect(try sb.git(["config", "remote.origin.url"], in: "laptop").stdout == sb.path(SyncKit.bare) + "\n")
            #expect(try LC.gitStatus(sb, "laptop") == "")

            let status = try SyncKit.run(sb, ["status"], in: "laptop")
            SyncKit.expectOK(status)
            #expect(status.stdout.contains("nothing to commit, working tree clean"), "\(status)")
            let list = try E2E.parseJSON(try SyncKit.run(sb, ["list", "--json", "--size", "100"], in: "laptop"))
            #expect(list["total"] as? Int == n, "\(list)")

            // Work offline in the clone, then push: it lands in the bare repository.
            try SyncKit.setAmount(sb, LC.draftCare, "8100.00", in: "laptop")
            try SyncKit.commit(sb, "Raise the care plan's value", in: "laptop")
            let pushed = try SyncKit.run(sb, ["push"], in: "laptop")
            #expect(pushed.exitCode == 0 && pushed.lines == ["pushed 1 commit to origin/main"], "\(pushed)")
            #expect(try SyncKit.bareMain(sb) == SyncKit.head(sb, "laptop"))
            #expect(SyncKit.amount(try SyncKit.bareShow(sb, LC.yaml(LC.draftCare)).stdout) == "8100.00")

            // The original workspace pulls it.
            let pulled = try SyncKit.run(sb, ["pull"], in: "a")
            #expect(
                pulled.exitCode == 0 && pulled.lines.first?.hasPrefix("Fast-forward: 1 commit from origin") == true,
                "\(pulled)")
        }
    }

    @Test("DIR defaults to the URL's last part without .git; relative paths; -C; --json")
    func defaultDirectoryRelativeURLAndJSON() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb, clones: [])
            let n = try Self.contractCount(sb, "a")

            let r = try SyncKit.run(sb, ["clone", SyncKit.bare, "--json"], in: "")
            let json = try E2E.parseJSON(r)
            #expect(Self.canonical(json["directory"] as? String ?? "") == Self.canonical(sb.path("origin")), "\(json)")
            #expect(json["branch"] as? String == "main", "\(json)")
            #expect(json["upstream"] as? String == "origin/main", "\(json)")
            #expect(json["remote"] as? String == "origin", "\(json)")
            #expect(json["contracts"] as? Int == n, "\(json)")
            #expect(json["commit"] as? String == (try SyncKit.bareMain(sb)), "\(json)")
            // A relative path is recorded as an absolute one, so the clone can sync from anywhere.
            let url = try sb.git(["config", "remote.origin.url"], in: "origin").stdout
            #expect(
                Self.canonical(url.trimmingCharacters(in: .whitespacesAndNewlines))
                    == Self.canonical(sb.path(SyncKit.bare)))

            // With -C, the URL and DIR are relative to that directory.
            try FileManager.default.createDirectory(atPath: sb.path("elsewhere"), withIntermediateDirectories: true)
            let c = try SyncKit.run(sb, ["clone", "-C", "elsewhere", "../\(SyncKit.bare)/", "copy"], in: "")
            SyncKit.expectOK(c)
            #expect(c.lines == ["Cloned into 'copy': \(n) contracts on branch main"], "\(c)")
            #expect(sb.exists("elsewhere/copy/.pactoria/config.yaml"))
            SyncKit.expectOK(try SyncKit.run(sb, ["status"], in: "elsewhere/copy"))
        }
    }

    @Test("a non-empty target directory is refused and left untouched")
    func nonEmptyTargetRefused() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb, clones: [])
            try FileManager.default.createDirectory(atPath: sb.path("full"), withIntermediateDirectories: true)
            try sb.write("my notes\n", to: "full/notes.txt")
            let r = try SyncKit.run(sb, ["clone", sb.path(SyncKit.bare), "full"], in: "")
            #expect(r.exitCode == 1, "\(r)")
            E2E.expectCleanError(r)
            #expect(r.stderr.contains("'full' already exists and is not an empty directory"), "\(r)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: sb.path("full")) == ["notes.txt"])
            #expect(try sb.read("full/notes.txt") == "my notes\n")

            // An empty directory is fine, as for git.
            try FileManager.default.createDirectory(atPath: sb.path("empty"), withIntermediateDirectories: true)
            SyncKit.expectOK(try SyncKit.run(sb, ["clone", sb.path(SyncKit.bare), "empty"], in: ""))
            #expect(sb.exists("empty/.pactoria/config.yaml"))
        }
    }

    @Test("a plain git repository is not a workspace: error, and nothing is left behind")
    func plainRepositoryRefused() throws {
        try E2E.withSandbox { sb in
            let id = ["-c", "user.name=Grace Whitworth", "-c", "user.email=grace@ancoatsbakehouse.co.uk"]
            try #require(try sb.git(["init", "-q", "-b", "main", "project"]).exitCode == 0)
            try sb.write("# Just a project\n", to: "project/README.md")
            try #require(try sb.git(["add", "-A"], in: "project").exitCode == 0)
            try #require(try sb.git(id + ["commit", "-q", "-m", "Start"], in: "project").exitCode == 0)
            try #require(try sb.git(["init", "-q", "--bare", "-b", "main", "plain.git"]).exitCode == 0)
            try #require(try sb.git(["push", "-q", sb.path("plain.git"), "main"], in: "project").exitCode == 0)
            let before = try Self.entries(sb)

            for args in [["clone", "plain.git"], ["clone", "plain.git", "deep/down/here"]] {
                let r = try SyncKit.run(sb, args, in: "")
                #expect(r.exitCode == 128, "\(r)")
                E2E.expectCleanError(r)
                #expect(
                    r.stderr.contains(
                        "plain.git is a git repository but not a pactoria workspace (no .pactoria/config.yaml)"),
                    "\(r)")
                #expect(try Self.entries(sb) == before, "nothing left behind: \(r)")
            }
        }
    }

    @Test("an unreachable URL exits 2 and leaves no directory")
    func unreachableLeavesNothing() throws {
        try E2E.withSandbox { sb in
            let before = try Self.entries(sb)
            let port = try closedPort()
            // `nowhere` would be cloned into `nowhere`: the missing source is caught before the target is made.
            let urls = [
                sb.path("nowhere/contracts.git"), "file://" + sb.path("nowhere.git"), "nowhere",
                "http://127.0.0.1:\(port)/contracts.git",
            ]
            for url in urls {
                let r = try SyncKit.run(sb, ["clone", url], in: "")
                #expect(r.exitCode == 2, "\(r)")
                E2E.expectCleanError(r)
                #expect(r.stderr.hasPrefix("error: offline: cannot reach \(url); nothing was cloned"), "\(r)")
                #expect(try Self.entries(sb) == before, "no directory left: \(r)")
            }
        }
    }

    @Test("over smart HTTP: PACTORIA_GIT_TOKEN, git's store helper from the global config, and a refusal")
    func cloneOverHTTP() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb, clones: [])
            try #require(try sb.git(["config", "http.receivepack", "true"], in: SyncKit.bare).exitCode == 0)
            let server = try GitHTTPBridge(
                root: sb.path(), scriptDirectory: sb.path(), environment: sb.environment(), auth: "alice:s3cret")
            defer { server.stop() }
            let url = server.url(SyncKit.bare)
            let n = try Self.contractCount(sb, "a")

            let token = try SyncKit.run(
                sb, ["clone", url, "by-token"], in: "", env: ["PACTORIA_GIT_TOKEN": "alice:s3cret"])
            SyncKit.expectOK(token)
            #expect(token.lines == ["Cloned into 'by-token': \(n) contracts on branch main"], "\(token)")

            let before = try Self.entries(sb)
            let refused = try SyncKit.run(sb, ["clone", url, "no-credentials"], in: "")
            #expect(refused.exitCode == 1, "\(refused)")
            E2E.expectCleanError(refused)
            #expect(refused.stderr.contains("authentication to \(url) failed"), "\(refused)")
            #expect(try Self.entries(sb) == before, "\(refused)")

            // No workspace yet: the helpers come from the global git configuration (~/.gitconfig).
            try sb.write("[credential]\n\thelper = store\n", to: "home/.gitconfig")
            try sb.write("http://alice:s3cret@127.0.0.1:\(server.port)\n", to: "home/.git-credentials")
            let helped = try SyncKit.run(sb, ["clone", url, "by-helper"], in: "")
            SyncKit.expectOK(helped)
            #expect(!helped.stdout.contains("s3cret") && !helped.stderr.contains("s3cret"))

            // The clone pushes back over HTTP with the same helper.
            try SyncKit.setAmount(sb, LC.draftCare, "8200.00", in: "by-helper")
            try SyncKit.commit(sb, "Raise the care plan's value", in: "by-helper")
            let pushed = try SyncKit.run(sb, ["push"], in: "by-helper")
            #expect(pushed.exitCode == 0 && pushed.lines == ["pushed 1 commit to origin/main"], "\(pushed)")
            #expect(try SyncKit.bareMain(sb) == SyncKit.head(sb, "by-helper"))
        }
    }

    @Test("the default directory is the URL's last part without .git, like git")
    func defaultDirectoryNames() {
        let cases: [(String, String?)] = [
            ("https://git.example.co.uk/brickline/contracts.git", "contracts"),
            ("https://alice:s3cret@git.example.co.uk/brickline/contracts.git/", "contracts"),
            ("git@git.example.co.uk:brickline/contracts.git", "contracts"),
            ("git.example.co.uk:contracts.git", "contracts"),
            ("ssh://git@git.example.co.uk:2222/brickline/contracts", "contracts"),
            ("/mnt/usb/contracts.git", "contracts"),
            ("/mnt/usb/contracts/.git", "contracts"),
            ("../shared/contracts", "contracts"),
            ("file:///srv/git/contracts.git", "contracts"),
            ("https://git.example.co.uk", "git.example.co.uk"),
            ("https://git.example.co.uk:8443/", "git.example.co.uk"),
            ("/", nil), ("..", nil),
        ]
        for (url, name) in cases {
            #expect(Remotes.defaultCloneDirectory(for: url) == name, "\(url)")
        }
    }

    @Test("--help shows examples")
    func help() throws {
        try E2E.withSandbox { sb in
            let r = try sb.pactoria(["clone", "--help"])
            #expect(r.exitCode == 0, "\(r)")
            #expect(r.stdout.contains("pactoria clone https://"), "\(r)")
            let top = try sb.pactoria(["--help"])
            #expect(top.stdout.contains("clone"), "\(top)")
        }
    }
}

/// A loopback TCP port nothing listens on (bound, then closed).
private func closedPort() throws -> Int {
    struct PortError: Error {}
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw PortError() }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
        }
    }
    guard bound else { throw PortError() }
    return Int(UInt16(bigEndian: addr.sin_port))
}
