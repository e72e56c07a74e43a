import Foundation

/// A server's clock in tests: the system time plus an offset the test moves on, so token expiry,
/// login delays and rate windows pass without waiting.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Int64 = 0

    public init() {}

    /// Seconds since the epoch, as the server sees them.
    public func now() -> Int64 { lock.withLock { Int64(Date().timeIntervalSince1970) + offset } }

    /// Moves the server's time on by `seconds`.
    public func advance(by seconds: Int64) { lock.withLock { offset += seconds } }
}
