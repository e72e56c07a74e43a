import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program with posix_spawn: standard input from a file (or /dev/null), output and errors
/// to files. Used instead of Foundation's `Process`, whose `run()` in Swift 6.3.1 on Linux
/// occasionally corrupts memory when tests spawn many processes in parallel.
public enum Spawn {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes an executable script. The file is opened close-on-exec, so a process another test
    /// spawns meanwhile cannot inherit it open for writing, which would make running the script
    /// fail with "Text file busy" (ETXTBSY) for as long as that process lives.
    public static func writeExecutable(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "cannot write \(path): errno \(errno)") }
            written += n
        }
        fchmod(fd, 0o755)
    }

    /// Returns the exit status (128 + signal for a signalled child). Times out after `timeout`.
    public static func run(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String],
        stdin: String?, stdout: String, stderr: String, timeout: Duration = .seconds(60)
    ) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A fresh signal mask and default dispositions in the child.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // The working directory through GNU env's --chdir (posix_spawn_file_actions_addchdir_np is
        // not visible to Swift through Glibc).
        let argv: [UnsafeMutablePointer<CChar>?] =
            (["/usr/bin/env", "-C", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw Failure(description: "waitpid: \(String(cString: strerror(errno)))") }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failure(
                    description: "timed out after \(timeout): \(executable) \(arguments.joined(separator: " "))")
            }
            usleep(2_000)
        }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }
}

extension Spawn {
    /// Runs a program and returns its exit status, standard output (bytes) and standard error.
    public static func capture(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String],
        input: [UInt8]? = nil, timeout: Duration = .seconds(60)
    ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        let io = NSTemporaryDirectory() + "pactoria-spawn-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: io, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: io) }
        var stdinPath: String?
        if let input {
            stdinPath = io + "/in"
            FileManager.default.createFile(atPath: stdinPath!, contents: Data(input))
        }
        let status = try run(
            executable, arguments, directory: directory, environment: environment, stdin: stdinPath,
            stdout: io + "/out", stderr: io + "/err", timeout: timeout)
        let out = (try? Data(contentsOf: URL(fileURLWithPath: io + "/out"))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: io + "/err"))) ?? Data()
        return (status, Array(out), String(decoding: err, as: UTF8.self))
    }
}
