import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit trail: who did what to which contract, and why, read from history.",
        discussion: """
            Events come from the audit trailers of pactoria's commits. Commits made with plain git
            still appear, with events inferred from what changed, marked `*` (and "inferred": true
            in JSON).

            A commit with more than 20 inferred events of one kind (a bulk import or edit made
            with plain git) shows them as one row, marked `×`: how many, in how many companies,
            and the details they all share (else "various"). --expand lists each one; --json
            always does. The filters apply first, so `--contract C` shows C's own event.

            Examples:
              pactoria audit
              pactoria audit --expand
              pactoria audit --contract website-redesign-services-agreement
              pactoria audit --event terminated --since 2026-01-01 --json
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this contract (UUID, id prefix, stem, company/stem or path).") var contract: String?
    @Option(help: "Only this event (e.g. contract.activated, or activated).") var event: String?
    @Option(help: "Only events by an actor whose name or email contains this.") var actor: String?
    @Option(help: "Only from this date (YYYY-MM-DD).") var since: String?
    @Option(help: "Only up to this date (YYYY-MM-DD).") var until: String?
    @Option(name: [.customShort("n"), .long], help: "At most this many rows (events, with --json).") var maxCount: Int?
    @Flag(help: "List every event of a bulk commit, one row each.") var expand = false
    @Flag(help: "Print JSON (every event, one object each).") var json = false

    func validate() throws {
        if let since, CalendarDate(since) == nil {
            throw ValidationError("--since must be a date YYYY-MM-DD, got '\(since)'")
        }
        if let until, CalendarDate(until) == nil {
            throw ValidationError("--until must be a date YYYY-MM-DD, got '\(until)'")
        }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let filter = Audit.Filter(
                contract: contract, event: event, actor: actor, since: since.flatMap(CalendarDate.init),
                until: until.flatMap(CalendarDate.init))
            if json {
                let entries = try Audit.run(ws, filter: filter, limit: maxCount)
                let iso = ISO8601DateFormatter()
                JSON.print(entries.map { AuditEntryJSON($0, iso: iso) })
                return
            }
            let rows = try Audit.rows(ws, filter: filter, limit: maxCount, expand: expand)
            if rows.isEmpty {
                Terminal.out("no audit events match")
                return
            }
            let t = global.terminal
            var table = Table()
            table.maxWidths = [nil, nil, nil, 40, nil, 60]
            table.rows.reserveCapacity(rows.count)
            // Entries of one commit share its time: format each time once.
            var shown: (time: Date, text: String)?
            func when(_ time: Date) -> String {
                if let shown, shown.time == time { return shown.text }
                let text = minute(time)
                shown = (time, text)
                return text
            }
            var inferred = false
            var summarized = false
            for row in rows {
                switch row {
                case .entry(let e):
                    var what = eventName(e.event)
                    if let f = e.from, let to = e.to { what += " (\(f) → \(to))" }
                    var note = e.reason.map { "reason: \($0)" } ?? ""
                    if e.inferred { note = e.details.joined(separator: "; ") }
                    inferred = inferred || e.inferred
                    table.add([
                        t.paint(e.commit.short, .yellow), when(e.time) + (e.inferred ? " *" : "  "),
                        what, e.ref?.description ?? String(e.contractID.prefix(8)), actorName(e.actor), note,
                    ])
                case .summary(let s):
                    inferred = true
                    summarized = true
                    let companies = "\(s.companies) compan\(s.companies == 1 ? "y" : "ies")"
                    table.add([
                        t.paint(s.commit.short, .yellow), when(s.time) + " *",
                        "\(eventName(s.event)) ×\(thousands(s.count))", "contracts in \(companies)",
                        actorName(s.actor), s.details.map { $0.joined(separator: "; ") } ?? "various",
                    ])
                }
            }
            var lines = table.render()
            if inferred { lines.append("* inferred from a commit without audit trailers") }
            if summarized {
                lines.append(
                    "× more than \(Audit.summaryThreshold) of one event in one commit, counted in one row: --expand lists each"
                )
            }
            Terminal.outLines(lines)
        }
    }
}

/// The name part of `Name <email>`.
func actorName(_ a: String) -> String {
    let u = a.utf8
    // ASCII: the first run of bytes between `<`s (as the split gives it), without the spaces
    // and tabs around it (the only ASCII whitespace the trim removes).
    if u.allSatisfy({ $0 < 0x80 }) {
        guard let start = u.firstIndex(where: { $0 != 0x3C }) else { return a }
        let end = u[start...].firstIndex(of: 0x3C) ?? u.endIndex
        let name = u[start..<end]
        guard let first = name.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = name.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(decoding: name[first...last], as: UTF8.self)
    }
    return a.split(separator: "<").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? a
}

/// An event as a table shows it: without the `contract.` prefix.
func eventName(_ event: String) -> String {
    let u = Array(event.utf8)
    let prefix = Array("contract.".utf8)
    // ASCII with one `contract.`, at the start: drop it (else replace every one, as before).
    if u.allSatisfy({ $0 < 0x80 }), u.starts(with: prefix),
        !(prefix.count..<u.count).contains(where: { u[$0...].starts(with: prefix) })
    {
        return String(decoding: u[prefix.count...], as: UTF8.self)
    }
    return event.replacingOccurrences(of: "contract.", with: "")
}

/// `12345` as `12,345`.
func thousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = n < 0 ? "-" : ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(d)
    }
    return out
}

/// `yyyy-MM-dd HH:mm` in UTC.
func minute(_ d: Date) -> String {
    let t = d.timeIntervalSince1970
    // Whole seconds from 1970 to 2100 (git's commit times): written directly, as the formatter does.
    if t >= 0, t < 4_102_444_800, t.rounded(.down) == t {
        let s = Timestamp(secondsSinceEpoch: Int64(t)).description
        return String(s.prefix(10)) + " " + String(s.dropFirst(11).prefix(5))
    }
    return minuteFormatter.string(from: d)
}

private let minuteFormatter: DateFormatter = {
    let f = DateFormatter()
    f.dateFormat = "yyyy-MM-dd HH:mm"
    f.timeZone = TimeZone(identifier: "UTC")
    return f
}()

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check contracts against the rules, for CI and pre-commit hooks.",
        discussion: """
            Validates every contract at HEAD. With --base, also walks every commit from REV to HEAD
            and checks each contract's change against the lifecycle rules: illegal transitions,
            edits to read-only contracts, content changed without a version bump, versions going
            down, deleted contract files, transitions without their required fields. Catches
            commits made with plain git as well as pactoria's. Exit 1 if anything is wrong.

            Files: a symbolic link, submodule link or other non-regular entry anywhere in the tree
            is an error (also with --staged). With --base, a change to .pactoria/hooks/** is an
            error (hooks are code; approve them per machine with `pactoria hooks approve`), and a
            change to .pactoria/config.yaml, .pactoria/users.yaml, .gitignore or .gitattributes is
            a warning (printed, exit 0 if nothing else is wrong).

            Examples:
              pactoria check
              pactoria check --base origin/main --format github
              pactoria check --staged          # what the pre-commit hook runs
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, github, json }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Check every commit since this revision.") var base: String?
    @Flag(help: "Check the staged changes (the index) against HEAD instead.") var staged = false
    @Option(help: "Output format: text, github (workflow annotations) or json.") var format: Format = .text

    func validate() throws {
        if staged && base != nil { throw ValidationError("give --base or --staged, not both") }
    }

    func run() throws {
        var failed = false
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let report = try Check.run(ws, base: base, staged: staged)
            failed = !report.passed
            switch format {
            case .json:
                JSON.print(CheckReportJSON(report))
            case .github:
                for f in report.findings {
                    var props = "file=\(escapeProperty(f.file))"
                    if let l = f.line { props += ",line=\(l)" }
                    props += ",title=\(escapeProperty("pactoria " + f.rule))"
                    let msg = f.text(.cli) + (f.commit.map { " (commit \($0.short))" } ?? "")
                    Terminal.out("::\(f.severity.rawValue) \(props)::\(escapeData(msg))")
                }
                Terminal.out(summary(report))
            case .text:
                let t = Terminal(noColor: global.noColor)
                for f in report.findings {
                    let place = f.file + (f.line.map { ":\($0)" } ?? "")
                    let commit = f.commit.map { " (commit \($0.short))" } ?? ""
                    let label = f.severity == .error ? t.paint("error", .red) : t.paint("warning", .yellow)
                    Terminal.out("\(place): \(label): \(f.text(.cli)) [\(f.rule)]\(commit)")
                }
                if !staged || !report.findings.isEmpty { Terminal.out(summary(report)) }
            }
        }
        if failed { throw ExitCode(1) }
    }

    func summary(_ r: Check.Report) -> String {
        let what =
            staged
            ? "staged changes"
            : "\(r.contractsChecked) contract\(r.contractsChecked == 1 ? "" : "s")"
                + (base != nil ? " and \(r.commitsChecked) commit\(r.commitsChecked == 1 ? "" : "s")" : "")
        let warned =
            r.warnings.isEmpty
            ? "" : " (\(r.warnings.count) warning\(r.warnings.count == 1 ? "" : "s"): protected files changed)"
        return r.passed
            ? "pactoria check: \(what) OK" + warned
            : "pactoria check: \(r.errors.count) problem\(r.errors.count == 1 ? "" : "s") in \(what)" + warned
    }

    func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
            of: "\n", with: "%0A")
    }

    func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Summarise a branch's contract changes for a pull-request comment.",
        discussion: """
            Per changed contract: title and company, status transition, value, currency and date
            changes, version bump, content sections added, removed or changed, compliance and risk
            changes, and the result of `pactoria check --base`.

            Examples:
              pactoria review --base origin/main > review.md
              pactoria review --base main --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, json }

    @OptionGroup var global: GlobalOptions
    @Option(help: "The branch or commit the changes are measured from.") var base: String
    @Option(help: "Output format: markdown or json.") var format: Format = .markdown

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let r = try Review.run(ws, base: base)
            switch format {
            case .markdown:
                Terminal.writeRaw(Array(ReviewMarkdown.render(r, wording: .cli, checkName: "`pactoria check`").utf8))
            case .json:
                JSON.print(ReviewJSON(r))
            }
        }
    }
}

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Install git hooks; list and approve the workspace's domain-event hooks.",
        discussion: """
            Domain-event hooks (`.pactoria/hooks/<event>`) are tracked, so anyone who can push can
            change them. A hook runs on this machine only when its exact content is approved here
            (`pactoria hooks approve EVENT`, stored in .git/pactoria/approved-hooks, never pushed);
            an unapproved or changed hook is skipped with a warning.
            """,
        subcommands: [Install.self, List.self, Approve.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the domain-event hooks, their SHA-256 and whether this machine runs them.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let hooks = Hooks.list(try global.workspace())
                if hooks.isEmpty { Terminal.out("no hooks in \(Hooks.directory)") }
                for h in hooks { Terminal.out("\(h.state.rawValue): \(h.path) sha256:\(h.sha256 ?? "-")") }
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Let this machine run a hook's current content (read it first).",
            discussion: "Example:\n  pactoria hooks approve contract.activated")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The event (file name in .pactoria/hooks); every hook when omitted.") var event: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                for h in try Hooks.approve(try global.workspace(), event: event) {
                    Terminal.out("approved \(h.path) sha256:\(h.sha256 ?? "-")")
                }
            }
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Install a pre-commit hook (`pactoria check --staged`) and the contract merge driver.",
            discussion: "Example:\n  pactoria hooks install")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Replace an existing pre-commit hook (kept as pre-commit.pre-pactoria).") var force = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let r = try InstallHooks.run(
                    ws, script: GitHooks.preCommit(Executable.path), marker: GitHooks.marker, force: force)
                for p in r.installed { Terminal.out("installed \(p)") }
                for p in try InstallHooks.installMergeDriver(ws, driver: GitHooks.mergeDriver(Executable.path)) {
                    Terminal.out("installed \(p)")
                }
                for p in try InstallHooks.installTextconv(
                    ws, command: "\(InstallHooks.shellQuote(Executable.path)) textconv")
                {
                    Terminal.out("installed \(p)")
                }
            }
        }
    }
}

/// What `hooks install` asks git to run: this binary's own commands.
enum GitHooks {
    /// Marks a pre-commit hook as ours (hooks installed before keep recognising it).
    static let marker = "# installed by `pactoria hooks install`"

    /// The pre-commit hook: `pactoria check --staged` with the binary that installed it.
    static func preCommit(_ executable: String) -> String {
        """
        #!/bin/sh
        \(marker)
        # Checks staged contract changes against Pactoria's lifecycle and field rules.
        # Bypass once with `git commit --no-verify`.
        PACTORIA=\(InstallHooks.shellQuote(executable))
        [ -x "$PACTORIA" ] || PACTORIA=pactoria
        exec "$PACTORIA" check --staged

        """
    }

    /// The merge driver's command line, with git's placeholders.
    static func mergeDriver(_ executable: String) -> String {
        "\(InstallHooks.shellQuote(executable)) merge-driver %O %A %B %P"
    }
}

enum Executable {
    /// The absolute path of the running binary.
    static var path: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return AbsolutePath.resolve(CommandLine.arguments[0])
    }
}
