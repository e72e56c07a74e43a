import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A request as received by `LoopbackHTTPServer`.
public struct RecordedRequest: Sendable {
    /// 0-based order in which the server finished reading requests.
    public var index: Int
    public var method: String
    /// The request target as sent, e.g. `/v1/chat/completions?stream=false`.
    public var target: String
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// `target` without its query string.
    public var path: String { String(target.prefix { $0 != "?" }) }
    /// The body decoded as UTF-8.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// What `LoopbackHTTPServer` answers. `Content-Length` and `Connection: close` are added.
public struct ScriptedResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Wait this long before answering (to provoke client timeouts).
    public var delay: Duration
    /// Close the connection without answering at all.
    public var dropConnection: Bool

    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        delay: Duration = .zero, dropConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.dropConnection = dropConnection
    }

    public static func text(
        _ text: String, status: Int = 200, headers: [(name: String, value: String)] = [], delay: Duration = .zero
    ) -> ScriptedResponse {
        ScriptedResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array(text.utf8), delay: delay)
    }

    public static func json(
        _ json: String, status: Int = 200, headers: [(name: String, value: String)] = [], delay: Duration = .zero
    ) -> ScriptedResponse {
        ScriptedResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8),
            delay: delay)
    }
}

public struct LoopbackServerError: Error, CustomStringConvertible {
    public var description: String

    public static func posix(_ call: String) -> LoopbackServerError {
        LoopbackServerError(description: "\(call) failed: \(String(cString: strerror(errno)))")
    }
}

/// A small blocking HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for tests.
///
/// Every request is read in full (Content-Length or chunked body), recorded, and answered
/// from the scripted handler, one thread per connection, one request per connection
/// (`Connection: close`). Nothing outside the loopback interface is reachable.
public final class LoopbackHTTPServer: Sendable {
    public typealias Handler = @Sendable (RecordedRequest) -> ScriptedResponse

    public let port: UInt16
    private let listener: Int32
    private let state: State
    private let acceptLoopDone = DispatchSemaphore(value: 0)

    /// `http://127.0.0.1:<port>`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` followed by `path` (which should start with "/").
    public func url(_ path: String = "/") -> String { baseURL + path }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Starts listening; `handler` is called (on a connection thread) for every request.
    public init(handler: @escaping Handler) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackServerError.posix("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let error = LoopbackServerError.posix("bind")
            close(fd)
            throw error
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0, listen(fd, 64) == 0 else {
            let error = LoopbackServerError.posix("getsockname/listen")
            close(fd)
            throw error
        }

        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        state = State()

        let thread = Thread { [state, acceptLoopDone] in
            Self.acceptLoop(listener: fd, state: state, handler: handler)
            acceptLoopDone.signal()
        }
        thread.name = "LoopbackHTTPServer:\(port)"
        thread.start()
    }

    /// Answers with `responses` in order; once they run out the last one repeats.
    public convenience init(responses: [ScriptedResponse]) throws {
        precondition(!responses.isEmpty, "give at least one response")
        try self.init { request in responses[min(request.index, responses.count - 1)] }
    }

    /// Stops accepting, abandons pending delayed answers and waits for connection threads.
    /// Safe to call more than once; also called by `deinit`.
    public func stop() {
        let wasRunning = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard wasRunning else { return }
        acceptLoopDone.wait()
        close(listener)
        let deadline = ContinuousClock.now + .seconds(5)
        while state.withLock({ $0.activeConnections }) > 0, ContinuousClock.now < deadline {
            usleep(5_000)
        }
    }

    deinit { stop() }

    /// A loopback port with (almost certainly) nothing listening: bound, then released.
    public static func unusedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackServerError.posix("socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw LoopbackServerError.posix("bind") }
        return UInt16(bigEndian: address.sin_port)
    }

    // MARK: - Internals

    final class State: @unchecked Sendable {
        struct Values {
            var requests: [RecordedRequest] = []
            var stopped = false
            var activeConnections = 0
        }

        private let lock = NSLock()
        private var values = Values()

        func withLock<R>(_ body: (inout Values) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&values)
        }

        var isStopped: Bool { withLock { $0.stopped } }
    }

    private static func acceptLoop(listener: Int32, state: State, handler: @escaping Handler) {
        while !state.isStopped {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            state.withLock { $0.activeConnections += 1 }
            let connection = Thread {
                serve(client, state: state, handler: handler)
                close(client)
                state.withLock { $0.activeConnections -= 1 }
            }
            connection.start()
        }
    }

    private static func serve(_ fd: Int32, state: State, handler: Handler) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var reader = SocketReader(fd: fd)
        guard var request = readRequest(&reader, fd: fd) else { return }

        request = state.withLock { values in
            request.index = values.requests.count
            values.requests.append(request)
            return request
        }
        let response = handler(request)

        let deadline = ContinuousClock.now + response.delay
        while ContinuousClock.now < deadline {
            if state.isStopped { return }
            usleep(10_000)
        }
        if response.dropConnection { return }
        writeAll(fd, serialize(response))
        shutdown(fd, Int32(SHUT_WR))
    }

    private static func readRequest(_ reader: inout SocketReader, fd: Int32) -> RecordedRequest? {
        guard let requestLine = reader.readLine() else { return nil }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3 else { return nil }
        var headers: [(name: String, value: String)] = []
        while let line = reader.readLine() {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append(
                (
                    String(line[..<colon]),
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        var request = RecordedRequest(
            index: -1, method: String(parts[0]), target: String(parts[1]), headers: headers, body: [])

        if request.header("Expect")?.lowercased() == "100-continue" {
            writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            while true {
                guard let sizeLine = reader.readLine(),
                    let size = Int(sizeLine.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces), radix: 16)
                else { return nil }
                if size == 0 {
                    while let trailer = reader.readLine(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = reader.read(count: size), reader.readLine() != nil else { return nil }
                request.body += chunk
            }
        } else if let lengthText = request.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0, let body = reader.read(count: length) else { return nil }
            request.body = body
        }
        return request
    }

    private static func serialize(_ response: ScriptedResponse) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        if !response.headers.contains(where: { $0.name.lowercased() == "content-length" }) {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + response.body
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 {
                    if sent < 0, errno == EINTR { continue }
                    return
                }
                offset += sent
            }
        }
    }
}

/// Buffered reads from a connected socket.
private struct SocketReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    /// Reads more bytes; false at end of stream, error or timeout.
    private mutating func fill() -> Bool {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received < 0, errno == EINTR { continue }
            guard received > 0 else { return false }
            buffer += chunk.prefix(received)
            return true
        }
    }

    /// A line without its CRLF (or LF); nil at end of stream. Lines are limited to 64 KiB.
    mutating func readLine() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            guard buffer.count - start < 64 * 1024, fill() else { return nil }
        }
    }

    /// Exactly `count` bytes, or nil if the stream ends first.
    mutating func read(count: Int) -> [UInt8]? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let bytes = Array(buffer[start..<(start + count)])
        start += count
        return bytes
    }
}
