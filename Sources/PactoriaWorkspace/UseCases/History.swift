import Foundation
import PactoriaCore
public import PactoriaGit

/// The log: the workspace's history, or one contract's versions across renames.
public enum History {
    /// One commit of the workspace.
    public struct CommitEntry: Sendable {
        public var commit: CommitInfo
        /// Audit trailers, grouped per contract.
        public var events: [ContractEvent]
    }

    /// One version of a contract: a commit that changed its metadata or content.
    public struct ContractEntry: Sendable {
        public var commit: CommitInfo
        public var ref: ContractRef
        public var version: Int?
        public var status: String?
        public var event: String
        /// True when the event was worked out from the change, not read from a trailer.
        public var inferred: Bool
    }

    public static func workspace(_ ws: Workspace, limit: Int? = nil) throws(WorkspaceError) -> [CommitEntry] {
        let repo = try ws.repository()
        guard let head = try headOrNil(repo) else { return [] }
        var out: [CommitEntry] = []
        if let limit, limit <= 0 { return out }
        try CommitWalk.forEach(ws, repo, from: head) { (w) throws(WorkspaceError) -> Bool in
            out.append(CommitEntry(commit: w.info, events: AuditTrailers.parse(w.trailers)))
            return limit.map { out.count >= $0 } ?? false
        }
        return out
    }

    /// Reads `Pactoria-Contract` / `-Event` / `-Version` trailer sets from a commit message.
    public static func parseEvents(_ c: CommitInfo) -> [ContractEvent] { AuditTrailers.parse(c.trailers) }

    /// The versions of one contract, newest first, following it by id across renames.
    ///
    /// Every commit, newest first and children before parents, as `git log -- PATH` walks: work
    /// done on a branch and merged in shows as the commits that made it. A merge shows only when
    /// its contract differs from every parent's (it resolved or combined changes). Each commit's
    /// changes come from the history cache, so a warm query reads no tree.
    public static func contract(_ ws: Workspace, id: String, ref: ContractRef) throws(WorkspaceError) -> [ContractEntry]
    {
        let repo = try ws.repository()
        guard let head = try headOrNil(repo) else { return [] }
        let cache = HistoryCache(ws)
        defer { cache.save() }
        let lowered = id.lowercased()
        let needle = Array(lowered.utf8)
        var out: [ContractEntry] = []
        var path = ref
        try CommitWalk.forEach(ws, repo, from: head) { (w) throws(WorkspaceError) -> Bool in
            let c = w.info
            if cache.mentions(c.id, where: { HistoryCache.equalFolded($0, needle) }) == false { return false }
            let mine = try cache.records(c, repo: repo, where: { HistoryCache.equalFolded($0, needle) }).filter {
                $0.id.lowercased() == lowered
            }
            // Where the contract was last seen, else wherever the commit has it.
            guard let r = mine.first(where: { $0.afterRef == path && $0.hasYAML }) ?? mine.last(where: \.hasYAML),
                let current = r.afterRef
            else {
                return false  // deleted here, or not changed by this commit
            }
            path = current
            if !r.own { return false }  // a merge that took it unchanged from a parent
            let trailer = AuditTrailers.parse(w.trailers).last { $0.id.lowercased() == lowered }
            var event: String
            let inferred: Bool
            if let trailer, !trailer.event.isEmpty {
                event = trailer.event
                inferred = false
            } else {
                event = r.logEvent
                inferred = true
            }
            if event.isEmpty { event = "contract.updated" }
            out.append(
                ContractEntry(
                    commit: c, ref: current, version: r.version, status: r.status, event: event, inferred: inferred))
            return r.logCreated  // created here: nothing older concerns it
        }
        return out
    }

    /// The contract named by `spec` (as `ContractViews.resolve` finds it): its id and place. A
    /// path, `company/stem` or a stem that names exactly one readable contract file is read alone,
    /// without loading every contract's summary; anything else goes through the contract index.
    public static func locate(_ ws: Workspace, _ spec: String) throws(WorkspaceError) -> (id: String, ref: ContractRef)
    {
        if let ref = quickRef(ws, spec), FileSystem.kind(ws.absolute(ref.yamlPath)) == .regular,
            let loaded = try? ws.loadContract(ref), !loaded.contract.id.isEmpty,
            // As the index reads it: metadata without its required fields is no contract.
            !loaded.problems.contains(where: {
                $0.message == "is required" || $0.message == "must be a YAML mapping of fields"
            })
        {
            return (loaded.contract.id, ref)
        }
        let s = try ContractViews.resolve(ws, spec)
        return (s.id, s.ref)
    }

    /// The one place `spec` can name without consulting the index, if there is one.
    static func quickRef(_ ws: Workspace, _ spec: String) -> ContractRef? {
        func plain(_ s: Substring) -> Bool {
            !s.isEmpty && !s.hasPrefix(".") && !s.contains("/") && !s.contains("\0")
        }
        if spec.hasSuffix(".yaml") || spec.hasSuffix(".md") {
            let abs = FileSystem.absolute(spec)
            let rel = abs.hasPrefix(ws.root + "/") ? String(abs.dropFirst(ws.root.count + 1)) : spec
            guard let ref = ContractRef(path: rel) ?? ContractRef(path: spec) else { return nil }
            return ws.companySlugs().contains(ref.company) ? ref : nil
        }
        if spec.contains("/") {
            let parts = spec.split(separator: "/")
            guard parts.count == 2, plain(parts[0]), plain(parts[1]), ws.companySlugs().contains(String(parts[0]))
            else { return nil }
            return ContractRef(company: String(parts[0]), stem: String(parts[1]))
        }
        guard plain(Substring(spec)) else { return nil }
        let found = ws.companySlugs().filter {
            FileSystem.exists(ws.absolute("companies/\($0)/contracts/\(spec).yaml"))
        }
        return found.count == 1 ? ContractRef(company: found[0], stem: spec) : nil
    }

    /// Looks for the contract with `id` anywhere in a tree (used only when it is not where it was).
    static func find(id: String, in tree: ObjectID, repo: Repository) throws -> ContractRef? {
        let needle = Array("id: \(id.lowercased())".utf8)
        for (path, blob) in try repo.files(inTree: tree, under: "companies") where path.hasSuffix(".yaml") {
            guard let ref = ContractRef(path: path) else { continue }
            let bytes = try repo.blob(blob)
            if bytes.firstRange(of: needle) != nil { return ref }
            // Hand-written files may quote the id or use upper case: check properly.
            if let loaded = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self)),
                loaded.contract.id.lowercased() == id.lowercased()
            {
                return ref
            }
        }
        return nil
    }

    static func headOrNil(_ repo: Repository) throws(WorkspaceError) -> ObjectID? {
        do { return try repo.headCommitID() } catch { throw .repository("cannot read HEAD", detail: "\(error)") }
    }
}

extension Array where Element == UInt8 {
    func firstRange(of needle: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, count >= needle.count else { return nil }
        let first = needle[0]
        var i = 0
        while i <= count - needle.count {
            if self[i] == first && self[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }
}
