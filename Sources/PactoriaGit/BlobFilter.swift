internal import CLibGit2
import Foundation

/// Transforms file content between the working tree and git's objects, the way git's clean and
/// smudge filters do (sealing: plaintext in the working tree, ciphertext in git).
///
/// Set one per repository with `Repository.setBlobFilter(_:)`. libgit2 then runs it for every
/// file whose content crosses between the working tree and the object database: staging
/// (`Index.add(path:)`, `Index.addAll(_:)`), status's working-tree-to-index comparison, checkout
/// (of a tree, of the index, of a merge result, clone), `Repository.hashWorkingFile(_:)`,
/// `Repository.cleaned(_:asPath:)` and `Repository.blob(_:filteredAs:)`. It is consulted for
/// every path regardless of `.gitattributes`, so a tracked file cannot turn it off; the filter
/// itself decides which paths it changes (return nil to leave content as it is).
///
/// It is not applied to raw object reads (`Repository.blob(_:)`, `file(at:path:)`), tree diffs,
/// merges of trees (`mergeTrees`, `mergeCommits` merge the stored bytes), or `ObjectID.blob(_:)`.
/// See `docs/SEALING-filters.md`.
///
/// A thrown error aborts the libgit2 operation; the caller gets a `GitError` whose message is the
/// error's description on one line, so the description must name what failed (a path, a key id)
/// and never hold key material or plaintext. Both methods are called on the thread running the
/// libgit2 operation, with the whole file in memory; they must not stage, check out or hash
/// working files themselves.
public protocol BlobFilter: Sendable {
    /// Whether `path` may need filtering at all (default: every path). Files for which this is
    /// false pass through without being read into memory or handed to `clean`/`smudge`.
    func filters(path: String) -> Bool
    /// Working-tree bytes of `path` (relative to the working tree) → what is stored in git; nil
    /// stores them unchanged.
    func clean(path: String, content: [UInt8]) throws -> [UInt8]?
    /// Stored bytes of `path` → working-tree bytes; nil writes them unchanged.
    func smudge(path: String, content: [UInt8]) throws -> [UInt8]?
    /// Stored bytes read by `Repository.blob(_:)` (no path known) → what callers see; nil leaves
    /// them as stored. Lets every reader of stored contracts see them unsealed.
    func read(content: [UInt8]) throws -> [UInt8]?
}

extension BlobFilter {
    public func filters(path: String) -> Bool { true }
    public func read(content: [UInt8]) throws -> [UInt8]? { nil }
}

/// The name the filter bridge is registered under in libgit2 (once per process).
let blobFilterName = "pactoria-seal"

/// The Swift filter of each repository in this process, by the repository's common git directory
/// as libgit2 spells it (so every handle on one repository, and a clone being made, find the same
/// filter, and a freed handle leaves nothing dangling).
final class BlobFilterRegistry: @unchecked Sendable {
    static let shared = BlobFilterRegistry()

    private let lock = NSLock()
    private var filters: [String: any BlobFilter] = [:]

    func filter(forDirectory dir: String) -> (any BlobFilter)? {
        lock.lock()
        defer { lock.unlock() }
        return filters[dir]
    }

    func set(_ filter: (any BlobFilter)?, forDirectory dir: String) {
        lock.lock()
        defer { lock.unlock() }
        filters[dir] = filter
    }

    var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return filters.isEmpty
    }

    /// Registers the libgit2 side once; nil when it worked, else why not.
    static let registration: GitError? = {
        Libgit2.ensure()
        // Below libgit2's line-ending filter (priority 0): on the way into git this filter runs
        // last, on the way out first, so what is stored is exactly what it returns, whatever
        // line-ending or ident attributes the tracked tree sets.
        let rc = pactoria_filter_register(
            blobFilterName, GIT_FILTER_CRLF_PRIORITY - 100, blobFilterCheck, blobFilterApply, blobFilterRelease)
        return rc < 0 ? GitError.last(rc, "register the blob filter") : nil
    }()
}

/// What `check` hands to `apply` for one file: the filter found for its repository.
private final class BlobFilterPayload {
    let filter: any BlobFilter
    init(_ filter: any BlobFilter) { self.filter = filter }
}

private func blobFilterCheck(
    _ dir: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ toWorktree: Int32,
    _ payload: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Int32 {
    guard let dir, let path, let payload,
        let filter = BlobFilterRegistry.shared.filter(forDirectory: String(cString: dir)),
        filter.filters(path: String(cString: path))
    else { return GIT_PASSTHROUGH.rawValue }
    payload.pointee = Unmanaged.passRetained(BlobFilterPayload(filter)).toOpaque()
    return 0
}

private func blobFilterApply(
    _ payload: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?, _ toWorktree: Int32,
    _ input: UnsafePointer<UInt8>?, _ length: Int, _ out: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<Int>?, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guard let payload, let out, let outLength, let message else { return -1 }
    let filter = Unmanaged<BlobFilterPayload>.fromOpaque(payload).takeUnretainedValue().filter
    let file = path.map { String(cString: $0) } ?? ""
    let content = input.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
    do {
        let result =
            toWorktree != 0
            ? try filter.smudge(path: file, content: content) : try filter.clean(path: file, content: content)
        guard let result else { return 0 }
        guard let buffer = malloc(max(result.count, 1))?.assumingMemoryBound(to: UInt8.self) else {
            message.pointee = strdup("out of memory filtering \(file)")
            return -1
        }
        result.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.update(from: base, count: src.count) }
        }
        out.pointee = buffer
        outLength.pointee = result.count
        return 0
    } catch {
        let text = oneLineMessage(error, path: file)
        FilterFailure.record(error, message: text)
        message.pointee = strdup(text)
        return -1
    }
}

