public import PactoriaCore
public import PactoriaGit

/// A contract's two files as they were at some point (a commit, or the working tree).
public struct ContractVersion: Sendable {
    public var ref: ContractRef
    /// nil for the working tree.
    public var commit: CommitInfo?
    public var metadataText: String?
    public var content: [UInt8]?
    public var contract: Contract?
    public var document: YAMLDocument?
}

/// Showing a contract and diffing its versions.
public enum ContractViews {
    /// Finds the contract named by `spec` in the working tree (or, if it is gone there, by id in history).
    public static func resolve(_ ws: Workspace, _ spec: String) throws(WorkspaceError) -> ContractSummary {
        try ContractIndex.load(ws).resolve(spec, workspace: ws)
    }

    /// The contract as of `revision`, or as of the newest commit where its version was `version`.
    public static func show(_ ws: Workspace, spec: String, revision: String?, version: Int?) throws(WorkspaceError)
        -> ContractVersion
    {
        let summary = try resolve(ws, spec)
        let repo = try ws.repository()
        if let version {
            let entries = try History.contract(ws, id: summary.id, ref: summary.ref)
            guard let entry = entries.first(where: { $0.version == version }) else {
                let known = Set(entries.compactMap(\.version)).sorted().map(String.init).joined(separator: ", ")
                throw .notFound(
                    "\(summary.ref) has no committed version \(version)"
                        + (known.isEmpty ? "" : " (versions: \(known))"))
            }
            return try snapshot(repo, ref: entry.ref, commit: entry.commit)
        }
        if let revision {
            let commit = try resolveCommit(repo, revision)
            // Follow renames: find the contract by id in that commit if its path differs.
            var ref = summary.ref
            do {
                if try repo.blobID(inTree: commit.treeID, path: ref.yamlPath) == nil {
                    guard let found = try History.find(id: summary.id, in: commit.treeID, repo: repo) else {
                        throw WorkspaceError.notFound("\(summary.ref) did not exist at \(revision)")
                    }
                    ref = found
                }
            } catch let e as WorkspaceError { throw e } catch {
                throw .repository("cannot read \(revision)", detail: "\(error)")
            }
            return try snapshot(repo, ref: ref, commit: commit)
        }
        return try workingSnapshot(ws, summary.ref)
    }

    public static func workingSnapshot(_ ws: Workspace, _ ref: ContractRef) throws(WorkspaceError) -> ContractVersion {
        let text =
            FileSystem.exists(ws.absolute(ref.yamlPath)) ? try FileSystem.readText(ws.absolute(ref.yamlPath)) : nil
        let loaded = try text.map { (t: String) throws(WorkspaceError) in
            try Workspace.decodeContract(ref: ref, text: t)
        }
        return ContractVersion(
            ref: ref, commit: nil, metadataText: text, content: ws.readMarkdown(ref), contract: loaded?.contract,
            document: loaded?.document)
    }

    static func snapshot(_ repo: Repository, ref: ContractRef, commit: CommitInfo) throws(WorkspaceError)
        -> ContractVersion
    {
        do {
            let yaml = try repo.blobID(inTree: commit.treeID, path: ref.yamlPath).map { try repo.blob($0) }
            let md = try repo.blobID(inTree: commit.treeID, path: ref.markdownPath).map { try repo.blob($0) }
            let text = yaml.map { String(decoding: $0, as: UTF8.self) }
            let loaded = text.flatMap { try? Workspace.decodeContract(ref: ref, text: $0) }
            return ContractVersion(
                ref: ref, commit: commit, metadataText: text, content: md, contract: loaded?.contract,
                document: loaded?.document)
        } catch let e as SealingError {
            throw .refused("cannot read \(ref) at \(commit.id.short): \(e)")
        } catch {
            throw .repository("cannot read \(ref) at \(commit.id.short)", detail: "\(error)")
        }
    }

