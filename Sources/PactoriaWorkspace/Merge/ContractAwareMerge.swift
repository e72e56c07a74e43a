import Foundation
public import PactoriaCore
public import PactoriaGit

/// Merges `theirs` into `ours` with libgit2, then redoes every contract both sides changed:
/// metadata field by field (`ContractMerge`), Markdown as text (libgit2's file merge), and the
/// lifecycle rules on the result. Clean: one merge commit. Otherwise the merge is left in
/// progress (git's `MERGE_HEAD` plus `.git/PACTORIA_MERGE.json`) with the conflicts listed by
/// contract, to finish by resolving each one and committing, or to abort.
public enum ContractAwareMerge {
    public static func run(
        _ ws: Workspace, repo: Repository, ours: ObjectID, theirs: ObjectID, label: String, branch: String,
        author: Author
    ) throws(WorkspaceError) -> Remotes.PullOutcome {
        do {
            return try merge(ws, repo: repo, ours: ours, theirs: theirs, label: label, branch: branch, author: author)
        } catch let e as WorkspaceError {
            throw e
        } catch {
            throw .repository("the merge failed: \(Remotes.describe(error))", detail: "\(error)")
        }
    }

    static func merge(
        _ ws: Workspace, repo: Repository, ours: ObjectID, theirs: ObjectID, label: String, branch: String,
        author: Author
    ) throws -> Remotes.PullOutcome {
        let base = try repo.mergeBase(ours, theirs)
        let baseTree = try base.map { try repo.treeID(ofCommit: $0) }
        let oursTree = try repo.treeID(ofCommit: ours)
        let theirsTree = try repo.treeID(ofCommit: theirs)
        let result = try repo.mergeCommits(ours: ours, theirs: theirs)
        let gitConflicts = Set(try result.conflicts().map(\.path))
        let clean = result.cleanEntries()

        let oursChanged = Dictionary(
            try ContractTreeDiff.changes(repo, from: baseTree, to: oursTree).map { ($0.ref, $0) },
            uniquingKeysWith: { a, _ in a })
        let theirsChanged = Dictionary(
            try ContractTreeDiff.changes(repo, from: baseTree, to: theirsTree).map { ($0.ref, $0) },
            uniquingKeysWith: { a, _ in a })
        var conflicts: [MergeState.ContractConflict] = []
        var rewrite: [ContractRef: String] = [:]
        var merged: [ContractRef] = []
        let policy = ws.config.policy

        func text(_ tree: ObjectID?, _ path: String) throws -> String? {
            guard let tree, let blob = try repo.blobID(inTree: tree, path: path) else { return nil }
            return String(decoding: try repo.blob(blob), as: UTF8.self)
        }
        func bytes(_ tree: ObjectID?, _ path: String) throws -> [UInt8]? {
            guard let tree, let blob = try repo.blobID(inTree: tree, path: path) else { return nil }
            return try repo.blob(blob)
        }

        for ref in Set(oursChanged.keys).intersection(theirsChanged.keys).sorted() {
            let o = try text(oursTree, ref.yamlPath)
            let t = try text(theirsTree, ref.yamlPath)
            let title = oursChanged[ref]?.after?.contract.title ?? theirsChanged[ref]?.after?.contract.title ?? ref.stem
            let id = oursChanged[ref]?.id ?? theirsChanged[ref]?.id ?? ""
            let contentConflict = gitConflicts.contains(ref.markdownPath)
            guard let o, let t else {
                conflicts.append(
                    MergeState.ContractConflict(
                        ref: ref, id: id, title: title, fields: [],
                        violations: ["one side deleted the contract's metadata while the other changed it"],
                        content: contentConflict))
                continue
            }
            let mergedContent = contentConflict ? nil : try clean[ref.markdownPath].map { try repo.blob($0) }
            let m = try ContractMerge.merge(
                ancestor: try text(baseTree, ref.yamlPath), ours: o, theirs: t, path: ref.yamlPath, policy: policy,
                ancestorContent: try bytes(baseTree, ref.markdownPath),
                oursContent: try bytes(oursTree, ref.markdownPath),
                theirsContent: try bytes(theirsTree, ref.markdownPath), mergedContent: mergedContent)
            if m.isClean && !contentConflict {
                try result.resolve(
                    path: ref.yamlPath,
                    with: try repo.createBlob(try repo.cleaned(Array(m.text.utf8), asPath: ref.yamlPath)))
                merged.append(ref)
            } else {
                if m.isClean {
                    try result.resolve(
                        path: ref.yamlPath,
                        with: try repo.createBlob(try repo.cleaned(Array(m.text.utf8), asPath: ref.yamlPath)))
                }
                rewrite[ref] = m.text
                conflicts.append(
                    MergeState.ContractConflict(
                        ref: ref, id: id, title: title, fields: m.conflicts,
                        violations: m.violations.map(\.description),
                        content: contentConflict))
            }
        }
        // #12.12: a contract the other side deleted outright (not a draft) is a lifecycle event,
        // never a silent change: keep ours in the result and ask (keep / accept the deletion).
        for (ref, ch) in theirsChanged.sorted(by: { $0.key < $1.key }) where oursChanged[ref] == nil {
            guard ch.afterRef == nil, let before = ch.before, before.contract.status != ContractStatus.draft.rawValue
            else { continue }
            for path in [ref.yamlPath, ref.markdownPath] {
                let blob = try repo.blobID(inTree: oursTree, path: path)
                if blob != nil || gitConflicts.contains(path) { try result.resolve(path: path, with: blob) }
            }
            conflicts.append(
                MergeState.ContractConflict(
                    ref: ref, id: before.contract.id, title: before.contract.title, fields: [],
                    violations: [], content: false, deletion: true))
        }
        // Conflicted paths no contract rule explains: other files, or a contract only one side
        // changed in a way git could not merge (cannot happen for contracts, but say so if it does).
        let handled = Set(conflicts.flatMap { [$0.ref.yamlPath, $0.ref.markdownPath] } + merged.map(\.yamlPath))
        let stillConflicted = Set(try result.conflicts().map(\.path))
        var others: [String] = []
        for path in stillConflicted.sorted() where !handled.contains(path) {
            if let ref = ContractRef(path: path), !conflicts.contains(where: { $0.ref == ref }) {
                conflicts.append(
                    MergeState.ContractConflict(
                        ref: ref, id: "", title: ref.stem, fields: [], violations: [], content: path.hasSuffix(".md")))
            } else if ContractRef(path: path) == nil {
                others.append(path)
            }
        }

        let labels = MergeLabels(ancestor: "base", ours: branch, theirs: label)
        let message = "Merge \(label) into \(branch)"
        // #12.3: the merge is recorded, durably, before the working tree changes: an interrupted
        // pull is then undone by aborting the merge or finished by pulling again.
        var state = MergeState(
            theirs: theirs.hex, origHead: ours.hex, theirsLabel: label, contracts: conflicts.sorted { $0.ref < $1.ref },
            otherPaths: others, kind: .pull, applying: true)
        try state.save(ws)
        try repo.beginMerge(theirs: theirs, message: message)
        Fault.point("pull.after-merge-state")
        try repo.checkout(result, labels: labels, onFile: { _ in Fault.point("pull.checkout-file") })
        Fault.point("pull.after-checkout")
        if conflicts.isEmpty && others.isEmpty {
            let tree = try result.writeTree()
            let events = merged.compactMap { ref -> ContractEvent? in
                guard let c = Snapshots.inTree(repo, tree, ref)?.contract else { return nil }
                return ContractEvent(
                    id: c.id, ref: ref, event: "contract.updated", version: c.version, actor: author.description,
                    reason: "merged from \(label)")
            }
            let signature = Signature(name: author.name, email: author.email, time: Timestamp.nowDate())
            let commit = try repo.createCommit(
                tree: tree, parents: [ours, theirs], author: signature, committer: signature,
                message: AuditTrailers.compose(message: message, events: events))
            Fault.point("pull.after-commit")
            try repo.cleanupState()
            MergeState.remove(ws)
            return .merged(commit: commit, contracts: merged)
        }
        for (ref, text) in rewrite {
            try FileSystem.writeAtomically(text, to: ws.absolute(ref.yamlPath))
        }
        state.applying = false
        try state.save(ws)
        return .conflicts(state)
    }

