public import PactoriaCore
public import PactoriaGit

/// The lifecycle verbs: `submit`, `request-changes`, `finalize`, `activate`, `complete`,
/// `terminate`, `expire`. Each changes the metadata, stamps `lifecycle`, and commits at once
/// (or, with `commit: false`, writes and stages only).
public enum Transitions {
    public struct Outcome: Sendable {
        public var ref: ContractRef
        public var id: String
        public var title: String
        public var action: LifecycleAction
        public var from: String
        public var to: String
        public var version: Int
        public var event: ContractEvent
        /// The commit made (nil with `commit: false`).
        public var commit: ObjectID?
        /// Hooks run after the commit.
        public var hooks: [HookRun]
        /// The contract as written (set for a single contract's transition).
        public var contract: LoadedContract?
    }

    /// What to do to a contract, and how.
    public struct Request: Sendable {
        public var action: LifecycleAction
        public var reason: String?
        public var author: Author
        /// Refuse (as a conflict) unless the contract is at this version.
        public var expectedVersion: Int?
        /// Refuse (as a conflict) unless the metadata file has this ETag.
        public var expectedETag: String?
        /// The commit message (default: the action and the title).
        public var message: String?
        /// false: write and stage only.
        public var commit: Bool
        public var runHooks: Bool
        public var today: CalendarDate

        public init(
            _ action: LifecycleAction, reason: String? = nil, author: Author, expectedVersion: Int? = nil,
            expectedETag: String? = nil, message: String? = nil, commit: Bool = true, runHooks: Bool = true,
            today: CalendarDate = .today()
        ) {
            self.action = action
            self.reason = reason
            self.author = author
            self.expectedVersion = expectedVersion
            self.expectedETag = expectedETag
            self.message = message
            self.commit = commit
            self.runHooks = runHooks
            self.today = today
        }
    }

