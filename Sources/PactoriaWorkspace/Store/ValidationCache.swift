import Foundation
import PactoriaCore
import PactoriaGit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `check` learns from each contract file of HEAD's tree (its UTF-8 verdict and, for
/// metadata, the contract id and the findings of parsing and validating it), cached under
/// `.pactoria/cache/validation-v1` so that a check reads and parses only the files whose blob
/// it has not seen.
///
/// An entry is keyed by the file's path and its blob id: git computes the blob id from the
/// content, so an entry never goes stale, and the path is part of the key because the verdict
/// depends on it (the file-name rule, the file a finding names). The payload also names the
/// binary that wrote it (version, size and time of the executable): a Pactoria with other rules
/// starts afresh. Only the entries of the last tree checked are kept.
struct ValidationCache {
    static let name = "validation-v1"
    static let version: UInt32 = 1

    /// A finding about a contract file, the commit left out (a tree's findings have none).
    struct Stored: Equatable, Sendable {
        /// nil: the file itself (the path is re-attached on reading).
        var file: String?
        var line: Int?
        var rule: String
        var message: String
    }

    enum Verdict: Equatable, Sendable {
        /// Not valid UTF-8 at this byte offset.
        case invalidUTF8(Int)
        /// Content (`.md`), valid UTF-8.
        case markdown
        /// Metadata (`.yaml`), valid UTF-8: the contract's id ("" when none or unparsable) and
        /// the findings of parsing and validating it, in order.
        case contract(id: String, findings: [Stored])
    }

    struct Entry: Equatable, Sendable {
        var blob: ObjectID
        var verdict: Verdict
    }

    /// path → entry.
    var entries: [String: Entry] = [:]

    /// The verdict of `raw`, the bytes of the contract file `path` (`ref`): exactly what the
    /// tree check finds in it.
    static func verdict(path: String, ref: ContractRef, raw: [UInt8]) -> Verdict {
        if let offset = TextRules.invalidUTF8Offset(raw) { return .invalidUTF8(offset) }
        if path.hasSuffix(".md") { return .markdown }
        let text = String(decoding: raw, as: UTF8.self)
        do {
            let loaded = try Workspace.decodeContract(ref: ref, text: text)
            return .contract(
                id: loaded.contract.id,
                findings: loaded.problems.map {
                    Stored(
                        file: $0.file == path ? nil : $0.file, line: $0.line, rule: "invalid-metadata",
                        message: Check.fieldMessage($0))
                })
        } catch {
            let f = Check.finding(from: error, file: path, commit: nil)
            return .contract(
                id: "",
                findings: [Stored(file: f.file == path ? nil : f.file, line: f.line, rule: f.rule, message: f.message)])
        }
    }

    // MARK: - The file

    /// The cache of the workspace at `root`; empty when missing, damaged, written by another
    /// binary, or when HEAD's tree tracks the cache folder (a cache that came with a clone is
    /// someone else's).
    static func load(root: String) -> ValidationCache {
        guard let bytes = CacheFile.read(path(root), name: name, version: version) else {
            return ValidationCache()
        }
        return decode(bytes) ?? ValidationCache()
    }

    func save(root: String) {
        CacheFile.write(encode(), to: Self.path(root), name: Self.name, version: Self.version)
    }

    static func path(_ root: String) -> String { root + "/" + Workspace.cacheDirectory + "/" + name }

    /// What identifies the binary: Pactoria's version and the executable's size and time.
    static let writer: String = {
        var st = stat()
        #if os(Linux)
            let exe = "/proc/self/exe"
        #else
            let exe = Bundle.main.executablePath ?? ""
        #endif
        guard stat(exe, &st) == 0 else { return PactoriaVersion.current + " unknown" }
        let mtime = FileSystem.stamp(st).mtimeNanos
        return "\(PactoriaVersion.current) \(st.st_size) \(mtime)"
    }()

