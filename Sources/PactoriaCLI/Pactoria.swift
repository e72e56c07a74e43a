public import ArgumentParser
import PactoriaCore
import PactoriaWorkspace

/// The `pactoria` command tree. Commands parse, call a use case in PactoriaWorkspace, and render.
/// The root is async so that `serve` runs its server on the process's own task.
///
/// Every command names itself (`commandName:`): otherwise ArgumentParser derives each name from the
/// type's name through `String(describing:)`, whose protocol-conformance lookups cost about 8 ms of
/// every run's start-up across this tree.
public struct Pactoria: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pactoria",
        abstract: "A git-native contract repository for UK small businesses.",
        discussion: """
            Contracts live as plain files in a git repository: YAML metadata beside Markdown content,
            one directory per company. Every change is a commit, and the history is the audit trail.

            Exit codes: 0 success; 1 refused (invalid contracts, not found, nothing to commit, rule
            broken, merge conflicts); 2 offline (a remote could not be reached; nothing lost); 64 bad
            usage or option value; 128 not a workspace or the repository cannot be used.
            """,
        version: PactoriaVersion.current,
        subcommands: [
            Init.self, CompanyCommand.self, New.self, Status.self, Commit.self, Log.self, Show.self, Diff.self,
            List.self, Submit.self, RequestChanges.self, Finalize.self, Activate.self, Complete.self,
            Terminate.self, Expire.self, ExpiringCommand.self, AnalyticsCommand.self, AuditCommand.self,
            CheckCommand.self,
            ReviewCommand.self, HooksCommand.self, UserCommand.self, TokenCommand.self, Serve.self, RemoteCommand.self,
            Clone.self, Push.self, Pull.self,
            SyncCommand.self, Resolve.self, MergeCommand.self, MergeDriverCommand.self, TemplatesCommand.self,
            Recommend.self, Generate.self, Analyze.self, EvalCommand.self, Move.self, Unlock.self, GDPRCommand.self,
            SealCommand.self, KeysCommand.self, RetentionCommand.self, TextconvCommand.self, DPIACommand.self,
            ReportCommand.self,
            QueueCommand.self, CalendarCommand.self,
        ])

    public init() {}
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in DIR.", valueName: "DIR"))
    var directory: String?

    @Flag(name: .long, help: "Print more detail when something fails.")
    var verbose = false

    @Flag(name: .customLong("no-color"), help: "Never use colour (also: NO_COLOR set).")
    var noColor = false

    /// The workspace around the directory the user means.
    func workspace() throws(WorkspaceError) -> Workspace {
        let ws = try Workspace.discover(from: directory)
        // Finish a write a killed process left half-done (one stat when there is none).
        for note in Recovery.onOpen(ws) { Terminal.err("pactoria: \(note)") }
        return ws
    }

    var terminal: Terminal { Terminal(noColor: noColor) }

    /// Once the command line is parsed: name this process in the workspace's write lock.
    func validate() throws { WriteLock.command = Invocation.name }
}
