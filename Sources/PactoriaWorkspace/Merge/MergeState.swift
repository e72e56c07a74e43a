import Foundation
import PactoriaCore
import PactoriaGit

#if canImport(Glibc)
    import Glibc
#endif

/// What a contract-aware merge left for a person to decide, kept beside git's own merge state
/// (`MERGE_HEAD`) in `.git/PACTORIA_MERGE.json`.
public struct MergeState: Sendable, Equatable {
    public struct ContractConflict: Sendable, Equatable {
        public var ref: ContractRef
        public var id: String
        public var title: String
        public var fields: [FieldConflict]
        public var violations: [String]
        /// The Markdown has conflict markers to resolve by hand.
        public var content: Bool
        /// The other side deleted this contract, which is not a draft: keep it (our side) or
        /// accept the deletion (their side).
        public var deletion: Bool = false
        /// The deletion was accepted by resolving to their side: the commit concluding the merge
        /// may remove the contract.
        public var acceptedDeletion: Bool = false

        public var isResolved: Bool { fields.isEmpty && violations.isEmpty && !content && !deletion }
    }

    /// Who started the merge.
    public enum Kind: String, Sendable {
        /// A pull merging two histories.
        case pull
        /// A pull fast-forwarding the branch (recorded only while the files change).
        case fastForward = "fast-forward"
        /// Plain `git merge` / `git pull`: seen from `MERGE_HEAD`, the unmerged index entries and
        /// what Pactoria's merge driver recorded.
        case git
    }

    public var theirs: String
    public var origHead: String
    public var theirsLabel: String
    public var contracts: [ContractConflict]
    /// Conflicted paths that are not contracts (company.yaml, config…).
    public var otherPaths: [String]

    public var kind: Kind = .pull
    /// True from just before a pull starts changing the working tree until it has finished:
    /// a state still applying when no pull runs means the pull was interrupted.
    public var applying: Bool = false

    public var unresolved: [ContractConflict] { contracts.filter { !$0.isResolved } }

    public init(
        theirs: String, origHead: String, theirsLabel: String, contracts: [ContractConflict], otherPaths: [String],
        kind: Kind = .pull, applying: Bool = false
    ) {
        self.theirs = theirs
        self.origHead = origHead
        self.theirsLabel = theirsLabel
        self.contracts = contracts
        self.otherPaths = otherPaths
        self.kind = kind
        self.applying = applying
    }

    static func file(_ ws: Workspace) throws(WorkspaceError) -> String {
        try InstallHooks.gitDirectory(ws) + "/PACTORIA_MERGE.json"
    }

    public static func load(_ ws: Workspace) -> MergeState? {
        guard let path = try? file(ws), let data = FileManager.default.contents(atPath: path),
            let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let contracts = (o["contracts"] as? [[String: Any]] ?? []).compactMap { c -> ContractConflict? in
            guard let path = c["path"] as? String, let ref = ContractRef(path: path) else { return nil }
            let fields = (c["fields"] as? [[String: Any]] ?? []).map {
                FieldConflict(
                    field: $0["field"] as? String ?? "", ancestor: $0["ancestor"] as? String,
                    ours: $0["ours"] as? String, theirs: $0["theirs"] as? String)
            }
            return ContractConflict(
                ref: ref, id: c["id"] as? String ?? "", title: c["title"] as? String ?? ref.stem, fields: fields,
                violations: c["violations"] as? [String] ?? [], content: c["content"] as? Bool ?? false,
                deletion: c["deletion"] as? Bool ?? false, acceptedDeletion: c["accepted_deletion"] as? Bool ?? false)
        }
        return MergeState(
            theirs: o["theirs"] as? String ?? "", origHead: o["orig_head"] as? String ?? "",
            theirsLabel: o["theirs_label"] as? String ?? "theirs", contracts: contracts,
            otherPaths: o["other_paths"] as? [String] ?? [],
            kind: Kind(rawValue: o["kind"] as? String ?? "") ?? .pull, applying: o["applying"] as? Bool ?? false)
    }

