#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One program to run, and how: arguments, environment, working directory, what goes to its
/// standard input, where its standard error goes, and how long it may take.
///
/// The one way Pactoria runs another program (hooks, credential helpers, test tools). It uses
/// posix_spawn (Foundation's `Process` has corrupted memory under Swift 6.3.1 when many processes
/// are spawned in parallel). The child leads a process group of its own, so a timeout kills
/// everything it started, not just the child. Its pipes are sockets, created close-on-exec, so a
/// child that exits without reading its input gives EPIPE rather than SIGPIPE here, and processes
/// spawned concurrently by other threads inherit none of them.
public struct ChildProcess: Sendable {
    /// Where the child's standard error goes.
    public enum ErrorOutput: Sendable, Equatable {
        /// Collected into `ProcessResult.errorOutput`.
        case capture
        /// Into the same stream as standard output.
        case mergeWithOutput
        /// To this process's standard error.
        case inherit
        /// To /dev/null.
        case discard
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    /// The working directory; this process's when nil.
    public var directory: String?
    /// Written to standard input, which is then closed; nil gives /dev/null.
    public var input: [UInt8]?
    public var errorOutput: ErrorOutput
    /// Past it the whole process group is killed and `run()` throws `timedOut`; nil waits for ever.
    public var timeout: Duration?
    /// The most output (and error output) kept; the rest is read and dropped.
    public var outputLimit: Int

    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String], directory: String? = nil,
        input: [UInt8]? = nil, errorOutput: ErrorOutput = .capture, timeout: Duration? = nil,
        outputLimit: Int = 256 << 20
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.input = input
        self.errorOutput = errorOutput
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// Runs the program to its end and returns its exit status and output.
    public func run() throws(ProcessError) -> ProcessResult {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var pipes = try Pipes(input: input != nil, errorOutput: errorOutput == .capture)
        defer { pipes.closeAll() }
        let pid = try spawn(&pipes)
        var exchange = Exchange(pipes: pipes, input: input ?? [], limit: outputLimit)
        let drained = exchange.run(until: deadline)
        pipes = exchange.pipes
        guard drained, let status = Self.wait(pid, until: deadline) else {
            // The group first (the child's own descendants), then the child in case it left it.
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw .timedOut(executable: executable, after: timeout ?? .zero)
        }
        return ProcessResult(status: status, output: exchange.output, errorOutput: exchange.errorOutput)
    }
}

/// How a program ended and what it wrote.
public struct ProcessResult: Sendable, Equatable {
    /// The exit status, or 128 + the signal for a child killed by one.
    public var status: Int32
    public var output: [UInt8]
    /// Empty unless standard error was captured.
    public var errorOutput: [UInt8]
}

public enum ProcessError: Error, Equatable, CustomStringConvertible {
    case cannotStart(executable: String, reason: String)
    case timedOut(executable: String, after: Duration)

    public var description: String {
        switch self {
        case let .cannotStart(executable, reason): "cannot run \(executable): \(reason)"
        case let .timedOut(executable, after): "\(executable) did not finish within \(after.seconds) and was stopped"
        }
    }
}

extension Duration {
    /// "2 seconds", "1.5 seconds".
    var seconds: String {
        let (s, atto) = components
        let tenths = atto / 100_000_000_000_000_000
        let text = tenths == 0 ? "\(s)" : "\(s).\(tenths)"
        return text + (text == "1" ? " second" : " seconds")
    }
}

// MARK: - Spawning

extension ChildProcess {
    private func spawn(_ pipes: inout Pipes) throws(ProcessError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let fd = pipes.childInput {
            posix_spawn_file_actions_adddup2(&actions, fd, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, pipes.childOutput, 1)
        switch errorOutput {
        case .capture: posix_spawn_file_actions_adddup2(&actions, pipes.childError ?? -1, 2)
        case .mergeWithOutput: posix_spawn_file_actions_adddup2(&actions, pipes.childOutput, 2)
        case .inherit: break
        case .discard: posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        if let directory {
            guard let addchdir = Self.addchdir, addchdir(&actions, directory) == 0 else {
                throw .cannotStart(executable: executable, reason: "cannot change to the directory \(directory)")
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A fresh signal mask, SIGPIPE at its default, and a process group of its own.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        pipes.closeChildEnds()
        guard rc == 0 else { throw .cannotStart(executable: executable, reason: String(cString: strerror(rc))) }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29), which its Swift module does not show.
    private typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32
    private static let addchdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// The exit status once the child has ended, nil past the deadline.
    private static func wait(_ pid: pid_t, until deadline: ContinuousClock.Instant?) -> Int32? {
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return -1 }
            if let deadline, ContinuousClock.now >= deadline { return nil }
            if r == 0 { usleep(1_000) }
        }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
