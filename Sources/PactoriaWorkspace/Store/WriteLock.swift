import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One writer at a time per workspace, across processes (the CLI and the server).
///
/// An advisory `flock(2)` on `.pactoria/cache/write.lock`: the kernel drops it when the holder
/// exits, so a crash can never leave it held. Inside the lock git's own `index.lock` still guards
/// the index against plain git.
///
/// While it holds the lock, the holder writes who it is into the same file (PID, the process's
/// start time from `/proc/<pid>/stat` so a reused PID is never taken for it, its command and
/// when it took the lock), so a waiter that times out can name it, and `GitLocks` can tell a git
/// lock left by a crash from one a Pactoria writer is using. The flock stays the real lock: the
/// record is only believed while its process is alive with the same start time.
public enum WriteLock {
    public static let path = ".pactoria/cache/write.lock"
    /// Where the lock lives when `.pactoria/cache` is not a folder (a file or a link in its place).
    static let fallbackPath = ".git/pactoria-write.lock"

    /// Who holds (or last held) the write lock.
    public struct Holder: Sendable, Equatable {
        public var pid: Int32
        /// Clock ticks since boot at which the process started (`/proc/<pid>/stat`, field 22).
        public var startTime: UInt64?
        public var command: String
        /// Seconds since 1970 when it took the lock.
        public var since: Double

        /// Whether the process is still running (and is the same process, not a reused PID).
        public var isAlive: Bool {
            guard kill(pid, 0) == 0 || errno == EPERM else { return false }
            if let startTime, let now = Processes.startTime(pid) { return now == startTime }
            return true
        }

        /// "PID 4242, <program and verb>, since 14:02:11"
        public var description: String {
            let f = DateFormatter()
            f.dateFormat = "HH:mm:ss"
            return "PID \(pid), \(command), since \(f.string(from: Date(timeIntervalSince1970: since)))"
        }

        var line: String { "\(pid)\t\(startTime.map(String.init) ?? "-")\t\(since)\t\(command)\n" }

        init(pid: Int32, startTime: UInt64?, command: String, since: Double) {
            self.pid = pid
            self.startTime = startTime
            self.command = command
            self.since = since
        }

        init?(line: Substring) {
            let parts = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let pid = Int32(parts[0]), pid > 0, let since = Double(parts[2]) else { return nil }
            self.init(
                pid: pid, startTime: UInt64(parts[1]),
                command: parts[3].trimmingCharacters(in: .whitespacesAndNewlines),
                since: since)
        }
    }

    /// How this process names itself in the lock (its program and what it is doing): what its
    /// front end set, else the program's name.
    public static var command: String {
        get {
            lock.lock()
            defer { lock.unlock() }
            return commandOverride ?? defaultCommand
        }
        set {
            lock.lock()
            commandOverride = newValue
            lock.unlock()
        }
    }

    nonisolated(unsafe) private static var commandOverride: String?
    private static let lock = NSLock()

    /// The program's name.
    static let defaultCommand: String =
        CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "pactoria"

    /// The lock file's path relative to the workspace root.
    static func relativePath(_ ws: Workspace) -> String { relativePath(root: ws.root) }
    static func relativePath(root: String) -> String { CacheFile.usable(root: root) ? path : fallbackPath }

    /// The holder recorded in the workspace's lock file, if that process is still alive.
    public static func liveHolder(_ ws: Workspace) -> Holder? { liveHolder(root: ws.root) }

    static func liveHolder(root: String) -> Holder? {
        let file = root + "/" + relativePath(root: root)
        guard let bytes = try? FileSystem.read(file), !bytes.isEmpty else { return nil }
        guard let holder = Holder(line: Substring(String(decoding: bytes.prefix(4096), as: UTF8.self))), holder.isAlive
        else { return nil }
        // The record is believed only while the flock is really held.
        let fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return holder
    }

    /// Runs `body` holding the workspace's write lock, waiting up to `timeout` for it.
    public static func withLock<T>(
        _ ws: Workspace, timeout: Duration = .seconds(30), _ body: () throws(WorkspaceError) -> T
    ) throws(WorkspaceError) -> T {
        let (fd, rel) = try openLockFile(ws)
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw .io(path: rel, message: "cannot take the write lock: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                if let holder = liveHolder(ws) {
                    throw .locked(
                        "another pactoria process (\(holder.description)) is writing to this workspace; try again when it finishes",
                        hint: "wait for PID \(holder.pid) (\(holder.command)) to finish", holderAlive: true)
                }
                throw .locked(
                    "another pactoria process is writing to this workspace; try again when it finishes",
                    hint: nil, holderAlive: true)
            }
            usleep(5_000)
        }
        return try holding(fd, body)
    }

    /// Runs `body` holding the write lock if no other process holds it right now; nil when one
    /// does (or the lock file cannot be opened). For work that must never wait on, or race, a
    /// live writer: finishing what a dead one left (`Recovery.onOpen`).
    static func ifFree<T>(_ ws: Workspace, _ body: () -> T) -> T? {
        guard let (fd, _) = try? openLockFile(ws) else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return nil }
        return holding(fd, body)
    }

    /// The lock file, opened (and its folder made): `.pactoria/cache/write.lock`, or the fallback
    /// in the git folder when `.pactoria/cache` is not a folder; never through a link.
    private static func openLockFile(_ ws: Workspace) throws(WorkspaceError) -> (fd: Int32, relative: String) {
        let rel = relativePath(ws)
        let file = ws.absolute(rel)
        if rel == path {
            try? FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw .io(path: rel, message: "cannot open the write lock: \(String(cString: strerror(errno)))")
        }
        return (fd, rel)
    }

    /// With the flock on `fd` taken: records this process as the holder, runs `body`, then
    /// clears the record and releases the flock.
    private static func holding<T, E: Error>(_ fd: Int32, _ body: () throws(E) -> T) throws(E) -> T {
        let me = getpid()
        let holder = Holder(
            pid: me, startTime: Processes.startTime(me), command: command, since: Date().timeIntervalSince1970)
        record(fd, holder.line)
        defer {
            record(fd, "")
            flock(fd, LOCK_UN)
        }
        return try body()
    }

    /// Replaces the lock file's content (best effort: the flock is the lock, the record a courtesy).
    private static func record(_ fd: Int32, _ text: String) {
        _ = ftruncate(fd, 0)
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
}

/// What Linux's `/proc` says about processes (nothing, elsewhere).
enum Processes {
    /// The start time of `pid` in clock ticks since boot (`/proc/<pid>/stat`, field 22).
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let bytes = try? FileSystem.read("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command (field 2) is in parentheses and may hold spaces: count from the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The short command name of `pid` (`/proc/<pid>/comm`).
    static func name(_ pid: Int32) -> String? {
        guard let bytes = try? FileSystem.read("/proc/\(pid)/comm") else { return nil }
        let s = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }
}
