import Foundation
import Synchronization

/// Fixed-window request counting per key (a user, or an address before login).
public final class RateLimiter: Sendable {
    public struct Rule: Sendable, Equatable {
        public var limit: Int
        public var window: Int64

        public init(limit: Int, window: Int64) {
            self.limit = limit
            self.window = window
        }
    }

    private let windows = Mutex<[String: (start: Int64, count: Int)]>([:])

    public init() {}

    /// Counts one request; returns nil when allowed, else the seconds until the window resets.
    public func hit(_ key: String, rule: Rule, now: Int64) -> Int64? {
        windows.withLock { windows in
            var w = windows[key] ?? (now, 0)
            if now >= w.start + rule.window { w = (now, 0) }
            if w.count >= rule.limit {
                windows[key] = w
                return max(1, w.start + rule.window - now)
            }
            w.count += 1
            windows[key] = w
            if windows.count > 100_000 { windows = windows.filter { now < $0.value.start + 3600 } }
            return nil
        }
    }
}
