import Foundation
import PactoriaGit

/// Counts of contracts by status, and their ids, for the whole working tree without reading every
/// contract: per company, the totals of HEAD's `contracts` directory are cached under that
/// directory's tree id (which changes whenever any file in it does), then adjusted for the files
/// that differ from HEAD.
struct ContractCounts {
    var byStatus: [String: Int] = [:]
    var total = 0
    /// Contract ids (lower-cased) → where they are, in the working tree.
    var ids: [String: [ContractRef]] = [:]

    static let cacheName = "counts-v1"

    struct Aggregate {
        var counts: [String: Int]
        /// `id:stem,…`, decoded only when ids are needed.
        var contractsText: Substring

        var contracts: [(id: String, stem: String)] {
            contractsText.split(separator: ",").compactMap { pair in
                let kv = pair.split(separator: ":", maxSplits: 1)
                return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
            }
        }
    }

    static func compute(
        _ ws: Workspace, repo: Repository, headTree: ObjectID?, changes: [StatusEntry],
        working: [ContractRef: ContractSummary], needIDs: Bool
    ) throws -> ContractCounts {
        var out = ContractCounts()
        let cachePath = ws.absolute("\(Workspace.cacheDirectory)/\(cacheName)")
        var cache = readCache(cachePath)
        var dirty = false
        // The summaries cache is read only if a directory's counts are not cached.
        var loaderStorage: ContractIndex.Loader?
        var used = Set<String>()

        if let headTree {
            for company in try repo.directoryEntries(inTree: headTree, path: "companies") where company.isDirectory {
                guard
                    let dir = try repo.directoryEntries(ofTree: company.id)
                        .first(where: { $0.name == "contracts" && $0.isDirectory })
                else { continue }
                let key = dir.id.hex
                used.insert(key)
                let aggregate: Aggregate
                if let hit = cache[key] {
                    aggregate = hit
                } else {
                    var agg = Aggregate(counts: [:], contractsText: "")
                    var pairs: [String] = []
                    let files = try repo.directoryEntries(ofTree: dir.id)
                        .filter { !$0.isDirectory && $0.name.hasSuffix(".yaml") }
                        .map {
                            (ref: ContractRef(company: company.name, stem: String($0.name.dropLast(5))), blob: $0.id)
                        }
                    if !files.isEmpty && loaderStorage == nil { loaderStorage = ContractIndex.Loader(ws) }
                    for (file, summary) in zip(files, loaderStorage?.summaries(files, repo: repo) ?? []) {
                        guard let s = summary else { continue }
                        agg.counts[s.status, default: 0] += 1
                        pairs.append("\(s.id.lowercased()):\(file.ref.stem)")
                    }
                    agg.contractsText = Substring(pairs.joined(separator: ","))
                    cache[key] = agg
                    dirty = true
                    aggregate = agg
                }
                for (status, n) in aggregate.counts {
                    out.byStatus[status, default: 0] += n
                    out.total += n
                }
                if needIDs {
                    for c in aggregate.contracts {
                        out.ids[c.id, default: []].append(ContractRef(company: company.name, stem: c.stem))
                    }
                }
            }
        }
        // Adjust for every contract file that differs from HEAD.
        for e in changes where e.path.hasSuffix(".yaml") {
            guard let ref = ContractRef(path: e.path) else { continue }
            if let headTree, let blob = try repo.blobID(inTree: headTree, path: e.path),
                let old = ContractCounts.summary(ref: ref, blob: blob, repo: repo)
            {
                out.byStatus[old.status, default: 0] -= 1
                if out.byStatus[old.status] == 0 { out.byStatus[old.status] = nil }
                out.total -= 1
                out.ids[old.id.lowercased()]?.removeAll { $0 == ref }
            }
            if let now = working[ref] {
                out.byStatus[now.status, default: 0] += 1
                out.total += 1
                out.ids[now.id.lowercased(), default: []].append(ref)
            }
        }
        if cache.count > used.count + 256 {
            cache = cache.filter { used.contains($0.key) }
            dirty = true
        }
        if dirty { writeCache(cachePath, cache) }
        loaderStorage?.save()
        return out
    }

