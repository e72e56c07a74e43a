internal import CLibGit2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Low-level object and reference access for data that lives outside the branches: a ref that is
// not a branch (`refs/pactoria/keyring`), objects written without moving HEAD, and removing
// objects from the local object store when they must not survive (crypto-shredding).

/// What `Repository.repackReachable` did.
public struct RepackSummary: Sendable, Equatable {
    /// Objects written into the new pack (0 when nothing was reachable and no pack was written).
    public var packedObjects: Int
    /// Packs that were removed (their file names without extension).
    public var removedPacks: [String]
    /// Loose objects that were removed (they are in the new pack, or were named as garbage).
    public var removedLooseObjects: Int
}

/// A raw object read from the object store.
public struct RawObject: Sendable, Equatable {
    public enum Kind: String, Sendable { case commit, tree, blob, tag, other }
    public var kind: Kind
    public var bytes: [UInt8]
}

extension Repository {
    // MARK: - Writing objects without moving a branch

    /// Stores `bytes` as a blob and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        let count = bytes.count
        // libgit2 wants a pointer even for no bytes.
        _ = try (bytes.isEmpty ? [0] : bytes).withUnsafeBytes { buf in
            try check(git_blob_create_from_buffer(&oid, pointer, buf.baseAddress, count), "write blob")
        }
        return ObjectID(oid)
    }

    /// Stores a tree of regular files (`name` → blob id, names without `/`) and returns its id.
    public func writeTree(files: [(name: String, blob: ObjectID)]) throws -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "start tree")
        defer { git_treebuilder_free(builder) }
        for file in files {
            var oid = file.blob.raw
            try check(
                git_treebuilder_insert(nil, builder, file.name, &oid, GIT_FILEMODE_BLOB), "add \(file.name) to tree")
        }
        var out = git_oid()
        try check(git_treebuilder_write(&out, builder), "write tree")
        return ObjectID(out)
    }

    /// Stores a commit of `tree` with `parents` (none for a root commit) without moving any
    /// reference (HEAD and branches are left alone), and returns its id.
    public func writeCommit(
        tree: ObjectID, parents: [ObjectID] = [], author: Signature, committer: Signature, message: String
    ) throws -> ObjectID {
        try commitObject(
            tree: tree, parents: parents, author: author, committer: committer, message: message, updating: nil)
    }

    // MARK: - References outside the branches

    /// Points the reference `name` at `id`, replacing what it pointed at, as one compare-and-swap:
    /// `expecting` is the id it must point at now, or nil when it must not exist yet. If someone
    /// moved it in between, throws a `.conflict` error and changes nothing. No reflog is kept for
    /// it: any log libgit2 wrote is deleted, so no old target survives in a log.
    public func setReference(_ name: String, to id: ObjectID, expecting: ObjectID?) throws {
        var oid = id.raw
        var ref: OpaquePointer?
        let rc: Int32
        if var current = expecting?.raw {
            rc = git_reference_create_matching(&ref, pointer, name, &oid, 1, &current, nil)
        } else {
            rc = git_reference_create(&ref, pointer, name, &oid, 0, nil)
        }
        if rc == GIT_EMODIFIED.rawValue || rc == GIT_EEXISTS.rawValue
            || (rc == GIT_ENOTFOUND.rawValue && expecting != nil)
        {
            throw GitError(
                code: .conflict, operation: "update reference \(name)",
                message: "it changed since it was read")
        }
        try check(rc, "update reference \(name)")
        git_reference_free(ref)
        try deleteReflog(name)
    }

    /// Deletes the reflog of `name` (nothing to do when it has none).
    public func deleteReflog(_ name: String) throws {
        let rc = git_reflog_delete(pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return }
        try check(rc, "delete the log of reference \(name)")
    }

    /// True when the reference `name` has a reflog.
    public func hasReflog(_ name: String) -> Bool {
        git_reference_has_log(pointer, name) == 1
    }

    // MARK: - The object store

    /// The object directory (`objects`, shared by linked work trees), without a trailing slash.
    public var objectsDirectoryPath: String {
        get throws {
            var buf = git_buf()
            defer { git_buf_dispose(&buf) }
            try check(
                git_repository_item_path(&buf, pointer, GIT_REPOSITORY_ITEM_OBJECTS), "locate the object directory")
            var dir = String(cString: buf.ptr)
            while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
            return dir
        }
    }

    /// True when the object store (loose objects or packs) has `id`. Read from the files, not from
    /// the repository's in-memory object cache (which may still hold a removed object).
    public func objectExists(_ id: ObjectID) throws -> Bool {
        try withFreshODB { odb in
            var oid = id.raw
            return git_odb_exists(odb, &oid) == 1
        }
    }

    /// The ids of every object in the object store, loose and packed (in no order), read from
    /// the files.
    public func allObjectIDs() throws -> [ObjectID] {
        final class Box { var ids: [ObjectID] = [] }
        let box = Box()
        _ = try withFreshODB { odb in
            try check(
                git_odb_foreach(
                    odb,
                    { oid, payload in
                        guard let oid, let payload else { return 0 }
                        Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue().ids.append(ObjectID(oid))
                        return 0
                    }, Unmanaged.passUnretained(box).toOpaque()),
                "list objects")
        }
        return box.ids
    }

    /// The type and inflated content of any object, read from the files.
    public func rawObject(_ id: ObjectID) throws -> RawObject {
        try withFreshODB { odb in
            var oid = id.raw
            var object: OpaquePointer?
            try check(git_odb_read(&object, odb, &oid), "read object \(id.short)")
            defer { git_odb_object_free(object) }
            let size = git_odb_object_size(object)
            let bytes =
                size > 0 ? Array(UnsafeRawBufferPointer(start: git_odb_object_data(object), count: size)) : []
            let kind: RawObject.Kind
            switch git_odb_object_type(object) {
            case GIT_OBJECT_COMMIT: kind = .commit
            case GIT_OBJECT_TREE: kind = .tree
            case GIT_OBJECT_BLOB: kind = .blob
            case GIT_OBJECT_TAG: kind = .tag
            default: kind = .other
            }
            return RawObject(kind: kind, bytes: bytes)
        }
    }

    /// The path of the loose file of `id` (which may not exist).
    func looseObjectPath(_ id: ObjectID, objectsDirectory: String) -> String {
        let hex = id.hex
        return objectsDirectory + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    /// True when `id` is stored as a loose object file.
    public func isLooseObject(_ id: ObjectID) throws -> Bool {
        var info = stat()
        return lstat(looseObjectPath(id, objectsDirectory: try objectsDirectoryPath), &info) == 0
    }

    /// Deletes the loose file of `id`, if there is one. The caller makes sure nothing reachable
    /// needs it (a packed copy may remain: see `repackReachable`). Returns whether a file went.
    @discardableResult
    public func removeLooseObject(_ id: ObjectID) throws -> Bool {
        let path = looseObjectPath(id, objectsDirectory: try objectsDirectoryPath)
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw GitError(
            code: .other(-1), operation: "remove object \(id.short)", message: String(cString: strerror(errno)))
    }

    /// True when `commit` is one of, or an ancestor of, the commits any reference, HEAD or any
    /// reflog entry points at (references in `excluding`, full names, are left out).
    public func isReachableFromAnyReference(_ commit: ObjectID, excluding: Set<String> = []) throws -> Bool {
        var tips: [git_oid] = []
        for root in try reachabilityRoots(excluding: excluding) {
            if root == commit { return true }
            if try objectType(root) == GIT_OBJECT_COMMIT { tips.append(root.raw) }
        }
        guard !tips.isEmpty else { return false }
        var target = commit.raw
        let rc = tips.withUnsafeMutableBufferPointer { buf in
            git_graph_reachable_from_any(pointer, &target, buf.baseAddress, buf.count)
        }
        try check(rc, "check whether \(commit.short) is reachable")
        return rc == 1
    }

    // MARK: - Repacking

    /// Rewrites the object store as one pack of everything reachable, so objects that are no
    /// longer reachable do not survive in older packs (garbage collection with immediate pruning, through libgit2's
    /// pack builder).
    ///
    /// Reachable means from every reference (branches, tags, remote-tracking, notes, stash and
    /// `refs/pactoria/*`), HEAD, ORIG_HEAD/MERGE_HEAD/CHERRY_PICK_HEAD/REVERT_HEAD, every reflog
    /// entry, and every blob the index stages. Steps: build the new pack in a scratch
    /// folder under `objects`; decide which loose objects it holds; move it into `objects/pack`
    /// (`.pack` before `.idx`); delete the packs that existed before; delete the loose objects the
    /// new pack holds and those named in `garbage` (which must be unreachable: they are deleted
    /// even when they are not in the pack). Loose objects that are neither reachable nor garbage
    /// are left alone: another process may have just written them. Objects only in the old packs
    /// and unreachable are gone afterwards.
    ///
    /// Not seen (so not kept): the HEADs and indexes of linked work trees, and alternates.
    /// The caller holds the workspace's write lock (nothing else may write objects or move refs
    /// while this runs).
    @discardableResult
    public func repackReachable(garbage: [ObjectID] = []) throws -> RepackSummary {
        let objectsDir = try objectsDirectoryPath
        let packDir = objectsDir + "/pack"
        let fm = FileManager.default
        let oldPacks = ((try? fm.contentsOfDirectory(atPath: packDir)) ?? [])
            .filter { $0.hasPrefix("pack-") && $0.hasSuffix(".pack") }
            .map { String($0.dropLast(".pack".count)) }

        // 1. The pack builder over everything reachable.
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, pointer), "start a pack")
        defer { git_packbuilder_free(builder) }
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "start a walk")
        defer { git_revwalk_free(walk) }
        var roots = try reachabilityRoots(excluding: [])
        roots.append(contentsOf: try indexBlobIDs())
        var pushedCommits = false
        for root in Set(roots) {
            var oid = root.raw
            if try objectType(root) == GIT_OBJECT_COMMIT {
                try check(git_revwalk_push(walk, &oid), "walk from \(root.short)")
                pushedCommits = true
            } else {
                try check(git_packbuilder_insert_recur(builder, &oid, nil), "pack \(root.short)")
            }
        }
        if pushedCommits { try check(git_packbuilder_insert_walk(builder, walk), "pack history") }
        let count = Int(git_packbuilder_object_count(builder))

        // 2. Written to a scratch folder, and which loose objects it holds.
        var newPack: String?
        var looseToRemove = Set(garbage)
        let scratch = objectsDir + "/pactoria-repack-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? fm.removeItem(atPath: scratch) }
        if count > 0 {
            try fm.createDirectory(atPath: scratch + "/pack", withIntermediateDirectories: true)
            try check(git_packbuilder_write(builder, scratch + "/pack", 0, nil, nil), "write pack")
            let written = try fm.contentsOfDirectory(atPath: scratch + "/pack")
            guard let name = written.first(where: { $0.hasSuffix(".pack") }).map({ String($0.dropLast(5)) }),
                written.contains(name + ".idx")
            else {
                throw GitError(code: .other(-1), operation: "write pack", message: "the new pack is incomplete")
            }
            newPack = name
            let inPack = try packedIDs(objectsDirectory: scratch, candidates: looseObjectIDs(objectsDir))
            looseToRemove.formUnion(inPack)
            // Everything reachable made it into the pack, or nothing old is removed.
            let missing = try packedIDs(objectsDirectory: scratch, candidates: roots)
            guard missing.count == Set(roots).count else {
                throw GitError(
                    code: .other(-1), operation: "write pack",
                    message: "the new pack lacks \(Set(roots).count - missing.count) reachable objects")
            }
            // 3. Into place: the pack before its index, so no reader finds an index without it.
            try fm.createDirectory(atPath: packDir, withIntermediateDirectories: true)
            for ext in [".pack", ".rev", ".idx"] {
                let from = scratch + "/pack/" + name + ext
                guard fm.fileExists(atPath: from) else { continue }
                if rename(from, packDir + "/" + name + ext) != 0 {
                    throw GitError(
                        code: .other(-1), operation: "move the new pack into place",
                        message: String(cString: strerror(errno)))
                }
            }
        }

        // 4. The old packs, then the loose objects.
        var removedPacks: [String] = []
        for old in oldPacks where old != newPack {
            for ext in [".idx", ".pack", ".rev", ".bitmap", ".keep", ".promisor", ".mtimes"] {
                let path = packDir + "/" + old + ext
                if unlink(path) != 0 && errno != ENOENT {
                    throw GitError(
                        code: .other(-1), operation: "remove pack \(old)", message: String(cString: strerror(errno)))
                }
            }
            removedPacks.append(old)
        }
        var removedLoose = 0
        for id in looseToRemove {
            if try removeLooseObject(id) { removedLoose += 1 }
        }
        _ = try withODB { odb in try check(git_odb_refresh(odb), "reload the object store") }
        return RepackSummary(packedObjects: count, removedPacks: removedPacks, removedLooseObjects: removedLoose)
    }

    // MARK: - Helpers

    func withODB<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open the object store")
        defer { git_odb_free(odb) }
        return try body(odb!)
    }

    /// An object database opened afresh on the object directory (no cache shared with the
    /// repository handle, so removed objects are not reported from memory).
    func withFreshODB<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var odb: OpaquePointer?
        try check(git_odb_open(&odb, try objectsDirectoryPath), "open the object store")
        defer { git_odb_free(odb) }
        return try body(odb!)
    }

    func objectType(_ id: ObjectID) throws -> git_object_t {
        try withODB { odb in
            var oid = id.raw
            var size = 0
            var type = GIT_OBJECT_INVALID
            try check(git_odb_read_header(&size, &type, odb, &oid), "read object \(id.short)")
            return type
        }
    }

    /// Everything reachability starts from: reference targets (unpeeled), HEAD and the other
    /// head files, and both sides of every reflog entry. FETCH_HEAD is not one (as for git's own
    /// repack and prune): it only records what the last fetch brought.
    func reachabilityRoots(excluding: Set<String>) throws -> [ObjectID] {
        var roots: [ObjectID] = []
        var names: [String] = ["HEAD"]
        var iterator: OpaquePointer?
        try check(git_reference_iterator_new(&iterator, pointer), "list references")
        defer { git_reference_iterator_free(iterator) }
        while true {
            var ref: OpaquePointer?
            let rc = git_reference_next(&ref, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "list references")
            defer { git_reference_free(ref) }
            let name = String(cString: git_reference_name(ref))
            if !excluding.contains(name) { names.append(name) }
        }
        for name in names + ["ORIG_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"] {
            if let id = try? referenceTarget(name) { roots.append(id) }
            var log: OpaquePointer?
            guard git_reflog_read(&log, pointer, name) == 0 else { continue }
            defer { git_reflog_free(log) }
            for i in 0..<git_reflog_entrycount(log) {
                guard let entry = git_reflog_entry_byindex(log, i) else { continue }
                for oid in [git_reflog_entry_id_old(entry), git_reflog_entry_id_new(entry)] {
                    guard let oid, git_oid_is_zero(oid) == 0 else { continue }
                    roots.append(ObjectID(oid))
                }
            }
        }
        // Only objects that exist: a reflog may name objects an earlier prune removed.
        return try withFreshODB { odb in
            roots.filter { id in
                var oid = id.raw
                return git_odb_exists(odb, &oid) == 1
            }
        }
    }

    /// The blobs the index stages (every stage), submodule entries left out.
    func indexBlobIDs() throws -> [ObjectID] {
        var index: OpaquePointer?
        let rc = git_repository_index(&index, pointer)
        if rc == GIT_ENOTFOUND.rawValue { return [] }
        try check(rc, "read index")
        defer { git_index_free(index) }
        var ids: [ObjectID] = []
        for i in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, i), entry.pointee.mode != 0o160000 else { continue }
            ids.append(ObjectID(entry.pointee.id))
        }
        return try withFreshODB { odb in
            ids.filter { id in
                var oid = id.raw
                return git_odb_exists(odb, &oid) == 1
            }
        }
    }

    /// Every loose object file's id under `objectsDirectory`.
    func looseObjectIDs(_ objectsDirectory: String) throws -> [ObjectID] {
        let fm = FileManager.default
        var ids: [ObjectID] = []
        let hexDigits = Set("0123456789abcdef")
        for dir in (try? fm.contentsOfDirectory(atPath: objectsDirectory)) ?? []
        where dir.count == 2 && dir.allSatisfy(hexDigits.contains) {
            for file in (try? fm.contentsOfDirectory(atPath: objectsDirectory + "/" + dir)) ?? [] {
                if let id = ObjectID(hex: dir + file) { ids.append(id) }
            }
        }
        return ids
    }

    /// Those of `candidates` that the packs under `objectsDirectory/pack` hold.
    func packedIDs(objectsDirectory: String, candidates: [ObjectID]) throws -> Set<ObjectID> {
        var odb: OpaquePointer?
        try check(git_odb_new(&odb), "open the new pack")
        defer { git_odb_free(odb) }
        var backend: OpaquePointer?
        try check(git_odb_backend_pack(&backend, objectsDirectory), "open the new pack")
        try check(git_odb_add_backend(odb, backend, 1), "open the new pack")
        var found = Set<ObjectID>()
        for id in candidates {
            var oid = id.raw
            if git_odb_exists(odb, &oid) == 1 { found.insert(id) }
        }
        return found
    }
}
