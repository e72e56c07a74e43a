import Synchronization

/// What the server has answered since it started, per route template (Hummingbird's matched
/// route, such as `/api/v1/contracts/{id}`; every request no route matched is one `unmatched`
/// route), method and status class: counts and latencies. The table's size is bounded by the
/// routes the server has, never by what clients send: methods outside the standard ones are
/// `OTHER`, and past `maxSeries` entries everything new is counted as `unmatched`.
final class RequestMetrics: Sendable {
    struct Key: Hashable, Sendable {
        var route: String
        var method: String
        /// 1…5 for 1xx…5xx.
        var statusClass: Int
    }

    /// One (route, method, status class): its count, latency histogram and the buckets Prometheus
    /// is given.
    struct Series: Sendable {
        var count: UInt64 = 0
        var seconds: Double = 0
        /// Non-cumulative counts per `bounds` entry (observations above the last are only in `count`).
        var buckets = [UInt64](repeating: 0, count: RequestMetrics.bounds.count)
        var latency = LatencyHistogram()

        mutating func record(microseconds us: UInt64) {
            count &+= 1
            let s = Double(us) / 1_000_000
            seconds += s
            if let i = RequestMetrics.bounds.firstIndex(where: { s <= $0.seconds }) { buckets[i] &+= 1 }
            latency.record(us)
        }
    }

    /// Prometheus histogram bounds (seconds), as written in `le`.
    static let bounds: [(seconds: Double, label: String)] = [
        (0.001, "0.001"), (0.0025, "0.0025"), (0.005, "0.005"), (0.01, "0.01"), (0.025, "0.025"), (0.05, "0.05"),
        (0.1, "0.1"), (0.25, "0.25"), (0.5, "0.5"), (1, "1"), (2.5, "2.5"), (5, "5"), (10, "10"),
    ]
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    static let unmatched = "unmatched"
    static let maxSeries = 2048

    private let table = Mutex<[Key: Series]>([:])
    /// When counting began: seconds since the epoch (the server's clock).
    let since: Int64

    init(since: Int64) { self.since = since }

    /// Counts one answered request. `route` is the matched route template, nil when none matched.
    func record(route: String?, method: String, status: Int, microseconds: UInt64) {
        let m = Self.methods.contains(method) ? method : "OTHER"
        let c = min(5, max(1, status / 100))
        var key = Key(route: route ?? Self.unmatched, method: m, statusClass: c)
        table.withLock { t in
            if t[key] == nil && t.count >= Self.maxSeries { key.route = Self.unmatched }
            t[key, default: Series()].record(microseconds: microseconds)
        }
    }

    /// A copy of the table, for a report.
    func snapshot() -> [Key: Series] { table.withLock { $0 } }

    var seriesCount: Int { table.withLock { $0.count } }

    /// Per route and method (all status classes together), sorted by route then method.
    struct RouteSummary: Sendable {
        var route: String
        var method: String
        var count: UInt64
        /// By status class 1…5.
        var classes: [Int: UInt64]
        var latency: LatencyHistogram

        /// Requests answered below 400 (1xx, 2xx, 3xx) over all, to four places.
        var successRate: Double {
            guard count > 0 else { return 0 }
            let ok = (classes[1] ?? 0) + (classes[2] ?? 0) + (classes[3] ?? 0)
            return (Double(ok) / Double(count) * 10_000).rounded() / 10_000
        }
    }

    func routes() -> [RouteSummary] {
        var by: [String: RouteSummary] = [:]
        for (k, s) in snapshot() {
            let id = k.route + "\u{0}" + k.method
            var r = by[id] ?? RouteSummary(route: k.route, method: k.method, count: 0, classes: [:], latency: .init())
            r.count &+= s.count
            r.classes[k.statusClass, default: 0] &+= s.count
            r.latency.merge(s.latency)
            by[id] = r
        }
        return by.values.sorted { ($0.route, $0.method) < ($1.route, $1.method) }
    }
}

/// Latencies in a fixed number of buckets, HdrHistogram-style: exact below 32 µs, then 16
/// buckets per power of two (within 6.25%) up to 2^38 µs (three days; longer counts there).
/// 560 counters whatever is recorded.
struct LatencyHistogram: Sendable, Equatable {
    static let linear = 32
    static let subBuckets = 16
    static let maxExponent = 37
    static let size = linear + (maxExponent - 4) * subBuckets

    private(set) var counts = [UInt64](repeating: 0, count: LatencyHistogram.size)
    private(set) var total: UInt64 = 0

    static func index(_ us: UInt64) -> Int {
        if us < UInt64(linear) { return Int(us) }
        let e = min(maxExponent, 63 - us.leadingZeroBitCount)
        if e == maxExponent && us >> UInt64(maxExponent + 1) > 0 { return size - 1 }
        let sub = Int((us >> UInt64(e - 4)) & UInt64(subBuckets - 1))
        return linear + (e - 5) * subBuckets + sub
    }

    /// The smallest and largest microseconds bucket `i` holds.
    static func range(_ i: Int) -> (low: UInt64, high: UInt64) {
        if i < linear { return (UInt64(i), UInt64(i)) }
        let e = 5 + (i - linear) / subBuckets
        let sub = UInt64((i - linear) % subBuckets)
        let width = UInt64(1) << UInt64(e - 4)
        let low = (UInt64(subBuckets) + sub) << UInt64(e - 4)
        return (low, low + width - 1)
    }

    mutating func record(_ us: UInt64) {
        counts[Self.index(us)] &+= 1
        total &+= 1
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        total &+= other.total
    }

    /// The `p` quantile (0…1) in microseconds: the middle of the bucket holding the nearest-rank
    /// observation. Nil when empty. Monotonic in `p`.
    func quantile(_ p: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((p * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, n) in counts.enumerated() where n > 0 {
            seen &+= n
            if seen >= rank {
                let r = Self.range(i)
                return (Double(r.low) + Double(r.high)) / 2
            }
        }
        return Double(Self.range(Self.size - 1).high)
    }

    /// The quantile in milliseconds, to three places.
    func quantileMs(_ p: Double) -> Double? { quantile(p).map { $0.rounded() / 1000 } }
}
