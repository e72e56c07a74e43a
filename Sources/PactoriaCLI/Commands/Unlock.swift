import ArgumentParser
import PactoriaWorkspace

struct Unlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Remove git lock files left by a crash (never one a live process holds).",
        discussion: """
            Lists git's lock files (index.lock, HEAD.lock, refs/heads/*.lock, packed-refs.lock,
            config.lock) and removes only those proven stale: no running process has the file
            open, no git process works in this repository and no Pactoria writer is running
            (or, where that cannot be seen, the lock is more than 10 minutes old). A lock a live
            process holds is left alone, with the PID to wait for; the command then exits 1.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var kept: [GitLock] = []
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            // Holding the write lock: no Pactoria writer of this workspace can be using a git lock meanwhile.
            let result = try WriteLock.withLock(ws, timeout: .seconds(10)) { () throws(WorkspaceError) in
                GitLocks.removeStale(ws)
            }
            for l in result.removed { Terminal.out("removed \(l.path) (stale: no running process held it)") }
            kept = result.kept
            if result.removed.isEmpty && kept.isEmpty { Terminal.out("no git lock files") }
        }
        for l in kept {
            Terminal.err("error: \(l.description); not removed")
            Terminal.err("hint: \(l.hint)")
        }
        if !kept.isEmpty { throw ExitCode(1) }
    }
}
