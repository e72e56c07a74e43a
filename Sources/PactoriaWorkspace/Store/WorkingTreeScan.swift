import Foundation
import PactoriaGit

/// Which workspace files differ from HEAD, found the way git does it but for Pactoria's layout.
///
/// Directory by directory, the working tree is compared with HEAD's tree for the same directory.
/// Two caches under `.pactoria/cache/` keep a clean run cheap, both keyed by what the kernel
/// reports, never by what Pactoria assumes:
/// - per directory: its own stamp (so its names need no readdir while it is unchanged), HEAD's
///   tree id for it and a fingerprint of every file's size, mtime, ctime and inode; when all match,
///   the directory is known clean without reading a byte;
/// - per file: stamp → blob id, so a changed directory hashes only the files that changed.
/// Anything changed within the last two seconds is never recorded as clean ("racily clean").
/// The index is read only when a file is not in HEAD (to tell "new" from "untracked").
enum WorkingTreeScan {
    static let filesCacheName = "files-v1"
    static let dirsCacheName = "dirs-v1"
    /// Both caches are framed by `CacheFile` (magic, version, length, CRC-32).
    static let formatVersion: UInt32 = 1

    struct Result {
        var entries: [StatusEntry]
        var headTree: ObjectID?
        /// HEAD's tree id of each `companies/<slug>/contracts` directory.
        var contractDirectories: [(company: String, tree: ObjectID)]
        /// Symbolic links and special files (FIFOs, devices, sockets) found where only regular
        /// files and directories belong; never read, never staged.
        var specialFiles: [(path: String, kind: FileSystem.Kind)] = []
    }

    typealias HeadListing = [String: (id: ObjectID, isDirectory: Bool)]

    struct DirectoryRecord {
        var stamp: FileSystem.Stamp
        var names: [(name: String, isDirectory: Bool)]
        var headTree: ObjectID?
        var fingerprint: UInt64
        var clean: Bool
    }

    static func changes(_ ws: Workspace, repo: Repository) throws -> Result {
        let scan = try Scan(ws, repo: repo)
        let root = try Trace.measure("head root") { try scan.listing(scan.headTree) }
        try Trace.measure("gather") { try scan.gatherTopLevel(root) }
        let stamps = Trace.measure("stat") { scan.statFiles() }
        try Trace.measure("compare") {
            try scan.compareDirectories(stamps)
            try scan.compareTopLevelFiles(root)
        }
        try scan.classifyNotInHead()
        Trace.measure("save caches") { scan.saveCaches() }
        return scan.result()
    }

    /// One run of `changes`: what it has found so far, and the caches it reads and updates.
    final class Scan {
        let ws: Workspace
        let repo: Repository
        let headTree: ObjectID?
        let dirsPath: String
        var dirs: [String: DirectoryRecord]
        var dirsDirty = false
        let now: Int64
        /// Anything changed this recently is never recorded as clean ("racily clean").
        let racyWindow: Int64 = 2_000_000_000

        /// A directory to compare, with its file names and HEAD's tree for it.
        struct Dir {
            var path: String
            var stamp: FileSystem.Stamp
            var files: [String]
            var headTree: ObjectID?
        }
        var visit: [Dir] = []
        var entries: [StatusEntry] = []
        var contractDirectories: [(company: String, tree: ObjectID)] = []
        var specialFiles: [(path: String, kind: FileSystem.Kind)] = []
        /// Files HEAD does not have: new (staged) or untracked, told apart by the index.
        var notInHead: [String] = []
        var files: FileCache?
        /// Whether blobs come from the per-file cache (many dirty directories) or are hashed.
        var useFileCache = false
        /// With sealing and few dirty directories: the only directories whose entries the
        /// per-file cache needs to decode (the others are kept as they are read).
        var fileCacheScope: [String]?

