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

    public init(root: String) { self.root = root }

    /// The contract with this id (full UUID or a unique prefix of at least 4 characters), read
    /// fresh from disk.
    public func load(_ ws: Workspace, id spec: String) throws(WorkspaceError) -> LoadedContract {
        let key = spec.lowercased()
        if let ref = cached(key), let loaded = try? ws.loadContract(ref), loaded.contract.id.lowercased() == key {
            return loaded
        }
        rebuild(ws)
        guard let ref = cached(key) ?? uniquePrefix(key) else { throw .notFound("no contract with id \(spec)") }
        let loaded = try ws.loadContract(ref)
        guard loaded.contract.id.lowercased().hasPrefix(key) else { throw .notFound("no contract with id \(spec)") }
        return loaded
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
        let index = ContractIndex.load(ws)
        var map: [String: ContractRef] = [:]
        for s in index.summaries { map[s.id.lowercased()] = s.ref }
        lock.lock()
        byID = map
        built = true
        lock.unlock()
    }
}
