internal import CLibGit2
import Foundation

/// A git repository with a working tree, owned through libgit2.
///
/// Objects read from it (commits, trees, blobs) are copied out as Swift values, so nothing
/// here outlives the repository handle, which is freed when the last reference goes.
public final class Repository {
    let pointer: OpaquePointer

    /// The working directory, with a trailing slash stripped.
    public let workdir: String

    /// When set, tree diffs go through libgit2's diff, which reads every entry of both trees,
    /// instead of skipping folders with the same id, and a check reads and parses every changed
    /// contract again instead of remembering it within the run (tests compare the two paths).
    package var readsEveryEntry = false

    /// Takes ownership of a `git_repository` handle (freed with this object).
    init(pointer: OpaquePointer) {
        self.pointer = pointer
        var dir = git_repository_workdir(pointer).map { String(cString: $0) } ?? ""
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        self.workdir = dir
    }

    deinit { git_repository_free(pointer) }

    /// Opens the repository whose working tree is exactly `path` (no upward search).
    public static func open(at path: String) throws -> Repository {
        Libgit2.ensure()
        var repo: OpaquePointer?
        try check(
            git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
            "open repository at \(path)")
        let r = Repository(pointer: repo!)
        if git_repository_is_bare(repo!) == 1 {
            throw GitError(
                code: .other(-1), operation: "open repository at \(path)", message: "it is a bare repository")
        }
        return r
    }

