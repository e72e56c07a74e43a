import ArgumentParser
import Foundation
import PactoriaGit
import PactoriaWorkspace

struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit",
        abstract: "Validate and commit every change in the workspace.",
        discussion: """
            Refuses, listing every problem and committing nothing, if any changed contract is invalid.
            Bumps `version` (and `updated_at`) of each contract whose Markdown changed, stages the
            workspace's files and commits through libgit2. The message carries audit trailers, one set
            per contract: Pactoria-Contract, Pactoria-Event, Pactoria-Version.

            Examples:
              pactoria commit -m "Agree revised fees with Harbour Foods"
              pactoria commit -m "New NDA" --author "Jane Smith <jane@example.co.uk>"
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The commit message.") var message: String
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(author)
            let r = try CommitChanges.run(ws, message: message, author: who)
            if json {
                JSON.print(
                    CommitJSON(
                        commit: r.commit.hex,
                        contracts: r.contracts.map {
                            .init(id: $0.id, path: $0.ref.yamlPath, event: $0.event, version: $0.version)
                        }))
                return
            }
            for h in r.hooks where !h.succeeded {
                Terminal.err("warning: \(h.warning(.cli) ?? "")")
                if !h.skipped, !h.output.isEmpty {
                    for line in h.output.split(separator: "\n").prefix(20) { Terminal.err("  \(line)") }
                }
            }
            if quiet { return }
            let branch = (try? ws.repository().currentBranch()) ?? nil
            Terminal.out("[\(branch ?? "detached HEAD") \(r.commit.short)] \(r.summary)")
            for e in r.contracts {
                Terminal.out(" \(e.event.replacingOccurrences(of: "contract.", with: "")) \(e.ref) (v\(e.version))")
            }
        }
    }
}
