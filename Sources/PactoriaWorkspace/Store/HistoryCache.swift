import PactoriaCore
import PactoriaGit

/// What one commit did to one contract, worked out from the commit's trees (never from its
/// message): the facts `audit` and `log` need, so that a query after the first reads no tree.
struct HistoryRecord: Sendable, Equatable {
    /// The contract's id as written (after the commit, or before it when it is gone).
    var id: String
    var beforeRef: ContractRef?
    var afterRef: ContractRef?
    /// The title after the commit, or before it when it is gone.
    var title: String?
    /// Version and status after the commit (nil: absent or unreadable).
    var version: Int?
    var status: String?
    var yamlChanged: Bool
    var contentChanged: Bool
    /// Whether the YAML exists after the commit.
    var hasYAML: Bool
    /// False for a merge's change that some other parent already had (it came in with that
    /// parent's commits, which have their own records); true otherwise.
    var own: Bool
    /// The event inferred against the first parent, as `audit` shows it.
    var event: String
    var from: String?
    var to: String?
    var reason: String?
    var details: [String]
    /// The event inferred as `log C` shows it, and whether no parent had the contract.
    var logEvent: String
    var logCreated: Bool

    /// Where the contract is now (or was, if it is gone).
    var ref: ContractRef? { afterRef ?? beforeRef }
}

/// The per-commit history records, cached under `.pactoria/cache/history-v1`. A commit is
/// immutable, so its records never go stale: the cache is keyed by commit id alone, and a record
/// missing from it (or a damaged file) is worked out from the trees again, giving the same answer.
/// Trailers are not cached: they are read from each commit's message on every query.
final class HistoryCache {
    static let cacheName = "history-v1"
    static let formatVersion: UInt32 = 1

    private let path: String?
    /// Encoded records per commit, as read from the file (decoded on use).
    private var stored: [ObjectID: ArraySlice<UInt8>] = [:]
    private var fresh: [ObjectID: [HistoryRecord]] = [:]
    private var bytes: [UInt8] = []

    /// The workspace's cache (nothing is read or written when its cache folder is unusable).
    init(_ ws: Workspace) {
        // What a sealed contract's history reads as depends on the master key and the erasures:
        // one file per reading (nothing sealed: the plain name).
        let p = ws.absolute("\(Workspace.cacheDirectory)/\(ws.readingCacheName(Self.cacheName))")
        path = FileSystem.isDirectory(ws.absolute(".pactoria")) ? p : nil
        if let path, let payload = CacheFile.read(path, name: Self.cacheName, version: Self.formatVersion) {
            bytes = payload
            stored = Self.index(bytes) ?? [:]
        }
    }

    /// A cache in memory only.
    init() { path = nil }

    /// The records of commit `c`: from the cache, else worked out from its trees and kept.
    func records(_ c: CommitInfo, repo: Repository) throws(WorkspaceError) -> [HistoryRecord] {
        if let r = fresh[c.id] { return r }
        if let raw = stored[c.id] {
            if let r = Self.decode(raw) { return r }
            stored[c.id] = nil
        }
        let r = try Self.compute(c, repo: repo)
        fresh[c.id] = r
        return r
    }

    /// The records of `c` whose id `match` accepts (given its UTF-8 bytes), in order, without
    /// decoding the others; every record when `c` is not cached. `match` may accept more than
    /// the caller wants (it compares ids properly), never fewer.
    func records(_ c: CommitInfo, repo: Repository, where match: (ArraySlice<UInt8>) -> Bool)
        throws(WorkspaceError) -> [HistoryRecord]
    {
        if fresh[c.id] == nil, let raw = stored[c.id], let r = Self.decode(raw, where: match) { return r }
        return try records(c, repo: repo)
    }

    /// Whether a cached record of `c` has an id that `match` accepts (given its UTF-8 bytes),
    /// without decoding the records. Nil when `c` is not cached yet (or does not decode).
    func mentions(_ c: ObjectID, where match: (ArraySlice<UInt8>) -> Bool) -> Bool? {
        guard fresh[c] == nil, let raw = stored[c] else { return nil }
        return Self.scanIDs(raw, match)
    }

    /// Whether `id` starts with `needle` (lower-case ASCII), ignoring ASCII case; an id with a
    /// byte outside ASCII is let through (the caller compares it properly).
    static func hasPrefixFolded(_ id: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        if id.contains(where: { $0 >= 0x80 }) { return true }
        return id.count >= needle.count && zip(id, needle).allSatisfy { lower($0) == $1 }
    }

    /// Whether `id` is `needle` (lower-case ASCII), ignoring ASCII case; an id with a byte
    /// outside ASCII is let through (the caller compares it properly).
    static func equalFolded(_ id: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        if id.contains(where: { $0 >= 0x80 }) { return true }
        return id.count == needle.count && zip(id, needle).allSatisfy { lower($0) == $1 }
    }

