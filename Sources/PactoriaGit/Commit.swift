internal import CLibGit2
import Foundation

/// A commit's metadata, copied out of libgit2.
public struct CommitInfo: Sendable, Equatable {
    public var id: ObjectID
    public var parents: [ObjectID]
    public var treeID: ObjectID
    public var author: Signature
    public var committer: Signature
    public var message: String

    public init(
        id: ObjectID, parents: [ObjectID], treeID: ObjectID, author: Signature, committer: Signature, message: String
    ) {
        self.id = id
        self.parents = parents
        self.treeID = treeID
        self.author = author
        self.committer = committer
        self.message = message
    }

    init(_ c: OpaquePointer) {
        id = ObjectID(git_commit_id(c)!)
        treeID = ObjectID(git_commit_tree_id(c)!)
        parents = (0..<git_commit_parentcount(c)).compactMap { i in
            git_commit_parent_id(c, i).map { ObjectID($0) }
        }
        author = Signature(git_commit_author(c)!)
        committer = Signature(git_commit_committer(c)!)
        message = git_commit_message(c).map { String(cString: $0) } ?? ""
    }

    /// The first line of the message.
    public var summary: String { Self.firstLine(of: message) }

    /// The text before the first line feed character (all of it when there is none).
    public static func firstLine(of message: String) -> String {
        // A line feed is a character of its own unless a carriage return comes before it (CR LF
        // is one character, which the split below does not cut at): then the bytes up to it.
        let u = message.utf8
        guard let lf = u.firstIndex(of: 0x0A) else { return message }
        if lf == u.startIndex || u[u.index(before: lf)] != 0x0D {
            return String(message[..<lf])
        }
        return String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The message's trailers (`Key: value` lines of its last paragraph), in order.
    public var trailers: [(key: String, value: String)] { Trailers.parse(message) }
}

/// Parses git trailers with libgit2's own parser, as `git interpret-trailers` reads them.
public enum Trailers {
    public static func parse(_ message: String) -> [(key: String, value: String)] {
        Libgit2.ensure()
        var arr = git_message_trailer_array()
        guard git_message_trailers(&arr, message) == 0 else { return [] }
        defer { git_message_trailer_array_free(&arr) }
        var out: [(String, String)] = []
        for i in 0..<arr.count {
            let t = arr.trailers[i]
            out.append((String(cString: t.key), String(cString: t.value)))
        }
        return out
    }
}

/// Commits reachable from a start point, newest first.
public struct CommitSequence: Sequence, IteratorProtocol {
    private let repository: Repository
    private let walker: Walker

    final class Walker {
        let pointer: OpaquePointer
        init(_ p: OpaquePointer) { pointer = p }
        deinit { git_revwalk_free(pointer) }
    }

    init(repository: Repository, start: ObjectID, firstParentOnly: Bool) throws {
        self.repository = repository
        var w: OpaquePointer?
        try check(git_revwalk_new(&w, repository.pointer), "start history walk")
        walker = Walker(w!)
        try check(
            git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history walk")
        if firstParentOnly { try check(git_revwalk_simplify_first_parent(w), "first-parent walk") }
        var oid = start.raw
        try check(git_revwalk_push(w, &oid), "walk from \(start.short)")
    }

    public mutating func next() -> CommitInfo? {
        var oid = git_oid()
        guard git_revwalk_next(&oid, walker.pointer) == 0 else { return nil }
        return try? repository.commit(ObjectID(oid))
    }
}