    /// Applies `request.action` to the contract the caller resolved. Its metadata is parsed once:
    /// the caller's parse is reused under the write lock when the file is unchanged since.
    public static func run(_ ws: Workspace, _ contract: ResolvedContract, _ request: Request) throws(WorkspaceError)
        -> Outcome
    {
        let ref = contract.ref
        let action = request.action
        var outcome = try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> Outcome in
            let repo = try ws.repository()
            let loaded = try contract.current(ws)
            if let expected = request.expectedVersion, loaded.contract.version != expected {
                throw .conflict(
                    "\(ref) is at version \(loaded.contract.version), not \(expected); reload and try again")
            }
            try ETag.check(ws, ref, request.expectedETag)
            let applied = try apply(
                action, to: loaded, ws: ws, repo: repo, reason: request.reason, author: request.author,
                today: request.today)
            // The metadata is written and the content staged with it, all or nothing.
            let subject =
                request.message ?? defaultMessage(action, title: loaded.contract.title, reason: request.reason)
            let root = ContractCodec.encode(applied.contract, into: loaded.document.root)
            let made = try WriteTransaction.run(
                ws, operation: "\(action.verb) of \(ref)",
                writes: [
                    .init(path: ref.yamlPath, bytes: Array(CanonicalYAML.render(root, order: ContractCodec.order).utf8))
                ],
                alsoStage: [ref.markdownPath],
                finish: request.commit
                    ? .commit(message: subject, events: [applied.event], author: request.author, allowEmpty: true)
                    : .stage)
            var outcome = Outcome(
                ref: ref, id: applied.contract.id, title: applied.contract.title, action: action,
                from: loaded.contract.status, to: applied.contract.status, version: applied.contract.version,
                event: applied.event, commit: made, hooks: [])
            outcome.contract = LoadedContract(
                ref: ref, contract: applied.contract, document: YAMLDocument(root: root, lines: [:]), problems: [])
            return outcome
        }
        if let made = outcome.commit, request.runHooks {
            outcome.hooks = Hooks.run(ws, events: [outcome.event], commit: made)
        }
        return outcome
    }

    /// Expiry of the whole workspace: every active contract whose end_date has passed, in one commit.
    public static func expireAll(
        _ ws: Workspace, author: Author, commit: Bool = true, today: CalendarDate = .today()
    ) throws(WorkspaceError) -> (outcomes: [Outcome], commit: ObjectID?, hooks: [HookRun]) {
        let due = ContractIndex.load(ws).summaries.filter { s in
            s.status == ContractStatus.active.rawValue
                && (s.endDate.flatMap(CalendarDate.init).map { $0 < today } ?? false)
        }.sorted { $0.ref < $1.ref }
        guard !due.isEmpty else { return ([], nil, []) }
        let result = try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> ([Outcome], ObjectID?) in
            let repo = try ws.repository()
            var outcomes: [Outcome] = []
            var writes: [WriteTransaction.Write] = []
            var contents: [String] = []
            for s in due {
                let loaded = try ws.loadContract(s.ref)
                let applied = try apply(
                    .expire, to: loaded, ws: ws, repo: repo, reason: nil, author: author, today: today)
                writes.append(
                    .init(
                        path: s.ref.yamlPath,
                        bytes: Array(ContractCodec.render(applied.contract, into: loaded.document.root).utf8)))
                contents.append(s.ref.markdownPath)
                outcomes.append(
                    Outcome(
                        ref: s.ref, id: applied.contract.id, title: applied.contract.title, action: .expire,
                        from: loaded.contract.status, to: applied.contract.status, version: applied.contract.version,
                        event: applied.event, commit: nil, hooks: []))
            }
            let subject = "Expire \(outcomes.count) contract\(outcomes.count == 1 ? "" : "s") past their end date"
            let made = try WriteTransaction.run(
                ws, operation: "expire of \(outcomes.count) contract\(outcomes.count == 1 ? "" : "s")", writes: writes,
                alsoStage: contents,
                finish: commit
                    ? .commit(message: subject, events: outcomes.map(\.event), author: author, allowEmpty: true)
                    : .stage)
            guard let made else { return (outcomes, nil) }
            return (
                outcomes.map {
                    var o = $0; o.commit = made; return o
                }, made
            )
        }
        let hooks = result.1.map { Hooks.run(ws, events: result.0.map(\.event), commit: $0) } ?? []
        return (result.0, result.1, hooks)
    }

    /// The contract after `action`, checked against every rule (the verb's own and, against HEAD,
    /// the general ones), and its audit event.
    static func apply(
        _ action: LifecycleAction, to loaded: LoadedContract, ws: Workspace, repo: Repository, reason: String?,
        author: Author, today: CalendarDate
    ) throws(WorkspaceError) -> (contract: Contract, event: ContractEvent) {
        if !loaded.problems.isEmpty { throw .invalid(loaded.problems) }
        let ref = loaded.ref
        let markdown = ws.readMarkdown(ref)
        let contentHash = markdown.map(Snapshots.contentHash)
        let snapshot = ContractSnapshot(contract: loaded.contract, contentSHA256: contentHash)
        let trimmedReason = reason.map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
        if let r = trimmedReason, let first = Validator.validateReason(r).first {
            throw .invalidInput(field: first.field, message: first.message)
        }
        if let v = Lifecycle.precheck(
            action, on: snapshot, reason: trimmedReason, today: today, policy: ws.config.policy)
        {
            throw .rule(ref: ref, v)
        }
        let now = Timestamp.now().description
        var c = loaded.contract
        var record = c.lifecycle ?? LifecycleRecord()
        let stamp = LifecycleStamp(by: author.description, at: now, reason: trimmedReason)
        // HEAD's version: the content may have changed since (a finalize of edited content bumps it).
        let head = try? repo.headCommitID()
        let before = head.flatMap { try? repo.treeID(ofCommit: $0) }.flatMap { Snapshots.inTree(repo, $0, ref) }
        if let before, before.contentSHA256 != contentHash, c.version <= before.contract.version {
            c.version = before.contract.version + 1
        }
        if action == .finalize {
            record.finalContent = FinalContent(sha256: contentHash ?? "", by: author.description, at: now)
        } else {
            record.events[action.stampKey] = stamp
            if let target = action.target { c.status = target.rawValue }
        }
        c.lifecycle = record
        c.updatedAt = now
        let after = ContractSnapshot(contract: c, contentSHA256: contentHash)
        let violations = Lifecycle.check(
            before: before, after: after, policy: ws.config.policy, versionBumpIsAutomatic: true)
        if let first = violations.first { throw .rule(ref: ref, first) }
        let event = ContractEvent(
            id: c.id, ref: ref, event: action.event, version: c.version,
            from: action.target == nil ? nil : loaded.contract.status, to: action.target == nil ? nil : c.status,
            actor: author.description, reason: trimmedReason)
        return (c, event)
    }

    static func defaultMessage(_ action: LifecycleAction, title: String, reason: String?) -> String {
        let verb: String
        switch action {
        case .submit: verb = "Submit for review"
        case .requestChanges: verb = "Request changes to"
        case .finalize: verb = "Finalize content of"
        case .activate: verb = "Activate"
        case .complete: verb = "Complete"
        case .terminate: verb = "Terminate"
        case .expire: verb = "Expire"
        }
        return "\(verb): \(title)"
    }
}

