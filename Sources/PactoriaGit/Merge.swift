internal import CLibGit2
import Foundation

/// How a merge of `theirs` into our head can proceed.
public enum MergeAnalysis: Sendable, Equatable {
    /// Their commit is already in our history: nothing to do.
    case upToDate
    /// Our head is in their history (or we have no commits): move our branch to theirs.
    case fastForward
    /// Both sides have commits of their own: a real merge is needed.
    case normal
}

/// An operation in progress in the repository, as `git status` reports it.
public enum RepositoryState: Sendable, Equatable {
    case none
    case merge
    case revert
    case cherryPick
    case bisect
    case rebase
    case applyMailbox
}

/// One conflicted path of a merge: the blob each side has there (nil where that side has no file).
public struct MergeConflict: Sendable, Equatable {
    public var path: String
    public var ancestor: ObjectID?
    public var ours: ObjectID?
    public var theirs: ObjectID?

    public init(path: String, ancestor: ObjectID?, ours: ObjectID?, theirs: ObjectID?) {
        self.path = path
        self.ancestor = ancestor
        self.ours = ours
        self.theirs = theirs
    }
}

/// Names shown on conflict markers (`<<<<<<< ours`, `||||||| base`, `>>>>>>> theirs`).
public struct MergeLabels: Sendable, Equatable {
    public var ancestor: String
    public var ours: String
    public var theirs: String

    public init(ancestor: String = "base", ours: String = "ours", theirs: String = "theirs") {
        self.ancestor = ancestor
        self.ours = ours
        self.theirs = theirs
    }
}

/// The result of a three-way text merge.
public struct TextMergeResult: Sendable, Equatable {
    /// The merged text, with conflict markers where both sides changed the same lines.
    public var text: [UInt8]
    /// True when the text contains conflict markers.
    public var hasConflicts: Bool
}

/// Three-way merges of texts, computed by libgit2 (no repository needed).
public enum TextMerge {
    /// Merges `ours` and `theirs` against their common `ancestor` (nil for a file both sides added).
    /// With `diff3`, conflicts also show the ancestor's lines.
    public static func mergeFile(
        ancestor: [UInt8]?, ours: [UInt8], theirs: [UInt8], labels: MergeLabels = MergeLabels(),
        diff3: Bool = false
    ) throws -> TextMergeResult {
        Libgit2.ensure()
        var opts = git_merge_file_options()
        try check(git_merge_file_options_init(&opts, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "merge options")
        opts.flags = diff3 ? GIT_MERGE_FILE_STYLE_DIFF3.rawValue : GIT_MERGE_FILE_STYLE_MERGE.rawValue
        var result = git_merge_file_result()
        try withInput(ancestor) { a in
            try withInput(ours) { o in
                try withInput(theirs) { t in
                    try labels.ancestor.withCString { al in
                        try labels.ours.withCString { ol in
                            try labels.theirs.withCString { tl in
                                opts.ancestor_label = al
                                opts.our_label = ol
                                opts.their_label = tl
                                try check(git_merge_file(&result, a, o!, t!, &opts), "merge text")
                            }
                        }
                    }
                }
            }
        }
        defer { git_merge_file_result_free(&result) }
        let text = result.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: result.len)) } ?? []
        return TextMergeResult(text: text, hasConflicts: result.automergeable == 0)
    }

    private static func withInput(
        _ bytes: [UInt8]?, _ body: (UnsafeMutablePointer<git_merge_file_input>?) throws -> Void
    ) throws {
        guard let bytes else { return try body(nil) }
        var input = git_merge_file_input()
        try check(git_merge_file_input_init(&input, UInt32(GIT_MERGE_FILE_INPUT_VERSION)), "merge input")
        // An empty buffer still needs a valid pointer; a zero size keeps it unread.
        let storage = bytes.isEmpty ? [0] : bytes
        try storage.withUnsafeBufferPointer { buf in
            try buf.withMemoryRebound(to: CChar.self) { chars in
                input.ptr = chars.baseAddress
                input.size = bytes.count
                input.mode = 0o100644
                try body(&input)
            }
        }
    }
}

