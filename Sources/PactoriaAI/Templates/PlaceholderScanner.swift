import PactoriaCore

/// Finds `{{name}}` placeholders in Markdown. Spaces inside the braces are allowed
/// (`{{ client.name }}`); a name is lower-case letters, digits and `_`, in dot-separated parts
/// that start with a letter.
enum PlaceholderScanner {
    struct Occurrence {
        /// The placeholder name, or nil when the `{{…}}` is malformed.
        var name: String?
        /// The whole `{{…}}` text (or the rest of the line after an unclosed `{{`).
        var text: String
        /// 0-based line within the scanned text.
        var lineOffset: Int
        var range: Range<String.Index>
    }

    static func scan(_ text: String) -> [Occurrence] {
        var result: [Occurrence] = []
        var lineOffset = 0
        var index = text.startIndex
        var lineEnd = text[index...].firstIndex(of: "\n") ?? text.endIndex
        while let open = text[index...].firstRange(of: "{{") {
            while lineEnd < open.lowerBound {
                lineOffset += 1
                let next = text.index(after: lineEnd)
                lineEnd = text[next...].firstIndex(of: "\n") ?? text.endIndex
            }
            guard let close = text[open.upperBound..<lineEnd].firstRange(of: "}}") else {
                result.append(
                    Occurrence(
                        name: nil, text: String(text[open.lowerBound..<lineEnd].prefix(40)), lineOffset: lineOffset,
                        range: open.lowerBound..<lineEnd))
                index = lineEnd
                continue
            }
            let inner = text[open.upperBound..<close.lowerBound].trimmingSpaces()
            let whole = open.lowerBound..<close.upperBound
            result.append(
                Occurrence(
                    name: isValidName(inner) ? inner : nil, text: String(text[whole]), lineOffset: lineOffset,
                    range: whole))
            index = close.upperBound
        }
        return result
    }

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }
    }
}
