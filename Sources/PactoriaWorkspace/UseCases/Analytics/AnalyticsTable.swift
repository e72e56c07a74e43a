/// Rows of text under named columns: what an analytics verb prints as a table or as CSV.
public struct AnalyticsTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// RFC 4180 CSV with a header row and CRLF line ends. A cell is quoted when it holds a comma,
    /// a quote, CR or LF; a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
    /// CR first, and not a plain number) gets a leading `'`, so a hostile title cannot become one.
    public var csv: String {
        var out = ""
        for row in [columns] + rows { out += row.map(Self.cell).joined(separator: ",") + "\r\n" }
        return out
    }

    public static func cell(_ raw: String) -> String {
        var s = raw
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(s) == nil {
            s = "'" + s
        }
        // By scalars: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return s
        }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
