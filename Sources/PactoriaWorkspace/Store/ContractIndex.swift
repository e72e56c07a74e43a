import Foundation
public import PactoriaCore
import PactoriaGit

/// What `list`, `status` counts and contract lookup need of a contract, without its full YAML.
public struct ContractSummary: Sendable, Equatable {
    public var ref: ContractRef
    public var id: String
    public var title: String
    public var contractType: String
    public var status: String
    public var amount: String?
    public var currency: String?
    public var startDate: String?
    public var endDate: String?
    public var version: Int
    public var clientName: String?
    public var clientCompany: String?
    public var supplierName: String?
    public var supplierCompany: String?
    public var plainEnglishInput: String?
    public var updatedAt: String?
    /// Lifecycle times, the compliance and generation records and the renewal terms.
    public var facts: ContractFacts

    init(ref: ContractRef, contract c: Contract, facts: ContractFacts = ContractFacts()) {
        self.facts = facts
        self.ref = ref
        id = c.id
        title = c.title
        contractType = c.contractType
        status = c.status
        amount = c.value?.amount
        currency = c.value?.currency
        startDate = c.startDate
        endDate = c.endDate
        version = c.version
        clientName = c.client?.name
        clientCompany = c.client?.company
        supplierName = c.supplier?.name
        supplierCompany = c.supplier?.company
        plainEnglishInput = c.plainEnglishInput
        updatedAt = c.updatedAt
    }

    /// A contract's summary from its metadata text, with the problems that make it no contract
    /// (required fields missing, or metadata that is not a mapping), in their order: exactly what
    /// `Workspace.decodeContract` followed by `init(ref:contract:)` and a filter on those messages
    /// give, without the domain rules, which never report a missing field and which a summary
    /// never holds. A YAML error is thrown as `decodeContract` throws it.
    static func decode(ref: ContractRef, text: String) throws(WorkspaceError) -> (
        summary: ContractSummary, missing: [Problem]
    ) {
        // Key lines are needed only to name a missing field's line: read without them first.
        var doc: YAMLDocument
        do { doc = try YAMLDocument.parse(text, file: ref.yamlPath, lines: false) } catch { throw .yaml(error) }
        let (contract, shapeIssues) = ContractCodec.decode(doc.root)
        let missing = shapeIssues.filter { isMissing($0.message) }
        if !missing.isEmpty {
            do { doc = try YAMLDocument.parse(text, file: ref.yamlPath) } catch { throw .yaml(error) }
        }
        return (
            ContractSummary(ref: ref, contract: contract, facts: ContractFacts(doc.root)),
            missing.map { $0.problem(file: ref.yamlPath, document: doc) }
        )
    }

    /// Whether a problem says the metadata lacks what makes a contract.
    static func isMissing(_ message: String) -> Bool {
        message == "is required" || message == "must be a YAML mapping of fields"
    }

    public var value: ContractValue? {
        guard let amount, let currency else { return nil }
        return ContractValue(amount: amount, currency: currency)
    }

    /// Case-insensitive match against title, parties and plain-English input.
    public func matches(search needle: String) -> Bool {
        withUnsafePointer(to: self) { Self.matches($0, search: needle, folded: Array(needle.lowercased().utf8)) }
    }

    /// As `matches(search:)` on the summary `s` points to, with the needle's lower-cased UTF-8
    /// computed once by the caller; the fields are read in place, so no summary is copied.
    static func matches(_ s: UnsafePointer<ContractSummary>, search needle: String, folded: [UInt8]) -> Bool {
        let ascii = folded.allSatisfy { $0 < 0x80 }
        return hit(s.pointee.title, needle, folded, ascii) || hit(s.pointee.clientName, needle, folded, ascii)
            || hit(s.pointee.clientCompany, needle, folded, ascii) || hit(s.pointee.supplierName, needle, folded, ascii)
            || hit(s.pointee.supplierCompany, needle, folded, ascii)
            || hit(s.pointee.plainEnglishInput, needle, folded, ascii)
    }

    private static func hit(_ h: String?, _ needle: String, _ folded: [UInt8], _ ascii: Bool) -> Bool {
        guard let h else { return false }
        return ascii ? TextSearch.containsASCIIFolded(h, folded) : h.lowercased().contains(needle.lowercased())
    }

