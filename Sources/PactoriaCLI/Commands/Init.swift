import ArgumentParser
import PactoriaWorkspace

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace, or adopt an existing directory or git repository as one.",
        discussion: """
            Creates the git repository if there is none (through libgit2), writes .pactoria/config.yaml
            and .gitignore, and makes the first commit with every contract already present.

            Examples:
              pactoria init
              pactoria init ~/contracts --author "Jane Smith <jane@example.co.uk>"
              cp -r example-repo /tmp/demo && pactoria init /tmp/demo
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The directory (default: the current directory).")
    var directory: String?

    @Option(help: "Author of the first commit, as 'Name <email>'.")
    var author: String?

    @Option(help: "Default currency for new contracts (GBP, EUR or USD).")
    var currency = "GBP"

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let base = global.directory.map { AbsolutePath.resolve($0) }
            let dir =
                directory.map { AbsolutePath.resolve($0, relativeTo: base) } ?? base ?? AbsolutePath.currentDirectory
            let r = try InitWorkspace.run(directory: dir, author: author, defaultCurrency: currency)
            if r.initialised {
                let what = r.createdRepository ? "new git repository" : "existing git repository"
                Terminal.out(
                    "Initialised Pactoria workspace in \(r.root) (\(what), \(r.contracts) contract\(r.contracts == 1 ? "" : "s"))"
                )
            } else {
                Terminal.out("Reinitialised existing Pactoria workspace in \(r.root)")
            }
        }
    }
}
