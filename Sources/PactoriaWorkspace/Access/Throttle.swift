import Foundation

/// Fixed-window request counting per key (a user, or an address before login).
public final class RateLimiter: @unchecked Sendable {
    public struct Rule: Sendable, Equatable {
        public var limit: Int
        public var window: Int64

        public init(limit: Int, window: Int64) {
            self.limit = limit
            self.window = window
        }
    }

    private let lock = NSLock()
    private var windows: [String: (start: Int64, count: Int)] = [:]

    public init() {}

    /// Counts one request; returns nil when allowed, else the seconds until the window resets.
    public func hit(_ key: String, rule: Rule, now: Int64) -> Int64? {
        lock.lock()
        defer { lock.unlock() }
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

/// Locks an account after repeated failed logins.
public final class LoginGuard: @unchecked Sendable {
    public let maxFailures: Int
    public let lockSeconds: Int64
    private let lock = NSLock()
    private var failures: [String: (count: Int, lockedUntil: Int64?)] = [:]

    public init(maxFailures: Int = 5, lockSeconds: Int64 = 15 * 60) {
        self.maxFailures = maxFailures
        self.lockSeconds = lockSeconds
    }

    /// Seconds left on a lock, or nil when the account may try.
    public func lockedFor(_ account: String, now: Int64) -> Int64? {
        lock.lock()
        defer { lock.unlock() }
        guard let until = failures[account.lowercased()]?.lockedUntil else { return nil }
        if now >= until {
            failures[account.lowercased()] = nil
            return nil
        }
        return until - now
    }

    /// Records a failure; returns true when this failure locked the account.
    public func fail(_ account: String, now: Int64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        var f = failures[account.lowercased()] ?? (0, nil)
        f.count += 1
        var locked = false
        if f.count >= maxFailures {
            f.lockedUntil = now + lockSeconds
            f.count = 0
            locked = true
        }
        failures[account.lowercased()] = f
        return locked
    }

    public func succeed(_ account: String) {
        lock.lock()
        failures[account.lowercased()] = nil
        lock.unlock()
    }
}

/// Security events, appended as JSON lines to `.pactoria/secrets/security-events.jsonl`
/// (local, git-ignored, append-only).
public final class SecurityLog: @unchecked Sendable {
    public static let path = ".pactoria/secrets/security-events.jsonl"
    public struct Event: Sendable, Equatable {
        public var time: String
        public var kind: String
        public var severity: String
        public var actor: String?
        public var company: String?
        public var address: String?
        public var requestID: String?
        public var detail: String

        public init(
            time: String, kind: String, severity: String, actor: String? = nil, company: String? = nil,
            address: String? = nil, requestID: String? = nil, detail: String
        ) {
            self.time = time
            self.kind = kind
            self.severity = severity
            self.actor = actor
            self.company = company
            self.address = address
            self.requestID = requestID
            self.detail = detail
        }

        var json: [String: Any] {
            var o: [String: Any] = ["time": time, "kind": kind, "severity": severity, "detail": detail]
            if let actor { o["actor"] = actor }
            if let company { o["company"] = company }
            if let address { o["address"] = address }
            if let requestID { o["request_id"] = requestID }
            return o
        }
    }

    private let file: String
    private let lock = NSLock()

    public init(_ ws: Workspace) {
        file = ws.absolute(Self.path)
        try? FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    }

    public func record(_ e: Event) {
        guard let data = try? JSONSerialization.data(withJSONObject: e.json, options: [.sortedKeys]) else { return }
        lock.lock()
        defer { lock.unlock() }
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = Array(data) + [0x0A]
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// The newest events first.
    public func read(limit: Int = 100, offset: Int = 0) -> (events: [[String: Any]], total: Int) {
        lock.lock()
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        lock.unlock()
        let lines = text.split(separator: "\n").reversed()
        let all = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return (Array(all.dropFirst(offset).prefix(limit)), all.count)
    }
}
