import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One of git's lock files (`index.lock`, `HEAD.lock`, `refs/heads/main.lock`, …), as found.
public struct GitLock: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// A live process holds it (has it open, or is a git or Pactoria process at work in this
        /// repository): never to be removed.
        case held(pid: Int32, command: String)
        /// No process holds it: left by a crash or a kill, and safe to remove.
        case stale
        /// Its holder cannot be told (no `/proc`, or processes it cannot see) and it is recent.
        case unknown
    }

    /// Relative to the workspace root when the git folder is inside it (`.git/index.lock`).
    public var path: String
    public var absolutePath: String
    /// Seconds since the lock file was last modified.
    public var age: Double
    public var state: State

    public var isStale: Bool { state == .stale }

    /// The exact safe thing to do.
    public var hint: String {
        switch state {
        case .held(let pid, let command): return "wait for PID \(pid) (\(command)) to finish"
        case .stale: return "rm \(path)"
        case .unknown: return "wait for the git process using it to finish; if none is running: rm \(path)"
        }
    }

    /// "…/index.lock is held by PID 42 (git)" or "…/index.lock is stale (left by a process that
    /// is no longer running, 12 minutes old)".
    public var description: String {
        switch state {
        case .held(let pid, let command): return "\(path) is held by PID \(pid) (\(command)), which is still running"
        case .stale:
            return "\(path) is stale (left by a process that is no longer running, \(GitLocks.describe(age: age)) old)"
        case .unknown: return "\(path) is held by another process (\(GitLocks.describe(age: age)) old)"
        }
    }
}

/// Git's lock files in a workspace's repository, and whether a live process holds each.
///
/// On Linux every process's open files are listed under `/proc/<pid>/fd`: a process with the
/// lock file open holds it. A git process can also hold a lock without keeping it open (`git
/// commit` while its editor is up), so a live git process working in this repository (its
/// current folder inside it) counts as a holder too, as does a live Pactoria writer (its write
/// lock's record names its PID). With none of those, the lock is stale. Where `/proc` cannot
/// tell (no `/proc`, or a git process whose files cannot be read), a lock older than
/// `staleAfter` with no Pactoria writer is stale and a younger one is `unknown`. Nothing here
/// deletes a lock; `removeStale` removes only locks found stale, re-checked just before.
public enum GitLocks {
    /// Ten minutes.
    public static let staleAfter: Double = 600

    /// The lock files git uses, relative to the git folder (`refs/` is searched for `*.lock`).
    static let fixedNames = [
        "index.lock", "HEAD.lock", "packed-refs.lock", "config.lock", "ORIG_HEAD.lock", "MERGE_HEAD.lock",
    ]

    /// The lock files present in the workspace's repository, with their holders.
    public static func inspect(_ ws: Workspace) -> [GitLock] { inspect(root: ws.root) }

    static func inspect(root: String) -> [GitLock] {
        guard let dir = gitDirectory(root: root) else { return [] }
        var found: [String] = []
        for name in fixedNames where FileSystem.kind(dir + "/" + name) != nil { found.append(dir + "/" + name) }
        found += lockFiles(under: dir + "/refs")
        guard !found.isEmpty else { return [] }
        return describe(found, root: root)
    }

    /// The lock at `absolutePath` (named by libgit2), described as `inspect` would.
    static func lock(at absolutePath: String, root: String) -> GitLock? {
        guard FileSystem.kind(absolutePath) != nil else { return nil }
        return describe([absolutePath], root: root).first
    }

    /// Removes the locks found stale (each re-checked just before), never a held one. Returns
    /// the ones removed and the ones left.
    public static func removeStale(_ ws: Workspace) -> (removed: [GitLock], kept: [GitLock]) {
        var removed: [GitLock] = []
        var kept: [GitLock] = []
        for lock in inspect(ws) {
            guard lock.isStale, let again = self.lock(at: lock.absolutePath, root: ws.root), again.isStale,
                unlink(lock.absolutePath) == 0
            else {
                kept.append(lock)
                continue
            }
            removed.append(lock)
        }
        return (removed, kept)
    }

    // MARK: - Finding the files

