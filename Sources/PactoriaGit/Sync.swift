internal import CLibGit2
public import Foundation

/// Why a fetch or push failed, sorted so callers can act on it without reading messages.
public enum SyncError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// No remote of that name is configured.
    case noSuchRemote(String)
    /// The remote could not be reached: a missing path, refused connection, unknown host, a server
    /// that is not a git repository. Nothing was sent or received.
    case unreachable(remote: String, detail: String)
    /// The remote refused to update `ref` (usually because it moved on: not a fast-forward).
    case rejected(ref: String, reason: String)
    /// The server asked for credentials and none of those offered were accepted.
    case authenticationFailed(remote: String, detail: String)
    /// Anything else, with libgit2's own error.
    case failed(GitError)

    public var description: String {
        switch self {
        case let .noSuchRemote(name): return "no remote named '\(name)'"
        case let .unreachable(remote, detail): return "remote '\(remote)' is unreachable: \(detail)"
        case let .rejected(ref, reason): return "the remote rejected \(ref): \(reason)"
        case let .authenticationFailed(remote, detail): return "authentication to remote '\(remote)' failed: \(detail)"
        case let .failed(error): return error.description
        }
    }

    public var errorDescription: String? { description }
}

/// Progress of a transfer, reported from libgit2's progress callbacks.
public struct SyncProgress: Sendable, Equatable {
    public enum Direction: Sendable, Equatable {
        case receiving
        case sending
    }

    public var direction: Direction
    /// Objects received (fetch) or written (push) so far.
    public var objects: Int
    /// Objects to transfer in all.
    public var totalObjects: Int
    /// Objects received and indexed (fetch only).
    public var indexedObjects: Int
    /// Bytes transferred so far.
    public var bytes: Int

    public init(direction: Direction, objects: Int, totalObjects: Int, indexedObjects: Int = 0, bytes: Int) {
        self.direction = direction
        self.objects = objects
        self.totalObjects = totalObjects
        self.indexedObjects = indexedObjects
        self.bytes = bytes
    }
}

/// A reference a fetch or push moved locally (`refs/remotes/...`), with its old and new targets
/// (nil for a reference created or deleted).
public struct RefUpdate: Sendable, Equatable {
    public var name: String
    public var old: ObjectID?
    public var new: ObjectID?

    public init(name: String, old: ObjectID?, new: ObjectID?) {
        self.name = name
        self.old = old
        self.new = new
    }
}

/// What a fetch changed.
public struct FetchResult: Sendable, Equatable {
    /// Remote-tracking references (and tags) created or moved.
    public var updatedReferences: [RefUpdate]
}

/// State shared with libgit2's C callbacks through their payload pointer, for one operation.
final class SyncContext {
    let remote: String
    let credentials: CredentialProvider
    let progress: (@Sendable (SyncProgress) -> Void)?
    var attempts = 0
    var tried: Set<Int> = []
    var lastMethod: Int?
    var authenticationGaveUp = false
    /// The answer of git's credential helpers in use, kept to tell them whether the server took it.
    var helperAnswer: (helpers: CredentialHelpers, url: String, credential: GitCredential, method: Int)?
    var rejections: [(ref: String, reason: String)] = []
    var updates: [RefUpdate] = []
    /// libgit2 is about to connect (its `remote_ready` callback ran).
    var connectStarted = false
    /// Objects or references have come in since: the connection was made.
    var transferStarted = false

    /// True between the start of the connection and the first transfer: a failure then (other than
    /// authentication) means the remote could not be reached.
    var isConnecting: Bool { connectStarted && !transferStarted }

    init(remote: String, credentials: CredentialProvider, progress: (@Sendable (SyncProgress) -> Void)?) {
        self.remote = remote
        self.credentials = credentials
        self.progress = progress
    }

    static func from(_ payload: UnsafeMutableRawPointer?) -> SyncContext {
        Unmanaged<SyncContext>.fromOpaque(payload!).takeUnretainedValue()
    }