    // MARK: cache encoding

    static let fieldCount = 17 + ContractFacts.fieldCount

    var fields: [String] {
        [
            id, title, contractType, status, amount ?? "\u{0}", currency ?? "\u{0}", startDate ?? "\u{0}",
            endDate ?? "\u{0}", String(version), clientName ?? "\u{0}", clientCompany ?? "\u{0}",
            supplierName ?? "\u{0}", supplierCompany ?? "\u{0}", plainEnglishInput ?? "\u{0}", updatedAt ?? "\u{0}",
            ref.company, ref.stem,
        ] + facts.fields
    }

    init?(fields slice: ArraySlice<String>) {
        guard slice.count == Self.fieldCount else { return nil }
        let o = slice.startIndex
        let f = { (i: Int) in slice[o + i] }
        guard let v = Int(f(8)), let facts = ContractFacts(fields: slice.dropFirst(17)) else { return nil }
        self.facts = facts
        func opt(_ s: String) -> String? { s == "\u{0}" ? nil : s }
        ref = ContractRef(company: f(15), stem: f(16))
        id = f(0)
        title = f(1)
        contractType = f(2)
        status = f(3)
        amount = opt(f(4))
        currency = opt(f(5))
        startDate = opt(f(6))
        endDate = opt(f(7))
        version = v
        clientName = opt(f(9))
        clientCompany = opt(f(10))
        supplierName = opt(f(11))
        supplierCompany = opt(f(12))
        plainEnglishInput = opt(f(13))
        updatedAt = opt(f(14))
    }
}

/// A contract file that could not be summarised (for example, invalid YAML).
public struct UnreadableContract: Sendable {
    public var ref: ContractRef
    public var error: WorkspaceError
}

/// Summaries of every contract in the working tree, served from a cache under
/// `.pactoria/cache/` that is keyed by each file's size, mtime, ctime and inode. A file whose
/// stamp differs is parsed again, so edits made behind Pactoria's back are always seen; entries
/// for files changed within the last two seconds are never stored ("racily clean", as git says).
public struct ContractIndex: Sendable {
    public var summaries: [ContractSummary]
    public var unreadable: [UnreadableContract]
    /// Contract `.md` files without metadata.
    public var orphans: [ContractRef]
    /// The searchable text of `summaries`, laid out for scanning (built by long-running processes).
    var searchText: SearchText?

    static let cacheName = "summaries-v4"
    static let formatVersion: UInt32 = 4

    struct Entry {
        var stamp: FileSystem.Stamp
        var blob: ObjectID?
        var summary: ContractSummary
    }

    typealias Cache = [String: Entry]

    /// Reads and caches contract summaries through `parse` and the cache file.
    struct Loader {
        let ws: Workspace
        let cachePath: String
        var cache: Cache
        var dirty = false
        let now: Int64

        init(_ ws: Workspace) {
            self.ws = ws
            now = ws.stampClock()
            cachePath = ws.absolute("\(Workspace.cacheDirectory)/\(ContractIndex.cacheName)")
            cache = ContractIndex.readCache(cachePath)
        }

        /// A loader over a cache held in memory (a long-running process); `save` writes nothing.
        init(_ ws: Workspace, memory: Cache) {
            self.ws = ws
            now = ws.stampClock()
            cachePath = ""
            cache = memory
        }

        /// Parses the file on disk and remembers it under its stamp and blob id.
        mutating func parse(_ ref: ContractRef) throws(WorkspaceError) -> ContractSummary {
            let (summary, entry) = try Self.parse(ref, root: ws.root, now: now).get()
            remember(ref.yamlPath, entry)
            return summary
        }