        init(_ ws: Workspace, repo: Repository) throws {
            self.ws = ws
            self.repo = repo
            now = ws.stampClock()
            let head = try repo.headCommitID()
            headTree = try head.map { try repo.treeID(ofCommit: $0) }
            let dirsPath = ws.absolute("\(Workspace.cacheDirectory)/\(WorkingTreeScan.dirsCacheName)")
            self.dirsPath = dirsPath
            dirs = Trace.measure("dir cache") { WorkingTreeScan.readDirectories(dirsPath) }
        }

        func listing(_ tree: ObjectID?) throws -> HeadListing {
            guard let tree, headTree != nil else { return [:] }
            var m: HeadListing = [:]
            for e in try repo.directoryEntries(ofTree: tree) { m[e.name] = (e.id, e.isDirectory) }
            return m
        }

        func result() -> Result {
            Result(
                entries: entries.sorted { $0.path < $1.path }, headTree: headTree,
                contractDirectories: contractDirectories, specialFiles: specialFiles.sorted { $0.path < $1.path })
        }

        // MARK: Phase 1: the directories to look at, with their names and HEAD's tree for each.

        func gatherTopLevel(_ root: HeadListing) throws {
            for top in ["companies", ".pactoria"] {
                let h = root[top]
                try gather(top, headID: h?.isDirectory == true ? h?.id : nil)
            }
        }

        func deletedBelow(_ dir: String) throws {
            // Pactoria's own folders are never a workspace change, even when a commit tracks them.
            guard let headTree, dir != Workspace.cacheDirectory, dir != ".pactoria/secrets" else { return }
            for path in try repo.files(inTree: headTree, under: dir).keys {
                entries.append(StatusEntry(path: path, flags: .workdirDeleted))
            }
        }

        func gather(_ dir: String, headID: ObjectID?) throws {
            if dir == Workspace.cacheDirectory || dir == ".pactoria/secrets" { return }
            guard let stamp = FileSystem.stamp(ws.absolute(dir)) else {
                if headID != nil { try deletedBelow(dir) }
                return
            }
            // `companies -> /etc` or `.pactoria -> elsewhere`: reported, never followed.
            guard stamp.kind == .directory else {
                specialFiles.append((dir, stamp.kind))
                return
            }
            let names = directoryNames(dir, stamp: stamp)
            let subdirs = names.filter(\.isDirectory)
            // Only directories with subdirectories need HEAD's listing here.
            var head: HeadListing = [:]
            if !subdirs.isEmpty || dirs[dir]?.headTree != headID { head = try listing(headID) }
            for sub in subdirs {
                let h = head[sub.name]
                let subID = h?.isDirectory == true ? h?.id : nil
                if dir.hasPrefix("companies/") && sub.name == "contracts", let subID {
                    contractDirectories.append((String(dir.dropFirst("companies/".count)), subID))
                }
                try gather(dir + "/" + sub.name, headID: subID)
            }
            if !head.isEmpty {
                let present = Set(names.map(\.name))
                for (name, h) in head where h.isDirectory && !present.contains(name) {
                    try deletedBelow(dir + "/" + name)
                }
            }
            // `.pactoria/cache` is Pactoria's own, whatever it is (a file or a link in place of the
            // folder makes Pactoria work without a cache; it is never a workspace change).
            let fileNames = names.filter { !$0.isDirectory && !(dir == ".pactoria" && $0.name == "cache") }.map(\.name)
            visit.append(Dir(path: dir, stamp: stamp, files: fileNames, headTree: headID))
        }

        /// The directory's entries: from the cache while its stamp matches (and is not racy),
        /// else read again (and the cache record restarted).
        func directoryNames(_ dir: String, stamp: FileSystem.Stamp) -> [(name: String, isDirectory: Bool)] {
            if let cached = dirs[dir], cached.stamp == stamp,
                now - max(stamp.mtimeNanos, stamp.ctimeNanos) >= racyWindow
            {
                return cached.names
            }
            let names = FileSystem.listTyped(ws.absolute(dir)).filter { $0.name != ".git" }
            dirs[dir] = DirectoryRecord(stamp: stamp, names: names, headTree: nil, fingerprint: 0, clean: false)
            dirsDirty = true
            return names
        }

        // MARK: Phase 2: stat every file, the directories shared between the cores (as git's
        // preload-index does).

