import ArgumentParser
import Foundation
import PactoriaWorkspace

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show field-by-field metadata changes and a unified diff of the content.",
        discussion: """
            With no revisions: the working tree against HEAD. With one: that revision against the
            working tree. With two: the first against the second.

            Examples:
              pactoria diff website-redesign-services-agreement
              pactoria diff 3f2b HEAD~3
              pactoria diff 3f2b HEAD~3 HEAD --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @Argument(help: "The old revision.") var from: String?
    @Argument(help: "The new revision.") var to: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(name: .customLong("exit-code"), help: "Exit 1 when there are differences, like git diff --exit-code.")
    var exitCode = false

    func run() throws {
        var differs = false
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let d = try ContractViews.diff(ws, spec: contract, from: from, to: to)
            differs = !d.isEmpty
            if json {
                JSON.print(DiffJSON(d))
                return
            }
            if d.isEmpty { return }
            let t = global.terminal
            Terminal.out(t.paint("contract \(d.ref) (\(d.from) → \(d.to))", .bold))
            if !d.fields.isEmpty {
                Terminal.out("metadata:")
                let width = d.fields.map(\.field.count).max() ?? 0
                for f in d.fields {
                    let name = f.field + ":" + String(repeating: " ", count: width - f.field.count)
                    let old = f.old.map { t.paint(oneLine($0), .red) } ?? t.paint("(none)", .dim)
                    let new = f.new.map { t.paint(oneLine($0), .green) } ?? t.paint("(none)", .dim)
                    Terminal.out("  \(name) \(old) → \(new)")
                }
            }
            if !d.contentDiff.isEmpty {
                Terminal.out("content:")
                for line in d.contentDiff.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
                    d.contentDiff.hasSuffix("\n") ? 1 : 0)
                {
                    let s = String(line)
                    if s.hasPrefix("+++") || s.hasPrefix("---") {
                        Terminal.out(t.paint(s, .bold))
                    } else if s.hasPrefix("+") {
                        Terminal.out(t.paint(s, .green))
                    } else if s.hasPrefix("-") {
                        Terminal.out(t.paint(s, .red))
                    } else if s.hasPrefix("@@") {
                        Terminal.out(t.paint(s, .cyan))
                    } else {
                        Terminal.out(s)
                    }
                }
            }
        }
        if exitCode && differs { throw ExitCode(1) }
    }

    func oneLine(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > 80 ? String(flat.prefix(79)) + "…" : flat
    }
}
