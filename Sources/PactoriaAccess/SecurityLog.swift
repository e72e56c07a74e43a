import Foundation
public import PactoriaWorkspace
import Synchronization

/// Security events, appended as JSON lines to `.pactoria/secrets/security-events.jsonl`
/// (local, git-ignored, append-only). A flood cannot fill the disk: within a window the first few
/// low or medium events of one kind, actor and address are written in full and the rest are
/// counted into one event with a `count` (high and critical ones are always written); past
/// `maxBytes` the file is rotated (`.1`, `.2`; older ones dropped).
public final class SecurityLog: Sendable {
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
        /// How many events this line stands for (more than 1 for an aggregate).
        public var count: Int

        public init(
            time: String, kind: String, severity: String, actor: String? = nil, company: String? = nil,
            address: String? = nil, requestID: String? = nil, detail: String, count: Int = 1
        ) {
            self.time = time
            self.kind = kind
            self.severity = severity
            self.actor = actor
            self.company = company
            self.address = address
            self.requestID = requestID
            self.detail = detail
            self.count = count
        }

        var json: [String: Any] {
            var o: [String: Any] = ["time": time, "kind": kind, "severity": severity, "detail": detail]
            if let actor { o["actor"] = actor }
            if let company { o["company"] = company }
            if let address { o["address"] = address }
            if let requestID { o["request_id"] = requestID }
            if count != 1 { o["count"] = count }
            return o
        }

        var key: String { "\(kind)\u{0}\(actor ?? "")\u{0}\(address ?? "")" }
    }

    /// Limits on the log's growth.
    public struct Limits: Sendable {
        /// Events of one kind, actor and address written in full per window.
        public var burst: Int
        /// The aggregation window, in seconds.
        public var window: Int64
        /// The size at which the file is rotated.
        public var maxBytes: Int
        /// Rotated files kept.
        public var keep: Int
        /// Keys tracked at once; beyond it the pending counts are written out.
        public var maxKeys: Int

        public init(burst: Int = 5, window: Int64 = 60, maxBytes: Int = 5 << 20, keep: Int = 2, maxKeys: Int = 10_000) {
            self.burst = max(1, burst)
            self.window = max(1, window)
            self.maxBytes = max(4096, maxBytes)
            self.keep = max(0, keep)
            self.maxKeys = max(1, maxKeys)
        }
    }

    private let file: String
    public let limits: Limits
    private let clock: @Sendable () -> Int64
    /// What the lock guards: per key, the window's start, events seen in it, and the newest one not
    /// yet written; and when ended windows were last written out.
    private struct Windows {
        var byKey: [String: (start: Int64, seen: Int, pending: Event?)] = [:]
        var lastSweep: Int64 = 0
    }
    private let state = Mutex(Windows())

    /// `clock` gives the time in seconds (the system clock unless a test sets one).
    public init(_ ws: Workspace, limits: Limits = .init(), clock: (@Sendable () -> Int64)? = nil) {
        file = ws.absolute(Self.path)
        self.limits = limits
        self.clock = clock ?? { Int64(Date().timeIntervalSince1970) }
        try? FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    }

    deinit { flush() }

    public func record(_ e: Event) {
        let now = clock()
        state.withLock { state in
            sweep(&state, now, force: false)
            // High and critical events (a lockout, a cross-company attempt) are always written in full.
            guard e.severity == "low" || e.severity == "medium" else { return append(e) }
            let key = e.key
            var w = state.byKey[key] ?? (now, 0, nil)
            if now >= w.start + limits.window {
                if let p = w.pending { append(p) }
                w = (now, 0, nil)
            }
            w.seen += 1
            if w.seen <= limits.burst {
                append(e)
            } else {
                var p = e
                p.count = w.seen - limits.burst
                p.detail = "\(e.detail) (\(p.count) more like this since the last entry)"
                w.pending = p
            }
            state.byKey[key] = w
            if state.byKey.count > limits.maxKeys { sweep(&state, now, force: true) }
        }
    }

    /// Writes out every pending count (done before reading, and when the log is released).
    public func flush() {
        let now = clock()
        state.withLock { sweep(&$0, now, force: true) }
    }

    /// Writes the counts of ended windows (all of them when `force`). Called with the lock held.
    private func sweep(_ state: inout Windows, _ now: Int64, force: Bool) {
        guard force || now - state.lastSweep >= limits.window else { return }
        state.lastSweep = now
        for (key, w) in state.byKey where force || now >= w.start + limits.window {
            if let p = w.pending { append(p) }
            state.byKey[key] = nil
        }
    }

    /// Appends one line, rotating first when it would pass the size cap. Called with the lock held.
    private func append(_ e: Event) {
        guard let data = try? JSONSerialization.data(withJSONObject: e.json, options: [.sortedKeys]) else { return }
        var st = stat()
        if stat(file, &st) == 0, Int(st.st_size) + data.count + 1 > limits.maxBytes { rotate() }
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = Array(data) + [0x0A]
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private func rotate() {
        guard limits.keep > 0 else {
            unlink(file)
            return
        }
        unlink("\(file).\(limits.keep)")
        if limits.keep > 1 {
            for i in stride(from: limits.keep - 1, through: 1, by: -1) { rename("\(file).\(i)", "\(file).\(i + 1)") }
        }
        rename(file, "\(file).1")
    }

    /// The files holding events, newest first (the live file, then the rotated ones).
    public var files: [String] { [file] + (0..<limits.keep).map { "\(file).\($0 + 1)" } }

    /// The newest events first.
    public func read(limit: Int = 100, offset: Int = 0) -> (events: [[String: Any]], total: Int) {
        let now = clock()
        let texts = state.withLock { state in
            sweep(&state, now, force: true)
            return files.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
        }
        let all = texts.flatMap { text in
            text.split(separator: "\n").reversed().compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        guard limit > 0, offset >= 0, offset < all.count else { return ([], all.count) }
        return (Array(all[offset...].prefix(limit)), all.count)
    }
}
