import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct DPIACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpia",
        abstract: "Write the workspace's data protection impact assessment (Markdown, or JSON).",
        discussion: """
            Worked out from the workspace itself: categories of personal data by contract type
            (and how each is detected), volumes, sealed and clear contracts, the retention policy
            and what is past it, international transfers to the AI provider, the security measures
            in force, a risk rating with the rule that produced it, and recommendations. Sealed
            contracts are read through the seal when this machine holds the master key; otherwise
            they are counted as sealed and unreadable. The same workspace gives the same document
            (its one date is today's, PACTORIA_TODAY in tests). Regenerate it; do not edit it.
            A file given with -o is written whole or not at all. See docs/GDPR.md.

            Examples:
              pactoria dpia -o DPIA.md
              pactoria dpia --json
            """)
    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("o"), .long], help: "Write to this file (default: standard output).")
    var output: String?
    @Flag(help: "Print JSON instead of Markdown.") var json = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let report = try DPIA.run(ws)
            let bytes = json ? DPIA.json(report) : Array(DPIA.markdown(report).utf8)
            if let output {
                try DPIA.write(bytes, to: AbsolutePath.resolve(output))
                Terminal.err("wrote \(output) (risk: \(report.risk.level.rawValue))")
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }
}

struct GDPRRectifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rectify",
        abstract: "Correct a data subject's details across contracts (rectification, Article 16).",
        discussion: """
            A party entry (client or supplier) is the subject's when its email (for an email) or
            its name (for a name) equals the subject, ignoring case. The field is corrected in
            those entries; for name and email, the old value is also replaced where it stands on
            its own in the contract's text. Every contract changed is one commit, each with a
            contract.rectified audit event naming the field and the request (never the values).

            Drafts and contracts pending review take it as an ordinary edit. Active contracts take
            it as its own audited event (their content is re-finalized when the text changed).
            Completed, expired and terminated contracts are read-only: they are listed as refused
            and left as they are, while the others are corrected.

            Fields: name, email, company, company_number, role.
            Exit status: 0 when every contract naming the subject was corrected; 3 when some were
            corrected and others refused (read-only); 1 when nothing names the subject, or every
            contract naming it is read-only; 64 for a bad subject, field or value.

            Examples:
              pactoria gdpr rectify "Jane Smith" --field email --value jane.smith@example.co.uk
              pactoria gdpr rectify jane@example.co.uk --field name --value "Jane Smith-Jones" \\
                  --request dsr-20261130-0a1b2c --dry-run
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The data subject: an email address or a name.") var subject: String
    @Option(help: "name, email, company, company_number or role.") var field: String
    @Option(help: "The corrected value.") var value: String
    @Option(help: "The rectification request this answers (dsr-YYYYMMDD-xxxxxx); moved to in_progress.")
    var request: String?
    @Flag(help: "Show what would change; write nothing.") var dryRun = false
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var partial = false
        try guardedRun(global) { () throws(WorkspaceError) in
            guard let f = Rectification.Field(rawValue: field) else {
                throw .invalidInput(
                    field: "field",
                    message:
                        "must be one of \(Rectification.Field.allCases.map(\.rawValue).joined(separator: ", ")), got '\(field)'"
                )
            }
            let ws = try global.workspace()
            let r = try Rectification.run(
                ws, subject: subject, field: f, value: value, request: request, dryRun: dryRun,
                author: try ws.resolveAuthor(author))
            partial = !r.refused.isEmpty
            if json {
                JSON.print(RectifyJSON(r))
                return
            }
            let verb = r.dryRun ? "would correct" : "corrected"
            Terminal.out(
                "\(verb) \(r.field.rawValue) in \(r.changed.count) contract\(r.changed.count == 1 ? "" : "s")"
                    + (r.commit.map { " (commit \($0.hex.prefix(12)))" } ?? ""))
            for c in r.changed {
                let text = c.contentOccurrences > 0 ? "; \(c.contentOccurrences) in the text" : ""
                Terminal.out("  \(c.ref) (\(c.status)): \(c.parties.joined(separator: ", "))\(text)")
            }
            if !r.refused.isEmpty {
                Terminal.err(
                    "pactoria: refused \(r.refused.count) read-only contract\(r.refused.count == 1 ? "" : "s") (completed, expired or terminated); nothing was written to them:"
                )
                for x in r.refused { Terminal.err("  \(x.ref) (\(x.status))") }
            }
            if !r.unreadable.isEmpty {
                Terminal.err(
                    "pactoria: \(r.unreadable.count) sealed contract\(r.unreadable.count == 1 ? " was" : "s were") not searched: no master key on this machine"
                )
            }
            if let q = r.request { Terminal.out("request \(q.id): \(q.status.rawValue)") }
        }
        if partial { throw ExitCode(3) }
    }
}

/// `gdpr rectify --json`: what was corrected and refused (never the values).
struct RectifyJSON: Encodable {
    struct Item: Encodable {
        var contract: String
        var id: String
        var status: String
        var parties: [String]?
        var contentOccurrences: Int?
        var version: Int?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case contract, id, status, parties, version, reason
            case contentOccurrences = "content_occurrences"
        }
    }

    var field: String
    var dryRun: Bool
    var commit: String?
    var request: String?
    var changed: [Item]
    var refused: [Item]
    var unreadable: [String]

    init(_ r: Rectification.Result) {
        field = r.field.rawValue
        dryRun = r.dryRun
        commit = r.commit?.hex
        request = r.request?.id
        changed = r.changed.map {
            Item(
                contract: $0.ref.description, id: $0.id, status: $0.status, parties: $0.parties,
                contentOccurrences: $0.contentOccurrences, version: $0.version, reason: nil)
        }
        refused = r.refused.map {
            Item(contract: $0.ref.description, id: $0.id, status: $0.status, reason: $0.reason)
        }
        unreadable = r.unreadable.map(\.description)
    }

    enum CodingKeys: String, CodingKey {
        case field, commit, request, changed, refused, unreadable
        case dryRun = "dry_run"
    }
}