        func statFiles() -> [[FileSystem.Stamp?]] {
            let results = StampResults(count: visit.count)
            let work = visit.map { (dir: ws.absolute($0.path), files: $0.files) }
            DispatchQueue.concurrentPerform(iterations: work.count) { i in
                results.set(i, FileSystem.stamps(in: work[i].dir, names: work[i].files))
            }
            return results.values
        }

        // MARK: Phase 3: a directory whose fingerprint and HEAD tree match a clean record is
        // clean; the others are compared file by file.

        func compareDirectories(_ stamps: [[FileSystem.Stamp?]]) throws {
            // Fingerprints first, to know how many directories need a file-by-file look.
            let prints = zip(visit, stamps).map { fingerprint($0.0, $0.1) }
            let dirtyCount = zip(visit, prints).filter { !isKnownClean($0.0, fingerprint: $0.1.value) }.count
            // A few dirty directories (an edit or two): hashing their files is cheaper than
            // loading the per-file cache of the whole workspace. Many (a cold start): the cache.
            // With sealing, hashing a contract file means sealing it first (a YAML parse and
            // AES-GCM): the cache is always cheaper.
            // (Top-level files are never sealed: with no dirty folder they are hashed as they are.)
            useFileCache = dirtyCount > 8 || (ws.sealer != nil && dirtyCount > 0)
            if dirtyCount <= 8, ws.sealer != nil {
                fileCacheScope = zip(visit, prints).filter { !isKnownClean($0.0, fingerprint: $0.1.value) }.map {
                    $0.0.path + "/"
                }
            }
            for ((dir, st), fp) in zip(zip(visit, stamps), prints) where !isKnownClean(dir, fingerprint: fp.value) {
                let changed = try compare(dir, st)
                dirs[dir.path]?.headTree = dir.headTree
                dirs[dir.path]?.fingerprint = fp.value
                dirs[dir.path]?.clean = !changed && !fp.racy
                dirsDirty = true
            }
        }

        /// The fingerprint of a directory's file names and stamps, and whether any is racy.
        func fingerprint(_ dir: Dir, _ st: [FileSystem.Stamp?]) -> (value: UInt64, racy: Bool) {
            var fp = Fingerprint()
            var racy = false
            for (name, stamp) in zip(dir.files, st) {
                fp.add(name)
                if let stamp {
                    fp.add(stamp)
                    fp.byte(stamp.kind == .regular ? 1 : 2)
                    if now - max(stamp.mtimeNanos, stamp.ctimeNanos) < racyWindow { racy = true }
                }
            }
            return (fp.value, racy)
        }

        func isKnownClean(_ dir: Dir, fingerprint: UInt64) -> Bool {
            guard let rec = dirs[dir.path] else { return false }
            return rec.clean && rec.headTree == dir.headTree && rec.fingerprint == fingerprint
        }

        /// Compares one directory's files with HEAD's tree for it; returns whether anything differs.
        func compare(_ dir: Dir, _ st: [FileSystem.Stamp?]) throws -> Bool {
            let head = try listing(dir.headTree)
            var changed = false
            let present = Set(dir.files)
            for (name, stamp) in zip(dir.files, st) {
                guard let stamp else { continue }
                let path = dir.path + "/" + name
                guard stamp.kind == .regular else {
                    // A symbolic link (to a file or a directory) or a special file.
                    specialFiles.append((path, stamp.kind))
                    changed = true
                    continue
                }
                // A file that cannot be hashed (unreadable, or past the size limit) is never
                // silently clean: it counts as changed, and validation names its problem.
                let blob = try blob(path, stamp)
                if let h = head[name], !h.isDirectory {
                    if h.id != blob {
                        entries.append(StatusEntry(path: path, flags: .workdirModified))
                        changed = true
                    }
                } else {
                    notInHead.append(path)
                    changed = true
                }
            }
            for (name, h) in head where !h.isDirectory && !present.contains(name) {
                entries.append(StatusEntry(path: dir.path + "/" + name, flags: .workdirDeleted))
                changed = true
            }
            return changed
        }

