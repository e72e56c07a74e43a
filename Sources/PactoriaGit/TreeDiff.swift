internal import CLibGit2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    ///
    /// Folders whose tree id is the same on both sides are skipped unread (as git's own tree
    /// diff does), so the cost grows with the change, not with the trees; the answer is libgit2's
    /// (`libgit2ChangedFiles`), which is used whenever a tree on the way is not in git's
    /// canonical form (entries out of order or repeated, an unknown mode, the null id). One
    /// difference is left: a folder with the same id on both sides is not read, so damage inside
    /// it (a missing object, a null id) is not reported, where libgit2 would fail or list it.
    public func changedFiles(from old: ObjectID?, to new: ObjectID?, under prefix: String? = nil)
        throws -> [TreeFileChange]
    {
        if !readsEveryEntry, let fast = try skippingChangedFiles(from: old, to: new, under: prefix) { return fast }
        return try libgit2ChangedFiles(from: old, to: new, under: prefix)
    }

    /// The same diff through libgit2's tree-to-tree diff, which reads every entry of both trees
    /// (the reference for `changedFiles`, and its fallback).
    package func libgit2ChangedFiles(from old: ObjectID?, to new: ObjectID?, under prefix: String? = nil)
        throws -> [TreeFileChange]
    {
        try withLibgit2Diff(from: old, to: new, under: prefix, typeChanges: true) { diff in
            libgit2Files(diff)
        }
    }

    private func libgit2Files(_ diff: OpaquePointer?) -> [TreeFileChange] {
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

    /// The files that differ between two trees as added, deleted or modified paths, a type change
    /// (a file becoming a link) being a deletion and an addition of the path, as libgit2's diff
    /// without type changes reports it (`libgit2ChangedPaths`); identical folders skipped unread.
    func changedPathsSkipping(from old: ObjectID?, to new: ObjectID?, under prefix: String?) throws -> [TreeChange]? {
        guard let files = try skippingChangedFiles(from: old, to: new, under: prefix) else { return nil }
        var out: [TreeChange] = []
        out.reserveCapacity(files.count)
        for f in files {
            switch (f.oldMode, f.newMode) {
            case (nil, _): out.append(TreeChange(kind: .added, oldPath: f.path, newPath: f.path))
            case (_, nil): out.append(TreeChange(kind: .deleted, oldPath: f.path, newPath: f.path))
            case (let o?, let n?) where TreeWalk.type(o) != TreeWalk.type(n):
                out.append(TreeChange(kind: .deleted, oldPath: f.path, newPath: f.path))
                out.append(TreeChange(kind: .added, oldPath: f.path, newPath: f.path))
            default: out.append(TreeChange(kind: .modified, oldPath: f.path, newPath: f.path))
            }
        }
        return out
    }

    /// `changedFiles` by a walk of both trees that skips a folder with the same id on both sides;
    /// nil when it cannot promise libgit2's answer (a tree on the way is not canonical, or the
    /// prefix is not a plain folder path), and the caller asks libgit2.
    package func skippingChangedFiles(from old: ObjectID?, to new: ObjectID?, under prefix: String?) throws
        -> [TreeFileChange]?
    {
        var walk = TreeWalk(repository: self)
        if let prefix {
            guard let parts = TreeWalk.plainPath(prefix) else { return nil }
            walk.prefix = parts
        }
        guard try walk.diff(old, new, base: "", depth: 0) else { return nil }
        return walk.out
    }
}

/// The walk behind `skippingChangedFiles`: both trees' entries merged in git's order, a folder
/// entered only when its id differs, a leaf compared as libgit2's diff compares it.
private struct TreeWalk {
    let repository: Repository
    /// The folders (and last the entry) a path must start with; empty: every path.
    var prefix: [[UInt8]] = []
    var out: [TreeFileChange] = []

    init(repository: Repository) { self.repository = repository }

    static let typeMask: UInt32 = 0o170000
    static let treeType: UInt32 = 0o040000
    /// The modes libgit2's trees hold that this walk knows; any other sends the diff to libgit2.
    static let knownModes: Set<UInt32> = [0o040000, 0o100644, 0o100664, 0o100755, 0o120000, 0o160000]

    /// The type bits of a mode the walk reported (it reports known modes only).
    static func type(_ mode: FileMode) -> UInt32 {
        switch mode {
        case .regular, .executable: 0o100000
        case .symbolicLink: 0o120000
        case .gitlink: 0o160000
        case .directory: 0o040000
        case .other: 0o170000
        }
    }

