import Foundation

/// `pactoria merge-driver %O %A %B %P`: the contract-aware metadata merge offered to plain git
/// (`git merge`, `git pull`), registered by `pactoria hooks install`. Writes the result over
/// %A; returns false (git then records a conflict) when fields conflict or a rule is broken.
public enum MergeDriver {
    public struct Outcome: Sendable {
        public var clean: Bool
        public var messages: [String]
    }

    public static func run(ancestor: String, ours: String, theirs: String, path: String, workspace: Workspace?) throws(WorkspaceError)
        -> Outcome
    {
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
        let m = try ContractMerge.merge(
            ancestor: try read(ancestor), ours: o, theirs: t, path: path, policy: workspace?.config.policy ?? .init())
        try FileSystem.writeAtomically(m.text, to: ours)
        let messages = m.conflicts.map { "\(path): conflict in \($0)" } + m.violations.map { "\(path): \($0)" }
        return Outcome(clean: m.isClean, messages: messages)
    }
}

extension InstallHooks {
    public static let attributesLine = "companies/**/contracts/*.yaml merge=pactoria"

    /// Registers the merge driver: `.gitattributes` and the repository's git config.
    public static func installMergeDriver(_ ws: Workspace, executable: String) throws(WorkspaceError) -> [String] {
        let repo = try ws.repository()
        do {
            try repo.setConfig("merge.pactoria.name", "Pactoria contract-aware merge of contract metadata")
            try repo.setConfig("merge.pactoria.driver", "\(shellQuote(executable)) merge-driver %O %A %B %P")
        } catch { throw .repository("cannot write the git config", detail: "\(error)") }
        let path = ws.absolute(".gitattributes")
        var text = FileSystem.exists(path) ? try FileSystem.readText(path) : ""
        if !text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == attributesLine }) {
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += "# Pactoria: merge contract metadata field by field (`pactoria hooks install`)\n\(attributesLine)\n"
            try FileSystem.writeAtomically(text, to: path)
        }
        return [".gitattributes", "merge.pactoria.driver (git config)"]
    }
}