    /// Creates a repository at `path`, or opens the one already there.
    public static func initialize(at path: String, initialBranch: String = "main") throws -> Repository {
        Libgit2.ensure()
        var repo: OpaquePointer?
        var opts = git_repository_init_options()
        try check(
            git_repository_init_options_init(&opts, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "init options")
        opts.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        return try initialBranch.withCString { branch in
            opts.initial_head = branch
            try check(git_repository_init_ext(&repo, path, &opts), "initialise repository at \(path)")
            return Repository(pointer: repo!)
        }
    }

    /// True when `path` is the working tree root of a git repository.
    public static func exists(at path: String) -> Bool {
        Libgit2.ensure()
        var repo: OpaquePointer?
        let rc = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if rc == 0 { git_repository_free(repo) }
        return rc == 0
    }

    // MARK: - References

    /// The commit HEAD points at, or nil on an unborn branch.
    public func headCommitID() throws -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, "HEAD")
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue { return nil }
        try check(rc, "resolve HEAD")
        return ObjectID(oid)
    }

    /// The short name of the branch HEAD points at (even when unborn), or nil when detached.
    public func currentBranch() -> String? {
        var ref: OpaquePointer?
        guard git_reference_lookup(&ref, pointer, "HEAD") == 0 else { return nil }
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(ref)
        else { return nil }
        let name = String(cString: target)
        return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
    }

    /// Resolves a revision expression (`HEAD~2`, a branch, a full or short id) to a commit id.
    public func resolveCommit(_ spec: String) throws -> ObjectID {
        var obj: OpaquePointer?
        try check(git_revparse_single(&obj, pointer, spec), "resolve revision '\(spec)'")
        defer { git_object_free(obj) }
        var commit: OpaquePointer?
        try check(git_object_peel(&commit, obj, GIT_OBJECT_COMMIT), "resolve revision '\(spec)' to a commit")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit)!)
    }

    // MARK: - Objects

    /// Reads a commit's metadata.
    public func commit(_ id: ObjectID) throws -> CommitInfo {
        let c = try lookupCommit(id)
        defer { git_commit_free(c) }
        return CommitInfo(c)
    }

    func lookupCommit(_ id: ObjectID) throws -> OpaquePointer {
        var oid = id.raw
        var c: OpaquePointer?
        try check(git_commit_lookup(&c, pointer, &oid), "read commit \(id.short)")
        return c!
    }

    /// The tree id of a commit.
    public func treeID(ofCommit id: ObjectID) throws -> ObjectID {
        let c = try lookupCommit(id)
        defer { git_commit_free(c) }
        return ObjectID(git_commit_tree_id(c)!)
    }

    /// The blob id at `path` in `tree`, or nil when there is no file there.
    public func blobID(inTree tree: ObjectID, path: String) throws -> ObjectID? {
        let t = try lookupTree(tree)
        defer { git_tree_free(t) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, t, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "look up \(path)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(git_tree_entry_id(entry)!)
    }

    /// The bytes of a blob, as the repository's blob filter reads them (`BlobFilter.read`: a
    /// sealed contract unsealed) when one is set.
    public func blob(_ id: ObjectID) throws -> [UInt8] {
        let bytes = try rawBlob(id)
        if !BlobFilterRegistry.shared.isEmpty, let f = blobFilter, let out = try f.read(content: bytes) { return out }
        return bytes
    }

    /// The bytes of a blob exactly as stored.
    public func rawBlob(_ id: ObjectID) throws -> [UInt8] {
        var oid = id.raw
        var b: OpaquePointer?
        try check(git_blob_lookup(&b, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(b) }
        let size = Int(git_blob_rawsize(b))
        guard size > 0, let raw = git_blob_rawcontent(b) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The file at `path` as of `commit`, or nil when it did not exist there.
    public func file(at commit: ObjectID, path: String) throws -> [UInt8]? {
        let tree = try treeID(ofCommit: commit)
        guard let blob = try blobID(inTree: tree, path: path) else { return nil }
        return try self.blob(blob)
    }

    /// Every blob below `directory` in `tree` (recursively), as path → blob id.
    public func files(inTree tree: ObjectID, under directory: String) throws -> [String: ObjectID] {
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        var start: OpaquePointer? = root
        var subtree: OpaquePointer?
        let prefix = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        if !prefix.isEmpty {
            var entry: OpaquePointer?
            let rc = git_tree_entry_bypath(&entry, root, prefix)
            if rc == GIT_ENOTFOUND.rawValue { return [:] }
            try check(rc, "look up \(prefix)")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [:] }
            var oid = git_tree_entry_id(entry)!.pointee
            try check(git_tree_lookup(&subtree, pointer, &oid), "read tree \(prefix)")
            start = subtree
        }
        defer { if let subtree { git_tree_free(subtree) } }
        final class Box {
            var out: [String: ObjectID] = [:]
            let base: String
            init(base: String) { self.base = base }
        }
        let box = Box(base: prefix.isEmpty ? "" : prefix + "/")
        let rc = git_tree_walk(
            start, GIT_TREEWALK_PRE,
            { root, entry, payload in
                guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
                let dir = root.map { String(cString: $0) } ?? ""
                let name = String(cString: git_tree_entry_name(entry))
                box.out[box.base + dir + name] = ObjectID(git_tree_entry_id(entry)!)
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
        try check(rc, "walk tree")
        return box.out
    }

    /// The mode of the entry at `path` in `tree`; nil when there is none.
    public func mode(inTree tree: ObjectID, path: String) throws -> FileMode? {
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, root, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "look up \(path)")
        defer { git_tree_entry_free(entry) }
        return FileMode(raw: git_tree_entry_filemode(entry).rawValue)
    }

    /// Every entry of `tree` (recursively) that is neither a directory nor a plain file: symbolic
    /// links, submodule links and unknown modes, as path → mode.
    public func nonPlainEntries(inTree tree: ObjectID) throws -> [(path: String, mode: FileMode)] {
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        final class Box { var out: [(String, FileMode)] = [] }
        let box = Box()
        let rc = git_tree_walk(
            root, GIT_TREEWALK_PRE,
            { dir, entry, payload in
                guard let entry, let payload else { return 0 }
                let mode = FileMode(raw: git_tree_entry_filemode(entry).rawValue)
                if mode == .directory || mode.isPlainFile { return 0 }
                let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
                box.out.append(
                    ((dir.map { String(cString: $0) } ?? "") + String(cString: git_tree_entry_name(entry)), mode))
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
        try check(rc, "walk tree")
        return box.out.map { (path: $0.0, mode: $0.1) }
    }

    /// The entries directly inside the directory `path` of `tree` ("" for the root): name, id, and
    /// whether it is a directory. Empty when there is no such directory.
    public func directoryEntries(inTree tree: ObjectID, path: String) throws -> [(
        name: String, id: ObjectID, isDirectory: Bool
    )] {
        if path.isEmpty { return try directoryEntries(ofTree: tree) }
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, root, path)
        if rc == GIT_ENOTFOUND.rawValue { return [] }
        try check(rc, "look up \(path)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [] }
        return try directoryEntries(ofTree: ObjectID(git_tree_entry_id(entry)!))
    }

    /// The entries of the tree `tree` itself: name, id, and whether each is a directory.
    public func directoryEntries(ofTree tree: ObjectID) throws -> [(name: String, id: ObjectID, isDirectory: Bool)] {
        let t = try lookupTree(tree)
        defer { git_tree_free(t) }
        var out: [(String, ObjectID, Bool)] = []
        let n = git_tree_entrycount(t)
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let e = git_tree_entry_byindex(t, i) else { continue }
            out.append(
                (
                    String(cString: git_tree_entry_name(e)), ObjectID(git_tree_entry_id(e)!),
                    git_tree_entry_type(e) == GIT_OBJECT_TREE
                ))
        }
        return out
    }

    /// True when `path` (relative to the working tree) is ignored by .gitignore rules.
    public func isIgnored(_ path: String) -> Bool {
        var ignored: Int32 = 0
        return git_ignore_path_is_ignored(&ignored, pointer, path) == 0 && ignored == 1
    }

    func lookupTree(_ id: ObjectID) throws -> OpaquePointer {
        var oid = id.raw
        var t: OpaquePointer?
        try check(git_tree_lookup(&t, pointer, &oid), "read tree \(id.short)")
        return t!
    }

    // MARK: - Config

    /// The signature from git's configuration (`user.name`, `user.email`), if set.
    public func defaultSignature() -> Signature? {
        var sig: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&sig, pointer) == 0, let sig else { return nil }
        defer { git_signature_free(sig) }
        return Signature(sig)
    }

    /// Sets a value in the repository's own configuration (`.git/config`).
    public func setConfig(_ name: String, _ value: String) throws {
        var cfg: OpaquePointer?
        try check(git_repository_config(&cfg, pointer), "open config")
        defer { git_config_free(cfg) }
        try check(git_config_set_string(cfg, name, value), "set \(name)")
    }

    // MARK: - Commits

    /// Writes a commit of `tree` on top of `parents` and moves HEAD (and its branch) to it.
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String
    ) throws -> ObjectID {
        try commitObject(
            tree: tree, parents: parents, author: author, committer: committer, message: message, updating: "HEAD")
    }

    /// Writes a commit object, moving the reference `updating` to it when one is given.
    func commitObject(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String,
        updating ref: String?
    ) throws -> ObjectID {
        let t = try lookupTree(tree)
        defer { git_tree_free(t) }
        var parentPointers: [OpaquePointer?] = []
        defer { for p in parentPointers { git_commit_free(p) } }
        for p in parents { parentPointers.append(try lookupCommit(p)) }
        var oid = git_oid()
        _ = try author.withRaw { (a: UnsafeMutablePointer<git_signature>) in
            try committer.withRaw { (c: UnsafeMutablePointer<git_signature>) in
                try parentPointers.withUnsafeMutableBufferPointer { buf in
                    try check(
                        git_commit_create(&oid, pointer, ref, a, c, "UTF-8", message, t, buf.count, buf.baseAddress),
                        ref == nil ? "write commit" : "create commit")
                }
            }
        }
        return ObjectID(oid)
    }

    /// Walks commits reachable from `start`, newest first (topological and by time).
    public func walk(from start: ObjectID, firstParentOnly: Bool = false) throws -> CommitSequence {
        try CommitSequence(repository: self, start: start, firstParentOnly: firstParentOnly)
    }

    // MARK: - Diffs

    /// The files that differ between two trees (either may be nil for the empty tree). Folders
    /// with the same tree id on both sides are skipped unread (see `changedFiles`).
    public func changedPaths(from old: ObjectID?, to new: ObjectID?, under prefix: String? = nil)
        throws -> [TreeChange]
    {
        if !readsEveryEntry, let fast = try changedPathsSkipping(from: old, to: new, under: prefix) { return fast }
        return try libgit2ChangedPaths(from: old, to: new, under: prefix)
    }

    /// `changedPaths` through libgit2's diff, which reads every entry of both trees (the
    /// reference, and the fallback for trees not in git's canonical form).
    package func libgit2ChangedPaths(from old: ObjectID?, to new: ObjectID?, under prefix: String? = nil)
        throws -> [TreeChange]
    {
        try withLibgit2Diff(from: old, to: new, under: prefix, typeChanges: false) { diff in
            libgit2Paths(diff)
        }
    }

    private func libgit2Paths(_ diff: OpaquePointer?) -> [TreeChange] {
        var out: [TreeChange] = []
        let n = git_diff_num_deltas(diff)
        for i in 0..<n {
            guard let d = git_diff_get_delta(diff, i) else { continue }
            let oldPath = String(cString: d.pointee.old_file.path)
            let newPath = String(cString: d.pointee.new_file.path)
            let kind: TreeChange.Kind
            switch d.pointee.status {
            case GIT_DELTA_ADDED: kind = .added
            case GIT_DELTA_DELETED: kind = .deleted
            default: kind = .modified
            }
            out.append(TreeChange(kind: kind, oldPath: oldPath, newPath: newPath))
        }
        return out
    }

    /// libgit2's tree-to-tree diff of `old` and `new` (limited to `prefix`), handed to `body`
    /// and freed after it; with `typeChanges`, a file becoming a link is one delta, not two.
    func withLibgit2Diff<R>(
        from old: ObjectID?, to new: ObjectID?, under prefix: String?, typeChanges: Bool,
        _ body: (OpaquePointer?) -> R
    ) throws -> R {
        let oldTree = try old.map { id in try lookupTree(id) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try new.map { id in try lookupTree(id) }
        defer { if let newTree { git_tree_free(newTree) } }
        var opts = git_diff_options()
        try check(git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "diff options")
        if typeChanges { opts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue }
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
        return body(diff)
    }

    // MARK: - Index

    /// Opens the repository's index (staging area).
    public func index() throws -> Index {
        var idx: OpaquePointer?
        try check(git_repository_index(&idx, pointer), "open index")
        return Index(pointer: idx!, repository: self)
    }

    /// Working-tree and index status of files below `pathspecs` (all files when empty).
    ///
    /// Like `git status`, it refreshes the index's cached stat data for files found unchanged (so the
    /// next call need not re-read them), unless another process holds the index lock.
    public func status(pathspecs: [String] = [], includeUntracked: Bool = true) throws -> [StatusEntry] {
        do {
            return try status(pathspecs: pathspecs, includeUntracked: includeUntracked, updateIndex: true)
        } catch let e as GitError where e.code == .locked {
            return try status(pathspecs: pathspecs, includeUntracked: includeUntracked, updateIndex: false)
        }
    }

    func status(pathspecs: [String], includeUntracked: Bool, updateIndex: Bool) throws -> [StatusEntry] {
        var opts = git_status_options()
        try check(git_status_options_init(&opts, UInt32(GIT_STATUS_OPTIONS_VERSION)), "status options")
        opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        var flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        if includeUntracked {
            flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        }
        if updateIndex { flags |= GIT_STATUS_OPT_UPDATE_INDEX.rawValue }
        opts.flags = flags
        var list: OpaquePointer?
        try withStrArray(pathspecs) { arr in
            if let arr { opts.pathspec = arr.pointee }
            try check(git_status_list_new(&list, pointer, &opts), "read status")
        }
        defer { git_status_list_free(list) }
        var out: [StatusEntry] = []
        let count = git_status_list_entrycount(list)
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_status_byindex(list, i) else { continue }
            let flags = e.pointee.status.rawValue
            let delta = e.pointee.index_to_workdir ?? e.pointee.head_to_index
            guard let delta else { continue }
            let path = String(cString: delta.pointee.new_file.path ?? delta.pointee.old_file.path)
            out.append(StatusEntry(path: path, flags: StatusFlags(rawValue: flags)))
        }
        return out
    }

    /// True when the repository has unmerged paths or an operation in progress.
    public var isMidOperation: Bool { git_repository_state(pointer) != GIT_REPOSITORY_STATE_NONE.rawValue }
}

/// Runs `body` with a `git_strarray` view of `strings` (nil when empty).
func withStrArray<T>(_ strings: [String], _ body: (UnsafeMutablePointer<git_strarray>?) throws -> T) rethrows -> T

{
    if strings.isEmpty { return try body(nil) }
    var cStrings: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for p in cStrings { free(p) } }
    return try cStrings.withUnsafeMutableBufferPointer { buf in
        var arr = git_strarray(strings: buf.baseAddress, count: buf.count)
        return try body(&arr)
    }
}

