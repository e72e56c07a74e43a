public import PactoriaCore
public import PactoriaGit
import PactoriaCrypto

/// Contracts as the lifecycle rules see them, read from the working tree or from a commit's tree.
public enum Snapshots {
    /// The SHA-256 (hex) of a contract's Markdown bytes, as recorded by `finalize`.
    public static func contentHash(_ bytes: [UInt8]) -> String { Digest.sha256Hex(bytes) }

    /// The contract as it is in the working tree (nil when its metadata file is missing or unreadable).
    public static func working(_ ws: Workspace, _ ref: ContractRef) -> ContractSnapshot? {
        guard let loaded = try? ws.loadContract(ref) else { return nil }
        return ContractSnapshot(contract: loaded.contract, contentSHA256: ws.readMarkdown(ref).map(contentHash))
    }

    /// The contract as it is in `tree` (nil when it is not there or does not parse).
    public static func inTree(_ repo: Repository, _ tree: ObjectID, _ ref: ContractRef) -> ContractSnapshot? {
        guard let loaded = loaded(repo, tree, ref) else { return nil }
        let md = (try? repo.blobID(inTree: tree, path: ref.markdownPath))?.flatMap { try? repo.blob($0) }
        return ContractSnapshot(contract: loaded.contract, contentSHA256: md.map(contentHash))
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