        /// The two top-level files.
        func compareTopLevelFiles(_ root: HeadListing) throws {
            for name in [".gitignore", ".gitattributes"] {
                let h = root[name]
                guard let stamp = FileSystem.stamp(ws.absolute(name)) else {
                    if h != nil { entries.append(StatusEntry(path: name, flags: .workdirDeleted)) }
                    continue
                }
                guard stamp.kind == .regular else {
                    specialFiles.append((name, stamp.kind))
                    continue
                }
                guard let blob = try blob(name, stamp) else { continue }
                if let h {
                    if h.id != blob { entries.append(StatusEntry(path: name, flags: .workdirModified)) }
                } else {
                    notInHead.append(name)
                }
            }
        }

        func blob(_ path: String, _ stamp: FileSystem.Stamp) throws -> ObjectID? {
            if useFileCache {
                if files == nil {
                    files = Trace.measure("file cache \(fileCacheScope?.count ?? -1)") {
                        FileCache(ws, now: now, repo: repo, scope: fileCacheScope)
                    }
                }
                return try files!.blob(path, stamp: stamp)
            }
            guard let bytes = try? FileSystem.read(ws.absolute(path)) else { return nil }
            return try ws.blobID(of: bytes, path: path)
        }

        /// New (in the index) or untracked, for the files HEAD does not have; ignored ones drop out.
        func classifyNotInHead() throws {
            guard !notInHead.isEmpty else { return }
            let index = try repo.index()
            for path in notInHead where !repo.isIgnored(path) {
                entries.append(
                    StatusEntry(path: path, flags: index.blobID(path: path) != nil ? .indexNew : .workdirNew))
            }
        }

        func saveCaches() {
            // With a scope (sealing, few dirty folders), a handful of new records is not worth
            // rewriting the whole file: those files are sealed again only if their folder is
            // compared again, and a folder found clean is not.
            if let files, files.dirty, fileCacheScope == nil || files.recorded > 8 || files.seeded {
                Trace.measure("save file cache") { files.save() }
            }
            if dirsDirty {
                let live = Set(visit.map(\.path))
                Trace.measure("save folder cache") {
                    WorkingTreeScan.writeDirectories(dirsPath, dirs.filter { live.contains($0.key) })
                }
            }
        }
    }

    /// FNV-1a, 64-bit: a fingerprint that is the same in every process (Swift's Hasher is not).
    struct Fingerprint {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ s: String) {
            for b in s.utf8 { byte(b) }
            byte(0)
        }

        mutating func add(_ st: FileSystem.Stamp) {
            word(UInt64(bitPattern: st.size))
            word(UInt64(bitPattern: st.mtimeNanos))
            word(UInt64(bitPattern: st.ctimeNanos))
            word(st.inode)
        }

        mutating func word(_ w: UInt64) {
            value ^= w
            value = value &* 0x100_0000_01b3
            value ^= value >> 29
        }

