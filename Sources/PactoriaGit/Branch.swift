internal import CLibGit2

/// The branch on a remote that a local branch tracks.
public struct Upstream: Sendable, Equatable {
    /// The remote's name (`origin`).
    public var remote: String
    /// The branch's short name on the remote (`main`).
    public var branch: String

    public init(remote: String, branch: String) {
        self.remote = remote
        self.branch = branch
    }

    /// The local remote-tracking reference fetch keeps (`refs/remotes/origin/main`).
    public var trackingReference: String { "refs/remotes/\(remote)/\(branch)" }
}

extension Repository {
    // MARK: - Branches and upstreams

    /// Records that the local `branch` tracks `remoteBranch` on `remote` (`branch.<name>.remote` and
    /// `branch.<name>.merge`, as `git push -u` writes them). The remote branch need not be fetched yet.
    public func setUpstream(branch: String, remote: String, remoteBranch: String) throws {
        guard try lookupRemoteIfPresent(remote) != nil else { throw Self.noSuchRemote(remote, "set upstream") }
        try setConfig("branch.\(branch).remote", remote)
        try setConfig("branch.\(branch).merge", "refs/heads/\(remoteBranch)")
    }

    /// The upstream of the local `branch`, or nil when none is configured.
    public func upstream(of branch: String) throws -> Upstream? {
        let refname = "refs/heads/\(branch)"
        var remote = git_buf()
        defer { git_buf_dispose(&remote) }
        var rc = git_branch_upstream_remote(&remote, pointer, refname)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "read upstream of \(branch)")
        var merge = git_buf()
        defer { git_buf_dispose(&merge) }
        rc = git_branch_upstream_merge(&merge, pointer, refname)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "read upstream of \(branch)")
        var name = merge.ptr.map { String(cString: $0) } ?? ""
        if name.hasPrefix("refs/heads/") { name.removeFirst("refs/heads/".count) }
        return Upstream(remote: remote.ptr.map { String(cString: $0) } ?? "", branch: name)
    }

    /// The commit a reference (`refs/remotes/origin/main`, `refs/heads/main`, `HEAD`, `MERGE_HEAD`)
    /// resolves to, or nil when it does not exist.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue || rc == GIT_EINVALIDSPEC.rawValue {
            return nil
        }
        try check(rc, "resolve \(name)")
        return ObjectID(oid)
    }

    /// Points the reference `name` at `target`, creating it if needed (no working-tree change).
    public func setReference(_ name: String, to target: ObjectID, message: String) throws {
        var oid = target.raw
        var ref: OpaquePointer?
        try check(git_reference_create(&ref, pointer, name, &oid, 1, message), "update \(name)")
        git_reference_free(ref)
    }

    /// Removes the reference `name` (and its reflog); nothing when there is none.
    public func deleteReference(_ name: String) throws {
        let rc = git_reference_remove(pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return }
        try check(rc, "remove \(name)")
    }

    /// The short names of the local branches, sorted.
    public func localBranches() throws -> [String] {
        var iter: OpaquePointer?
        try check(git_branch_iterator_new(&iter, pointer, GIT_BRANCH_LOCAL), "list branches")
        defer { git_branch_iterator_free(iter) }
        var out: [String] = []
        var ref: OpaquePointer?
        var type = GIT_BRANCH_LOCAL
        while git_branch_next(&ref, &type, iter) == 0 {
            var name: UnsafePointer<CChar>?
            if git_branch_name(&name, ref) == 0, let name { out.append(String(cString: name)) }
            git_reference_free(ref)
        }
        return out.sorted()
    }

    /// How many commits `local` has that `upstream` lacks (ahead), and the reverse (behind).
    public func aheadBehind(local: ObjectID, upstream: ObjectID) throws -> (ahead: Int, behind: Int) {
        var ahead = 0
        var behind = 0
        var l = local.raw
        var u = upstream.raw
        try check(git_graph_ahead_behind(&ahead, &behind, pointer, &l, &u), "count commits ahead and behind")
        return (ahead, behind)
    }

    /// The best common ancestor of two commits, or nil when their histories are unrelated.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        var x = a.raw
        var y = b.raw
        let rc = git_merge_base(&out, pointer, &x, &y)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "find merge base of \(a.short) and \(b.short)")
        return ObjectID(out)
    }

    /// True when `commit` has `ancestor` in its history (a commit is not its own descendant).
    public func isDescendant(_ commit: ObjectID, of ancestor: ObjectID) throws -> Bool {
        var c = commit.raw
        var a = ancestor.raw
        return try check(git_graph_descendant_of(pointer, &c, &a), "compare \(commit.short) with \(ancestor.short)")
            == 1
    }
}
