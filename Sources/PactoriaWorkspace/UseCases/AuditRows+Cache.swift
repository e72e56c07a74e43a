import Foundation
import PactoriaCore
import PactoriaGit

extension Audit {
    /// The audit table's rows for the whole history, cached under `.pactoria/cache/audit-v1`,
    /// keyed by the tip's commit id (and by how sealed contracts read: with the master key, without
    /// it, and which keyring).
    ///
    /// A commit's rows depend only on the commit and its parents' trees, which never change, so
    /// the rows from a tip are those of its commits in walk order. A warm `audit` reads this one
    /// file instead of the walk and the history cache. When HEAD has moved on from the cached tip
    /// by commits with one parent each (as every verb adds), only those commits' rows are made,
    /// and they go in front, the same argument as `CommitWalk`'s. Anything else makes every row
    /// again. Only the query without a contract, event or actor is cached (dates and a limit are
    /// applied to the cached rows); a damaged or missing file gives the same rows, more slowly.
    enum RowCache {
        static let cacheName = "audit-v1"
        static let formatVersion: UInt32 = 1

        /// The rows for `q` through the cache; nil when the query is not the cached one or the
        /// cache is of no use for it (the caller walks as usual).
        static func rows(_ ws: Workspace, _ q: Query, limit: Int?) throws(WorkspaceError) -> [Row]? {
            guard q.contractID == nil, q.event == nil, q.actor == nil, CacheFile.usable(ws) else { return nil }
            let repo = try ws.repository()
            guard let head = try Committer.head(repo) else { return nil }
            let path = ws.absolute("\(Workspace.cacheDirectory)/\(cacheName)")
            let reading = readingState(ws, repo)
            var all: [Row]?
            if let cached = load(path), cached.reading == reading {
                if cached.tip == head {
                    all = cached.rows
                } else if let fresh = try freshRows(ws, repo, q, from: head, to: cached.tip) {
                    let rows = fresh + cached.rows
                    save(rows, tip: head, reading: reading, to: path)
                    all = rows
                }
            }
            guard let all else {
                // Only the whole history is worth keeping; a dated or limited query walks as before.
                guard limit == nil, q.since == nil, q.until == nil else { return nil }
                var out: [Row] = []
                try walk(ws, q) { (c, trailers, cache, repo) throws(WorkspaceError) in
                    out += try commitRows(c, trailers, cache, repo, q)
                    return false
                }
                save(out, tip: head, reading: reading, to: path)
                return out
            }
            var rows = all
            if q.since != nil || q.until != nil {
                rows = rows.filter { row in
                    let day = Timestamp(clampingSeconds: row.time.timeIntervalSince1970).date
                    if let since = q.since, day < since { return false }
                    if let until = q.until, day > until { return false }
                    return true
                }
            }
            if let limit { rows = Array(rows.prefix(limit)) }
            return rows
        }

        /// The rows of the single-parent commits from `head` back to `tip` (newest first), or nil
        /// when `head` is not such a chain on top of `tip`.
        static func freshRows(_ ws: Workspace, _ repo: Repository, _ q: Query, from head: ObjectID, to tip: ObjectID)
            throws(WorkspaceError) -> [Row]?
        {
            var chain: [CommitInfo] = []
            var id = head
            while true {
                guard chain.count < CommitWalk.maxNewCommits, let info = try? repo.commit(id), info.parents.count == 1
                else { return nil }
                chain.append(info)
                if info.parents[0] == tip { break }
                id = info.parents[0]
            }
            let cache = HistoryCache(ws)
            defer { cache.save() }
            var out: [Row] = []
            for c in chain {
                out += try commitRows(c, AuditTrailers.parse(Trailers.parse(c.message)), cache, repo, q)
            }
            return out
        }

        /// How sealed contracts read here (`Workspace.readingTag`: not sealed, with or without the
        /// master key, and which keys are erased).
        static func readingState(_ ws: Workspace, _ repo: Repository) -> [UInt8] { ws.readingTag() }

        // MARK: - The file
        //
        // Payload: the tip (20 bytes), the reading state (u32 length + bytes), the summary
        // threshold (u32), u32 row count, then each row: a tag (0 entry, 1 summary) and its
        // fields. Strings are u32 length + UTF-8; an optional is a flag byte then the value;
        // times are a Double's 64 bits. Every read is bounds-checked; a payload that does not
        // decode is treated as missing.

        static func save(_ rows: [Row], tip: ObjectID, reading: [UInt8], to path: String) {
            CacheFile.write(encode(rows, tip: tip, reading: reading), to: path, name: cacheName, version: formatVersion)
        }

        static func load(_ path: String) -> (tip: ObjectID, reading: [UInt8], rows: [Row])? {
            guard let payload = CacheFile.read(path, name: cacheName, version: formatVersion) else { return nil }
            return decode(payload)
        }

