public import PactoriaCore
import Foundation

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

    init(ref: ContractRef, contract c: Contract) {
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

    public var value: ContractValue? {
        guard let amount, let currency else { return nil }
        return ContractValue(amount: amount, currency: currency)
    }

    /// Case-insensitive match against title, parties and plain-English input.
    public func matches(search needle: String) -> Bool {
        let n = needle.lowercased()
        for h in [title, clientName, clientCompany, supplierName, supplierCompany, plainEnglishInput] {
            if let h, h.lowercased().contains(n) { return true }
        }
        return false
    }

    // MARK: cache encoding

    static let fieldCount = 17

    var fields: [String] {
        [
            id, title, contractType, status, amount ?? "\u{0}", currency ?? "\u{0}", startDate ?? "\u{0}",
            endDate ?? "\u{0}", String(version), clientName ?? "\u{0}", clientCompany ?? "\u{0}",
            supplierName ?? "\u{0}", supplierCompany ?? "\u{0}", plainEnglishInput ?? "\u{0}", updatedAt ?? "\u{0}",
            ref.company, ref.stem,
        ]
    }

    init?(fields f: [String]) {
        guard f.count == Self.fieldCount, let v = Int(f[8]) else { return nil }
        func opt(_ s: String) -> String? { s == "\u{0}" ? nil : s }
        ref = ContractRef(company: f[15], stem: f[16])
        id = f[0]
        title = f[1]
        contractType = f[2]
        status = f[3]
        amount = opt(f[4])
        currency = opt(f[5])
        startDate = opt(f[6])
        endDate = opt(f[7])
        version = v
        clientName = opt(f[9])
        clientCompany = opt(f[10])
        supplierName = opt(f[11])
        supplierCompany = opt(f[12])
        plainEnglishInput = opt(f[13])
        updatedAt = opt(f[14])
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

    static let cacheName = "summaries-v1"
    static let magic = "pactoria-summaries 1\n"

    public static func load(_ ws: Workspace, company: String? = nil) -> ContractIndex {
        let cachePath = ws.absolute("\(Workspace.cacheDirectory)/\(cacheName)")
        var cache = readCache(cachePath)
        var dirty = false
        var summaries: [ContractSummary] = []
        var unreadable: [UnreadableContract] = []
        var orphans: [ContractRef] = []
        let refs = ws.contractRefs(company: company)
        summaries.reserveCapacity(refs.count)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        var seen = Set<String>()
        for ref in refs {
            let path = ref.yamlPath
            guard let stamp = FileSystem.stamp(ws.absolute(path)) else {
                orphans.append(ref)
                continue
            }
            seen.insert(path)
            if let hit = cache[path], hit.stamp == stamp {
                summaries.append(hit.summary)
                continue
            }
            do {
                let loaded = try ws.loadContract(ref)
                let summary = ContractSummary(ref: ref, contract: loaded.contract)
                summaries.append(summary)
                let racy = now - max(stamp.mtimeNanos, stamp.ctimeNanos) < 2_000_000_000
                if !racy && summary.fields.allSatisfy({ !$0.utf8.contains(0x1E) && !$0.utf8.contains(0x1F) }) {
                    cache[path] = (stamp, summary)
                    dirty = true
                } else if cache.removeValue(forKey: path) != nil {
                    dirty = true
                }
            } catch {
                unreadable.append(UnreadableContract(ref: ref, error: error))
                if cache.removeValue(forKey: path) != nil { dirty = true }
            }
        }
        if company == nil {
            let before = cache.count
            cache = cache.filter { seen.contains($0.key) }
            if cache.count != before { dirty = true }
        }
        if dirty { writeCache(cachePath, cache) }
        return ContractIndex(summaries: summaries, unreadable: unreadable, orphans: orphans)
    }

    typealias Cache = [String: (stamp: FileSystem.Stamp, summary: ContractSummary)]

    static func readCache(_ path: String) -> Cache {
        guard let bytes = try? FileSystem.read(path), bytes.starts(with: Array(magic.utf8)) else { return [:] }
        var out: Cache = [:]
        let body = bytes[magic.utf8.count...]
        for record in body.split(separator: 0x1E, omittingEmptySubsequences: true) {
            let parts = record.split(separator: 0x1F, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard parts.count == 5 + ContractSummary.fieldCount, let size = Int64(parts[1]),
                let mtime = Int64(parts[2]), let ctime = Int64(parts[3]), let inode = UInt64(parts[4]),
                let summary = ContractSummary(fields: Array(parts[5...]))
            else { continue }
            out[parts[0]] = (FileSystem.Stamp(size: size, mtimeNanos: mtime, ctimeNanos: ctime, inode: inode), summary)
        }
        return out
    }

    static func writeCache(_ path: String, _ cache: Cache) {
        var out = [UInt8](magic.utf8)
        out.reserveCapacity(cache.count * 600)
        for (key, entry) in cache.sorted(by: { $0.key < $1.key }) {
            let s = entry.stamp
            let fields = [key, String(s.size), String(s.mtimeNanos), String(s.ctimeNanos), String(s.inode)] + entry.summary.fields
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(0x1F) }
                out.append(contentsOf: f.utf8)
            }
            out.append(0x1E)
        }
        // The cache is an optimisation: failing to write it is not an error.
        try? FileSystem.writeAtomically(out, to: path)
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
        throw .notFound("no contract matches '\(spec)' (give a UUID, a unique id prefix, a stem, company/stem or a path)")
    }
}
