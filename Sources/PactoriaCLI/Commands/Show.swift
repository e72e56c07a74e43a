import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a contract's metadata and content, now or as they were.",
        discussion: """
            Prints the metadata YAML and the Markdown content as one front-matter document.

            Examples:
              pactoria show website-redesign-services-agreement
              pactoria show 3f2b8c1e --version 1
              pactoria show brickline-digital/website-redesign-services-agreement --at HEAD~2
              pactoria show 3f2b --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract (UUID, id prefix, stem, company/stem or path).") var contract: String
    @Option(help: "A revision (commit, branch, HEAD~N).") var at: String?
    @Option(help: "The committed version number.") var version: Int?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if at != nil && version != nil { throw ValidationError("give --at or --version, not both") }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let snap = try ContractViews.show(ws, spec: contract, revision: at, version: version)
            let content = snap.content.map { String(decoding: $0, as: UTF8.self) }
            if json {
                JSON.print(ContractVersionJSON(snap))
                return
            }
            let t = global.terminal
            if let c = snap.commit {
                Terminal.out(t.paint("commit \(c.id.hex)", .yellow))
                Terminal.out("Author: \(c.author.formatted)")
                Terminal.out("Date:   \(iso(c.author.time))")
            } else {
                Terminal.out(t.paint("working tree", .yellow))
            }
            Terminal.out(
                "Contract: \(snap.ref)" + (snap.contract.map { " (version \($0.version), \($0.status))" } ?? ""))
            Terminal.out("")
            Terminal.out("---")
            Terminal.writeRaw(Array((snap.metadataText ?? "").utf8))
            Terminal.out("---")
            if let content { Terminal.writeRaw(Array(content.utf8)) }
        }
    }
}
