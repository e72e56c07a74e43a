import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the history of the workspace, or the versions of one contract.",
        discussion: """
            With a contract (UUID, id prefix, stem, company/stem or path), one line per version,
            following the contract across renames: commit, date, author, version, event, message.
            Events come from the commits' Pactoria trailers; for commits made with plain git they are
            inferred from what changed and marked with '*'.

            Examples:
              pactoria log
              pactoria log website-redesign-services-agreement
              pactoria log 3f2b --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract (default: the whole workspace).") var contract: String?
    @Option(name: [.customShort("n"), .long], help: "Show at most N entries.") var maxCount: Int?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let t = global.terminal
            if let spec = contract {
                let s = try History.locate(ws, spec)
                var entries = try History.contract(ws, id: s.id, ref: s.ref)
                if let maxCount { entries = Array(entries.prefix(maxCount)) }
                if json {
                    JSON.print(
                        entries.map { e in
                            ContractLogJSON(
                                commit: e.commit.id.hex, date: iso(e.commit.author.time),
                                author: e.commit.author.formatted, version: e.version, status: e.status, event: e.event,
                                inferred: e.inferred, path: e.ref.yamlPath, message: e.commit.summary)
                        })
                    return
                }
                var table = Table()
                table.maxWidths = [nil, nil, 24, nil, nil, nil]
                for e in entries {
                    table.add([
                        t.paint(e.commit.id.short, .yellow), day(e.commit.author.time), e.commit.author.name,
                        e.version.map { "v\($0)" } ?? "-",
                        eventName(e.event) + (e.inferred ? "*" : ""),
                        e.commit.summary,
                    ])
                }
                Terminal.outLines(table.render())
                return
            }
            let entries = try History.workspace(ws, limit: maxCount)
            if json {
                JSON.print(
                    entries.map { e in
                        WorkspaceLogJSON(
                            commit: e.commit.id.hex, date: iso(e.commit.author.time), author: e.commit.author.formatted,
                            message: e.commit.summary,
                            events: e.events.map { .init(contract: $0.id, event: $0.event, version: $0.version) })
                    })
                return
            }
            var table = Table()
            table.maxWidths = [nil, nil, 24, nil, nil]
            for e in entries {
                let n = Set(e.events.map(\.id)).count
                table.add([
                    t.paint(e.commit.id.short, .yellow), day(e.commit.author.time), e.commit.author.name,
                    e.commit.summary,
                    n == 0 ? "" : t.paint("(\(n) contract\(n == 1 ? "" : "s"))", .dim),
                ])
            }
            Terminal.outLines(table.render())
        }
    }
}

func day(_ d: Date) -> String {
    let t = d.timeIntervalSince1970
    // Whole seconds from 1970 to 2100 (git's commit times): written directly, as the formatter does.
    if t >= 0, t < 4_102_444_800, t.rounded(.down) == t {
        return Timestamp(secondsSinceEpoch: Int64(t)).date.description
    }
    return String(iso(d).prefix(10))
}

func iso(_ d: Date) -> String { isoFormatter.string(from: d) }

/// One formatter for the whole run (making one costs more than formatting a date).
nonisolated(unsafe) private let isoFormatter: ISO8601DateFormatter = {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f
}()
