import Foundation
import PactoriaCore
import PactoriaGit

/// One commit of a walk, with its message's trailers already parsed.
struct WalkedCommit: Sendable {
    var info: CommitInfo
    var trailers: [(key: String, value: String)]
}

/// The commits reachable from HEAD in the history walk's order (newest first, children before
/// parents: libgit2's topological and time order), for `log` and `audit`.
///
/// The order and the commits are cached under `.pactoria/cache/walk-v1`, keyed by the tip's
/// commit id: the commits reachable from a commit, and each commit's fields, never change, so
/// a walk from the same tip is read back instead of inflating every commit again. When HEAD has
/// moved on from the cached tip by commits with one parent each (the everyday case: each
/// `pactoria` verb adds one), only those are read, and they go in front of the cached walk. That
/// is exactly the order a full walk gives: each of them has one child in the walk (the one
/// before it), so the walk emits them one by one, then reaches the old tip with nothing else
/// queued, in the state a walk from it starts in. Anything else (a merge, a reset, a pull) walks
/// the whole history again. A damaged or missing file gives the same answer, more slowly.
enum CommitWalk {
    static let cacheName = "walk-v1"
    static let formatVersion: UInt32 = 1
    /// How many new single-parent commits are read in front of a cached walk before giving up
    /// and walking everything.
    static let maxNewCommits = 256

    /// Calls `body` with each commit from `head`, in walk order; stops when it returns true.
    static func forEach(
        _ ws: Workspace, _ repo: Repository, from head: ObjectID,
        _ body: (WalkedCommit) throws(WorkspaceError) -> Bool
    ) throws(WorkspaceError) {
        let path = CacheFile.usable(ws) ? ws.absolute("\(Workspace.cacheDirectory)/\(cacheName)") : nil
        if let path, let cached = load(path) {
            if let commits = try extend(cached, to: head, repo: repo) {
                if commits.count != cached.commits.count { save(commits, tip: head, to: path) }
                for c in commits where try body(c) { return }
                return
            }
        }
        // Walk everything; keep the walk only when it was read to the end.
        var all: [WalkedCommit] = []
        do {
            for info in try repo.walk(from: head) {
                let c = WalkedCommit(info: info, trailers: Trailers.parse(info.message))
                all.append(c)
                if try body(c) { return }
            }
        } catch let e as WorkspaceError {
            throw e
        } catch {
            throw .repository("cannot read history", detail: "\(error)")
        }
        if let path { save(all, tip: head, to: path) }
    }

    /// The cached walk made to start at `head`: itself when the tip is `head`; with the new
    /// commits in front when `head` is a short chain of single-parent commits on top of the tip;
    /// nil otherwise.
    static func extend(_ cached: (tip: ObjectID, commits: [WalkedCommit]), to head: ObjectID, repo: Repository)
        throws(WorkspaceError) -> [WalkedCommit]?
    {
        if cached.tip == head { return cached.commits }
        var fresh: [WalkedCommit] = []
        var id = head
        do {
            while fresh.count < maxNewCommits {
                let info = try repo.commit(id)
                guard info.parents.count == 1 else { return nil }
                fresh.append(WalkedCommit(info: info, trailers: Trailers.parse(info.message)))
                if info.parents[0] == cached.tip { return fresh + cached.commits }
                id = info.parents[0]
            }
        } catch {
            return nil  // an unreadable commit: the full walk reports it
        }
        return nil
    }

    // MARK: - The file
    //
    // Payload: the tip (20 bytes), u32 count, then per commit: id, tree (20 bytes each), u32
    // parent count and the parents, author and committer (name, email, the seconds as a
    // Double's 64 bits, i32 minutes), the message, u32 trailer count and each trailer's key and value. Strings are
    // u32 length + UTF-8. Every read is bounds-checked; a payload that does not decode is
    // treated as missing.

    static func save(_ commits: [WalkedCommit], tip: ObjectID, to path: String) {
        CacheFile.write(encode(commits, tip: tip), to: path, name: cacheName, version: formatVersion)
    }