    // Payload: writer (string), count (u32), then per entry: path (string), blob (20 bytes),
    // tag (u8: 0 markdown, 1 invalid UTF-8 + offset u64, 2 contract + id string + count u32 +
    // findings: has-file u8 [file string], has-line u8 [line u64], rule string, message string).
    // A string is its UTF-8 length (u32) and bytes.
    func encode() -> [UInt8] {
        var w = Writer()
        w.string(Self.writer)
        w.u32(UInt32(entries.count))
        for (path, e) in entries.sorted(by: { $0.key < $1.key }) {
            w.string(path)
            w.out += e.blob.bytes
            switch e.verdict {
            case .markdown: w.out.append(0)
            case .invalidUTF8(let offset):
                w.out.append(1)
                w.u64(UInt64(offset))
            case .contract(let id, let findings):
                w.out.append(2)
                w.string(id)
                w.u32(UInt32(findings.count))
                for f in findings { w.finding(f) }
            }
        }
        return w.out
    }

    /// The cache in `bytes`, or nil when they are not one written by this binary.
    static func decode(_ bytes: [UInt8]) -> ValidationCache? {
        var r = Reader(bytes: bytes)
        guard let writer = r.string(), writer == Self.writer, let count = r.u32() else { return nil }
        var out = ValidationCache()
        out.entries.reserveCapacity(Int(min(count, 1 << 20)))
        for _ in 0..<count {
            guard let path = r.string(), let blob = r.blob(), let tag = r.u8() else { return nil }
            let verdict: Verdict
            switch tag {
            case 0: verdict = .markdown
            case 1:
                guard let offset = r.u64(), offset <= UInt64(Int.max) else { return nil }
                verdict = .invalidUTF8(Int(offset))
            case 2:
                guard let id = r.string(), let n = r.u32() else { return nil }
                var findings: [Stored] = []
                for _ in 0..<n {
                    guard let f = r.finding() else { return nil }
                    findings.append(f)
                }
                verdict = .contract(id: id, findings: findings)
            default: return nil
            }
            out.entries[path] = Entry(blob: blob, verdict: verdict)
        }
        return r.atEnd ? out : nil
    }

    struct Writer {
        var out: [UInt8] = []
        mutating func u32(_ v: UInt32) {
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) }
        }
        mutating func u64(_ v: UInt64) {
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
        }
        mutating func string(_ s: String) {
            u32(UInt32(s.utf8.count))
            out += s.utf8
        }
        mutating func optionalString(_ s: String?) {
            if let s {
                out.append(1)
                string(s)
            } else {
                out.append(0)
            }
        }
        /// A finding: has-file u8 [file string], has-line u8 [line u64], rule string, message string.
        mutating func finding(_ f: Stored) {
            optionalString(f.file)
            if let line = f.line {
                out.append(1)
                u64(UInt64(line))
            } else {
                out.append(0)
            }
            string(f.rule)
            string(f.message)
        }
    }

    /// Reads what `Writer` wrote; every length is checked against what is left before use.
    struct Reader {
        let bytes: [UInt8]
        var i = 0
        var atEnd: Bool { i == bytes.count }
        mutating func u8() -> UInt8? {
            guard i < bytes.count else { return nil }
            defer { i += 1 }
            return bytes[i]
        }
        mutating func u32() -> UInt32? {
            guard bytes.count - i >= 4 else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[i + k]) << (8 * UInt32(k)) }
            i += 4
            return v
        }
        mutating func u64() -> UInt64? {
            guard bytes.count - i >= 8 else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            i += 8
            return v
        }
        mutating func string() -> String? {
            guard let n = u32(), UInt64(bytes.count - i) >= UInt64(n) else { return nil }
            let s = String(validating: bytes[i..<(i + Int(n))], as: UTF8.self)
            i += Int(n)
            return s
        }
        mutating func blob() -> ObjectID? {
            guard bytes.count - i >= 20 else { return nil }
            defer { i += 20 }
            return ObjectID(bytes: Array(bytes[i..<(i + 20)]))
        }
        /// What `Writer.finding` wrote.
        mutating func finding() -> Stored? {
            guard let hasFile = u8(), hasFile <= 1 else { return nil }
            var file: String? = nil
            if hasFile == 1 {
                guard let f = string() else { return nil }
                file = f
            }
            guard let hasLine = u8(), hasLine <= 1 else { return nil }
            var line: Int? = nil
            if hasLine == 1 {
                guard let l = u64(), l <= UInt64(Int.max) else { return nil }
                line = Int(l)
            }
            guard let rule = string(), let message = string() else { return nil }
            return Stored(file: file, line: line, rule: rule, message: message)
        }
    }
}

