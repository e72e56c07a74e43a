import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

@testable import PactoriaCLI

/// Issue #15: the history verbs render thousands of rows, so the table, the event and actor
/// names, the dates and a commit's first line take byte-level fast paths for plain ASCII. Each
/// must give exactly what the code it replaced gives (kept below as the reference), for random
/// strings full of the awkward cases: CR LF (one character), combining marks, a prepended mark
/// before a space, the Kelvin sign, `<`, `%`, tabs, `contract.` more than once.
@Suite("Rendering: fast paths equal the reference")
struct RenderFastPathTests {
    static let pieces = [
        "a", "Z", "9", " ", "  ", "\t", "<", ">", "@", "%", "-", ".", "contract.", "contract", "\r", "\n", "\r\n",
        "é", "e\u{301}", "\u{301}", "\u{0600}", "\u{0600} ", "\u{212A}", "…", "→", "日本", "🇬🇧", "x\u{200D}y",
    ]

    static func string(_ rng: inout SplitMix64, maxPieces: Int = 12) -> String {
        let n = Int(rng.next() % UInt64(maxPieces + 1))
        return (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    /// `Table.render` as it was before the fast path.
    static func referenceRender(_ rows: [[String]], maxWidths: [Int?], padding: Int = 2) -> [String] {
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
                    line += text + String(repeating: " ", count: max(0, widths[i] - text.count + padding))
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    @Test("Table.render equals the reference on random tables")
    func table() {
        var rng = SplitMix64(seed: 15)
        for _ in 0..<3000 {
            var t = Table()
            let columns = Int(rng.next() % 5) + 1
            t.maxWidths = (0..<columns).map { _ in rng.next() % 3 == 0 ? Int(rng.next() % 6) + 2 : nil }
            for _ in 0..<(Int(rng.next() % 5) + 1) {
                t.add((0..<(Int(rng.next() % UInt64(columns)) + 1)).map { _ in Self.string(&rng) })
            }
            #expect(t.render() == Self.referenceRender(t.rows, maxWidths: t.maxWidths), "\(t.rows) \(t.maxWidths)")
        }
    }

    @Test("eventName, actorName and a commit's first line equal the reference on random strings")
    func names() {
        var rng = SplitMix64(seed: 1515)
        for _ in 0..<20000 {
            let s = Self.string(&rng)
            #expect(eventName(s) == s.replacingOccurrences(of: "contract.", with: ""), "\(Array(s.unicodeScalars))")
            let old = s.split(separator: "<").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? s
            #expect(actorName(s) == old, "\(Array(s.unicodeScalars))")
            let line = String(s.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            #expect(CommitInfo.firstLine(of: s) == line, "\(Array(s.unicodeScalars))")
        }
        #expect(eventName("contract.created") == "created")
        #expect(actorName("Bench Bot <bench@example.com>") == "Bench Bot")
    }

    @Test("dates written directly equal the formatter's, inside and outside the fast range")
    func dates() {
        let minuteRef = DateFormatter()
        minuteRef.dateFormat = "yyyy-MM-dd HH:mm"
        minuteRef.timeZone = TimeZone(identifier: "UTC")
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        var rng = SplitMix64(seed: 151515)
        var times: [Double] = [0, -1, 59, 60, 86_399, 86_400, 951_782_400, 4_102_444_799, 4_102_444_800, 1.5, -86_401]
        for _ in 0..<5000 { times.append(Double(Int64(rng.next() % 5_000_000_000) - 500_000_000)) }
        for t in times {
            let d = Date(timeIntervalSince1970: t)
            #expect(minute(d) == minuteRef.string(from: d), "\(t)")
            #expect(day(d) == String(iso.string(from: d).prefix(10)), "\(t)")
        }
        #expect(thousands(10_000) == "10,000")
        #expect(thousands(999) == "999")
        #expect(thousands(1_234_567) == "1,234,567")
    }
}