    func save(_ ws: Workspace) throws(WorkspaceError) {
        let o: [String: Any] = [
            "theirs": theirs, "orig_head": origHead, "theirs_label": theirsLabel, "other_paths": otherPaths,
            "kind": kind.rawValue, "applying": applying,
            "contracts": contracts.map { c in
                [
                    "path": c.ref.yamlPath, "id": c.id, "title": c.title, "violations": c.violations,
                    "content": c.content,
                    "deletion": c.deletion, "accepted_deletion": c.acceptedDeletion,
                    "fields": c.fields.map { f in
                        var d: [String: Any] = ["field": f.field]
                        if let v = f.ancestor { d["ancestor"] = v }
                        if let v = f.ours { d["ours"] = v }
                        if let v = f.theirs { d["theirs"] = v }
                        return d
                    },
                ] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        try FileSystem.writeAtomically(String(decoding: data, as: UTF8.self), to: try Self.file(ws))
        // Durable before the working tree changes: the file and its directory entry.
        if let path = try? Self.file(ws) { Self.syncFile(path) }
    }

    static func syncFile(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// The merge in progress, whoever started it: Pactoria's record, else git's own state
    /// (`MERGE_HEAD` and the unmerged paths in the index, with the field conflicts Pactoria's
    /// merge driver recorded). A record left by a plain git merge that git has since ended
    /// (an abort, a commit) is dropped.
    public static func current(_ ws: Workspace) -> MergeState? {
        guard let repo = try? ws.repository() else { return load(ws) }
        var state = load(ws)
        let gitMerging = repo.repositoryState == .merge
        if let s = state, s.kind == .git, !gitMerging {
            remove(ws)
            state = nil
        }
        if state == nil && !gitMerging { return nil }
        let head = ((try? repo.headCommitID()) ?? nil)?.hex ?? ""
        let theirs = ((try? repo.mergeHeads()) ?? []).first?.hex
        var s =
            state
            ?? MergeState(
                theirs: theirs ?? "", origHead: head, theirsLabel: "MERGE_HEAD", contracts: [], otherPaths: [],
                kind: .git)
        if s.kind == .git {
            if let theirs { s.theirs = theirs }
            s.origHead = head
        }
        // Paths git left unmerged that the record does not explain.
        let unmerged = ((try? repo.index().conflicts()) ?? []).map(\.path)
        for path in unmerged {
            if let ref = ContractRef(path: path) {
                if let i = s.contracts.firstIndex(where: { $0.ref == ref }) {
                    if path.hasSuffix(".md") && !s.contracts[i].content && s.kind == .git {
                        s.contracts[i].content = true
                    }
                    if path.hasSuffix(".yaml") && s.contracts[i].isResolved && s.kind == .git {
                        s.contracts[i].violations.append("git could not merge the metadata")
                    }
                } else {
                    s.contracts.append(
                        ContractConflict(
                            ref: ref, id: "", title: ref.stem, fields: [],
                            violations: path.hasSuffix(".yaml") ? ["git could not merge the metadata"] : [],
                            content: path.hasSuffix(".md")))
                }
            } else if !s.otherPaths.contains(path) {
                s.otherPaths.append(path)
            }
        }
        return s
    }

    /// Why a commit must not be made now (nil: it may): a pull interrupted while it changed the
    /// files, or merge conflicts still unresolved. Each names the step that moves on.
    public func commitRefusal() -> (message: String, remedy: Remedy)? {
        if applying {
            return ("a pull of \(theirsLabel) was interrupted while it updated the files", .abortOrFinishPull)
        }
        let open = unresolved
        if !open.isEmpty {
            return (
                "unresolved merge conflicts in \(open.map(\.ref.description).joined(separator: ", "))",
                .resolveConflicts
            )
        }
        return nil
    }

    static func remove(_ ws: Workspace) {
        if let f = try? file(ws) { try? FileManager.default.removeItem(atPath: f) }
    }
}