    /// The repository's git folder: `.git`, or where a `.git` file (`gitdir: …`) points.
    static func gitDirectory(root: String) -> String? {
        let dotGit = root + "/.git"
        switch FileSystem.kind(dotGit) {
        case .directory: return dotGit
        case .regular:
            guard let text = try? FileSystem.readText(dotGit),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("gitdir:") })
            else { return nil }
            let target = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            return target.hasPrefix("/") ? target : root + "/" + target
        default: return nil
        }
    }

    private static func lockFiles(under dir: String) -> [String] {
        var out: [String] = []
        var stack = [dir]
        var visited = 0
        while let d = stack.popLast(), visited < 10_000 {
            visited += 1
            for e in FileSystem.listTyped(d) {
                let p = d + "/" + e.name
                if e.isDirectory { stack.append(p) } else if e.name.hasSuffix(".lock") { out.append(p) }
            }
        }
        return out.sorted()
    }

    // MARK: - Holders

    private static func describe(_ files: [String], root: String) -> [GitLock] {
        let now = Date().timeIntervalSince1970
        let scan = ProcessScan(locks: files, root: root)
        let writer: WriteLock.Holder? = {
            guard let h = WriteLock.liveHolder(root: root), h.pid != getpid() else { return nil }
            return h
        }()
        return files.map { file in
            let stamp = FileSystem.stamp(file)
            let age = stamp.map { now - Double($0.mtimeNanos) / 1e9 } ?? 0
            let state: GitLock.State
            if let h = scan.openers[file]?.first {
                state = .held(pid: h.pid, command: h.name)
            } else if let g = scan.gitInRepository.first {
                state = .held(pid: g.pid, command: g.name)
            } else if let writer {
                state = .held(pid: writer.pid, command: writer.command)
            } else if scan.conclusive || age >= staleAfter {
                state = .stale
            } else {
                state = .unknown
            }
            return GitLock(path: shown(file, root: root), absolutePath: file, age: max(0, age), state: state)
        }
    }

    static func shown(_ file: String, root: String) -> String {
        !root.isEmpty && file.hasPrefix(root + "/") ? String(file.dropFirst(root.count + 1)) : file
    }

    static func describe(age: Double) -> String {
        let s = Int(age)
        if s < 60 { return "\(s) second\(s == 1 ? "" : "s")" }
        if s < 3600 { return "\(s / 60) minute\(s / 60 == 1 ? "" : "s")" }
        if s < 86400 { return "\(s / 3600) hour\(s / 3600 == 1 ? "" : "s")" }
        return "\(s / 86400) day\(s / 86400 == 1 ? "" : "s")"
    }

    /// One pass over `/proc`: who has each lock open, which git processes work in the repository,
    /// and whether every git process could be seen.
    struct ProcessScan {
        struct Proc { var pid: Int32; var name: String }
        var openers: [String: [Proc]] = [:]
        var gitInRepository: [Proc] = []
        /// True when `/proc` was readable and no git process hid its files.
        var conclusive = false

        init(locks: [String], root: String) {
            #if os(Linux)
                guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
                // Lock paths as the kernel shows them (resolved, in case the root is reached through a link).
                var wanted: [String: String] = [:]
                for l in locks { wanted[Self.resolved(l)] = l }
                let realRoot = Self.resolved(root)
                var blind = false
                for entry in entries {
                    guard let pid = Int32(entry), pid > 0 else { continue }
                    let name = Processes.name(pid) ?? "process"
                    let isGit = name == "git" || name.hasPrefix("git-")
                    let fdDir = "/proc/\(pid)/fd"
                    guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDir) else {
                        if isGit && kill(pid, 0) == 0 || isGit && errno == EPERM { blind = true }
                        continue
                    }
                    for fd in fds {
                        guard let target = Self.link(fdDir + "/" + fd), let lock = wanted[target] else { continue }
                        openers[lock, default: []].append(Proc(pid: pid, name: name))
                    }
                    if isGit, let cwd = Self.link("/proc/\(pid)/cwd"), cwd == realRoot || cwd.hasPrefix(realRoot + "/")
                    {
                        gitInRepository.append(Proc(pid: pid, name: name))
                    }
                }
                conclusive = !blind
            #endif
        }

        static func link(_ path: String) -> String? {
            var buf = [CChar](repeating: 0, count: 4096)
            let n = readlink(path, &buf, buf.count - 1)
            guard n > 0 else { return nil }
            return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        static func resolved(_ path: String) -> String {
            guard let r = realpath(path, nil) else { return path }
            defer { free(r) }
            return String(cString: r)
        }
    }
}
