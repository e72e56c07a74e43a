internal import CLibGit2

#if canImport(Glibc)
    import Glibc
#endif

/// What git recorded about a staged file when it last looked at it: the blob id it hashed and
/// the file's stat data at that moment. A file whose stat data still matches, and which was not
/// changed within the same clock tick as the index was written ("racily clean", as git says), still
/// holds that blob: this is how `git status` avoids reading a clean working tree.
public struct IndexStat: Sendable, Equatable {
    public var path: String
    public var id: ObjectID
    public var mode: UInt32
    /// The size git stores: the low 32 bits of the real size.
    public var size: UInt32
    public var mtimeNanos: Int64
    public var ctimeNanos: Int64
    /// The inode git stores: its low 32 bits.
    public var inode: UInt32
}

extension Index {
    /// The stage-0 entries whose path starts with one of `prefixes` and whose stat data can be
    /// trusted: changed strictly before the index file itself was last written (an entry as new
    /// as the index may have changed again within the same tick, so it is left out, as git
    /// re-checks such entries). Empty when the index file cannot be examined.
    public func trustedStats(under prefixes: [String]) -> [IndexStat] {
        guard let p = git_index_path(pointer) else { return [] }
        var st = stat()
        guard stat(p, &st) == 0 else { return [] }
        let written = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        var out: [IndexStat] = []
        let count = git_index_entrycount(pointer)
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_index_get_byindex(pointer, i)?.pointee, let cPath = e.path else { continue }
            // Stage bits (12–13 of flags): only stage 0, the file as it is staged.
            guard (e.flags >> 12) & 0x3 == 0 else { continue }
            let path = String(cString: cPath)
            guard prefixes.contains(where: { path.hasPrefix($0) }) else { continue }
            let mtime = Int64(e.mtime.seconds) * 1_000_000_000 + Int64(e.mtime.nanoseconds)
            let ctime = Int64(e.ctime.seconds) * 1_000_000_000 + Int64(e.ctime.nanoseconds)
            guard mtime < written, ctime < written, e.file_size != 0 else { continue }
            out.append(
                IndexStat(
                    path: path, id: ObjectID(e.id), mode: e.mode, size: e.file_size, mtimeNanos: mtime,
                    ctimeNanos: ctime, inode: e.ino))
        }
        return out
    }
}