        mutating func byte(_ b: UInt8) {
            value ^= UInt64(b)
            value = value &* 0x100_0000_01b3
        }
    }

    /// Per-directory stat results written from several threads, each slot by one thread only.
    final class StampResults: @unchecked Sendable {
        private var storage: [[FileSystem.Stamp?]]
        private let lock = NSLock()
        init(count: Int) { storage = Array(repeating: [], count: count) }
        func set(_ i: Int, _ v: [FileSystem.Stamp?]) {
            lock.lock()
            storage[i] = v
            lock.unlock()
        }
        var values: [[FileSystem.Stamp?]] { storage }
    }

    /// Stamp → blob id for single files, read when a directory has to be compared.
    struct FileCache {
        let ws: Workspace
        let path: String
        let now: Int64
        var entries: [String: (stamp: FileSystem.Stamp, blob: ObjectID)]
        /// The records outside the scope, as read (written back as they are).
        var others: [UInt8] = []
        var dirty = false
        /// How many records `blob` added or changed, and whether the index seeded the cache.
        var recorded = 0
        var seeded = false

        /// `scope` (folder paths ending in "/"): only entries under them are decoded.
        init(_ ws: Workspace, now: Int64, repo: Repository? = nil, scope: [String]? = nil) {
            self.ws = ws
            self.now = now
            path = ws.absolute("\(Workspace.cacheDirectory)/\(WorkingTreeScan.filesCacheName)")
            let read = WorkingTreeScan.readFiles(path, scope: scope)
            entries = read?.entries ?? [:]
            others = read?.others ?? []
            // No cache yet (a fresh clone, or the cache deleted): start from what git's index
            // recorded when it last hashed each file, as `git status` does. Only entries older
            // than the index file itself are used, and a file matches only when its size, mtime,
            // ctime and inode are all unchanged since; any other file is hashed.
            if entries.isEmpty, let repo, let index = Trace.measure("index seed", { try? repo.index() }) {
                for s in index.trustedStats(under: scope ?? ["companies/", ".pactoria/"]) {
                    let stamp = FileSystem.Stamp(
                        size: Int64(s.size), mtimeNanos: s.mtimeNanos, ctimeNanos: s.ctimeNanos, inode: UInt64(s.inode))
                    entries[s.path] = (stamp, s.id)
                    seeded = true
                }
            }
        }

        mutating func blob(_ rel: String, stamp: FileSystem.Stamp) throws -> ObjectID? {
            if let hit = entries[rel], hit.stamp == stamp { return hit.blob }
            guard let bytes = try? FileSystem.read(ws.absolute(rel)) else { return nil }
            let blob = try ws.blobID(of: bytes, path: rel)
            // A racily clean file is not recorded (its stamp may not change with its next edit);
            // an older entry for its path stays, harmless: its stamp no longer matches.
            if now - max(stamp.mtimeNanos, stamp.ctimeNanos) >= 2_000_000_000 {
                entries[rel] = (stamp, blob)
                dirty = true
                recorded += 1
            }
            return blob
        }

        func save() {
            guard dirty else { return }
            // Entries of removed files are harmless (a path never matches a stale stamp by chance:
            // the inode and ctime differ); they are dropped when a directory is re-read.
            WorkingTreeScan.writeFiles(path, entries, others: others)
        }
    }

    // MARK: - Cache files (binary, little-endian)

    struct Reader {
        let buf: UnsafeBufferPointer<UInt8>
        var i: Int
        var ok: Bool { i <= buf.count }
        mutating func u64() -> UInt64? {
            guard i + 8 <= buf.count else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(buf[i + k]) << (8 * UInt64(k)) }
            i += 8
            return v
        }
        mutating func string() -> String? {
            guard i + 2 <= buf.count else { return nil }
            let n = Int(buf[i]) | Int(buf[i + 1]) << 8
            i += 2
            guard i + n <= buf.count else { return nil }
            defer { i += n }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[i..<(i + n)]), as: UTF8.self)
        }
        mutating func oid() -> ObjectID? {
            guard i + 21 <= buf.count else { return nil }
            let present = buf[i] == 1
            i += 1
            defer { i += 20 }
            return present ? ObjectID(bytes: Array(buf[i..<(i + 20)])) : nil
        }
        mutating func stamp() -> FileSystem.Stamp? {
            guard let a = u64(), let b = u64(), let c = u64(), let d = u64() else { return nil }
            return FileSystem.Stamp(
                size: Int64(bitPattern: a), mtimeNanos: Int64(bitPattern: b), ctimeNanos: Int64(bitPattern: c), inode: d
            )
        }
    }

    struct Writer {
        var out: [UInt8]
        mutating func u64(_ v: UInt64) {
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
        }
        mutating func string(_ s: String) {
            let b = Array(s.utf8.prefix(65535))
            out.append(UInt8(truncatingIfNeeded: b.count))
            out.append(UInt8(truncatingIfNeeded: b.count >> 8))
            out.append(contentsOf: b)
        }
        mutating func oid(_ id: ObjectID?) {
            out.append(id == nil ? 0 : 1)
            out.append(contentsOf: id?.bytes ?? [UInt8](repeating: 0, count: 20))
        }
        mutating func stamp(_ s: FileSystem.Stamp) {
            u64(UInt64(bitPattern: s.size))
            u64(UInt64(bitPattern: s.mtimeNanos))
            u64(UInt64(bitPattern: s.ctimeNanos))
            u64(s.inode)
        }
    }

    /// The per-file cache (nil when there is none); with `scope`, only entries under those
    /// folders are decoded, and the other records are returned as they were read.
    static func readFiles(_ path: String, scope: [String]? = nil) -> (
        entries: [String: (stamp: FileSystem.Stamp, blob: ObjectID)], others: [UInt8]
    )? {
        guard let bytes = CacheFile.read(path, name: filesCacheName, version: formatVersion) else { return nil }
        var out: [String: (stamp: FileSystem.Stamp, blob: ObjectID)] = [:]
        var others: [UInt8] = []
        let prefixes = scope?.map { Array($0.utf8) }
        bytes.withUnsafeBufferPointer { buf in
            var r = Reader(buf: buf, i: 0)
            while r.i < buf.count {
                let start = r.i
                if let prefixes, r.i + 2 <= buf.count {
                    let n = Int(buf[r.i]) | Int(buf[r.i + 1]) << 8
                    // A record is the path (2 + n bytes), the stamp (32) and the blob id (21).
                    let end = r.i + 2 + n + 32 + 21
                    guard end <= buf.count else { return }
                    let name = UnsafeBufferPointer(rebasing: buf[(r.i + 2)..<(r.i + 2 + n)])
                    if !prefixes.contains(where: { p in p.count <= n && name.prefix(p.count).elementsEqual(p) }) {
                        others.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<end]))
                        r.i = end
                        continue
                    }
                }
                guard let p = r.string(), let s = r.stamp(), let id = r.oid() else { return }
                out[p] = (s, id)
            }
        }
        return (out, others)
    }

    static func writeFiles(
        _ path: String, _ entries: [String: (stamp: FileSystem.Stamp, blob: ObjectID)], others: [UInt8] = []
    ) {
        var w = Writer(out: others)
        for (p, e) in entries {
            w.string(p)
            w.stamp(e.stamp)
            w.oid(e.blob)
        }
        CacheFile.write(w.out, to: path, name: filesCacheName, version: formatVersion)
    }

    static func readDirectories(_ path: String) -> [String: DirectoryRecord] {
        guard let bytes = CacheFile.read(path, name: dirsCacheName, version: formatVersion) else { return [:] }
        var out: [String: DirectoryRecord] = [:]
        bytes.withUnsafeBufferPointer { buf in
            var r = Reader(buf: buf, i: 0)
            while r.i < buf.count {
                guard let p = r.string(), let stamp = r.stamp() else { return }
                let tree = r.oid()
                guard let fp = r.u64(), let flags = r.u64(), let count = r.u64() else { return }
                var names: [(String, Bool)] = []
                // Never reserve from a length field: at most one name per remaining 3 bytes.
                guard count <= UInt64(buf.count - r.i) / 3 else { return }
                names.reserveCapacity(Int(count))
                for _ in 0..<count {
                    guard let n = r.string(), r.i < buf.count else { return }
                    names.append((n, buf[r.i] == 1))
                    r.i += 1
                }
                out[p] = DirectoryRecord(
                    stamp: stamp, names: names, headTree: tree, fingerprint: fp, clean: flags & 1 == 1)
            }
        }
        return out
    }

    static func writeDirectories(_ path: String, _ dirs: [String: DirectoryRecord]) {
        var w = Writer(out: [])
        for (p, d) in dirs {
            w.string(p)
            w.stamp(d.stamp)
            w.oid(d.headTree)
            w.u64(d.fingerprint)
            w.u64(d.clean ? 1 : 0)
            w.u64(UInt64(d.names.count))
            for n in d.names {
                w.string(n.name)
                w.out.append(n.isDirectory ? 1 : 0)
            }
        }
        CacheFile.write(w.out, to: path, name: dirsCacheName, version: formatVersion)
    }
}
