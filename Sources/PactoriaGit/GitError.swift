internal import CLibGit2
import Foundation

/// An error reported by libgit2, carrying libgit2's own message.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case notFound
        case exists
        case ambiguous
        case locked
        case conflict
        case unbornBranch
        case nonFastForward
        case invalidSpec
        case other(Int32)
    }

    public let code: Code
    /// The operation Pactoria attempted ("write index", "open repository", ...).
    public let operation: String
    /// libgit2's message for the failure.
    public let message: String
    /// The error a `BlobFilter` threw, when that is what stopped the operation (its one-line
    /// description is `message`).
    public internal(set) var filterError: (any Error)?

    public init(code: Code, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    public var description: String {
        switch code {
        case .locked:
            return "\(operation): the repository is locked by another process (\(message))"
        default:
            return "\(operation): \(message)"
        }
    }

    /// Builds an error from libgit2's thread-local error state.
    static func last(_ result: Int32, _ operation: String) -> GitError {
        var message = "libgit2 error \(result)"
        if let err = git_error_last(), let text = err.pointee.message {
            message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let code: Code
        switch result {
        case GIT_ENOTFOUND.rawValue: code = .notFound
        case GIT_EEXISTS.rawValue: code = .exists
        case GIT_EAMBIGUOUS.rawValue: code = .ambiguous
        case GIT_ELOCKED.rawValue: code = .locked
        case GIT_ECONFLICT.rawValue, GIT_EMERGECONFLICT.rawValue: code = .conflict
        case GIT_EUNBORNBRANCH.rawValue: code = .unbornBranch
        case GIT_ENONFASTFORWARD.rawValue: code = .nonFastForward
        case GIT_EINVALIDSPEC.rawValue: code = .invalidSpec
        default: code = .other(result)
        }
        var error = GitError(code: code, operation: operation, message: message)
        if let err = git_error_last(), Int(err.pointee.klass) == Int(GIT_ERROR_FILTER.rawValue) {
            error.filterError = FilterFailure.take(matching: message)
        }
        return error
    }
}

/// Checks a libgit2 return code, throwing libgit2's message on failure.
@discardableResult
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
    if result < 0 { throw GitError.last(result, operation()) }
    return result
}

/// libgit2 must be initialised once per process before any other call.
enum Libgit2 {
    static let initialized: Bool = {
        git_libgit2_init()
        // Trees up to 1 MiB stay in libgit2's object cache (the default keeps only those under
        // 4 KiB, so a folder of a hundred contracts was inflated and its delta chain resolved again
        // on every diff of a history walk).
        pactoria_git_set_cache_object_limit(GIT_OBJECT_TREE, 1 << 20)
        pactoria_git_set_cache_object_limit(GIT_OBJECT_COMMIT, 64 << 10)
        // Like git itself, do not hash every object again each time it is read: objects are named
        // by their hash, packs carry checksums, and fetched packs are verified when indexed.
        pactoria_git_enable_strict_hash_verification(0)
        return true
    }()

    static func ensure() { _ = initialized }
}

/// The git library's start-up, which a process can begin early.
public enum GitRuntime {
    /// Starts libgit2 on another thread, so its start-up (with Debian's mbedTLS build it parses
    /// the system's certificate bundle, about 8 ms of CPU) overlaps the process's own (argument
    /// parsing, finding the workspace) on the other core. The first libgit2 call waits for it to
    /// finish (a one-time initialiser), so calling this is never required and never unsafe.
    public static func startInBackground() {
        Thread.detachNewThread { Libgit2.ensure() }
    }
}

extension Index {
    /// The work tree of the repository this index belongs to (so a lock error can name the
    /// index's own `index.lock`, which libgit2's message does not).
    public var workdir: String { repository.workdir }
}