    /// A committed contract's summary, parsed from its blob.
    static func summary(ref: ContractRef, blob: ObjectID, repo: Repository) -> ContractSummary? {
        guard let bytes = try? repo.blob(blob) else { return nil }
        return summary(ref: ref, bytes: bytes)
    }

    /// A committed contract's summary, parsed from its blob's bytes.
    static func summary(ref: ContractRef, bytes: [UInt8]) -> ContractSummary? {
        guard let loaded = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
        else { return nil }
        return ContractSummary(ref: ref, contract: loaded.contract)
    }

    // One line per directory: tree id, TAB, status=n,…, TAB, id:stem,…
    // Framed by `CacheFile` (magic, version, length, CRC-32).
    static func readCache(_ path: String) -> [String: Aggregate] {
        guard let bytes = CacheFile.read(path, name: cacheName, version: 1) else { return [:] }
        let text = String(decoding: bytes, as: UTF8.self)
        var out: [String: Aggregate] = [:]
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 40, let contracts = Substring(parts[2]) as Substring? else {
                continue
            }
            var agg = Aggregate(counts: [:], contractsText: contracts)
            for pair in parts[1].split(separator: UInt8(ascii: ",")) {
                let kv = pair.split(separator: UInt8(ascii: "="))
                if kv.count == 2, let n = Int(Substring(kv[1])) { agg.counts[String(Substring(kv[0]))] = n }
            }
            out[String(Substring(parts[0]))] = agg
        }
        return out
    }

    static func writeCache(_ path: String, _ cache: [String: Aggregate]) {
        var out = ""
        for (key, agg) in cache {
            // Statuses and ids are free text in a hand-edited file: skip what would break the format.
            let counts = agg.counts.filter { !$0.key.contains(where: { ",=\t\n".contains($0) }) }
            guard counts.count == agg.counts.count, !agg.contractsText.contains(where: { "\t\n".contains($0) }) else {
                continue
            }
            out +=
                key + "\t" + counts.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "\t" + agg.contractsText
                + "\n"
        }
        CacheFile.write(Array(out.utf8), to: path, name: cacheName, version: 1)
    }
}

extension ContractIndex.Loader {
    /// The summary of a committed contract file, from the cache when its blob id matches.
    mutating func summary(ref: ContractRef, blob: ObjectID, repo: Repository) -> ContractSummary? {
        if let hit = cache[ref.yamlPath], hit.blob == blob { return hit.summary }
        guard let summary = ContractCounts.summary(ref: ref, blob: blob, repo: repo) else { return nil }
        if cache[ref.yamlPath] == nil {
            // Known by blob only: a stamp that never matches keeps stat-based lookups honest.
            cache[ref.yamlPath] = ContractIndex.Entry(
                stamp: FileSystem.Stamp(size: -1, mtimeNanos: 0, ctimeNanos: 0, inode: 0), blob: blob, summary: summary)
            dirty = true
        }
        return summary
    }
}

extension ContractIndex.Loader {
    /// As `summary(ref:blob:repo:)` for each of `files`, in order: the blobs are read one by one
    /// (the repository is not shared between threads), then parsed on every core, and the cache
    /// updated in order afterwards.
    mutating func summaries(_ files: [(ref: ContractRef, blob: ObjectID)], repo: Repository) -> [ContractSummary?] {
        var out = [ContractSummary?](repeating: nil, count: files.count)
        var work: [(index: Int, ref: ContractRef, bytes: [UInt8])] = []
        for (i, file) in files.enumerated() {
            if let hit = cache[file.ref.yamlPath], hit.blob == file.blob {
                out[i] = hit.summary
            } else if let bytes = try? repo.blob(file.blob) {
                work.append((i, file.ref, bytes))
            }
        }
        let parsed = Parallel.map(work) { ContractCounts.summary(ref: $0.ref, bytes: $0.bytes) }
        for (item, summary) in zip(work, parsed) {
            guard let summary else { continue }
            out[item.index] = summary
            let path = item.ref.yamlPath
            if cache[path] == nil {
                // Known by blob only: a stamp that never matches keeps stat-based lookups honest.
                cache[path] = ContractIndex.Entry(
                    stamp: FileSystem.Stamp(size: -1, mtimeNanos: 0, ctimeNanos: 0, inode: 0),
                    blob: files[item.index].blob,
                    summary: summary)
                dirty = true
            }
        }
        return out
    }
}
