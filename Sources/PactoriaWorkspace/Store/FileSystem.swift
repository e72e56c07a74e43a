import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small, honest file helpers: atomic writes, stat, directory listing.
package enum FileSystem {
    /// Writes `data` to `path` atomically: a temporary file, fsync, rename, fsync of the folder.
    /// The temporary file is made in the workspace's scratch folder (`<git dir>/pactoria/tmp/`,
    /// which git never sees) when `path` is inside a workspace registered with `registerScratch`,
    /// so a kill between the write and the rename leaves nothing in the working tree; on another
    /// filesystem (EXDEV) it falls back to a dot-file beside the target (`.<name>.tmp-<pid>-<n>`,
    /// which is never staged and which `status` reports). `durable: false` skips the fsyncs, for
    /// caches (which are validated on read and rebuilt when they do not check out).
    ///
    /// A full disk (ENOSPC or EDQUOT) throws `diskFull` naming the file; nothing new is left.
    static func writeAtomically(_ data: [UInt8], to given: String, durable: Bool = true) throws(WorkspaceError) {
        let path = given.hasPrefix("/") ? given : absolute(given)
        let dir = (path as NSString).deletingLastPathComponent
        try makeDirectories(dir)
        let name = (path as NSString).lastPathComponent
        if let scratch = scratchDirectory(for: path) {
            do {
                try writeAndRename(
                    data, tmp: scratch + "/\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", to: path,
                    durable: durable)
                return
            } catch let e as ScratchUnusable {
                _ = e  // another filesystem, or no scratch folder: write beside the target instead
            } catch let e as WorkspaceError {
                throw e
            } catch {}
        }
        do {
            try writeAndRename(
                data, tmp: dir + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", to: path,
                durable: durable)
        } catch let e as WorkspaceError {
            throw e
        } catch {
            throw .io(path: path, message: "cannot write")
        }
    }

    /// The scratch folder could not be used (EXDEV on rename, or it cannot be created).
    private struct ScratchUnusable: Error {}

    private static func writeAndRename(_ data: [UInt8], tmp: String, to path: String, durable: Bool) throws {
        var fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT {
            // The scratch folder is made on first use.
            let folder = (tmp as NSString).deletingLastPathComponent
            if (try? makeDirectories(folder)) != nil { fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        }
        guard fd >= 0 else {
            if errno == ENOSPC || errno == EDQUOT { throw WorkspaceError.diskFull(path: path) }
            if !tmp.hasPrefix((path as NSString).deletingLastPathComponent + "/.") { throw ScratchUnusable() }
            throw WorkspaceError.io(path: path, message: "cannot write: \(errnoText())")
        }
        var failure: Int32 = 0
        data.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                offset += n
            }
        }
        if failure == 0 && durable && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(tmp)
            if failure == ENOSPC || failure == EDQUOT { throw WorkspaceError.diskFull(path: path) }
            throw WorkspaceError.io(path: path, message: "cannot write: \(String(cString: strerror(failure)))")
        }
        if rename(tmp, path) != 0 {
            let e = errno
            unlink(tmp)
            if e == EXDEV { throw ScratchUnusable() }
            if e == ENOSPC || e == EDQUOT { throw WorkspaceError.diskFull(path: path) }
            throw WorkspaceError.io(path: path, message: "cannot replace: \(String(cString: strerror(e)))")
        }
        if durable { syncDirectory((path as NSString).deletingLastPathComponent) }
    }

    /// Flushes a folder's entries (a rename or unlink in it) to disk; best effort.
    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    nonisolated(unsafe) private static var scratch: [(root: String, dir: String)] = []
    private static let scratchLock = NSLock()

    /// Temporary files of writes below `root` go to `dir` (created on first use; the same
    /// filesystem as the workspace in the usual layout, since it is inside the git directory).
    static func registerScratch(root: String, dir: String) {
        scratchLock.lock()
        defer { scratchLock.unlock() }
        if scratch.contains(where: { $0.root == root }) { return }
        scratch.append((root, dir))
    }

    static func scratchDirectory(for path: String) -> String? {
        scratchLock.lock()
        defer { scratchLock.unlock() }
        return scratch.first { path.hasPrefix($0.root + "/") }?.dir
    }

    /// Whether a file name is the temporary file of an interrupted atomic write
    /// (`.<name>.tmp-<pid>-<n>`, left beside the target by older versions or the EXDEV fallback).
    static func isLeftoverTemporary(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-", options: .backwards) else { return false }
        let tail = name[r.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        return tail.count == 2 && tail.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    package static func writeAtomically(_ text: String, to path: String) throws(WorkspaceError) {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Reads a regular file. A symbolic link (as the last component), a directory, a FIFO, a
    /// device or a socket is refused without being followed or blocked on: the file is opened
    /// with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` before a byte is read.
    package static func read(_ path: String) throws(WorkspaceError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ELOOP { throw .io(path: path, message: notRegular) }
            throw .io(path: path, message: "cannot read: \(errnoText())")
        }
        return try readOpened(fd, path: path)
    }

    /// The largest workspace file Pactoria reads (contract Markdown included): 64 MiB.
    static let maxFileBytes = 64 << 20

    /// The refusal of a symbolic link or special file, as one line.
    static let notRegular = "not a regular file (a symbolic link or special file); refused"

    /// Reads `relative` below the directory `root` without following a symbolic link in any
    /// component (`companies/acme -> /etc` is refused as well as `leak.md -> /etc/passwd`) and
    /// without leaving `root`: empty, `.` and `..` components are refused.
    static func readInside(root: String, _ relative: String, maxBytes: Int? = nil) throws(WorkspaceError) -> [UInt8] {
        let shown = relative
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !relative.hasPrefix("/"), !parts.isEmpty,
            !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else {
            throw .io(path: shown, message: "not a path inside the workspace; refused")
        }
        var dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw .io(path: shown, message: "cannot read: \(errnoText())") }
        for part in parts.dropLast() {
            let next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let e = errno
            close(dir)
            guard next >= 0 else {
                // ELOOP: a symbolic link; ENOTDIR: a file or special file where a folder should be.
                if e == ELOOP || e == ENOTDIR {
                    throw .io(
                        path: shown,
                        message:
                            "a folder on the path is not a real directory (a symbolic link or special file); refused")
                }
                throw .io(path: shown, message: "cannot read: \(String(cString: strerror(e)))")
            }
            dir = next
        }
        let fd = openat(dir, parts[parts.count - 1], O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        let e = errno
        close(dir)
        guard fd >= 0 else {
            if e == ELOOP { throw .io(path: shown, message: notRegular) }
            throw .io(path: shown, message: "cannot read: \(String(cString: strerror(e)))")
        }
        return try readOpened(fd, path: shown, maxBytes: maxBytes)
    }

    /// Reads an open descriptor to the end after checking that it is a regular file; closes it.
    /// With `maxBytes` (YAML files), at most that many bytes plus one are ever read: a larger file
    /// is refused as invalid YAML naming the file, before it costs memory or time.
    private static func readOpened(_ fd: Int32, path: String, maxBytes: Int? = nil) throws(WorkspaceError) -> [UInt8] {
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(path: path, message: "cannot read: \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .io(path: path, message: notRegular) }
        // A regular file never blocks; clear the flag so reads behave as usual.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        // YAML has its own limit (an invalid-YAML problem naming the file); any other workspace
        // file stops at `maxFileBytes`, so a huge or sparse file costs neither memory nor minutes.
        let cap = maxBytes ?? maxFileBytes
        func tooLarge(_ size: Int) -> WorkspaceError {
            let message = "file is \(size) bytes or more; the limit is \(cap) bytes"
            return maxBytes != nil
                ? .yaml(YAMLError(file: path, line: nil, column: nil, message: message))
                : .io(path: path, message: message + "; refused")
        }
        if st.st_size > cap { throw tooLarge(Int(st.st_size)) }
        var out: [UInt8] = []
        out.reserveCapacity(min(Int(st.st_size), cap + 1))
        // One more byte than the file's size shows EOF in one read; a buffer of 64 KiB for every
        // small file would cost more to clear than the file does to read.
        var chunk = [UInt8](repeating: 0, count: min(64 * 1024, max(4096, Int(st.st_size) + 1)))
        while true {
            // The file may grow while it is read: never take more than the limit plus one byte.
            if out.count > cap { throw tooLarge(out.count) }
            let want = min(chunk.count, cap + 1 - out.count)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, message: "cannot read: \(errnoText())")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    package static func readText(_ path: String) throws(WorkspaceError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// What is at `path`, without following a symbolic link; nil when nothing is.
    static func kind(_ path: String) -> Kind? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return Kind(mode: UInt32(st.st_mode))
    }

    /// The type of a directory entry, as `lstat` reports it.
    enum Kind: Equatable, Sendable {
        case regular, directory, symbolicLink, special

        init(mode: UInt32) {
            switch mode & UInt32(S_IFMT) {
            case UInt32(S_IFREG): self = .regular
            case UInt32(S_IFDIR): self = .directory
            case UInt32(S_IFLNK): self = .symbolicLink
            default: self = .special
            }
        }

        /// How a refusal names it.
        var noun: String {
            switch self {
            case .regular: "regular file"
            case .directory: "directory"
            case .symbolicLink: "symbolic link"
            case .special: "special file (FIFO, device or socket)"
            }
        }
    }

    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    package static func makeDirectories(_ path: String) throws(WorkspaceError) {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            if errno == ENOSPC || errno == EDQUOT { throw .diskFull(path: path) }
            throw .io(path: path, message: "cannot create directory: \(errnoText())")
        }
        guard isDirectory(path) else { throw .io(path: path, message: "cannot create directory: a file is in the way") }
    }

    /// Names in a directory (not `.`/`..`), unsorted; empty when it does not exist.
    package static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// Names in a directory with whether each is a directory (from `d_type`, no stat needed).
    static func listTyped(_ path: String) -> [(name: String, isDirectory: Bool)] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [(String, Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            var isDir = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) { isDir = kind(path + "/" + name) == .directory }
            out.append((name, isDir))
        }
        return out
    }

    /// Stamps of `names` inside `directory`, looked up relative to one open directory handle.
    static func stamps(in directory: String, names: [String]) -> [Stamp?] {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return names.map { _ in nil } }
        defer { close(fd) }
        return names.map { name in
            var st = stat()
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
            return stamp(st)
        }
    }

    static func stamp(_ st: stat) -> Stamp {
        Stamp(
            size: Int64(st.st_size),
            mtimeNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            ctimeNanos: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            inode: UInt64(st.st_ino), kind: Kind(mode: UInt32(st.st_mode)))
    }

    /// What identifies a file's version cheaply: size, modification and change times, inode.
    package struct Stamp: Equatable, Sendable {
        var size: Int64
        var mtimeNanos: Int64
        var ctimeNanos: Int64
        var inode: UInt64
        /// What the entry is. Not in the cache files, nor in equality: replacing a file by a
        /// link or a FIFO changes its inode and ctime anyway, and a directory's cached stamp must
        /// still match once read back. Callers that care check `kind` itself.
        var kind: Kind = .regular

        package static func == (a: Stamp, b: Stamp) -> Bool {
            a.size == b.size && a.mtimeNanos == b.mtimeNanos && a.ctimeNanos == b.ctimeNanos && a.inode == b.inode
        }
    }

    /// The stamp of `path` itself: a symbolic link is not followed (its `kind` says so).
    package static func stamp(_ path: String) -> Stamp? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return stamp(st)
    }

    package static func remove(_ path: String) { unlink(path) }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func currentDirectory() -> String { FileManager.default.currentDirectoryPath }

    static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        let p = path.hasPrefix("/") ? path : (base ?? currentDirectory()) + "/" + path
        return (p as NSString).standardizingPath
    }
}

extension WorkspaceError {
    /// A write that found the disk full (ENOSPC or EDQUOT); the write it belongs to is undone.
    static func diskFull(path: String) -> WorkspaceError {
        .io(path: path, message: "the disk is full; nothing was changed — free some space and try again")
    }

    /// Whether this error is a full disk (ours, or libgit2's "No space left on device").
    public var isDiskFull: Bool {
        switch self {
        case .io(_, let message): return message.hasPrefix("the disk is full")
        case .repository(let message, let detail, _):
            return [message, detail].contains {
                $0.contains("No space left on device") || $0.contains("Disk quota exceeded")
            }
        default: return false
        }
    }
}
