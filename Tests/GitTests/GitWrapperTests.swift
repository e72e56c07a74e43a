import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

// The libgit2 wrapper (PactoriaGit) on real repositories in temporary directories. The git
// command-line tool is the oracle: what the wrapper writes, git must read the same way, and the
// ids the wrapper computes must be the ids git computes. (Tests may run git; the product may not.)

// MARK: - Helpers

/// A unique directory under the system temporary directory, removed by `remove()`.
private struct RepoDir {
    let path: String

    init() throws {
        Hermetic.setUp()
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pactoria-git-tests-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func url(_ rel: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(rel) }

    func write(_ rel: String, _ text: String) throws { try write(rel, Array(text.utf8)) }

    func write(_ rel: String, _ bytes: [UInt8]) throws {
        let u = url(rel)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: u)
    }

    func delete(_ rel: String) throws { try FileManager.default.removeItem(at: url(rel)) }
}

/// Runs `body` with a fresh repository (initialised by the wrapper) and its directory; always
/// removes the directory afterwards.
private func withRepository<T>(_ body: (Repository, RepoDir) throws -> T) throws -> T {
    let dir = try RepoDir()
    defer { dir.remove() }
    let repo = try Repository.initialize(at: dir.path)
    return try body(repo, dir)
}

private struct GitRun {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
    /// stdout without its trailing newline(s).
    var trimmed: String {
        var s = text
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}

/// Runs the git CLI in `dir`, isolated from the user's and the system's configuration.
@discardableResult
private func git(
    _ args: [String], in dir: String, input: [UInt8]? = nil, allowFailure: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> GitRun {
    var env = ProcessInfo.processInfo.environment
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = "/dev/null"
    env["LC_ALL"] = "C"
    env["GIT_PAGER"] = "cat"
    let r = try Spawn.capture("/usr/bin/git", args, directory: dir, environment: env, input: input ?? [])
    let result = GitRun(status: r.status, stdout: r.stdout, stderr: r.stderr)
    if !allowFailure && result.status != 0 {
        Issue.record(
            "git \(args.joined(separator: " ")) failed (\(result.status)): \(result.stderr)",
            sourceLocation: sourceLocation)
    }
    return result
}

private let janeSmith = Signature(
    name: "Jane Smith", email: "jane@x.co.uk", time: Date(timeIntervalSince1970: 1_768_904_100),
    timeZoneOffsetMinutes: 60)
private let sam = Signature(
    name: "Sam Committer", email: "sam@example.com", time: Date(timeIntervalSince1970: 1_768_907_700),
    timeZoneOffsetMinutes: -300)

/// Stages everything and commits it on top of HEAD with `message`, at `time` seconds.
@discardableResult
private func commitEverything(_ repo: Repository, _ message: String, time: TimeInterval = 1_768_904_100) throws
    -> ObjectID
{
    let index = try repo.index()
    try index.addAll(["."])
    try index.write()
    let tree = try index.writeTree()
    var sig = janeSmith
    sig.time = Date(timeIntervalSince1970: time)
    let parents = try repo.headCommitID().map { [$0] } ?? []
    return try repo.createCommit(tree: tree, parents: parents, author: sig, committer: sig, message: message)
}

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

// MARK: - Tests

@Suite("Git wrapper")
struct GitWrapperTests {

    // MARK: Repositories

    @Test func initializeThenOpen() throws {
        let dir = try RepoDir()
        defer { dir.remove() }
        let path = dir.path + "/new/nested/repo"
        let created = try Repository.initialize(at: path)
        #expect(created.workdir == path)
        #expect(Repository.exists(at: path))
        #expect(FileManager.default.fileExists(atPath: path + "/.git/HEAD"))

        let opened = try Repository.open(at: path)
        #expect(opened.workdir == path)
        #expect(try opened.headCommitID() == nil, "a new repository's branch is unborn")
        #expect(opened.currentBranch() == "main")
        #expect(try git(["symbolic-ref", "HEAD"], in: path).trimmed == "refs/heads/main")
        #expect(try git(["rev-parse", "--is-inside-work-tree"], in: path).trimmed == "true")

        // Initialising again opens the same repository.
        let again = try Repository.initialize(at: path)
        #expect(again.workdir == path)
    }

    @Test func initializeWithAnotherBranchName() throws {
        let dir = try RepoDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.path, initialBranch: "trunk")
        #expect(repo.currentBranch() == "trunk")
        #expect(try git(["symbolic-ref", "HEAD"], in: dir.path).trimmed == "refs/heads/trunk")
    }

    @Test func openingADirectoryThatIsNotARepositoryThrows() throws {
        let dir = try RepoDir()
        defer { dir.remove() }
        #expect(!Repository.exists(at: dir.path))
        let error = try #require(throws: GitError.self) { try Repository.open(at: dir.path) }
        #expect(error.code == .notFound)
        #expect(error.description.contains(dir.path))
        #expect(!error.message.isEmpty && !error.message.hasPrefix("libgit2 error"))

        #expect(throws: GitError.self) { try Repository.open(at: dir.path + "/does-not-exist") }
    }

    @Test func openingASubdirectoryDoesNotSearchUpwards() throws {
        try withRepository { _, dir in
            try FileManager.default.createDirectory(atPath: dir.path + "/sub", withIntermediateDirectories: true)
            #expect(!Repository.exists(at: dir.path + "/sub"))
            #expect(throws: GitError.self) { try Repository.open(at: dir.path + "/sub") }
        }
    }

    @Test func openingABareRepositoryThrows() throws {
        let dir = try RepoDir()
        defer { dir.remove() }
        try git(["init", "--bare", "-q", "bare.git"], in: dir.path)
        let error = try #require(throws: GitError.self) { try Repository.open(at: dir.path + "/bare.git") }
        #expect(error.description.contains("bare"))
    }

    @Test func openingARepositoryMadeByGit() throws {
        let dir = try RepoDir()
        defer { dir.remove() }
        try git(["init", "-q", "-b", "work"], in: dir.path)
        try dir.write("a.txt", "from the CLI\n")
        try git(["add", "a.txt"], in: dir.path)
        try git(
            [
                "-c", "user.name=Cli User", "-c", "user.email=cli@example.com", "commit", "-q", "-m", "CLI commit",
                "--date=2026-01-20T10:15:00+01:00",
            ], in: dir.path)
        let head = try git(["rev-parse", "HEAD"], in: dir.path).trimmed

        let repo = try Repository.open(at: dir.path)
        let id = try #require(try repo.headCommitID())
        #expect(id.hex == head)
        #expect(repo.currentBranch() == "work")
        let info = try repo.commit(id)
        #expect(info.message == "CLI commit\n")
        #expect(info.author.name == "Cli User")
        #expect(info.author.email == "cli@example.com")
        #expect(info.author.time == Date(timeIntervalSince1970: 1_768_900_500))
        #expect(info.author.timeZoneOffsetMinutes == 60)
        #expect(try repo.file(at: id, path: "a.txt") == bytes("from the CLI\n"))
    }

    // MARK: Commits

    @Test func firstCommitMovesHEADAndIsReadBack() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "alpha\n")
            try dir.write("dir/b.txt", "bravo\n")
            let index = try repo.index()
            try index.addAll(["."])
            try index.write()
            #expect(index.entryCount == 2)
            let tree = try index.writeTree()
            let message = "First commit\n\nAdds two files.\n"
            let id = try repo.createCommit(tree: tree, parents: [], author: janeSmith, committer: sam, message: message)

