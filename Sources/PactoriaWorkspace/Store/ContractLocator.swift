import Foundation
import PactoriaCore
import PactoriaGit

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
    /// Ids held by more than one contract file, from the last rebuild.
    private var duplicates: [String: [ContractRef]] = [:]
    /// Files the index could not read, from the last rebuild.
    private var unreadable: [UnreadableContract] = []
    /// The live index the map was built from (kept so that its storage identifies it).
    private var builtFrom: ContractIndex?

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
    public func loadStamped(_ ws: Workspace, id spec: String) throws(WorkspaceError) -> (
        loaded: LoadedContract, stamp: String
    ) {
        let key = spec.lowercased()
        refreshIfLiveChanged(ws)
        if let ref = cached(key), let hit = try? parse(ws, ref), hit.loaded.contract.id.lowercased() == key {
            try refuseDuplicate(key)
            return hit
        }
        rebuild(ws)
        guard let ref = cached(key) ?? uniquePrefix(key) else {
            // A contract whose metadata cannot be read is a problem to report, not "no such id".
            if key.count >= 4, let u = unreadableHolding(ws, key) {
                throw Self.problem(u.error, file: u.ref.yamlPath)
            }
            throw .notFound("no contract with id \(spec)")
        }
        let hit = try parse(ws, ref)
        guard hit.loaded.contract.id.lowercased().hasPrefix(key) else { throw .notFound("no contract with id \(spec)") }
        try refuseDuplicate(hit.loaded.contract.id.lowercased())
        return hit
    }

    /// The company a contract is committed under in HEAD when that is not the company whose folder
    /// now holds it (a move made with plain file moves), else nil. Cheap: one tree lookup when
    /// the file is committed where it is; otherwise one per company, at the same file name.
    public static func homeCompany(_ ws: Workspace, _ loaded: LoadedContract) -> String? {
        homeCompanies(ws, [(loaded.ref, loaded.contract.id)])[loaded.ref]
    }

    /// `homeCompany` for many contracts at once (one repository open).
    public static func homeCompanies(_ ws: Workspace, _ contracts: [(ref: ContractRef, id: String)]) -> [ContractRef:
        String]
    {
        guard !contracts.isEmpty, let repo = try? Repository.open(at: ws.root), let head = try? repo.headCommitID(),
            let tree = try? repo.treeID(ofCommit: head)
        else { return [:] }
        var out: [ContractRef: String] = [:]
        var companies: [(name: String, id: ObjectID, isDirectory: Bool)]?
        for (ref, rawID) in contracts {
            if (try? repo.blobID(inTree: tree, path: ref.yamlPath)) ?? nil != nil { continue }
            let id = rawID.lowercased()
            if companies == nil { companies = (try? repo.directoryEntries(inTree: tree, path: "companies")) ?? [] }
            guard !id.isEmpty else { continue }
            for c in companies ?? [] where c.isDirectory && c.name != ref.company {
                let other = ContractRef(company: c.name, stem: ref.stem)
                guard let committed = Snapshots.loaded(repo, tree, other), committed.contract.id.lowercased() == id
                else { continue }
                // Still there in the working tree too: a copy, which the duplicate check reports.
                if !FileSystem.exists(ws.absolute(other.yamlPath)) { out[ref] = c.name }
                break
            }
        }
        return out
    }

    /// Every file that holds `id` (or the one id starting with that prefix) when more than one
    /// does (nil otherwise), as of the last rebuild.
    public func duplicates(of id: String) -> [ContractRef]? {
        let key = id.lowercased()
        lock.lock()
        defer { lock.unlock() }
        if let hit = duplicates[key] { return hit }
        guard key.count >= 4 else { return nil }
        let hits = duplicates.filter { $0.key.hasPrefix(key) }
        return hits.count == 1 ? hits.first?.value : nil
    }

    private func refuseDuplicate(_ id: String) throws(WorkspaceError) {
        guard let refs = duplicates(of: id) else { return }
        throw .conflict(
            "id \(id) is used by more than one contract: \(refs.map(\.yamlPath).joined(separator: ", ")); give one of them a new id"
        )
    }

    /// An unreadable metadata file whose text holds `key` (an id or its prefix).
    private func unreadableHolding(_ ws: Workspace, _ key: String) -> UnreadableContract? {
        lock.lock()
        let candidates = unreadable
        lock.unlock()
        let needle = Array(key.utf8)
        for u in candidates {
            guard let bytes = try? ws.read(u.ref.yamlPath, maxBytes: YAMLLimits.standard.maxBytes) else { continue }
            let lower = bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }
            if lower.count >= needle.count,
                (0...(lower.count - needle.count)).contains(where: {
                    lower[$0..<$0 + needle.count].elementsEqual(needle)
                })
            {
                return u
            }
        }
        return nil
    }

    /// A reading error as a problem naming the file (never an internal error).
    static func problem(_ error: WorkspaceError, file: String) -> WorkspaceError {
        switch error {
        case .yaml(let y):
            return .invalid([Problem(file: y.file, line: y.line, message: "invalid YAML: \(y.message)")])
        case .invalid:
            return error
        default:
            return .invalid([Problem(file: file, message: error.description)])
        }
    }

    private func parse(_ ws: Workspace, _ ref: ContractRef) throws(WorkspaceError) -> (
        loaded: LoadedContract, stamp: String
    ) {
        guard let stamp = FileSystem.stamp(ws.absolute(ref.yamlPath)), stamp.kind == .regular else {
            throw .notFound("\(ref.yamlPath): no such contract metadata file")
        }
        let key = Self.key(stamp)
        lock.lock()
        let cached = parsed[ref]
        lock.unlock()
        if let cached, cached.0 == stamp { return (cached.1, key) }
        let loaded: LoadedContract
        do { loaded = try ws.loadContract(ref) } catch { throw Self.problem(error, file: ref.yamlPath) }
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

    /// Rebuilds the map when the live index changed since (cheap: the live index returns the same
    /// storage while nothing changed), so a duplicate made meanwhile is never missed.
    private func refreshIfLiveChanged(_ ws: Workspace) {
        guard let live else { return }
        let index = live.index(ws)
        lock.lock()
        let same = builtFrom.map { Self.sameStorage($0, index) } ?? false
        lock.unlock()
        if !same { rebuild(ws, from: index) }
    }

    static func sameStorage(_ a: ContractIndex, _ b: ContractIndex) -> Bool {
        a.summaries.count == b.summaries.count && a.unreadable.count == b.unreadable.count
            && a.summaries.withUnsafeBufferPointer { pa in
                b.summaries.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress }
            }
    }

    private func rebuild(_ ws: Workspace, from given: ContractIndex? = nil) {
        let index = given ?? live?.index(ws) ?? ContractIndex.load(ws)
        var map: [String: ContractRef] = [:]
        var all: [String: [ContractRef]] = [:]
        for s in index.summaries {
            let id = s.id.lowercased()
            map[id] = s.ref
            all[id, default: []].append(s.ref)
        }
        lock.lock()
        byID = map
        duplicates = all.filter { $0.value.count > 1 }.mapValues { $0.sorted() }
        unreadable = index.unreadable
        builtFrom = live == nil ? nil : index
        built = true
        lock.unlock()
    }
}
