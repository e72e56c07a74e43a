import PactoriaCore

/// The HTML report (written to a file by the CLI, served at `GET /report`): one self-contained
/// page, inline CSS and SVG only, no script and no external URL, a strict
/// Content-Security-Policy, laid out for A4.
/// Business figures, value by status, contracts created and activated per month, compliance by
/// area, the risk histogram, the next twelve months' dates, and the queue.
public struct ContractReport: Sendable {
    /// The policy the page carries in its `<meta>` and the server sends as a header.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    /// Rows a table in the report lists at most (the rest are counted).
    public static let maxTableRows = 200

    public static func html(_ data: ReportData) -> String {
        var w = HTMLWriter()
        w.doctype()
        w.open("html", [("lang", "en-GB")])
        w.element("head") { w in
            w.void("meta", [("charset", "utf-8")])
            w.void("meta", [("http-equiv", "Content-Security-Policy"), ("content", contentSecurityPolicy)])
            w.void("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
            w.element("title", text: "Contract report: \(scope(data))")
            w.style(css)
        }
        w.element("body") { w in
            w.element("header") { w in
                w.element("h1", text: "Contract report: \(HTMLWriter.label(scope(data), limit: 100))")
                w.element("p", [("class", "meta")]) { w in
                    if let asOf = data.asOf {
                        w.text("As of \(asOf)")
                        if let c = data.business.snapshot.commit { w.text(" (commit \(c.prefix(12)))") }
                    } else {
                        w.text("Today \(data.today)")
                    }
                    w.text(" · generated \(data.generatedAt)")
                }
            }
            business(&w, data)
            valueByStatus(&w, data)
            monthly(&w, data)
            compliance(&w, data)
            timeline(&w, data)
            queue(&w, data)
        }
        w.close("html")
        return w.output + "\n"
    }

    static func scope(_ data: ReportData) -> String { data.company ?? "all companies" }

    static func section(_ w: inout HTMLWriter, id: StaticString, title: String, _ body: (inout HTMLWriter) -> Void) {
        w.element("section", [("id", "\(id)"), ("aria-labelledby", "\(id)-title")]) { w in
            w.element("h2", [("id", "\(id)-title")], text: title)
            body(&w)
        }
    }

    /// A table; `numeric` columns are right-aligned, they and `keys` columns never wrap.
    static func table(
        _ w: inout HTMLWriter, columns: [String], rows: [[String]], numeric: Set<Int> = [], keys: Set<Int> = []
    ) {
        func cls(_ i: Int) -> String? { numeric.contains(i) ? "num" : keys.contains(i) ? "key" : nil }
        w.element("table") { w in
            w.element("thead") { w in
                w.element("tr") { w in
                    for (i, c) in columns.enumerated() {
                        w.element("th", [("scope", "col"), ("class", cls(i))], text: c)
                    }
                }
            }
            w.element("tbody") { w in
                for row in rows.prefix(maxTableRows) {
                    w.element("tr") { w in
                        for (i, cell) in row.enumerated() {
                            w.element(
                                "td", [("class", cls(i))],
                                text: HTMLWriter.label(cell, limit: 160))
                        }
                    }
                }
            }
        }
        if rows.count > maxTableRows {
            w.element("p", [("class", "note")], text: "\(rows.count - maxTableRows) more rows not shown.")
        }
    }

    static func business(_ w: inout HTMLWriter, _ data: ReportData) {
        let b = data.business
        section(&w, id: "business", title: "Business figures") { w in
            var rows: [[String]] = [["Contracts", "\(b.total)"]]
            for s in ContractStatus.allCases {
                rows.append([statusName(s.rawValue), "\(b.count(s))"])
            }
            rows.append(["Analysed", "\(b.analysed)"])
            rows.append(["Compliance score average", b.complianceAverage.map { String($0) } ?? "none"])
            rows.append(["High risk (7 or more)", "\(b.highRisk)"])
            rows.append(["Created in the last 30 days", "\(b.createdThisPeriod)"])
            rows.append(["Growth on the previous 30 days", b.growthRate.map { "\($0)%" } ?? "none"])
            for e in b.expiring { rows.append(["Active, ending within \(e.days) days", "\(e.contracts)"]) }
            if b.snapshot.unreadable > 0 { rows.append(["Unreadable metadata files", "\(b.snapshot.unreadable)"]) }
            table(&w, columns: ["Figure", "Value"], rows: rows, numeric: [1])
            let currencies = MoneyTotals.currencies(of: [b.value, b.activeValue])
            w.element("h3", text: "Value by currency")
            if currencies.isEmpty {
                w.element("p", [("class", "note")], text: "No contract has a value.")
            } else {
                table(
                    &w,
                    columns: [
                        "Currency", "Contracts", "Total", "Average", "Active", "Ending ≤ 30 d", "≤ 60 d", "≤ 90 d",
                    ],
                    rows: currencies.map { c in
                        [c, "\(b.value[c].count)", b.value[c].amount, b.value[c].average, b.activeValue[c].amount]
                            + b.expiring.map { $0.value[c].amount }
                    }, numeric: Set(1...7))
            }
            if b.value.unparsed > 0 {
                w.element(
                    "p", [("class", "note")], text: "\(b.value.unparsed) values could not be read and are left out.")
            }
        }
    }

    static func statusName(_ s: String) -> String {
        s == ContractStatus.pendingReview.rawValue ? "Pending review" : s.prefix(1).uppercased() + s.dropFirst()
    }

    static func valueByStatus(_ w: inout HTMLWriter, _ data: ReportData) {
        section(&w, id: "value-by-status", title: "Value by status") { w in
            let currencies = MoneyTotals.currencies(of: data.valueByStatus.map(\.value))
            guard !currencies.isEmpty else {
                BarChart(
                    name: "value-by-status", label: "Contract value by status", categories: [], series: [],
                    valueTitle: ""
                )
                .write(into: &w)
                return
            }
            for c in currencies {
                w.element("figure") { w in
                    BarChart(
                        name: "value-by-status-\(c)", label: "Contract value by status in \(c)",
                        categories: data.valueByStatus.map { statusName($0.status) },
                        series: [
                            .init(
                                name: c, values: data.valueByStatus.map { Double($0.value[c].minorUnits) / 100 },
                                display: data.valueByStatus.map { "\(c) \($0.value[c].amount)" })
                        ], valueTitle: c
                    ).write(into: &w)
                    w.element("figcaption", text: "Value by status, \(c) (exact sums, never added across currencies)")
                }
            }
            table(
                &w, columns: ["Status"] + currencies,
                rows: data.valueByStatus.map { s in [statusName(s.status)] + currencies.map { s.value[$0].amount } },
                numeric: Set(1...currencies.count))
        }
    }

    static func monthly(_ w: inout HTMLWriter, _ data: ReportData) {
        section(&w, id: "monthly", title: "Contracts created and activated per month") { w in
            w.element("figure") { w in
                BarChart(
                    name: "monthly", label: "Contracts created and activated per month",
                    categories: data.monthly.map(\.month),
                    series: [
                        .init(name: "created", values: data.monthly.map { Double($0.created) }),
                        .init(name: "activated", values: data.monthly.map { Double($0.activated) }),
                    ], valueTitle: "contracts"
                ).write(into: &w)
            }
            table(
                &w, columns: ["Month", "Created", "Activated"],
                rows: data.monthly.map { [$0.month, "\($0.created)", "\($0.activated)"] }, numeric: [1, 2], keys: [0])
        }
    }

    static func compliance(_ w: inout HTMLWriter, _ data: ReportData) {
        let c = data.compliance
        section(&w, id: "compliance", title: "Compliance") { w in
            w.element("figure") { w in
                HorizontalBarChart(
                    name: "compliance-by-area", label: "Average compliance score by area (0 to 1)",
                    rows: c.averages.map { a in
                        (
                            a.area.spacedWords, a.average,
                            a.average.map { "\($0) (\(a.contracts) contracts)" } ?? "not scored"
                        )
                    }
                ).write(into: &w)
                w.element("figcaption", text: "Average compliance score by area, 0 to 1")
            }
            w.element("figure") { w in
                BarChart(
                    name: "risk-histogram", label: "Contracts by risk score (1 to 10)",
                    categories: (1...10).map { "\($0)" },
                    series: [.init(name: "contracts", values: data.riskHistogram.map { Double($0) })],
                    valueTitle: "contracts"
                ).write(into: &w)
                w.element("figcaption", text: "Risk scores: high is 7 or more, medium 4 to 6, low below 4")
            }
            table(
                &w, columns: ["Figure", "Value"],
                rows: [
                    ["Analysed", "\(c.analysed) of \(c.total)"], ["High risk", "\(c.highRisk)"],
                    ["Medium risk", "\(c.mediumRisk)"], ["Low risk", "\(c.lowRisk)"],
                    ["Outstanding recommendations", "\(c.outstandingRecommendations)"],
                    ["Never analysed", "\(c.neverAnalysed.count)"],
                    ["Analysis stale (content changed since)", "\(c.stale.count)"],
                ], numeric: [1])
        }
    }

    static func timeline(_ w: inout HTMLWriter, _ data: ReportData) {
        section(&w, id: "timeline", title: "The next twelve months") { w in
            w.element("figure") { w in
                TimelineChart(
                    name: "timeline", label: "End, notice and renewal dates in the next twelve months",
                    start: data.today, days: ReportData.timelineDays, entries: data.timeline
                ).write(into: &w)
            }
            if data.timeline.isEmpty {
                w.element("p", [("class", "note")], text: "No dates in the next twelve months.")
            } else {
                table(
                    &w, columns: ["Date", "Kind", "Contract", "Path"],
                    rows: data.timeline.map { ["\($0.date)", $0.kind, $0.title, $0.ref] }, keys: [0, 1])
            }
        }
    }

    static func queue(_ w: inout HTMLWriter, _ data: ReportData) {
        section(&w, id: "queue", title: "What needs attention") { w in
            guard let q = data.queue else {
                w.element("p", [("class", "note")], text: "The queue is not available.")
                return
            }
            if q.rows.isEmpty {
                w.element("p", [("class", "note")], text: "Nothing needs attention.")
            } else {
                table(&w, columns: q.columns, rows: q.rows)
            }
        }
    }

    static let css: StaticString = """
        :root { color-scheme: light; }
        body { font-family: system-ui, sans-serif; color: #111827; margin: 24px auto; max-width: 760px; \
        font-size: 14px; line-height: 1.4; }
        h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
        h2 { font-size: 18px; border-bottom: 2px solid #1b3a6b; padding-bottom: 2px; margin-top: 28px; }
        h3 { font-size: 15px; }
        .meta, .note, figcaption { color: #4b5563; font-size: 12px; }
        figure { margin: 12px 0; }
        svg.chart { display: block; width: 100%; height: auto; max-width: 680px; font-family: system-ui, sans-serif; }
        svg.chart text { fill: #111827; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 12px; }
        th, td { border: 1px solid #d1d5db; padding: 3px 6px; text-align: left; vertical-align: top; \
        overflow-wrap: anywhere; white-space: pre-wrap; }
        th { background: #f3f4f6; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.num, th.num, td.key, th.key { white-space: nowrap; overflow-wrap: normal; }
        tr, figure, svg { break-inside: avoid; page-break-inside: avoid; }
        thead { display: table-header-group; }
        @page { size: A4; margin: 15mm 12mm; }
        @media print {
          body { margin: 0; max-width: none; font-size: 11px; }
          section + section { break-before: page; page-break-before: always; }
          h2 { margin-top: 0; }
        }
        """
}

extension String {
    fileprivate var spacedWords: String { String(map { $0 == "_" ? " " : $0 }) }
}
