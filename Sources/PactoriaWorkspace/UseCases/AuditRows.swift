public import Foundation
public import PactoriaGit

/// The audit as a table shows it: a bulk commit (a plain-git import or bulk edit) is one row per
/// event rather than one per contract. Every entry stays in the trail (`Audit.run`, the JSON); the
/// summary is only how many lines it takes to read.
extension Audit {
    /// A commit with more than this many inferred entries of one event shows them as one row.
    public static let summaryThreshold = 20

    /// The inferred entries of one event in one commit, counted.
    public struct Summary: Sendable, Equatable {
        public var commit: ObjectID
        public var time: Date
        public var author: String
        public var subject: String
        public var event: String
        /// Who the entries name as actor (for inferred entries, the commit's author).
        public var actor: String
        public var count: Int
        /// How many companies the entries' contracts are in.
        public var companies: Int
        /// The details every entry shares, or nil when they differ.
        public var details: [String]?
    }

    public enum Row: Sendable {
        case entry(Entry)
        case summary(Summary)
    }

    /// The rows for `entries` (as `run` lists them, a commit's entries together): per commit, the
    /// inferred entries of an event that has more than `threshold` of them become one summary,
    /// in the place of the first; trailer entries are never summarised (each is a statement).
    public static func summarize(_ entries: [Entry], threshold: Int = summaryThreshold) -> [Row] {
        var out: [Row] = []
        out.reserveCapacity(entries.count)
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].commit == entries[start].commit { end += 1 }
            summarizeCommit(entries[start..<end], threshold: threshold, into: &out)
            start = end
        }
        return out
    }

    static func summarizeCommit(_ entries: ArraySlice<Entry>, threshold: Int, into out: inout [Row]) {
        var counts: [String: Int] = [:]
        for e in entries where e.inferred { counts[e.event, default: 0] += 1 }
        guard counts.values.contains(where: { $0 > threshold }) else {
            for e in entries { out.append(.entry(e)) }
            return
        }
        var done = Set<String>()
        for e in entries {
            guard e.inferred, let n = counts[e.event], n > threshold else {
                out.append(.entry(e))
                continue
            }
            guard done.insert(e.event).inserted else { continue }
            let group = entries.filter { $0.inferred && $0.event == e.event }
            let companies = Set(group.compactMap { $0.ref?.company })
            let details = group.allSatisfy { $0.details == e.details } ? e.details : nil
            out.append(
                .summary(
                    Summary(
                        commit: e.commit, time: e.time, author: e.author, subject: e.subject, event: e.event,
                        actor: e.actor, count: n, companies: companies.count, details: details)))
        }
    }

    /// The audit as rows: `run`'s entries, summarised as `summarize` does (all of them, one row
    /// each, when `expand`), at most `limit` rows. A bulk commit's cached records are counted
    /// without being decoded: only the entries shown one per row are.
    public static func rows(_ ws: Workspace, filter: Filter = Filter(), limit: Int? = nil, expand: Bool = false)
        throws(WorkspaceError) -> [Row]
    {
        if expand { return try run(ws, filter: filter, limit: limit).map { .entry($0) } }
        let q = try query(ws, filter)
        if let cached = try RowCache.rows(ws, q, limit: limit) { return cached }
        var out: [Row] = []
        try walk(ws, q) { (c, trailers, cache, repo) throws(WorkspaceError) in
            out += try commitRows(c, trailers, cache, repo, q)
            return limit.map { out.count >= $0 } ?? false
        }
        if let limit { return Array(out.prefix(limit)) }
        return out
    }

    /// The rows of one commit that pass the query's contract, event and actor.
    static func commitRows(
        _ c: CommitInfo, _ trailers: [ContractEvent], _ cache: HistoryCache, _ repo: Repository, _ q: Query
    ) throws(WorkspaceError) -> [Row] {
        // (With a contract, its few records are decoded alone instead.)
        if trailers.isEmpty, q.needle == nil, (cache.storedCount(c.id) ?? 0) > summaryThreshold,
            let heads = cache.heads(c.id),
            let rows = summarizeHeads(c, heads, q)
        {
            return rows
        }
        var out: [Row] = []
        let es = entries(of: c, trailers: trailers, records: try records(c, cache, repo, q))
        summarizeCommit(es.filter { matches($0, q) }[...], threshold: summaryThreshold, into: &out)
        return out
    }

    /// The rows of a commit without trailers from its cached record heads, as `summarizeCommit`
    /// gives them for its entries; nil when a record does not decode (the caller recomputes).
    static func summarizeHeads(_ c: CommitInfo, _ heads: [HistoryCache.Head], _ q: Query) -> [Row]? {
        let authorText = "\(c.author.name) <\(c.author.email)>"
        // Inferred entries name the author as actor: one test for the whole commit.
        if let actor = q.actor, !authorText.lowercased().contains(actor) { return [] }
        let contractID = q.contractID
        let needle = q.needle
        let wanted = q.event
        // The events met so far (few per commit), by their bytes; whether each passes the filter.
        var events: [(bytes: ArraySlice<UInt8>, name: String, passes: Bool, count: Int)] = []
        var kept: [(head: Int, event: Int)] = []
        kept.reserveCapacity(heads.count)
        for (i, h) in heads.enumerated() where h.own {
            if let contractID {
                if let needle, !HistoryCache.hasPrefixFolded(h.id, needle) { continue }
                if !String(decoding: h.id, as: UTF8.self).lowercased().hasPrefix(contractID) { continue }
            }
            let k: Int
            if let found = events.firstIndex(where: { $0.bytes.elementsEqual(h.event) }) {
                k = found
            } else {
                let name = String(decoding: h.event, as: UTF8.self)
                events.append((h.event, name, wanted.map { $0 == name } ?? true, 0))
                k = events.count - 1
            }
            guard events[k].passes else { continue }
            events[k].count += 1
            kept.append((i, k))
        }
        // Events that differ as bytes but are equal as strings count together, as in `summarize`.
        var total: [String: Int] = [:]
        for e in events { total[e.name, default: 0] += e.count }
        var out: [Row] = []
        var done = Set<String>()
        for (i, k) in kept {
            let name = events[k].name
            let n = total[name] ?? 0
            if n <= summaryThreshold {
                guard let r = HistoryCache.decodeRecord(heads[i].raw) else { return nil }
                out += entries(of: c, trailers: [], records: [r]).map { .entry($0) }
                continue
            }
            guard done.insert(name).inserted else { continue }
            let group = kept.filter { events[$0.event].name == name }.map { heads[$0.head] }
            guard let s = summary(c, author: authorText, event: name, group) else { return nil }
            out.append(.summary(s))
        }
        return out
    }

    /// The summary of `group` (record heads of one event), compared as `summarize` compares
    /// entries: companies and details as strings (bytes that differ may still be equal strings).
    static func summary(_ c: CommitInfo, author: String, event: String, _ group: [HistoryCache.Head]) -> Summary? {
        guard let first = group.first, let details = HistoryCache.decodeDetails(first.details) else { return nil }
        var same = true
        for h in group where !h.details.elementsEqual(first.details) {
            guard let d = HistoryCache.decodeDetails(h.details) else { return nil }
            if d != details {
                same = false
                break
            }
        }
        let companies: Int
        if group.allSatisfy({ $0.company.map { c in c.allSatisfy { $0 < 0x80 } } ?? true }) {
            companies = Set(group.compactMap(\.company)).count
        } else {
            companies = Set(group.compactMap { $0.company.map { String(decoding: $0, as: UTF8.self) } }).count
        }
        return Summary(
            commit: c.id, time: c.author.time, author: author, subject: c.summary, event: event, actor: author,
            count: group.count, companies: companies, details: same ? details : nil)
    }
}
