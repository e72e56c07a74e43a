/// When and how long `HTTPClient.send(_:retry:sleep:)` waits before trying again.
///
/// The delay after attempt *n* (1-based) is `baseDelay × 2^(n−1)` plus up to `jitter` of
/// itself at random, capped at `maxDelay`. A `Retry-After: <seconds>` header on the response
/// overrides it (also capped at `maxDelay`, no jitter).
public struct RetryPolicy: Sendable, Hashable {
    /// Total requests sent at most, the first included (1 means no retries).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Random extra delay as a fraction of the computed delay (0 disables it).
    public var jitter: Double

    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(8),
        jitter: Double = 0.1
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(.zero, maxDelay)
        self.jitter = jitter.isFinite ? min(max(0, jitter), 1) : 0
    }

    /// Four attempts, 0.5 s base delay, 8 s cap.
    public static let standard = RetryPolicy()
    /// A single attempt.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether a response with `status` is worth retrying: 429 Too Many Requests and 5xx.
    public func shouldRetry(status: Int) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// How long to wait after attempt number `attempt` (1-based) failed.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(max(.zero, retryAfter), maxDelay) }
        let exponent = min(max(attempt - 1, 0), 30)
        var delay = min(baseDelay * (1 << exponent), maxDelay)
        if jitter > 0 { delay += delay * Double.random(in: 0...jitter) }
        return min(delay, maxDelay)
    }
}
