import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

/// A bare repository made with the git CLI from a small Pactoria workspace: `main` (the remote's
/// HEAD) and `archive`, each with `.pactoria/config.yaml` and one contract.
struct WorkspaceOrigin {
    let root: TempDir
    var bare: String { root.sub("origin.git") }
    var home: String { root.sub("home") }

    static let config = "schema_version: 1\ndefault_currency: GBP\n"
    static let contract = "companies/acme/contracts/website-care.yaml"

    init() throws {
        root = try TempDir()
        try FileManager.default.createDirectory(atPath: root.sub("home"), withIntermediateDirectories: true)
        let src = root.sub("src")
        try git(["init", "-q", "-b", "main", src], in: root.path, home: home)
        try write(src, ".pactoria/config.yaml", Self.config)
        try write(src, "companies/acme/company.yaml", "name: Acme Ltd\nslug: acme\n")
        try write(src, Self.contract, "id: C-1\ntitle: Website Care\nstatus: draft\n")
        try write(src, "companies/acme/contracts/website-care.md", "# Website Care\n")
        try git(["add", "-A"], in: src, home: home)
        try git(["commit", "-q", "-m", "Initialise Pactoria workspace"], in: src, home: home)
        try git(["checkout", "-q", "-b", "archive"], in: src, home: home)
        try write(src, "ARCHIVE.md", "old contracts\n")
        try git(["add", "-A"], in: src, home: home)
        try git(["commit", "-q", "-m", "Archive"], in: src, home: home)
        try git(["checkout", "-q", "main"], in: src, home: home)
        try git(["init", "-q", "--bare", "-b", "main", bare], in: root.path, home: home)
        try git(["push", "-q", bare, "main", "archive"], in: src, home: home)
    }

    /// The commit `branch` points at in the bare repository.
    func tip(_ branch: String = "main") throws -> String {
        try git(["rev-parse", "refs/heads/\(branch)"], in: bare, home: home).trimmed
    }

    func remove() { root.remove() }
}

