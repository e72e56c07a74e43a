import Foundation

/// The contract index of a long-running process (the server): summaries held in memory, one
/// slice per company, re-checked only for the companies whose contract directories changed.
///
/// Changes are learnt from inotify (`DirectoryWatcher`), drained before every read, so an edit made
/// by the CLI, by git or by hand is seen by the next request. Where inotify is unavailable, every
/// file's stat data is checked on each read instead, against the in-memory cache (no re-parse of
/// unchanged files), which is what `ContractIndex.load` does from its on-disk cache.
public final class LiveContractIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var watcher: DirectoryWatcher?
    private var stamps: ContractIndex.Cache = [:]
    private var slices: [String: ContractIndex] = [:]
    private var all: ContractIndex?
    private var root = ""

    public init() {}

    /// Every contract in the working tree, as `ContractIndex.load(ws)` would return it.
    public func index(_ ws: Workspace) -> ContractIndex {
        lock.lock()
        defer { lock.unlock() }
        refresh(ws)
        if let all { return all }
        var merged = ContractIndex(summaries: [], unreadable: [], orphans: [])
        merged.summaries.reserveCapacity(stamps.count)
        var texts: [SearchText] = []
        for slug in slices.keys.sorted() {
            let slice = slices[slug]!
            merged.summaries += slice.summaries
            merged.unreadable += slice.unreadable
            merged.orphans += slice.orphans
            texts.append(slice.searchText ?? SearchText(slice.summaries))
        }
        merged.searchText = SearchText(concatenating: texts)
        all = merged
        return merged
    }

    /// One company's contracts (empty when there is no such company).
    public func index(_ ws: Workspace, company: String) -> ContractIndex {
        lock.lock()
        defer { lock.unlock() }
        refresh(ws)
        return slices[company] ?? ContractIndex(summaries: [], unreadable: [], orphans: [])
    }

    /// Brings the slices up to date. Called with the lock held.
    private func refresh(_ ws: Workspace) {
        if ws.root != root {
            root = ws.root
            watcher = nil
            slices = [:]
            stamps = [:]
            all = nil
        }
        guard let watcher else {
            // First use, or no inotify (then every file's stamp is checked on each read, which
            // is still cheap next to parsing).
            watcher = DirectoryWatcher(root: ws.root)
            rescanAll(ws)
            return
        }
        switch watcher.drain() {
        case .everything:
            // Start again with a new watcher, so no watch is left on a directory that moved.
            self.watcher = DirectoryWatcher(root: ws.root)
            rescanAll(ws)
        case let .companies(dirty):
            guard !dirty.isEmpty else { return }
            var loader = ContractIndex.Loader(ws, memory: stamps)
            for slug in dirty {
                if watcher.watch(company: slug) || FileSystem.isDirectory(ws.absolute("companies/\(slug)")) {
                    slices[slug] = scan(ws, company: slug, &loader)
                } else {
                    slices[slug] = nil
                    let prefix = "companies/\(slug)/"
                    loader.cache = loader.cache.filter { !$0.key.hasPrefix(prefix) }
                }
            }
            stamps = loader.cache
            all = nil
        }
    }

    private func rescanAll(_ ws: Workspace) {
        // The first scan starts from the on-disk cache the CLI keeps (and refreshes it).
        var loader = stamps.isEmpty ? ContractIndex.Loader(ws) : ContractIndex.Loader(ws, memory: stamps)
        var fresh: [String: ContractIndex] = [:]
        for slug in ws.companySlugs() {
            watcher?.watch(company: slug)
            fresh[slug] = scan(ws, company: slug, &loader)
        }
        let live = Set(fresh.values.flatMap { $0.summaries.map(\.ref.yamlPath) + $0.unreadable.map(\.ref.yamlPath) })
        loader.cache = loader.cache.filter { live.contains($0.key) }
        loader.save()
        stamps = loader.cache
        slices = fresh
        all = nil
    }

    private func scan(_ ws: Workspace, company: String, _ loader: inout ContractIndex.Loader) -> ContractIndex {
        var slice = ContractIndex.collect(ws.contractRefs(company: company), &loader).0
        slice.searchText = SearchText(slice.summaries)
        return slice
    }
}
