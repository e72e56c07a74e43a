import ArgumentParser
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct Move: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Move a contract to another company, on the record.",
        discussion: """
            A contract's company is part of its identity: moving its files by hand (or with git) is
            refused by `status`, `commit`, `check` and the pre-commit hook. This verb moves both
            files and commits the move at once, audited as its own event (Pactoria-Event:
            contract.moved, Pactoria-From and Pactoria-To name the companies).

            Completed, expired and terminated contracts are read-only and cannot be moved. The
            contract's files must have no uncommitted changes.

            Example:
              pactoria move website-care-plan-agreement --to ancoats-bakehouse
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract (UUID, id prefix, stem, company/stem or path).") var contract: String
    @Option(help: "The company (slug) to move it to.") var to: String
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(author)
            let r = try MoveContract.run(ws, spec: contract, to: to, author: who)
            if json {
                JSON.print(["commit": r.commit.hex, "id": r.id, "from": r.from.yamlPath, "to": r.to.yamlPath])
            } else {
                let branch = (try? ws.repository().currentBranch()) ?? nil
                Terminal.out("[\(branch ?? "detached HEAD") \(r.commit.hex.prefix(7))] moved \(r.from) → \(r.to)")
            }
        }
    }
}