        /// The summary of the file on disk and the cache entry it deserves (nil when the file has
        /// no stamp). Touches nothing shared, so that many files can be parsed at once.
        static func parse(_ ref: ContractRef, root: String, now: Int64) -> Result<
            (ContractSummary, Entry?), WorkspaceError
        > {
            Result { () throws(WorkspaceError) in
                let path = ref.yamlPath
                // As `Workspace.absolute` and `Workspace.read` (a Workspace is not shared between threads).
                let stamp = FileSystem.stamp(root + "/" + path)
                let bytes = try FileSystem.readInside(root: root, path, maxBytes: YAMLLimits.standard.maxBytes)
                let (summary, missing) = try ContractSummary.decode(
                    ref: ref, text: try Workspace.utf8Text(bytes, file: path))
                // Metadata without its required fields (a truncated file, say) is a problem to show,
                // never a contract to invent from what is left.
                if !missing.isEmpty { throw .invalid(missing) }
                guard var stamp else { return (summary, nil) }
                // A file changed within the last two seconds may change again within the same
                // timestamp tick: keep it out of stat-based lookups ("racily clean").
                if now - max(stamp.mtimeNanos, stamp.ctimeNanos) < 2_000_000_000 { stamp.size = -1 }
                return (summary, Entry(stamp: stamp, blob: try? ObjectID.blobID(of: bytes), summary: summary))
            }
        }

        /// Git's index entries under `companies/` whose stat data can be trusted, by path; nil
        /// when there is no repository or index.
        func trustedIndexStats() -> [String: IndexStat]? {
            guard let repo = try? ws.repository(), let index = try? repo.index() else { return nil }
            var out: [String: IndexStat] = [:]
            for s in index.trustedStats(under: ["companies/"]) { out[s.path] = s }
            return out
        }

        mutating func remember(_ path: String, _ entry: Entry?) {
            guard let entry else { return }
            cache[path] = entry
            dirty = true
        }

        mutating func forget(_ path: String) {
            if cache.removeValue(forKey: path) != nil { dirty = true }
        }

        func save() {
            // Not into a workspace that has gone meanwhile (a server's warm-up, say).
            if dirty && !cachePath.isEmpty && FileSystem.isDirectory(ws.absolute(".pactoria")) {
                ContractIndex.writeCache(cachePath, cache)
            }
        }
    }

    /// Summaries of the working tree's contracts, checked by each file's stat data.
    public static func load(_ ws: Workspace, company: String? = nil) -> ContractIndex {
        var loader = Loader(ws)
        let refs = ws.contractRefs(company: company)
        let (index, seen) = collect(refs, &loader)
        if company == nil && loader.cache.count != seen {
            let live = Set(refs.map(\.yamlPath))
            loader.cache = loader.cache.filter { live.contains($0.key) }
            loader.dirty = true
        }
        loader.save()
        return index
    }

    /// Summaries of `refs`: from `loader`'s cache where a file's stamp still matches, else parsed.
    /// Also returns how many metadata files exist.
    /// What `collect` found for one ref before parsing.
    enum Slot {
        case orphan
        case hit(ContractSummary)
        case parse
    }

