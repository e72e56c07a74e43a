import ArgumentParser
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

/// Options shared by every lifecycle verb.
struct TransitionOptions: ParsableArguments {
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Option(name: .shortAndLong, help: "The commit message (default: the action and the title).") var message: String?
    @Flag(name: .customLong("no-commit"), help: "Write and stage the change, but do not commit.") var noCommit = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false
}

/// Runs one verb on one contract and renders the result git-style.
func runTransition(
    _ action: LifecycleAction, contract: String, reason: String?, global: GlobalOptions, options: TransitionOptions
) throws(ExitCode) {
    try guardedRun(global) { () throws(WorkspaceError) in
        let ws = try global.workspace()
        let who = try ws.resolveAuthor(options.author)
        let o = try Transitions.run(
            ws, try ResolvedContract.find(ws, contract),
            .init(action, reason: reason, author: who, message: options.message, commit: !options.noCommit))
        renderTransitions([o], commit: o.commit?.hex, hooks: o.hooks, ws: ws, global: global, options: options)
    }
}

func renderTransitions(
    _ outcomes: [Transitions.Outcome], commit: String?, hooks: [HookRun], ws: Workspace, global: GlobalOptions,
    options: TransitionOptions
) {
    if options.json {
        JSON.print(TransitionsJSON(outcomes, commit: commit, hooks: hooks))
    } else if !options.quiet {
        let t = global.terminal
        if let commit {
            let branch = (try? ws.repository().currentBranch()) ?? nil
            let repo = try? ws.repository()
            let subject = CommitSummary.subject(repo, commit)
            Terminal.out("[\(branch ?? "detached HEAD") \(commit.prefix(7))] \(subject)")
        }
        for o in outcomes {
            let change = o.from == o.to ? o.to : "\(o.from) → \(t.paint(o.to, .green))"
            Terminal.out(" \(o.action.verb) \(o.ref) (\(change), v\(o.version))")
        }
        if commit == nil && !outcomes.isEmpty {
            Terminal.out("staged, not committed; run `pactoria commit` when ready")
        }
    }
    for h in hooks where !h.succeeded {
        Terminal.err("warning: \(h.warning(.cli) ?? "")")
        if !h.skipped, !h.output.isEmpty {
            for line in h.output.split(separator: "\n").prefix(20) { Terminal.err("  \(line)") }
        }
    }
}

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a draft for review (draft → pending_review).",
        discussion: "Example:\n  pactoria submit website-redesign-services-agreement")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract (UUID, id prefix, stem, company/stem or path).") var contract: String
    @OptionGroup var options: TransitionOptions
    func run() throws { try runTransition(.submit, contract: contract, reason: nil, global: global, options: options) }
}

struct RequestChanges: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request-changes",
        abstract: "Send a contract under review back to draft (pending_review → draft).",
        discussion: "Example:\n  pactoria request-changes 3f2b --reason \"Cap liability at the fees paid\"")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @Option(help: "Why changes are needed (required).") var reason: String?
    @OptionGroup var options: TransitionOptions
    func run() throws {
        try runTransition(.requestChanges, contract: contract, reason: reason, global: global, options: options)
    }
}

struct Finalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finalize",
        abstract: "Record the current Markdown as the human-reviewed final content.",
        discussion: """
            Stores the SHA-256 of the content, who and when under lifecycle.final_content. A contract
            can only be activated when its content matches; an active contract whose content changes
            must be finalized again (its version goes up).

            Example:
              pactoria finalize website-redesign-services-agreement
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @OptionGroup var options: TransitionOptions
    func run() throws {
        try runTransition(.finalize, contract: contract, reason: nil, global: global, options: options)
    }
}

struct Activate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Activate a reviewed contract (pending_review → active).",
        discussion: """
            Refused unless the content is final (see `pactoria finalize`) and the end_date has not
            passed. Draft contracts may be activated directly when .pactoria/config.yaml sets
            `require_review: false`.

            Example:
              pactoria activate website-redesign-services-agreement
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @OptionGroup var options: TransitionOptions
    func run() throws {
        try runTransition(.activate, contract: contract, reason: nil, global: global, options: options)
    }
}

struct Complete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Mark an active contract as completed (read-only from then on).",
        discussion: "Example:\n  pactoria complete 3f2b --reason \"All deliverables accepted\"")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @Option(help: "Why (optional).") var reason: String?
    @OptionGroup var options: TransitionOptions
    func run() throws {
        try runTransition(.complete, contract: contract, reason: reason, global: global, options: options)
    }
}

struct Terminate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminate",
        abstract: "Terminate a draft, pending or active contract (the reason is required).",
        discussion: """
            Nothing is deleted: termination is the soft delete, and the contract becomes read-only.

            Example:
              pactoria terminate 3f2b --reason "Client went into administration"
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @Option(help: "Why the contract ends (required).") var reason: String?
    @OptionGroup var options: TransitionOptions
    func run() throws {
        try runTransition(.terminate, contract: contract, reason: reason, global: global, options: options)
    }
}

struct Expire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire",
        abstract: "Expire active contracts whose end date has passed.",
        discussion: """
            With a contract, expires that one (refused unless its end_date is before today). With
            none, sweeps the whole workspace in one commit and lists what it expired.

            Examples:
              pactoria expire
              pactoria expire office-cleaning-services
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract (default: every active contract past its end date).") var contract: String?
    @OptionGroup var options: TransitionOptions

    func run() throws {
        if let contract {
            try runTransition(.expire, contract: contract, reason: nil, global: global, options: options)
            return
        }
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(options.author)
            let r = try Transitions.expireAll(ws, author: who, commit: !options.noCommit)
            if r.outcomes.isEmpty && !options.json {
                if !options.quiet { Terminal.out("nothing to expire: no active contract has passed its end date") }
                return
            }
            renderTransitions(
                r.outcomes, commit: r.commit?.hex, hooks: r.hooks, ws: ws, global: global, options: options)
        }
    }
}

struct ExpiringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiring",
        abstract: "List active contracts ending, renewing or due notice within a window, soonest first.",
        discussion: "Examples:\n  pactoria expiring\n  pactoria expiring --days 90 --json")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The window, in days from today.") var days = 30
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let entries = try Expiring.run(ws, days: days)
            if json {
                JSON.print(entries.map(ExpiringJSON.init))
                return
            }
            if entries.isEmpty {
                Terminal.out("no active contract ends in the next \(days) days")
                return
            }
            var table = Table()
            table.maxWidths = [nil, nil, 40, 50]
            for e in entries {
                func left(_ n: Int) -> String { n == 0 ? "today" : n < 0 ? "\(-n)d ago" : "\(n)d" }
                var note: [String] = []
                if e.renews { note.append("renews" + (e.renewalTerm.map { " for \($0)" } ?? "")) }
                if let d = e.noticeDeadline, let n = e.noticeDaysLeft { note.append("notice by \(d) (\(left(n)))") }
                table.add([
                    e.date.description, left(e.daysLeft), e.summary.ref.description, e.summary.title,
                    note.joined(separator: "; "),
                ])
            }
            Terminal.outLines(table.render())
        }
    }
}
