import Foundation
import PactoriaCrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one framing every file under `.pactoria/cache/` is written in, so that a damaged cache
/// (a flipped bit, a truncation, a file from another format) is discarded and rebuilt instead of
/// being trusted, and a cache file made anywhere else is never read:
///
///     magic     8 bytes  "PACTCACH"
///     binding  16 bytes  the cache folder's key (below): whose folder this file was written for
///     name      2 bytes  length (LE), then the cache's name ("dirs-v1"), so files cannot be swapped
///     version   4 bytes  LE, the payload's format version
///     length    8 bytes  LE, the payload's length: must equal what follows the header exactly
///     checksum  4 bytes  LE, CRC-32 (IEEE) of the payload
///     payload
///
/// The binding: `.pactoria/cache` is git-ignored, but a hostile pull request can still commit a
/// file there (`git add -f`), and a reviewer who clones it would get answers from a forged
/// cache. So every file carries the workspace's cache key: 16 random bytes in
/// `<git dir>/pactoria/cache-key`, which git never tracks, clones or pushes, made on the first
/// cache write. A file whose binding is not this workspace's key (or when there is no key yet,
/// as in a fresh clone) is read as missing, silently: it is not damage, only a stranger, and
/// the caller rebuilds it as on a cold run.
///
/// Nothing is allocated from a length field before it is checked against the file's real size.
/// A file that fails any other check is reported once per process on stderr ("pactoria:
/// discarded a damaged cache (…); rebuilt it") and read as empty, which makes every caller
/// rebuild it as on a cold run. A missing file is simply empty.
enum CacheFile {
    static let magic = Array("PACTCACH".utf8)

    enum Outcome: Equatable {
        case payload([UInt8])
        case missing
        case damaged(String)
    }

    /// The binding's length: a cache key.
    static let keyLength = 16

    /// Frames `payload` for the cache `name` at `version`, bound to the folder whose key is `binding`.
    static func frame(_ payload: [UInt8], name: String, version: UInt32, binding: [UInt8]) -> [UInt8] {
        precondition(binding.count == keyLength)
        var out = magic
        let n = Array(name.utf8.prefix(255))
        out.reserveCapacity(magic.count + keyLength + 2 + n.count + 16 + payload.count)
        out += binding
        le(&out, UInt64(n.count), 2)
        out += n
        le(&out, UInt64(version), 4)
        le(&out, UInt64(payload.count), 8)
        le(&out, UInt64(CRC32.checksum(payload)), 4)
        out += payload
        return out
    }

    /// Checks `bytes` as the cache `name` at `version` for the folder whose key is `binding`:
    /// the payload, missing (written for another folder), or why it is not valid.
    static func unframe(_ bytes: [UInt8], name: String, version: UInt32, binding: [UInt8]) -> Outcome {
        let n = Array(name.utf8.prefix(255))
        let headerCount = magic.count + keyLength + 2 + n.count + 16
        guard bytes.count >= magic.count, bytes[0..<magic.count].elementsEqual(magic) else {
            return .damaged("not a pactoria cache file")
        }
        guard bytes.count >= magic.count + keyLength else { return .damaged("truncated header") }
        // Another folder's file (a clone's committed cache, a copy, a file from before the
        // binding) is a stranger, not damage: checked before anything else in it is looked at.
        guard bytes[magic.count..<(magic.count + keyLength)].elementsEqual(binding) else { return .missing }
        guard bytes.count >= headerCount else { return .damaged("truncated header") }
        var i = magic.count + keyLength
        guard read(bytes, &i, 2) == UInt64(n.count), bytes[i..<(i + n.count)].elementsEqual(n) else {
            return .damaged("written for another cache")
        }
        i += n.count
        guard read(bytes, &i, 4) == UInt64(version) else { return .damaged("format version differs") }
        let length = read(bytes, &i, 8)
        let sum = read(bytes, &i, 4)
        // The length is compared with what the file really holds before anything is allocated.
        guard length == UInt64(bytes.count - headerCount) else {
            return .damaged(length > UInt64(bytes.count - headerCount) ? "truncated" : "length does not match the file")
        }
        let payload = Array(bytes[headerCount...])
        guard UInt64(CRC32.checksum(payload)) == sum else { return .damaged("checksum mismatch") }
        return .payload(payload)
    }

