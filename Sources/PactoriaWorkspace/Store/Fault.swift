#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test-only fault hook, compiled in and off by default: when the environment variable
/// `PACTORIA_FAULT` names a step, the process ends with `_exit(86)` the moment it reaches that
/// step, exactly as a `kill -9` or a power cut would leave things (no `defer`, no flush, no
/// unlock other than what the kernel does). `PACTORIA_FAULT_SKIP=N` lets the step pass N times
/// first (the Nth contract of a batch, the Nth write of a server).
///
/// Steps are named `area.moment`, e.g. `write.after-files`, `write.after-index`,
/// `commit.after-object`, `pull.after-checkout-start`. `Fault.steps` lists every one, so the
/// fault suite and `bench/faults.sh` can walk them all.
public enum Fault {
    /// The exit status of an injected fault (distinct from any status Pactoria exits with).
    public static let exitStatus: Int32 = 86

    nonisolated(unsafe) private static var remaining: Int = {
        guard let s = getenv("PACTORIA_FAULT_SKIP") else { return 0 }
        return Int(String(cString: s)) ?? 0
    }()

    private static let armed: String? = {
        guard let s = getenv("PACTORIA_FAULT") else { return nil }
        let v = String(cString: s)
        return v.isEmpty ? nil : v
    }()

    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    /// Ends the process here if `PACTORIA_FAULT` names `step` (after `PACTORIA_FAULT_SKIP` passes).
    @inline(__always)
    public static func point(_ step: StaticString) {
        guard let armed else { return }
        reach(String(describing: step), armed: armed)
    }

    private static func reach(_ step: String, armed: String) {
        guard step == armed else { return }
        pthread_mutex_lock(lock)
        if remaining > 0 {
            remaining -= 1
            pthread_mutex_unlock(lock)
            return
        }
        _exit(exitStatus)
    }

    /// Every step, for the fault suite and `bench/faults.sh` (helpers append their areas' steps).
    public static let steps: [String] = [
        // A write transaction (`WriteTransaction`): journal written; files written; changes staged
        // (and, without a commit, the index written); commit made, journal not yet removed.
        "write.after-journal", "write.after-files", "write.after-index", "write.after-commit",
        // A new contract: the Markdown written, the metadata not yet.
        "new.after-markdown",
        // `Committer.commit`: the index written, no commit yet; the commit made (HEAD moved).
        "commit.after-index", "commit.after-commit",
        // A commit: versions bumped in the working tree, nothing staged yet.
        "commit.after-bumps",
        // A pull: fetched; merge state recorded; once per file the checkout writes; checkout
        // done; merge commit made.
        "pull.after-fetch", "pull.after-merge-state", "pull.checkout-file", "pull.after-checkout", "pull.after-commit",
    ]
}
