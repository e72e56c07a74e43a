import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

// Shared set-up for the sync and merge suites: temporary directories, the git CLI as the peer
// (isolated from the user's and the system's configuration), and commits made through the wrapper.

/// A unique directory under the system temporary directory, removed by `remove()`.
struct TempDir {
    let path: String

    init() throws {
        Hermetic.setUp()
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pactoria-sync-tests-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `rel` inside this directory.
    func sub(_ rel: String) -> String { path + "/" + rel }
}

/// Writes `text` to `dir/rel`, creating directories as needed.
func write(_ dir: String, _ rel: String, _ text: String) throws {
    let url = URL(fileURLWithPath: dir).appendingPathComponent(rel)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

func read(_ dir: String, _ rel: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(rel)), as: UTF8.self)
}

struct GitResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var trimmed: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Runs the git CLI in `dir` with HOME pointing at `home`, no system config, a fixed author.
@discardableResult
func git(
    _ args: [String], in dir: String, home: String, allowFailure: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> GitResult {
    let r = try Spawn.capture("/usr/bin/git", args, directory: dir, environment: gitEnvironment(home: home))
    let result = GitResult(status: r.status, stdout: String(decoding: r.stdout, as: UTF8.self), stderr: r.stderr)
    if !allowFailure && result.status != 0 {
        Issue.record(
            "git \(args.joined(separator: " ")) failed (\(result.status)): \(result.stderr)",
            sourceLocation: sourceLocation)
    }
    return result
}

func gitEnvironment(home: String) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["HOME"] = home
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["XDG_CONFIG_HOME"] = home + "/.config"
    env["LC_ALL"] = "C"
    env["GIT_PAGER"] = "cat"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_AUTHOR_NAME"] = "Peer Person"
    env["GIT_AUTHOR_EMAIL"] = "peer@example.com"
    env["GIT_COMMITTER_NAME"] = "Peer Person"
    env["GIT_COMMITTER_EMAIL"] = "peer@example.com"
    env["GIT_AUTHOR_DATE"] = "2026-01-20T10:00:00Z"
    env["GIT_COMMITTER_DATE"] = "2026-01-20T10:00:00Z"
    return env
}

let jane = Signature(
    name: "Jane Smith", email: "jane@example.com", time: Date(timeIntervalSince1970: 1_768_904_100),
    timeZoneOffsetMinutes: 60)

/// Stages everything and commits it on top of HEAD (plus `extraParents`) with `message`.
@discardableResult
func commitAll(_ repo: Repository, _ message: String, extraParents: [ObjectID] = []) throws -> ObjectID {
    let index = try repo.index()
    try index.addAll(["."])
    try index.write()
    let tree = try index.writeTree()
    let parents = (try repo.headCommitID().map { [$0] } ?? []) + extraParents
    return try repo.createCommit(tree: tree, parents: parents, author: jane, committer: jane, message: message)
}

/// A bare repository with one commit on `main` (`contract.yaml`, `notes.md`), and a home directory.
struct Origin {
    let root: TempDir
    var bare: String { root.sub("origin.git") }
    var home: String { root.sub("home") }

    init() throws {
        root = try TempDir()
        try FileManager.default.createDirectory(atPath: root.sub("home"), withIntermediateDirectories: true)
        try git(["init", "-q", "--bare", "-b", "main", root.sub("origin.git")], in: root.path, home: root.sub("home"))
        let seed = try Repository.initialize(at: root.sub("seed"))
        try write(seed.workdir, "contract.yaml", "id: C-1\nstatus: draft\nvalue: 100\nparty: Acme\n")
        try write(seed.workdir, "notes.md", "# Notes\n\nline one\nline two\nline three\n")
        try commitAll(seed, "Seed")
        try seed.addRemote(name: "origin", url: root.sub("origin.git"))
        try seed.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
    }

    /// A new working copy made through the wrapper alone: init, add remote, fetch, fast-forward.
    func clone(_ name: String) throws -> Repository {
        let repo = try Repository.initialize(at: root.sub(name))
        try repo.addRemote(name: "origin", url: bare)
        try repo.fetch(remote: "origin")
        let tip = try #require(try repo.referenceTarget("refs/remotes/origin/main"))
        try repo.fastForward(branch: "main", to: tip)
        try repo.setUpstream(branch: "main", remote: "origin", remoteBranch: "main")
        return repo
    }

    /// The commit `main` points at in the bare repository.
    func remoteMain() throws -> String {
        try git(["rev-parse", "refs/heads/main"], in: bare, home: home).trimmed
    }

    func remove() { root.remove() }
}

/// Thread-safe collector for progress reports.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SyncProgress] = []

    func add(_ p: SyncProgress) {
        lock.lock()
        items.append(p)
        lock.unlock()
    }

    var all: [SyncProgress] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