/// The outcome of a tree merge: an in-memory index holding the merged entries, with conflicted
/// paths recorded at their three stages. Resolve conflicts with `resolve(path:with:)`, then write
/// a tree with `writeTree()` or put the result in the working tree with `Repository.checkout(_:)`.
public final class MergeResult {
    let pointer: OpaquePointer
    // Keeps the repository alive as long as the index that refers to its objects.
    let repository: Repository

    init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_index_free(pointer) }

    /// True while a path is unresolved.
    public var hasConflicts: Bool { git_index_has_conflicts(pointer) == 1 }

    /// The unresolved paths, sorted, each with its ancestor, our and their blob ids.
    public func conflicts() throws -> [MergeConflict] { try conflictList(pointer) }

    /// The merged (stage 0) entries: path to blob id.
    public func cleanEntries() -> [String: ObjectID] { stageZeroEntries(pointer) }

    /// Marks `path` resolved with the blob `id` (nil to resolve by deleting the file).
    public func resolve(path: String, with id: ObjectID?, executable: Bool = false) throws {
        try resolveEntry(pointer, path: path, with: id, executable: executable)
    }

    /// Writes the merged tree into the object database. Throws `.conflict` while paths are unresolved.
    public func writeTree() throws -> ObjectID {
        guard !hasConflicts else {
            throw GitError(
                code: .conflict, operation: "write merged tree", message: "the merge has unresolved conflicts")
        }
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, pointer, repository.pointer), "write merged tree")
        return ObjectID(oid)
    }
}

func conflictList(_ index: OpaquePointer) throws -> [MergeConflict] {
    var iter: OpaquePointer?
    try check(git_index_conflict_iterator_new(&iter, index), "list conflicts")
    defer { git_index_conflict_iterator_free(iter) }
    var out: [MergeConflict] = []
    var a: UnsafePointer<git_index_entry>?
    var o: UnsafePointer<git_index_entry>?
    var t: UnsafePointer<git_index_entry>?
    while git_index_conflict_next(&a, &o, &t, iter) == 0 {
        guard let any = a ?? o ?? t else { continue }
        out.append(
            MergeConflict(
                path: String(cString: any.pointee.path), ancestor: a.map { ObjectID($0.pointee.id) },
                ours: o.map { ObjectID($0.pointee.id) }, theirs: t.map { ObjectID($0.pointee.id) }))
    }
    return out.sorted { $0.path < $1.path }
}

func stageZeroEntries(_ index: OpaquePointer) -> [String: ObjectID] {
    var out: [String: ObjectID] = [:]
    for i in 0..<git_index_entrycount(index) {
        guard let e = git_index_get_byindex(index, i), git_index_entry_stage(e) == 0 else { continue }
        out[String(cString: e.pointee.path)] = ObjectID(e.pointee.id)
    }
    return out
}

func resolveEntry(_ index: OpaquePointer, path: String, with id: ObjectID?, executable: Bool) throws {
    let rc = git_index_conflict_remove(index, path)
    if rc != GIT_ENOTFOUND.rawValue { try check(rc, "resolve \(path)") }
    guard let id else {
        let rc = git_index_remove(index, path, 0)
        if rc != GIT_ENOTFOUND.rawValue { try check(rc, "remove \(path)") }
        return
    }
    var entry = git_index_entry()
    entry.mode = executable ? 0o100755 : 0o100644
    entry.id = id.raw
    try path.withCString { p in
        entry.path = p
        try check(git_index_add(index, &entry), "stage \(path)")
    }
}

extension Index {
    /// The unresolved paths in the staging area (as after a merge with conflicts), sorted.
    public func conflicts() throws -> [MergeConflict] { try conflictList(pointer) }

    /// Marks `path` resolved in the staging area with the blob `id` (nil: resolved as deleted).
    /// The working-tree file is not touched; `add(path:)` stages the file as it is instead.
    public func resolve(path: String, with id: ObjectID?, executable: Bool = false) throws {
        try resolveEntry(pointer, path: path, with: id, executable: executable)
    }
}

extension Repository {
    // MARK: - Merge

