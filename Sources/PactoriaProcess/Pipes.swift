#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The child's standard streams as socket pairs: the parent's end and the child's end of each.
/// A closed end is -1 (nil for the optional ones).
struct Pipes {
    var input: Int32?
    var childInput: Int32?
    var output: Int32 = -1
    var childOutput: Int32 = -1
    var error: Int32?
    var childError: Int32?

    init(input wantsInput: Bool, errorOutput wantsError: Bool) throws(ProcessError) {
        do {
            (output, childOutput) = try Self.pair()
            if wantsInput { (input, childInput) = try Self.pair() }
            if wantsError { (error, childError) = try Self.pair() }
        } catch {
            closeAll()
            throw error
        }
    }

    private static func pair() throws(ProcessError) -> (parent: Int32, child: Int32) {
        var sv: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sv) == 0 else {
            throw .cannotStart(executable: "a process", reason: "no pipe: \(String(cString: strerror(errno)))")
        }
        return (sv[0], sv[1])
    }

    mutating func closeChildEnds() {
        Self.shut(&childInput)
        Self.shut(&childError)
        if childOutput >= 0 { _ = close(childOutput) }
        childOutput = -1
    }

    mutating func closeAll() {
        closeChildEnds()
        Self.shut(&input)
        Self.shut(&error)
        if output >= 0 { _ = close(output) }
        output = -1
    }

    static func shut(_ fd: inout Int32?) {
        if let d = fd, d >= 0 { _ = close(d) }
        fd = nil
    }
}

/// Feeds the child its input and collects its output and error output, all at once (so neither
/// side can block on a full pipe), until both outputs reach their end or the deadline passes.
struct Exchange {
    var pipes: Pipes
    let input: [UInt8]
    let limit: Int
    var sent = 0
    var output: [UInt8] = []
    var errorOutput: [UInt8] = []

    init(pipes: Pipes, input: [UInt8], limit: Int) {
        self.pipes = pipes
        self.input = input
        self.limit = limit
        if let fd = pipes.input {
            if input.isEmpty {
                Pipes.shut(&self.pipes.input)
            } else {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            }
        }
    }

    /// False when the deadline passed first.
    mutating func run(until deadline: ContinuousClock.Instant?) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while pipes.output >= 0 || pipes.error != nil {
            let wait = Self.millisecondsLeft(deadline)
            if wait == 0 { return false }
            var fds: [pollfd] = []
            if pipes.output >= 0 { fds.append(pollfd(fd: pipes.output, events: Int16(POLLIN), revents: 0)) }
            if let fd = pipes.error { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let fd = pipes.input { fds.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            let n = poll(&fds, nfds_t(fds.count), wait)
            if n < 0 {
                if errno == EINTR { continue }
                return true
            }
            for fd in fds where fd.revents != 0 {
                if fd.fd == pipes.input { feed() } else { drain(fd.fd, &buffer) }
            }
        }
        Pipes.shut(&pipes.input)
        return true
    }

    private mutating func feed() {
        guard let fd = pipes.input else { return }
        let w = input[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if w > 0 { sent += w }
        if sent >= input.count || (w < 0 && errno != EAGAIN && errno != EINTR) { Pipes.shut(&pipes.input) }
    }

    private mutating func drain(_ fd: Int32, _ buffer: inout [UInt8]) {
        let r = read(fd, &buffer, buffer.count)
        if r > 0 {
            if fd == pipes.output {
                if output.count < limit { output.append(contentsOf: buffer[..<min(r, limit - output.count)]) }
            } else if errorOutput.count < limit {
                errorOutput.append(contentsOf: buffer[..<min(r, limit - errorOutput.count)])
            }
            return
        }
        if r < 0 && (errno == EINTR || errno == EAGAIN) { return }
        if fd == pipes.output {
            _ = close(fd)
            pipes.output = -1
        } else {
            Pipes.shut(&pipes.error)
        }
    }

    /// For poll: -1 without a deadline, 0 once it has passed.
    private static func millisecondsLeft(_ deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = deadline - ContinuousClock.now
        if left <= .zero { return 0 }
        let (s, atto) = left.components
        return Int32(clamping: s * 1000 + atto / 1_000_000_000_000_000 + 1)
    }
}
