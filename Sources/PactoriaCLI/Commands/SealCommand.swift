import ArgumentParser
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct SealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal a company or a contract: ciphertext in git, plaintext in the working tree.",
        discussion: """
            From this commit on, the contract files are stored in git, and so on every remote, as
            AES-256-GCM ciphertext under a per-contract data key. The working tree keeps
            plaintext, and every verb reads and writes through the seal. Data keys are wrapped by
            the master key (PACTORIA_MASTER_KEY, or the key file in the git directory, made here
            if there is none: back it up). The keyring travels with push, pull and clone.

            The title, type, status, dates and value stay in clear for listing without the key
            (`sealing.clear_fields` in the config). Versions committed before sealing stay in
            clear in the history.

            Example:
              pactoria seal ancoats-bakehouse
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A company (slug) or a contract (UUID, id prefix, stem, company/stem or path).")
    var target: String
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let r = try SealContracts.run(ws, target: target, author: try ws.resolveAuthor(author))
            if let path = r.createdKeyFile {
                Terminal.err("pactoria: created the master key file \(path) (mode 0600); back it up")
            }
            if json {
                JSON.print([
                    "sealed": r.target, "commit": r.commit?.hex ?? "",
                    "contracts": r.contracts.map(\.description).joined(separator: ","),
                ])
                return
            }
            Terminal.out("sealed \(r.target): \(r.contracts.count) contract\(r.contracts.count == 1 ? "" : "s")")
            if !r.clearHistory.isEmpty {
                Terminal.err(
                    "pactoria: \(r.clearHistory.count) of them have earlier versions committed in clear; sealing protects what is committed from now on"
                )
            }
        }
    }
}

struct GDPREraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a data subject's personal data by crypto-shredding (Article 17).",
        discussion: """
            Finds every contract mentioning the subject. If a retention obligation applies to any
            (an active contract, or one inside its retention period), nothing changes and each
            obligation is named with the day it ends. Otherwise the data keys of the sealed ones
            are destroyed, so no version of them can be read any more, here or on any remote,
            while every commit id stays; what stays in clear is pseudonymised in one audited
            commit. The reason is kept in the audit trail: it must not name the subject.

            Example:
              pactoria gdpr erase "Jane Doe" --reason "Article 17 request of 2026-11-30"
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The data subject: a name or an email.") var subject: String
    @Option(help: "Why (kept in the audit trail; no personal data).") var reason: String
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let r = try Erasure.run(ws, subject: subject, reason: reason, author: try ws.resolveAuthor(author))
            if json {
                JSON.print([
                    "commit": r.commit.hex, "erased": r.erased.map(\.description).joined(separator: ","),
                    "keys_destroyed": "\(r.keysDestroyed)",
                ])
                return
            }
            for ref in r.erased { Terminal.out("erased \(ref)") }
            if !r.clearHistory.isEmpty {
                Terminal.err(
                    "pactoria: \(r.clearHistory.count) contract(s) were never sealed: erased from now on, but their history still holds the data"
                )
            }
        }
    }
}

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show which contracts a retention obligation still keeps, and until when.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let rows = try RetentionReport.run(ws)
            if json {
                JSON.print(
                    rows.map {
                        [
                            "contract": $0.ref.description, "status": $0.status,
                            "kept_until": $0.obligation?.until?.description ?? "",
                            "obligation": $0.obligation?.reason ?? "", "due": $0.obligation == nil ? "yes" : "no",
                        ]
                    })
                return
            }
            var table = Table()
            table.add(["CONTRACT", "STATUS", "KEPT UNTIL", "WHY"])
            for r in rows {
                table.add([
                    r.ref.description, r.status, r.obligation.map { $0.until?.description ?? "open-ended" } ?? "due",
                    r.obligation?.reason ?? "no obligation: may be erased",
                ])
            }
            Terminal.outLines(table.render())
        }
    }
}

struct TextconvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textconv",
        abstract: "Git textconv driver: a sealed contract file's plaintext (registered by `pactoria hooks install`).",
        shouldDisplay: false)
    @Argument var file: String

    func run() throws {
        do {
            let ws = try Workspace.discover()
            Terminal.writeRaw(try Textconv.plaintext(ws, file: file))
        } catch {
            Terminal.err("pactoria textconv: \(error.text(.cli))")
            throw ExitCode(2)
        }
    }
}
