import ArgumentParser
import Foundation
import PactoriaGit
import PactoriaWorkspace

struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote", abstract: "Manage the remotes this workspace syncs with.",
        subcommands: [Add.self, ListRemotes.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a remote.",
            discussion:
                "Examples:\n  pactoria remote add origin https://git.example.co.uk/brickline/contracts.git\n  pactoria remote add backup /mnt/usb/contracts.git"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its name (e.g. origin).") var name: String
        @Argument(help: "A path, file://, https:// or ssh URL.") var url: String
        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                try Remotes.add(try global.workspace(), name: name, url: url)
            }
        }
    }

    struct ListRemotes: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List remotes.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let remotes = try Remotes.list(try global.workspace())
                if json { JSON.print(remotes.map { ["name": $0.name, "url": $0.url] }); return }
                var t = Table()
                for r in remotes { t.add([r.name, r.url]) }
                for line in t.render() { Terminal.out(line) }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a remote.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The remote's name.") var name: String
        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in try Remotes.remove(try global.workspace(), name: name) }
        }
    }
}

/// A progress line on a terminal, for transfers that take more than a moment.
func progressReporter() -> (@Sendable (SyncProgress) -> Void)? {
    guard isatty(STDERR_FILENO) == 1 else { return nil }
    let start = Date()
    return { p in
        guard Date().timeIntervalSince(start) > 0.5, p.totalObjects > 0 else { return }
        let verb = p.direction == .receiving ? "Receiving" : "Sending"
        let pct = p.objects * 100 / max(1, p.totalObjects)
        let end = p.objects >= p.totalObjects ? "\n" : ""
        FileHandle.standardError.write(
            Data("\r\(verb) objects: \(pct)% (\(p.objects)/\(p.totalObjects)), \(p.bytes / 1024) KiB\(end)".utf8))
    }
}

struct Clone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Copy a shared workspace onto this machine (remote origin, upstream set).",
        discussion: """
            Clones the git repository at URL into DIR (default: the URL's last part without .git)
            and checks that it is a Pactoria workspace; if it is not, nothing is left behind. DIR
            must not exist or be empty. Offline (the URL cannot be reached): exit 2, no directory
            is created. Credentials as for `pactoria push` (PACTORIA_GIT_TOKEN, git's credential
            helpers from the global config, the ssh-agent). git does not clone hooks or config:
            run `pactoria hooks install` in the clone for the pre-commit check and merge driver.

            Examples:
              pactoria clone https://git.example.co.uk/brickline/contracts.git
              pactoria clone /mnt/usb/contracts.git ~/contracts
              pactoria clone --branch review https://git.example.co.uk/brickline/contracts.git
              pactoria clone git@git.example.co.uk:brickline/contracts.git --json
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A path, file://, https:// or ssh URL.") var url: String
    @Argument(help: "The directory to create (default: the URL's last part without .git).") var directory: String?
    @Option(name: [.customShort("b"), .long], help: "Check out this branch (default: the remote's HEAD).") var branch:
        String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let base = global.directory.map { AbsolutePath.resolve($0) }
            if !json, isatty(STDERR_FILENO) == 1, let name = directory ?? Remotes.defaultCloneDirectory(for: url) {
                Terminal.err("Cloning into '\(name)'...")
            }
            let r = try Remotes.clone(
                url: url, into: directory, relativeTo: base, branch: branch, credentials: Remotes.credentials(),
                progress: progressReporter())
            if json {
                JSON.print(
                    CloneJSON(
                        directory: r.directory, url: r.url, remote: r.remote, branch: r.branch, upstream: r.upstream,
                        commit: r.commit?.hex, contracts: r.contracts))
                return
            }
            if r.sealedFilesWithoutKey > 0 {
                Terminal.err(
                    "pactoria: \(r.sealedFilesWithoutKey) contract files are sealed and stay so in the working tree: no master key (set \(MasterKey.environmentVariable))"
                )
            }
            let n = "\(r.contracts) contract\(r.contracts == 1 ? "" : "s")"
            Terminal.out("Cloned into '\(r.name)': \(n) " + (r.branch.map { "on branch \($0)" } ?? "(HEAD detached)"))
            // git does not clone hooks or config: the pre-commit check and merge driver are per clone.
            if isatty(STDERR_FILENO) == 1 {
                Terminal.err(
                    "hint: run `pactoria hooks install` in '\(r.name)' so plain git commits and merges are checked too")
            }
        }
    }
}

/// "pushed N commits to origin/main", or git's "Everything up-to-date".
func renderPushed(_ r: Remotes.PushResult) {
    Terminal.out(
        r.commits == 0
            ? "Everything up-to-date"
            : "pushed \(r.commits) commit\(r.commits == 1 ? "" : "s") to \(r.remote)/\(r.remoteBranch)")
}

struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send your commits to a remote (sets the upstream the first time).",
        discussion: """
            Offline (the remote cannot be reached): exit 2, your commits stay safe locally; push again
            later. Rejected (someone pushed first): run `pactoria pull`, then push.

            Credentials: PACTORIA_GIT_TOKEN (a token or user:password), then git's credential
            helpers for HTTPS (credential.helper in git config; `store` is read natively, `cache`
            is skipped), then the ssh-agent, then git.ssh_key from the config.

            Examples:
              pactoria push
              pactoria push origin main
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote (default: the upstream, else origin).") var remote: String?
    @Argument(help: "The remote branch (default: the current branch's name).") var branch: String?
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let r = try Remotes.push(
                ws, remote: remote, branch: branch, credentials: Remotes.credentials(ws), progress: progressReporter())
            if quiet { return }
            renderPushed(r)
            if r.setUpstream { Terminal.out("branch '\(r.branch)' set up to track '\(r.remote)/\(r.remoteBranch)'") }
        }
    }
}