    /// `path` split into its folders when every one is a plain name (letters, digits, `.`, `_`,
    /// `-`; not `.` or `..`), which a pathspec matches as itself or as a folder prefix; else nil.
    static func plainPath(_ path: String) -> [[UInt8]]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        var out: [[UInt8]] = []
        for p in parts {
            let bytes = Array(p.utf8)
            guard !bytes.isEmpty, p != ".", p != "..",
                bytes.allSatisfy({
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                        || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
                })
            else { return nil }
            out.append(bytes)
        }
        return out
    }

    struct Entry {
        var name: UnsafePointer<CChar>
        var length: Int
        var id: ObjectID
        var mode: UInt32
        var isTree: Bool { mode & TreeWalk.typeMask == TreeWalk.treeType }
    }

    /// git's order of two entries of one tree: by name, a folder's name read as if it ended in `/`.
    static func order(_ a: Entry, _ b: Entry) -> Int {
        let n = min(a.length, b.length)
        let c = memcmp(a.name, b.name, n)
        if c != 0 { return Int(c) }
        let x: UInt8 = a.length > n ? UInt8(bitPattern: a.name[n]) : (a.isTree ? 0x2F : 0)
        let y: UInt8 = b.length > n ? UInt8(bitPattern: b.name[n]) : (b.isTree ? 0x2F : 0)
        return Int(x) - Int(y)
    }

    /// The entries of `tree` that the prefix lets through at `depth`, or nil when the tree is not
    /// canonical (an unknown mode, the null id, or entries not strictly in git's order).
    func entries(_ tree: OpaquePointer, depth: Int) -> [Entry]? {
        let n = git_tree_entrycount(tree)
        var out: [Entry] = []
        out.reserveCapacity(depth < prefix.count ? 1 : n)
        var previous: Entry? = nil
        for i in 0..<n {
            guard let e = git_tree_entry_byindex(tree, i), let name = git_tree_entry_name(e) else { return nil }
            let mode = git_tree_entry_filemode_raw(e).rawValue
            guard TreeWalk.knownModes.contains(mode) else { return nil }
            let entry = Entry(name: name, length: strlen(name), id: ObjectID(git_tree_entry_id(e)!), mode: mode)
            // The null id names no object (libgit2 refuses to read it, and compares it as changed).
            guard entry.id != TreeWalk.nullID else { return nil }
            if let previous, TreeWalk.order(previous, entry) >= 0 { return nil }
            previous = entry
            if depth < prefix.count {
                // Above the prefix's end only the folder named by it; at its end any entry so named.
                let want = prefix[depth]
                guard entry.length == want.count,
                    want.withUnsafeBufferPointer({ memcmp(name, $0.baseAddress!, want.count) == 0 }),
                    depth == prefix.count - 1 || entry.isTree
                else { continue }
            }
            out.append(entry)
        }
        return out
    }

    /// Adds the differences of two trees (nil: absent) below `base`; false when a tree on the way
    /// is not canonical.
    mutating func diff(_ old: ObjectID?, _ new: ObjectID?, base: String, depth: Int) throws -> Bool {
        let oldTree = try old.map { try repository.lookupTree($0) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try new.map { try repository.lookupTree($0) }
        defer { if let newTree { git_tree_free(newTree) } }
        guard let a = oldTree.map({ entries($0, depth: depth) }) ?? [],
            let b = newTree.map({ entries($0, depth: depth) }) ?? []
        else { return false }
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            let c = i == a.count ? 1 : j == b.count ? -1 : TreeWalk.order(a[i], b[j])
            if c < 0 {
                guard try one(a[i], old: true, base: base, depth: depth) else { return false }
                i += 1
            } else if c > 0 {
                guard try one(b[j], old: false, base: base, depth: depth) else { return false }
                j += 1
            } else {
                let x = a[i]
                let y = b[j]
                i += 1
                j += 1
                if x.isTree {
                    // Same name, both folders: the same id means the same files.
                    if x.id != y.id, !(try diff(x.id, y.id, base: path(base, x), depth: depth + 1)) { return false }
                    continue
                }
                // libgit2: the same id and mode (and not the null id) is unchanged; a change of
                // type is one entry with both sides; anything else is a modification.
                if x.id == y.id, x.mode == y.mode, x.id != TreeWalk.nullID { continue }
                out.append(
                    TreeFileChange(
                        path: path(base, y), oldID: x.id, oldMode: FileMode(raw: x.mode), newID: y.id,
                        newMode: FileMode(raw: y.mode)))
            }
        }
        return true
    }

    /// An entry on one side only: a file added or removed, or every file of a folder.
    mutating func one(_ e: Entry, old: Bool, base: String, depth: Int) throws -> Bool {
        if e.isTree {
            return try diff(old ? e.id : nil, old ? nil : e.id, base: path(base, e), depth: depth + 1)
        }
        let mode = FileMode(raw: e.mode)
        out.append(
            TreeFileChange(
                path: path(base, e), oldID: old ? e.id : nil, oldMode: old ? mode : nil, newID: old ? nil : e.id,
                newMode: old ? nil : mode))
        return true
    }

    func path(_ base: String, _ e: Entry) -> String {
        let name = String(decoding: UnsafeRawBufferPointer(start: e.name, count: e.length), as: UTF8.self)
        return base.isEmpty ? name : base + "/" + name
    }

    static let nullID = ObjectID(bytes: [UInt8](repeating: 0, count: 20))
}

extension Repository {
    /// Stores `bytes` as a tree object as they are, unchecked (tests build hostile trees with it).
    package func writeRawTree(_ bytes: [UInt8]) throws -> ObjectID {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open the object database")
        defer { git_odb_free(odb) }
        var oid = git_oid()
        _ = try bytes.withUnsafeBytes { buf in
            try check(git_odb_write(&oid, odb, buf.baseAddress, buf.count, GIT_OBJECT_TREE), "write tree")
        }
        return ObjectID(oid)
    }
}
