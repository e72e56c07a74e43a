/// What every report chart shares: the `<svg>` element (`role="img"`, an `aria-label` and a
/// `<title>`), the "No data" text an empty chart draws instead of marks, the palette, value axes
/// and how coordinates are written.
///
/// The palette steps in lightness (dark blue, mid orange, light sky blue, …) and every mark has a
/// dark outline, so the series stay apart when the page is printed in greyscale.
public enum ChartCanvas {
    public static let width = 680.0
    /// Fills from dark to light, then outline colour, axis colour.
    public static let palette = ["#1b3a6b", "#d97706", "#93c5fd", "#4b5563", "#fcd34d", "#0f766e"]
    public static let outline = "#111827"
    public static let axis = "#374151"
    public static let grid = "#d1d5db"

    /// Opens the chart's `<svg>` and writes its title; `name` goes in `data-chart` (tests and CSS).
    static func open(_ w: inout HTMLWriter, name: String, label: String, height: Double) {
        w.open(
            "svg",
            [
                ("class", "chart"), ("data-chart", name), ("role", "img"),
                ("aria-label", label), ("viewBox", "0 0 \(num(width)) \(num(height))"),
                ("width", num(width)), ("height", num(height)),
            ])
        w.element("title", text: label)
    }

    /// The whole `<svg>` of a chart with nothing to draw: its frame and "No data".
    static func noData(_ w: inout HTMLWriter, name: String, label: String) {
        open(&w, name: name, label: label + ": no data", height: 80)
        w.empty(
            "rect",
            [
                ("x", "0.5"), ("y", "0.5"), ("width", num(width - 1)), ("height", "79"), ("fill", "none"),
                ("stroke", grid),
            ])
        w.element(
            "text",
            [
                ("class", "no-data"), ("x", num(width / 2)), ("y", "45"), ("text-anchor", "middle"),
                ("font-size", "16"), ("fill", axis),
            ], text: "No data")
        w.close("svg")
    }

    /// A coordinate or size with at most one decimal ("12", "12.5").
    static func num(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        let tenths = Int((d * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return m % 10 == 0 ? "\(sign)\(m / 10)" : "\(sign)\(m / 10).\(m % 10)"
    }

    /// A tick step (1, 2 or 5 × 10^n) and the axis maximum (a whole number of steps ≥ `max`),
    /// for about `ticks` ticks.
    static func niceScale(max: Double, ticks: Int = 5) -> (step: Double, top: Double) {
        guard max > 0, max.isFinite else { return (1, 1) }
        let raw = max / Double(ticks)
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first(where: { $0 >= raw }) ?? 10 * magnitude
        return (step, (max / step).rounded(.up) * step)
    }

    /// A tick's label: whole numbers with thousands separators, else up to two decimals.
    static func tickLabel(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return thousands(Int(v)) }
        let hundredths = Int((v * 100).rounded())
        let frac = hundredths.magnitude % 100
        return "\(hundredths < 0 ? "-" : "")\(thousands(Int(hundredths.magnitude / 100)))."
            + (frac < 10 ? "0\(frac)" : "\(frac)")
    }

    static func thousands(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A legend row at (x, y): a swatch and a name per series.
    static func legend(_ w: inout HTMLWriter, x: Double, y: Double, items: [(name: String, fill: String)]) {
        var cx = x
        w.open("g", [("class", "legend")])
        for item in items {
            w.empty(
                "rect",
                [
                    ("x", num(cx)), ("y", num(y - 10)), ("width", "12"), ("height", "12"), ("fill", item.fill),
                    ("stroke", outline), ("stroke-width", "0.8"),
                ])
            w.element("text", [("x", num(cx + 16)), ("y", num(y)), ("font-size", "12")], text: item.name)
            cx += 28 + Double(item.name.count) * 7
        }
        w.close("g")
    }

    /// The value axis of a vertical chart: gridlines and labels from 0 to `top`, and the baseline.
    static func valueAxis(
        _ w: inout HTMLWriter, step: Double, top: Double, left: Double, right: Double, plotTop: Double,
        plotBottom: Double
    ) {
        var v = 0.0
        while v <= top + step / 2 {
            let y = plotBottom - (plotBottom - plotTop) * v / top
            w.empty(
                "line",
                [
                    ("x1", num(left)), ("y1", num(y)), ("x2", num(right)), ("y2", num(y)),
                    ("stroke", v == 0 ? axis : grid), ("stroke-width", "1"),
                ])
            w.element(
                "text",
                [("x", num(left - 6)), ("y", num(y + 4)), ("text-anchor", "end"), ("font-size", "11")],
                text: tickLabel(v))
            v += step
        }
    }
}
