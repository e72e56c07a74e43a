internal import CLibGit2
import Foundation

extension Repository {
    // MARK: - Clone

    /// Clones `url` (a path, `file://`, `http(s)://` or ssh URL) into `path`, like `git clone`: the
    /// remote is configured as `origin`, its branches are fetched into `refs/remotes/origin/*`, and
    /// `branch` (default: the remote's HEAD) is checked out (safe strategy) with its upstream set to
    /// `origin/<branch>`. Credentials and progress work as for `fetch`, through the same callbacks.
    ///
    /// `path` must not exist or be an empty directory; libgit2 removes what it wrote when the
    /// clone fails. A local path is read through libgit2's local transport (objects are copied,
    /// not hard-linked). Throws `SyncError`: `.unreachable` when the remote cannot be contacted (or is
    /// not a repository), `.authenticationFailed` when credentials are refused, or `.failed` (with
    /// `GitError` `.notFound` when `branch` is not on the remote, `.exists` when `path` is not empty).
    ///
    /// `blobFilter` is set on the new repository as soon as libgit2 creates it, so the checkout
    /// of `branch` already writes filtered (smudged) files; it stays set when the clone succeeds
    /// and is removed when it fails.
    public static func clone(
        url: String, to path: String, branch: String? = nil, credentials: CredentialProvider = .none,
        blobFilter: (any BlobFilter)? = nil, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) throws -> Repository {
        Libgit2.ensure()
        let shown = redactingPassword(in: url)
        // Checked first: libgit2 creates `path` before it connects, and a missing source that is
        // `path` itself would then be cloned from the empty repository just made.
        let source = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : isLocalPath(url) ? url : nil
        if let source, !FileManager.default.fileExists(atPath: source) {
            throw SyncError.unreachable(remote: shown, detail: "no repository at \(source)")
        }
        if blobFilter != nil, let failure = BlobFilterRegistry.registration { throw failure }
        let ctx = SyncContext(remote: shown, credentials: credentials, progress: progress)
        let creation = CloneCreation(blobFilter)
        return try withExtendedLifetime((ctx, creation)) {
            var opts = git_clone_options()
            try check(git_clone_options_init(&opts, UInt32(GIT_CLONE_OPTIONS_VERSION)), "clone options")
            opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
            // A local path goes through libgit2's local transport, as a file:// URL does: progress
            // is reported and a missing path fails while connecting, like any other remote.
            opts.local = GIT_CLONE_NO_LOCAL
            opts.fetch_opts.callbacks = try ctx.callbacks()
            if blobFilter != nil {
                opts.repository_cb = { out, path, bare, payload in
                    // What libgit2 does without this callback, then the filter before any checkout.
                    let rc = git_repository_init(out, path, UInt32(bare))
                    guard rc == 0, let repo = out?.pointee, let payload else { return rc }
                    Unmanaged<CloneCreation>.fromOpaque(payload).takeUnretainedValue().created(repo)
                    return 0
                }
                opts.repository_cb_payload = Unmanaged.passUnretained(creation).toOpaque()
            }
            var repo: OpaquePointer?
            let rc: Int32
            if let branch {
                rc = branch.withCString { name in
                    opts.checkout_branch = name
                    return git_clone(&repo, url, path, &opts)
                }
            } else {
                rc = git_clone(&repo, url, path, &opts)
            }
            if rc < 0 {
                creation.failed()
                if let repo { git_repository_free(repo) }
                // Failures before libgit2 starts connecting (a target that is not empty, one that
                // cannot be created) are local; between that and the first transfer, the remote is
                // unreachable.
                throw ctx.error(rc, "clone \(shown)", connecting: ctx.isConnecting, url: url)
            }
            ctx.credentialsWorked()
            return Repository(pointer: repo!)
        }
    }

    /// True when `url` names a local path, as git reads it: no `scheme://`, and no `host:` before
    /// the first slash (which is ssh, `host:path`).
    public static func isLocalPath(_ url: String) -> Bool {
        if url.contains("://") { return false }
        guard let colon = url.firstIndex(of: ":") else { return true }
        if let slash = url.firstIndex(of: "/"), slash < colon { return true }
        return false
    }

    /// `url` with the password of its user information (`https://user:secret@host/...`) replaced
    /// by `***`, for messages. Anything else is returned as is.
    public static func redactingPassword(in url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"),
            let colon = rest[..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<rest.startIndex]) + rest[..<colon] + ":***" + rest[at...]
    }
}

/// Sets a clone's blob filter when libgit2 creates its repository, and removes it again when the
/// clone fails.
private final class CloneCreation {
    let filter: (any BlobFilter)?
    var key: String?

    init(_ filter: (any BlobFilter)?) { self.filter = filter }

    func created(_ repo: OpaquePointer) {
        guard let filter else { return }
        let key = String(cString: git_repository_commondir(repo))
        self.key = key
        BlobFilterRegistry.shared.set(filter, forDirectory: key)
    }

    func failed() {
        if let key { BlobFilterRegistry.shared.set(nil, forDirectory: key) }
    }
}
