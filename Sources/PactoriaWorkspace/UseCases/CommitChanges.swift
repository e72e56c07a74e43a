import Foundation
public import PactoriaCore
public import PactoriaGit

/// Committing: validate, bump versions, stage the workspace and commit with audit trailers.
public enum CommitChanges {
    public struct Result: Sendable {
        public var commit: ObjectID
        public var contracts: [ContractEvent]
        public var summary: String
        /// Domain-event hooks run after the commit.
        public var hooks: [HookRun] = []
    }

    public static func run(
        _ ws: Workspace, message: String, author: Author, allowEmpty: Bool = false,
        stageEverything: Bool = false, precomputed: WorkspaceStatus? = nil
    ) throws(WorkspaceError) -> Result {
        var r = try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> Result in
            try locked(
                ws, message: message, author: author, allowEmpty: allowEmpty, stageEverything: stageEverything,
                precomputed: precomputed)
        }
        r.hooks = Hooks.run(ws, events: r.contracts, commit: r.commit)
        return r
    }

    static func locked(
        _ ws: Workspace, message: String, author: Author, allowEmpty: Bool, stageEverything: Bool,
        precomputed: WorkspaceStatus?
    ) throws(WorkspaceError) -> Result {
        let trimmed = message.trimmingSpaces()
        guard !trimmed.isEmpty else {
            throw .invalidInput(field: "message", message: "the commit message must not be empty")
        }
        let repo = try ws.repository()
        // #12.3, #12.17: an interrupted pull or an unresolved conflict (Pactoria's or git's own).
        let mergeState = MergeState.current(ws)
        // Finishing a merge: every conflict resolved, then a commit with both parents.
        let mergeParents = try concludedMergeParents(mergeState)
        // Read the index (about a fifth of a commit's time on a large workspace) on another thread,
        // through a second handle on the repository, while the working tree is scanned.
        let early = IndexReader(root: ws.root)
        let status = try validStatus(ws, precomputed: precomputed, mergeState: mergeState)
        let (head, headTree) = try headAndTree(repo)
        let (events, bumps) = try eventsAndVersionBumps(
            ws, repo, status: status, headTree: headTree, author: author, mergeParents: mergeParents)

        // The metadata rewritten above (versions, updated_at) is journalled: if the commit fails or
        // the process dies before it, the user's files are put back byte for byte (#12.1).
        let opened = try openIndex(early, repo)
        var tx: WriteTransaction?
        if !bumps.isEmpty {
            tx = try WriteTransaction.begin(ws, repo, operation: "commit", writes: bumps, index: opened)
        }
        do throws(WorkspaceError) {
            try tx?.writeFiles()
            Fault.point("commit.after-bumps")
            let result = try stageAndCommit(
                ws, repo, status: status, opened: opened, events: events, head: head, headTree: headTree,
                message: trimmed,
                author: author, allowEmpty: allowEmpty, stageEverything: stageEverything, mergeParents: mergeParents)
            tx?.end()
            return result
        } catch {
            if let tx { throw tx.fail(error) }
            // The index or a commit object found the disk full: say so (#12.9).
            if error.isDiskFull { throw .diskFull(path: ".git") }
            throw error
        }
    }

    /// The other parent of a merge being concluded (none without one); refuses while conflicts remain.
    static func concludedMergeParents(_ mergeState: MergeState?) throws(WorkspaceError) -> [ObjectID] {
        guard let state = mergeState else { return [] }
        if let r = state.commitRefusal() { throw .refused(r.message, remedy: r.remedy) }
        return ObjectID(hex: state.theirs).map { [$0] } ?? []
    }

    /// The workspace's status (computed unless given), refused when it has problems other than
    /// the deletions a merge accepted.
    static func validStatus(_ ws: Workspace, precomputed: WorkspaceStatus?, mergeState: MergeState?)
        throws(WorkspaceError) -> WorkspaceStatus
    {
        let status: WorkspaceStatus
        if let precomputed {
            status = precomputed
        } else {
            status = try Trace.measure("status") { () throws(WorkspaceError) in
                try WorkspaceStatus.compute(ws, counting: false)
            }
        }
        // A deletion accepted by resolving to their side is the merge's to make (#12.12).
        let acceptedDeletions = Set(
            (mergeState?.contracts ?? []).filter(\.acceptedDeletion).flatMap { [$0.ref.yamlPath, $0.ref.markdownPath] })
        let problems = status.problems.filter { !acceptedDeletions.contains($0.file) }
        if !problems.isEmpty { throw .invalid(problems) }
        return status
    }

    static func headAndTree(_ repo: Repository) throws(WorkspaceError) -> (head: ObjectID?, tree: ObjectID?) {
        let head: ObjectID?
        do { head = try repo.headCommitID() } catch { throw .repository("cannot read HEAD", detail: "\(error)") }
        let headTree = try head.map { (h: ObjectID) throws(WorkspaceError) -> ObjectID in
            do { return try repo.treeID(ofCommit: h) } catch {
                throw .repository("cannot read HEAD's tree", detail: "\(error)")
            }
        }
        return (head, headTree)
    }

    /// Contracts that disappeared from a path, by lower-cased id, to recognise renames.
    static func deletedContractsByID(_ repo: Repository, status: WorkspaceStatus, headTree: ObjectID?)
        -> [String: ContractRef]
    {
        var deletedByID: [String: ContractRef] = [:]
        guard let headTree else { return deletedByID }
        for c in status.contracts where c.change == .deleted {
            if let text = try? blobText(repo, headTree, c.ref.yamlPath),
                let loaded = try? Workspace.decodeContract(ref: c.ref, text: text)
            {
                deletedByID[loaded.contract.id.lowercased()] = c.ref
            }
        }
        return deletedByID
    }

    /// The audit event of every changed contract, and the metadata rewrites (version bump,
    /// `updated_at`) the commit carries.
    static func eventsAndVersionBumps(
        _ ws: Workspace, _ repo: Repository, status: WorkspaceStatus, headTree: ObjectID?, author: Author,
        mergeParents: [ObjectID]
    ) throws(WorkspaceError) -> (events: [ContractEvent], bumps: [WriteTransaction.Write]) {
        var deletedByID = deletedContractsByID(repo, status: status, headTree: headTree)
        var events: [ContractEvent] = []
        var bumps: [WriteTransaction.Write] = []
        let now = Timestamp.now().description
        for change in status.contracts where change.change != .deleted {
            let loaded = try ws.loadContract(change.ref)
            let id = loaded.contract.id
            let previousRef =
                FileSystem.exists(ws.absolute(change.ref.yamlPath))
                    && (change.change == .new || change.change == .untracked)
                ? deletedByID.removeValue(forKey: id.lowercased()) : change.ref
            var event = ContractEvent(
                id: id, ref: change.ref, event: "contract.created", version: 0, actor: author.description)
            var contract = loaded.contract
            if let headTree, let prevRef = previousRef {
                try describeUpdate(
                    ws, repo, change.ref, from: prevRef, headTree: headTree, mergeParents: mergeParents,
                    contract: &contract, event: &event, now: now)
            }
            if contract != loaded.contract {
                bumps.append(
                    .init(
                        path: change.ref.yamlPath,
                        bytes: Array(ContractCodec.render(contract, into: loaded.document.root).utf8)))
            }
            event.version = contract.version
            events.append(event)
        }
        // Only renames get here: a contract file deleted outright is refused by the status rules.
        return (events, bumps)
    }

    /// A contract HEAD had (at `previousRef`): bumps its version when its content changed (or as a
    /// concluded merge decides), and names the event (a transition made by hand, a content change
    /// or an update). Nothing changes when HEAD's metadata cannot be read.
    static func describeUpdate(
        _ ws: Workspace, _ repo: Repository, _ ref: ContractRef, from previousRef: ContractRef, headTree: ObjectID,
        mergeParents: [ObjectID], contract: inout Contract, event: inout ContractEvent, now: String
    ) throws(WorkspaceError) {
        var previous: Contract?
        if let text = try? blobText(repo, headTree, previousRef.yamlPath) {
            previous = try? Workspace.decodeContract(ref: previousRef, text: text).contract
        }
        let previousMarkdown = try? repo.blobID(inTree: headTree, path: previousRef.markdownPath)
        guard let previous else { return }
        let md = ws.readMarkdown(ref)
        let currentMarkdown = try md.map { (bytes: [UInt8]) throws(WorkspaceError) -> ObjectID in
            do { return try ws.blobID(of: bytes, path: ref.markdownPath) } catch {
                throw .repository("cannot hash \(ref.markdownPath)", detail: "\(error)")
            }
        }
        let contentChanged = currentMarkdown != previousMarkdown
        if contentChanged, contract.version <= previous.version { contract.version = previous.version + 1 }
        if let theirs = mergeParents.first {
            contract.version = MergeVersion.concluding(
                repo, theirs: theirs, ref: ref, ours: previous,
                oursMarkdown: previousMarkdown, markdown: currentMarkdown, version: contract.version)
        }
        if let from = previous.statusValue, let to = contract.statusValue, from != to,
            let action = Lifecycle.action(from: from, to: to)
        {
            // A status changed by hand, within the rules: record it as the transition it is.
            event.event = action.event
            event.from = from.rawValue
            event.to = to.rawValue
            event.reason = contract.lifecycle?.events[action.stampKey]?.reason
        } else {
            event.event = contentChanged ? "contract.content_changed" : "contract.updated"
        }
        contract.updatedAt = now
    }

    /// The index read early on another thread (or now), brought up to date with the disk.
    static func openIndex(_ early: IndexReader, _ repo: Repository) throws(WorkspaceError) -> Index {
        do {
            let opened = try Trace.measure("index read") { try early.wait() ?? repo.index() }
            try Trace.measure("index reload") { try opened.refresh() }
            return opened
        } catch { throw .repository("cannot read the index", detail: "\(error)") }
    }

    static func stageAndCommit(
        _ ws: Workspace, _ repo: Repository, status: WorkspaceStatus, opened: Index, events: [ContractEvent],
        head: ObjectID?,
        headTree: ObjectID?, message trimmed: String, author: Author, allowEmpty: Bool, stageEverything: Bool,
        mergeParents: [ObjectID]
    ) throws(WorkspaceError) -> Result {

        // Stage exactly the files status found changed (as `git add -A` on the workspace would),
        // plus the metadata rewritten above.
        var paths = Set(status.changedFiles.map(\.path))
        // Changes staged with git but undone in the working tree are invisible to the scan
        // (it compares with HEAD): when the index differs from HEAD, ask libgit2 for them too.
        let indexMatchesHead =
            if let headTree {
                IndexRecord.holds(repo, index: opened, tree: headTree)
                    || (try? Trace.measure("index tree") { try opened.writeTree() }) == headTree
            } else { false }
        if headTree != nil && !indexMatchesHead {
            for e in (try? repo.status(pathspecs: WorkspaceStatus.workspacePaths)) ?? [] { paths.insert(e.path) }
        }
        for e in events { paths.insert(e.ref.yamlPath) }
        let (index, tree) = try Committer.stage(
            ws, repo, paths: paths, everything: stageEverything, index: opened,
            indexMatches: indexMatchesHead ? headTree : nil)
        let commit = try Committer.commit(
            repo, index: index, tree: tree, head: head, message: trimmed, events: events, author: author,
            allowEmpty: allowEmpty, extraParents: mergeParents)
        if !mergeParents.isEmpty {
            try? repo.cleanupState()
            MergeState.remove(ws)
        }
        return Result(commit: commit, contracts: events, summary: trimmed)
    }

    static func blobText(_ repo: Repository, _ tree: ObjectID, _ path: String) throws -> String? {
        guard let blob = try repo.blobID(inTree: tree, path: path) else { return nil }
        return String(decoding: try repo.blob(blob), as: UTF8.self)
    }

}

/// Reads a repository's index on a background thread, for a caller that has other work to do first.
final class IndexReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var index: Index?

    init(root: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            if let repo = try? Repository.open(at: root), let index = try? repo.index() {
                self.index = index
            }
            done.signal()
        }
    }

    /// The index, once read; nil when it could not be (the caller then reads it itself).
    func wait() -> Index? {
        done.wait()
        return index
    }
}