/// Expiring contracts: active contracts whose term ends, or whose last day to give notice falls,
/// within a window, soonest first. A contract that renews itself (`renewal: auto_renew: true`)
/// is listed by its next renewal and notice deadline instead of its original end date.
public enum Expiring {
    public struct Entry: Sendable {
        public var summary: ContractSummary
        /// The contract's `end_date`.
        public var endDate: CalendarDate
        /// The day its current term ends: the next renewal for an auto-renewing contract, else `endDate`.
        public var date: CalendarDate
        /// Days from today to `date`.
        public var daysLeft: Int
        /// Auto-renewing: `date` is a renewal, not an end.
        public var renews: Bool
        public var renewalTerm: RenewalPeriod?
        /// The last day to give notice (to stop the renewal, or of non-continuation), when the
        /// contract has a notice period.
        public var noticeDeadline: CalendarDate?
        public var noticeDaysLeft: Int?
    }

    public static func run(_ ws: Workspace, days: Int, today: CalendarDate = .today()) throws(WorkspaceError) -> [Entry]
    {
        guard days >= 0 else { throw .invalidInput(field: "days", message: "must be zero or more") }
        return entries(ContractIndex.load(ws).summaries, days: days, today: today)
    }

    /// The entries of `summaries` (active ones only) within `days` of `today`.
    public static func entries(_ summaries: [ContractSummary], days: Int, today: CalendarDate) -> [Entry] {
        let horizon = today.adding(days: days)
        func within(_ d: CalendarDate?) -> Bool { d.map { $0 >= today && $0 <= horizon } ?? false }
        return summaries.compactMap { s -> (Entry, CalendarDate)? in
            guard s.status == ContractStatus.active.rawValue, let r = Renewal.dates(s, today: today) else { return nil }
            let date = r.termEnd
            let notice = within(r.noticeDeadline) ? r.noticeDeadline : nil
            guard within(date) || notice != nil else { return nil }
            let entry = Entry(
                summary: s, endDate: r.endDate, date: date, daysLeft: date.daysSinceEpoch - today.daysSinceEpoch,
                renews: r.autoRenews, renewalTerm: r.autoRenews ? r.renewalTerm : nil, noticeDeadline: r.noticeDeadline,
                noticeDaysLeft: r.noticeDeadline.map { $0.daysSinceEpoch - today.daysSinceEpoch })
            // Soonest first: by the first of its dates inside the window.
            return (entry, min(notice ?? date, within(date) ? date : notice ?? date))
        }.sorted { ($0.1, $0.0.summary.ref) < ($1.1, $1.0.summary.ref) }.map(\.0)
    }
}
