internal import CLibGit2

/// One file that differs between two trees, with what each side holds.
public struct TreeFileChange: Sendable, Equatable {
    public var path: String
    /// The object at `path` in the old tree (nil: absent there), and its mode.
    public var oldID: ObjectID?
    public var oldMode: FileMode?
    /// The object at `path` in the new tree (nil: absent there), and its mode.
    public var newID: ObjectID?
    public var newMode: FileMode?

    public init(path: String, oldID: ObjectID?, oldMode: FileMode?, newID: ObjectID?, newMode: FileMode?) {
        self.path = path
        self.oldID = oldID
        self.oldMode = oldMode
        self.newID = newID
        self.newMode = newMode
    }

    /// The old side's blob id when it is a blob (a file or a link), else nil.
    public var oldBlob: ObjectID? { oldMode.flatMap { $0 == .gitlink || $0 == .directory ? nil : oldID } }
    /// The new side's blob id when it is a blob (a file or a link), else nil.
    public var newBlob: ObjectID? { newMode.flatMap { $0 == .gitlink || $0 == .directory ? nil : newID } }
}

extension Repository {
    /// The files that differ between two trees (either may be nil for the empty tree), each with
    /// the object id and mode on both sides, taken from the diff itself: no lookup by path. A
    /// type change (a file becoming a link) is one entry with both sides. Paths are those of the
    /// trees (no rename detection), sorted as git sorts them.
    public func changedFiles(from old: ObjectID?, to new: ObjectID?, under prefix: String? = nil)
        throws -> [TreeFileChange]
    {
        let oldTree = try old.map { id in try lookupTree(id) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try new.map { id in try lookupTree(id) }
        defer { if let newTree { git_tree_free(newTree) } }
        var opts = git_diff_options()
        try check(git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "diff options")
        opts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        let rc: Int32
        if let prefix {
            rc = prefix.withCString { p in
                var strings: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: p)]
                return strings.withUnsafeMutableBufferPointer { buf in
                    opts.pathspec = git_strarray(strings: buf.baseAddress, count: 1)
                    return git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &opts)
                }
            }
        } else {
            rc = git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &opts)
        }
        try check(rc, "diff trees")
        defer { git_diff_free(diff) }
        let n = git_diff_num_deltas(diff)
        var out: [TreeFileChange] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let d = git_diff_get_delta(diff, i) else { continue }
            let o = d.pointee.old_file
            let w = d.pointee.new_file
            let hasOld = d.pointee.status != GIT_DELTA_ADDED && o.mode != 0
            let hasNew = d.pointee.status != GIT_DELTA_DELETED && w.mode != 0
            out.append(
                TreeFileChange(
                    path: String(cString: hasNew ? w.path : o.path),
                    oldID: hasOld ? ObjectID(o.id) : nil, oldMode: hasOld ? FileMode(raw: UInt32(o.mode)) : nil,
                    newID: hasNew ? ObjectID(w.id) : nil, newMode: hasNew ? FileMode(raw: UInt32(w.mode)) : nil))
        }
        return out
    }
}