    static func load(_ path: String) -> (tip: ObjectID, commits: [WalkedCommit])? {
        guard let payload = CacheFile.read(path, name: cacheName, version: formatVersion) else { return nil }
        return decode(payload)
    }

    static func encode(_ commits: [WalkedCommit], tip: ObjectID) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(commits.count * 400 + 24)
        out += tip.bytes
        u32(&out, commits.count)
        for c in commits {
            out += c.info.id.bytes
            out += c.info.treeID.bytes
            u32(&out, c.info.parents.count)
            for p in c.info.parents { out += p.bytes }
            signature(&out, c.info.author)
            signature(&out, c.info.committer)
            str(&out, c.info.message)
            u32(&out, c.trailers.count)
            for t in c.trailers {
                str(&out, t.key)
                str(&out, t.value)
            }
        }
        return out
    }

    static func decode(_ b: [UInt8]) -> (tip: ObjectID, commits: [WalkedCommit])? {
        var r = Reader(b)
        guard let tip = r.id(), let count = r.u32(), count <= b.count / 40 else { return nil }
        var out: [WalkedCommit] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let id = r.id(), let tree = r.id(), let n = r.u32(), n <= (b.count - r.i) / 20 else { return nil }
            var parents: [ObjectID] = []
            parents.reserveCapacity(n)
            for _ in 0..<n {
                guard let p = r.id() else { return nil }
                parents.append(p)
            }
            guard let author = r.signature(), let committer = r.signature(), let message = r.str(),
                let t = r.u32(), t <= (b.count - r.i) / 8
            else { return nil }
            var trailers: [(key: String, value: String)] = []
            trailers.reserveCapacity(t)
            for _ in 0..<t {
                guard let k = r.str(), let v = r.str() else { return nil }
                trailers.append((k, v))
            }
            out.append(
                WalkedCommit(
                    info: CommitInfo(
                        id: id, parents: parents, treeID: tree, author: author, committer: committer, message: message),
                    trailers: trailers))
        }
        guard r.i == b.count else { return nil }
        return (tip, out)
    }

    static func u32(_ out: inout [UInt8], _ n: Int) {
        let v = UInt32(truncatingIfNeeded: n)
        out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
    }

    static func str(_ out: inout [UInt8], _ s: String) {
        u32(&out, s.utf8.count)
        out += s.utf8
    }

    static func signature(_ out: inout [UInt8], _ s: Signature) {
        str(&out, s.name)
        str(&out, s.email)
        // The seconds' own bits: exact for any time a commit can hold, 2^63 included.
        let t = s.time.timeIntervalSince1970.bitPattern
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: t >> (8 * UInt64(k)))) }
        u32(&out, Int(Int32(truncatingIfNeeded: s.timeZoneOffsetMinutes)))
    }

    /// A bounds-checked reader of the payload.
    struct Reader {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }

        mutating func u32() -> Int? {
            guard b.count - i >= 4 else { return nil }
            var n = 0
            for k in 0..<4 { n |= Int(b[i + k]) << (8 * k) }
            i += 4
            return n
        }

        mutating func id() -> ObjectID? {
            guard b.count - i >= 20 else { return nil }
            defer { i += 20 }
            return ObjectID(bytes: Array(b[i..<(i + 20)]))
        }

        mutating func str() -> String? {
            guard let n = u32(), n <= b.count - i else { return nil }
            defer { i += n }
            return String(decoding: b[i..<(i + n)], as: UTF8.self)
        }

        mutating func signature() -> Signature? {
            guard let name = str(), let email = str(), b.count - i >= 12 else { return nil }
            var t: UInt64 = 0
            for k in 0..<8 { t |= UInt64(b[i + k]) << (8 * UInt64(k)) }
            i += 8
            guard let offset = u32() else { return nil }
            return Signature(
                name: name, email: email, time: Date(timeIntervalSince1970: TimeInterval(bitPattern: t)),
                timeZoneOffsetMinutes: Int(Int32(truncatingIfNeeded: UInt32(offset))))
        }
    }
}