            #expect(try repo.headCommitID() == id)
            let info = try repo.commit(id)
            #expect(info.id == id)
            #expect(info.parents.isEmpty)
            #expect(info.treeID == tree)
            #expect(try repo.treeID(ofCommit: id) == tree)
            #expect(info.author == janeSmith)
            #expect(info.committer == sam)
            #expect(info.message == message)
            #expect(info.summary == "First commit")

            // What git reads.
            #expect(try git(["rev-parse", "HEAD"], in: dir.path).trimmed == id.hex)
            #expect(try git(["log", "--format=%s"], in: dir.path).trimmed == "First commit")
            let raw = try git(["cat-file", "-p", id.hex], in: dir.path).text
            #expect(raw.contains("tree \(tree.hex)\n"))
            #expect(!raw.contains("parent "))
            #expect(raw.contains("author Jane Smith <jane@x.co.uk> 1768904100 +0100\n"))
            #expect(raw.contains("committer Sam Committer <sam@example.com> 1768907700 -0500\n"))
            #expect(raw.hasSuffix("\n\n" + message))
            #expect(try git(["cat-file", "-t", id.hex], in: dir.path).trimmed == "commit")
            #expect(try git(["cat-file", "-p", "HEAD:dir/b.txt"], in: dir.path).text == "bravo\n")
            #expect(try git(["status", "--porcelain"], in: dir.path).text == "")
            #expect(try git(["fsck", "--strict", "--no-progress"], in: dir.path).status == 0)
        }
    }

    @Test func secondCommitHasTheFirstAsParent() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "one\n")
            let first = try commitEverything(repo, "First", time: 1_700_000_000)
            try dir.write("a.txt", "two\n")
            let second = try commitEverything(repo, "Second", time: 1_700_000_100)
            #expect(first != second)
            #expect(try repo.headCommitID() == second)
            #expect(try repo.commit(second).parents == [first])
            #expect(try git(["rev-parse", "HEAD^"], in: dir.path).trimmed == first.hex)
            #expect(try git(["log", "--format=%s"], in: dir.path).trimmed == "Second\nFirst")
            #expect(try git(["cat-file", "-p", second.hex], in: dir.path).text.contains("parent \(first.hex)\n"))
        }
    }

    @Test func commitOnTopOfTheWrongParentIsRefused() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "one\n")
            let first = try commitEverything(repo, "First")
            try dir.write("a.txt", "two\n")
            let second = try commitEverything(repo, "Second")
            let tree = try repo.treeID(ofCommit: second)
            // HEAD is at `second`; a commit claiming `first` as its parent must not move it.
            #expect(throws: GitError.self) {
                try repo.createCommit(
                    tree: tree, parents: [first], author: janeSmith, committer: janeSmith, message: "Stale")
            }
            #expect(try repo.headCommitID() == second)
        }
    }

    @Test func walkIsNewestFirst() throws {
        try withRepository { repo, dir in
            var ids: [ObjectID] = []
            for i in 1...4 {
                try dir.write("file.txt", "version \(i)\n")
                ids.append(try commitEverything(repo, "Commit \(i)", time: 1_700_000_000 + Double(i) * 60))
            }
            let walked = try repo.walk(from: ids.last!).map(\.id)
            #expect(walked == ids.reversed())
            #expect(try repo.walk(from: ids[1]).map(\.id) == [ids[1], ids[0]])
            #expect(
                try repo.walk(from: ids.last!, firstParentOnly: true).map(\.summary) == [
                    "Commit 4", "Commit 3", "Commit 2", "Commit 1",
                ])
            let cli = try git(["rev-list", "HEAD"], in: dir.path).trimmed.split(separator: "\n").map(String.init)
            #expect(walked.map(\.hex) == cli)
        }
    }

    @Test func resolveRevisions() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "one\n")
            let first = try commitEverything(repo, "First")
            try dir.write("a.txt", "two\n")
            let second = try commitEverything(repo, "Second")
            #expect(try repo.resolveCommit("HEAD") == second)
            #expect(try repo.resolveCommit("HEAD~1") == first)
            #expect(try repo.resolveCommit("HEAD^") == first)
            #expect(try repo.resolveCommit("main") == second)
            #expect(try repo.resolveCommit(first.hex) == first)
            #expect(try repo.resolveCommit(String(first.hex.prefix(10))) == first)
            // A tree id does not peel to a commit.
            let tree = try repo.treeID(ofCommit: first)
            #expect(throws: GitError.self) { try repo.resolveCommit(tree.hex) }
        }
    }

    @Test(arguments: ["no-such-branch", "HEAD~5", "HEAD@{", "main..", "0000000000000000000000000000000000000000"])
    func invalidRevisionThrowsAReadableError(_ spec: String) throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "one\n")
            try commitEverything(repo, "First")
            try dir.write("a.txt", "two\n")
            try commitEverything(repo, "Second")
            let error = try #require(throws: GitError.self) { try repo.resolveCommit(spec) }
            #expect(error.description.contains("resolve revision '\(spec)'"), "\(error)")
            #expect(error.operation.contains(spec))
            // libgit2's own words, not a bare return code.
            #expect(!error.message.isEmpty)
            #expect(!error.message.hasPrefix("libgit2 error"), "\(error)")
            #expect(error.message.contains { $0.isLetter })
            if spec == "no-such-branch" || spec == "HEAD~5" { #expect(error.code == .notFound, "\(error)") }
        }
    }

    @Test func detachedHEADHasNoBranch() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "one\n")
            let first = try commitEverything(repo, "First")
            #expect(repo.currentBranch() == "main")
            try git(["checkout", "-q", "--detach", "HEAD"], in: dir.path)
            #expect(repo.currentBranch() == nil)
            #expect(try repo.headCommitID() == first)
        }
    }

    @Test func resolvingHEADOnAnUnbornBranchThrows() throws {
        try withRepository { repo, _ in
            let error = try #require(throws: GitError.self) { try repo.resolveCommit("HEAD") }
            #expect(!error.message.hasPrefix("libgit2 error"))
        }
    }

    // MARK: Reading files at a revision

    @Test func fileAtARevision() throws {
        try withRepository { repo, dir in
            let binary: [UInt8] = [0, 1, 2, 255, 0, 10, 13, 0]
            try dir.write("a.txt", "version one\n")
            try dir.write("bin/data.bin", binary)
            let first = try commitEverything(repo, "First")
            try dir.write("a.txt", "version two\n")
            try dir.delete("bin/data.bin")
            try dir.write("new.txt", "")
            let second = try commitEverything(repo, "Second")

            #expect(try repo.file(at: first, path: "a.txt") == bytes("version one\n"))
            #expect(try repo.file(at: second, path: "a.txt") == bytes("version two\n"))
            #expect(try repo.file(at: first, path: "bin/data.bin") == binary)
            #expect(try repo.file(at: second, path: "bin/data.bin") == nil)
            #expect(try repo.file(at: first, path: "new.txt") == nil)
            #expect(try repo.file(at: second, path: "new.txt") == [])
            #expect(try repo.file(at: second, path: "missing/deeper/file.txt") == nil)
            // A directory is not a file.
            #expect(try repo.file(at: first, path: "bin") == nil)
            // Same bytes as git shows.
            #expect(try git(["cat-file", "blob", "\(first.hex):bin/data.bin"], in: dir.path).stdout == binary)
        }
    }

    @Test func blobIDsAndFilesInATree() throws {
        try withRepository { repo, dir in
            try dir.write("top.txt", "top\n")
            try dir.write("dir/b.txt", "bravo\n")
            try dir.write("dir/sub/c.txt", "charlie\n")
            try dir.write("other/d.txt", "delta\n")
            let commit = try commitEverything(repo, "Files")
            let tree = try repo.treeID(ofCommit: commit)

            let b = try #require(try repo.blobID(inTree: tree, path: "dir/b.txt"))
            #expect(b == (try ObjectID.blobID(of: bytes("bravo\n"))))
            #expect(b.hex == (try git(["rev-parse", "HEAD:dir/b.txt"], in: dir.path).trimmed))
            #expect(try repo.blob(b) == bytes("bravo\n"))
            #expect(try repo.blobID(inTree: tree, path: "dir/nope.txt") == nil)
            #expect(try repo.blobID(inTree: tree, path: "dir") == nil)

            let c = try #require(try repo.blobID(inTree: tree, path: "dir/sub/c.txt"))
            let expected = ["dir/b.txt": b, "dir/sub/c.txt": c]
            #expect(try repo.files(inTree: tree, under: "dir") == expected)
            #expect(try repo.files(inTree: tree, under: "dir/") == expected)
            #expect(try repo.files(inTree: tree, under: "dir/sub") == ["dir/sub/c.txt": c])
            #expect(try repo.files(inTree: tree, under: "missing") == [:])
            #expect(try repo.files(inTree: tree, under: "top.txt") == [:])
            let all = try repo.files(inTree: tree, under: "")
            #expect(Set(all.keys) == ["top.txt", "dir/b.txt", "dir/sub/c.txt", "other/d.txt"])
            let cli = try git(["ls-tree", "-r", "--format=%(objectname) %(path)", "HEAD"], in: dir.path)
                .trimmed.split(separator: "\n")
            #expect(Set(all.map { "\($0.value.hex) \($0.key)" }) == Set(cli.map(String.init)))
        }
    }

    // MARK: Status and changes

    @Test func statusFlags() throws {
        try withRepository { repo, dir in
            try dir.write("modified.txt", "one\n")
            try dir.write("deleted.txt", "gone soon\n")
            try dir.write("clean.txt", "stays\n")
            try dir.write("staged-mod.txt", "before\n")
            try commitEverything(repo, "Base")
            #expect(try repo.status().isEmpty)

            try dir.write("modified.txt", "two\n")
            // Same size, possibly the same second as the base: give the edit an mtime no stat cache
            // can confuse with the base's ("racy git"), so real git's answer below is deterministic.
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: dir.path + "/modified.txt")
            try dir.delete("deleted.txt")
            try dir.write("untracked/new.txt", "new\n")
            try dir.write("staged.txt", "staged\n")
            try dir.write("staged-mod.txt", "after\n")
            let index = try repo.index()
            try index.add(path: "staged.txt")
            try index.add(path: "staged-mod.txt")
            try index.write()
            #expect(index.blobID(path: "staged.txt") == (try ObjectID.blobID(of: bytes("staged\n"))))

            let entries = try repo.status()
            let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0) })
            #expect(
                Set(byPath.keys) == [
                    "modified.txt", "deleted.txt", "untracked/new.txt", "staged.txt", "staged-mod.txt",
                ])

            #expect(byPath["modified.txt"]?.flags == .workdirModified)
            #expect(byPath["deleted.txt"]?.flags == .workdirDeleted)
            #expect(byPath["untracked/new.txt"]?.flags == .workdirNew)
            #expect(byPath["untracked/new.txt"]?.isUntracked == true)
            #expect(byPath["staged.txt"]?.flags == .indexNew)
            #expect(byPath["staged.txt"]?.isUntracked == false)
            #expect(byPath["staged-mod.txt"]?.flags == .indexModified)
            #expect(byPath["modified.txt"]?.isUntracked == false)

            // git agrees.
            let porcelain = try git(["status", "--porcelain", "-uall"], in: dir.path).trimmed
                .split(separator: "\n").map(String.init)
            #expect(
                Set(porcelain) == [
                    " M modified.txt", " D deleted.txt", "?? untracked/new.txt", "A  staged.txt", "M  staged-mod.txt",
                ])

            // Path specs and untracked files.
            #expect(try repo.status(pathspecs: ["modified.txt"]).map(\.path) == ["modified.txt"])
            #expect(try repo.status(pathspecs: ["untracked"]).map(\.path) == ["untracked/new.txt"])
            let tracked = try repo.status(includeUntracked: false).map(\.path)
            #expect(!tracked.contains("untracked/new.txt"))
            #expect(tracked.contains("modified.txt"))

            // A staged file modified again carries both flags.
            try dir.write("staged.txt", "staged, then changed\n")
            let both = try repo.status(pathspecs: ["staged.txt"])
            #expect(both.first?.flags == [.indexNew, .workdirModified])
            #expect(both.first?.isUntracked == false)
        }
    }

    @Test func stagedDeletion() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "a\n")
            try commitEverything(repo, "Base")
            try dir.delete("a.txt")
            let index = try repo.index()
            try index.remove(path: "a.txt")
            try index.write()
            #expect(try repo.status().map(\.flags) == [.indexDeleted])
            #expect(try git(["status", "--porcelain"], in: dir.path).trimmed == "D  a.txt")
        }
    }

    @Test func addAllStagesNewModifiedAndDeletedFiles() throws {
        try withRepository { repo, dir in
            try dir.write("keep.txt", "k\n")
            try dir.write("change.txt", "1\n")
            try dir.write("remove.txt", "r\n")
            try commitEverything(repo, "Base")
            try dir.write("change.txt", "2\n")
            try dir.delete("remove.txt")
            try dir.write("add.txt", "a\n")
            let index = try repo.index()
            try index.addAll(["."])
            try index.write()
            let porcelain = try git(["status", "--porcelain"], in: dir.path).trimmed.split(separator: "\n").map(
                String.init)
            #expect(Set(porcelain) == ["M  change.txt", "D  remove.txt", "A  add.txt"])
            #expect(index.entryCount == 3)
            #expect(!index.hasConflicts)
        }
    }

    @Test func changedPathsBetweenCommits() throws {
        try withRepository { repo, dir in
            try dir.write("same.txt", "same\n")
            try dir.write("edit.txt", "before\n")
            try dir.write("old.txt", "old\n")
            try dir.write("sub/x.txt", "x\n")
            try dir.write("subway.txt", "s\n")
            let first = try commitEverything(repo, "First")
            try dir.write("edit.txt", "after\n")
            try dir.delete("old.txt")
            try dir.write("new.txt", "new\n")
            try dir.write("sub/x.txt", "x2\n")
            try dir.write("subway.txt", "s2\n")
            let second = try commitEverything(repo, "Second")
            let t1 = try repo.treeID(ofCommit: first)
            let t2 = try repo.treeID(ofCommit: second)

            let changes = try repo.changedPaths(from: t1, to: t2)
            var kinds: [String: TreeChange.Kind] = [:]
            for c in changes { kinds[c.newPath] = c.kind }
            #expect(
                kinds == [
                    "edit.txt": .modified, "old.txt": .deleted, "new.txt": .added, "sub/x.txt": .modified,
                    "subway.txt": .modified,
                ])
            let cli = try git(["diff", "--name-status", "--no-renames", first.hex, second.hex], in: dir.path).trimmed
            #expect(
                Set(cli.split(separator: "\n").map(String.init)) == [
                    "M\tedit.txt", "D\told.txt", "A\tnew.txt", "M\tsub/x.txt", "M\tsubway.txt",
                ])

            // From the empty tree everything is added; to it everything is deleted.
            let fromEmpty = try repo.changedPaths(from: nil, to: t1)
            #expect(Set(fromEmpty.map(\.newPath)) == ["same.txt", "edit.txt", "old.txt", "sub/x.txt", "subway.txt"])
            #expect(fromEmpty.allSatisfy { $0.kind == .added })
            #expect(try repo.changedPaths(from: t2, to: nil).allSatisfy { $0.kind == .deleted })
            #expect(try repo.changedPaths(from: t1, to: t1).isEmpty)

            // Limited to a directory (not to every path that starts with the same letters).
            let sub = try repo.changedPaths(from: t1, to: t2, under: "sub")
            #expect(sub.map(\.newPath) == ["sub/x.txt"])
            #expect(sub.map(\.oldPath) == ["sub/x.txt"])
            #expect(sub.first?.kind == .modified)
        }
    }

    // MARK: Index lock

    @Test func aHeldIndexLockMakesWriteFailWithLocked() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "a\n")
            let lock = dir.path + "/.git/index.lock"
            #expect(FileManager.default.createFile(atPath: lock, contents: Data()))
            let index = try repo.index()
            try index.add(path: "a.txt")
            let error = try #require(throws: GitError.self) { try index.write() }
            #expect(error.code == .locked)
            #expect(error.description.contains("locked"))
            #expect(!error.message.hasPrefix("libgit2 error"))
            // The lock belongs to someone else: it is left alone.
            #expect(FileManager.default.fileExists(atPath: lock))

            try FileManager.default.removeItem(atPath: lock)
            try index.write()
            #expect(try git(["status", "--porcelain"], in: dir.path).trimmed == "A  a.txt")
        }
    }

    // MARK: Config

    @Test func repositoryConfigSetsTheDefaultSignature() throws {
        try withRepository { repo, dir in
            try repo.setConfig("user.name", "Config Person")
            try repo.setConfig("user.email", "config@example.com")
            let sig = try #require(repo.defaultSignature())
            #expect(sig.name == "Config Person")
            #expect(sig.email == "config@example.com")
            #expect(try git(["config", "--local", "user.name"], in: dir.path).trimmed == "Config Person")
            #expect(sig.formatted == "Config Person <config@example.com>")
        }
    }

    // MARK: Object ids

    static func sampleData(_ name: String) -> [UInt8] {
        switch name {
        case "empty": []
        case "hello": bytes("hello\n")
        case "unicode": bytes("Café £ €\n")
        case "every byte": Array(0...255)
        case "no final newline": bytes("no newline at end")
        default: Array(repeating: 0x61, count: 100_000)
        }
    }

    @Test(arguments: ["empty", "hello", "unicode", "every byte", "no final newline", "100 kB"])
    func blobIDMatchesGitHashObject(_ name: String) throws {
        let data = Self.sampleData(name)
        let dir = try RepoDir()
        defer { dir.remove() }
        let id = try ObjectID.blobID(of: data)
        let cli = try git(["hash-object", "--stdin"], in: dir.path, input: data).trimmed
        #expect(id.hex == cli)
    }

    @Test func objectIDHexRoundTrip() throws {
        let id = try ObjectID.blobID(of: bytes("hello\n"))
        #expect(ObjectID(hex: id.hex) == id)
        #expect(ObjectID(hex: id.hex.uppercased()) == id)
        #expect(id.short == String(id.hex.prefix(7)))
        #expect(id.description == id.hex)
        #expect(id.bytes.count == 20)
        #expect(ObjectID(hex: "") == nil)
        #expect(ObjectID(hex: String(id.hex.dropLast())) == nil)
        #expect(ObjectID(hex: id.hex + "0") == nil)
        #expect(ObjectID(hex: "g" + id.hex.dropFirst()) == nil)
        let zero = ObjectID(bytes: Array(repeating: 0, count: 20))
        let ff = ObjectID(bytes: Array(repeating: 0xff, count: 20))
        #expect(zero < id && id < ff)
        #expect(zero.hex == String(repeating: "0", count: 40))
    }

    // MARK: Trailers

    @Test func trailersAreParsedLikeGit() throws {
        let message = """
            Update the lease and the NDA

            Renewed for another year.

            Pactoria-Contract: 3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b
            Pactoria-Event: updated
            Pactoria-Version: 4
            Pactoria-Contract: 8daa7e6b-37da-4f64-bc8b-947f880b6bf8
            Pactoria-Event: status:active
            Pactoria-Version: 1

            """
        let trailers = Trailers.parse(message)
        #expect(
            trailers.map(\.key) == [
                "Pactoria-Contract", "Pactoria-Event", "Pactoria-Version", "Pactoria-Contract", "Pactoria-Event",
                "Pactoria-Version",
            ])
        #expect(
            trailers.map(\.value) == [
                "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", "updated", "4", "8daa7e6b-37da-4f64-bc8b-947f880b6bf8",
                "status:active", "1",
            ])
        let dir = try RepoDir()
        defer { dir.remove() }
        let cli = try git(["interpret-trailers", "--parse"], in: dir.path, input: bytes(message)).trimmed
        #expect(trailers.map { "\($0.key): \($0.value)" }.joined(separator: "\n") == cli)
    }

    @Test(arguments: [
        "Just a subject\n",
        "Subject\n\nA body paragraph that: looks a bit like a trailer but is prose.\nAnd a second line of prose.\n",
        "",
    ])
    func messagesWithoutTrailers(_ message: String) {
        #expect(Trailers.parse(message).isEmpty)
    }

    @Test func commitInfoExposesItsTrailers() throws {
        try withRepository { repo, dir in
            try dir.write("a.txt", "a\n")
            let id = try commitEverything(
                repo, "Add contract\n\nPactoria-Contract: abc\nPactoria-Event: created\nPactoria-Version: 1\n")
            let info = try repo.commit(id)
            #expect(info.summary == "Add contract")
            #expect(info.trailers.map(\.key) == ["Pactoria-Contract", "Pactoria-Event", "Pactoria-Version"])
            #expect(info.trailers.map(\.value) == ["abc", "created", "1"])
            let cli = try git(["log", "-1", "--format=%(trailers:key=Pactoria-Event,valueonly)"], in: dir.path).trimmed
            #expect(cli == "created")
        }
    }

    // MARK: Text diffs

    @Test func unifiedDiffHasHeadersAndHunks() throws {
        let old = bytes("alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\ngolf\nhotel\n")
        let new = bytes("alpha\nbravo\nCHARLIE\ndelta\necho\nfoxtrot\ngolf\nhotel\nindia\n")
        let diff = try TextDiff.unified(old: old, new: new, oldPath: "a.md", newPath: "a.md")
        let lines = diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "--- a/a.md")
        #expect(lines.dropFirst().first == "+++ b/a.md")
        #expect(lines.filter { $0.hasPrefix("@@") }.count >= 1)
        #expect(lines.contains("-charlie"))
        #expect(lines.contains("+CHARLIE"))
        #expect(lines.contains("+india"))
        #expect(!diff.contains("diff --git"))

        // The hunks are the ones git computes.
        let dir = try RepoDir()
        defer { dir.remove() }
        try dir.write("old/a.md", old)
        try dir.write("new/a.md", new)
        let cli = try git(
            ["diff", "--no-index", "--no-color", "old/a.md", "new/a.md"], in: dir.path, allowFailure: true)
        #expect(cli.status == 1)
        let cliHunks = cli.text[cli.text.range(of: "\n@@")!.upperBound...]
        let ourHunks = diff[diff.range(of: "\n@@")!.upperBound...]
        #expect(ourHunks == cliHunks)
    }

    @Test func unifiedDiffNamesBothPathsAndHonoursContext() throws {
        let old = bytes((1...20).map { "line \($0)" }.joined(separator: "\n") + "\n")
        var newLines = (1...20).map { "line \($0)" }
        newLines[9] = "line ten"
        let new = bytes(newLines.joined(separator: "\n") + "\n")
        let diff = try TextDiff.unified(old: old, new: new, oldPath: "old.md", newPath: "new.md", contextLines: 0)
        #expect(diff.hasPrefix("--- a/old.md\n+++ b/new.md\n"))
        #expect(diff.contains("\n@@ -10 +10 @@"))
        #expect(diff.hasSuffix("-line 10\n+line ten\n"))
        let wide = try TextDiff.unified(old: old, new: new, oldPath: "x", newPath: "x", contextLines: 3)
        #expect(wide.contains("\n@@ -7,7 +7,7 @@"))
    }

    @Test func unifiedDiffMarksAMissingFinalNewline() throws {
        let diff = try TextDiff.unified(old: bytes("a\n"), new: bytes("a\nb"), oldPath: "f", newPath: "f")
        #expect(diff.contains("+b\n\\ No newline at end of file"))
    }

    @Test func unifiedDiffOfBinaryContentSaysSo() throws {
        let diff = try TextDiff.unified(old: [0, 1, 2, 10], new: [0, 1, 3, 10], oldPath: "b.bin", newPath: "b.bin")
        #expect(diff.contains("Binary files a/b.bin and b/b.bin differ"), "\(diff)")
    }

    @Test(arguments: [[UInt8](), bytes("same\n"), bytes("no newline")])
    func unifiedDiffOfEqualInputsIsEmpty(_ data: [UInt8]) throws {
        #expect(try TextDiff.unified(old: data, new: data, oldPath: "a", newPath: "a") == "")
    }

    @Test func unifiedDiffFromAndToNothing() throws {
        let added = try TextDiff.unified(old: [], new: bytes("x\ny\n"), oldPath: "f.md", newPath: "f.md")
        #expect(added.contains("@@ -0,0 +1,2 @@"))
        #expect(added.contains("\n+x\n+y\n"))
        let removed = try TextDiff.unified(old: bytes("x\n"), new: [], oldPath: "f.md", newPath: "f.md")
        #expect(removed.contains("@@ -1 +0,0 @@"))
        #expect(removed.hasSuffix("\n-x\n"))
    }
}

