import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small, honest file helpers: atomic writes, stat, directory listing.
enum FileSystem {
    /// Writes `data` to `path` atomically: a temporary file in the same directory, fsync, rename.
    /// `durable: false` skips the fsync, for caches (which are validated on read and rebuilt
    /// when they do not check out).
    static func writeAtomically(_ data: [UInt8], to given: String, durable: Bool = true) throws(WorkspaceError) {
        let path = given.hasPrefix("/") ? given : absolute(given)
        let dir = (path as NSString).deletingLastPathComponent
        try makeDirectories(dir)
        let tmp = dir + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, message: "cannot write: \(errnoText())") }
        var ok = true
        data.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    break
                }
                offset += n
            }
        }
        if ok && durable && fsync(fd) != 0 { ok = false }
        let writeError = errnoText()
        close(fd)
        guard ok else {
            unlink(tmp)
            throw .io(path: path, message: "cannot write: \(writeError)")
        }
        if rename(tmp, path) != 0 {
            let e = errnoText()
            unlink(tmp)
            throw .io(path: path, message: "cannot replace: \(e)")
        }
    }

    static func writeAtomically(_ text: String, to path: String) throws(WorkspaceError) {
        try writeAtomically(Array(text.utf8), to: path)
    }

    static func read(_ path: String) throws(WorkspaceError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, message: "cannot read: \(errnoText())") }
        defer { close(fd) }
        var st = stat()
        var out: [UInt8] = []
        if fstat(fd, &st) == 0 { out.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, message: "cannot read: \(errnoText())")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    static func readText(_ path: String) throws(WorkspaceError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func makeDirectories(_ path: String) throws(WorkspaceError) {
        if isDirectory(path) { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, message: "cannot create directory")
        }
    }

    /// Names in a directory (not `.`/`..`), unsorted; empty when it does not exist.
    static func list(_ path: String) -> [String] {
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
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) { isDir = isDirectory(path + "/" + name) }
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
            inode: UInt64(st.st_ino))
    }

    /// What identifies a file's version cheaply: size, modification and change times, inode.
    struct Stamp: Equatable, Sendable {
        var size: Int64
        var mtimeNanos: Int64
        var ctimeNanos: Int64
        var inode: UInt64
    }

    static func stamp(_ path: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Stamp(
            size: Int64(st.st_size),
            mtimeNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            ctimeNanos: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            inode: UInt64(st.st_ino))
    }

    static func remove(_ path: String) { unlink(path) }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func currentDirectory() -> String { FileManager.default.currentDirectoryPath }

    static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        let p = path.hasPrefix("/") ? path : (base ?? currentDirectory()) + "/" + path
        return (p as NSString).standardizingPath
    }
}