extension ValidationCache {
    /// What the whole tree check found in one tree (`Check.validateTree`): its findings and how
    /// many contracts it counted, cached under `.pactoria/cache/check-tree-v1` so that a check of
    /// a HEAD already checked reads one small file instead of listing and looking up every
    /// contract file. Keyed by the tree id: git computes it from every path, mode and blob below,
    /// so the same id holds the same files and the check finds the same things in it (the
    /// verdict of a file depends on its path and bytes only, as the blob-keyed cache above
    /// already relies on). The payload names the binary that wrote it, like the cache above;
    /// only the last tree is kept.
    struct TreeResult: Equatable, Sendable {
        static let name = "check-tree-v1"
        /// 2: findings written as `Writer.finding` (a has-file byte before the file).
        static let version: UInt32 = 2

        var tree: ObjectID
        var count: Int
        /// The findings in order: each about a file of the tree, without commit, remedy or
        /// warning severity (a result with any other finding is not cached).
        var findings: [Stored]

        /// The result for `findings` and `count`, or nil when a finding does not fit the format.
        init?(tree: ObjectID, count: Int, findings: [Check.Finding]) {
            var stored: [Stored] = []
            stored.reserveCapacity(findings.count)
            for f in findings {
                guard f.commit == nil, f.severity == .error, f.remedy == nil else { return nil }
                stored.append(Stored(file: f.file, line: f.line, rule: f.rule, message: f.message))
            }
            self.tree = tree
            self.count = count
            self.findings = stored
        }

        var checkFindings: [Check.Finding] {
            findings.map {
                Check.Finding(file: $0.file ?? "", line: $0.line, commit: nil, rule: $0.rule, message: $0.message)
            }
        }

        static func path(_ root: String) -> String { root + "/" + Workspace.cacheDirectory + "/" + name }

        /// The cached result of the workspace at `root`, if one was written by this binary.
        static func load(root: String) -> TreeResult? {
            guard let bytes = CacheFile.read(path(root), name: name, version: version) else { return nil }
            return decode(bytes)
        }

        func save(root: String) {
            CacheFile.write(encode(), to: Self.path(root), name: Self.name, version: Self.version)
        }

        // Payload: writer (string), tree (20 bytes), count (u64), findings (u32), then each
        // finding as the cache above writes it (`Writer.finding`).
        func encode() -> [UInt8] {
            var w = Writer()
            w.string(ValidationCache.writer)
            w.out += tree.bytes
            w.u64(UInt64(count))
            w.u32(UInt32(findings.count))
            for f in findings { w.finding(f) }
            return w.out
        }

        static func decode(_ bytes: [UInt8]) -> TreeResult? {
            var r = Reader(bytes: bytes)
            guard let writer = r.string(), writer == ValidationCache.writer, let tree = r.blob(),
                let count = r.u64(), count <= UInt64(Int.max), let n = r.u32()
            else { return nil }
            var findings: [Stored] = []
            for _ in 0..<n {
                guard let f = r.finding() else { return nil }
                findings.append(f)
            }
            guard r.atEnd else { return nil }
            var out = TreeResult(tree: tree, count: Int(count), findings: [])!
            out.findings = findings
            return out
        }
    }
}
