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

    /// Lines in one write (a table of thousands of rows is one system call, not one per line).
    static func outLines(_ lines: [String]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            bytes += line.utf8
            bytes.append(0x0A)
        }
        FileHandle.standardOutput.write(Data(bytes))
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

    /// The width of `s` in characters: its byte count when it is ASCII without a carriage return
    /// (CR LF is one character), else counted.
    static func width(_ s: String) -> Int {
        isPlainASCII(s) ? s.utf8.count : s.count
    }

    static func isPlainASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D } }

    /// `text` cut to `limit` characters with an ellipsis, and its width.
    static func fit(_ text: String, _ width: Int, _ limit: Int?) -> (String, Int) {
        guard let limit, width > limit else { return (text, width) }
        if isPlainASCII(text) {
            return (String(decoding: text.utf8.prefix(limit - 1), as: UTF8.self) + "…", limit)
        }
        let cut = String(text.prefix(limit - 1)) + "…"
        return (cut, cut.count)
    }

    func render(padding: Int = 2) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let counts = rows.map { $0.map(Self.width) }
        var widths = [Int](repeating: 0, count: columns)
        for row in counts {
            for (i, n) in row.enumerated() {
                let limit = i < maxWidths.count ? maxWidths[i] : nil
                widths[i] = max(widths[i], min(n, limit ?? .max))
            }
        }
        // Blanks of every length a cell can need, made once.
        let blanks = (0...(widths.max() ?? 0) + padding).map { String(repeating: " ", count: $0) }
        return zip(rows, counts).map { row, count in
            var line = ""
            for (i, cell) in row.enumerated() {
                let (text, n) = Self.fit(cell, count[i], i < maxWidths.count ? maxWidths[i] : nil)
                line += text
                if i != row.count - 1 { line += blanks[max(0, widths[i] - n + padding)] }
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
