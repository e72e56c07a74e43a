/// Horizontal bars on a fixed 0…`maximum` scale (compliance scores by area, 0–1). A row without a
/// value says "not scored"; when no row has one the chart draws "No data".
public struct HorizontalBarChart: Sendable {
    public var name: String
    public var label: String
    public var rows: [(label: String, value: Double?, display: String)]
    public var maximum: Double

    public init(
        name: String, label: String, rows: [(label: String, value: Double?, display: String)], maximum: Double = 1
    ) {
        self.name = name
        self.label = label
        self.rows = rows
        self.maximum = maximum
    }

    static let left = 150.0
    static let right = ChartCanvas.width - 60
    static let rowHeight = 30.0
    static let top = 16.0

    public func write(into w: inout HTMLWriter) {
        guard maximum > 0, rows.contains(where: { $0.value?.isFinite == true }) else {
            ChartCanvas.noData(&w, name: name, label: label)
            return
        }
        typealias C = ChartCanvas
        let bottom = Self.top + Self.rowHeight * Double(rows.count)
        C.open(&w, name: name, label: label, height: bottom + 30)
        let span = Self.right - Self.left
        for t in 0...5 {
            let v = maximum * Double(t) / 5
            let x = Self.left + span * Double(t) / 5
            w.empty(
                "line",
                [
                    ("x1", C.num(x)), ("y1", C.num(Self.top)), ("x2", C.num(x)), ("y2", C.num(bottom)),
                    ("stroke", t == 0 ? C.axis : C.grid), ("stroke-width", "1"),
                ])
            w.element(
                "text", [("x", C.num(x)), ("y", C.num(bottom + 16)), ("text-anchor", "middle"), ("font-size", "11")],
                text: C.tickLabel(v))
        }
        for (i, row) in rows.enumerated() {
            let y = Self.top + Self.rowHeight * Double(i)
            w.element(
                "text",
                [
                    ("x", C.num(Self.left - 8)), ("y", C.num(y + Self.rowHeight / 2 + 4)), ("text-anchor", "end"),
                    ("font-size", "12"),
                ], text: HTMLWriter.label(row.label, limit: 22))
            guard let v = row.value, v.isFinite else {
                w.element(
                    "text",
                    [("x", C.num(Self.left + 6)), ("y", C.num(y + Self.rowHeight / 2 + 4)), ("font-size", "11")],
                    text: "not scored")
                continue
            }
            let width = max(1, span * min(max(v, 0), maximum) / maximum)
            w.element(
                "rect",
                [
                    ("class", "mark"), ("x", C.num(Self.left)), ("y", C.num(y + 5)), ("width", C.num(width)),
                    ("height", C.num(Self.rowHeight - 10)), ("fill", C.palette[0]), ("stroke", C.outline),
                    ("stroke-width", "0.8"),
                ]
            ) { w in w.element("title", text: "\(row.label): \(row.display)") }
            w.element(
                "text",
                [("x", C.num(Self.left + width + 6)), ("y", C.num(y + Self.rowHeight / 2 + 4)), ("font-size", "11")],
                text: row.display)
        }
        w.close("svg")
    }
}
