import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaWorkspace

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List contracts, filtered, searched and paged.",
        discussion: """
            --search matches the title, the parties and the plain-English input, ignoring case.

            A contract whose metadata cannot be read (invalid or truncated YAML, a required field
            missing, bytes that are not UTF-8) is never listed as a contract: each is reported on
            stderr as `error: <file>: <problem>` (in --json, under "problems"), the readable ones
            are listed, and the exit status is 1, as `ls` does with an entry it cannot read.

            Examples:
              pactoria list
              pactoria list --status active --company brickline-digital
              pactoria list --search "harbour foods" --json
              pactoria list --page 2 --size 50
              pactoria list --all --csv > contracts.csv
              pactoria list --as-of 2026-06-30 --status active
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this company (slug).") var company: String?
    @Option(help: "Only this status.") var status: String?
    @Option(help: "Only this contract type.") var type: String?
    @Option(help: "Case-insensitive text to find.") var search: String?
    @Option(help: "Page number.") var page = 1
    @Option(help: "Page size (1–100).") var size = 20
    @Flag(help: "Every match, without pages.") var all = false
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("List from the last commit made on or before DATE (YYYY-MM-DD).", valueName: "DATE"))
    var asOf: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV (RFC 4180, a header row).") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together") }
    }

    func run() throws {
        var failed = false
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let date = try asOf.map { (s) throws(WorkspaceError) in try AnalyticsSnapshot.parseDate(s, field: "--as-of")
            }
            let r = try ListContracts.run(
                ws,
                .init(
                    company: company, status: status, type: type, search: search, page: page, size: size, all: all,
                    asOf: date))
            failed = !r.unreadable.isEmpty
            for u in r.unreadable { Terminal.err("error: \(ListContracts.problem(u))") }
            if json {
                JSON.print(ContractListJSON(r))
                return
            }
            if csv {
                FileHandle.standardOutput.write(Data(ListContracts.table(r.contracts).csv.utf8))
                return
            }
            if r.contracts.isEmpty {
                Terminal.err(r.total == 0 ? "no contracts match" : "page \(r.page) is past the last page (\(r.pages))")
                return
            }
            let t = global.terminal
            var table = Table()
            table.maxWidths = [nil, 48, 40, nil, nil, nil]
            table.add(["ID", "CONTRACT", "TITLE", "STATUS", "VALUE", "END"])
            for s in r.contracts {
                table.add([
                    String(s.id.prefix(8)), s.ref.description, s.title, s.status, s.value?.formatted ?? "-",
                    s.endDate ?? "-",
                ])
            }
            Terminal.outLines(table.render().enumerated().map { i, line in i == 0 ? t.paint(line, .bold) : line })
            if r.pages > 1 { Terminal.out(t.paint("page \(r.page) of \(r.pages) (\(r.total) contracts)", .dim)) }
        }
        if failed { throw ExitCode(1) }
    }
}
