import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where output goes and whether it may be coloured: only on a terminal, never with NO_COLOR.
struct Terminal {
    let color: Bool

    init(noColor: Bool = false) {
        let env = ProcessInfo.processInfo.environment
        let forced = env["NO_COLOR"].map { !$0.isEmpty } ?? false
        color = !noColor && !forced && isatty(STDOUT_FILENO) == 1 && env["TERM"] != "dumb"
    }

    enum Style: String {
        case red = "31", green = "32", yellow = "33", blue = "34", cyan = "36", bold = "1", dim = "2"
    }

    func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    static func out(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func writeRaw(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// Left-aligned columns, like `git branch -v`: widths from the content, the last column unpadded.
struct Table {
    var rows: [[String]] = []
    var maxWidths: [Int?] = []

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(padding: Int = 2) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() {
                let limit = i < maxWidths.count ? maxWidths[i] : nil
                widths[i] = max(widths[i], min(cell.count, limit ?? .max))
            }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                let limit = i < maxWidths.count ? maxWidths[i] : nil
                var text = cell
                if let limit, text.count > limit { text = String(text.prefix(limit - 1)) + "…" }
                if i == row.count - 1 {
                    line += text
                } else {
                    line += text + String(repeating: " ", count: widths[i] - text.count + padding)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}

/// JSON for scripts: stable key order, two-space indentation.
enum JSON {
    /// A typed value (the shapes shared with the API), indented, keys sorted.
    static func print(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write((try? encoder.encode(value)) ?? Data("{}".utf8))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
