import ArgumentParser
import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

struct GDPRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gdpr",
        abstract: "Data-subject rights: find and export a person's data, and track their requests.",
        discussion: """
            A subject is an email address (matched exactly, ignoring case) or a name (matched as whole
            words, ignoring case), at least 3 characters. See docs/GDPR.md.
            """,
        subcommands: [
            Find.self, Export.self, GDPREraseCommand.self, GDPRRectifyCommand.self, RequestCommand.self, Requests.self,
            GDPRConsentCommand.self,
        ])

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "find",
            abstract: "List every contract, audit entry, user and security event that mentions a subject.",
            discussion: """
                Contracts are searched in their metadata and content, in the working tree and in every
                committed version: a contract whose earlier versions named the subject is listed with the
                first and last commit that did. Exit status: 0 when something matches, 1 when nothing
                does (like grep), 64 for a subject that cannot be searched for.

                Examples:
                  pactoria gdpr find jane@example.co.uk
                  pactoria gdpr find "Jane Smith" --json
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An email address or a name.") var subject: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var none = false
            try guarded(global) { () throws(WorkspaceError) in
                let s = try DataSubject(subject)
                let ws = try global.workspace()
                let found = try SubjectRecords.find(ws, subject: s)
                none = found.isEmpty
                if json {
                    JSON.print(found)
                    return
                }
                if found.isEmpty {
                    Terminal.out("nothing mentions \(s.text)")
                    return
                }
                render(found)
            }
            if none { throw ExitCode(1) }
        }

        func render(_ f: SubjectFindings) {
            if !f.contracts.isEmpty {
                Terminal.out("Contracts (\(f.contracts.count)):")
                var t = Table()
                t.maxWidths = [nil, 40, nil, 60]
                t.add(["CONTRACT", "TITLE", "WHERE", "MATCH"])
                for c in f.contracts {
                    let hits = c.current ? c.matches : c.historicalMatches
                    let when: String
                    if c.current {
                        when = "now"
                    } else {
                        let first = c.firstCommit.map { String($0.prefix(8)) } ?? "?"
                        let last = c.lastCommit.map { String($0.prefix(8)) } ?? "?"
                        when = "history \(first)…\(last) (\(c.firstDate ?? "?")…\(c.lastDate ?? "?"))"
                    }
                    for (i, h) in hits.enumerated() {
                        let place =
                            "\((h.file as NSString).lastPathComponent):\(h.line)" + (h.field.map { " \($0)" } ?? "")
                        t.add([i == 0 ? c.path : "", i == 0 ? (c.title ?? "") : "", i == 0 ? when : "", place])
                    }
                }
                Terminal.outLines(t.render())
            }
            if !f.auditEntries.isEmpty {
                Terminal.out("Audit entries (\(f.auditEntries.count)):")
                var t = Table()
                t.maxWidths = [nil, nil, nil, 50, 50]
                t.add(["COMMIT", "TIME", "FIELD", "VALUE", "SUMMARY"])
                for a in f.auditEntries {
                    t.add([String(a.commit.prefix(8)), a.time, a.field, a.value, a.summary])
                }
                Terminal.outLines(t.render())
            }
            if !f.users.isEmpty {
                Terminal.out("Users (\(f.users.count)):")
                var t = Table()
                t.add(["EMAIL", "NAME", "ROLE", "COMPANY"])
                for u in f.users { t.add([u.email, u.fullName, u.role, u.company]) }
                Terminal.outLines(t.render())
            }
            if !f.securityEvents.isEmpty {
                Terminal.out("Security events (\(f.securityEvents.count)):")
                var t = Table()
                t.maxWidths = [nil, nil, nil, 60]
                t.add(["TIME", "KIND", "ACTOR", "DETAIL"])
                for e in f.securityEvents { t.add([e.time, e.kind, e.actor ?? "", e.detail]) }
                Terminal.outLines(t.render())
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a subject's data as JSON (access and portability, Articles 15 and 20).",
            discussion: """
                Sections: export_metadata, user_profile (never a password hash), contracts (full current
                metadata and content), audit_logs (the last two years), ai_interactions, security_events.
                The file is written whole or not at all. Exit status 1 when nothing mentions the subject.

                Example:
                  pactoria gdpr export jane@example.co.uk -o jane-export.json
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An email address or a name.") var subject: String
        @Option(name: [.customShort("o"), .long], help: "Write to this file (default: standard output).")
        var output: String?

        func run() throws {
            var none = false
            try guarded(global) { () throws(WorkspaceError) in
                let s = try DataSubject(subject)
                let ws = try global.workspace()
                let (bytes, empty) = try SubjectRecords.exportJSON(ws, subject: s)
                none = empty
                if let output {
                    try SubjectSearch.writeFile(bytes, to: AbsolutePath.resolve(output))
                    Terminal.err("wrote \(output)")
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
            }
            if none { throw ExitCode(1) }
        }
    }

    struct RequestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request",
            abstract: "Record a data-subject request, or close one.",
            subcommands: [New.self, Close.self])

        struct New: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "new",
                abstract: "Record a request received from a data subject (due 30 days after receipt).",
                discussion: """
                    Types: access, rectification, erasure, portability, restriction, objection. The record
                    is committed as .pactoria/gdpr/requests/<id>.yaml.

                    Example:
                      pactoria gdpr request new --type access --subject jane@example.co.uk --received 2026-03-01
                    """)
            @OptionGroup var global: GlobalOptions
            @Option(help: "access, rectification, erasure, portability, restriction or objection.") var type: String
            @Option(help: "The subject's email address or name.") var subject: String
            @Option(help: "When it was received (YYYY-MM-DD; default today).") var received: String?
            @Option(help: "The company it concerns (a slug).") var company: String?
            @Option(help: "Details of the request.") var details: String?
            @Option(help: "Author, as 'Name <email>'.") var author: String?
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                try guarded(global) { () throws(WorkspaceError) in
                    guard let kind = DataSubjectRequest.Kind(rawValue: type) else {
                        throw .invalidInput(
                            field: "type",
                            message:
                                "must be one of \(DataSubjectRequest.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(type)'"
                        )
                    }
                    var date: CalendarDate?
                    if let received {
                        guard let d = CalendarDate(received) else {
                            throw .invalidInput(
                                field: "received", message: "must be a date YYYY-MM-DD, got '\(received)'")
                        }
                        date = d
                    }
                    let ws = try global.workspace()
                    let who = try ws.resolveAuthor(author)
                    let r = try DataSubjectRequests.create(
                        ws, kind: kind, subject: subject, received: date, company: company, details: details,
                        author: who)
                    if json {
                        JSON.print(r)
                    } else {
                        Terminal.out("recorded \(r.kind.rawValue) request \(r.id), due \(r.due)")
                    }
                }
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "close",
                abstract: "Close a request as completed or refused, saying what was done.",
                discussion: """
                    Example:
                      pactoria gdpr request close dsr-20260301-0a1b2c --status completed --outcome "Export sent"
                    """)
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The request id (dsr-YYYYMMDD-xxxxxx).") var id: String
            @Option(help: "completed or refused.") var status: String
            @Option(help: "What was done, or why it was refused.") var outcome: String
            @Option(help: "Author, as 'Name <email>'.") var author: String?

            func run() throws {
                try guarded(global) { () throws(WorkspaceError) in
                    guard let s = DataSubjectRequest.Status(rawValue: status), s.isClosed else {
                        throw .invalidInput(field: "status", message: "must be completed or refused, got '\(status)'")
                    }
                    let ws = try global.workspace()
                    let who = try ws.resolveAuthor(author)
                    let r = try DataSubjectRequests.close(ws, id: id, status: s, outcome: outcome, author: who)
                    Terminal.out("closed request \(r.id): \(r.status.rawValue)")
                }
            }
        }
    }

    struct Requests: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "requests",
            abstract: "List data-subject requests, overdue ones first, then by due date.",
            discussion: "Exit status 1 when a request file is damaged (it is reported, not listed).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this company's requests.") var company: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var failed = false
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let today = CalendarDate.today()
                let (requests, problems) = DataSubjectRequests.list(ws, company: company, today: today)
                for p in problems { Terminal.err("pactoria: \(p)") }
                failed = !problems.isEmpty
                if json {
                    JSON.print(requests.map { RequestJSON(request: $0, overdue: $0.isOverdue(today: today)) })
                    return
                }
                if requests.isEmpty {
                    Terminal.out("no data-subject requests")
                    return
                }
                var t = Table()
                t.maxWidths = [nil, nil, 40, nil, nil, nil, 50]
                t.add(["ID", "TYPE", "SUBJECT", "RECEIVED", "DUE", "STATUS", "OUTCOME"])
                for r in requests {
                    let status = r.isOverdue(today: today) ? "\(r.status.rawValue) (OVERDUE)" : r.status.rawValue
                    t.add([
                        r.id, r.kind.rawValue, r.subject, r.received.description, r.due.description, status,
                        r.outcome ?? "",
                    ])
                }
                Terminal.outLines(t.render())
            }
            if failed { throw ExitCode(1) }
        }
    }
}

/// A request with whether it is overdue today, as `gdpr requests --json` prints it.
struct RequestJSON: Encodable {
    var request: DataSubjectRequest
    var overdue: Bool

    func encode(to encoder: any Encoder) throws {
        try request.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(overdue, forKey: .overdue)
    }

    enum Key: String, CodingKey { case overdue }
}
