import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaWorkspace

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List what needs attention, oldest first, with every reason.",
        discussion: """
            Contracts pending review (with their age), analyses missing or stale, high risk (7 or
            more), compliance below the workspace's analytics.compliance_threshold (default 0.8),
            placeholders left in the content, and active contracts ending, renewing or due notice
            within --days. Completed, terminated and expired contracts are never listed.

            Examples:
              pactoria queue
              pactoria queue --days 90 --company brickline-digital
              pactoria queue --as-of 2026-06-30 --csv > queue.csv
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The window for ends, renewals and notice deadlines, in days (0–365).") var days = 30
    @OptionGroup var scope: AnalyticsScope
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV.") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
    }

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let q = try ReviewQueue.load(ws, company: scope.company, asOf: try scope.date(), days: days)
            if json {
                JSON.print(q.json)
                return
            }
            if csv {
                FileHandle.standardOutput.write(Data(q.table.csv.utf8))
                return
            }
            if q.items.isEmpty {
                Terminal.out("nothing needs attention")
                return
            }
            let t = global.terminal
            var table = Table()
            table.maxWidths = [nil, nil, 48, nil, 40, nil]
            table.add(["SINCE", "AGE", "CONTRACT", "STATUS", "TITLE", "REASONS"])
            for row in q.table.rows {
                table.add([row[0].isEmpty ? "-" : row[0], row[1].isEmpty ? "-" : row[1] + "d"] + row[2...])
            }
            Terminal.outLines(table.render().enumerated().map { i, line in i == 0 ? t.paint(line, .bold) : line })
        }
    }
}
