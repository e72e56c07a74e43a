import Foundation
import Testing

/// Issue #17 at the command line: the analytics verbs print a table, `--json` or `--csv`; bad
/// parameters exit 64 with one line naming the parameter and what is allowed; `list --all --csv`
/// gives a spreadsheet every row.
@Suite("End to end: analytics")
struct AnalyticsCLITests {
    typealias Sandbox = E2E.Sandbox

    /// A workspace with `n` committed contracts in one company, values in pounds.
    static func workspace(_ sb: Sandbox, contracts n: Int) throws {
        for args in [["init", "ws"], ["company", "add", "Thames Digital Ltd", "-C", "ws"]] {
            let r = try sb.pactoria(args)
            try #require(r.exitCode == 0, "\(r)")
        }
        for i in 0..<n {
            // Hostile titles: a spreadsheet formula and a comma, a quote and a newline-free line.
            let title = i == 0 ? "=HYPERLINK(\"http://evil\",\"x\")" : "Contract \(i), \"quoted\""
            let r = try sb.pactoria(
                [
                    "new", "--company", "thames-digital", "--title", title, "--type", "service_agreement", "--client",
                    "Harbour Foods Ltd",
                    "--value", "\(100 * (i + 1)).50",
                ], in: "ws")
            try #require(r.exitCode == 0, "\(r)")
        }
        let c = try sb.pactoria(["commit", "-m", "Contracts"], in: "ws")
        try #require(c.exitCode == 0, "\(c)")
    }

    @Test("business as a table, JSON and CSV agree; list --all --csv has every row, formulas defused")
    func formats() throws {
        try E2E.withSandbox { sb in
            try Self.workspace(sb, contracts: 23)
            let env: [String: String?] = ["NO_COLOR": "1"]
            let json = try E2E.parseJSON(try sb.pactoria(["analytics", "business", "--json"], in: "ws", env: env))
            #expect(json["total_contracts"] as? Int == 23)
            #expect(json["draft_contracts"] as? Int == 23)
            // 100.50 + 200.50 + … + 2300.50 = 100 × 276 + 23 × 0.50
            let gbp = (json["value_by_currency"] as? [[String: Any]])?.first
            #expect(gbp?["total_value"] as? String == "27611.50")
            let csv = try sb.pactoria(["analytics", "business", "--csv"], in: "ws", env: env)
            #expect(csv.exitCode == 0)
            #expect(csv.stdout.hasPrefix("metric,currency,value\r\n"))
            #expect(csv.stdout.contains("total_value,GBP,27611.50\r\n"))
            let table = try sb.pactoria(["analytics", "business"], in: "ws", env: env)
            #expect(table.stdout.contains("27611.50"))
            #expect(!table.stdout.contains("\u{1B}["), "no colour off a terminal")
            let both = try sb.pactoria(["analytics", "business", "--csv", "--json"], in: "ws", env: env)
            #expect(both.exitCode == 64, "\(both)")

            let list = try sb.pactoria(["list", "--all", "--csv"], in: "ws", env: env)
            #expect(list.exitCode == 0)
            let rows = list.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.count == 24, "a header and every contract, past the 20-row page")
            #expect(list.stdout.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","))
            #expect(!list.stdout.contains(",=HYPERLINK"))
            let paged = try sb.pactoria(["list", "--json"], in: "ws", env: env)
            #expect((try E2E.parseJSON(paged)["contracts"] as? [Any])?.count == 20)
        }
    }

    @Test("bad parameters: exit 64, one line naming the parameter and the allowed values; empty is zeros")
    func badInput() throws {
        try E2E.withSandbox { sb in
            try Self.workspace(sb, contracts: 1)
            let cases: [([String], String)] = [
                (["analytics", "series", "contracts_deleted"], "contracts_created, contracts_activated"),
                (["analytics", "series", "contracts_created", "--days", "6"], "between 7 and 365"),
                (["analytics", "series", "contracts_created", "--days", "400"], "between 7 and 365"),
                (["analytics", "series", "contracts_created", "--period", "hourly"], "daily, weekly, monthly"),
                (["analytics", "business", "--as-of", "2026-02-30"], "YYYY-MM-DD"),
                (["analytics", "business", "--as-of", "1999-01-01"], "before the first commit"),
                (["analytics", "compliance", "--company", "nosuch"], "nosuch"),
                (["list", "--as-of", "not-a-date"], "YYYY-MM-DD"),
            ]
            for (args, words) in cases {
                let r = try sb.pactoria(args, in: "ws")
                E2E.expectCleanError(r)
                #expect(r.stderr.contains(words), "\(r)")
                if !args.contains("--company") { #expect(r.exitCode == 64, "\(r)") }
            }
        }
        try E2E.withSandbox { sb in
            let r = try sb.pactoria(["init", "empty"])
            try #require(r.exitCode == 0, "\(r)")
            let json = try E2E.parseJSON(try sb.pactoria(["analytics", "business", "--json"], in: "empty"))
            #expect(json["total_contracts"] as? Int == 0)
            let series = try sb.pactoria(
                ["analytics", "series", "contract_value", "--days", "7", "--csv"], in: "empty")
            #expect(series.exitCode == 0, "\(series)")
            #expect(series.stdout.split(separator: "\r\n").count == 8)
        }
    }
}
