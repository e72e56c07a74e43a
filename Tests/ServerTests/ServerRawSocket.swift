import Foundation
import ServerTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the live server, for what libcurl will not do: hold a connection
/// idle, send half a request head, connect from another loopback address (127.0.0.2).
final class RawConnection {
    let fd: Int32

    init(port: Int, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_port = 0
            inet_pton(AF_INET, source, &local.sin_addr)
            let r = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard r == 0 else {
                close(fd)
                throw RawSocketError(description: "bind \(source): errno \(errno)")
            }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard r == 0 else {
            close(fd)
            throw RawSocketError(description: "connect: errno \(errno)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes the connection or `timeout` passes; `closed`
    /// tells which.
    func readAll(timeout: Double) -> (text: String, closed: Bool) {
        var out: [UInt8] = []
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = end.timeIntervalSinceNow
            if left <= 0 { return (String(decoding: out, as: UTF8.self), false) }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(max(1, left * 1000)))
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (String(decoding: out, as: UTF8.self), true) }
            out += buffer[0..<n]
        }
    }

    /// One request on a fresh connection (`Connection: close`), returning the status and the whole text.
    static func request(
        port: Int, from source: String? = nil, _ method: String, _ path: String, headers: [String] = [],
        body: String = ""
    ) throws -> (status: Int, text: String) {
        let c = try RawConnection(port: port, from: source)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for h in headers { head += h + "\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.utf8.count)\r\n" }
        c.send(head + "\r\n" + body)
        // Generous: a busy CI machine runs many live servers at once; only the status is asserted.
        let r = c.readAll(timeout: 60)
        let status = r.text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, r.text)
    }

    /// `request` on a thread of its own (never block the cooperative pool the server runs on).
    static func call(
        port: Int, from source: String? = nil, _ method: String, _ path: String, headers: [String] = [],
        body: String = ""
    ) async throws -> (status: Int, text: String) {
        try await blocking { try request(port: port, from: source, method, path, headers: headers, body: body) }
    }

    /// The JSON body of a raw response.
    static func json(_ text: String) -> [String: Any] {
        guard let r = text.range(of: "\r\n\r\n") else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(text[r.upperBound...].utf8)) as? [String: Any]) ?? [:]
    }
}

struct RawSocketError: Error, CustomStringConvertible {
    var description: String
}

/// Adds lines under `server:` in a LiveServer workspace's config (before the server starts).
func serverSettings(_ lines: [String]) -> (String) throws -> Void {
    { root in
        let file = root + "/.pactoria/config.yaml"
        let text =
            try String(contentsOfFile: file, encoding: .utf8) + "server:\n" + lines.map { "  " + $0 + "\n" }.joined()
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }
}
