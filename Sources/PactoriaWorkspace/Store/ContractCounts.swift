import Foundation
import PactoriaCore
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

    static let cacheName = "counts-v2"
    static let formatVersion: UInt32 = 2

    struct Aggregate {
        var counts: [String: Int] = [:]
        /// Each contract's id (lower-cased) and stem, in the tree's order; contracts without an id
        /// are counted but not listed.
        var contracts: [(id: String, stem: String)] = []
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
            // HEAD's `contracts` folders in order, keyed by tree id.
            var dirs: [(company: String, key: String)] = []
            var missing: [(key: String, range: Range<Int>)] = []
            var files: [(ref: ContractRef, blob: ObjectID)] = []
            for company in try repo.directoryEntries(inTree: headTree, path: "companies") where company.isDirectory {
                guard
                    let dir = try repo.directoryEntries(ofTree: company.id)
                        .first(where: { $0.name == "contracts" && $0.isDirectory })
                else { continue }
                let key = dir.id.hex
                dirs.append((company.name, key))
                guard cache[key] == nil, used.insert(key).inserted else { continue }
                let start = files.count
                files += try repo.directoryEntries(ofTree: dir.id)
                    .filter { !$0.isDirectory && $0.name.hasSuffix(".yaml") }
                    .map { (ref: ContractRef(company: company.name, stem: String($0.name.dropLast(5))), blob: $0.id) }
                missing.append((key, start..<files.count))
            }
            used.formUnion(dirs.map(\.key))
            // Every folder not cached is parsed in one batch, on every core.
            if !files.isEmpty {
                loaderStorage = ContractIndex.Loader(ws)
                let summaries = loaderStorage!.summaries(files, repo: repo)
                for (key, range) in missing {
                    var agg = Aggregate()
                    for i in range {
                        guard let s = summaries[i] else { continue }
                        agg.counts[s.status, default: 0] += 1
                        let id = s.id.lowercased()
                        if !id.isEmpty { agg.contracts.append((id, files[i].ref.stem)) }
                    }
                    cache[key] = agg
                    dirty = true
                }
            }
            for (company, key) in dirs {
                guard let aggregate = cache[key] else { continue }
                for (status, n) in aggregate.counts {
                    out.byStatus[status, default: 0] += n
                    out.total += n
                }
                if needIDs {
                    for c in aggregate.contracts {
                        out.ids[c.id, default: []].append(ContractRef(company: company, stem: c.stem))
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
        parsed(ref: ref, bytes: bytes)?.summary
    }

    /// As `summary(ref:bytes:)`, and whether `list` would take the same summary from a file of
    /// these bytes (UTF-8 within the size limit, with its required fields): only those are kept
    /// in the summaries cache, which `list` reads by blob id.
    static func parsed(ref: ContractRef, bytes: [UInt8]) -> (summary: ContractSummary, listable: Bool)? {
        guard
            let (summary, missing) = try? ContractSummary.decode(ref: ref, text: String(decoding: bytes, as: UTF8.self))
        else { return nil }
        let listable =
            missing.isEmpty && bytes.count <= YAMLLimits.standard.maxBytes && TextRules.invalidUTF8Offset(bytes) == nil
        return (summary, listable)
    }

    // One line per directory: tree id, TAB, status=n,…, TAB, id:stem,…
    // Framed by `CacheFile` (magic, version, length, CRC-32). A directory whose statuses, ids or
    // stems hold a separator is not written (it is counted again next time).
    static func readCache(_ path: String) -> [String: Aggregate] {
        guard let bytes = CacheFile.read(path, name: cacheName, version: formatVersion) else { return [:] }
        var out: [String: Aggregate] = [:]
        func text(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 40 else { continue }
            var agg = Aggregate()
            for pair in parts[1].split(separator: UInt8(ascii: ",")) {
                let kv = pair.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
                if kv.count == 2, let n = Int(text(kv[1])) { agg.counts[text(kv[0])] = n }
            }
            for pair in parts[2].split(separator: UInt8(ascii: ",")) {
                guard let colon = pair.firstIndex(of: UInt8(ascii: ":")) else { continue }
                agg.contracts.append((text(pair[pair.startIndex..<colon]), text(pair[(colon + 1)...])))
            }
            out[text(parts[0])] = agg
        }
        return out
    }

    static func writeCache(_ path: String, _ cache: [String: Aggregate]) {
        var out: [UInt8] = []
        func clean(_ s: String, _ separators: StaticString) -> Bool {
            let seps = UnsafeBufferPointer(start: separators.utf8Start, count: separators.utf8CodeUnitCount)
            return !s.isEmpty && !s.utf8.contains(where: { seps.contains($0) })
        }
        for (key, agg) in cache {
            guard agg.counts.keys.allSatisfy({ clean($0, ",=\t\n") }),
                agg.contracts.allSatisfy({ clean($0.id, ",:\t\n") && clean($0.stem, ",:\t\n") })
            else { continue }
            out += key.utf8
            out.append(UInt8(ascii: "\t"))
            for (i, (status, n)) in agg.counts.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += status.utf8
                out.append(UInt8(ascii: "="))
                out += String(n).utf8
            }
            out.append(UInt8(ascii: "\t"))
            for (i, c) in agg.contracts.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += c.id.utf8
                out.append(UInt8(ascii: ":"))
                out += c.stem.utf8
            }
            out.append(UInt8(ascii: "\n"))
        }
        CacheFile.write(out, to: path, name: cacheName, version: formatVersion)
    }
}

extension ContractIndex.Loader {
    /// The summary of a committed contract file, from the cache when its blob id matches.
    mutating func summary(ref: ContractRef, blob: ObjectID, repo: Repository) -> ContractSummary? {
        if let hit = cache[ref.yamlPath], hit.blob == blob { return hit.summary }
        guard let bytes = try? repo.blob(blob), let (summary, listable) = ContractCounts.parsed(ref: ref, bytes: bytes)
        else { return nil }
        if listable && cache[ref.yamlPath] == nil {
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
        var work: [(index: Int, ref: ContractRef, bytes: [UInt8], keep: Bool)] = []
        for (i, file) in files.enumerated() {
            if let hit = cache[file.ref.yamlPath], hit.blob == file.blob {
                out[i] = hit.summary
            } else if let bytes = try? repo.blob(file.blob) {
                work.append((i, file.ref, bytes, true))
            } else if let bytes = try? repo.rawBlob(file.blob) {
                // A sealed blob that cannot be unsealed here (no master key) is read as stored: its
                // clear fields, as the working tree shows it without the key. Not remembered under
                // its blob id, where a later reading with the key would find it.
                work.append((i, file.ref, bytes, false))
            }
        }
        let parsed = Parallel.map(work) { ContractCounts.parsed(ref: $0.ref, bytes: $0.bytes) }
        for (item, result) in zip(work, parsed) {
            guard let (summary, listable) = result else { continue }
            out[item.index] = summary
            let path = item.ref.yamlPath
            if item.keep && listable && cache[path] == nil {
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