private func blobFilterRelease(_ payload: UnsafeMutableRawPointer?) {
    guard let payload else { return }
    Unmanaged<BlobFilterPayload>.fromOpaque(payload).release()
}

/// The last error a filter threw on this thread, kept until `GitError.last` reads it back for
/// the libgit2 call that the filter stopped (libgit2 runs filters on the calling thread).
enum FilterFailure {
    private static let key = "PactoriaGit.BlobFilter.failure"

    private final class Record {
        let error: any Error
        let message: String
        init(_ error: any Error, _ message: String) {
            self.error = error
            self.message = message
        }
    }

    static func record(_ error: any Error, message: String) {
        Thread.current.threadDictionary[key] = Record(error, message)
    }

    /// The recorded error if its message is `message`; clears the record either way.
    static func take(matching message: String) -> (any Error)? {
        let dictionary = Thread.current.threadDictionary
        guard let record = dictionary[key] as? Record else { return nil }
        dictionary.removeObject(forKey: key)
        return record.message == message ? record.error : nil
    }
}

/// The error's description on one line (control characters, NUL and CR/LF become spaces), or a
/// message naming the path when it has none.
func oneLineMessage(_ error: any Error, path: String) -> String {
    let text = String(describing: error).unicodeScalars.map { scalar -> String in
        scalar.properties.generalCategory == .control ? " " : String(scalar)
    }.joined().trimmingCharacters(in: .whitespaces)
    return text.isEmpty ? "the blob filter failed for \(path)" : text
}

extension Repository {
    /// The key of this repository in the filter registry: its common git directory as libgit2
    /// spells it, which is what the filter's check sees for every handle on it.
    var filterKey: String { String(cString: git_repository_commondir(pointer)) }

    /// Sets (or, with nil, removes) the filter libgit2 applies to this repository's files (see
    /// `BlobFilter`). It belongs to the repository on disk, not to this handle: every handle on
    /// it in this process uses it, and it stays set after this handle is freed, until removed.
    /// Throws when libgit2 refuses to register the filter bridge.
    public func setBlobFilter(_ filter: (any BlobFilter)?) throws {
        if let failure = BlobFilterRegistry.registration { throw failure }
        BlobFilterRegistry.shared.set(filter, forDirectory: filterKey)
    }

    /// The filter set for this repository, if any.
    public var blobFilter: (any BlobFilter)? { BlobFilterRegistry.shared.filter(forDirectory: filterKey) }

    /// The bytes of a blob as checkout would write them to the working tree at `path`: the blob
    /// filter's smudge applied (and libgit2's line-ending and ident attributes, as checkout does),
    /// whatever the content looks like. Equal to `blob(_:)` when nothing filters `path`.
    public func blob(_ id: ObjectID, filteredAs path: String) throws -> [UInt8] {
        var oid = id.raw
        var b: OpaquePointer?
        try check(git_blob_lookup(&b, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(b) }
        var opts = git_blob_filter_options()
        try check(
            git_blob_filter_options_init(&opts, UInt32(GIT_BLOB_FILTER_OPTIONS_VERSION)), "blob filter options")
        // Checkout filters content that looks binary too.
        opts.flags = 0
        var buf = git_buf()
        defer { disposeWiping(&buf) }
        try check(git_blob_filter(&buf, b, path, &opts), "read \(path)")
        return bytes(of: buf)
    }

    /// `content` as staging would store it for `path`: the blob filter's clean applied (and
    /// libgit2's line-ending and ident attributes). Callers that hash working files to compare
    /// them with stored blobs must hash this, not the raw bytes (`ObjectID.blob(_:)` hashes the
    /// bytes it is given).
    public func cleaned(_ content: [UInt8], asPath path: String) throws -> [UInt8] {
        var list: OpaquePointer?
        try check(
            git_filter_list_load(&list, pointer, nil, path, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT.rawValue),
            "filter \(path)")
        guard let list else { return content }
        defer { git_filter_list_free(list) }
        var buf = git_buf()
        defer { disposeWiping(&buf) }
        let input = content.isEmpty ? [0] : content
        _ = try input.withUnsafeBufferPointer { raw in
            try raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { p in
                try check(git_filter_list_apply_to_buffer(&buf, list, p, content.count), "filter \(path)")
            }
        }
        return bytes(of: buf)
    }

    /// The blob id staging `path` (relative to the working tree) would give it now: the working
    /// file read and cleaned through the blob filter, as status compares it.
    public func hashWorkingFile(_ path: String) throws -> ObjectID {
        var oid = git_oid()
        try check(git_repository_hashfile(&oid, pointer, path, GIT_OBJECT_BLOB, path), "hash \(path)")
        return ObjectID(oid)
    }

    private func bytes(of buf: git_buf) -> [UInt8] {
        guard let p = buf.ptr, buf.size > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: buf.size))
    }

    /// Overwrites a buffer's content (plaintext of sealed files passes through it) and frees it.
    private func disposeWiping(_ buf: inout git_buf) {
        if let p = buf.ptr, buf.size > 0 { memset(p, 0, buf.size) }
        git_buf_dispose(&buf)
    }
}
