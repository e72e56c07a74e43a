/// A vertical bar chart: one bar per category, or a group of bars per category when there are
/// several series (contracts created and activated per month). Each bar has a `<title>` with its
/// exact value for hover; a chart whose values are all zero draws "No data".
public struct BarChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        /// What a bar's hover text and the table say (an exact decimal for money).
        public var display: [String]

        public init(name: String, values: [Double], display: [String]? = nil) {
            self.name = name
            self.values = values
            self.display = display ?? values.map(ChartCanvas.tickLabel)
        }
    }

    public var name: String
    public var label: String
    public var categories: [String]
    public var series: [Series]
    public var valueTitle: String

    public init(name: String, label: String, categories: [String], series: [Series], valueTitle: String) {
        self.name = name
        self.label = label
        self.categories = categories
        self.series = series
        self.valueTitle = valueTitle
    }

    static let height = 280.0
    static let left = 78.0
    static let right = ChartCanvas.width - 12
    static let plotTop = 34.0
    static let plotBottom = height - 46

    public func write(into w: inout HTMLWriter) {
        let peak = series.flatMap(\.values).filter(\.isFinite).max() ?? 0
        guard !categories.isEmpty, !series.isEmpty, peak > 0 else {
            ChartCanvas.noData(&w, name: name, label: label)
            return
        }
        typealias C = ChartCanvas
        // Counts step by whole numbers (no "1.50 contracts").
        let whole = series.allSatisfy { $0.values.allSatisfy { $0 == $0.rounded() } }
        var (step, top) = C.niceScale(max: peak)
        if whole && step < 1 { (step, top) = (1, peak.rounded(.up)) }
        C.open(&w, name: name, label: label, height: Self.height)
        C.valueAxis(
            &w, step: step, top: top, left: Self.left, right: Self.right, plotTop: Self.plotTop,
            plotBottom: Self.plotBottom)
        w.element(
            "text",
            [
                ("x", "14"), ("y", C.num((Self.plotTop + Self.plotBottom) / 2)), ("font-size", "11"),
                ("text-anchor", "middle"),
                ("transform", "rotate(-90 14 \(C.num((Self.plotTop + Self.plotBottom) / 2)))"),
            ], text: valueTitle)
        if series.count > 1 {
            C.legend(
                &w, x: Self.left, y: 18,
                items: series.enumerated().map { ($0.element.name, C.palette[$0.offset % C.palette.count]) })
        }
        let slot = (Self.right - Self.left) / Double(categories.count)
        let barWidth = min(48, slot * 0.8 / Double(series.count))
        let plotHeight = Self.plotBottom - Self.plotTop
        for (i, category) in categories.enumerated() {
            let groupLeft = Self.left + slot * Double(i) + (slot - barWidth * Double(series.count)) / 2
            for (k, s) in series.enumerated() where i < s.values.count {
                let v = s.values[i]
                guard v.isFinite, v > 0 else { continue }
                let h = max(1, plotHeight * v / top)
                w.element(
                    "rect",
                    [
                        ("class", "mark"), ("x", C.num(groupLeft + barWidth * Double(k))),
                        ("y", C.num(Self.plotBottom - h)), ("width", C.num(barWidth)), ("height", C.num(h)),
                        ("fill", C.palette[k % C.palette.count]), ("stroke", C.outline), ("stroke-width", "0.8"),
                    ]
                ) { w in
                    let what = series.count > 1 ? "\(category), \(s.name)" : category
                    w.element("title", text: "\(what): \(i < s.display.count ? s.display[i] : C.tickLabel(v))")
                }
            }
            w.element(
                "text",
                [
                    ("x", C.num(Self.left + slot * (Double(i) + 0.5))), ("y", C.num(Self.plotBottom + 16)),
                    ("text-anchor", "middle"), ("font-size", categories.count > 8 ? "10" : "11"),
                ], text: HTMLWriter.label(category, limit: 24))
        }
        w.close("svg")
    }
}
