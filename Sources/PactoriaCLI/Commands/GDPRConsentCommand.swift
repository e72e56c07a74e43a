import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaWorkspace

/// `pactoria gdpr consent record|withdraw|check|list`: append-only consent records.
struct GDPRConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record, withdraw, check and list consent (append-only records).",
        discussion: """
            Purposes: \(purposes). Legal bases (UK GDPR Article 6): \(bases). Each event is a new
            committed file .pactoria/gdpr/consent/<id>.yaml that is never rewritten; the current state
            of a subject's purpose is its latest event. With gdpr: { require_consent: true } in
            .pactoria/config.yaml, AI generation and analysis need the acting user's ai_analysis consent.
            See docs/GDPR.md.
            """,
        subcommands: [Record.self, Withdraw.self, Check.self, List.self])

    static let purposes = ConsentRecord.Purpose.allCases.map(\.rawValue).joined(separator: ", ")
    static let bases = ConsentRecord.LegalBasis.allCases.map(\.rawValue).joined(separator: ", ")

    static func purpose(_ text: String) throws(WorkspaceError) -> ConsentRecord.Purpose {
        guard let p = ConsentRecord.Purpose(rawValue: text) else {
            throw .invalidInput(field: "purpose", message: "must be one of \(purposes), got '\(text.prefix(60))'")
        }
        return p
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record that a subject gave consent (or another lawful basis) for a purpose.",
            discussion: """
                --text is the exact text the subject was shown (at most 4000 characters; line feeds
                allowed, no carriage returns or other control characters).

                Example:
                  pactoria gdpr consent record --subject jane@example.co.uk --purpose ai_analysis \\
                    --basis consent --text "I agree that my contracts may be analysed by an AI service." --method web
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subject: a user's email address.") var subject: String
        @Option(help: "\(GDPRConsentCommand.purposes).") var purpose: String
        @Option(help: "\(GDPRConsentCommand.bases).") var basis: String
        @Option(help: "The exact text the subject was shown.") var text: String
        @Option(help: "How it was collected: cli, api, web, paper, email… (default cli).") var method: String = "cli"
        @Option(help: "The company it is recorded for (a slug).") var company: String?
        @Option(help: "Author, as 'Name <email>'.") var author: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let p = try GDPRConsentCommand.purpose(purpose)
                guard let b = ConsentRecord.LegalBasis(rawValue: basis) else {
                    throw .invalidInput(
                        field: "basis", message: "must be one of \(GDPRConsentCommand.bases), got '\(basis.prefix(60))'"
                    )
                }
                let ws = try global.workspace()
                let who = try ws.resolveAuthor(author)
                let r = try ConsentRecords.record(
                    ws, subject: subject, purpose: p, basis: b, text: text, method: method, company: company,
                    author: who)
                if json {
                    JSON.print(r)
                } else {
                    Terminal.out("recorded \(r.id): \(r.subject) gave \(r.purpose.rawValue) (\(r.legalBasis.rawValue))")
                }
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Record that a subject withdrew consent for a purpose (a new event; earlier ones stay).",
            discussion: """
                Example:
                  pactoria gdpr consent withdraw --subject jane@example.co.uk --purpose marketing --method email
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subject: a user's email address.") var subject: String
        @Option(help: "\(GDPRConsentCommand.purposes).") var purpose: String
        @Option(help: "What the subject said or was shown, if anything.") var text: String?
        @Option(help: "How it was collected: cli, api, web, paper, email… (default cli).") var method: String = "cli"
        @Option(help: "The company it is recorded for (a slug).") var company: String?
        @Option(help: "Author, as 'Name <email>'.") var author: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let p = try GDPRConsentCommand.purpose(purpose)
                let ws = try global.workspace()
                let who = try ws.resolveAuthor(author)
                let r = try ConsentRecords.withdraw(
                    ws, subject: subject, purpose: p, text: text, method: method, company: company, author: who)
                if json {
                    JSON.print(r)
                } else {
                    Terminal.out("recorded \(r.id): \(r.subject) withdrew \(r.purpose.rawValue)")
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Say whether a subject's consent for a purpose is valid (its latest event gives it).",
            discussion: """
                Exit status: 0 when valid, 1 when not (never given, or withdrawn), 64 for bad input.

                Example:
                  pactoria gdpr consent check --subject jane@example.co.uk --purpose ai_analysis
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subject: a user's email address.") var subject: String
        @Option(help: "\(GDPRConsentCommand.purposes).") var purpose: String

        func run() throws {
            var valid = false
            try guarded(global) { () throws(WorkspaceError) in
                let p = try GDPRConsentCommand.purpose(purpose)
                let ws = try global.workspace()
                let (status, problems) = try ConsentRecords.status(ws, subject: subject, purpose: p)
                for problem in problems { Terminal.err("pactoria: \(problem)") }
                valid = status.isValid
                let who = status.subject
                if let l = status.latest {
                    let verb = l.state == .given ? "valid" : "not valid"
                    Terminal.out(
                        "\(verb): \(who) \(l.state.rawValue) \(p.rawValue) on \(l.time) (\(l.legalBasis.rawValue), \(l.id))"
                    )
                } else {
                    Terminal.out("not valid: \(who) has no \(p.rawValue) consent recorded")
                }
            }
            if !valid { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List consent events, oldest first, with each subject's current state.",
            discussion: "Exit status 1 when a consent file is damaged (it is reported, not listed).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this subject's events.") var subject: String?
        @Option(help: "Only events recorded for this company.") var company: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var failed = false
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let (records, problems) = ConsentRecords.list(ws, subject: subject, company: company)
                for p in problems { Terminal.err("pactoria: \(p)") }
                failed = !problems.isEmpty
                let current = Set(ConsentRecords.current(records).compactMap { $0.latest?.id })
                if json {
                    JSON.print(records.map { ConsentJSON(record: $0, current: current.contains($0.id)) })
                    return
                }
                if records.isEmpty {
                    Terminal.out("no consent records")
                    return
                }
                var t = Table()
                t.maxWidths = [nil, 40, nil, nil, nil, nil, nil, 40]
                t.add(["ID", "SUBJECT", "PURPOSE", "STATE", "BASIS", "METHOD", "TIME", "TEXT"])
                for r in records {
                    let state = current.contains(r.id) ? "\(r.state.rawValue) (current)" : r.state.rawValue
                    let text = (r.text ?? "").replacingOccurrences(of: "\n", with: " ")
                    t.add([
                        r.id, r.subject, r.purpose.rawValue, state, r.legalBasis.rawValue, r.method, r.time.description,
                        text,
                    ])
                }
                Terminal.outLines(t.render())
            }
            if failed { throw ExitCode(1) }
        }
    }
}

/// A consent event with whether it is its pair's current state, as `gdpr consent list --json`
/// prints it.
struct ConsentJSON: Encodable {
    var record: ConsentRecord
    var current: Bool

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(current, forKey: .current)
    }

    enum Key: String, CodingKey { case current }
}
