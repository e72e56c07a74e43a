import Foundation
import PactoriaCore
public import PactoriaWorkspace

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
    /// Every `/api/` request from one address (before authentication).
    public var addressRate: RateLimiter.Rule
    /// Requests refused as unauthenticated (401) from one address; past it, that address gets 429.
    public var unauthenticatedRate: RateLimiter.Rule
    public var lockoutFailures: Int
    /// The longest login delay (the cap of the doubling), in seconds.
    public var lockoutSeconds: Int64
    /// The first login delay, in seconds.
    public var lockoutDelay: Int64
    /// Connections served at once; past it a connection may only ask for `/health` or `/ready`,
    /// anything else gets 503 with Retry-After; past twice it, connections are closed at once.
    public var maxConnections: Int
    /// Seconds a connection may sit without sending a whole request head (slowloris, idle keep-alive).
    public var idleTimeout: Int64
    /// Seconds since the epoch, for token times, login lockouts, rate windows and the security
    /// log: the library's clock (PACTORIA_NOW, else the system's) unless a test gives its own.
    public var clock: @Sendable () -> Int64 = { Timestamp.now().secondsSinceEpoch }

    public init(root: String, host: String = "127.0.0.1", port: Int = 8000, config: WorkspaceConfig) {
        self.root = root
        self.host = host
        self.port = port
        // Every number is clamped to a sane range, so no later arithmetic on it can overflow.
        func int(_ key: String, _ def: Int64, _ range: ClosedRange<Int64>) -> Int64 {
            min(range.upperBound, max(range.lowerBound, config.setting(key).flatMap { Int64($0) } ?? def))
        }
        tokenLifetime = int("server.token_lifetime", 8 * 3600, 60...(366 * 86400))
        maxBodyBytes = Int(int("server.max_body_bytes", 1 << 20, 1024...(64 << 20)))
        openRegistration = config.setting("server.open_registration") == "true"
        corsOrigins = config.list("server.cors.allowed_origins")
        let methods = config.list("server.cors.allowed_methods")
        corsMethods = methods.isEmpty ? ["GET", "POST", "PATCH", "OPTIONS"] : methods
        let headers = config.list("server.cors.allowed_headers")
        corsHeaders = headers.isEmpty ? ["Authorization", "Content-Type"] : headers
        loginRate = Self.rule(config.setting("server.rate_limits.login")) ?? .init(limit: 10, window: 60)
        aiRate = Self.rule(config.setting("server.rate_limits.ai")) ?? .init(limit: 20, window: 3600)
        defaultRate = Self.rule(config.setting("server.rate_limits.default")) ?? .init(limit: 1000, window: 3600)
        addressRate = Self.rule(config.setting("server.rate_limits.address")) ?? .init(limit: 3000, window: 60)
        unauthenticatedRate =
            Self.rule(config.setting("server.rate_limits.unauthenticated")) ?? .init(limit: 100, window: 60)
        lockoutFailures = Int(int("server.lockout.failures", 5, 1...1000))
        lockoutSeconds = int("server.lockout.seconds", 15 * 60, 1...(7 * 86400))
        lockoutDelay = min(lockoutSeconds, int("server.lockout.delay", 30, 1...86400))
        maxConnections = Int(int("server.max_connections", 2048, 16...1_000_000))
        idleTimeout = int("server.idle_timeout", 15, 1...3600)
    }

    /// "10/minute", "20/hour", "1000/day", "5/30s".
    static func rule(_ text: String?) -> RateLimiter.Rule? {
        guard let text else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)), n > 0, n <= 1_000_000_000
        else { return nil }
        let unit = parts[1].trimmingCharacters(in: .whitespaces)
        switch unit {
        case "second", "s": return .init(limit: n, window: 1)
        case "minute", "min", "m": return .init(limit: n, window: 60)
        case "hour", "h": return .init(limit: n, window: 3600)
        case "day", "d": return .init(limit: n, window: 86400)
        default:
            if unit.hasSuffix("s"), let secs = Int64(unit.dropLast()), secs > 0, secs <= 366 * 86400 {
                return .init(limit: n, window: secs)
            }
            return nil
        }
    }

    public var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }
}
