internal import CLibGit2

#if canImport(Glibc)
    import Glibc
#endif

/// The staging area. Writes go through libgit2, which guards the index with `index.lock`.
public final class Index {
    let pointer: OpaquePointer
    // Keeps the repository alive as long as its index is in use.
    let repository: Repository

    /// True for an index opened by path, which libgit2 does not tie to the repository.
    let standalone: Bool

    init(pointer: OpaquePointer, repository: Repository, standalone: Bool = false) {
        self.pointer = pointer
        self.repository = repository
        self.standalone = standalone
    }

    deinit { git_index_free(pointer) }

    /// Re-reads the index from disk.
    public func reload() throws {
        try check(git_index_read(pointer, 1), "read index")
    }

    /// Re-reads the index from disk only if the file changed since it was last read (cheap when
    /// it did not: libgit2 compares the file's stamp and checksum).
    public func refresh() throws {
        try check(git_index_read(pointer, 0), "read index")
    }

    /// Stages every file matching `pathspecs`: new, modified and deleted ones (`git add -A`).
    public func addAll(_ pathspecs: [String]) throws {
        try withStrArray(pathspecs) { arr in
            try check(git_index_add_all(pointer, arr, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil), "stage files")
            try check(git_index_update_all(pointer, arr, nil, nil), "stage removals")
        }
    }

    /// Stages one file from the working tree.
    public func add(path: String) throws {
        try check(git_index_add_bypath(pointer, path), "stage \(path)")
    }

    /// Removes one path from the index.
    public func remove(path: String) throws {
        try check(git_index_remove_bypath(pointer, path), "unstage \(path)")
    }

    /// Writes the index back to disk (atomically, under `index.lock`).
    public func write() throws {
        try check(git_index_write(pointer), "write index")
    }

    /// Writes the index's content as a tree and returns its id.
    public func writeTree() throws -> ObjectID {
        var oid = git_oid()
        if standalone {
            try check(git_index_write_tree_to(&oid, pointer, repository.pointer), "write tree")
            return ObjectID(oid)
        }
        try check(git_index_write_tree(&oid, pointer), "write tree")
        return ObjectID(oid)
    }

    /// The tree of `base` with each of `paths` set to what the index stages for it, or removed where
    /// it stages nothing. When the index otherwise holds exactly `base`, this is the tree
    /// `writeTree()` returns, built by rewriting only the trees along `paths` (libgit2's write-tree
    /// re-reads every tree of the commit to rebuild its cache). Throws when a path is conflicted or
    /// cannot be updated; callers then fall back to `writeTree()`.
    public func tree(updating base: ObjectID, paths: [String]) throws -> ObjectID {
        let baseTree = try repository.lookupTree(base)
        defer { git_tree_free(baseTree) }
        let cPaths = paths.map { strdup($0) }
        defer { for p in cPaths { free(p) } }
        var updates: [git_tree_update] = []
        updates.reserveCapacity(paths.count)
        for (i, path) in paths.enumerated() {
            var update = git_tree_update()
            update.path = UnsafePointer(cPaths[i])
            if let entry = git_index_get_bypath(pointer, path, 0) {
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = entry.pointee.id
                update.filemode = git_filemode_t(entry.pointee.mode)
            } else {
                guard git_index_get_bypath(pointer, path, 1) == nil else {
                    throw GitError(code: .conflict, operation: "write tree", message: "\(path) is conflicted")
                }
                var gone: OpaquePointer?
                // Removing what the base does not hold is an error in libgit2: skip it.
                guard git_tree_entry_bypath(&gone, baseTree, path) == 0 else { continue }
                git_tree_entry_free(gone)
                update.action = GIT_TREE_UPDATE_REMOVE
            }
            updates.append(update)
        }
        var oid = git_oid()
        try check(git_tree_create_updated(&oid, repository.pointer, baseTree, updates.count, &updates), "write tree")
        return ObjectID(oid)
    }

    /// The staged mode of `path`, if it is staged.
    public func mode(path: String) -> FileMode? {
        guard let entry = git_index_get_bypath(pointer, path, 0) else { return nil }
        return FileMode(raw: entry.pointee.mode)
    }

    /// Unstages every entry below the directory `directory` (nothing when there is none).
    public func removeDirectory(_ directory: String) throws {
        try check(git_index_remove_directory(pointer, directory, 0), "unstage \(directory)")
    }

    /// The staged blob id of `path`, if any.
    public func blobID(path: String) -> ObjectID? {
        guard let entry = git_index_get_bypath(pointer, path, 0) else { return nil }
        return ObjectID(entry.pointee.id)
    }

    /// The SHA-1 trailer of the index file as last read or written: equal checksums mean equal
    /// indexes (nil when the index has never been on disk).
    public var checksum: ObjectID? {
        guard let oid = git_index_checksum(pointer) else { return nil }
        let id = ObjectID(oid.pointee)
        return id == ObjectID(bytes: [UInt8](repeating: 0, count: 20)) ? nil : id
    }

    public var hasConflicts: Bool { git_index_has_conflicts(pointer) == 1 }

    public var entryCount: Int { git_index_entrycount(pointer) }

    /// The staged entry of `path` (stage 0): its blob id and raw git mode; nil when not staged.
    public func entry(path: String) -> (id: ObjectID, mode: UInt32)? {
        guard let e = git_index_get_bypath(pointer, path, 0) else { return nil }
        return (ObjectID(e.pointee.id), e.pointee.mode)
    }

    /// Puts back a staged entry exactly (blob id and mode; the blob must exist), or removes it
    /// with nil. The stat data is left empty, so git re-reads the file when it next compares it.
    public func setEntry(path: String, _ value: (id: ObjectID, mode: UInt32)?) throws {
        guard let value else {
            if git_index_get_bypath(pointer, path, 0) != nil { try remove(path: path) }
            return
        }
        var e = git_index_entry()
        e.mode = value.mode
        e.id = value.id.raw
        try path.withCString { p in
            e.path = p
            try check(git_index_add(pointer, &e), "restore \(path) in the index")
        }
    }
}

extension Repository {
    /// The git directory (`.git`, or where a `.git` file points), without a trailing slash.
    public var gitDirectoryPath: String {
        var dir = String(cString: git_repository_path(pointer))
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        return dir
    }
}

extension Repository {
    /// Opens an index file by path (such as the temporary index git names in `GIT_INDEX_FILE`
    /// while it runs a pre-commit hook for `git commit -a` or `git commit PATH`). The index is
    /// read-only here: write its tree with `writeTree()`; never `write()` it.
    public func index(atPath path: String) throws -> Index {
        var idx: OpaquePointer?
        try check(git_index_open(&idx, path), "read index \(path)")
        return Index(pointer: idx!, repository: self, standalone: true)
    }
}
