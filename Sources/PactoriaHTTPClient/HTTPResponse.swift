import Foundation

/// A complete HTTP response. Any status, including 4xx and 5xx, is a response, not an error.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Response headers keyed by lower-cased name; repeated headers are joined with ", ".
    public var headers: [String: String]
    public var body: [UInt8]
    /// How many requests were sent to obtain this response (1 unless retried).
    public var attempts: Int

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    /// The body decoded as UTF-8 (invalid sequences become U+FFFD).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// `Retry-After` given in seconds, if present and well formed (HTTP dates are ignored).
    public var retryAfter: Duration? {
        guard let value = header("Retry-After")?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty,
            value.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int(value)
        else { return nil }
        return .seconds(seconds)
    }
}
