import Foundation
public import PactoriaCore
public import PactoriaGit

/// Remotes, push, pull and sync: offline work with later sync, through libgit2.
public enum Remotes {
    public static func add(_ ws: Workspace, name: String, url: String) throws(WorkspaceError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw .invalidInput(field: "remote", message: "'\(name)' is not a valid remote name")
        }
        do { try ws.repository().addRemote(name: name, url: url) } catch let e as WorkspaceError { throw e } catch {
            throw .refused(describe(error))
        }
    }

    public static func list(_ ws: Workspace) throws(WorkspaceError) -> [RemoteInfo] {
        do { return try ws.repository().remotes() } catch let e as WorkspaceError { throw e } catch {
            throw .repository("cannot list remotes", detail: "\(error)")
        }
    }

    public static func remove(_ ws: Workspace, name: String) throws(WorkspaceError) {
        do { try ws.repository().removeRemote(name: name) } catch let e as WorkspaceError { throw e } catch {
            throw .refused(describe(error))
        }
    }

    /// Where the current branch syncs: (remote, local branch, remote branch).
    static func target(_ repo: Repository, remote: String?, branch: String?) throws(WorkspaceError) -> (
        String, String, String
    ) {
        guard let local = repo.currentBranch() else {
            throw .refused("HEAD is detached; check out a branch first")
        }
        let upstream = try? repo.upstream(of: local)
        var remoteName = remote ?? upstream?.remote
        if remoteName == nil {
            let all = (try? repo.remotes()) ?? []
            if all.contains(where: { $0.name == "origin" }) {
                remoteName = "origin"
            } else if all.count == 1 {
                remoteName = all[0].name
            }
        }
        guard let remoteName else {
            throw .refused("no remote to sync with", remedy: .addRemote)
        }
        let remoteBranch = branch ?? (upstream?.remote == remoteName ? upstream?.branch : nil) ?? local
        return (remoteName, local, remoteBranch)
    }

    // MARK: - Push

    public struct PushResult: Sendable {
        public var remote: String
        public var branch: String
        public var remoteBranch: String
        public var commits: Int
        public var setUpstream: Bool
    }

    public static func push(
        _ ws: Workspace, remote: String? = nil, branch: String? = nil, credentials: CredentialProvider,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws(WorkspaceError) -> PushResult {
        let repo = try ws.repository()
        let (remoteName, local, remoteBranch) = try target(repo, remote: remote, branch: branch)
        guard let head = try Committer.head(repo) else { throw .refused("nothing to push: no commits yet") }
        let tracking = (try? repo.referenceTarget("refs/remotes/\(remoteName)/\(remoteBranch)")) ?? nil
        let ahead =
            tracking.flatMap { try? repo.aheadBehind(local: head, upstream: $0).ahead } ?? countCommits(repo, head)
        do {
            let keyring = KeyringSync.pushSpecs(ws, repo, remote: remoteName, credentials: credentials)
            try repo.push(
                remote: remoteName, refspecs: ["refs/heads/\(local):refs/heads/\(remoteBranch)"] + keyring,
                credentials: credentials, progress: progress)
        } catch let e as SyncError {
            throw syncError(e, pending: ahead, verb: "push")
        } catch {
            throw .repository("push failed: \(describe(error))", detail: "\(error)")
        }
        var setUp = false
        if (try? repo.upstream(of: local)) == nil {
            try? repo.setUpstream(branch: local, remote: remoteName, remoteBranch: remoteBranch)
            setUp = true
        }
        return PushResult(
            remote: remoteName, branch: local, remoteBranch: remoteBranch, commits: tracking == head ? 0 : ahead,
            setUpstream: setUp)
    }

    static func countCommits(_ repo: Repository, _ head: ObjectID) -> Int {
        (try? repo.walk(from: head).reduce(0) { n, _ in n + 1 }) ?? 0
    }

    static func syncError(_ e: SyncError, pending: Int, verb: String) -> WorkspaceError {
        switch e {
        case .unreachable(let remote, let detail):
            let kept =
                verb == "push"
                ? "\(pending) commit\(pending == 1 ? "" : "s") kept locally, nothing lost" : "nothing changed locally"
            return .offline(
                "offline: cannot reach '\(remote)'; \(kept)", detail: detail, remedy: .retryLater(push: verb == "push"))
        case .rejected(let ref, let reason):
            return .refused("the remote has changes you do not have (\(ref): \(reason))", remedy: .pullFirst)
        case .authenticationFailed(let remote, let detail):
            return .refused(
                "authentication to '\(remote)' failed (\(detail)); set PACTORIA_GIT_TOKEN or configure git's credentials"
            )
        case .noSuchRemote(let name):
            return .notFound("no remote named '\(name)'", remedy: .listRemotes)
        case .failed(let g):
            return .repository("\(verb) failed: \(g.message)", detail: "\(g)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let g = error as? GitError { return g.message }
        return "\(error)"
    }

    // MARK: - Pull

    public enum PullOutcome: Sendable {
        case upToDate
        case fastForwarded(commits: Int, to: ObjectID)
        case merged(commit: ObjectID, contracts: [ContractRef])
        case conflicts(MergeState)
    }

    public struct SyncResult: Sendable {
        /// Nil when the remote did not have the branch yet (the push creates it).
        public var pull: PullResult?
        /// The push, or why it failed (the pull has happened either way); nil when the pull left
        /// conflicts to resolve first.
        public var push: Result<PushResult, WorkspaceError>?
    }

    /// Sync: pull, then push unless the pull left conflicts.
    public static func sync(
        _ ws: Workspace, remote: String? = nil, credentials: CredentialProvider, author: Author,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws(WorkspaceError) -> SyncResult {
        let pulled = try pull(
            ws, remote: remote, branch: nil, credentials: credentials, author: author, progress: progress,
            missingBranchIsError: false)
        if let pulled, case .conflicts = pulled.outcome { return SyncResult(pull: pulled, push: nil) }
        let pushed = Result { () throws(WorkspaceError) in
            try push(ws, remote: remote, credentials: credentials, progress: progress)
        }
        return SyncResult(pull: pulled, push: pushed)
    }

    public struct PullResult: Sendable {
        public var remote: String
        public var branch: String
        public var outcome: PullOutcome
        /// What the caller should tell the user besides the outcome (a keyring not merged).
        public var notices: [String] = []
    }

    public static func pull(
        _ ws: Workspace, remote: String? = nil, branch: String? = nil, credentials: CredentialProvider, author: Author,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws(WorkspaceError) -> PullResult {
        try pull(
            ws, remote: remote, branch: branch, credentials: credentials, author: author, progress: progress,
            missingBranchIsError: true)!
    }

    /// As `pull`; nil when the remote has no such branch yet and `missingBranchIsError` is false.
    static func pull(
        _ ws: Workspace, remote: String?, branch: String?, credentials: CredentialProvider, author: Author,
        progress: (@Sendable (SyncProgress) -> Void)?, missingBranchIsError: Bool
    ) throws(WorkspaceError) -> PullResult? {
        let repo = try ws.repository()
        // #12.3: a pull interrupted while it changed the files is finished or undone first.
        if let interrupted = MergeState.load(ws), interrupted.applying {
            try WriteLock.withLock(ws) { () throws(WorkspaceError) in
                try ContractAwareMerge.recoverInterrupted(ws, repo, interrupted)
            }
        }
        if repo.repositoryState != .none || MergeState.current(ws) != nil {
            throw .refused("a merge is in progress", remedy: .finishOrAbortMerge)
        }
        let (remoteName, local, remoteBranch) = try target(repo, remote: remote, branch: branch)
        do {
            try repo.fetch(remote: remoteName, credentials: credentials, progress: progress)
        } catch let e as SyncError {
            throw syncError(e, pending: 0, verb: "pull")
        } catch {
            throw .repository("fetch failed: \(describe(error))", detail: "\(error)")
        }
        let notices = KeyringSync.pull(ws, repo, remote: remoteName, credentials: credentials).map { [$0] } ?? []
        Fault.point("pull.after-fetch")
        let label = "\(remoteName)/\(remoteBranch)"
        guard let theirs = (try? repo.referenceTarget("refs/remotes/\(label)")) ?? nil else {
            guard missingBranchIsError else { return nil }
            throw .notFound("'\(remoteName)' has no branch '\(remoteBranch)' yet", remedy: .pushCreatesBranch)
        }
        var result = try WriteLock.withLock(ws) { () throws(WorkspaceError) -> PullResult in
            let head = try Committer.head(repo)
            var analysis: MergeAnalysis
            do { analysis = try repo.mergeAnalysis(ourHead: head, theirs: theirs) } catch {
                throw .repository("cannot compare with \(label)", detail: "\(error)")
            }
            // #12.12: a deletion of a contract that is not a draft is merged (as a conflict to
            // resolve), never fast-forwarded in silently.
            if analysis == .fastForward, let head,
                (try? ContractAwareMerge.deletesLiveContract(repo, from: head, to: theirs)) == true
            {
                analysis = .normal
            }
            switch analysis {
            case .upToDate:
                return PullResult(remote: remoteName, branch: local, outcome: .upToDate)
            case .fastForward:
                let n =
                    head.flatMap { h in try? repo.aheadBehind(local: h, upstream: theirs).behind }
                    ?? countCommits(repo, theirs)
                if head == nil { try clearIdenticalUntracked(ws, repo, theirs: theirs) }
                // #12.3: recorded before the files change, so an interrupted fast-forward is undone
                // by aborting the merge or finished by pulling again.
                if let head {
                    try MergeState(
                        theirs: theirs.hex, origHead: head.hex, theirsLabel: label, contracts: [], otherPaths: [],
                        kind: .fastForward, applying: true
                    ).save(ws)
                    Fault.point("pull.after-merge-state")
                }
                do {
                    try repo.fastForward(
                        branch: local, to: theirs, onFile: { _ in Fault.point("pull.checkout-file") },
                        afterCheckout: { Fault.point("pull.after-checkout") })
                } catch {
                    MergeState.remove(ws)
                    throw .refused(
                        "cannot fast-forward: local changes would be overwritten (\(describe(error))); commit them first"
                    )
                }
                Fault.point("pull.after-commit")
                MergeState.remove(ws)
                if (try? repo.upstream(of: local)) == nil {
                    try? repo.setUpstream(branch: local, remote: remoteName, remoteBranch: remoteBranch)
                }
                return PullResult(remote: remoteName, branch: local, outcome: .fastForwarded(commits: n, to: theirs))
            case .normal:
                let status = try WorkspaceStatus.compute(ws)
                guard status.isClean else {
                    throw .refused("you have uncommitted changes", remedy: .commitFirst(then: "pull"))
                }
                let outcome = try ContractAwareMerge.run(
                    ws, repo: repo, ours: head!, theirs: theirs, label: label, branch: local, author: author)
                if (try? repo.upstream(of: local)) == nil {
                    try? repo.setUpstream(branch: local, remote: remoteName, remoteBranch: remoteBranch)
                }
                return PullResult(remote: remoteName, branch: local, outcome: outcome)
            }
        }
        result.notices = notices
        return result
    }

    /// A workspace made by hand (`git init` plus a config) pulling for the first time: untracked
    /// files identical to the incoming ones are removed so the checkout can write them; any that
    /// differ are reported and nothing is touched.
    static func clearIdenticalUntracked(_ ws: Workspace, _ repo: Repository, theirs: ObjectID) throws(WorkspaceError) {
        let tree: ObjectID
        let entries: [StatusEntry]
        do {
            tree = try repo.treeID(ofCommit: theirs)
            entries = try repo.status()
        } catch { throw .repository("cannot compare with the remote", detail: "\(error)") }
        var identical: [String] = []
        for e in entries where e.isUntracked {
            guard let incoming = (try? repo.blobID(inTree: tree, path: e.path)) ?? nil else { continue }
            let bytes = (try? FileSystem.read(ws.absolute(e.path))) ?? []
            guard (try? ws.blobID(of: bytes, path: e.path)) == incoming else {
                throw .refused("\(e.path) exists here and differs from the remote's; move it away, then pull")
            }
            identical.append(e.path)
        }
        for p in identical { try? FileManager.default.removeItem(atPath: ws.absolute(p)) }
    }

    // MARK: - Tracking

    public struct Tracking: Sendable {
        public var upstream: String
        public var ahead: Int
        public var behind: Int
    }

    /// The current branch's upstream and how far apart they are (as of the last fetch).
    public static func tracking(_ ws: Workspace) -> Tracking? {
        guard let repo = try? ws.repository(), let local = repo.currentBranch(),
            let up = (try? repo.upstream(of: local)) ?? nil
        else { return nil }
        let name = "\(up.remote)/\(up.branch)"
        guard let theirs = (try? repo.referenceTarget(up.trackingReference)) ?? nil,
            let head = (try? repo.headCommitID()) ?? nil,
            let ab = try? repo.aheadBehind(local: head, upstream: theirs)
        else { return Tracking(upstream: name, ahead: 0, behind: 0) }
        return Tracking(upstream: name, ahead: ab.ahead, behind: ab.behind)
    }
}
