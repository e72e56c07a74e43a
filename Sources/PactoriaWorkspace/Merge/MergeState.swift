public import PactoriaCore
import Foundation

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

        public var isResolved: Bool { fields.isEmpty && violations.isEmpty && !content }
    }

    public var theirs: String
    public var origHead: String
    public var theirsLabel: String
    public var contracts: [ContractConflict]
    /// Conflicted paths that are not contracts (company.yaml, config…).
    public var otherPaths: [String]

    public var unresolved: [ContractConflict] { contracts.filter { !$0.isResolved } }

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
                FieldConflict(field: $0["field"] as? String ?? "", ancestor: $0["ancestor"] as? String, ours: $0["ours"] as? String, theirs: $0["theirs"] as? String)
            }
            return ContractConflict(
                ref: ref, id: c["id"] as? String ?? "", title: c["title"] as? String ?? ref.stem, fields: fields,
                violations: c["violations"] as? [String] ?? [], content: c["content"] as? Bool ?? false)
        }
        return MergeState(
            theirs: o["theirs"] as? String ?? "", origHead: o["orig_head"] as? String ?? "",
            theirsLabel: o["theirs_label"] as? String ?? "theirs", contracts: contracts, otherPaths: o["other_paths"] as? [String] ?? [])
    }

    func save(_ ws: Workspace) throws(WorkspaceError) {
        let o: [String: Any] = [
            "theirs": theirs, "orig_head": origHead, "theirs_label": theirsLabel, "other_paths": otherPaths,
            "contracts": contracts.map { c in
                [
                    "path": c.ref.yamlPath, "id": c.id, "title": c.title, "violations": c.violations, "content": c.content,
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
    }

    static func remove(_ ws: Workspace) {
        if let f = try? file(ws) { try? FileManager.default.removeItem(atPath: f) }
    }
}
