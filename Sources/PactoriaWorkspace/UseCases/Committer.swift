import Foundation
package import PactoriaCore
package import PactoriaGit

/// Stages paths and commits through libgit2: the last step of every use case that writes.
package enum Committer {
    /// Stages `paths` in the index (adding what exists, removing what does not) and returns the
    /// index, still open, with the tree it now describes.
    package static func stage(
        _ ws: Workspace, _ repo: Repository, paths: some Sequence<String>, everything: Bool = false,
        index opened: Index? = nil,
        indexMatches base: ObjectID? = nil
    ) throws(WorkspaceError) -> (Index, ObjectID) {
        do {
            let index: Index
            if let opened {
                index = opened
            } else {
                index = try Trace.measure("index read") { try repo.index() }
                try Trace.measure("index reload") { try index.refresh() }
            }
            // Only `init` stages everything (adopting a directory, README and all); links and
            // special files below `companies/` and `.pactoria/` were refused by the status scan.
            if everything { try index.addAll(["."]) }
            let sorted = Set(paths).filter(isStageable).sorted()
            for path in sorted {
                if let kind = FileSystem.kind(ws.absolute(path)) {
                    try refuseUnlessRegular(ws, path, kind)
                    try index.add(path: path)
                } else {
                    try index.remove(path: path)
                }
            }
            // Whatever `.gitignore` says (a pull request can delete its lines), the signing key,
            // local users and caches never enter the index, nor does a link of any kind.
            for dir in neverStaged { try index.removeDirectory(dir) }
            for path in sorted {
                if let mode = index.mode(path: path), !mode.isPlainFile {
                    throw WorkspaceError.refused(
                        "\(path) is staged as a \(mode.description); only regular files are committed")
                }
            }
            // Data keys made while sealing what was staged are saved before anything commits them.
            try ws.sealer?.saveKeyring(signature: Sealer.keyringSignature())
            // When the index held exactly `base` before, only the staged paths' trees change.
            let tree = try Trace.measure("write tree") {
                if let base, !everything, let tree = try? index.tree(updating: base, paths: sorted) { return tree }
                return try index.writeTree()
            }
            return (index, tree)
        } catch let e as WorkspaceError {
            throw e
        } catch {
            throw failure("cannot stage the workspace", error, root: ws.root)
        }
    }

    /// Local-only directories: never staged, whatever `.gitignore` says.
    static let neverStaged = [".pactoria/secrets", Workspace.cacheDirectory]

    /// Whether Pactoria may stage `path`: a tracked workspace file (below `companies/` or
    /// `.pactoria/`, or the top-level `.gitignore` and `.gitattributes`), never a local secret or
    /// cache, never a path with `..`.
    static func isStageable(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { return false }
        if path == ".gitignore" || path == ".gitattributes" { return true }
        guard path.hasPrefix("companies/") || path.hasPrefix(".pactoria/") else { return false }
        // The temporary file of an interrupted write (`.<name>.tmp-<pid>-<n>`) is never committed.
        if FileSystem.isLeftoverTemporary(path) { return false }
        return !neverStaged.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// Refuses a symbolic link or special file, and a path through a symbolically linked folder.
    static func refuseUnlessRegular(_ ws: Workspace, _ path: String, _ kind: FileSystem.Kind) throws(WorkspaceError) {
        var dir = ""
        for part in path.split(separator: "/").dropLast() {
            dir += dir.isEmpty ? String(part) : "/" + part
            if let k = FileSystem.kind(ws.absolute(dir)), k != .directory {
                throw .refused("\(dir) is a \(k.noun), not a folder; refusing to commit \(path)")
            }
        }
        guard kind == .regular else {
            throw .refused(
                "\(path) is a \(kind.noun); only regular files inside their company's folder are committed (remove it)")
        }
    }

    /// Writes the index and commits its tree on HEAD with `message` and the events' trailers.
    package static func commit(
        _ repo: Repository, index: Index, tree: ObjectID, head: ObjectID?, message: String, events: [ContractEvent],
        author: Author, allowEmpty: Bool = false, extraParents: [ObjectID] = []
    ) throws(WorkspaceError) -> ObjectID {
        if !allowEmpty, extraParents.isEmpty, let head, let headTree = try? repo.treeID(ofCommit: head),
            headTree == tree
        {
            throw .nothingToCommit
        }
        let signature = Signature(name: author.name, email: author.email, time: Timestamp.nowDate())
        do {
            try Trace.measure("index write") { try waitingOutLocks(root: repo.workdir) { try index.write() } }
            Fault.point("commit.after-index")
            let made = try waitingOutLocks(root: repo.workdir) {
                try repo.createCommit(
                    tree: tree, parents: (head.map { [$0] } ?? []) + extraParents, author: signature,
                    committer: signature,
                    message: AuditTrailers.compose(message: message, events: events))
            }
            Fault.point("commit.after-commit")
            if let checksum = index.checksum { IndexRecord.save(repo, checksum: checksum, tree: tree) }
            return made
        } catch {
            throw failure("cannot commit", error, root: repo.workdir)
        }
    }

    /// Writes the index only (staged, not committed).
    static func writeIndex(_ index: Index) throws(WorkspaceError) {
        do { try waitingOutLocks(root: index.workdir) { try index.write() } } catch {
            throw failure("cannot write the index", error, root: index.workdir)
        }
    }

    // MARK: - Git's locks

    /// How long a write waits for a git lock held by another process (a shell prompt's `git
    /// status` holds `index.lock` for milliseconds): 5 ms, doubling, each wait at most 250 ms,
    /// until 3 s have passed since the first failure; then the lock error stands. A lock found
    /// stale at the first failure (no live holder, at least 2 s old: left by a crash) is not
    /// waited on, since no wait frees it.
    static let lockBackoff = (
        first: Duration.milliseconds(5), cap: Duration.milliseconds(250), total: Duration.seconds(3)
    )

    /// Runs `body`, again after a backoff while libgit2 reports a lock (`GIT_ELOCKED`).
    static func waitingOutLocks<T>(root: String, _ body: () throws -> T) throws -> T {
        var delay = lockBackoff.first
        var deadline: ContinuousClock.Instant?
        while true {
            do {
                return try body()
            } catch let e as GitError where e.code == .locked {
                if deadline == nil, let path = lockFile(e, root: root), let lock = GitLocks.lock(at: path, root: root),
                    lock.isStale, lock.age >= 2
                {
                    throw e
                }
                let now = ContinuousClock.now
                let end = deadline ?? now + lockBackoff.total
                deadline = end
                guard now < end else { throw e }
                let wait = min(delay, end - now)
                let c = wait.components
                usleep(UInt32(c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000))
                delay = min(delay * 2, lockBackoff.cap)
            }
        }
    }

    /// The error for a failed git step: for a lock, which lock file, whether its holder is alive
    /// and the safe command; otherwise libgit2's message.
    static func failure(_ what: String, _ error: any Error, root given: String) -> WorkspaceError {
        if let g = error as? GitError, g.code == .locked {
            let named = lockFile(g, root: given)
            var root = given
            if root.isEmpty, let named { root = self.root(of: named) }
            let lock =
                named.flatMap { GitLocks.lock(at: $0, root: root) }
                ?? GitLocks.inspect(root: root).first
            guard let lock else {
                // Gone by now: the holder finished just after the last try.
                let shown = named.map { GitLocks.shown($0, root: root) } ?? "a git lock"
                return .locked(
                    "\(what): \(shown) was held by another process; it is free now, try again",
                    hint: nil, holderAlive: true)
            }
            return .locked("\(what): \(lock.description)", hint: lock.hint, holderAlive: !lock.isStale)
        }
        if let sealing = sealingFailure(error) { return .refused("\(what): \(sealing)") }
        return .repository("\(what): \(shortGitMessage(error))", detail: "\(error)")
    }

    /// The sealing error behind a failed git step (the seal refused a file: no master key, a
    /// wrong one, an altered ciphertext), to be shown as it is rather than as a git failure.
    static func sealingFailure(_ error: any Error) -> SealingError? {
        if let s = error as? SealingError { return s }
        return (error as? GitError)?.filterError as? SealingError
    }

    /// The error for a status that could not be read.
    static func statusFailure(_ error: any Error) -> WorkspaceError {
        if let sealing = sealingFailure(error) { return .refused("cannot read the repository status: \(sealing)") }
        return .repository("cannot read the repository status", detail: "\(error)")
    }

    /// The work tree of the git folder holding `lock` (`/r` for `/r/.git/index.lock`).
    static func root(of lock: String) -> String {
        guard let r = lock.range(of: "/.git/", options: .backwards) else { return "" }
        return String(lock[..<r.lowerBound])
    }

    /// The lock file behind a lock error: the one libgit2 names, or the index's own (libgit2
    /// says only "the index is locked").
    static func lockFile(_ e: GitError, root: String) -> String? {
        if let named = lockPath(in: e.message) { return named }
        if e.message.contains("index is locked"), !root.isEmpty, let dir = GitLocks.gitDirectory(root: root) {
            return dir + "/index.lock"
        }
        return nil
    }

    /// The lock file libgit2 names in its message (`failed to lock file '/r/.git/index.lock' for
    /// writing`), if any.
    static func lockPath(in message: String) -> String? {
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        return parts.enumerated().first { $0.offset % 2 == 1 && $0.element.hasSuffix(".lock") }.map {
            String($0.element)
        }
    }

    package static func head(_ repo: Repository) throws(WorkspaceError) -> ObjectID? {
        do { return try repo.headCommitID() } catch { throw .repository("cannot read HEAD", detail: "\(error)") }
    }

    static func shortGitMessage(_ error: any Error) -> String {
        if let g = error as? GitError {
            if g.code == .locked, let path = lockPath(in: g.message) {
                return "\(path) is held by another process"
            }
            return g.message
        }
        return "\(error)"
    }
}

/// What the last commit left in the index: the index file's checksum and the tree that index
/// holds. While the index file is unchanged (same checksum), the next commit knows the index
/// equals that tree without rebuilding it; any change to the index, by git or anything else,
/// changes the checksum and the record no longer applies. Kept in `.pactoria/cache/`.
enum IndexRecord {
    static func path(_ repo: Repository) -> String { "\(repo.workdir)/\(Workspace.cacheDirectory)/index-tree" }

    static func save(_ repo: Repository, checksum: ObjectID, tree: ObjectID) {
        CacheFile.write(Array("\(checksum.hex) \(tree.hex)\n".utf8), to: path(repo), name: "index-tree", version: 1)
    }

    /// True when `index` is, by the record, exactly `tree`.
    static func holds(_ repo: Repository, index: Index, tree: ObjectID) -> Bool {
        guard let checksum = index.checksum, let bytes = CacheFile.read(path(repo), name: "index-tree", version: 1)
        else {
            return false
        }
        return String(decoding: bytes, as: UTF8.self) == "\(checksum.hex) \(tree.hex)\n"
    }
}
