import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer at a time per workspace, across processes (the CLI and `pactoria serve`).
///
/// An advisory `flock(2)` on `.pactoria/cache/write.lock`: the kernel drops it when the holder
/// exits, so a crash can never leave it held. Inside the lock git's own `index.lock` still guards
/// the index against plain git.
public enum WriteLock {
    public static let path = ".pactoria/cache/write.lock"

    /// Runs `body` holding the workspace's write lock, waiting up to `timeout` for it.
    public static func withLock<T>(
        _ ws: Workspace, timeout: Duration = .seconds(30), _ body: () throws(WorkspaceError) -> T
    ) throws(WorkspaceError) -> T {
        let file = ws.absolute(path)
        try? FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(path: path, message: "cannot open the write lock: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw .io(path: path, message: "cannot take the write lock: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                throw .refused("another pactoria process is writing to this workspace; try again in a moment")
            }
            usleep(5_000)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