func renderPull(_ r: Remotes.PullResult, global: GlobalOptions) {
    for notice in r.notices { Terminal.err("pactoria: \(notice)") }
    let t = global.terminal
    switch r.outcome {
    case .upToDate:
        Terminal.out("Already up to date.")
    case .fastForwarded(let n, let to):
        Terminal.out("Fast-forward: \(n) commit\(n == 1 ? "" : "s") from \(r.remote), now at \(to.short)")
    case .merged(let commit, let contracts):
        Terminal.out("Merged \(r.remote)/\(r.branch) into \(r.branch) (\(commit.short))")
        for c in contracts { Terminal.out("  merged field by field: \(c)") }
    case .conflicts(let state):
        Terminal.out(
            t.paint(
                "Merge conflicts in \(state.unresolved.count) contract\(state.unresolved.count == 1 ? "" : "s"):", .red)
        )
        for c in state.unresolved {
            Terminal.out("  \(c.ref)  \(c.title)")
            for f in c.fields { Terminal.out("    ✗ \(f)") }
            for v in c.violations { Terminal.out("    ✗ \(v)") }
            if c.content { Terminal.out("    ✗ content: conflict markers in \(c.ref.markdownPath)") }
            if c.deletion {
                Terminal.out(
                    "    ✗ deleted by \(state.theirsLabel): keep it (`--ours`) or accept the deletion (`--theirs`)")
            }
        }
        for p in state.otherPaths { Terminal.out("  \(p): conflict markers") }
        Terminal.out(
            "Resolve with `pactoria resolve C --ours|--theirs|--field NAME=VALUE`, then `pactoria commit`; or `pactoria merge --abort`."
        )
    }
}

struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch a remote's commits and merge them, contract by contract.",
        discussion: """
            Fast-forwards when it can. Otherwise merges: contract metadata field by field against the
            common ancestor, the Markdown as text, and the lifecycle rules checked on the result.
            Conflicts are listed by contract and left for `pactoria resolve` and `pactoria commit`
            (or `pactoria merge --abort`). Exit 1 when conflicts remain, 2 when offline.
            A contract the remote deleted that is not a draft is a conflict too: keep it
            (`pactoria resolve C --ours`) or accept the deletion (`--theirs`).
            The merge is recorded before any file changes: if a pull is interrupted (killed, power
            cut), `pactoria merge --abort` returns to where it began, keeping your other edits, and
            running `pactoria pull` again finishes it.
            Credentials as for `pactoria push` (PACTORIA_GIT_TOKEN, git's credential helpers, ssh).

            Examples:
              pactoria pull
              pactoria pull origin main
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote (default: the upstream, else origin).") var remote: String?
    @Argument(help: "The remote branch (default: the upstream's, else the current branch's name).") var branch: String?
    @Option(help: "Author of a merge commit, as 'Name <email>'.") var author: String?

    func run() throws {
        var conflicted = false
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(author)
            let r = try Remotes.pull(
                ws, remote: remote, branch: branch, credentials: Remotes.credentials(ws), author: who,
                progress: progressReporter())
            renderPull(r, global: global)
            if case .conflicts = r.outcome { conflicted = true }
        }
        if conflicted { throw ExitCode(1) }
    }
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Pull, then push.",
        discussion: "Stops after the pull if it leaves conflicts to resolve.\n\nExample:\n  pactoria sync")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote.") var remote: String?
    @Option(help: "Author of a merge commit, as 'Name <email>'.") var author: String?

    func run() throws {
        var conflicted = false
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let r = try Remotes.sync(
                ws, remote: remote, credentials: Remotes.credentials(ws), author: try ws.resolveAuthor(author),
                progress: progressReporter())
            if let pulled = r.pull { renderPull(pulled, global: global) }
            guard let pushed = r.push else {
                conflicted = true
                return
            }
            renderPushed(try pushed.get())
        }
        if conflicted { throw ExitCode(1) }
    }
}

struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a contract's merge conflict.",
        discussion: """
            Examples:
              pactoria resolve website-care-plan-agreement --theirs
              pactoria resolve 3f2b --field contract_value.amount=7800.00
              pactoria resolve 3f2b --content      # after fixing the Markdown by hand
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The conflicted contract (id prefix, stem, company/stem or path).") var contract: String
    @Flag(help: "Keep our side (metadata and content).") var ours = false
    @Flag(help: "Take their side (metadata and content).") var theirs = false
    @Option(help: "Set one conflicting field, NAME=VALUE (dotted NAME).") var field: String?
    @Flag(help: "The Markdown's conflict markers have been resolved by hand.") var content = false

    func validate() throws {
        let n = [ours, theirs, field != nil, content].filter { $0 }.count
        if n != 1 { throw ValidationError("give exactly one of --ours, --theirs, --field NAME=VALUE, --content") }
        if let f = field, !f.contains("=") { throw ValidationError("--field takes NAME=VALUE") }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let pair = field.map { f -> (String, String) in
                let i = f.firstIndex(of: "=")!
                return (String(f[..<i]), String(f[f.index(after: i)...]))
            }
            let c = try ContractAwareMerge.resolve(
                ws, spec: contract, side: ours ? .ours : theirs ? .theirs : nil, field: pair, content: content)
            if c.isResolved {
                Terminal.out("resolved \(c.ref)")
                if MergeState.current(ws)?.unresolved.isEmpty ?? true {
                    Terminal.out("all conflicts resolved; run `pactoria commit` to finish the merge")
                }
            } else {
                Terminal.out(
                    "\(c.ref): still to resolve: "
                        + (c.fields.map(\.field) + (c.content ? ["content"] : [])).joined(separator: ", "))
            }
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Control a merge in progress.",
        discussion: """
            Works on a merge left by `pactoria pull` (conflicts, or a pull that was interrupted) and
            on one left by plain `git merge`: the files the merge brought in are put back as they
            were; other uncommitted edits stay.

            Example:
              pactoria merge --abort
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Give up the merge and return to where the pull began.") var abort = false

    func validate() throws {
        if !abort {
            throw ValidationError("only `pactoria merge --abort` is supported; merges happen in `pactoria pull`")
        }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in try ContractAwareMerge.abort(try global.workspace()) }
    }
}

struct MergeDriverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-driver",
        abstract: "Git merge driver for contract metadata (registered by `pactoria hooks install`).",
        shouldDisplay: false)
    @Argument var ancestor: String
    @Argument var ours: String
    @Argument var theirs: String
    @Argument var path: String

    func run() throws {
        do {
            let ws = try? Workspace.discover()
            // git names the commit being merged in `GITHEAD_<sha>` for merge drivers.
            let merging = ProcessInfo.processInfo.environment.keys.first { $0.hasPrefix("GITHEAD_") }.map {
                String($0.dropFirst("GITHEAD_".count))
            }
            let outcome = try MergeDriver.run(
                ancestor: ancestor, ours: ours, theirs: theirs, path: path, workspace: ws, theirsCommit: merging)
            for m in outcome.messages { Terminal.err("pactoria: \(m)") }
            if !outcome.clean { throw ExitCode(1) }
        } catch let e as WorkspaceError {
            Terminal.err("pactoria merge-driver: \(e.text(.cli))")
            throw ExitCode(2)
        }
    }
}