        static func encode(_ rows: [Row], tip: ObjectID, reading: [UInt8]) -> [UInt8] {
            var w = Writer()
            w.out.reserveCapacity(rows.count * 240 + 64)
            w.out += tip.bytes
            CommitWalk.u32(&w.out, reading.count)
            w.out += reading
            CommitWalk.u32(&w.out, summaryThreshold)
            CommitWalk.u32(&w.out, rows.count)
            for row in rows {
                switch row {
                case .entry(let e):
                    w.out.append(0)
                    w.out += e.commit.bytes
                    w.time(e.time)
                    w.str(e.author)
                    w.str(e.subject)
                    w.str(e.contractID)
                    w.optional(e.ref) { w, r in
                        w.str(r.company)
                        w.str(r.stem)
                    }
                    w.optional(e.title) { $0.str($1) }
                    w.str(e.event)
                    w.optional(e.from) { $0.str($1) }
                    w.optional(e.to) { $0.str($1) }
                    w.str(e.actor)
                    w.optional(e.reason) { $0.str($1) }
                    w.optional(e.version) { $0.int($1) }
                    w.out.append(e.inferred ? 1 : 0)
                    w.strings(e.details)
                case .summary(let s):
                    w.out.append(1)
                    w.out += s.commit.bytes
                    w.time(s.time)
                    w.str(s.author)
                    w.str(s.subject)
                    w.str(s.event)
                    w.str(s.actor)
                    w.int(s.count)
                    w.int(s.companies)
                    w.optional(s.details) { $0.strings($1) }
                }
            }
            return w.out
        }

        static func decode(_ b: [UInt8]) -> (tip: ObjectID, reading: [UInt8], rows: [Row])? {
            var r = CommitWalk.Reader(b)
            guard let tip = r.id(), let n = r.u32(), n <= b.count - r.i else { return nil }
            let reading = Array(b[r.i..<(r.i + n)])
            r.i += n
            guard r.u32() == summaryThreshold, let count = r.u32(), count <= b.count / 29 else { return nil }
            var rows: [Row] = []
            rows.reserveCapacity(count)
            for _ in 0..<count {
                guard let tag = r.byte(), let commit = r.id(), let time = r.time() else { return nil }
                switch tag {
                case 0:
                    guard let author = r.str(), let subject = r.str(), let contractID = r.str(),
                        let ref = r.optional({ (r: inout CommitWalk.Reader) -> ContractRef? in
                            guard let company = r.str(), let stem = r.str() else { return nil }
                            return ContractRef(company: company, stem: stem)
                        }),
                        let title = r.optional({ $0.str() }), let event = r.str(), let from = r.optional({ $0.str() }),
                        let to = r.optional({ $0.str() }), let actor = r.str(), let reason = r.optional({ $0.str() }),
                        let version = r.optional({ $0.int() }), let inferred = r.byte(), inferred <= 1,
                        let details = r.strings()
                    else { return nil }
                    rows.append(
                        .entry(
                            Entry(
                                commit: commit, time: time, author: author, subject: subject, contractID: contractID,
                                ref: ref, title: title, event: event, from: from, to: to, actor: actor, reason: reason,
                                version: version, inferred: inferred == 1, details: details)))
                case 1:
                    guard let author = r.str(), let subject = r.str(), let event = r.str(), let actor = r.str(),
                        let n = r.int(), let companies = r.int(), let details = r.optional({ $0.strings() })
                    else { return nil }
                    rows.append(
                        .summary(
                            Summary(
                                commit: commit, time: time, author: author, subject: subject, event: event,
                                actor: actor, count: n, companies: companies, details: details)))
                default:
                    return nil
                }
            }
            guard r.i == b.count else { return nil }
            return (tip, reading, rows)
        }

        struct Writer {
            var out: [UInt8] = []

            mutating func str(_ s: String) { CommitWalk.str(&out, s) }

            mutating func int(_ v: Int) {
                let u = UInt64(bitPattern: Int64(v))
                for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(k)))) }
            }

            mutating func time(_ t: Date) { int(Int(Int64(bitPattern: t.timeIntervalSince1970.bitPattern))) }

            mutating func strings(_ list: [String]) {
                CommitWalk.u32(&out, list.count)
                for s in list { str(s) }
            }

            mutating func optional<T>(_ v: T?, _ body: (inout Writer, T) -> Void) {
                guard let v else {
                    out.append(0)
                    return
                }
                out.append(1)
                body(&self, v)
            }
        }
    }
}

extension Audit.Row {
    /// When the row's commit was authored.
    var time: Date {
        switch self {
        case .entry(let e): e.time
        case .summary(let s): s.time
        }
    }
}

extension CommitWalk.Reader {
    mutating func byte() -> UInt8? {
        guard i < b.count else { return nil }
        defer { i += 1 }
        return b[i]
    }

    mutating func int() -> Int? {
        guard b.count - i >= 8 else { return nil }
        var u: UInt64 = 0
        for k in 0..<8 { u |= UInt64(b[i + k]) << (8 * UInt64(k)) }
        i += 8
        return Int(Int64(bitPattern: u))
    }

    mutating func time() -> Date? {
        guard let v = int() else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(bitPattern: UInt64(bitPattern: Int64(v))))
    }

    mutating func strings() -> [String]? {
        guard let n = u32(), n <= (b.count - i) / 4 else { return nil }
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            guard let s = str() else { return nil }
            out.append(s)
        }
        return out
    }

    /// An optional: `.some(nil)` when absent, `.some(value)` when present, nil when it does not decode.
    mutating func optional<T>(_ body: (inout CommitWalk.Reader) -> T?) -> T?? {
        guard let flag = byte() else { return nil }
        switch flag {
        case 0: return .some(nil)
        case 1:
            guard let v = body(&self) else { return nil }
            return .some(v)
        default: return nil
        }
    }
}