/// A file that differs between two trees.
public struct TreeChange: Sendable, Equatable {
    public enum Kind: Sendable { case added, deleted, modified }
    public var kind: Kind
    public var oldPath: String
    public var newPath: String
}

/// Status flags of one path, as git reports them.
public struct StatusFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let indexNew = StatusFlags(rawValue: GIT_STATUS_INDEX_NEW.rawValue)
    public static let indexModified = StatusFlags(rawValue: GIT_STATUS_INDEX_MODIFIED.rawValue)
    public static let indexDeleted = StatusFlags(rawValue: GIT_STATUS_INDEX_DELETED.rawValue)
    public static let indexRenamed = StatusFlags(rawValue: GIT_STATUS_INDEX_RENAMED.rawValue)
    public static let workdirNew = StatusFlags(rawValue: GIT_STATUS_WT_NEW.rawValue)
    public static let workdirModified = StatusFlags(rawValue: GIT_STATUS_WT_MODIFIED.rawValue)
    public static let workdirDeleted = StatusFlags(rawValue: GIT_STATUS_WT_DELETED.rawValue)
    public static let workdirRenamed = StatusFlags(rawValue: GIT_STATUS_WT_RENAMED.rawValue)
    public static let conflicted = StatusFlags(rawValue: GIT_STATUS_CONFLICTED.rawValue)
    public static let ignored = StatusFlags(rawValue: GIT_STATUS_IGNORED.rawValue)
}

/// One path that differs from HEAD in the index or the working tree.
public struct StatusEntry: Sendable, Equatable {
    public var path: String
    public var flags: StatusFlags

    public init(path: String, flags: StatusFlags) {
        self.path = path
        self.flags = flags
    }

    /// Not in HEAD and not staged.
    public var isUntracked: Bool { flags.contains(.workdirNew) && !flags.contains(.indexNew) }
}