    /// True when moving from `from` to `to` deletes a contract that is not a draft (#12.12).
    static func deletesLiveContract(_ repo: Repository, from: ObjectID, to: ObjectID) throws -> Bool {
        let changes = try ContractTreeDiff.changes(
            repo, from: try repo.treeID(ofCommit: from), to: try repo.treeID(ofCommit: to))
        return changes.contains { ch in
            ch.afterRef == nil && ch.before.map { $0.contract.status != ContractStatus.draft.rawValue } == true
        }
    }

    // MARK: - Finishing

    public enum Side: Sendable { case ours, theirs }

    /// Resolves one contract's conflict: `side` takes one side's metadata and content, `field`
    /// (name, value) sets one conflicting field, `content`: the Markdown was fixed by hand.
    public static func resolve(
        _ ws: Workspace, spec: String, side: Side? = nil, field: (String, String)? = nil, content: Bool = false
    ) throws(WorkspaceError) -> MergeState.ContractConflict {
        guard var state = MergeState.current(ws) else { throw .refused("no merge in progress") }
        if state.applying {
            let r = state.commitRefusal()
            throw .refused(r?.message ?? "a pull was interrupted", remedy: r?.remedy)
        }
        let repo = try ws.repository()
        let key = spec.lowercased()
        guard
            let i = state.contracts.firstIndex(where: { c in
                c.id.lowercased().hasPrefix(key) && key.count >= 4 || c.ref.stem == spec || c.ref.description == spec
                    || c.ref.yamlPath == spec || c.ref.markdownPath == spec
            })
        else {
            throw .notFound(
                "no conflicted contract matches '\(spec)' (conflicts: \(state.unresolved.map(\.ref.description).joined(separator: ", ")))"
            )
        }
        var c = state.contracts[i]
        if let side {
            let commitHex = side == .ours ? state.origHead : state.theirs
            guard let commit = ObjectID(hex: commitHex) else {
                throw .repository("the merge state is damaged", detail: commitHex)
            }
            for path in [c.ref.yamlPath, c.ref.markdownPath] {
                let data = (try? repo.file(at: commit, path: path)) ?? nil
                if let data {
                    try FileSystem.writeAtomically(data, to: ws.absolute(path))
                } else {
                    try? FileManager.default.removeItem(atPath: ws.absolute(path))
                }
            }
            c.acceptedDeletion = c.deletion && side == .theirs
            c.fields = []
            c.violations = []
            c.content = false
            c.deletion = false
        } else if c.deletion {
            throw .refused("\(c.ref) was deleted by \(state.theirsLabel)", remedy: .keepOrAcceptDeletion)
        } else if let (name, value) = field {
            guard c.fields.contains(where: { $0.field == name }) else {
                throw .invalidInput(
                    field: "field",
                    message:
                        "\(name) is not in conflict (conflicting: \(c.fields.map(\.field).joined(separator: ", ")))")
            }
            let loaded = try ws.loadContract(c.ref)
            var root = loaded.document.root
            root.setPath(name.split(separator: ".").map(String.init), .scalar(value, .string))
            try FileSystem.writeAtomically(
                CanonicalYAML.render(root, order: ContractCodec.order), to: ws.absolute(c.ref.yamlPath))
            c.fields.removeAll { $0.field == name }
            // The rules are checked again at the commit, against HEAD.
            c.violations = []
        } else if content {
            let md = ws.readMarkdown(c.ref).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if md.contains("\n<<<<<<< ") || md.hasPrefix("<<<<<<< ") || md.contains("\n>>>>>>> ") {
                throw .refused("\(c.ref.markdownPath) still has conflict markers")
            }
            c.content = false
        }
        if c.isResolved {
            do {
                let index = try repo.index()
                for path in [c.ref.yamlPath, c.ref.markdownPath] {
                    if FileSystem.exists(ws.absolute(path)) {
                        try index.add(path: path)
                    } else {
                        try index.remove(path: path)
                    }
                }
                try index.write()
            } catch { throw .repository("cannot mark \(c.ref) resolved", detail: "\(error)") }
        }
        state.contracts[i] = c
        try state.save(ws)
        return c
    }