@Suite("Clone")
struct CloneTests {
    /// What every good clone of `origin`'s `branch` looks like, read through the wrapper and git.
    private func expectCloned(
        _ repo: Repository, at path: String, url: String, branch: String = "main", origin: WorkspaceOrigin,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(repo.workdir == path, sourceLocation: sourceLocation)
        #expect(repo.currentBranch() == branch, sourceLocation: sourceLocation)
        #expect(try repo.headCommitID()?.hex == origin.tip(branch), sourceLocation: sourceLocation)
        #expect(
            try repo.upstream(of: branch) == Upstream(remote: "origin", branch: branch), sourceLocation: sourceLocation)
        #expect(
            try repo.referenceTarget("refs/remotes/origin/\(branch)")?.hex == origin.tip(branch),
            sourceLocation: sourceLocation)
        #expect(try repo.remotes() == [RemoteInfo(name: "origin", url: url)], sourceLocation: sourceLocation)
        #expect(try read(path, ".pactoria/config.yaml") == WorkspaceOrigin.config, sourceLocation: sourceLocation)
        #expect(try read(path, WorkspaceOrigin.contract).contains("status: draft"), sourceLocation: sourceLocation)
        #expect(try repo.status().isEmpty, "a clean checkout", sourceLocation: sourceLocation)
        // git agrees: the upstream is set and the branch is level with it.
        let upstream = try git(["rev-parse", "--abbrev-ref", "@{upstream}"], in: path, home: origin.home)
        #expect(upstream.trimmed == "origin/\(branch)", sourceLocation: sourceLocation)
        let status = try git(["status", "--porcelain=v2", "--branch"], in: path, home: origin.home)
        #expect(status.stdout.contains("# branch.ab +0 -0"), "\(status.stdout)", sourceLocation: sourceLocation)
    }

    @Test func cloneByPath() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        let target = origin.root.sub("laptop")
        let log = ProgressLog()
        let repo = try Repository.clone(url: origin.bare, to: target, progress: { log.add($0) })
        try expectCloned(repo, at: target, url: origin.bare, origin: origin)
        #expect(!FileManager.default.fileExists(atPath: target + "/ARCHIVE.md"))
        #expect(log.all.contains { $0.direction == .receiving }, "progress is reported")
    }

    @Test func cloneByFileURL() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        let target = origin.root.sub("nested/dirs/laptop")
        let url = "file://" + origin.bare
        let repo = try Repository.clone(url: url, to: target)
        try expectCloned(repo, at: target, url: url, origin: origin)
    }

    @Test func cloneAnotherBranch() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        let target = origin.root.sub("archive")
        let repo = try Repository.clone(url: origin.bare, to: target, branch: "archive")
        try expectCloned(repo, at: target, url: origin.bare, branch: "archive", origin: origin)
        #expect(try read(target, "ARCHIVE.md") == "old contracts\n")
    }

    @Test func missingBranchIsNotFoundAndLeavesNothing() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        let target = origin.root.sub("laptop")
        let error = #expect(throws: SyncError.self) {
            try Repository.clone(url: origin.bare, to: target, branch: "no-such-branch")
        }
        guard case .failed(let g)? = error else {
            Issue.record("expected .failed(notFound), got \(String(describing: error))")
            return
        }
        #expect(g.code == .notFound, "\(g)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func unreachableRemotes() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        let closedPort = try closedLoopbackPort()
        let urls = [
            origin.root.sub("missing.git"), "file://" + origin.root.sub("missing.git"),
            "http://127.0.0.1:\(closedPort)/origin.git",
        ]
        for (i, url) in urls.enumerated() {
            let target = origin.root.sub("laptop\(i)")
            let error = #expect(throws: SyncError.self) { try Repository.clone(url: url, to: target) }
            guard case .unreachable(let remote, let detail)? = error else {
                Issue.record("\(url): expected .unreachable, got \(String(describing: error))")
                continue
            }
            #expect(remote == url)
            if !url.hasPrefix("http") { #expect(detail.contains("no repository at"), "\(detail)") }
            #expect(!FileManager.default.fileExists(atPath: target), "\(url): nothing left at \(target)")
        }
    }

    @Test func missingSourceThatIsTheTargetIsUnreachable() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        // libgit2 makes the target before connecting; the missing source must not be cloned from it.
        let target = origin.root.sub("same")
        let error = #expect(throws: SyncError.self) { try Repository.clone(url: target, to: target) }
        guard case .unreachable(_, let detail)? = error else {
            Issue.record("expected .unreachable, got \(String(describing: error))")
            return
        }
        #expect(detail == "no repository at \(target)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func nonEmptyTargetIsRefusedAndKept() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        let target = origin.root.sub("full")
        try write(target, "keep.txt", "mine\n")
        let error = #expect(throws: SyncError.self) { try Repository.clone(url: origin.bare, to: target) }
        guard case .failed(let g)? = error else {
            Issue.record("expected .failed(exists), got \(String(describing: error))")
            return
        }
        #expect(g.code == .exists, "\(g)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["keep.txt"])
        #expect(try read(target, "keep.txt") == "mine\n")
    }

    @Test func passwordsAreMaskedInMessages() {
        #expect(
            Repository.redactingPassword(in: "https://alice:s3cret@git.example.co.uk/a.git")
                == "https://alice:***@git.example.co.uk/a.git")
        #expect(
            Repository.redactingPassword(in: "https://alice@git.example.co.uk/a.git")
                == "https://alice@git.example.co.uk/a.git")
        #expect(Repository.redactingPassword(in: "git@host:a.git") == "git@host:a.git")
        #expect(Repository.redactingPassword(in: "/srv/a.git") == "/srv/a.git")
    }

    // MARK: - Smart HTTP

    /// Serves `origin` over smart HTTP (optionally behind basic auth) for the duration of `body`.
    private func overHTTP(_ origin: WorkspaceOrigin, auth: String?, _ body: (String) throws -> Void) throws {
        let server = try GitHTTPBridge(
            root: origin.root.path, scriptDirectory: origin.root.path + "/..",
            environment: gitEnvironment(home: origin.home), auth: auth)
        defer { server.stop() }
        try body(server.url("origin.git"))
    }

    @Test func cloneOverHTTPWithoutCredentials() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        try overHTTP(origin, auth: nil) { url in
            let target = origin.root.sub("laptop")
            let log = ProgressLog()
            let repo = try Repository.clone(url: url, to: target, progress: { log.add($0) })
            try expectCloned(repo, at: target, url: url, origin: origin)
            #expect(log.all.contains { $0.direction == .receiving })
        }
    }

    @Test func cloneOverHTTPWithTokenFromEnvironment() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        try overHTTP(origin, auth: "x-access-token:tok123") { url in
            let target = origin.root.sub("laptop")
            let token = CredentialProvider.standard(environment: ["PACTORIA_GIT_TOKEN": "tok123"])
            let repo = try Repository.clone(url: url, to: target, credentials: token)
            try expectCloned(repo, at: target, url: url, origin: origin)
        }
    }

    @Test func cloneOverHTTPWithUserAndPassword() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        try overHTTP(origin, auth: "alice:s3cret") { url in
            let target = origin.root.sub("laptop")
            let pair = CredentialProvider.standard(environment: ["PACTORIA_GIT_TOKEN": "alice:s3cret"])
            let repo = try Repository.clone(url: url, to: target, credentials: pair)
            try expectCloned(repo, at: target, url: url, origin: origin)
        }
    }

    @Test func cloneOverHTTPWithWrongOrNoCredentialsFailsAndLeavesNothing() throws {
        let origin = try WorkspaceOrigin()
        defer { origin.remove() }
        try overHTTP(origin, auth: "x-access-token:tok123") { url in
            let wrong = CredentialProvider.standard(environment: ["PACTORIA_GIT_TOKEN": "wrong"])
            for (i, credentials) in [CredentialProvider.none, wrong].enumerated() {
                let target = origin.root.sub("laptop\(i)")
                let error = #expect(throws: SyncError.self) {
                    try Repository.clone(url: url, to: target, credentials: credentials)
                }
                guard case .authenticationFailed(let remote, _)? = error else {
                    Issue.record("expected .authenticationFailed, got \(String(describing: error))")
                    continue
                }
                #expect(remote == url)
                #expect(!FileManager.default.fileExists(atPath: target))
            }
        }
    }

    @Test func globalCredentialConfigReads() throws {
        // Whatever this machine's global configuration holds, reading it outside a repository works.
        _ = try CredentialConfig.global()
    }
}

struct PortError: Error, CustomStringConvertible {
    var description: String
}

/// A loopback TCP port nothing listens on (bound, then closed).
func closedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw PortError(description: "socket failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
        }
    }
    guard bound else { throw PortError(description: "bind failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
