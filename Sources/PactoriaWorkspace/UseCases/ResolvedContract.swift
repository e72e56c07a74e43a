/// A contract a caller has already found: where it is and, when the caller parsed it too, that
/// parse with the stamp of the file it came from. A use case that writes it re-reads the file
/// under the write lock only if it changed since.
public struct ResolvedContract: Sendable {
    public var ref: ContractRef
    public var parsed: (loaded: LoadedContract, stamp: String)?

    /// Found but not read (the CLI resolves a spec, the use case reads it under the lock).
    public init(_ ref: ContractRef) {
        self.ref = ref
        parsed = nil
    }

    /// Found and read, as `ContractLocator.loadStamped` gives it.
    public init(_ loaded: LoadedContract, stamp: String) {
        ref = loaded.ref
        parsed = (loaded, stamp)
    }

    /// Resolves `spec` (UUID, id prefix, stem, company/stem or path) in the working tree.
    public static func find(_ ws: Workspace, _ spec: String) throws(WorkspaceError) -> ResolvedContract {
        ResolvedContract(try ContractViews.resolve(ws, spec).ref)
    }

    /// The contract as it is on disk now: the caller's parse when the file has not changed since.
    func current(_ ws: Workspace) throws(WorkspaceError) -> LoadedContract {
        if let parsed, let now = FileSystem.stamp(ws.absolute(ref.yamlPath)), now.kind == .regular,
            ContractLocator.key(now) == parsed.stamp
        {
            return parsed.loaded
        }
        return try ws.loadContract(ref)
    }
}
