import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaWorkspace

/// How a tabular verb prints: a table (default), `--json` or `--csv`.
struct TabularOutput: ParsableArguments {
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV (RFC 4180, a header row; for spreadsheets).") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together") }
    }

    /// Prints `table` as a table or CSV, or `json`.
    func emit(_ table: AnalyticsTable, json value: JSONValue, terminal t: Terminal) {
        if json { return JSON.print(value) }
        if csv { return FileHandle.standardOutput.write(Data(table.csv.utf8)) }
        var out = Table()
        out.add(table.columns.map { $0.uppercased() })
        for r in table.rows { out.add(r) }
        Terminal.outLines(out.render().enumerated().map { i, line in i == 0 ? t.paint(line, .bold) : line })
    }
}

/// Filters every analytics verb takes.
struct AnalyticsScope: ParsableArguments {
    @Option(help: "Only this company (slug); default: every company you can see.") var company: String?
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Answer from the last commit made on or before DATE (YYYY-MM-DD).", valueName: "DATE"))
    var asOf: String?

    func date() throws(WorkspaceError) -> CalendarDate? {
        try asOf.map { (s) throws(WorkspaceError) in try AnalyticsSnapshot.parseDate(s, field: "--as-of") }
    }

    /// The contracts these options name, now or as of the date.
    func snapshot(_ ws: Workspace) throws(WorkspaceError) -> AnalyticsSnapshot {
        try AnalyticsSnapshot.load(ws, company: company, asOf: try date())
    }
}

struct AnalyticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Business, time-series, compliance and performance figures, now or as of a date.",
        discussion: """
            Every figure is computed from the contracts' metadata and the history in git: the
            working tree now, or with --as-of the tree of the last commit made on or before that
            date. Money is summed per currency, never across currencies.

            Examples:
              pactoria analytics business
              pactoria analytics business --as-of 2026-06-30 --json
              pactoria analytics series contracts_created --period monthly --days 365
              pactoria analytics compliance --company ancoats-bakehouse --csv
              pactoria analytics performance --json
            """,
        subcommands: [Business.self, Series.self, ComplianceFigures.self, Performance.self],
        defaultSubcommand: Business.self)

    struct Business: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "business",
            abstract: "Counts by status, value per currency, compliance, risk, growth and value expiring.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: AnalyticsScope
        @OptionGroup var output: TabularOutput

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let m = BusinessMetrics(try scope.snapshot(ws))
                output.emit(m.table, json: m.json, terminal: global.terminal)
            }
        }
    }

    struct Series: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "series",
            abstract: "A metric per day, week or month, read from the history.",
            discussion: """
                METRIC is contracts_created, contracts_activated, contract_value (the value of the
                contracts created, per currency) or compliance_scores (the mean overall score of
                the analyses recorded). Events come from the audit trail (trailers, or inferred
                from each commit), never from file timestamps.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "contracts_created, contracts_activated, contract_value or compliance_scores.")
        var metric: String
        @Option(help: "daily, weekly or monthly.") var period = "daily"
        @Option(help: "How many days back (7–365).") var days = 30
        @OptionGroup var scope: AnalyticsScope
        @OptionGroup var output: TabularOutput

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let m = try TimeSeries.metric(metric, field: "METRIC")
                let p = try TimeSeries.period(period, field: "--period")
                try TimeSeries.checkDays(days, field: "--days")
                let ws = try global.workspace()
                let s = try TimeSeries.compute(
                    ws, metric: m, period: p, days: days, company: scope.company, asOf: try scope.date())
                output.emit(s.table, json: s.json, terminal: global.terminal)
            }
        }
    }

    struct ComplianceFigures: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compliance",
            abstract: "Average scores per area, risk distribution, trend, stale and missing analyses.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: AnalyticsScope
        @OptionGroup var output: TabularOutput

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let snap = try scope.snapshot(ws)
                let content =
                    snap.contentFacts(ws)
                let m = ComplianceMetrics(snap, content: content)
                output.emit(m.table, json: m.json, terminal: global.terminal)
            }
        }
    }

    struct Performance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "performance",
            abstract: "Generation time and token usage, and analysis time, from the recorded runs.",
            discussion: """
                Read from each contract's generation and compliance records. The server's own request
                counts and latencies are served by the server (GET /api/v1/analytics/performance and
                /metrics), since only a running server measures them.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: AnalyticsScope
        @OptionGroup var output: TabularOutput

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let m = PerformanceMetrics(
                    try scope.snapshot(ws))
                output.emit(m.table, json: m.json, terminal: global.terminal)
            }
        }
    }
}
