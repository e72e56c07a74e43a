import Foundation

/// One request header. Names are sent as given; lookups are case-insensitive.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ value: String) {
        self.init(name: name, value: value)
    }

    public static func contentType(_ value: String) -> HTTPHeader { HTTPHeader("Content-Type", value) }
    public static func accept(_ value: String) -> HTTPHeader { HTTPHeader("Accept", value) }
    public static func authorization(_ value: String) -> HTTPHeader { HTTPHeader("Authorization", value) }
    public static func authorization(bearer token: String) -> HTTPHeader {
        HTTPHeader("Authorization", "Bearer \(token)")
    }

    /// Headers whose values are credentials: never printed, logged or put in error messages.
    static let sensitiveNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
    ]

    var isSensitive: Bool { Self.sensitiveNames.contains(name.lowercased()) }
}

/// An HTTP request for `HTTPClient`. Only `http` and `https` URLs are allowed.
public struct HTTPRequest: Sendable {
    /// The request method, e.g. "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD".
    public var method: String
    public var url: String
    /// Headers in the order they are sent.
    public var headers: [HTTPHeader]
    /// The request body; `nil` sends none (POST/PUT/PATCH then send an empty body).
    public var body: [UInt8]?
    /// Maximum time to establish the connection (including TLS).
    public var connectTimeout: Duration
    /// Maximum time for the whole exchange, connection included.
    public var totalTimeout: Duration

    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(60)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// A GET request.
    public static func get(_ url: String, headers: [HTTPHeader] = []) -> HTTPRequest {
        HTTPRequest(method: "GET", url: url, headers: headers)
    }

    /// A POST request whose body is JSON text (already encoded), with `Content-Type: application/json`
    /// unless `headers` set one.
    public static func postJSON(_ url: String, json: [UInt8], headers: [HTTPHeader] = []) -> HTTPRequest {
        var request = HTTPRequest(method: "POST", url: url, headers: headers, body: json)
        if request.header("Content-Type") == nil { request.headers.append(.contentType("application/json")) }
        return request
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Replaces every header named `name` (case-insensitive) with one `name: value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        let wanted = name.lowercased()
        headers.removeAll { $0.name.lowercased() == wanted }
        headers.append(HTTPHeader(name, value))
    }

    /// Values that must never appear in output: credential header values and, for
    /// "Scheme credentials" values, the credentials alone.
    var secrets: [String] {
        var result: [String] = []
        for header in headers where header.isSensitive {
            let value = header.value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { continue }
            result.append(value)
            if let space = value.firstIndex(of: " ") {
                let credentials = value[value.index(after: space)...].trimmingCharacters(in: .whitespacesAndNewlines)
                if credentials.count >= 4 { result.append(credentials) }
            }
        }
        return result.sorted { $0.count > $1.count }
    }

    /// `url` without user info, query or fragment, which may hold credentials.
    var redactedURL: String { redactURL(url) }
}

// Printing a request (print, string interpolation, debugger, dump) never shows credentials.
extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let shownHeaders = headers.map { "\($0.name): \($0.isSensitive ? "<redacted>" : $0.value)" }
        let bodyText = body.map { "\($0.count) bytes" } ?? "none"
        return
            "HTTPRequest(\(method) \(redactedURL), headers: [\(shownHeaders.joined(separator: ", "))], body: \(bodyText))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": method,
                "url": redactedURL,
                "headers": headers.map { $0.isSensitive ? HTTPHeader($0.name, "<redacted>") : $0 },
                "body": body.map { "\($0.count) bytes" } ?? "none",
                "connectTimeout": connectTimeout,
                "totalTimeout": totalTimeout,
            ],
            displayStyle: .struct)
    }
}

extension HTTPHeader: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "\(name): \(isSensitive ? "<redacted>" : value)" }
    public var debugDescription: String { description }
}

/// Drops `user:password@`, `?query` and `#fragment` from a URL string.
func redactURL(_ url: String) -> String {
    var text = Substring(url)
    if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
    if let schemeEnd = text.range(of: "://") {
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
            text = text[..<authorityStart] + text[text.index(after: at)...]
        }
    }
    return String(text)
}
