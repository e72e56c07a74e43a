import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaWorkspace

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Write an iCalendar feed of end dates, renewals and notice deadlines.",
        discussion: """
            One all-day event per end date (or next renewal, for a contract that renews itself)
            and per last day to give notice, for active contracts and those pending review. Each
            event's UID is the contract id and the kind, so importing the feed again updates the
            events rather than duplicating them; each notice deadline has a reminder a week before.

            Examples:
              pactoria calendar --ics contracts.ics
              pactoria calendar --ics - --company brickline-digital
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Write the feed to FILE (- for standard output).", valueName: "FILE")) var ics: String
    @OptionGroup var scope: AnalyticsScope
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() throws {
        try guardedRun(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let cal = try ContractCalendar.load(ws, company: scope.company, asOf: try scope.date())
            if ics == "-" {
                FileHandle.standardOutput.write(Data(cal.ics))
                return
            }
            try cal.write(to: ics)
            if !quiet { Terminal.out("wrote \(ics): \(cal.events.count) event\(cal.events.count == 1 ? "" : "s")") }
        }
    }
}
