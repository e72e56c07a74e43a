public import PactoriaCore
import Foundation

/// Finds a contract by id quickly for a long-running process (the server): an in-memory map of
/// id → file, checked against the file itself on every lookup, and rebuilt when it misses, so a
/// contract added, moved or edited by the CLI or by git is found without a restart.
public final class ContractLocator: @unchecked Sendable {
    private let root: String
    private let lock = NSLock()
    private var byID: [String: ContractRef] = [:]
    private var built = false
    /// Parsed metadata by file, reused while the file's stamp is unchanged.
    private var parsed: [ContractRef: (FileSystem.Stamp, LoadedContract)] = [:]

    private let live: LiveContractIndex?

    /// `live`, when given, is the index the locator rebuilds its map from.
    public init(root: String, live: LiveContractIndex? = nil) {
        self.root = root
        self.live = live
    }

    /// The contract with this id (full UUID or a unique prefix of at least 4 characters), read
    /// fresh from disk.
    public func load(_ ws: Workspace, id spec: String) throws(WorkspaceError) -> LoadedContract {
        try loadStamped(ws, id: spec).loaded
    }

    /// As `load`, with a key that changes whenever the metadata file changes (for caches built
    /// on top, such as rendered responses).
    public func loadStamped(_ ws: Workspace, id spec: String) throws(WorkspaceError) -> (loaded: LoadedContract, stamp: String) {
        let key = spec.lowercased()
        if let ref = cached(key), let hit = try? parse(ws, ref), hit.loaded.contract.id.lowercased() == key {
            return hit
        }
        rebuild(ws)
        guard let ref = cached(key) ?? uniquePrefix(key) else { throw .notFound("no contract with id \(spec)") }
        let hit = try parse(ws, ref)
        guard hit.loaded.contract.id.lowercased().hasPrefix(key) else { throw .notFound("no contract with id \(spec)") }
        return hit
    }

    private func parse(_ ws: Workspace, _ ref: ContractRef) throws(WorkspaceError) -> (loaded: LoadedContract, stamp: String) {
        guard let stamp = FileSystem.stamp(ws.absolute(ref.yamlPath)), stamp.kind == .regular else {
            throw .notFound("\(ref.yamlPath): no such contract metadata file")
        }
        let key = Self.key(stamp)
        lock.lock()
        let cached = parsed[ref]
        lock.unlock()
        if let cached, cached.0 == stamp { return (cached.1, key) }
        let loaded = try ws.loadContract(ref)
        lock.lock()
        if parsed.count > 50_000 { parsed.removeAll() }
        parsed[ref] = (stamp, loaded)
        lock.unlock()
        return (loaded, key)
    }

    /// The key `loadStamped` returns for a file with this stat data.
    static func key(_ stamp: FileSystem.Stamp) -> String {
        "\(stamp.size)-\(stamp.mtimeNanos)-\(stamp.ctimeNanos)-\(stamp.inode)"
    }

    private func cached(_ key: String) -> ContractRef? {
        lock.lock()
        defer { lock.unlock() }
        return byID[key]
    }

    private func uniquePrefix(_ key: String) -> ContractRef? {
        guard key.count >= 4 else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let hits = byID.filter { $0.key.hasPrefix(key) }
        return hits.count == 1 ? hits.first?.value : nil
    }

    private func rebuild(_ ws: Workspace) {
        let index = live?.index(ws) ?? ContractIndex.load(ws)
        var map: [String: ContractRef] = [:]
        for s in index.summaries { map[s.id.lowercased()] = s.ref }
        lock.lock()
        byID = map
        built = true
        lock.unlock()
    }
}
