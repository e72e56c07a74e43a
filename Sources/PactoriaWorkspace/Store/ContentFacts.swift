import PactoriaCrypto
public import PactoriaGit

/// What analytics need from a contract's Markdown: its SHA-256 (an analysis is stale when the
/// `compliance.content_sha256` it recorded differs) and how many `[TO COMPLETE: …]` placeholders
/// it still holds.
public struct ContentFacts: Sendable, Equatable {
    public var sha256: String
    public var placeholders: Int

    public init(sha256: String, placeholders: Int) {
        self.sha256 = sha256
        self.placeholders = placeholders
    }

    public static let placeholderMarker = Array("[TO COMPLETE:".utf8)

    public init(_ bytes: [UInt8]) {
        sha256 = Digest.sha256Hex(bytes)
        var n = 0
        let m = Self.placeholderMarker
        bytes.withUnsafeBufferPointer { b in
            guard b.count >= m.count else { return }
            var i = 0
            while i <= b.count - m.count {
                if b[i] == 0x5B && b[i + 1] == 0x54 {
                    var j = 2
                    while j < m.count && b[i + j] == m[j] { j += 1 }
                    if j == m.count {
                        n += 1
                        i += m.count
                        continue
                    }
                }
                i += 1
            }
        }
        placeholders = n
    }
}

/// The content facts of the working tree's contracts, cached under `.pactoria/cache/content-v1`
/// by each Markdown file's stat data (as the summaries are), so a warm read hashes nothing.
enum ContentFactsCache {
    static let cacheName = "content-v1"
    static let formatVersion: UInt32 = 1
    /// Content larger than this is not read (a contract is far smaller): no facts for it.
    static let maxBytes = 16 << 20

    typealias Cache = [String: (stamp: FileSystem.Stamp, facts: ContentFacts)]

    static func load(_ ws: Workspace, _ refs: [ContractRef]) -> [ContractRef: ContentFacts] {
        let path = ws.absolute("\(Workspace.cacheDirectory)/\(cacheName)")
        var cache = read(path)
        let now = ws.stampClock()
        var out: [ContractRef: ContentFacts] = [:]
        var misses: [(ref: ContractRef, stamp: FileSystem.Stamp)] = []
        for ref in refs {
            guard let stamp = FileSystem.stamp(ws.absolute(ref.markdownPath)), stamp.kind == .regular else { continue }
            if let hit = cache[ref.markdownPath], hit.stamp == stamp {
                out[ref] = hit.facts
            } else {
                misses.append((ref, stamp))
            }
        }
        let root = ws.root
        let parsed = Parallel.map(misses) { m -> ContentFacts? in
            guard let bytes = try? FileSystem.readInside(root: root, m.ref.markdownPath, maxBytes: maxBytes) else {
                return nil
            }
            return ContentFacts(bytes)
        }
        var dirty = false
        for (m, facts) in zip(misses, parsed) {
            guard let facts else { continue }
            out[m.ref] = facts
            var stamp = m.stamp
            if now - max(stamp.mtimeNanos, stamp.ctimeNanos) < 2_000_000_000 { stamp.size = -1 }
            cache[m.ref.markdownPath] = (stamp, facts)
            dirty = true
        }
        if dirty || cache.count > refs.count * 2 + 64 {
            let live = Set(refs.map(\.markdownPath))
            cache = cache.filter { live.contains($0.key) }
            if FileSystem.isDirectory(ws.absolute(".pactoria")) { write(path, cache) }
        }
        return out
    }

    /// Records: path, size, mtime, ctime, inode, sha256, placeholders; each field length-prefixed
    /// (UInt32 LE), inside `CacheFile`'s framing.
    static func read(_ path: String) -> Cache {
        guard let bytes = CacheFile.read(path, name: cacheName, version: formatVersion) else { return [:] }
        var out: Cache = [:]
        var i = 0
        func field() -> String? {
            guard i + 4 <= bytes.count else { return nil }
            let n = Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
            i += 4
            guard n <= bytes.count - i else { return nil }
            defer { i += n }
            return String(decoding: bytes[i..<(i + n)], as: UTF8.self)
        }
        while i < bytes.count {
            guard let p = field(), let size = field().flatMap({ Int64($0) }),
                let mtime = field().flatMap({ Int64($0) }),
                let ctime = field().flatMap({ Int64($0) }), let inode = field().flatMap({ UInt64($0) }),
                let sha = field(), sha.utf8.count == 64, let n = field().flatMap({ Int($0) })
            else { return out }
            out[p] = (
                FileSystem.Stamp(size: size, mtimeNanos: mtime, ctimeNanos: ctime, inode: inode),
                ContentFacts(sha256: sha, placeholders: n)
            )
        }
        return out
    }

    static func write(_ path: String, _ cache: Cache) {
        var out: [UInt8] = []
        out.reserveCapacity(cache.count * 160)
        func append(_ f: String) {
            let n = f.utf8.count
            for shift in [0, 8, 16, 24] { out.append(UInt8(truncatingIfNeeded: n >> shift)) }
            out.append(contentsOf: f.utf8)
        }
        for (key, e) in cache {
            for f in [
                key, String(e.stamp.size), String(e.stamp.mtimeNanos), String(e.stamp.ctimeNanos),
                String(e.stamp.inode),
                e.facts.sha256, String(e.facts.placeholders),
            ] {
                append(f)
            }
        }
        CacheFile.write(out, to: path, name: cacheName, version: formatVersion)
    }
}

extension Workspace {
    /// The content facts of `contracts` in the working tree (those without a readable Markdown
    /// file are left out).
    public func contentFacts(of contracts: [ContractSummary]) -> [ContractRef: ContentFacts] {
        ContentFactsCache.load(self, contracts.map(\.ref))
    }

    /// The content facts of `contracts` as they were in `commit`'s tree (sealed content is read
    /// as showing a contract at a revision reads it).
    public func contentFacts(of contracts: [ContractSummary], at commit: CommitInfo) -> [ContractRef: ContentFacts] {
        guard let repo = try? repository() else { return [:] }
        var out: [ContractRef: ContentFacts] = [:]
        for s in contracts {
            guard let bytes = try? repo.file(at: commit.id, path: s.ref.markdownPath) else { continue }
            out[s.ref] = ContentFacts(bytes)
        }
        return out
    }
}