    /// Answers libgit2's credential request; gives up (GIT_EAUTH) when the methods are used up.
    func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, url: String, usernameFromURL: String?,
        allowed: UInt32
    ) -> Int32 {
        attempts += 1
        // Being asked again means the last credential was refused.
        if let last = lastMethod {
            tried.insert(last)
            if let h = helperAnswer, h.method == last {
                h.helpers.reject(h.credential, url: h.url)
                helperAnswer = nil
            }
        }
        lastMethod = nil
        var filled: (CredentialHelpers, GitCredential)?
        let answer =
            attempts <= credentials.maxAttempts
            ? credentials.credential(usernameFromURL: usernameFromURL, allowed: allowed, skipping: tried) { helpers in
                let found = helpers.fill(url: url, username: usernameFromURL)
                filled = found.map { (helpers, $0) }
                return found
            } : nil
        if let answer, let filled, case .credentialHelpers = credentials.methods[answer.method] {
            helperAnswer = (filled.0, url, filled.1, answer.method)
        }
        guard let answer else {
            authenticationGaveUp = true
            let what = attempts == 1 ? "no credentials were offered" : "the credentials offered were refused"
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "the server requires authentication and \(what)")
            return GIT_EAUTH.rawValue
        }
        if !answer.isUsernameOnly { lastMethod = answer.method }
        out?.pointee = answer.credential
        return 0
    }

    func callbacks() throws -> git_remote_callbacks {
        var cb = git_remote_callbacks()
        try check(git_remote_init_callbacks(&cb, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "remote callbacks")
        cb.payload = Unmanaged.passUnretained(self).toOpaque()
        cb.credentials = { out, url, user, allowed, payload in
            SyncContext.from(payload).acquire(
                out, url: url.map { String(cString: $0) } ?? "", usernameFromURL: user.map { String(cString: $0) },
                allowed: allowed)
        }
        cb.remote_ready = { _, _, payload in
            SyncContext.from(payload).connectStarted = true
            return 0
        }
        cb.transfer_progress = { stats, payload in
            let ctx = SyncContext.from(payload)
            ctx.transferStarted = true
            if let report = ctx.progress, let s = stats?.pointee {
                report(
                    SyncProgress(
                        direction: .receiving, objects: Int(s.received_objects), totalObjects: Int(s.total_objects),
                        indexedObjects: Int(s.indexed_objects), bytes: Int(s.received_bytes)))
            }
            return 0
        }
        cb.push_transfer_progress = { current, total, bytes, payload in
            let ctx = SyncContext.from(payload)
            ctx.progress?(
                SyncProgress(direction: .sending, objects: Int(current), totalObjects: Int(total), bytes: bytes))
            return 0
        }
        cb.push_update_reference = { ref, status, payload in
            let ctx = SyncContext.from(payload)
            if let status {
                ctx.rejections.append((ref.map { String(cString: $0) } ?? "", String(cString: status)))
            }
            return 0
        }
        cb.update_tips = { ref, old, new, payload in
            let ctx = SyncContext.from(payload)
            ctx.transferStarted = true
            func id(_ p: UnsafePointer<git_oid>?) -> ObjectID? {
                guard let p, git_oid_is_zero(p) == 0 else { return nil }
                return ObjectID(p)
            }
            ctx.updates.append(RefUpdate(name: ref.map { String(cString: $0) } ?? "", old: id(old), new: id(new)))
            return 0
        }
        return cb
    }

    /// The server took the credentials: the helpers that gave them are told to `store` them.
    func credentialsWorked() {
        guard let h = helperAnswer else { return }
        helperAnswer = nil
        h.helpers.approve(h.credential, url: h.url)
    }

    /// Sorts a failed libgit2 call into a `SyncError`. `connecting` is true while the connection
    /// is being made, where any failure other than authentication means the remote is unreachable.
    func error(
        _ rc: Int32, _ operation: String, connecting: Bool, url: String = "", refspecs: [String] = []
    ) -> SyncError {
        let klass = git_error_last()?.pointee.klass ?? 0
        let err = GitError.last(rc, operation)
        if authenticationGaveUp || rc == GIT_EAUTH.rawValue {
            return .authenticationFailed(remote: remote, detail: err.message)
        }
        if rc == GIT_ENONFASTFORWARD.rawValue {
            // libgit2's own check (before sending) names no reference: take the refspec's destination.
            let ref = rejections.first?.ref ?? refspecs.first.map(Self.destination) ?? ""
            return .rejected(ref: ref, reason: err.message)
        }
        if connecting || klass == Int32(GIT_ERROR_NET.rawValue) || klass == Int32(GIT_ERROR_SSH.rawValue)
            || klass == Int32(GIT_ERROR_HTTP.rawValue)
        {
            // A local path that is missing gets libgit2's "unsupported URL protocol"; say what it is.
            let path = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : url
            if path.hasPrefix("/") && !FileManager.default.fileExists(atPath: path) {
                return .unreachable(remote: remote, detail: "no repository at \(path)")
            }
            return .unreachable(remote: remote, detail: err.message)
        }
        return .failed(err)
    }

    /// The destination of a refspec (`+refs/heads/a:refs/heads/b` → `refs/heads/b`).
    static func destination(_ refspec: String) -> String {
        var spec = Substring(refspec)
        if spec.hasPrefix("+") { spec = spec.dropFirst() }
        if let colon = spec.firstIndex(of: ":") { return String(spec[spec.index(after: colon)...]) }
        return String(spec)
    }
}

