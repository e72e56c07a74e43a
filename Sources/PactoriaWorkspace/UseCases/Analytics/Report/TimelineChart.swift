public import PactoriaCore

/// Dates over the next twelve months from `start`: one lane per kind (end dates, notice
/// deadlines, renewals), a marker of its own shape per kind (circle, diamond, square), month
/// ticks, and a `<title>` per marker naming the date, the kind and the contract. No entry in the
/// window draws "No data".
public struct TimelineChart: Sendable {
    public var name: String
    public var label: String
    public var start: CalendarDate
    public var days: Int
    public var entries: [ReportData.TimelineEntry]

    public init(name: String, label: String, start: CalendarDate, days: Int = 365, entries: [ReportData.TimelineEntry])
    {
        self.name = name
        self.label = label
        self.start = start
        self.days = days
        self.entries = entries
    }

    /// Lanes in this order; any other kind gets a lane after them.
    public static let kinds = ["end", "notice", "renewal"]
    static let left = 90.0
    static let right = ChartCanvas.width - 30
    static let laneHeight = 34.0
    static let top = 30.0

    public func write(into w: inout HTMLWriter) {
        let first = start.daysSinceEpoch
        let shown = entries.filter { (0...days).contains($0.date.daysSinceEpoch - first) }
        guard !shown.isEmpty else {
            ChartCanvas.noData(&w, name: name, label: label)
            return
        }
        typealias C = ChartCanvas
        var lanes = Self.kinds.filter { k in shown.contains { $0.kind == k } }
        for e in shown where !lanes.contains(e.kind) { lanes.append(e.kind) }
        let bottom = Self.top + Self.laneHeight * Double(lanes.count)
        C.open(&w, name: name, label: label, height: bottom + 34)
        C.legend(
            &w, x: Self.left, y: 16,
            items: lanes.enumerated().map { (HTMLWriter.label($0.element, limit: 20), Self.fill($0.offset)) })
        let span = Self.right - Self.left
        func x(_ d: CalendarDate) -> Double { Self.left + span * Double(d.daysSinceEpoch - first) / Double(days) }
        // Month ticks: the first of each month in the window.
        var month = CalendarDate(year: start.year, month: start.month, day: 1) ?? start
        while month.daysSinceEpoch - first <= days {
            if month >= start {
                let mx = x(month)
                w.empty(
                    "line",
                    [
                        ("x1", C.num(mx)), ("y1", C.num(Self.top)), ("x2", C.num(mx)), ("y2", C.num(bottom)),
                        ("stroke", C.grid), ("stroke-width", "1"),
                    ])
                w.element(
                    "text",
                    [("x", C.num(mx)), ("y", C.num(bottom + 16)), ("text-anchor", "middle"), ("font-size", "10")],
                    text: String(month.description.prefix(7)))
            }
            let next = month.month == 12 ? (month.year + 1, 1) : (month.year, month.month + 1)
            guard let m = CalendarDate(year: next.0, month: next.1, day: 1) else { break }
            month = m
        }
        for (i, kind) in lanes.enumerated() {
            let y = Self.top + Self.laneHeight * (Double(i) + 0.5)
            w.empty(
                "line",
                [
                    ("x1", C.num(Self.left)), ("y1", C.num(y)), ("x2", C.num(Self.right)), ("y2", C.num(y)),
                    ("stroke", C.axis), ("stroke-width", "1"),
                ])
            w.element(
                "text",
                [("x", C.num(Self.left - 8)), ("y", C.num(y + 4)), ("text-anchor", "end"), ("font-size", "12")],
                text: HTMLWriter.label(kind, limit: 12))
            for e in shown where e.kind == kind {
                let title = "\(e.date) \(kind): \(HTMLWriter.label(e.title, limit: 120)) (\(HTMLWriter.label(e.ref)))"
                marker(&w, shape: i, x: x(e.date), y: y, title: title)
            }
        }
        w.close("svg")
    }

    static func fill(_ lane: Int) -> String { ChartCanvas.palette[lane % ChartCanvas.palette.count] }

    func marker(_ w: inout HTMLWriter, shape: Int, x: Double, y: Double, title: String) {
        typealias C = ChartCanvas
        let common: [(StaticString, String?)] = [
            ("class", "mark"), ("fill", Self.fill(shape)), ("stroke", C.outline), ("stroke-width", "1"),
            ("fill-opacity", "0.85"),
        ]
        switch shape % 3 {
        case 0:
            w.element("circle", [("cx", C.num(x)), ("cy", C.num(y)), ("r", "6")] + common) { w in
                w.element("title", text: title)
            }
        case 1:
            let d =
                "M\(C.num(x)) \(C.num(y - 7))L\(C.num(x + 7)) \(C.num(y))L\(C.num(x)) \(C.num(y + 7))L\(C.num(x - 7)) \(C.num(y))Z"
            w.element("path", [("d", d)] + common) { w in w.element("title", text: title) }
        default:
            w.element(
                "rect", [("x", C.num(x - 6)), ("y", C.num(y - 6)), ("width", "12"), ("height", "12")] + common
            ) { w in w.element("title", text: title) }
        }
    }
}