    static func resolveCommit(_ repo: Repository, _ revision: String) throws(WorkspaceError) -> CommitInfo {
        do {
            return try repo.commit(try repo.resolveCommit(revision))
        } catch {
            throw .notFound("unknown revision '\(revision)'")
        }
    }

    // MARK: - Diff

    public struct FieldChange: Sendable, Equatable {
        public var field: String
        public var old: String?
        public var new: String?
    }

    public struct DiffResult: Sendable {
        public var ref: ContractRef
        public var from: String
        public var to: String
        public var fields: [FieldChange]
        /// Unified diff of the Markdown; empty when unchanged.
        public var contentDiff: String
        public var isEmpty: Bool { fields.isEmpty && contentDiff.isEmpty }
    }

    /// Field-by-field metadata changes and a unified content diff: working tree against HEAD by
    /// default, `a` against the working tree, or `a` against `b`.
    public static func diff(_ ws: Workspace, spec: String, from a: String?, to b: String?) throws(WorkspaceError)
        -> DiffResult
    {
        let summary = try resolve(ws, spec)
        let repo = try ws.repository()
        let fromRev = a ?? "HEAD"
        let old: ContractVersion
        if (try? repo.headCommitID()) == nil && a == nil {
            old = ContractVersion(
                ref: summary.ref, commit: nil, metadataText: nil, content: nil, contract: nil, document: nil)
        } else {
            old = try snapshotAllowingAbsent(ws, repo, summary, fromRev)
        }
        let new: ContractVersion
        if let b {
            new = try snapshotAllowingAbsent(ws, repo, summary, b)
        } else {
            new = try workingSnapshot(ws, summary.ref)
        }
        let oldFields = flatten(old.document?.root)
        let newFields = flatten(new.document?.root)
        var changes: [FieldChange] = []
        var keys = oldFields.map(\.0)
        for (k, _) in newFields where !keys.contains(k) { keys.append(k) }
        let oldMap = Dictionary(oldFields, uniquingKeysWith: { a, _ in a })
        let newMap = Dictionary(newFields, uniquingKeysWith: { a, _ in a })
        for k in keys where oldMap[k] != newMap[k] {
            changes.append(FieldChange(field: k, old: oldMap[k], new: newMap[k]))
        }
        let content: String
        do {
            content = try TextDiff.unified(
                old: old.content ?? [], new: new.content ?? [], oldPath: old.ref.markdownPath,
                newPath: new.ref.markdownPath)
        } catch { throw .repository("cannot diff the content", detail: "\(error)") }
        return DiffResult(
            ref: summary.ref, from: old.commit?.id.short ?? (a == nil ? "HEAD" : fromRev),
            to: new.commit?.id.short ?? "working tree", fields: changes, contentDiff: content)
    }

    static func snapshotAllowingAbsent(_ ws: Workspace, _ repo: Repository, _ s: ContractSummary, _ rev: String)
        throws(WorkspaceError) -> ContractVersion
    {
        let commit = try resolveCommit(repo, rev)
        var ref = s.ref
        if (try? repo.blobID(inTree: commit.treeID, path: ref.yamlPath)) == nil {
            if let found = try? History.find(id: s.id, in: commit.treeID, repo: repo) {
                ref = found
            } else {
                return ContractVersion(
                    ref: s.ref, commit: commit, metadataText: nil, content: nil, contract: nil, document: nil)
            }
        }
        return try snapshot(repo, ref: ref, commit: commit)
    }

    /// `client.email` → value, in document order; mappings flattened, sequences as `key.0`.
    static func flatten(_ node: YAMLNode?, prefix: String = "") -> [(String, String)] {
        guard let node else { return [] }
        switch node {
        case .scalar(let s, let style): return [(prefix, style == .null ? "null" : s)]
        case .mapping(let entries):
            return entries.flatMap { flatten($0.value, prefix: prefix.isEmpty ? $0.key : "\(prefix).\($0.key)") }
        case .sequence(let items):
            return items.enumerated().flatMap { flatten($0.element, prefix: "\(prefix).\($0.offset)") }
        }
    }
}
