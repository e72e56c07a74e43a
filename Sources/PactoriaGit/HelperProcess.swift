import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a credential helper through `/bin/sh -c` with posix_spawn (Foundation's `Process` has
/// corrupted memory under Swift 6.3.1 when many processes are spawned in parallel): the input is
/// written to its standard input, its standard output collected, its standard error left to ours.
///
/// Standard input and output are sockets rather than pipes: writing to a helper that exits without
/// reading then fails with EPIPE instead of raising SIGPIPE in this process, and both are created
/// close-on-exec at once, so processes spawned concurrently by other threads inherit none of them.
enum HelperProcess {
    struct Result {
        var status: Int32
        var output: [UInt8]
    }

    /// The most output kept from a helper.
    static let outputLimit = 1 << 20

    /// Nil when the helper cannot be started or overruns `timeout` (it is then killed).
    static func run(shell command: String, input: [UInt8], environment: [String: String], timeout: Duration)
        -> Result?
    {
        var sv: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sv) == 0 else {
            return nil
        }
        var out: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &out) == 0 else {
            close(sv[0])
            close(sv[1])
            return nil
        }
        var parentIn = sv[0]
        let childIn = sv[1]
        let parentOut = out[0]
        let childOut = out[1]
        defer {
            if parentIn >= 0 { close(parentIn) }
            close(parentOut)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childIn, 0)
        posix_spawn_file_actions_adddup2(&actions, childOut, 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(childIn)
        close(childOut)
        guard rc == 0 else { return nil }

        let deadline = ContinuousClock.now + timeout
        func millisecondsLeft() -> Int32 {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return 0 }
            let (s, atto) = left.components
            return Int32(clamping: s * 1000 + atto / 1_000_000_000_000_000 + 1)
        }

        _ = fcntl(parentIn, F_SETFL, fcntl(parentIn, F_GETFL) | O_NONBLOCK)
        var sent = 0
        if input.isEmpty {
            close(parentIn)
            parentIn = -1
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var timedOut = false
        var outputOpen = true
        while outputOpen {
            let wait = millisecondsLeft()
            if wait == 0 {
                timedOut = true
                break
            }
            var fds = [pollfd(fd: parentOut, events: Int16(POLLIN), revents: 0)]
            if parentIn >= 0 { fds.append(pollfd(fd: parentIn, events: Int16(POLLOUT), revents: 0)) }
            let n = poll(&fds, nfds_t(fds.count), wait)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds.count > 1 && fds[1].revents != 0 {
                let w = input[sent...].withUnsafeBytes { send(parentIn, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if w > 0 { sent += w }
                if sent >= input.count || (w < 0 && errno != EAGAIN && errno != EINTR) {
                    close(parentIn)
                    parentIn = -1
                }
            }
            if fds[0].revents != 0 {
                let r = read(parentOut, &buffer, buffer.count)
                if r > 0 {
                    if output.count < outputLimit { output.append(contentsOf: buffer[..<r]) }
                } else if r == 0 || (errno != EINTR && errno != EAGAIN) {
                    outputOpen = false
                }
            }
        }
        if parentIn >= 0 {
            close(parentIn)
            parentIn = -1
        }

        var status: Int32 = 0
        while !timedOut {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return nil }
            if millisecondsLeft() == 0 { timedOut = true } else { usleep(2_000) }
        }
        if timedOut {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return nil
        }
        let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exit, output: output)
    }
}
