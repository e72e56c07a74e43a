import ArgumentParser
import PactoriaWorkspace

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Show the master key in use and the keyring, or rotate the master key.",
        discussion: """
            The master key wraps every sealed contract's data key. It comes from
            PACTORIA_MASTER_KEY, the file PACTORIA_MASTER_KEY_FILE names, or the key file in the
            git directory; it is never shown, only its check value. See docs/SEALING.md.
            """,
        subcommands: [Status.self, Rotate.self], defaultSubcommand: Status.self)

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where the master key comes from, its check value, and the keyring's keys.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guardedRun(global) { () throws(WorkspaceError) in
                let s = try MasterKeys.status(try global.workspace())
                if json {
                    JSON.print([
                        "source": s.source ?? "", "check": s.checkValue ?? "", "keyring": s.hasKeyring ? "yes" : "no",
                        "live_keys": s.liveKeys.map { "\($0)" } ?? "",
                        "erased_keys": s.erasedKeys.map { "\($0)" } ?? "",
                        "problem": s.problem ?? "",
                    ])
                    return
                }
                Terminal.out("master key: \(s.source ?? "none configured")")
                if let check = s.checkValue { Terminal.out("check value: \(check)") }
                if !s.hasKeyring {
                    Terminal.out("keyring: none (nothing is sealed)")
                } else if let live = s.liveKeys, let erased = s.erasedKeys {
                    Terminal.out("keyring: \(live) data key\(live == 1 ? "" : "s"), \(erased) erased")
                }
                if let problem = s.problem { throw WorkspaceError.refused(problem) }
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every data key under a new master key, without touching contract history.",
            discussion: """
                The new key (a fresh random one, or the one in --new-key-file) replaces the key
                file in use; the keyring is rewritten and its old copies removed from the object
                store. No commit is made and every blob id stays. Every clone then needs the new
                key, and a push carries the rewrapped keyring to the remote.

                Example:
                  pactoria keys rotate
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "A key file (mode 0600) holding the new master key; default: a fresh random key.")
        var newKeyFile: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guardedRun(global) { () throws(WorkspaceError) in
                let r = try MasterKeys.rotate(try global.workspace(), newKeyFile: newKeyFile)
                if json {
                    JSON.print([
                        "rewrapped": "\(r.rewrapped)", "old_check": r.oldCheckValue, "new_check": r.newCheckValue,
                        "key_file": r.keyFile, "resumed": r.resumed ? "yes" : "no",
                    ])
                } else {
                    Terminal.out(
                        r.resumed
                            ? "finished an interrupted rotation: the master key in \(r.keyFile) is \(r.newCheckValue)"
                            : "rotated the master key \(r.oldCheckValue) -> \(r.newCheckValue): \(r.rewrapped) data key\(r.rewrapped == 1 ? "" : "s") rewrapped; the new key is in \(r.keyFile) (back it up)"
                    )
                }
                if r.environmentHoldsOldKey {
                    Terminal.err(
                        "pactoria: PACTORIA_MASTER_KEY still holds the old key and is read first: set it to the key in \(r.keyFile), or unset it"
                    )
                }
            }
        }
    }
}