    /// Whether merging `theirs` into `ourHead` is a no-op, a fast-forward or a real merge.
    /// `ourHead` nil (an unborn branch) is a fast-forward.
    public func mergeAnalysis(ourHead: ObjectID?, theirs: ObjectID) throws -> MergeAnalysis {
        guard let ours = ourHead else { return .fastForward }
        if try ours == theirs || isDescendant(ours, of: theirs) { return .upToDate }
        if try isDescendant(theirs, of: ours) { return .fastForward }
        return .normal
    }

    /// Merges two commits or trees against `ancestor` (a commit or tree; nil for none) in memory:
    /// neither the index nor the working tree changes.
    public func mergeTrees(ancestor: ObjectID?, ours: ObjectID, theirs: ObjectID) throws -> MergeResult {
        let a = try ancestor.map { try peelToTree($0) }
        defer { if let a { git_tree_free(a) } }
        let o = try peelToTree(ours)
        defer { git_tree_free(o) }
        let t = try peelToTree(theirs)
        defer { git_tree_free(t) }
        var opts = git_merge_options()
        try check(git_merge_options_init(&opts, UInt32(GIT_MERGE_OPTIONS_VERSION)), "merge options")
        var index: OpaquePointer?
        try check(git_merge_trees(&index, pointer, a, o, t, &opts), "merge trees")
        return MergeResult(pointer: index!, repository: self)
    }

