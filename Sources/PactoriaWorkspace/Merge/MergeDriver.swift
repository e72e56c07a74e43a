import Foundation
import PactoriaCore
import PactoriaGit

/// The merge driver (git's `%O %A %B %P`: ancestor, ours, theirs, path): the contract-aware
/// metadata merge offered to plain git merges and pulls, registered with the pre-commit hook
/// (`InstallHooks.installMergeDriver`). Writes the result over
/// %A; returns false (git then records a conflict) when fields conflict or a rule is broken.
public enum MergeDriver {
    public struct Outcome: Sendable {
        public var clean: Bool
        public var messages: [String]
    }

    /// - Parameter theirsCommit: the commit being merged in, as git names it to drivers
    ///   (`GITHEAD_<sha>` in the environment); else `MERGE_HEAD` when git has written it.
    public static func run(
        ancestor: String, ours: String, theirs: String, path: String, workspace: Workspace?, theirsCommit: String? = nil
    ) throws(WorkspaceError) -> Outcome {
        // git passes relative temporary names (`.merge_file_XXXXXX`), relative to the repo root.
        let ancestor = FileSystem.absolute(ancestor)
        let ours = FileSystem.absolute(ours)
        let theirs = FileSystem.absolute(theirs)
        func read(_ p: String) throws(WorkspaceError) -> String? {
            guard FileSystem.exists(p) else { return nil }
            let text = try FileSystem.readText(p)
            return text.isEmpty ? nil : text
        }
        guard let o = try read(ours), let t = try read(theirs) else {
            return Outcome(clean: false, messages: ["\(path): one side deleted the contract's metadata"])
        }
        // #12.17: the rules need the Markdown of each side and of the merge, from the commits.
        let sides = workspace.flatMap { markdown(of: path, in: $0, theirsCommit: theirsCommit) }
        let m = try ContractMerge.merge(
            ancestor: try read(ancestor), ours: o, theirs: t, path: path, policy: workspace?.config.policy ?? .init(),
            ancestorContent: sides?.base, oursContent: sides?.ours, theirsContent: sides?.theirs,
            mergedContent: sides?.merged)
        try FileSystem.writeAtomically(m.text, to: ours)
        let messages = m.conflicts.map { "\(path): conflict in \($0)" } + m.violations.map { "\(path): \($0)" }
        // Left for the status, resolving, the commit and the pre-commit hook to see: git keeps
        // the path unmerged (the driver fails), and the fields are recorded beside MERGE_HEAD.
        if !m.isClean, let ws = workspace, let ref = ContractRef(path: path) {
            record(ws, ref: ref, merged: m, theirs: sides?.theirsCommit)
        }
        return Outcome(clean: m.isClean, messages: messages)
    }

    struct Sides {
        var base: [UInt8]?
        var ours: [UInt8]?
        var theirs: [UInt8]?
        var merged: [UInt8]?
        var theirsCommit: ObjectID?
    }

    /// The contract's Markdown at HEAD, at the commit merged in, at their merge base, and merged.
    static func markdown(of path: String, in ws: Workspace, theirsCommit: String?) -> Sides? {
        guard let ref = ContractRef(path: path), let repo = try? ws.repository(),
            let head = (try? repo.headCommitID()) ?? nil
        else { return nil }
        let md = ref.markdownPath
        let oursMD = (try? repo.file(at: head, path: md)) ?? nil
        guard let theirsID = theirsCommit.flatMap({ ObjectID(hex: $0) }) ?? ((try? repo.mergeHeads()) ?? []).first
        else {
            // Who is merged in is unknown: judge the metadata against our content alone.
            return Sides(base: oursMD, ours: oursMD, theirs: oursMD, merged: oursMD, theirsCommit: nil)
        }
        let theirsMD = (try? repo.file(at: theirsID, path: md)) ?? nil
        let base = (try? repo.mergeBase(head, theirsID)) ?? nil
        let baseMD = base.flatMap { (try? repo.file(at: $0, path: md)) ?? nil }
        var merged: [UInt8]?
        if oursMD == theirsMD || baseMD == theirsMD {
            merged = oursMD
        } else if baseMD == oursMD {
            merged = theirsMD
        } else if let o = oursMD, let t = theirsMD,
            let r = try? TextMerge.mergeFile(ancestor: baseMD, ours: o, theirs: t), !r.hasConflicts
        {
            merged = r.text
        }
        return Sides(base: baseMD, ours: oursMD, theirs: theirsMD, merged: merged, theirsCommit: theirsID)
    }

    static func record(_ ws: Workspace, ref: ContractRef, merged m: ContractMergeResult, theirs: ObjectID?) {
        let repo = try? ws.repository()
        let head = ((try? repo?.headCommitID()) ?? nil)?.hex ?? ""
        var state = MergeState.load(ws)
        if let s = state, s.kind != .git || (theirs != nil && s.theirs != theirs!.hex) || s.origHead != head {
            state = nil
        }
        var s =
            state
            ?? MergeState(
                theirs: theirs?.hex ?? "", origHead: head,
                theirsLabel: theirs.map { "commit \($0.short)" } ?? "MERGE_HEAD",
                contracts: [], otherPaths: [], kind: .git)
        let (c, _) = ContractCodec.decode((try? YAMLDocument.parse(m.text, file: ref.yamlPath).root) ?? .mapping([]))
        let conflict = MergeState.ContractConflict(
            ref: ref, id: c.id, title: c.title, fields: m.conflicts, violations: m.violations.map(\.description),
            content: false)
        s.contracts.removeAll { $0.ref == ref }
        s.contracts.append(conflict)
        s.contracts.sort { $0.ref < $1.ref }
        try? s.save(ws)
    }
}

extension InstallHooks {
    public static let attributesLine = "companies/**/contracts/*.yaml merge=pactoria"

    /// Registers the merge driver: `.gitattributes` and the repository's git config.
    /// - Parameter driver: the command git runs to merge a contract's metadata, with git's
    ///   placeholders (`%O %A %B %P`: ancestor, ours, theirs, path); the caller's own command.
    public static func installMergeDriver(_ ws: Workspace, driver: String) throws(WorkspaceError) -> [String] {
        let repo = try ws.repository()
        do {
            try repo.setConfig("merge.pactoria.name", "Pactoria contract-aware merge of contract metadata")
            try repo.setConfig("merge.pactoria.driver", driver)
        } catch { throw .repository("cannot write the git config", detail: "\(error)") }
        let path = ws.absolute(".gitattributes")
        var text = FileSystem.exists(path) ? try FileSystem.readText(path) : ""
        if !text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == attributesLine }) {
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text +=
                "# Pactoria: merge contract metadata field by field (git config merge.pactoria)\n\(attributesLine)\n"
            try FileSystem.writeAtomically(text, to: path)
        }
        return [".gitattributes", "merge.pactoria.driver (git config)"]
    }
}
