public import PactoriaCore
import PactoriaCrypto
public import PactoriaGit

/// Contracts as the lifecycle rules see them, read from the working tree or from a commit's tree.
public enum Snapshots {
    /// The SHA-256 (hex) of a contract's Markdown bytes, as recorded by `finalize`.
    public static func contentHash(_ bytes: [UInt8]) -> String { Digest.sha256Hex(bytes) }

    /// The contract as it is in the working tree (nil when its metadata file is missing or unreadable).
    public static func working(_ ws: Workspace, _ ref: ContractRef) -> ContractSnapshot? {
        guard let loaded = try? ws.loadContract(ref) else { return nil }
        return snapshot(loaded, content: ws.readMarkdown(ref))
    }

    /// The contract as it is in `tree` (nil when it is not there or does not parse).
    public static func inTree(_ repo: Repository, _ tree: ObjectID, _ ref: ContractRef) -> ContractSnapshot? {
        guard let loaded = loaded(repo, tree, ref) else { return nil }
        let md = (try? repo.blobID(inTree: tree, path: ref.markdownPath))?.flatMap { try? repo.blob($0) }
        return snapshot(loaded, content: md)
    }

    /// What the rules compare of a loaded contract: its model, content hash, company, and every
    /// key the model does not hold (so that no field escapes the rules).
    public static func snapshot(_ loaded: LoadedContract, content: [UInt8]?) -> ContractSnapshot {
        ContractSnapshot(
            contract: loaded.contract, contentSHA256: content.map(contentHash), company: loaded.ref.company,
            otherFields: otherFields(loaded.document.root))
    }

    /// Keys of a contract's metadata outside the `Contract` model, each rendered canonically:
    /// top-level ones by name, unknown ones inside `lifecycle` as `lifecycle.<key>`.
    public static func otherFields(_ root: YAMLNode) -> [String: String] {
        let modelled = Set(ContractCodec.order.keys).subtracting(["generation", "compliance", "renewal"])
        var out: [String: String] = [:]
        for e in root.entries ?? [] where !modelled.contains(e.key) {
            out[e.key] = CanonicalYAML.render(.mapping([e]))
        }
        let knownLifecycle = Set(["final_content"] + LifecycleAction.allCases.map(\.stampKey))
        for e in root["lifecycle"]?.entries ?? [] where !knownLifecycle.contains(e.key) {
            out["lifecycle.\(e.key)"] = CanonicalYAML.render(.mapping([e]))
        }
        return out
    }

    /// The parsed metadata of a contract in `tree`.
    public static func loaded(_ repo: Repository, _ tree: ObjectID, _ ref: ContractRef) -> LoadedContract? {
        guard let blob = try? repo.blobID(inTree: tree, path: ref.yamlPath), let bytes = try? repo.blob(blob) else {
            return nil
        }
        return try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
    }

    /// Rule violations as problems on the contract's metadata file, with the field's line.
    static func problems(_ violations: [RuleViolation], ref: ContractRef, document: YAMLDocument?) -> [Problem] {
        violations.map { v in
            Problem(
                file: ref.yamlPath, line: v.field.flatMap { document?.line(of: $0) }, field: nil,
                message: v.description)
        }
    }
}
