/// The lock files `status` reports before anything else: git's locks left by a crash (stale,
/// with the `rm` that clears them) or held by a live process (with its PID).
extension WorkspaceStatus {
    /// Git's lock files in the repository; empty (and cheap: a few `lstat`s) when there are none.
    static func gitLocks(_ ws: Workspace) -> [GitLock] {
        GitLocks.inspect(ws)
    }

    /// The locks left by a process that is no longer running.
    public var staleLocks: [GitLock] { locks.filter(\.isStale) }
}
