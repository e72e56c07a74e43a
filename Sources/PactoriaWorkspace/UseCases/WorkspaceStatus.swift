import PactoriaCore
public import PactoriaGit

/// The status: what changed since HEAD, contract by contract, and what is wrong with it.
public struct WorkspaceStatus: Sendable {
    public enum Change: String, Sendable, Codable {
        case new, modified, deleted, untracked
    }

    public enum Part: String, Sendable, Codable {
        case metadata, content, both
    }

    public struct ContractChange: Sendable {
        public var ref: ContractRef
        public var change: Change
        /// For modified contracts: which files changed.
        public var part: Part?
        public var id: String?
        public var title: String?
        public var problems: [Problem]
    }

    public struct OtherChange: Sendable {
        public var path: String
        public var change: Change
        public var problems: [Problem]
    }

    public var branch: String?
    public var headCommit: ObjectID?
    public var contracts: [ContractChange]
    /// Changed workspace files that are not contracts (company.yaml, config).
    public var others: [OtherChange]
    /// Every contract in the working tree, counted by status.
    public var countsByStatus: [String: Int]
    public var total: Int
    /// Every changed file, as git reported it.
    public var changedFiles: [StatusEntry]
    /// Git lock files present (stale or held), see `WorkspaceStatus+Locks.swift`.
    public var locks: [GitLock] = []

    /// Temporary files an interrupted write left beside workspace files (`.<name>.tmp-<pid>-<n>`):
    /// never staged, safe to delete.
    public var leftovers: [String] = []
    /// What recovery did when this process opened the workspace, and a write still in progress.
    public var recovery: [String] = []

    /// Problems of the workspace as a whole that no change of this commit made (two committed
    /// contracts sharing an id): the status shows them and its check fails; they do not
    /// block a commit that does not touch them. Found when counting.
    public var workspaceProblems: [Problem] = []

    public var problems: [Problem] { contracts.flatMap(\.problems) + others.flatMap(\.problems) }
    public var isClean: Bool { contracts.isEmpty && others.isEmpty }

    /// The pathspecs Pactoria stages and watches.
    static let workspacePaths = ["companies", ".pactoria", ".gitignore", ".gitattributes"]

    /// - Parameter counting: false skips counting every contract by status (a commit needs only
    ///   the changes, and the ids when contracts are added or renamed).
    public static func compute(_ ws: Workspace, index: ContractIndex? = nil, counting: Bool = true)
        throws(WorkspaceError)
        -> WorkspaceStatus
    {
        let repo = try ws.repository()
        let scan: WorkingTreeScan.Result
        do {
            scan = try Trace.measure("scan") { try WorkingTreeScan.changes(ws, repo: repo) }
        } catch {
            throw Committer.statusFailure(error)
        }
        let entries = scan.entries
        let head = try? repo.headCommitID()

        // Group file changes by contract.
        var byRef: [ContractRef: ChangedFiles] = [:]
        var others: [OtherChange] = []
        for e in entries {
            if let ref = ContractRef(path: e.path) {
                if e.path.hasSuffix(".yaml") {
                    byRef[ref, default: ChangedFiles()].yaml = e
                } else {
                    byRef[ref, default: ChangedFiles()].md = e
                }
            } else {
                others.append(otherChange(ws, e))
            }
        }
        addConfigProblems(ws, to: &others)
        others += specialFileChanges(scan.specialFiles)

        var contracts: [ContractChange] = []
        var loadedByRef: [ContractRef: LoadedContract] = [:]
        var working: [ContractRef: ContractSummary] = [:]
        for (ref, files) in byRef {
            let (c, loaded) = contractChange(ws, ref, files)
            if let loaded {
                loadedByRef[ref] = loaded
                if files.yaml != nil {
                    working[ref] = ContractSummary(
                        ref: ref, contract: loaded.contract, facts: ContractFacts(loaded.document.root))
                }
            }
            contracts.append(c)
        }

        let (counts, total, ids) = try countContracts(
            ws, repo: repo, scan: scan, index: index, counting: counting, contracts: contracts, working: working)
        flagDuplicateIDs(&contracts, ids: ids, loaded: loadedByRef)
        let workspaceProblems = duplicateIDsElsewhere(ids, changed: Set(loadedByRef.keys))
        if let headTree = scan.headTree {
            applyLifecycleRules(ws, repo: repo, headTree: headTree, contracts: &contracts, loaded: loadedByRef)
        }
        contracts.sort { $0.ref < $1.ref }
        others.sort { $0.path < $1.path }
        // Temporary files of interrupted writes are leftovers to delete, not changes to commit.
        let leftovers = others.filter { $0.change == .untracked && FileSystem.isLeftoverTemporary($0.path) }.map(\.path)
        others.removeAll { $0.change == .untracked && FileSystem.isLeftoverTemporary($0.path) }
        var status = WorkspaceStatus(
            branch: repo.currentBranch(), headCommit: head ?? nil, contracts: contracts, others: others,
            countsByStatus: counts, total: total, changedFiles: entries,
            workspaceProblems: workspaceProblems.sorted { $0.file < $1.file })
        status.leftovers = leftovers
        status.recovery = Recovery.notes + (Recovery.pending(ws).map { [$0] } ?? [])
        status.locks = gitLocks(ws)
        return status
    }

