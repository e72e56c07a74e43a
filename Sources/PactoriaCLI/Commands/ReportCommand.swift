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
    @Option(help: "Only this company (default: every company).") var company: String?
    @Option(name: .customLong("as-of"), help: "As of this date (YYYY-MM-DD): the last commit at or before it.")
    var asOf: String?

    func validate() throws {
        if html.isEmpty { throw ValidationError("--html needs a file name, or - for standard output") }
        if let asOf, asOf.utf8.count != 10 || CalendarDate(asOf) == nil {
            throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf.prefix(40))'")
        }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let data = try ReportData.load(ws, company: company, asOf: asOf.flatMap(CalendarDate.init), live: nil)
            let page = ContractReport.html(data)
            if html == "-" {
                Terminal.writeRaw(Array(page.utf8))
            } else {
                try FileSystem.writeAtomically(page, to: html)
            }
        }
    }
}
