public import Foundation
public import PactoriaCore
public import PactoriaGit

/// The audit: the audit trail read from history. Events come from the commits' trailers;
/// a commit made with plain git (no trailers) still appears, with events inferred from what
/// changed, marked as inferred.
public enum Audit {
    public struct Entry: Sendable {
        public var commit: ObjectID
        public var time: Date
        public var author: String
        public var subject: String
        public var contractID: String
        public var ref: ContractRef?
        public var title: String?
        public var event: String
        public var from: String?
        public var to: String?
        public var actor: String
        public var reason: String?
        public var version: Int?
        public var inferred: Bool
        /// For inferred events: what changed, in words.
        public var details: [String]
    }

    public struct Filter: Sendable {
        public var contract: String?
        public var event: String?
        public var actor: String?
        public var since: CalendarDate?
        public var until: CalendarDate?

        public init(
            contract: String? = nil, event: String? = nil, actor: String? = nil, since: CalendarDate? = nil,
            until: CalendarDate? = nil
        ) {
            self.contract = contract
            self.event = event
            self.actor = actor
            self.since = since
            self.until = until
        }
    }

    public static func run(_ ws: Workspace, filter: Filter = Filter(), limit: Int? = nil) throws(WorkspaceError)
        -> [Entry]
    {
        let q = try query(ws, filter)
        var out: [Entry] = []
        try walk(ws, q) { (c, trailers, cache, repo) throws(WorkspaceError) in
            for e in entries(of: c, trailers: trailers, records: try records(c, cache, repo, q)) where matches(e, q) {
                out.append(e)
            }
            return limit.map { out.count >= $0 } ?? false
        }
        if let limit { return Array(out.prefix(limit)) }
        return out
    }

    /// A filter made ready once: the contract's id (lower case, and its bytes when ASCII), the
    /// event's full name, the actor in lower case.
    struct Query {
        var contractID: String?
        var needle: [UInt8]?
        var event: String?
        var actor: String?
        var since: CalendarDate?
        var until: CalendarDate?
    }

    static func query(_ ws: Workspace, _ filter: Filter) throws(WorkspaceError) -> Query {
        var contractID: String?
        if let spec = filter.contract {
            if let s = try? History.locate(ws, spec) {
                contractID = s.id.lowercased()
            } else {
                guard spec.count >= 4 else { throw .notFound("no contract matches '\(spec)'") }
                contractID = spec.lowercased()  // a contract no longer in the tree: match by id prefix
            }
        }
        return Query(
            contractID: contractID,
            needle: contractID.flatMap { id in id.utf8.allSatisfy { $0 < 0x80 } ? Array(id.utf8) : nil },
            event: filter.event.map { $0.hasPrefix("contract.") ? $0 : "contract." + $0 },
            actor: filter.actor?.lowercased(), since: filter.since, until: filter.until)
    }

    /// The records of `c` that can concern the query's contract (all of them without one).
    static func records(_ c: CommitInfo, _ cache: HistoryCache, _ repo: Repository, _ q: Query)
        throws(WorkspaceError) -> [HistoryRecord]
    {
        // The records of other contracts give only entries the query drops (a trailer's record
        // has the trailer's id, so it is kept with it).
        guard let needle = q.needle else { return try cache.records(c, repo: repo) }
        return try cache.records(c, repo: repo, where: { HistoryCache.hasPrefixFolded($0, needle) })
    }

    /// Whether an entry passes the query's contract, event and actor (the dates are the walk's).
    static func matches(_ e: Entry, _ q: Query) -> Bool {
        if let contractID = q.contractID, !e.contractID.lowercased().hasPrefix(contractID) { return false }
        if let event = q.event, e.event != event { return false }
        if let actor = q.actor, !e.actor.lowercased().contains(actor) { return false }
        return true
    }