    /// The changed files of one contract: its metadata and its content.
    struct ChangedFiles {
        var yaml: StatusEntry?
        var md: StatusEntry?
    }

    /// A changed file that is not a contract's, with its problems (a company file that does not
    /// parse, or one deleted while its folder stays).
    static func otherChange(_ ws: Workspace, _ e: StatusEntry) -> OtherChange {
        var problems: [Problem] = []
        let parts = e.path.split(separator: "/")
        if parts.count == 3, parts[0] == "companies", parts[2] == "company.yaml", !isDeleted(e) {
            do { problems = try ws.loadCompany(String(parts[1])).1 } catch {
                problems = [problem(from: error, file: e.path)]
            }
        } else if parts.count == 3, parts[0] == "companies", parts[2] == "company.yaml",
            FileSystem.kind(ws.absolute("companies/\(parts[1])")) == .directory
        {
            problems = [Problem(file: e.path, message: companyDeletedMessage(String(parts[1])))]
        }
        return OtherChange(path: e.path, change: change(of: e), problems: problems)
    }

    /// An emptied config: the defaults would apply without a word. Adds the config's problems to
    /// its change in `others`, or a change carrying them.
    static func addConfigProblems(_ ws: Workspace, to others: inout [OtherChange]) {
        guard !ws.config.problems.isEmpty else { return }
        if let i = others.firstIndex(where: { $0.path == Workspace.configPath }) {
            others[i].problems += ws.config.problems
        } else {
            others.append(OtherChange(path: Workspace.configPath, change: .modified, problems: ws.config.problems))
        }
    }

    /// Symbolic links and special files: a problem naming each, so `commit` refuses them.
    static func specialFileChanges(_ specialFiles: [(path: String, kind: FileSystem.Kind)]) -> [OtherChange] {
        specialFiles.map { special in
            let problem = Problem(
                file: special.path,
                message:
                    "is a \(special.kind.noun); workspace files must be regular files inside their company's folder (remove it)"
            )
            return OtherChange(path: special.path, change: .untracked, problems: [problem])
        }
    }

    /// What happened to one contract (new, modified and which part, deleted) and its problems,
    /// with its metadata when it could be loaded.
    static func contractChange(_ ws: Workspace, _ ref: ContractRef, _ files: ChangedFiles)
        -> (ContractChange, LoadedContract?)
    {
        let yamlState = files.yaml.map(change(of:))
        let mdState = files.md.map(change(of:))
        let yamlExists = FileSystem.exists(ws.absolute(ref.yamlPath))
        let mdExists = FileSystem.exists(ws.absolute(ref.markdownPath))
        var c = ContractChange(ref: ref, change: .modified, part: nil, id: nil, title: nil, problems: [])
        if !yamlExists && !mdExists {
            c.change = .deleted
        } else if let y = yamlState, y == .new || y == .untracked {
            c.change = y
        } else if yamlState == nil && !yamlExists, let m = mdState, m == .new || m == .untracked {
            c.change = m
        } else {
            c.change = .modified
            let yamlChanged = yamlState != nil
            let mdChanged = mdState != nil
            c.part = yamlChanged && mdChanged ? .both : (yamlChanged ? .metadata : .content)
        }
        guard c.change != .deleted else { return (c, nil) }
        var loadedContract: LoadedContract?
        if yamlExists {
            do {
                let loaded = try ws.loadContract(ref)
                c.id = loaded.contract.id
                c.title = loaded.contract.title
                c.problems = loaded.problems
                if files.md != nil, let p = ws.markdownProblem(ref) { c.problems.append(p) }
                loadedContract = loaded
            } catch {
                c.problems = [problem(from: error, file: ref.yamlPath)]
            }
        } else {
            c.problems = [
                Problem(file: ref.markdownPath, message: "content without metadata: \(ref.yamlPath) is missing")
            ]
        }
        if !FileSystem.exists(ws.absolute("companies/\(ref.company)/company.yaml")) {
            c.problems.append(Problem(file: ref.yamlPath, message: "company '\(ref.company)' has no company.yaml"))
        }
        return (c, loadedContract)
    }