    static func collect(_ refs: [ContractRef], _ loader: inout Loader) -> (ContractIndex, Int) {
        var slots: [Slot] = []
        slots.reserveCapacity(refs.count)
        var misses: [ContractRef] = []
        /// Misses the cache knows by blob id only (filled from HEAD's tree by the counts), with
        /// their slot and stamp.
        var byBlob: [(slot: Int, stamp: FileSystem.Stamp, entry: Entry)] = []
        var seen = 0
        for ref in refs {
            let path = ref.yamlPath
            guard let stamp = FileSystem.stamp(loader.ws.absolute(path)) else {
                slots.append(.orphan)
                continue
            }
            seen += 1
            if let hit = loader.cache[path], hit.stamp == stamp {
                slots.append(.hit(hit.summary))
            } else {
                if let entry = loader.cache[path], entry.blob != nil { byBlob.append((slots.count, stamp, entry)) }
                slots.append(.parse)
            }
        }
        // A file whose stat data still matches what git's index recorded when it hashed the file
        // (as `git status` trusts it) holds that blob: when the cache has the summary of that
        // blob at that path, the file need not be read.
        if !byBlob.isEmpty, let stats = loader.trustedIndexStats() {
            for m in byBlob {
                guard let s = stats[refs[m.slot].yamlPath], s.id == m.entry.blob, s.mode & 0o170000 == 0o100000,
                    m.stamp.kind == .regular, Int64(s.size) == m.stamp.size, s.mtimeNanos == m.stamp.mtimeNanos,
                    s.ctimeNanos == m.stamp.ctimeNanos, UInt64(s.inode) == m.stamp.inode
                else { continue }
                slots[m.slot] = .hit(m.entry.summary)
                var stamp = m.stamp
                if loader.now - max(stamp.mtimeNanos, stamp.ctimeNanos) < 2_000_000_000 { stamp.size = -1 }
                loader.remember(
                    refs[m.slot].yamlPath, Entry(stamp: stamp, blob: m.entry.blob, summary: m.entry.summary))
            }
        }
        for (ref, slot) in zip(refs, slots) {
            if case .parse = slot { misses.append(ref) }
        }
        // The files without a cache entry are parsed on every core; the results (and the cache
        // updates) are taken in the order of `refs`, as a one-by-one loop would take them.
        let root = loader.ws.root
        let now = loader.now
        let parsed = Parallel.map(misses) { Loader.parse($0, root: root, now: now) }
        var summaries: [ContractSummary] = []
        var unreadable: [UnreadableContract] = []
        var orphans: [ContractRef] = []
        summaries.reserveCapacity(refs.count)
        var next = 0
        for (ref, slot) in zip(refs, slots) {
            switch slot {
            case .orphan: orphans.append(ref)
            case .hit(let summary): summaries.append(summary)
            case .parse:
                switch parsed[next] {
                case .success(let parsed):
                    summaries.append(parsed.0)
                    loader.remember(ref.yamlPath, parsed.1)
                case .failure(let error):
                    unreadable.append(UnreadableContract(ref: ref, error: error))
                    loader.forget(ref.yamlPath)
                }
                next += 1
            }
        }
        return (ContractIndex(summaries: summaries, unreadable: unreadable, orphans: orphans), seen)
    }

    /// The cache file, framed by `CacheFile`: records of length-prefixed UTF-8 fields
    /// (path, size, mtime, ctime, inode, then the summary's fields), each length a UInt32 LE.
    static func readCache(_ path: String) -> Cache {
        guard let bytes = CacheFile.read(path, name: cacheName, version: formatVersion) else { return [:] }
        let perRecord = 6 + ContractSummary.fieldCount
        var out: Cache = [:]
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            var fields: [String] = []
            fields.reserveCapacity(perRecord)
            func nextField() -> String? {
                guard i + 4 <= buf.count else { return nil }
                let n = Int(buf[i]) | Int(buf[i + 1]) << 8 | Int(buf[i + 2]) << 16 | Int(buf[i + 3]) << 24
                i += 4
                guard i + n <= buf.count else { return nil }
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[i..<(i + n)]), as: UTF8.self)
                i += n
                return s
            }
            while i < buf.count {
                fields.removeAll(keepingCapacity: true)
                for _ in 0..<perRecord {
                    guard let f = nextField() else { return }
                    fields.append(f)
                }
                guard let size = Int64(fields[2]), let mtime = Int64(fields[3]), let ctime = Int64(fields[4]),
                    let inode = UInt64(fields[5]), let summary = ContractSummary(fields: fields[6...])
                else { return }
                out[fields[0]] = Entry(
                    stamp: FileSystem.Stamp(size: size, mtimeNanos: mtime, ctimeNanos: ctime, inode: inode),
                    blob: ObjectID(hex: fields[1]), summary: summary)
            }
        }
        return out
    }

    static func writeCache(_ path: String, _ cache: Cache) {
        var out: [UInt8] = []
        out.reserveCapacity(cache.count * 700)
        func append(_ f: String) {
            let n = f.utf8.count
            out.append(UInt8(truncatingIfNeeded: n))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 24))
            out.append(contentsOf: f.utf8)
        }
        for (key, entry) in cache {
            let s = entry.stamp
            for f in [
                key, entry.blob?.hex ?? "", String(s.size), String(s.mtimeNanos), String(s.ctimeNanos), String(s.inode),
            ] {
                append(f)
            }
            for f in entry.summary.fields { append(f) }
        }
        // The cache is an optimisation: failing to write it is not an error.
        CacheFile.write(out, to: path, name: cacheName, version: formatVersion)
    }

    // MARK: - Lookup

    /// Finds one contract by UUID, unique id prefix (4+ characters), stem, `company/stem`, or path.
    public func resolve(_ spec: String, workspace ws: Workspace) throws(WorkspaceError) -> ContractSummary {
        let all = summaries
        // A path to either file (absolute, or relative to the current directory or the root).
        if spec.hasSuffix(".yaml") || spec.hasSuffix(".md") {
            let abs = FileSystem.absolute(spec)
            let rel = abs.hasPrefix(ws.root + "/") ? String(abs.dropFirst(ws.root.count + 1)) : spec
            if let ref = ContractRef(path: rel) ?? ContractRef(path: spec) {
                if let s = all.first(where: { $0.ref == ref }) { return s }
                throw .notFound("no contract metadata at \(ref.yamlPath)")
            }
            throw .notFound("'\(spec)' is not a contract file (companies/<company>/contracts/<stem>.yaml)")
        }
        if spec.contains("/") {
            let parts = spec.split(separator: "/")
            if parts.count == 2, let s = all.first(where: { $0.ref.company == parts[0] && $0.ref.stem == parts[1] }) {
                return s
            }
            throw .notFound("no contract '\(spec)'")
        }
        let byStem = all.filter { $0.ref.stem == spec }
        if byStem.count == 1 { return byStem[0] }
        if byStem.count > 1 { throw .ambiguous("'\(spec)'", candidates: byStem.map(\.ref.description)) }
        let lower = spec.lowercased()
        if lower.count >= 4 {
            let byID = all.filter { $0.id.lowercased().hasPrefix(lower) }
            if byID.count == 1 { return byID[0] }
            if byID.count > 1 {
                throw .ambiguous(
                    "id prefix '\(spec)'", candidates: byID.map { "\($0.id.prefix(lower.count + 4))… \($0.ref)" })
            }
        }
        throw .notFound(
            "no contract matches '\(spec)' (give a UUID, a unique id prefix, a stem, company/stem or a path)")
    }
}

