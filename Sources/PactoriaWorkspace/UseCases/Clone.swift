import Foundation
public import PactoriaGit

/// Cloning: a shared workspace onto a new machine, through libgit2.
extension Remotes {
    public struct CloneResult: Sendable {
        /// The new workspace's root (absolute).
        public var directory: String
        /// The directory as given, or as derived from the URL (what messages call it, like git).
        public var name: String
        /// The URL cloned, with any password in it masked.
        public var url: String
        /// The remote the clone syncs with (`origin`).
        public var remote: String
        /// The branch checked out (the remote's default); nil when HEAD is detached.
        public var branch: String?
        /// The checked-out branch's upstream (`origin/main`), as libgit2 set it.
        public var upstream: String?
        /// The commit checked out.
        public var commit: ObjectID?
        /// Contracts in the working tree.
        public var contracts: Int
        /// Contract files left sealed in the working tree (no master key to unseal them).
        public var sealedFilesWithoutKey = 0
    }

    /// Clones the workspace at `url` into `directory` (default: the URL's last path component
    /// without `.git`, like git). A relative `directory`, and a URL that is a relative local path,
    /// are taken relative to `base` (default: the current directory).
    ///
    /// Refuses a target that exists and is not an empty directory, writing nothing. When the clone
    /// fails (unreachable: `.offline`; credentials refused: `.refused`) or what it brings is not a
    /// Pactoria workspace (no valid `.pactoria/config.yaml`, or a symbolic link or submodule link
    /// anywhere in its tree), everything it created is removed,
    /// leaving no directory behind (an empty target directory that was already there is kept).
    public static func clone(
        url: String, into directory: String? = nil, relativeTo base: String? = nil, branch: String? = nil,
        credentials: CredentialProvider, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws(WorkspaceError) -> CloneResult {
        guard !url.isEmpty else { throw .invalidInput(field: "url", message: "the URL is empty") }
        let shown = Repository.redactingPassword(in: url)
        guard let name = directory ?? defaultCloneDirectory(for: url) else {
            throw .invalidInput(field: "directory", message: "cannot tell a directory name from '\(shown)'; give one")
        }
        let target = FileSystem.absolute(name, relativeTo: base)
        let source = Repository.isLocalPath(url) ? FileSystem.absolute(url, relativeTo: base) : url

        // What to remove on failure: the highest directory the clone creates, or the contents of an
        // empty target directory that was already there.
        var created: String?
        if FileSystem.exists(target) {
            guard FileSystem.isDirectory(target), FileSystem.list(target).isEmpty else {
                throw .refused(
                    "destination path '\(name)' already exists and is not an empty directory; nothing was written")
            }
        } else {
            var dir = target
            while !dir.isEmpty, dir != "/", !FileSystem.exists(dir) {
                created = dir
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        func cleanUp() {
            if let created {
                try? FileManager.default.removeItem(atPath: created)
            } else {
                for entry in FileSystem.list(target) {
                    try? FileManager.default.removeItem(atPath: target + "/" + entry)
                }
            }
        }

        let repo: Repository
        do {
            repo = try Repository.clone(
                url: source, to: target, branch: branch, credentials: credentials, progress: progress)
        } catch {
            cleanUp()
            if let branch, case .failed(let g)? = error as? SyncError, g.code == .notFound {
                throw .notFound("\(shown) has no branch '\(branch)'; nothing was cloned")
            }
            throw cloneError(error, url: shown)
        }

        let ws: Workspace
        do throws(WorkspaceError) {
            // A symbolic link (`leak.md -> ../../.pactoria/secrets/jwt.key`, `companies/acme ->
            // /etc`) or a submodule link in the tree: refused, and nothing kept.
            let links: [(path: String, mode: FileMode)]
            do {
                links =
                    try repo.headCommitID().map { try repo.nonPlainEntries(inTree: try repo.treeID(ofCommit: $0)) }
                    ?? []
            } catch {
                throw .repository("cannot read the tree of \(shown); nothing was kept", detail: "\(error)")
            }
            if let first = links.first {
                let more = links.count > 1 ? " (and \(links.count - 1) more)" : ""
                throw .refused(
                    "\(shown) holds \(first.path), a \(first.mode.description)\(more); a workspace holds only regular files, so nothing was kept"
                )
            }
            guard FileSystem.exists(target + "/" + Workspace.configPath) else {
                throw .repository(
                    "\(shown) is a git repository but not a pactoria workspace (no \(Workspace.configPath)); nothing was kept",
                    detail: "cloned into \(target), then removed")
            }
            do { ws = try Workspace.open(root: target) } catch {
                throw .repository(
                    "\(shown) is a git repository but its \(Workspace.configPath) cannot be used (\(error.description)); nothing was kept",
                    detail: "\(error)")
            }
        } catch {
            cleanUp()
            throw error
        }
        ws.adopt(repo)
        let stillSealed = KeyringSync.afterClone(ws, repo, credentials: credentials)
        let branch = repo.currentBranch()
        let upstream = branch.flatMap { b in (try? repo.upstream(of: b)) ?? nil }
        return CloneResult(
            directory: target, name: name, url: shown, remote: "origin", branch: branch,
            upstream: upstream.map { "\($0.remote)/\($0.branch)" }, commit: (try? repo.headCommitID()) ?? nil,
            contracts: ws.contractRefs().count, sealedFilesWithoutKey: stillSealed)
    }

    /// The directory git would clone `url` into: its last path component without `.git` (or
    /// `/.git`), e.g. `contracts` for `https://git.example.co.uk/brickline/contracts.git` and
    /// `git@host:brickline/contracts.git`; the host for a URL without a path. Nil when nothing
    /// usable is left.
    public static func defaultCloneDirectory(for url: String) -> String? {
        var s = Substring(url.trimmingCharacters(in: .whitespacesAndNewlines))
        var host: Substring?
        if let scheme = s.range(of: "://") {
            s = s[scheme.upperBound...]
            let end = s.firstIndex(of: "/") ?? s.endIndex
            var authority = s[..<end]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") { authority = authority[..<colon] }
            host = authority
            s = s[end...]
        }
        while s.hasSuffix("/") { s = s.dropLast() }
        if s.hasSuffix("/.git") { s = s.dropLast(5) } else if s.hasSuffix(".git") { s = s.dropLast(4) }
        while s.hasSuffix("/") { s = s.dropLast() }
        var last = s.split(separator: "/").last ?? ""
        if !Repository.isLocalPath(url), host == nil, let colon = last.lastIndex(of: ":") {
            last = last[last.index(after: colon)...]  // scp-like `host:name`
        }
        if last.isEmpty, let host { last = host }
        let name = String(last)
        return name.isEmpty || name == "." || name == ".." ? nil : name
    }

    static func cloneError(_ error: any Error, url: String) -> WorkspaceError {
        guard let e = error as? SyncError else {
            return .repository("clone of \(url) failed: \(describe(error))", detail: "\(error)")
        }
        switch e {
        case .unreachable(_, let detail):
            return .offline(
                "offline: cannot reach \(url); nothing was cloned, try again when it can be reached", detail: detail)
        case .authenticationFailed(_, let detail):
            return .refused(
                "authentication to \(url) failed (\(detail)); set PACTORIA_GIT_TOKEN or configure git's credentials")
        case .failed(let g) where g.code == .notFound:
            return .notFound("clone of \(url) failed: \(g.message)")
        case .failed(let g):
            return .repository("clone of \(url) failed: \(g.message)", detail: "\(g)")
        case .rejected, .noSuchRemote:
            return .repository("clone of \(url) failed: \(e.description)", detail: "\(e)")
        }
    }
}
