public import PactoriaWorkspace
import Foundation

/// How `pactoria serve` runs; the defaults are safe (loopback only), the rest comes from the
/// workspace's `.pactoria/config.yaml` (`server:` section).
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The workspace root.
    public var root: String
    public var tokenLifetime: Int64
    public var maxBodyBytes: Int
    public var openRegistration: Bool
    public var corsOrigins: [String]
    public var corsMethods: [String]
    public var corsHeaders: [String]
    public var loginRate: RateLimiter.Rule
    public var aiRate: RateLimiter.Rule
    public var defaultRate: RateLimiter.Rule
    public var lockoutFailures: Int
    public var lockoutSeconds: Int64

    public init(root: String, host: String = "127.0.0.1", port: Int = 8000, config: WorkspaceConfig) {
        self.root = root
        self.host = host
        self.port = port
        tokenLifetime = config.setting("server.token_lifetime").flatMap { Int64($0) } ?? 8 * 3600
        maxBodyBytes = config.setting("server.max_body_bytes").flatMap { Int($0) } ?? 1 << 20
        openRegistration = config.setting("server.open_registration") == "true"
        corsOrigins = config.list("server.cors.allowed_origins")
        let methods = config.list("server.cors.allowed_methods")
        corsMethods = methods.isEmpty ? ["GET", "POST", "PATCH", "OPTIONS"] : methods
        let headers = config.list("server.cors.allowed_headers")
        corsHeaders = headers.isEmpty ? ["Authorization", "Content-Type"] : headers
        loginRate = Self.rule(config.setting("server.rate_limits.login")) ?? .init(limit: 10, window: 60)
        aiRate = Self.rule(config.setting("server.rate_limits.ai")) ?? .init(limit: 20, window: 3600)
        defaultRate = Self.rule(config.setting("server.rate_limits.default")) ?? .init(limit: 1000, window: 3600)
        lockoutFailures = config.setting("server.lockout.failures").flatMap { Int($0) } ?? 5
        lockoutSeconds = config.setting("server.lockout.seconds").flatMap { Int64($0) } ?? 15 * 60
    }

    /// "10/minute", "20/hour", "1000/day", "5/30s".
    static func rule(_ text: String?) -> RateLimiter.Rule? {
        guard let text else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
        let unit = parts[1].trimmingCharacters(in: .whitespaces)
        switch unit {
        case "second", "s": return .init(limit: n, window: 1)
        case "minute", "min", "m": return .init(limit: n, window: 60)
        case "hour", "h": return .init(limit: n, window: 3600)
        case "day", "d": return .init(limit: n, window: 86400)
        default:
            if unit.hasSuffix("s"), let secs = Int64(unit.dropLast()), secs > 0 { return .init(limit: n, window: secs) }
            return nil
        }
    }

    public var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }
}