    /// Reads the cache at `path` (absolute; `shown` is how notices name it): its payload, or
    /// nil when it is missing or damaged (a damaged file is reported once and removed).
    static func read(_ path: String, name: String, version: UInt32) -> [UInt8]? {
        guard folderUsable(of: path), FileSystem.kind(path) != nil else { return nil }
        // No key yet (a fresh clone): whatever is there was not written here.
        guard let binding = key(folder: (path as NSString).deletingLastPathComponent, create: false) else {
            return nil
        }
        let shown = Workspace.cacheDirectory + "/" + (path as NSString).lastPathComponent
        let outcome: Outcome
        do {
            let bytes = try FileSystem.read(path)
            // A file from before the framing (plain text or an old header) is an older format,
            // not damage: dropped without a word.
            if !bytes.starts(with: magic), bytes.prefix(8).allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
                outcome = .missing
            } else {
                outcome = unframe(bytes, name: name, version: version, binding: binding)
            }
        } catch {
            outcome = .damaged("unreadable")
        }
        switch outcome {
        case .payload(let p): return p
        case .missing: return nil
        case .damaged(let why):
            // Only a regular file is removed (the folder's own check covers anything else).
            if FileSystem.kind(path) == .regular { unlink(path) }
            notice("discarded a damaged cache (\(shown): \(why)); rebuilt it")
            return nil
        }
    }

    /// Writes `payload` framed, atomically; failures are ignored (a cache is an optimisation).
    static func write(_ payload: [UInt8], to path: String, name: String, version: UInt32) {
        guard folderUsable(of: path),
            let binding = key(folder: (path as NSString).deletingLastPathComponent, create: true)
        else { return }
        try? FileSystem.writeAtomically(
            frame(payload, name: name, version: version, binding: binding), to: path, durable: false)
    }

    // MARK: - The cache key

    /// Where the key of the cache folder `dir` (`<root>/.pactoria/cache`) is kept: in the
    /// workspace's git directory, which no clone, checkout or pull ever writes. nil when `dir` is
    /// not a workspace's cache folder or the workspace has no git directory.
    static func keyPath(folder dir: String) -> String? {
        let suffix = "/" + Workspace.cacheDirectory
        guard dir.hasSuffix(suffix) else { return nil }
        let root = String(dir.dropLast(suffix.count))
        guard let gitDir = GitLocks.gitDirectory(root: root.isEmpty ? "/" : root) else { return nil }
        return gitDir + "/pactoria/cache-key"
    }

    /// The key the files of the cache folder `dir` are bound to: 16 random bytes, kept as 32 hex
    /// digits and a newline. When there is none (or it is not well formed) and `create` is set, a
    /// new one is made; the first process to make it wins (link(2) never replaces a file), and
    /// every cache file written under another key is then a stranger, rebuilt on its next read.
    static func key(folder dir: String, create: Bool) -> [UInt8]? {
        guard let path = keyPath(folder: dir) else { return nil }
        if let key = readKey(path) { return key }
        guard create, let fresh = try? SecureRandom.bytes(keyLength) else { return nil }
        let text = Array((fresh.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        let folder = (path as NSString).deletingLastPathComponent
        guard (try? FileSystem.makeDirectories(folder)) != nil else { return nil }
        let tmp = folder + "/.cache-key.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(tmp) }
        guard (try? Data(text).write(to: URL(fileURLWithPath: tmp), options: .withoutOverwriting)) != nil else {
            return nil
        }
        if link(tmp, path) == 0 { return fresh }
        guard errno == EEXIST else { return nil }
        if let theirs = readKey(path) { return theirs }
        // A key that is not well formed (never made by Pactoria) is replaced.
        return rename(tmp, path) == 0 ? fresh : nil
    }

    /// The key in the file at `path`, when it is exactly 32 hex digits and a newline.
    private static func readKey(_ path: String) -> [UInt8]? {
        guard let bytes = try? FileSystem.read(path), bytes.count == 2 * keyLength + 1, bytes.last == 0x0A else {
            return nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(keyLength)
        for k in 0..<keyLength {
            guard let hi = hexValue(bytes[2 * k]), let lo = hexValue(bytes[2 * k + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Whether the workspace's cache folder can be used: a real folder (or absent, to be
    /// made), never a regular file or a link. When it cannot, one notice says so and Pactoria
    /// works without a cache.
    static func usable(_ ws: Workspace) -> Bool {
        usable(root: ws.root)
    }

    static func usable(root: String) -> Bool { folder(root + "/" + Workspace.cacheDirectory) }

    /// Whether the folder holding the cache file `path` can be used.
    static func folderUsable(of path: String) -> Bool { folder((path as NSString).deletingLastPathComponent) }

    private static func folder(_ dir: String) -> Bool {
        guard let kind = FileSystem.kind(dir) else { return true }
        if kind == .directory { return true }
        notice(
            "\(Workspace.cacheDirectory) is a \(kind.noun), not a folder; working without a cache"
                + " (to restore it: mv \(Workspace.cacheDirectory) \(Workspace.cacheDirectory).moved)")
        return false
    }

    // MARK: - Notices

    nonisolated(unsafe) private static var shown = Set<String>()
    private static let lock = NSLock()

    /// Where notices go (stderr; tests may capture them).
    nonisolated(unsafe) static var sink: (String) -> Void = { line in
        FileHandle.standardError.write(Data("pactoria: \(line)\n".utf8))
    }

    /// Prints `line` once per process.
    static func notice(_ line: String) {
        lock.lock()
        let first = shown.insert(line).inserted
        let out = sink
        lock.unlock()
        if first { out(line) }
    }

    // MARK: - Little-endian helpers

    private static func le(_ out: inout [UInt8], _ v: UInt64, _ bytes: Int) {
        for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
    }

    private static func read(_ b: [UInt8], _ i: inout Int, _ bytes: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<bytes { v |= UInt64(b[i + k]) << (8 * UInt64(k)) }
        i += bytes
        return v
    }
}

/// CRC-32 (IEEE 802.3, as zlib), slicing by eight.
enum CRC32 {
    static let table: [UInt32] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xff)] }
        }
        return t.flatMap { $0 }
    }()

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                var c: UInt32 = 0xFFFF_FFFF
                var i = 0
                let n = b.count
                if let base = b.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    let tp = t.baseAddress!
                    while i + 8 <= n {
                        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                        let lo = c ^ UInt32(truncatingIfNeeded: w)
                        let hi = UInt32(truncatingIfNeeded: w >> 32)
                        c =
                            tp[1792 + Int(lo & 0xff)] ^ tp[1536 + Int((lo >> 8) & 0xff)]
                            ^ tp[1280 + Int((lo >> 16) & 0xff)] ^ tp[1024 + Int(lo >> 24)]
                            ^ tp[768 + Int(hi & 0xff)] ^ tp[512 + Int((hi >> 8) & 0xff)]
                            ^ tp[256 + Int((hi >> 16) & 0xff)] ^ tp[Int(hi >> 24)]
                        i += 8
                    }
                }
                while i < n {
                    c = t[Int((c ^ UInt32(b[i])) & 0xff)] ^ (c >> 8)
                    i += 1
                }
                return c ^ 0xFFFF_FFFF
            }
        }
    }
}
