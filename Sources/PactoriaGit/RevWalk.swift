internal import CLibGit2

extension Repository {
    /// Commits reachable from `head` but not from `hidden`, newest first (topological and by
    /// time, as `walk(from:)` orders them): libgit2's revwalk with `hidden` hidden, so only the
    /// commits of the range are visited (`git rev-list hidden..head`).
    public func commits(from head: ObjectID, hiding hidden: ObjectID) throws -> [CommitInfo] {
        var w: OpaquePointer?
        try check(git_revwalk_new(&w, pointer), "start history walk")
        defer { git_revwalk_free(w) }
        try check(
            git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history walk")
        var start = head.raw
        try check(git_revwalk_push(w, &start), "walk from \(head.short)")
        var hide = hidden.raw
        try check(git_revwalk_hide(w, &hide), "hide \(hidden.short) from the walk")
        var out: [CommitInfo] = []
        var oid = git_oid()
        while true {
            let rc = git_revwalk_next(&oid, w)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "walk history")
            out.append(try commit(ObjectID(oid)))
        }
        return out
    }

    /// Every best common ancestor of `a` and `b` (`git merge-base --all`): empty when they
    /// share no history.
    public func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] {
        var arr = git_oidarray()
        var x = a.raw
        var y = b.raw
        let rc = git_merge_bases(&arr, pointer, &x, &y)
        if rc == GIT_ENOTFOUND.rawValue { return [] }
        try check(rc, "find the merge base of \(a.short) and \(b.short)")
        defer { git_oidarray_dispose(&arr) }
        return (0..<arr.count).map { ObjectID(arr.ids[$0]) }
    }
}