    /// Calls `body` with each commit from HEAD, newest first, in the query's dates and (when it
    /// names a contract) possibly concerning it, with the commit's trailers and the history
    /// cache; stops when `body` returns true.
    static func walk(
        _ ws: Workspace, _ q: Query,
        _ body: (CommitInfo, [ContractEvent], HistoryCache, Repository) throws(WorkspaceError) -> Bool
    ) throws(WorkspaceError) {
        let repo = try ws.repository()
        guard let head = try Committer.head(repo) else { return }
        let cache = HistoryCache(ws)
        defer { cache.save() }
        try CommitWalk.forEach(ws, repo, from: head) { (w) throws(WorkspaceError) -> Bool in
            let c = w.info
            let day = Timestamp(clampingSeconds: c.author.time.timeIntervalSince1970).date
            if let since = q.since, day < since { return false }
            if let until = q.until, day > until { return false }
            let trailers = AuditTrailers.parse(w.trailers)
            // Commits whose cached records name no such contract are skipped without decoding them.
            if let contractID = q.contractID, let needle = q.needle,
                !trailers.contains(where: { $0.id.lowercased().hasPrefix(contractID) }),
                cache.mentions(c.id, where: { HistoryCache.hasPrefixFolded($0, needle) }) == false
            {
                return false
            }
            return try body(c, trailers, cache, repo)
        }
    }

    /// The audit entries of one commit: its trailers, plus inferred entries for contracts it
    /// changed without saying so (for a merge, only changes that differ from every parent).
    static func entries(of c: CommitInfo, trailers: [ContractEvent], records: [HistoryRecord]) -> [Entry] {
        let authorText = "\(c.author.name) <\(c.author.email)>"
        let subject = c.summary
        var byID: [String: HistoryRecord] = [:]
        for r in records { byID[r.id.lowercased()] = r }

        var out: [Entry] = []
        var covered = Set<String>()
        for t in trailers {
            let r = byID[t.id.lowercased()]
            covered.insert(t.id.lowercased())
            out.append(
                Entry(
                    commit: c.id, time: c.author.time, author: authorText, subject: subject, contractID: t.id,
                    ref: r?.ref, title: r?.title, event: t.event, from: t.from, to: t.to, actor: t.actor ?? authorText,
                    reason: t.reason, version: t.version == 0 ? nil : t.version, inferred: false, details: []))
        }
        for r in records where r.own && !covered.contains(r.id.lowercased()) {
            out.append(
                Entry(
                    commit: c.id, time: c.author.time, author: authorText, subject: subject, contractID: r.id,
                    ref: r.ref, title: r.title, event: r.event, from: r.from, to: r.to, actor: authorText,
                    reason: r.reason, version: r.version, inferred: true, details: r.details))
        }
        return out
    }

    /// What an inferred event says about a change, worked out from its two sides.
    struct Inferred {
        var event = "contract.updated"
        var from: String?
        var to: String?
        var reason: String?
        var details: [String] = []
    }

    /// Works out what a change was from the two sides.
    static func infer(_ ch: ContractTreeChange) -> Inferred {
        var e = Inferred()
        guard let before = ch.before?.contract else {
            e.event = "contract.created"
            e.details = ["created with status \(ch.after?.contract.status ?? "?")"]
            return e
        }
        guard let after = ch.after?.contract else {
            e.event = "contract.deleted"
            e.details = ["contract files deleted"]
            return e
        }
        if before.status != after.status {
            e.from = before.status
            e.to = after.status
            if let f = before.statusValue, let t = after.statusValue, let action = Lifecycle.action(from: f, to: t) {
                e.event = action.event
                e.reason = after.lifecycle?.events[action.stampKey]?.reason
            } else {
                e.event = "contract.status_changed"
            }
            e.details.append("status changed from \(before.status) to \(after.status)")
        }
        let fields = Lifecycle.changedFields(before, after)
        if !fields.isEmpty { e.details.append("fields changed: \(fields.joined(separator: ", "))") }
        if ch.beforeRef != ch.afterRef, let b = ch.beforeRef { e.details.append("renamed from \(b)") }
        if before.lifecycle?.finalContent != after.lifecycle?.finalContent, after.lifecycle?.finalContent != nil,
            before.status == after.status
        {
            e.event = "contract.finalized"
            e.details.append("final content recorded")
        }
        if ch.contentChanged {
            if e.from == nil && e.event == "contract.updated" { e.event = "contract.content_changed" }
            e.details.append("content changed")
        }
        if e.details.isEmpty { e.details = ["metadata changed"] }
        return e
    }
}
