import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show changed contracts since the last commit, and what is wrong with them.",
        discussion: """
            Like `git status`, in contracts: new, modified (metadata, content or both), deleted and
            untracked contracts per company, each with its validation problems, then counts by status.
            Exits 0 even when there are problems, unless --check is given.

            Porcelain format (stable, for scripts), one line per change:
              <A|M|D|?> <m|c|b|-> <company>/<stem>      contract: new, modified, deleted, untracked;
                                                        metadata, content, both
              <A|M|D|?> - <path>                        another workspace file
              ! <file>:<line>: <field>: <message>       a problem with the line above

            Examples:
              pactoria status
              pactoria status --check      # exit 1 if any changed contract is invalid
              pactoria status --json
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print the stable porcelain format.") var porcelain = false
    @Flag(help: "Exit 1 when any changed contract has problems.") var check = false

    func run() throws {
        var failed = false
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let st = try WorkspaceStatus.compute(ws)
            let tracking = Remotes.tracking(ws)
            let merge = MergeState.current(ws)
            failed =
                check
                && (!st.problems.isEmpty || !st.workspaceProblems.isEmpty || !(merge?.unresolved.isEmpty ?? true)
                    || merge?.applying == true)
            if json {
                renderJSON(st, tracking: tracking, merge: merge)
            } else if porcelain {
                renderPorcelain(st, merge: merge)
            } else {
                renderText(st, global.terminal, tracking: tracking, merge: merge)
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func letter(_ c: WorkspaceStatus.Change) -> String {
        switch c {
        case .new: "A"
        case .modified: "M"
        case .deleted: "D"
        case .untracked: "?"
        }
    }

    func renderPorcelain(_ st: WorkspaceStatus, merge: MergeState?) {
        if merge?.applying == true, let r = merge?.commitRefusal() {
            Terminal.out("! .git: \(Wording.cli.line(r.message, r.remedy))")
        }
        for c in merge?.unresolved ?? [] { Terminal.out("U - \(c.ref)") }
        for c in st.contracts {
            let part = c.part.map { String($0.rawValue.prefix(1)) } ?? "-"
            Terminal.out("\(Self.letter(c.change)) \(part) \(c.ref)")
            for p in c.problems { Terminal.out("! \(p)") }
        }
        for o in st.others {
            Terminal.out("\(Self.letter(o.change)) - \(o.path)")
            for p in o.problems { Terminal.out("! \(p)") }
        }
        for p in st.workspaceProblems { Terminal.out("! \(p)") }
    }

    func renderJSON(_ st: WorkspaceStatus, tracking: Remotes.Tracking?, merge: MergeState?) {
        JSON.print(
            StatusJSON(
                branch: st.branch, head: st.headCommit?.hex, clean: st.isClean,
                contracts: st.contracts.map { c in
                    .init(
                        company: c.ref.company, stem: c.ref.stem, id: c.id, title: c.title, change: c.change.rawValue,
                        part: c.part?.rawValue, problems: c.problems.map(ProblemJSON.init))
                },
                others: st.others.map {
                    .init(path: $0.path, change: $0.change.rawValue, problems: $0.problems.map(ProblemJSON.init))
                },
                workspaceProblems: st.workspaceProblems.map(ProblemJSON.init), counts: st.countsByStatus,
                locks: st.locks.map(LockJSON.init), total: st.total, upstream: tracking?.upstream,
                ahead: tracking?.ahead, behind: tracking?.behind, leftovers: st.leftovers, recovery: st.recovery,
                merging: merge != nil, pullInterrupted: merge?.applying ?? false,
                conflicts: (merge?.unresolved ?? []).map { c in
                    .init(
                        path: c.ref.yamlPath, id: c.id, title: c.title, content: c.content, violations: c.violations,
                        deletion: c.deletion,
                        fields: c.fields.map {
                            .init(field: $0.field, ours: $0.ours, theirs: $0.theirs, base: $0.ancestor)
                        })
                }))
    }

    func renderText(_ st: WorkspaceStatus, _ t: Terminal, tracking: Remotes.Tracking?, merge: MergeState?) {
        for l in st.locks { Terminal.out(t.paint("✗ git lock: \(l.description)", .red) + "\n  hint: \(l.hint)") }
        if let b = st.branch { Terminal.out("On branch \(b)") }
        // #12.19: during a merge, `pull` is refused; the tracking line suggests nothing then.
        if let tr = tracking, merge != nil {
            Terminal.out("Your branch tracks '\(tr.upstream)'.")
        } else if let tr = tracking {
            switch (tr.ahead, tr.behind) {
            case (0, 0): Terminal.out("Your branch is up to date with '\(tr.upstream)' (as of the last fetch).")
            case (let a, 0):
                Terminal.out(
                    "Your branch is ahead of '\(tr.upstream)' by \(a) commit\(a == 1 ? "" : "s"); run `pactoria push`.")
            case (0, let b):
                Terminal.out(
                    "Your branch is behind '\(tr.upstream)' by \(b) commit\(b == 1 ? "" : "s"); run `pactoria pull`.")
            case (let a, let b):
                Terminal.out(
                    "Your branch and '\(tr.upstream)' have diverged: \(a) and \(b) different commits; run `pactoria pull`."
                )
            }
        }
        if let merge, merge.applying {
            // #12.3: an interrupted pull: one command either way.
            Terminal.out(
                "\n" + t.paint("A pull of \(merge.theirsLabel) was interrupted while it updated the files.", .red))
            Terminal.out("  Run `pactoria merge --abort` to return to where it began (your other edits are kept),")
            Terminal.out("  or `pactoria pull` to finish it.")
        } else if let merge {
            let open = merge.unresolved
            Terminal.out("\nYou are merging \(merge.theirsLabel).")
            if open.isEmpty {
                Terminal.out(
                    "  All conflicts resolved: run `pactoria commit` to finish the merge (or `pactoria merge --abort`)."
                )
            } else {
                Terminal.out(
                    "Unresolved conflicts (`pactoria resolve C --ours|--theirs|--field NAME=VALUE`, or `pactoria merge --abort`):"
                )
                for c in open {
                    Terminal.out(
                        "    \(t.paint("both changed:          " + c.ref.description, .red))\(t.paint("  " + c.title, .dim))"
                    )
                    for f in c.fields { Terminal.out("      \(t.paint("✗ " + f.description, .red))") }
                    for v in c.violations { Terminal.out("      \(t.paint("✗ " + v, .red))") }
                    if c.content {
                        Terminal.out(
                            "      \(t.paint("✗ content: conflict markers in " + c.ref.markdownPath + " (edit, then `pactoria resolve C --content`)", .red))"
                        )
                    }
                    if c.deletion {
                        Terminal.out(
                            "      \(t.paint("✗ deleted by " + merge.theirsLabel + ": keep it (`pactoria resolve " + c.ref.description + " --ours`) or accept the deletion (`--theirs`)", .red))"
                        )
                    }
                }
                Terminal.out("  Then `pactoria commit` to conclude the merge.")
            }
        }
        if st.headCommit == nil { Terminal.out("\nNo commits yet") }
        let groups: [(String, [WorkspaceStatus.Change], Terminal.Style)] = [
            ("Changes since the last commit", [.new, .modified, .deleted], .green),
            ("Untracked contracts", [.untracked], .red),
        ]
        for (heading, kinds, colour) in groups {
            let items = st.contracts.filter { kinds.contains($0.change) }
            guard !items.isEmpty else { continue }
            Terminal.out("\n\(heading):")
            var lastCompany = ""
            for c in items {
                if c.ref.company != lastCompany {
                    Terminal.out("  \(t.paint(c.ref.company, .bold))")
                    lastCompany = c.ref.company
                }
                var label = c.change.rawValue
                if let part = c.part { label += " (\(part.rawValue))" }
                let title = c.title.map { "  \($0)" } ?? ""
                let padded = label + ":" + String(repeating: " ", count: max(1, 22 - label.count))
                Terminal.out("    \(t.paint(padded + c.ref.stem, colour))\(t.paint(title, .dim))")
                for p in c.problems { Terminal.out("      \(t.paint("✗ " + p.description, .red))") }
            }
        }
        if !st.others.isEmpty {
            Terminal.out("\nOther workspace changes:")
            for o in st.others {
                Terminal.out("    \(t.paint(o.change.rawValue + ": " + o.path, .green))")
                for p in o.problems { Terminal.out("      \(t.paint("✗ " + p.description, .red))") }
            }
        }
        // What this process's own recovery did is already on stderr (one line); the section is for
        // what is still pending (a journal a live writer holds).
        let unseen = st.recovery.filter { !Recovery.notes.contains($0) }
        if !unseen.isEmpty {
            Terminal.out("\nInterrupted writes:")
            for note in unseen { Terminal.out("    \(note)") }
        }
        if !st.leftovers.isEmpty {
            Terminal.out(
                "\nLeftover temporary files of an interrupted write (never committed; safe to delete, from the workspace root):"
            )
            Terminal.out(
                "    rm -- "
                    + st.leftovers.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
                        separator: " "))
        }
        if !st.workspaceProblems.isEmpty {
            Terminal.out("\nCommitted problems:")
            for p in st.workspaceProblems { Terminal.out("      \(t.paint("✗ " + p.description, .red))") }
        }
        let problemCount = st.problems.count
        if problemCount > 0 {
            Terminal.out(
                "\n\(t.paint("\(problemCount) problem\(problemCount == 1 ? "" : "s") must be fixed before `pactoria commit`.", .red))"
            )
        }
        if st.isClean && merge == nil { Terminal.out("\nnothing to commit, working tree clean") }
        let order = ContractStatus.allCases.map(\.rawValue)
        let known = order.compactMap { s in st.countsByStatus[s].map { "\($0) \(s)" } }
        let unknown = st.countsByStatus.keys.filter { !order.contains($0) }.sorted().map {
            "\(st.countsByStatus[$0]!) \($0)"
        }
        Terminal.out(
            "\n\(st.total) contract\(st.total == 1 ? "" : "s")"
                + (st.total > 0 ? ": " + (known + unknown).joined(separator: ", ") : ""))
    }
}