/// Case-insensitive substring search without allocating, for ASCII needles.
enum TextSearch {
    /// True when `haystack` contains `needle` (already lower-cased ASCII bytes), ignoring ASCII case.
    static func containsASCIIFolded(_ haystack: String, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        return haystack.utf8.withContiguousStorageIfAvailable({ hay in scan(hay, needle) })
            ?? Array(haystack.utf8).withUnsafeBufferPointer { scan($0, needle) }
    }

    /// Whether `hay` contains `needle` (lower-cased ASCII), ignoring ASCII case in `hay`.
    static func scan(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        let n = needle.count
        guard n > 0 else { return true }
        guard hay.count >= n else { return false }
        let first = needle[0]
        var i = 0
        let last = hay.count - n
        while i <= last {
            var c = hay[i]
            if c >= 65 && c <= 90 { c |= 0x20 }
            if c == first {
                var j = 1
                while j < n {
                    var d = hay[i + j]
                    if d >= 65 && d <= 90 { d |= 0x20 }
                    if d != needle[j] { break }
                    j += 1
                }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }
}
/// Work spread over every core, with results in the order of the input.
enum Parallel {
    /// `items.map(body)`, run in chunks on all cores when there are enough items to be worth it.
    /// `body` must touch nothing shared that is not safe to share.
    static func map<T: Sendable, R>(_ items: [T], minimum: Int = 64, _ body: @escaping @Sendable (T) -> R) -> [R] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimum, cores > 1 else { return items.map(body) }
        let chunks = min(items.count, cores * 4)
        let results = Results<R>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (c * items.count / chunks)..<((c + 1) * items.count / chunks)
            results.set(c, range.map { body(items[$0]) })
        }
        return results.joined
    }

    /// Each chunk's results, set once from whichever thread computed them.
    final class Results<R>: @unchecked Sendable {
        private var chunks: [[R]]
        private let lock = NSLock()
        init(count: Int) { chunks = Array(repeating: [], count: count) }
        func set(_ i: Int, _ values: [R]) {
            lock.lock()
            chunks[i] = values
            lock.unlock()
        }
        var joined: [R] {
            lock.lock()
            defer { lock.unlock() }
            return Array(chunks.joined())
        }
    }
}
