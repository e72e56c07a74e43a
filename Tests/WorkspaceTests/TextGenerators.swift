import PropertyBased

/// Hostile text for property tests: line breaks of every kind, NUL and other controls, quotes,
/// YAML and trailer syntax, spaces at the edges, any Unicode scalar, and now and then a long run.
enum HostileText {
    static let pieces: [String] = [
        "\n", "\r", "\r\n", "\0", "\u{85}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\t", "\u{1B}", "\u{7F}", "\u{9B}",
        "\u{FFFE}", "\"", "'", "\\", "#", " #", ": ", ":", "- ", "? ", "|", ">", "&a", "*a", "!!str", "%", "%0A",
        "%25", "---", "...", " ", "  ", "{", "}", "[", "]", ",", "@", "`", "~", "null", "true", "0x1F", "1e3",
        "2025-01-01", "Pactoria-Contract: x", "Pactoria-Event: contract.terminated", "é", "e\u{301}", "日本",
        "🇬🇧", "\u{200B}", "\u{202E}", "a", "Hello world", "<<",
    ]

    /// One piece per number: a fixed piece, any scalar, or a long run of one.
    static func piece(_ n: Int) -> String {
        switch n % 4 {
        case 0, 1: return pieces[(n / 4) % pieces.count]
        case 2:
            var v = UInt32((n / 4) % 0x110000)
            if (0xD800...0xDFFF).contains(v) { v -= 0x800 }
            return String(Character(Unicode.Scalar(v)!))
        default:
            return String(repeating: pieces[(n / 4) % pieces.count], count: 1 + (n / 4) % 3000)
        }
    }

    /// A string of up to `count` pieces.
    static func generator(count: ClosedRange<Int> = 0...24) -> Generator<
        String, Generator<Int, Shrink.Integer<Int>>.ArrayShrink
    > {
        Gen.int(in: 0...Int(Int32.max)).array(of: count).map { ns in ns.map(piece).joined() }
    }
}