    /// Writes the cache when records were worked out (an optimisation: failures are ignored).
    func save() {
        guard let path, !fresh.isEmpty else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + fresh.count * 512)
        for (id, raw) in stored where fresh[id] == nil {
            out += id.bytes
            Self.u32(&out, raw.count)
            out += raw
        }
        for (id, records) in fresh {
            let raw = Self.encode(records)
            out += id.bytes
            Self.u32(&out, raw.count)
            out += raw
        }
        CacheFile.write(out, to: path, name: Self.cacheName, version: Self.formatVersion)
        bytes = out
        stored = Self.index(out) ?? [:]
        fresh = [:]
    }

    // MARK: - Working records out from the trees

    /// The records of one commit: every contract it changed against its first parent; for a
    /// merge, `own` says whether the change differs from every parent.
    static func compute(_ c: CommitInfo, repo: Repository) throws(WorkspaceError) -> [HistoryRecord] {
        let parentTrees: [ObjectID]
        do { parentTrees = try c.parents.map { try repo.treeID(ofCommit: $0) } } catch {
            throw .repository("cannot read history", detail: "\(error)")
        }
        let changes = try ContractTreeDiff.changes(repo, from: parentTrees.first, to: c.treeID, readContent: false)
        // A merge's own changes differ from every parent; against the others, the contract's
        // state in them (the first that has it is the base `log` compares with).
        var own = Set(changes.map(\.ref))
        var others: [[ContractRef: ContractTreeChange]] = []
        for tree in parentTrees.dropFirst() {
            let diff = try ContractTreeDiff.changes(repo, from: tree, to: c.treeID, readContent: false)
            own.formIntersection(diff.map(\.ref))
            others.append(Dictionary(diff.map { ($0.ref, $0) }, uniquingKeysWith: { _, b in b }))
        }
        var out: [HistoryRecord] = []
        for ch in changes {
            guard let id = ch.id else { continue }
            let inferred = Audit.infer(ch)
            // (a change whose id is unreadable on both sides concerns no contract the audit can name)
            var r = HistoryRecord(
                id: id, beforeRef: ch.beforeRef, afterRef: ch.afterRef,
                title: ch.after?.contract.title ?? ch.before?.contract.title, version: ch.after?.contract.version,
                status: ch.after?.contract.status, yamlChanged: ch.yamlChanged, contentChanged: ch.contentChanged,
                hasYAML: ch.yamlAfter != nil, own: own.contains(ch.ref), event: inferred.event, from: inferred.from,
                to: inferred.to, reason: inferred.reason, details: inferred.details, logEvent: "", logCreated: false)
            // The base for `log`: the first parent that has the contract's YAML.
            var base: (ref: ContractRef?, yaml: ObjectID?, md: ObjectID?)? =
                ch.yamlBefore != nil ? (ch.beforeRef, ch.yamlBefore, ch.mdBefore) : nil
            if base == nil, let after = ch.afterRef {
                for o in others {
                    // Not in the diff against that parent: it has the very same files there.
                    guard let d = o[after] else {
                        if ch.yamlAfter != nil { base = (after, ch.yamlAfter, ch.mdAfter) }
                        break
                    }
                    if d.yamlBefore != nil {
                        base = (d.beforeRef, d.yamlBefore, d.mdBefore)
                        break
                    }
                }
            }
            if let base {
                if ch.mdAfter != base.md {
                    r.logEvent = "contract.content_changed"
                } else if base.ref != ch.afterRef && ch.yamlAfter == base.yaml {
                    r.logEvent = "contract.renamed"
                } else {
                    r.logEvent = "contract.updated"
                }
            } else {
                r.logEvent = "contract.created"
                r.logCreated = true
            }
            out.append(r)
        }
        return out
    }

    // MARK: - Encoding
    //
    // Payload: entries of [20-byte commit id][u32 length][records]; records: u32 count, then per
    // record u32 length and its fields (the id first, so a scan can skip the rest). Every read is
    // bounds-checked: a payload that does not decode is treated as missing.

    static func encode(_ records: [HistoryRecord]) -> [UInt8] {
        var out: [UInt8] = []
        u32(&out, records.count)
        for r in records {
            var f: [UInt8] = []
            str(&f, r.id)
            optRef(&f, r.beforeRef)
            optRef(&f, r.afterRef)
            optStr(&f, r.title)
            if let v = r.version {
                f.append(1)
                for k in 0..<8 { f.append(UInt8(truncatingIfNeeded: Int64(v) >> (8 * Int64(k)))) }
            } else {
                f.append(0)
            }
            optStr(&f, r.status)
            f.append(
                (r.yamlChanged ? 1 : 0) | (r.contentChanged ? 2 : 0) | (r.hasYAML ? 4 : 0) | (r.own ? 8 : 0)
                    | (r.logCreated ? 16 : 0))
            str(&f, r.event)
            optStr(&f, r.from)
            optStr(&f, r.to)
            optStr(&f, r.reason)
            u32(&f, r.details.count)
            for d in r.details { str(&f, d) }
            str(&f, r.logEvent)
            u32(&out, f.count)
            out += f
        }
        return out
    }

    /// Commit id → its encoded records, or nil when the payload is not well formed.
    static func index(_ b: [UInt8]) -> [ObjectID: ArraySlice<UInt8>]? {
        var out: [ObjectID: ArraySlice<UInt8>] = [:]
        var i = 0
        while i < b.count {
            guard b.count - i >= 24 else { return nil }
            let id = ObjectID(bytes: Array(b[i..<(i + 20)]))
            i += 20
            var n = 0
            for k in 0..<4 { n |= Int(b[i + k]) << (8 * k) }
            i += 4
            guard n <= b.count - i else { return nil }
            out[id] = b[i..<(i + n)]
            i += n
        }
        return out
    }

    /// A bounds-checked reader over a slice.
    struct Reader {
        let b: ArraySlice<UInt8>
        var i: Int
        init(_ b: ArraySlice<UInt8>) {
            self.b = b
            i = b.startIndex
        }
        mutating func byte() -> UInt8? {
            guard i < b.endIndex else { return nil }
            defer { i += 1 }
            return b[i]
        }
        mutating func u32() -> Int? {
            guard b.endIndex - i >= 4 else { return nil }
            var n = 0
            for k in 0..<4 { n |= Int(b[i + k]) << (8 * k) }
            i += 4
            return n
        }
        mutating func raw() -> ArraySlice<UInt8>? {
            guard let n = u32(), n <= b.endIndex - i else { return nil }
            defer { i += n }
            return b[i..<(i + n)]
        }
        mutating func str() -> String? {
            guard let r = raw() else { return nil }
            let s = String(decoding: r, as: UTF8.self)
            return s
        }
        mutating func optStr() -> String?? {
            guard let flag = byte() else { return nil }
            if flag == 0 { return .some(nil) }
            guard let s = str() else { return nil }
            return .some(s)
        }
        /// Skips an optional string; false when the bytes do not hold one.
        mutating func skipOptStr() -> Bool {
            guard let flag = byte() else { return false }
            return flag == 0 || raw() != nil
        }
        mutating func optRef() -> ContractRef?? {
            guard let flag = byte() else { return nil }
            if flag == 0 { return .some(nil) }
            guard let c = str(), let s = str() else { return nil }
            return .some(ContractRef(company: c, stem: s))
        }
    }

    static func decode(_ raw: ArraySlice<UInt8>) -> [HistoryRecord]? {
        var top = Reader(raw)
        guard let count = top.u32(), count <= raw.count else { return nil }
        var out: [HistoryRecord] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let f = top.raw(), let r = decodeRecord(f) else { return nil }
            out.append(r)
        }
        guard top.i == raw.endIndex else { return nil }
        return out
    }

    /// The records whose id `match` accepts (nil when the bytes do not decode).
    static func decode(_ raw: ArraySlice<UInt8>, where match: (ArraySlice<UInt8>) -> Bool) -> [HistoryRecord]? {
        var top = Reader(raw)
        guard let count = top.u32(), count <= raw.count else { return nil }
        var out: [HistoryRecord] = []
        for _ in 0..<count {
            guard let f = top.raw() else { return nil }
            var r = Reader(f)
            guard let id = r.raw() else { return nil }
            guard match(id) else { continue }
            guard let record = decodeRecord(f) else { return nil }
            out.append(record)
        }
        guard top.i == raw.endIndex else { return nil }
        return out
    }

    /// One record's fields (nil when they do not decode).
    static func decodeRecord(_ f: ArraySlice<UInt8>) -> HistoryRecord? {
        var r = Reader(f)
        guard let id = r.str(), let before = r.optRef(), let after = r.optRef(), let title = r.optStr(),
            let hasVersion = r.byte()
        else { return nil }
        var version: Int?
        if hasVersion == 1 {
            guard f.endIndex - r.i >= 8 else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(f[r.i + k]) << (8 * UInt64(k)) }
            r.i += 8
            version = Int(Int64(bitPattern: v))
        }
        guard let status = r.optStr(), let flags = r.byte(), let event = r.str(), let from = r.optStr(),
            let to = r.optStr(), let reason = r.optStr(), let n = r.u32(), n <= f.count
        else { return nil }
        var details: [String] = []
        for _ in 0..<n {
            guard let d = r.str() else { return nil }
            details.append(d)
        }
        guard let logEvent = r.str(), r.i == f.endIndex else { return nil }
        return HistoryRecord(
            id: id, beforeRef: before, afterRef: after, title: title, version: version, status: status,
            yamlChanged: flags & 1 != 0, contentChanged: flags & 2 != 0, hasYAML: flags & 4 != 0,
            own: flags & 8 != 0, event: event, from: from, to: to, reason: reason, details: details,
            logEvent: logEvent, logCreated: flags & 16 != 0)
    }

    /// Whether any record's id satisfies `match` (nil when the bytes do not decode).
    static func scanIDs(_ raw: ArraySlice<UInt8>, _ match: (ArraySlice<UInt8>) -> Bool) -> Bool? {
        var top = Reader(raw)
        guard let count = top.u32() else { return nil }
        for _ in 0..<count {
            guard let f = top.raw() else { return nil }
            var r = Reader(f)
            guard let id = r.raw() else { return nil }
            if match(id) { return true }
        }
        return false
    }

    // MARK: - Record heads (counting without decoding)

    /// What a summary needs of one cached record, as slices of its bytes: nothing is decoded.
    struct Head {
        /// The whole record (for `decodeRecord`).
        var raw: ArraySlice<UInt8>
        var id: ArraySlice<UInt8>
        /// The company of the record's ref (after the commit, else before), if it has one.
        var company: ArraySlice<UInt8>?
        var own: Bool
        var event: ArraySlice<UInt8>
        /// The encoded details (for `decodeDetails`).
        var details: ArraySlice<UInt8>
    }

    /// The number of cached records of `c`, read from the head of its entry (nil when not
    /// cached, or worked out in this run).
    func storedCount(_ c: ObjectID) -> Int? {
        guard fresh[c] == nil, let raw = stored[c] else { return nil }
        var r = Reader(raw)
        return r.u32()
    }

    /// The heads of `c`'s cached records, in order; nil when `c` is not cached (or was worked out
    /// in this run) or a record does not decode.
    func heads(_ c: ObjectID) -> [Head]? {
        guard fresh[c] == nil, let raw = stored[c] else { return nil }
        return Self.heads(raw)
    }

    static func heads(_ raw: ArraySlice<UInt8>) -> [Head]? {
        var top = Reader(raw)
        guard let count = top.u32(), count <= raw.count else { return nil }
        var out: [Head] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let f = top.raw() else { return nil }
            var r = Reader(f)
            guard let id = r.raw() else { return nil }
            var company: ArraySlice<UInt8>?
            for _ in 0..<2 {  // before, then after: the after side wins
                guard let flag = r.byte() else { return nil }
                guard flag != 0 else { continue }
                guard let c = r.raw(), r.raw() != nil else { return nil }
                company = c
            }
            guard r.skipOptStr(), let hasVersion = r.byte() else { return nil }
            if hasVersion == 1 {
                guard f.endIndex - r.i >= 8 else { return nil }
                r.i += 8
            }
            guard r.skipOptStr(), let flags = r.byte(), let event = r.raw(), r.skipOptStr(), r.skipOptStr(),
                r.skipOptStr()
            else { return nil }
            let start = r.i
            guard let n = r.u32(), n <= f.count else { return nil }
            for _ in 0..<n { guard r.raw() != nil else { return nil } }
            let details = f[start..<r.i]
            guard r.raw() != nil, r.i == f.endIndex else { return nil }
            out.append(
                Head(raw: f, id: id, company: company, own: flags & 8 != 0, event: event, details: details))
        }
        guard top.i == raw.endIndex else { return nil }
        return out
    }

    /// The details of a head, decoded.
    static func decodeDetails(_ raw: ArraySlice<UInt8>) -> [String]? {
        var r = Reader(raw)
        guard let n = r.u32(), n <= raw.count else { return nil }
        var out: [String] = []
        for _ in 0..<n {
            guard let d = r.str() else { return nil }
            out.append(d)
        }
        return r.i == raw.endIndex ? out : nil
    }

    static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c + 0x20 : c }

    static func u32(_ out: inout [UInt8], _ n: Int) {
        for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: n >> (8 * k))) }
    }

    static func str(_ out: inout [UInt8], _ s: String) {
        let u = Array(s.utf8)
        u32(&out, u.count)
        out += u
    }

    static func optStr(_ out: inout [UInt8], _ s: String?) {
        guard let s else { return out.append(0) }
        out.append(1)
        str(&out, s)
    }

    static func optRef(_ out: inout [UInt8], _ r: ContractRef?) {
        guard let r else { return out.append(0) }
        out.append(1)
        str(&out, r.company)
        str(&out, r.stem)
    }
}
