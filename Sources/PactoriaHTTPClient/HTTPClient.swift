internal import CCurl
internal import Foundation

/// A blocking HTTP/1.1 client over libcurl. Each `send` uses its own easy handle, so one
/// client may be used from many threads at once.
///
/// Redirects are not followed, only `http` and `https` URLs are allowed, and connections to
/// loopback addresses never go through a proxy.
public struct HTTPClient: Sendable {
    /// Sent as `User-Agent` unless the request sets one.
    public var userAgent: String
    /// Bodies larger than this abort the transfer with `HTTPClientError.responseTooLarge`.
    public var maxResponseBytes: Int

    public init(userAgent: String = "pactoria", maxResponseBytes: Int = 64 << 20) {
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends `request` once. Any HTTP status is returned as a response; only failures to
    /// obtain one (DNS, connect, timeout, TLS, ...) throw `HTTPClientError`.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let method = try Self.validate(request)
        let handle = try EasyHandle(responseLimit: maxResponseBytes)

        try handle.set(CURLOPT_URL, request.url, "CURLOPT_URL")
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https", "CURLOPT_REDIR_PROTOCOLS_STR")
        try handle.set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        try handle.set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try handle.set(
            CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout), "CURLOPT_CONNECTTIMEOUT_MS")
        try handle.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout), "CURLOPT_TIMEOUT_MS")
        try handle.set(CURLOPT_NOPROXY, Self.noProxyList, "CURLOPT_NOPROXY")
        if request.header("User-Agent") == nil, !userAgent.isEmpty {
            try handle.set(CURLOPT_USERAGENT, userAgent, "CURLOPT_USERAGENT")
        }

        // POST, PUT and PATCH always send a body (empty if none was given) so libcurl
        // never falls back to reading one from stdin; other methods only when given one.
        let body = request.body ?? (["POST", "PUT", "PATCH"].contains(method) ? [] : nil)
        if let body {
            try handle.setBody(body)
        } else if method == "GET" {
            try handle.set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        } else if method == "HEAD" {
            try handle.set(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        }
        if !["GET", "HEAD", "POST"].contains(method) || (method == "GET" && body != nil) {
            try handle.set(CURLOPT_CUSTOMREQUEST, method, "CURLOPT_CUSTOMREQUEST")
        }

        let headers = HeaderList()
        for header in request.headers {
            let value = header.value.trimmingCharacters(in: .whitespacesAndNewlines)
            // libcurl sends "Name;" as a header with an empty value ("Name:" would remove it).
            try headers.append(value.isEmpty ? "\(header.name);" : "\(header.name): \(value)")
        }
        // Disable libcurl's implicit headers: "Expect: 100-continue" for larger bodies and a
        // form-urlencoded Content-Type the caller did not ask for.
        if request.header("Expect") == nil { try headers.append("Expect:") }
        if body != nil, request.header("Content-Type") == nil { try headers.append("Content-Type:") }
        try handle.setHeaders(headers)

        let (code, detail) = handle.perform()
        guard code == CURLE_OK else {
            if code == CURLE_WRITE_ERROR, handle.sink.exceededLimit {
                throw HTTPClientError.responseTooLarge(limit: maxResponseBytes)
            }
            throw HTTPClientError.fromCurl(code: code, detail: detail, request: request)
        }
        return HTTPResponse(
            status: try handle.responseCode(), headers: handle.sink.headerDictionary, body: handle.sink.body)
    }

    /// Sends `request`, retrying on 429 and 5xx responses and on connection failures and
    /// timeouts as `policy` allows, sleeping with `sleep` between attempts (inject a
    /// recording function in tests). When attempts run out the last response is returned
    /// (check `status`), or the last error thrown. `HTTPResponse.attempts` says how many
    /// requests were sent.
    ///
    /// A timed-out request may have reached the server, so retrying can repeat a
    /// non-idempotent POST; pass `.never` (or use an idempotency key) where that matters.
    public func send(
        _ request: HTTPRequest,
        retry policy: RetryPolicy,
        sleep: (Duration) -> Void = HTTPClient.sleep
    ) throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let delay: Duration
            do {
                var response = try send(request)
                response.attempts = attempt
                guard attempt < policy.maxAttempts, policy.shouldRetry(status: response.status) else { return response }
                delay = policy.delay(afterAttempt: attempt, retryAfter: response.retryAfter)
            } catch let error as HTTPClientError {
                guard attempt < policy.maxAttempts, error.isTransient else { throw error }
                delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            }
            sleep(delay)
        }
    }

    /// Blocks the calling thread for `duration`.
    public static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }

    // MARK: - Helpers

    /// Loopback never goes through a proxy; other hosts follow the usual environment.
    private static let noProxyList: String = {
        let environment = ProcessInfo.processInfo.environment
        let configured = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        return (configured.split(separator: ",").map(String.init) + ["localhost", "127.0.0.1", "::1"])
            .joined(separator: ",")
    }()

    /// Milliseconds for a libcurl timeout, at least 1 (libcurl reads 0 as "no timeout").
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 1 }
        let cappedSeconds = min(seconds, Int64(Int32.max / 1000))
        return max(1, Int(cappedSeconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// Checks what libcurl would otherwise accept blindly; returns the upper-cased method.
    /// Messages name the offending header, never its value.
    static func validate(_ request: HTTPRequest) throws -> String {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy(isTokenByte) else {
            throw HTTPClientError.invalidRequest("method \"\(request.method)\" is not a valid HTTP token")
        }
        let lowerURL = request.url.lowercased()
        guard lowerURL.hasPrefix("http://") || lowerURL.hasPrefix("https://") else {
            throw HTTPClientError.invalidRequest(
                "only http and https URLs are allowed, got \"\(redactURL(request.url))\"")
        }
        guard !request.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw HTTPClientError.invalidRequest("URL contains spaces or control characters")
        }
        if method == "HEAD", request.body != nil {
            throw HTTPClientError.invalidRequest("a HEAD request cannot have a body")
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(isTokenByte) else {
                throw HTTPClientError.invalidRequest("header name \"\(header.name)\" is not a valid HTTP token")
            }
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw HTTPClientError.invalidRequest("value of header \"\(header.name)\" contains a line break or NUL")
            }
        }
        return method
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