    /// Merges two commits in memory, against their merge base.
    public func mergeCommits(ours: ObjectID, theirs: ObjectID) throws -> MergeResult {
        let o = try lookupCommit(ours)
        defer { git_commit_free(o) }
        let t = try lookupCommit(theirs)
        defer { git_commit_free(t) }
        var opts = git_merge_options()
        try check(git_merge_options_init(&opts, UInt32(GIT_MERGE_OPTIONS_VERSION)), "merge options")
        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, o, t, &opts), "merge \(theirs.short) into \(ours.short)")
        return MergeResult(pointer: index!, repository: self)
    }

    /// Stores `bytes` as a blob and returns its id.
    public func createBlob(_ bytes: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        _ = try bytes.withUnsafeBytes { buf in
            try check(git_blob_create_from_buffer(&oid, pointer, buf.baseAddress, buf.count), "write blob")
        }
        return ObjectID(oid)
    }

    /// Puts a merge result into the staging area (conflicts recorded at their stages, so `git status`
    /// shows them as unmerged) and the working tree (conflicted text files get conflict markers).
    ///
    /// Safe: a file with local changes the merge would overwrite stops the checkout with a
    /// `.conflict` error before anything is written.
    ///
    /// `onFile` is called with each path as the checkout writes or removes it.
    public func checkout(
        _ merge: MergeResult, labels: MergeLabels = MergeLabels(), onFile: ((String) -> Void)? = nil
    ) throws {
        let box = CheckoutFileBox(onFile)
        try withExtendedLifetime(box) {
            try labels.ancestor.withCString { al in
                try labels.ours.withCString { ol in
                    try labels.theirs.withCString { tl in
                        var opts = try checkoutOptions(
                            GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_ALLOW_CONFLICTS.rawValue
                                | GIT_CHECKOUT_CONFLICT_STYLE_MERGE.rawValue)
                        opts.ancestor_label = al
                        opts.our_label = ol
                        opts.their_label = tl
                        box.install(&opts)
                        try check(git_checkout_index(pointer, merge.pointer, &opts), "check out merge result")
                    }
                }
            }
        }
    }

    /// Updates the working tree and index to the tree of `commit` (a commit or tree id) without
    /// moving HEAD. Safe unless `force`: local changes that would be overwritten stop it with
    /// `.conflict`.
    public func checkoutTree(_ commit: ObjectID, force: Bool = false, onFile: ((String) -> Void)? = nil) throws {
        let obj = try lookupObject(commit)
        defer { git_object_free(obj) }
        var opts = try checkoutOptions(force ? GIT_CHECKOUT_FORCE.rawValue : GIT_CHECKOUT_SAFE.rawValue)
        let box = CheckoutFileBox(onFile)
        try withExtendedLifetime(box) {
            box.install(&opts)
            try check(git_checkout_tree(pointer, obj, &opts), "check out \(commit.short)")
        }
    }

    /// Puts exactly `paths` back as they are in `commit` (a commit or tree; nil: the empty tree),
    /// in the index and the working tree: files the commit lacks are removed, tracked or not;
    /// any conflict recorded for them is dropped. Other paths are not touched.
    public func restore(paths: [String], from commit: ObjectID?) throws {
        guard !paths.isEmpty else { return }
        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer), "read index")
        defer { git_index_free(index) }
        for p in paths {
            let rc = git_index_conflict_remove(index, p)
            if rc != GIT_ENOTFOUND.rawValue { try check(rc, "resolve \(p)") }
            if commit == nil {
                let rc = git_index_remove(index, p, 0)
                if rc != GIT_ENOTFOUND.rawValue { try check(rc, "unstage \(p)") }
            }
        }
        try check(git_index_write(index), "write index")
        guard let commit else {
            for p in paths { unlink(workdirPath + p) }
            return
        }
        let obj = try lookupObject(commit)
        defer { git_object_free(obj) }
        var opts = try checkoutOptions(
            GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_REMOVE_UNTRACKED.rawValue
                | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH.rawValue)
        try withStrArray(paths) { arr in
            opts.paths = arr!.pointee
            try check(git_checkout_tree(pointer, obj, &opts), "restore \(paths.count) files from \(commit.short)")
        }
    }

    /// The working directory, with a trailing slash.
    var workdirPath: String {
        guard let p = git_repository_workdir(pointer) else { return "" }
        var dir = String(cString: p)
        if !dir.hasSuffix("/") { dir += "/" }
        return dir
    }

    /// Fast-forwards `branch` (short name or `refs/heads/...`; it may be unborn) to `target`: checks
    /// out the target's tree safely (local changes in the way stop it with `.conflict`, nothing
    /// moved), then moves the branch and points HEAD at it. Throws `.nonFastForward` when the branch
    /// has commits `target` lacks.
    public func fastForward(
        branch: String, to target: ObjectID, onFile: ((String) -> Void)? = nil, afterCheckout: (() -> Void)? = nil
    ) throws {
        let refname = branch.hasPrefix("refs/") ? branch : "refs/heads/\(branch)"
        if let current = try referenceTarget(refname), current != target, try !isDescendant(target, of: current) {
            throw GitError(
                code: .nonFastForward, operation: "fast-forward \(branch)",
                message: "\(target.short) does not contain \(current.short)")
        }
        try checkoutTree(target, onFile: onFile)
        afterCheckout?()
        try setReference(refname, to: target, message: "fast-forward to \(target.short)")
        var head: OpaquePointer?
        let isHead =
            git_reference_lookup(&head, pointer, "HEAD") == 0
            && git_reference_symbolic_target(head).map { String(cString: $0) } == refname
        git_reference_free(head)
        if !isHead { try check(git_repository_set_head(pointer, refname), "point HEAD at \(refname)") }
    }

    /// Moves HEAD's branch to `commit` and makes the index and working tree match it, discarding
    /// local changes to tracked files (`git reset --hard`, as `merge --abort` needs).
    public func resetHard(to commit: ObjectID) throws {
        let obj = try lookupObject(commit)
        defer { git_object_free(obj) }
        var opts = try checkoutOptions(GIT_CHECKOUT_FORCE.rawValue)
        try check(git_reset(pointer, obj, GIT_RESET_HARD, &opts), "reset to \(commit.short)")
    }

    // MARK: - Merge state

    /// Records a merge of `theirs` in progress (`MERGE_HEAD`, `MERGE_MSG`, `MERGE_MODE`, `ORIG_HEAD`),
    /// so `repositoryState` is `.merge` and `git commit` would make a merge commit.
    public func beginMerge(theirs: ObjectID, message: String) throws {
        let dir = gitDirectory
        var files = [
            ("MERGE_HEAD", theirs.hex + "\n"),
            ("MERGE_MSG", message.hasSuffix("\n") ? message : message + "\n"),
            ("MERGE_MODE", ""),
        ]
        if let head = try headCommitID() { files.append(("ORIG_HEAD", head.hex + "\n")) }
        for (name, text) in files {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: dir + name), options: .atomic)
            } catch {
                throw GitError(
                    code: .other(-1), operation: "record merge state", message: "cannot write \(name): \(error)")
            }
        }
    }

    /// The operation in progress, if any.
    public var repositoryState: RepositoryState {
        switch UInt32(bitPattern: git_repository_state(pointer)) {
        case GIT_REPOSITORY_STATE_NONE.rawValue: return .none
        case GIT_REPOSITORY_STATE_MERGE.rawValue: return .merge
        case GIT_REPOSITORY_STATE_REVERT.rawValue, GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue: return .revert
        case GIT_REPOSITORY_STATE_CHERRYPICK.rawValue, GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue:
            return .cherryPick
        case GIT_REPOSITORY_STATE_BISECT.rawValue: return .bisect
        case GIT_REPOSITORY_STATE_APPLY_MAILBOX.rawValue: return .applyMailbox
        default: return .rebase
        }
    }

    /// The commits being merged in (`MERGE_HEAD`); empty when no merge is in progress.
    public func mergeHeads() throws -> [ObjectID] {
        final class Box { var ids: [ObjectID] = [] }
        let box = Box()
        let rc = git_repository_mergehead_foreach(
            pointer,
            { oid, payload in
                guard let oid, let payload else { return 0 }
                Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue().ids.append(ObjectID(oid))
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
        if rc == GIT_ENOTFOUND.rawValue { return [] }
        try check(rc, "read MERGE_HEAD")
        return box.ids
    }

    /// The prepared commit message (`MERGE_MSG`), or nil when there is none.
    public func mergeMessage() throws -> String? {
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        let rc = git_repository_message(&buf, pointer)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "read MERGE_MSG")
        return buf.ptr.map { String(cString: $0) }
    }

    /// Ends the operation in progress: removes `MERGE_HEAD`, `MERGE_MSG` and the like (the index
    /// and the working tree are left as they are).
    public func cleanupState() throws {
        try check(git_repository_state_cleanup(pointer), "clean up merge state")
    }

    // MARK: - Helpers

    /// The `.git` directory, with a trailing slash.
    var gitDirectory: String {
        var dir = String(cString: git_repository_path(pointer))
        if !dir.hasSuffix("/") { dir += "/" }
        return dir
    }

    func lookupObject(_ id: ObjectID) throws -> OpaquePointer {
        var oid = id.raw
        var obj: OpaquePointer?
        try check(git_object_lookup(&obj, pointer, &oid, GIT_OBJECT_ANY), "read object \(id.short)")
        return obj!
    }

    /// The tree of a commit, or the tree itself.
    func peelToTree(_ id: ObjectID) throws -> OpaquePointer {
        let obj = try lookupObject(id)
        defer { git_object_free(obj) }
        var tree: OpaquePointer?
        try check(git_object_peel(&tree, obj, GIT_OBJECT_TREE), "read tree of \(id.short)")
        return tree!
    }

    func checkoutOptions(_ strategy: UInt32) throws -> git_checkout_options {
        var opts = git_checkout_options()
        try check(git_checkout_options_init(&opts, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "checkout options")
        opts.checkout_strategy = strategy
        return opts
    }
}

/// Carries a per-file callback through libgit2's checkout progress callback.
final class CheckoutFileBox {
    let onFile: ((String) -> Void)?
    init(_ onFile: ((String) -> Void)?) { self.onFile = onFile }

    func install(_ opts: inout git_checkout_options) {
        guard onFile != nil else { return }
        opts.progress_payload = Unmanaged.passUnretained(self).toOpaque()
        opts.progress_cb = { path, _, _, payload in
            guard let path, let payload else { return }
            Unmanaged<CheckoutFileBox>.fromOpaque(payload).takeUnretainedValue().onFile?(String(cString: path))
        }
    }
}
