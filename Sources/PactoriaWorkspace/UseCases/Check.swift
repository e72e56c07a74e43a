import Foundation
import PactoriaCore
public import PactoriaGit

/// The check: validates every contract at HEAD and, with a base, every commit's change to
/// every contract against the lifecycle rules, however the commit was made.
public enum Check {
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable { case error, warning }
        public var file: String
        public var line: Int?
        /// The commit that introduced it (nil: found in HEAD's tree, or in the index).
        public var commit: ObjectID?
        public var rule: String
        public var message: String
        /// A warning is shown as loudly but does not fail the check.
        public var severity: Severity = .error
        /// What to do about it, if the library knows.
        public var remedy: Remedy? = nil

        /// The message and its remedy, worded by `w`.
        public func text(_ w: Wording) -> String { w.line(message, remedy) }
    }

    public struct Report: Sendable {
        public var findings: [Finding]
        public var contractsChecked: Int
        public var commitsChecked: Int
        public var passed: Bool { !findings.contains { $0.severity == .error } }
        public var errors: [Finding] { findings.filter { $0.severity == .error } }
        public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    }

    /// What to check: HEAD's tree, plus every commit since `base`, or the index against HEAD.
    public static func run(_ ws: Workspace, base: String? = nil, staged: Bool = false) throws(WorkspaceError) -> Report
    {
        try compute(ws, base: base, staged: staged).report
    }

    /// A check's report and what it computed on the way, for the review to reuse.
    struct Computed {
        var report: Report
        /// The commits since the base, newest first (empty without a base).
        var commits: [CommitInfo] = []
        var headTree: ObjectID? = nil
        /// The contract changes of HEAD's own commit when it has one parent: (parent tree, changes).
        var headChanges: (from: ObjectID?, changes: [ContractTreeChange])? = nil
        /// The contracts read and parsed on the way, by path and blob.
        var parsed = ParsedContracts()
    }

    static func compute(_ ws: Workspace, base: String? = nil, staged: Bool = false) throws(WorkspaceError)
        -> Computed
    {
        let repo = try ws.repository()
        let policy = ws.config.policy
        var findings: [Finding] = []
        var commitsChecked = 0
        if staged {
            let head = try Committer.head(repo)
            let headTree = head.flatMap { try? repo.treeID(ofCommit: $0) }
            // #12.20: the index git is committing (GIT_INDEX_FILE), however it was staged.
            let indexTree = try Hooks.stagedTree(repo)
            findings += Hooks.mergeFindings(ws)
            findings += try cacheTrackedFindings(repo, tree: indexTree)
            // A Pactoria write in flight (a live writer, or a killed one whose journal could not be
            // finished because git holds the index lock): plain git must not commit its half.
            // When this very check (opening the workspace) has just finished or undone such a write,
            // git's snapshot of the files (`git commit -a`) may still hold its half: refuse once.
            if let pending = Recovery.pending(ws) {
                findings.append(
                    Finding(
                        file: ".git/pactoria/journal", line: nil, commit: nil, rule: "write-in-flight",
                        message: pending, remedy: .recoverThenCommit))
            } else if !Recovery.notes.isEmpty {
                findings.append(
                    Finding(
                        file: ".git/pactoria/journal", line: nil, commit: nil, rule: "write-in-flight",
                        message:
                            "a Pactoria write was in flight and has just been finished (\(Recovery.notes.joined(separator: "; "))); what git was about to commit may hold its half",
                        remedy: .reviewThenCommit))
            }
            findings += try changeFindings(
                repo, from: headTree, to: indexTree, commit: nil, policy: policy, today: CalendarDate.today())
            findings += try fileFindings(repo, from: headTree, to: indexTree, commit: nil).filter {
                $0.rule == Rule.notRegular || $0.rule == Rule.invalidText || $0.rule == Rule.requiredFile
                    || $0.rule == Rule.consentChanged || $0.rule == Rule.consentInvalid
            }
            return Computed(report: Report(findings: findings, contractsChecked: 0, commitsChecked: 0))
        }
        guard let head = try Committer.head(repo) else {
            return Computed(report: Report(findings: [], contractsChecked: 0, commitsChecked: 0))
        }
        let headTree: ObjectID
        do { headTree = try repo.treeID(ofCommit: head) } catch {
            throw .repository("cannot read HEAD", detail: "\(error)")
        }
        let (treeFindings, count) = try validateTree(repo, headTree, cacheRoot: ws.root)
        findings += treeFindings
        findings += try cacheTrackedFindings(repo, tree: headTree)
        var computed = Computed(report: Report(findings: [], contractsChecked: count, commitsChecked: 0))
        computed.headTree = headTree
        if let base {
            let commits = try range(repo, base: base, head: head)
            computed.commits = commits
            for c in commits.reversed() {
                commitsChecked += 1
                let parentTrees = try c.parents.map { (p: ObjectID) throws(WorkspaceError) -> ObjectID in
                    do { return try repo.treeID(ofCommit: p) } catch {
                        throw .repository("cannot read \(p.short)", detail: "\(error)")
                    }
                }
                let day = Timestamp(clampingSeconds: c.committer.time.timeIntervalSince1970).date
                let trailerEvents = AuditTrailers.events(inMessage: c.message)
                let moves = Set(trailerEvents.filter { $0.event == MoveContract.event }.map { $0.id.lowercased() })
                let rectified = Set(
                    trailerEvents.filter { $0.event == Rectification.event }.map { $0.id.lowercased() })
                if parentTrees.count <= 1 {
                    let changes = try ContractTreeDiff.changes(
                        repo, from: parentTrees.first, to: c.treeID, parsed: computed.parsed)
                    if c.id == head { computed.headChanges = (parentTrees.first, changes) }
                    findings += changeFindings(
                        changes, commit: c.id, policy: policy, today: day, movedIDs: moves, rectifiedIDs: rectified)
                    findings += try fileFindings(repo, from: parentTrees.first, to: c.treeID, commit: c.id)
                } else {
                    // What the merge itself changed: the paths that differ from every parent.
                    var own: Set<String>? = nil
                    for p in parentTrees {
                        let paths = Set(try fileFindings(repo, from: p, to: c.treeID, commit: c.id).map(\.file))
                        own = own.map { $0.intersection(paths) } ?? paths
                    }
                    findings += try fileFindings(repo, from: parentTrees[0], to: c.treeID, commit: c.id)
                        .filter { own?.contains($0.file) == true }
                    // A merge: what it did itself is what differs from every parent; check that
                    // against the first parent (the branch merged into).
                    findings += try mergeFindings(
                        repo, parents: parentTrees, tree: c.treeID, commit: c.id, policy: policy, today: day,
                        parsed: computed.parsed)
                }
            }
        }
        computed.report = Report(findings: findings, contractsChecked: count, commitsChecked: commitsChecked)
        return computed
    }

    /// Commits reachable from `head` but not from `base`, newest first.
    public static func range(_ repo: Repository, base: String, head: ObjectID) throws(WorkspaceError) -> [CommitInfo] {
        let baseID: ObjectID
        do { baseID = try repo.resolveCommit(base) } catch {
            throw .unknownValue(field: "base", value: base, message: "no such revision")
        }
        // Only the commits of the range are visited (git's revwalk with the base hidden).
        do { return try repo.commits(from: head, hiding: baseID) } catch {
            throw .repository("cannot walk history", detail: "\(error)")
        }
    }

    /// The newest commit reachable from both (their merge base, for a linear or merged history).
    public static func mergeBase(_ repo: Repository, base: String, head: ObjectID) throws(WorkspaceError) -> ObjectID {
        let baseID: ObjectID
        do { baseID = try repo.resolveCommit(base) } catch {
            throw .unknownValue(field: "base", value: base, message: "no such revision")
        }
        do {
            let bases = try repo.mergeBases(baseID, head)
            if bases.count == 1 { return bases[0] }
            // Several best common ancestors (criss-cross merges): the first in HEAD's history.
            if !bases.isEmpty {
                let set = Set(bases)
                for c in try repo.walk(from: head) where set.contains(c.id) { return c.id }
            }
        } catch {
            throw .repository("cannot walk history", detail: "\(error)")
        }
        throw .refused("\(base) and HEAD share no history")
    }

    /// Rule names of the findings about files rather than contracts.
    public enum Rule {
        /// A symbolic link, submodule link or other non-regular entry in the tree: an error.
        public static let notRegular = "not-a-regular-file"
        /// A change to `.pactoria/hooks/**`: code that would run on the machines that approve it.
        public static let hookChanged = "hook-changed"
        /// A change to the committed config, the users file, `.gitignore` or `.gitattributes`.
        public static let protectedChanged = "protected-file-changed"
        /// A `.md` or `.yaml` of the workspace that is not valid UTF-8.
        public static let invalidText = "invalid-utf8"
        /// A file the workspace needs (a company's `company.yaml`, the config) deleted or emptied.
        public static let requiredFile = "required-file"
        /// Two contracts with one id.
        public static let duplicateID = "duplicate-id"
        /// A consent record changed or removed: they are append-only.
        public static let consentChanged = "consent-record-changed"
        /// A consent record added that does not hold a valid event.
        public static let consentInvalid = "consent-record-invalid"
        /// A valid consent record added by a commit without its audit trailer: a warning.
        public static let consentUnaudited = "consent-record-unaudited"
    }

    /// Consent records are append-only: one changed or removed is an error, and one added must
    /// hold a valid event (a hostile pull request may write anything there).
    static func consentFindings(_ ch: TreeChange, path: String, repo: Repository, tree: ObjectID, commit: ObjectID?)
        -> [Finding]
    {
        guard path.hasPrefix(ConsentRecords.directory + "/") else { return [] }
        switch ch.kind {
        case .deleted, .modified:
            let verb = ch.kind == .deleted ? "removed" : "changed"
            return [
                Finding(
                    file: path, line: nil, commit: commit, rule: Rule.consentChanged,
                    message:
                        "consent record \(verb): consent records are append-only (a withdrawal is a new record); restore it from the commit before"
                )
            ]
        case .added:
            guard path.hasSuffix(".yaml") else {
                return [
                    Finding(
                        file: path, line: nil, commit: commit, rule: Rule.consentInvalid,
                        message: "only consent records (<id>.yaml) belong in \(ConsentRecords.directory)")
                ]
            }
            guard let blob = (try? repo.blobID(inTree: tree, path: path)).flatMap({ $0 }),
                let bytes = try? repo.blob(blob)
            else { return [] }
            guard let p = ConsentRecords.problem(bytes, file: path) else {
                // Valid, but added by a commit without its audit trailer (plain git, a pull
                // request): someone may have given consent in another person's name.
                let id = String((path.split(separator: "/").last ?? "").dropLast(5))
                guard let commit, let message = try? repo.commit(commit).message,
                    !AuditTrailers.events(inMessage: message).contains(where: {
                        $0.id == id && $0.event.hasPrefix("gdpr.consent_")
                    })
                else { return [] }
                return [
                    Finding(
                        file: path, line: nil, commit: commit, rule: Rule.consentUnaudited,
                        message:
                            "consent record added without its audit trailer (not recorded through Pactoria); confirm the subject gave it",
                        severity: .warning)
                ]
            }
            return [
                Finding(
                    file: path, line: p.line, commit: commit, rule: Rule.consentInvalid,
                    message: p.field.map { "\($0): \(p.message)" } ?? p.message)
            ]
        }
    }

    /// Files a pull request must not change unnoticed (besides `.pactoria/hooks/**`).
    public static let protectedFiles = [
        ".pactoria/config.yaml", ".pactoria/users.yaml", ".gitignore", ".gitattributes",
    ]

    /// What a change does to files other than contract metadata: a symbolic link or other
    /// non-regular entry added anywhere (error), a hook added, changed or removed (error), the
    /// config, users, `.gitignore` or `.gitattributes` changed (warning).
    static func fileFindings(_ repo: Repository, from old: ObjectID?, to new: ObjectID, commit: ObjectID?)
        throws(WorkspaceError) -> [Finding]
    {
        let changes: [TreeChange]
        do { changes = try repo.changedPaths(from: old, to: new) } catch {
            throw .repository("cannot compare trees", detail: "\(error)")
        }
        var out: [Finding] = []
        for ch in changes {
            let path = ch.kind == .deleted ? ch.oldPath : ch.newPath
            if ch.kind != .deleted, let mode = try? repo.mode(inTree: new, path: path), !mode.isPlainFile {
                out.append(
                    Finding(
                        file: path, line: nil, commit: commit, rule: Rule.notRegular,
                        message: "\(path) is a \(mode.description); only regular files belong in the workspace"))
            }
            if ch.kind != .deleted, path.hasSuffix(".md") || path.hasSuffix(".yaml"),
                let blob = try? repo.blobID(inTree: new, path: path), let bytes = try? repo.blob(blob),
                let offset = TextRules.invalidUTF8Offset(bytes)
            {
                out.append(
                    Finding(
                        file: path, line: nil, commit: commit, rule: Rule.invalidText,
                        message: "invalid UTF-8 at byte \(offset)"))
            }
            if let problem = requiredFileProblem(path, deleted: ch.kind == .deleted, repo: repo, tree: new) {
                out.append(Finding(file: path, line: nil, commit: commit, rule: Rule.requiredFile, message: problem))
            }
            let verb = ch.kind == .added ? "added" : ch.kind == .deleted ? "removed" : "changed"
            out += consentFindings(ch, path: path, repo: repo, tree: new, commit: commit)
            if path.hasPrefix(Hooks.directory + "/") {
                out.append(
                    Finding(
                        file: path, line: nil, commit: commit, rule: Rule.hookChanged,
                        message: "hook \(verb): \(path) is code that runs on every machine that approves it",
                        remedy: .approveHook(event: nil)))
            } else if protectedFiles.contains(path) {
                out.append(
                    Finding(
                        file: path, line: nil, commit: commit, rule: Rule.protectedChanged,
                        message:
                            "\(path) \(verb): it governs settings, users or what git tracks; review it line by line",
                        severity: .warning))
            }
        }
        return out
    }

    /// A company's `company.yaml` deleted while the company's folder remains, or the workspace
    /// config deleted or emptied: the message, else nil.
    static func requiredFileProblem(_ path: String, deleted: Bool, repo: Repository, tree: ObjectID) -> String? {
        if path == Workspace.configPath {
            if deleted { return "the workspace config was deleted; restore it: git checkout HEAD~1 -- \(path)" }
            let text =
                (try? repo.blobID(inTree: tree, path: path)).flatMap { $0 }.flatMap { try? repo.blob($0) }
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
            return WorkspaceConfig.emptinessProblem(text).map { "\($0); restore it from the commit before" }
        }
        let parts = path.split(separator: "/")
        if deleted, parts.count == 3, parts[0] == "companies", parts[2] == "company.yaml" {
            let left = (try? repo.files(inTree: tree, under: "companies/\(parts[1])")) ?? [:]
            if !left.isEmpty { return WorkspaceStatus.companyDeletedMessage(String(parts[1])) }
        }
        return nil
    }

    /// Every contract in `tree` parses and follows the field rules; ids are unique; every entry is
    /// a regular file or a directory.
    ///
    /// With `cacheRoot` (the workspace root), what each contract file yields is taken from the
    /// validation cache when its blob was seen before, so only new blobs are read and parsed
    /// (both cores); the findings are the same, in the same order, with or without it.
    static func validateTree(_ repo: Repository, _ tree: ObjectID, cacheRoot: String? = nil) throws(WorkspaceError)
        -> ([Finding], Int)
    {
        // A cache tracked in the tree (one that came with a clone) is neither read nor written.
        let tracked = ((try? repo.mode(inTree: tree, path: Workspace.cacheDirectory)) ?? nil) != nil
        let root = tracked ? nil : cacheRoot
        // The same tree id holds the same files: its findings, if this binary cached them.
        if let root, let cached = ValidationCache.TreeResult.load(root: root), cached.tree == tree {
            return (cached.checkFindings, cached.count)
        }
        let (findings, count, complete) = try validateTreeFiles(repo, tree, cacheRoot: root)
        // Not cached when a blob could not be read (it was checked as empty).
        if let root, complete, let result = ValidationCache.TreeResult(tree: tree, count: count, findings: findings) {
            result.save(root: root)
        }
        return (findings, count)
    }

    /// `validateTree` without its tree-keyed cache: the findings, the count, and whether every
    /// blob could be read.
    static func validateTreeFiles(_ repo: Repository, _ tree: ObjectID, cacheRoot: String?) throws(WorkspaceError)
        -> ([Finding], Int, Bool)
    {
        let files: [String: ObjectID]
        do { files = try repo.files(inTree: tree, under: "companies") } catch {
            throw .repository("cannot read HEAD's tree", detail: "\(error)")
        }
        var findings: [Finding] = []
        do {
            for e in try repo.nonPlainEntries(inTree: tree) {
                findings.append(
                    Finding(
                        file: e.path, line: nil, commit: nil, rule: Rule.notRegular,
                        message: "\(e.path) is a \(e.mode.description); only regular files belong in the workspace"))
            }
        } catch {
            throw .repository("cannot read HEAD's tree", detail: "\(error)")
        }
        // The files a workspace needs: the config (not emptied) and each company's record.
        if let problem = requiredFileProblem(Workspace.configPath, deleted: false, repo: repo, tree: tree) {
            findings.append(
                Finding(
                    file: Workspace.configPath, line: nil, commit: nil, rule: Rule.requiredFile,
                    message: problem.replacingOccurrences(of: "; restore it from the commit before", with: "")))
        }
        var companies = Set<String>()
        for path in files.keys {
            let parts = path.split(separator: "/")
            if parts.count > 2 { companies.insert(String(parts[1])) }
        }
        for c in companies.sorted() where files["companies/\(c)/company.yaml"] == nil {
            findings.append(
                Finding(
                    file: "companies/\(c)/company.yaml", line: nil, commit: nil, rule: Rule.requiredFile,
                    message: "company '\(c)' has contracts but no company.yaml"))
        }
        let contracts: [TreeFile] = files.sorted(by: { $0.key < $1.key }).compactMap { path, blob in
            ContractRef(path: path).map { TreeFile(path: path, ref: $0, blob: blob) }
        }
        let (verdicts, complete) = self.verdicts(repo, contracts, tree: tree, cacheRoot: cacheRoot)
        var ids: [String: [ContractRef]] = [:]
        var count = 0
        for (c, verdict) in zip(contracts, verdicts) {
            switch verdict {
            case .invalidUTF8(let offset):
                findings.append(
                    Finding(
                        file: c.path, line: nil, commit: nil, rule: Rule.invalidText,
                        message: "invalid UTF-8 at byte \(offset)"))
            case .markdown:
                if files[c.ref.yamlPath] == nil {
                    findings.append(
                        Finding(
                            file: c.path, line: nil, commit: nil, rule: "orphan-content",
                            message: "content without metadata: \(c.ref.yamlPath) is missing"))
                }
            case .contract(let id, let stored):
                count += 1
                for s in stored {
                    findings.append(
                        Finding(file: s.file ?? c.path, line: s.line, commit: nil, rule: s.rule, message: s.message))
                }
                if !id.isEmpty { ids[id.lowercased(), default: []].append(c.ref) }
            }
        }
        for (id, refs) in ids.sorted(by: { $0.key < $1.key }) where refs.count > 1 {
            for r in refs {
                findings.append(
                    Finding(
                        file: r.yamlPath, line: nil, commit: nil, rule: Rule.duplicateID,
                        message:
                            "id \(id) is also used by \(refs.filter { $0 != r }.map(\.description).joined(separator: ", "))"
                    ))
            }
        }
        return (findings, count, complete)
    }

    /// A contract file of a tree.
    struct TreeFile: Sendable {
        var path: String
        var ref: ContractRef
        var blob: ObjectID
    }

    /// What each of `contracts` yields: from the cache where its blob was seen at its path, else
    /// read (one thread: libgit2) and parsed (every core, in batches); the cache is then saved
    /// with the entries of this tree only. A cache tracked in `tree` (one that came with a clone)
    /// is neither read nor written. Also says whether every blob could be read.
    static func verdicts(_ repo: Repository, _ contracts: [TreeFile], tree: ObjectID, cacheRoot: String?)
        -> ([ValidationCache.Verdict], Bool)
    {
        let tracked = ((try? repo.mode(inTree: tree, path: Workspace.cacheDirectory)) ?? nil) != nil
        let root = tracked ? nil : cacheRoot
        var complete = true
        let cache = root.map { ValidationCache.load(root: $0) } ?? ValidationCache()
        var out: [ValidationCache.Verdict?] = Array(repeating: nil, count: contracts.count)
        var misses: [Int] = []
        for (i, c) in contracts.enumerated() {
            if let e = cache.entries[c.path], e.blob == c.blob { out[i] = e.verdict } else { misses.append(i) }
        }
        var fresh: [String: ValidationCache.Entry] = [:]
        let batch = 512
        var start = 0
        while start < misses.count {
            let part = Array(misses[start..<min(start + batch, misses.count)])
            start += part.count
            // A blob that cannot be read is checked as empty (as before) but not cached.
            let raws: [[UInt8]?] = part.map { try? repo.blob(contracts[$0].blob) }
            let files = part.map { contracts[$0] }
            let verdicts = Parallel.map(Array(files.indices), minimum: 2) { j in
                ValidationCache.verdict(path: files[j].path, ref: files[j].ref, raw: raws[j] ?? [])
            }
            for (k, verdict) in verdicts.enumerated() {
                let i = part[k]
                out[i] = verdict
                if raws[k] != nil {
                    fresh[contracts[i].path] = ValidationCache.Entry(blob: contracts[i].blob, verdict: verdict)
                } else {
                    complete = false
                }
            }
        }
        if let root {
            // Keep this tree's entries only (an entry of a file no longer there is dropped).
            let hits = contracts.count - misses.count
            if !fresh.isEmpty || cache.entries.count != hits {
                var next = ValidationCache()
                next.entries.reserveCapacity(hits + fresh.count)
                for c in contracts {
                    if let e = fresh[c.path] {
                        next.entries[c.path] = e
                    } else if let e = cache.entries[c.path], e.blob == c.blob {
                        next.entries[c.path] = e
                    }
                }
                next.save(root: root)
            }
        }
        return (out.map { $0! }, complete)
    }

    /// The rules applied to every contract that differs between two trees.
    static func changeFindings(
        _ repo: Repository, from old: ObjectID?, to new: ObjectID, commit: ObjectID?, policy: LifecyclePolicy,
        today: CalendarDate?, movedIDs: Set<String> = [], parsed: ParsedContracts = ParsedContracts()
    ) throws(WorkspaceError) -> [Finding] {
        changeFindings(
            try ContractTreeDiff.changes(repo, from: old, to: new, parsed: parsed), commit: commit, policy: policy,
            today: today, movedIDs: movedIDs)
    }

    /// The rules applied to each of `changes` (the contracts that differ between two trees).
    static func changeFindings(
        _ changes: [ContractTreeChange], commit: ObjectID?, policy: LifecyclePolicy, today: CalendarDate?,
        movedIDs: Set<String> = [], rectifiedIDs: Set<String> = []
    ) -> [Finding] {
        var out: [Finding] = []
        for ch in changes {
            if let e = ch.afterError {
                out.append(finding(from: e, file: ch.ref.yamlPath, commit: commit))
                continue
            }
            if ch.afterRef != nil, ch.after == nil {
                out.append(
                    Finding(
                        file: ch.ref.markdownPath, line: nil, commit: commit, rule: "orphan-content",
                        message: "content without metadata: \(ch.ref.yamlPath) is missing"))
                continue
            }
            if let after = ch.after, commit == nil {
                for p in after.problems {
                    out.append(
                        Finding(
                            file: p.file, line: p.line, commit: nil, rule: "invalid-metadata", message: fieldMessage(p))
                    )
                }
            }
            var violations = Lifecycle.check(
                before: ch.beforeSnapshot, after: ch.afterSnapshot, policy: policy, today: today)
            // A move made through MoveContract is recorded as such in the commit's trailers.
            if let id = ch.id?.lowercased(), movedIDs.contains(id) {
                violations.removeAll { $0.rule == .companyChanged }
            }
            // A rectification (Article 16) recorded in the trailers may correct an active
            // contract's party entries, with its content re-finalized: nothing else.
            if let id = ch.id?.lowercased(), rectifiedIDs.contains(id), let b = ch.beforeSnapshot,
                let a = ch.afterSnapshot, Rectification.isRectification(before: b, after: a)
            {
                violations.removeAll { $0.rule == .activeMetadataEdit }
            }
            for v in violations {
                out.append(
                    Finding(
                        file: ch.ref.yamlPath, line: v.field.flatMap { ch.after?.document.line(of: $0) },
                        commit: commit,
                        rule: v.rule.rawValue, message: v.message))
            }
        }
        return out
    }

    static func mergeFindings(
        _ repo: Repository, parents: [ObjectID], tree: ObjectID, commit: ObjectID, policy: LifecyclePolicy,
        today: CalendarDate?, parsed: ParsedContracts = ParsedContracts()
    ) throws(WorkspaceError) -> [Finding] {
        var changedFromAll: Set<String>? = nil
        for p in parents {
            let paths = Set(try ContractTreeDiff.changes(repo, from: p, to: tree, parsed: parsed).map(\.ref.yamlPath))
            changedFromAll = changedFromAll.map { $0.intersection(paths) } ?? paths
        }
        guard let own = changedFromAll, !own.isEmpty else { return [] }
        return try changeFindings(
            repo, from: parents[0], to: tree, commit: commit, policy: policy, today: today, parsed: parsed
        ).filter { own.contains($0.file) || own.contains($0.file.replacingOccurrences(of: ".md", with: ".yaml")) }
    }

    static func fieldMessage(_ p: Problem) -> String {
        if let f = p.field, f != "(file)" { return "\(f): \(p.message)" }
        return p.message
    }

    static func finding(from error: WorkspaceError, file: String, commit: ObjectID?) -> Finding {
        if case .yaml(let y) = error {
            return Finding(
                file: y.file, line: y.line, commit: commit, rule: "invalid-yaml", message: "invalid YAML: \(y.message)")
        }
        if case .invalid(let problems) = error, problems.count == 1 {
            let p = problems[0]
            let rule = p.message.hasPrefix("invalid UTF-8") ? Rule.invalidText : "invalid-metadata"
            return Finding(file: p.file, line: p.line, commit: commit, rule: rule, message: fieldMessage(p))
        }
        return Finding(file: file, line: nil, commit: commit, rule: "invalid-metadata", message: error.description)
    }
}
