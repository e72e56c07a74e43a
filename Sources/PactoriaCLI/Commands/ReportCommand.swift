import ArgumentParser
import PactoriaCore
import PactoriaWorkspace

/// `pactoria report --html FILE`: the HTML report of the workspace or one company, now or as of
/// a date.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML report: business figures, charts, the next twelve months' dates.",
        discussion: """
            One self-contained HTML file (inline CSS and SVG, no script, nothing fetched), laid out
            to print on A4. The file is written atomically; `-` writes to standard output.

            Examples:
              pactoria report --html report.html
              pactoria report --html - --company acme --as-of 2026-06-30 > june.html
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Write the report to FILE (- for standard output).", valueName: "FILE"))
    var html: String
    @OptionGroup var scope: AnalyticsScope

    func validate() throws {
        if html.isEmpty { throw ValidationError("--html needs a file name, or - for standard output") }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let data = try ReportData.load(ws, company: scope.company, asOf: try scope.date(), live: nil)
            let page = ContractReport.html(data)
            if html == "-" {
                Terminal.writeRaw(Array(page.utf8))
            } else {
                try FileSystem.writeAtomically(page, to: html)
            }
        }
    }
}