extension Repository {
    // MARK: - Fetch and push

    /// Fetches from `remote` with its configured refspecs (or `refspecs`), updating
    /// `refs/remotes/<remote>/*`. The working tree, the index and local branches are untouched.
    ///
    /// Throws `SyncError`: `.unreachable` when the remote cannot be contacted,
    /// `.authenticationFailed` when credentials are refused, `.noSuchRemote`, or `.failed`.
    @discardableResult
    public func fetch(
        remote name: String, refspecs: [String] = [], credentials: CredentialProvider = .none,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws -> FetchResult {
        guard let remote = try lookupRemoteIfPresent(name) else { throw SyncError.noSuchRemote(name) }
        let ctx = SyncContext(remote: name, credentials: credentials, progress: progress)
        return try withExtendedLifetime(ctx) {
            try connect(remote, direction: GIT_DIRECTION_FETCH, ctx)
            var opts = git_fetch_options()
            try check(git_fetch_options_init(&opts, UInt32(GIT_FETCH_OPTIONS_VERSION)), "fetch options")
            opts.callbacks = try ctx.callbacks()
            let rc = withStrArray(refspecs) { arr in
                git_remote_fetch(remote.pointer, arr, &opts, "fetch: \(name)")
            }
            if rc < 0 { throw ctx.error(rc, "fetch from \(name)", connecting: false) }
            ctx.credentialsWorked()
            return FetchResult(updatedReferences: ctx.updates)
        }
    }

    /// Pushes `refspecs` (such as `refs/heads/main:refs/heads/main`) to `remote`, then updates the
    /// matching remote-tracking references. Local branches and the working tree are untouched.
    ///
    /// Throws `SyncError`: `.rejected` when the remote refuses an update (it has commits the push
    /// would lose), `.unreachable`, `.authenticationFailed`, `.noSuchRemote`, or `.failed`.
    public func push(
        remote name: String, refspecs: [String], credentials: CredentialProvider = .none,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws {
        guard let remote = try lookupRemoteIfPresent(name) else { throw SyncError.noSuchRemote(name) }
        let ctx = SyncContext(remote: name, credentials: credentials, progress: progress)
        try withExtendedLifetime(ctx) {
            try connect(remote, direction: GIT_DIRECTION_PUSH, ctx)
            var opts = git_push_options()
            try check(git_push_options_init(&opts, UInt32(GIT_PUSH_OPTIONS_VERSION)), "push options")
            opts.callbacks = try ctx.callbacks()
            let rc = withStrArray(refspecs) { arr in git_remote_push(remote.pointer, arr, &opts) }
            if rc < 0 {
                let error = ctx.error(rc, "push to \(name)", connecting: false, refspecs: refspecs)
                // A refused update still means the server took the credentials.
                if case .rejected = error { ctx.credentialsWorked() }
                throw error
            }
            ctx.credentialsWorked()
            if let first = ctx.rejections.first { throw SyncError.rejected(ref: first.ref, reason: first.reason) }
        }
    }

    /// Pushes one refspec; see `push(remote:refspecs:credentials:progress:)`.
    public func push(
        remote name: String, refspec: String, credentials: CredentialProvider = .none,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws {
        try push(remote: name, refspecs: [refspec], credentials: credentials, progress: progress)
    }

    /// Opens the connection first, so that a failure there is known to mean "unreachable".
    private func connect(_ remote: RemoteHandle, direction: git_direction, _ ctx: SyncContext) throws {
        var opts = git_remote_connect_options()
        try check(
            git_remote_connect_options_init(&opts, UInt32(GIT_REMOTE_CONNECT_OPTIONS_VERSION)), "connect options")
        opts.callbacks = try ctx.callbacks()
        let rc = git_remote_connect_ext(remote.pointer, direction, &opts)
        if rc < 0 { throw ctx.error(rc, "connect to \(ctx.remote)", connecting: true, url: remote.url) }
    }
}