    /// Counts by status (and every id, to catch duplicates) for the whole working tree: from the
    /// live index when there is one, else counted when asked for or when ids are needed.
    static func countContracts(
        _ ws: Workspace, repo: Repository, scan: WorkingTreeScan.Result, index: ContractIndex?, counting: Bool,
        contracts: [ContractChange], working: [ContractRef: ContractSummary]
    ) throws(WorkspaceError) -> (counts: [String: Int], total: Int, ids: [String: [ContractRef]]) {
        if let index {
            var counts: [String: Int] = [:]
            var ids: [String: [ContractRef]] = [:]
            for s in index.summaries {
                counts[s.status, default: 0] += 1
                ids[s.id.lowercased(), default: []].append(s.ref)
            }
            return (counts, index.summaries.count, ids)
        }
        let needIDs = contracts.contains { $0.change != .modified || $0.part != .content }
        guard counting || needIDs else { return ([:], 0, [:]) }
        do {
            let c = try Trace.measure("counts") {
                try ContractCounts.compute(
                    ws, repo: repo, headTree: scan.headTree, changes: scan.entries, working: working,
                    needIDs: counting || needIDs)
            }
            return (c.byStatus, c.total, c.ids)
        } catch {
            throw .repository("cannot read HEAD's contracts", detail: "\(error)")
        }
    }

    /// A changed contract whose id another contract has too: a problem of that contract.
    static func flagDuplicateIDs(
        _ contracts: inout [ContractChange], ids: [String: [ContractRef]], loaded: [ContractRef: LoadedContract]
    ) {
        for i in contracts.indices {
            guard let loaded = loaded[contracts[i].ref], !loaded.contract.id.isEmpty else { continue }
            let ref = contracts[i].ref
            let dupes = (ids[loaded.contract.id.lowercased()] ?? []).filter { $0 != ref }
            if !dupes.isEmpty {
                contracts[i].problems.append(
                    Problem(
                        file: ref.yamlPath, line: loaded.document.line(of: "id"), field: "id",
                        message:
                            "\(loaded.contract.id) is also the id of \(dupes.map(\.description).joined(separator: ", "))"
                    ))
            }
        }
    }

    /// Duplicates among contracts that did not change: reported for the workspace.
    static func duplicateIDsElsewhere(_ ids: [String: [ContractRef]], changed: Set<ContractRef>) -> [Problem] {
        var problems: [Problem] = []
        for (id, refs) in ids where refs.count > 1 && !refs.contains(where: changed.contains) {
            for r in refs.sorted() {
                let others = refs.filter { $0 != r }.sorted().map(\.yamlPath).joined(separator: ", ")
                problems.append(Problem(file: r.yamlPath, field: "id", message: "\(id) is also the id of \(others)"))
            }
        }
        return problems
    }

    /// Checks each changed contract against HEAD with the lifecycle rules (a rename is checked
    /// against the contract's old path; a contract deleted outright is a violation).
    static func applyLifecycleRules(
        _ ws: Workspace, repo: Repository, headTree: ObjectID, contracts: inout [ContractChange],
        loaded: [ContractRef: LoadedContract]
    ) {
        let policy = ws.config.policy
        var deleted: [String: (index: Int, snapshot: ContractSnapshot)] = [:]
        for (i, c) in contracts.enumerated() where c.change == .deleted {
            if let snap = Snapshots.inTree(repo, headTree, c.ref) { deleted[snap.contract.id.lowercased()] = (i, snap) }
        }
        for i in contracts.indices where contracts[i].change != .deleted {
            let ref = contracts[i].ref
            guard let current = loaded[ref] else { continue }
            let before: ContractSnapshot?
            if contracts[i].change == .modified {
                before = Snapshots.inTree(repo, headTree, ref)
            } else {
                before = deleted.removeValue(forKey: current.contract.id.lowercased())?.snapshot
            }
            guard let before else { continue }
            let after = Snapshots.snapshot(current, content: ws.readMarkdown(ref))
            let violations = Lifecycle.check(
                before: before, after: after, policy: policy, versionBumpIsAutomatic: true, today: CalendarDate.today())
            contracts[i].problems += Snapshots.problems(violations, ref: ref, document: current.document)
        }
        for (_, d) in deleted {
            let violations = Lifecycle.check(before: d.snapshot, after: nil, policy: policy)
            contracts[d.index].problems += Snapshots.problems(violations, ref: contracts[d.index].ref, document: nil)
        }
    }

    /// A company's record deleted while its folder (and contracts) remain.
    static func companyDeletedMessage(_ slug: String) -> String {
        "company '\(slug)' lost its company.yaml while its folder remains; restore it: git checkout HEAD -- companies/\(slug)/company.yaml"
    }

    static func isDeleted(_ e: StatusEntry) -> Bool {
        e.flags.contains(.workdirDeleted) || (e.flags.contains(.indexDeleted) && !e.flags.contains(.workdirNew))
    }

    static func change(of e: StatusEntry) -> Change {
        if isDeleted(e) { return .deleted }
        if e.flags.contains(.indexNew) { return .new }
        if e.flags.contains(.workdirNew) { return .untracked }
        return .modified
    }

    static func problem(from error: WorkspaceError, file: String) -> Problem {
        if case .invalid(let problems) = error, problems.count == 1 { return problems[0] }
        if case .yaml(let y) = error {
            return Problem(file: y.file, line: y.line, field: nil, message: "invalid YAML: \(y.message)")
        }
        return Problem(file: file, message: error.description)
    }
}
