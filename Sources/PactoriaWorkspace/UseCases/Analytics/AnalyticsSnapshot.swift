import Foundation
public import PactoriaCore
public import PactoriaGit

/// The contracts analytics look at: the working tree now (through the summaries cache, or a
/// server's live index), or the tree of the last commit at or before a date, for one
/// company or every company. Business figures, compliance figures, the queue, the calendar and
/// the report are all computed from one of these, so the CLI and the API give the same numbers.
public struct AnalyticsSnapshot: Sendable {
    public var contracts: [ContractSummary]
    /// Metadata files that could not be read (they are left out of every figure, and counted).
    public var unreadable: Int
    /// The company the figures are for; nil for the whole workspace.
    public var company: String?
    /// The date the figures are "as of": the date asked for, else today. Windows (expiring in 30 days,
    /// growth) are counted from it.
    public var today: CalendarDate
    /// With a date: the date asked for and the commit whose tree answered.
    public var asOf: CalendarDate?
    public var commit: CommitInfo?

    public init(
        contracts: [ContractSummary], unreadable: Int = 0, company: String? = nil, today: CalendarDate,
        asOf: CalendarDate? = nil, commit: CommitInfo? = nil
    ) {
        self.contracts = contracts
        self.unreadable = unreadable
        self.company = company
        self.today = today
        self.asOf = asOf
        self.commit = commit
    }

    /// The snapshot of `company` (nil: every company) now, or as of `asOf`.
    public static func load(
        _ ws: Workspace, company: String? = nil, asOf: CalendarDate? = nil, live: LiveContractIndex? = nil,
        today: CalendarDate = .today()
    ) throws(WorkspaceError) -> AnalyticsSnapshot {
        if let asOf { return try load(ws, company: company, asOf: asOf) }
        if let company, !ws.companySlugs().contains(company) { throw .notFound("no company '\(company)'") }
        let index =
            if let live { company.map { live.index(ws, company: $0) } ?? live.index(ws) } else {
                ContractIndex.load(ws, company: company)
            }
        return AnalyticsSnapshot(
            contracts: index.summaries, unreadable: index.unreadable.count, company: company, today: today)
    }

    /// The content facts of the snapshot's contracts: from the working tree now, or from the
    /// answering commit's tree as of a date.
    public func contentFacts(_ ws: Workspace) -> [ContractRef: ContentFacts] {
        commit.map { ws.contentFacts(of: contracts, at: $0) } ?? ws.contentFacts(of: contracts)
    }

    /// The contracts in the tree of the last commit (following first parents from HEAD) made at
    /// or before the end of `asOf` (UTC).
    static func load(_ ws: Workspace, company: String?, asOf: CalendarDate) throws(WorkspaceError)
        -> AnalyticsSnapshot
    {
        let repo = try ws.repository()
        let commit = try commit(ws, repo: repo, asOf: asOf)
        var files: [(ref: ContractRef, blob: ObjectID)] = []
        var companies: Set<String> = []
        do {
            for c in try repo.directoryEntries(inTree: commit.treeID, path: "companies") where c.isDirectory {
                guard Validator.isSlug(c.name) else { continue }
                companies.insert(c.name)
                if let company, c.name != company { continue }
                guard
                    let dir = try repo.directoryEntries(ofTree: c.id)
                        .first(where: { $0.name == "contracts" && $0.isDirectory })
                else { continue }
                for f in try repo.directoryEntries(ofTree: dir.id) where !f.isDirectory && f.name.hasSuffix(".yaml") {
                    let stem = String(f.name.dropLast(5))
                    guard Validator.isSlug(stem) else { continue }
                    files.append((ContractRef(company: c.name, stem: stem), f.id))
                }
            }
        } catch {
            throw .repository("cannot read the tree of \(commit.id.short)", detail: "\(error)")
        }
        if let company, !companies.contains(company) {
            throw .notFound("no company '\(company)' as of \(asOf) (commit \(commit.id.short))")
        }
        var loader = ContractIndex.Loader(ws)
        let summaries = loader.summaries(files, repo: repo)
        loader.save()
        let found = summaries.compactMap { $0 }
        return AnalyticsSnapshot(
            contracts: found, unreadable: summaries.count - found.count, company: company, today: asOf, asOf: asOf,
            commit: commit)
    }

    /// The last commit on HEAD's first-parent line made at or before the end of `date` (UTC).
    public static func commit(_ ws: Workspace, repo: Repository, asOf date: CalendarDate) throws(WorkspaceError)
        -> CommitInfo
    {
        let end = Int64(date.daysSinceEpoch + 1) * 86_400
        let head: ObjectID?
        do { head = try repo.headCommitID() } catch {
            throw .repository("cannot read HEAD", detail: "\(error)")
        }
        guard let head else {
            throw .invalidInput(field: "as_of", message: "the workspace has no commits yet")
        }
        var first: CommitInfo?
        do {
            for c in try repo.walk(from: head, firstParentOnly: true) {
                if Int64(c.committer.time.timeIntervalSince1970) < end { return c }
                first = c
            }
        } catch {
            throw .repository("cannot walk the history", detail: "\(error)")
        }
        let since =
            first.map {
                " (the first commit is from \(Timestamp(clampingSeconds: $0.committer.time.timeIntervalSince1970).date))"
            } ?? ""
        throw .invalidInput(field: "as_of", message: "\(date) is before the first commit\(since)")
    }

    /// A date to answer as of (`as_of=`): `YYYY-MM-DD`.
    public static func parseDate(_ text: String, field: String = "as_of") throws(WorkspaceError) -> CalendarDate {
        guard text.utf8.count == 10, let d = CalendarDate(text) else {
            throw .invalidInput(field: field, message: "must be a date as YYYY-MM-DD, got '\(text.prefix(40))'")
        }
        return d
    }
}