    /// Aborts the merge: back to where the pull (or plain `git merge`) began. Only the
    /// files the merge brings in are put back; other uncommitted edits stay as they are.
    public static func abort(_ ws: Workspace) throws(WorkspaceError) {
        let repo = try ws.repository()
        guard let state = MergeState.current(ws) else { throw .refused("no merge in progress") }
        do {
            try undo(ws, repo, state)
        } catch let e as WorkspaceError { throw e } catch {
            throw .repository("cannot abort the merge", detail: "\(error)")
        }
    }

    static func undo(_ ws: Workspace, _ repo: Repository, _ state: MergeState) throws {
        let head = try Committer.head(repo)
        let origin = ObjectID(hex: state.origHead) ?? head
        var paths = Set<String>()
        if let theirs = ObjectID(hex: state.theirs) {
            let from = try origin.map { try repo.treeID(ofCommit: $0) }
            for ch in try repo.changedPaths(from: from, to: try repo.treeID(ofCommit: theirs)) {
                paths.insert(ch.oldPath)
                paths.insert(ch.newPath)
            }
        }
        // A commit made by the interrupted pull (or a branch moved by a fast-forward) is undone.
        if let origin, let head, head != origin {
            let since = try repo.changedPaths(
                from: try repo.treeID(ofCommit: origin), to: try repo.treeID(ofCommit: head))
            for ch in since { paths.insert(ch.oldPath); paths.insert(ch.newPath) }
        }
        for c in state.contracts { paths.insert(c.ref.yamlPath); paths.insert(c.ref.markdownPath) }
        for p in state.otherPaths { paths.insert(p) }
        for c in (try? repo.index().conflicts()) ?? [] { paths.insert(c.path) }
        paths.remove("")
        if let origin, let head, head != origin, let branch = repo.currentBranch() {
            let ref = branch.hasPrefix("refs/") ? branch : "refs/heads/\(branch)"
            try repo.setReference(ref, to: origin, message: "merge aborted: back to \(origin.short)")
        }
        try repo.restore(paths: paths.sorted(), from: origin)
        if repo.repositoryState == .merge { try repo.cleanupState() }
        MergeState.remove(ws)
    }

    /// A pull interrupted while it updated the files (#12.3), before a new pull starts: if it got
    /// as far as its commit, the record is cleared; otherwise the files are put back as they were.
    static func recoverInterrupted(_ ws: Workspace, _ repo: Repository, _ state: MergeState) throws(WorkspaceError) {
        do {
            let head = try Committer.head(repo)
            let finished =
                try head.flatMap { h in
                    try ObjectID(hex: state.theirs).map { t in try h == t || repo.isDescendant(h, of: t) }
                } ?? false
            if finished {
                if repo.repositoryState == .merge { try repo.cleanupState() }
                MergeState.remove(ws)
                return
            }
            try undo(ws, repo, state)
        } catch let e as WorkspaceError { throw e } catch {
            throw .repository("cannot recover the interrupted pull", detail: "\(error)")
        }
    }
}

extension YAMLNode {
    /// Sets a value at a dotted path, creating mappings on the way.
    mutating func setPath(_ path: [String], _ value: YAMLNode) {
        guard let first = path.first else { return }
        if path.count == 1 {
            set(first, value)
            return
        }
        var child = self[first] ?? .mapping([])
        if child.entries == nil { child = .mapping([]) }
        child.setPath(Array(path.dropFirst()), value)
        set(first, child)
    }
}
