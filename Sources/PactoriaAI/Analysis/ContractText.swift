/// Contract Markdown prepared for clause detection: lower-cased, Markdown emphasis removed,
/// curly quotes straightened and whitespace collapsed to single spaces.
struct ContractText: Sendable {
    let lower: String

    init(_ markdown: String) {
        var out = ""
        out.reserveCapacity(markdown.utf8.count)
        var lastWasSpace = true
        for character in markdown.lowercased() {
            switch character {
            case "*", "_", "`":
                continue
            case "’", "‘":
                out.append("'")
                lastWasSpace = false
            case "“", "”":
                out.append("\"")
                lastWasSpace = false
            default:
                if character.isWhitespace {
                    if !lastWasSpace { out.append(" ") }
                    lastWasSpace = true
                } else {
                    out.append(character)
                    lastWasSpace = false
                }
            }
        }
        lower = out
    }

    func contains(_ phrase: String) -> Bool { lower.contains(phrase) }

    func containsAny(_ phrases: [String]) -> Bool { phrases.contains { lower.contains($0) } }

    /// Whether `pattern` (a Swift regex, matched case-insensitively against the lower-cased
    /// text) matches anywhere.
    func matches(_ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return lower.contains(regex)
    }

    /// Whether `first` and `second` occur within `window` characters of each other, in order.
    func near(_ first: String, _ second: String, within window: Int) -> Bool {
        var searchStart = lower.startIndex
        while let range = lower[searchStart...].firstRange(of: first) {
            let end = lower.index(range.upperBound, offsetBy: window, limitedBy: lower.endIndex) ?? lower.endIndex
            if lower[range.upperBound..<end].contains(second) { return true }
            searchStart = range.upperBound
        }
        return false
    }
}
