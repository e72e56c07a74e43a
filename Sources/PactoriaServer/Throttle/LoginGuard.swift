import Foundation
import Synchronization

/// Locks out guessing, not the account: failures are counted per (account, address) and per
/// address, and each lock is a delay that doubles with every further failure up to a cap. An
/// attacker elsewhere cannot lock the owner out, because the owner's address has its own count.
public final class LoginGuard: Sendable {
    /// Failures (per account and address) before the first delay.
    public let maxFailures: Int
    /// The longest delay, in seconds.
    public let lockSeconds: Int64
    /// The first delay, in seconds; each further failure doubles it.
    public let baseDelay: Int64
    /// Failures from one address, over every account, before that address is delayed.
    public let addressFailures: Int
    private let entries = Mutex<[String: (count: Int, lockedUntil: Int64?, last: Int64)]>([:])

    public init(maxFailures: Int = 5, lockSeconds: Int64 = 15 * 60, baseDelay: Int64 = 30, addressFailures: Int? = nil)
    {
        self.maxFailures = max(1, maxFailures)
        self.lockSeconds = max(1, lockSeconds)
        self.baseDelay = max(1, min(baseDelay, lockSeconds))
        self.addressFailures = addressFailures ?? max(1, maxFailures) * 4
    }

    private static func accountKey(_ account: String, _ address: String?) -> String {
        "acct:\(account.lowercased())|\(address ?? "?")"
    }

    private static func addressKey(_ address: String?) -> String { "addr:\(address ?? "?")" }

    /// Seconds left on a delay for this account from this address, or nil when it may try.
    public func lockedFor(_ account: String, address: String? = nil, now: Int64) -> Int64? {
        entries.withLock { entries in
            var left: Int64?
            for key in [Self.accountKey(account, address), Self.addressKey(address)] {
                guard let until = entries[key]?.lockedUntil, now < until else { continue }
                left = max(left ?? 0, until - now)
            }
            return left
        }
    }

    /// Records a failure; returns the delay it started (in seconds), or nil when it started none.
    @discardableResult
    public func fail(_ account: String, address: String? = nil, now: Int64) -> Int64? {
        let (lockSeconds, baseDelay) = (self.lockSeconds, self.baseDelay)
        let keys = [(Self.accountKey(account, address), maxFailures), (Self.addressKey(address), addressFailures)]
        return entries.withLock { entries in
            if entries.count > 100_000 { entries = entries.filter { now - $0.value.last < lockSeconds * 4 } }
            var started: Int64?
            for (key, threshold) in keys {
                var e = entries[key] ?? (0, nil, now)
                // A quiet spell as long as the cap forgives earlier failures.
                if now - e.last >= lockSeconds * 4 { e = (0, nil, now) }
                e.count += 1
                e.last = now
                if e.count >= threshold {
                    let delay = Self.delay(after: e.count - threshold, base: baseDelay, cap: lockSeconds)
                    e.lockedUntil = now + delay
                    started = max(started ?? 0, delay)
                }
                entries[key] = e
            }
            return started
        }
    }

    /// `base × 2^steps`, no more than `cap`, without overflowing.
    static func delay(after steps: Int, base: Int64, cap: Int64) -> Int64 {
        var d = base
        for _ in 0..<min(steps, 62) {
            let (doubled, overflow) = d.multipliedReportingOverflow(by: 2)
            if overflow || doubled >= cap { return cap }
            d = doubled
        }
        return min(d, cap)
    }

    /// A successful login clears the account's count from that address.
    public func succeed(_ account: String, address: String? = nil) {
        let key = Self.accountKey(account, address)
        entries.withLock { $0[key] = nil }
    }
}