/// `Index.tree(updating:paths:)` is how `pactoria commit` writes its tree: it must give exactly the
/// tree libgit2's write-tree gives, for edits, additions in new directories, removals (including the
/// last file of a directory), an executable bit and paths that were never there.
struct IndexTreeUpdateTests {
    @Test func matchesWriteTreeForEveryKindOfChange() throws {
        try withRepository { repo, dir in
            for c in ["alpha", "beta", "gamma"] {
                for i in 0..<4 { try dir.write("companies/\(c)/contracts/c\(i).yaml", "id: \(c)-\(i)\n") }
            }
            try dir.write("companies/solo/contracts/only.yaml", "id: only\n")
            try dir.write("README.md", "hello\n")
            let head = try commitEverything(repo, "base")
            let base = try repo.treeID(ofCommit: head)

            try dir.write("companies/alpha/contracts/c0.yaml", "id: alpha-0\ntitle: edited\n")
            try dir.write("companies/delta/contracts/new.yaml", "id: new\n")
            try dir.delete("companies/beta/contracts/c1.yaml")
            try dir.delete("companies/solo/contracts/only.yaml")
            try dir.write("scripts/run.sh", "#!/bin/sh\n")
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: dir.path + "/scripts/run.sh")
            let paths = [
                "companies/alpha/contracts/c0.yaml", "companies/delta/contracts/new.yaml",
                "companies/beta/contracts/c1.yaml", "companies/solo/contracts/only.yaml", "scripts/run.sh",
                "companies/never/contracts/ghost.yaml",
            ]
            let index = try repo.index()
            #expect(try index.writeTree() == base)
            for p in paths {
                if FileManager.default.fileExists(atPath: dir.path + "/" + p) {
                    try index.add(path: p)
                } else {
                    try? index.remove(path: p)
                }
            }
            let updated = try index.tree(updating: base, paths: paths)
            #expect(updated == (try index.writeTree()))
            // And git reads it the same way: the emptied directory is gone, the script executable.
            let listing = try git(["ls-tree", "-r", updated.hex], in: dir.path).text
            #expect(!listing.contains("companies/solo"))
            #expect(listing.contains("100755 blob") && listing.contains("scripts/run.sh"))
        }
    }
}
