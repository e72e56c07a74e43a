/// The one canonical way Pactoria writes YAML: block style, two-space indentation, known keys in
/// a fixed order (then unknown keys in the order they came), and the same quoting every time, so a
/// one-field change is a one-line diff.
public struct KeyOrder: Sendable {
    public var keys: [String]
    public var children: [String: KeyOrder]

    public init(_ keys: [String], children: [String: KeyOrder] = [:]) {
        self.keys = keys
        self.children = children
    }

    public static let none = KeyOrder([])
}

public enum CanonicalYAML {
    /// Renders a mapping as a YAML document ending in one newline.
    public static func render(_ node: YAMLNode, order: KeyOrder = .none) -> String {
        var out = ""
        switch node {
        case .mapping(let entries):
            if entries.isEmpty { return "{}\n" }
            writeMapping(entries, order: order, indent: 0, into: &out)
        default:
            writeValue(node, order: order, indent: 0, into: &out, inlineAfterKey: false)
        }
        return out
    }

    static func sorted(_ entries: [YAMLEntry], by order: KeyOrder) -> [YAMLEntry] {
        guard !order.keys.isEmpty else { return entries }
        var known: [YAMLEntry] = []
        for key in order.keys {
            if let e = entries.first(where: { $0.key == key }) { known.append(e) }
        }
        let knownSet = Set(order.keys)
        return known + entries.filter { !knownSet.contains($0.key) }
    }

    static func writeMapping(_ entries: [YAMLEntry], order: KeyOrder, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for entry in sorted(entries, by: order) {
            let key = formatKey(entry.key)
            // YAML allows an implicit key of at most 1024 characters; a longer one is explicit.
            out += key.utf8.count > 1000 ? pad + "? " + key + "\n" + pad + ":" : pad + key + ":"
            writeValue(
                entry.value, order: order.children[entry.key] ?? .none, indent: indent, into: &out,
                inlineAfterKey: true)
        }
    }

    static func writeValue(_ node: YAMLNode, order: KeyOrder, indent: Int, into out: inout String, inlineAfterKey: Bool)
    {
        switch node {
        case .scalar(let s, let style):
            if style != .null && s.contains("\n"), let block = literalBlock(s, indent: indent + 2) {
                out += " " + block
            } else {
                out += " " + formatScalar(s, style: style) + "\n"
            }
        case .mapping(let entries):
            if entries.isEmpty {
                out += " {}\n"
            } else {
                out += "\n"
                writeMapping(entries, order: order, indent: indent + 2, into: &out)
            }
        case .sequence(let items):
            if items.isEmpty {
                out += " []\n"
                return
            }
            out += "\n"
            let pad = String(repeating: " ", count: indent + 2)
            for item in items {
                switch item {
                case .mapping(let entries) where !entries.isEmpty:
                    // "- key: value" with the remaining keys aligned under the first.
                    var body = ""
                    writeMapping(entries, order: order, indent: indent + 4, into: &body)
                    let firstLineStart = body.index(body.startIndex, offsetBy: indent + 4)
                    out += pad + "- " + body[firstLineStart...]
                default:
                    out += pad + "-"
                    writeValue(item, order: order, indent: indent + 2, into: &out, inlineAfterKey: true)
                }
            }
        }
    }

    // MARK: - Scalars

    static func formatKey(_ key: String) -> String {
        isPlainSafe(key) && !looksTyped(key) ? key : doubleQuoted(key)
    }

    /// The scalar as it will be written on the line.
    public static func formatScalar(_ s: String, style: YAMLNode.ScalarStyle) -> String {
        switch style {
        case .null: return "null"
        case .quoted: return doubleQuoted(s)
        case .typed: return isPlainSafe(s) && !isNullWord(s) ? s : doubleQuoted(s)
        case .string: return isPlainSafe(s) && !looksTyped(s) ? s : doubleQuoted(s)
        }
    }

    /// True when `s` can stand unquoted in block context and read back as the same text.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        if first == " " || last == " " || first == "\t" || last == "\t" { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            // "-x", "?x", ":x" are plain when followed by a non-space, but keep it simple and quote.
            return false
        }
        if s.hasSuffix(":") || s.contains(": ") || s.contains(" #") || s.contains(":\t") { return false }
        for u in s.unicodeScalars where u.value < 0x20 || mustEscape(u) { return false }
        // `...` (and `---`, already quoted by its `-`) at the start of a line ends or starts a
        // document when a space or the line's end follows: a key is written at column 0.
        if s.hasPrefix("...") { return false }
        return true
    }

    /// True when plain `s` reads as null.
    static func isNullWord(_ s: String) -> Bool { ["~", "null", "Null", "NULL"].contains(s) }

    /// True when plain `s` would be read by YAML 1.1 or 1.2 as something other than a string:
    /// null, a boolean, a number or a date.
    static func looksTyped(_ s: String) -> Bool {
        let lower = s.lowercased()
        let words: Set<String> = [
            "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan",
        ]
        if words.contains(lower) { return true }
        return typedPatterns.contains { s.wholeMatch(of: $0) != nil } || s.prefixMatch(of: datePrefix) != nil
    }

    /// Plain scalars YAML 1.1 or 1.2 would resolve to a number, a merge key or a value token.
    nonisolated(unsafe) static let typedPatterns: [Regex<AnyRegexOutput>] = [
        try! Regex(#"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])*"#),
        try! Regex(#"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*"#),
        try! Regex(#"[-+]?0[xob][0-9a-fA-F_]+"#),
        try! Regex(#"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?"#),
        try! Regex(#"[-+]?[0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+"#),
        try! Regex(#"<<|="#),
    ]
    nonisolated(unsafe) static let datePrefix = try! Regex(#"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"#)

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{0}": out += "\\0"
            default:
                if mustEscape(u) {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    if u.value <= 0xff {
                        out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    } else {
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// True for a character that may only appear escaped in a double-quoted scalar: C0 and C1
    /// controls (CR, NUL, NEL U+0085…), DEL, the Unicode line and paragraph separators (which
    /// libyaml and other readers treat as line breaks), the byte-order mark and the non-characters
    /// U+FFFE and U+FFFF (which libyaml refuses to read). Tab and LF are escaped by the caller.
    static func mustEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
            || v == 0xFFFE || v == 0xFFFF
    }

    /// A literal block (`|-`, `|` or `|+`) for multi-line text, or nil when the text cannot be
    /// written as one faithfully: any character besides LF that a reader could take for a line
    /// break or that must be escaped (CR, NEL, U+2028, U+2029, controls), a tab, or a first line
    /// that starts with a space. Such text is written double-quoted with escapes instead.
    static func literalBlock(_ s: String, indent: Int) -> String? {
        for u in s.unicodeScalars where u != "\n" && (u == "\t" || mustEscape(u)) { return nil }
        var body = Substring(s)
        var trailingNewlines = 0
        while body.hasSuffix("\n") {
            body.removeLast()
            trailingNewlines += 1
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard let firstContent = lines.first(where: { !$0.isEmpty }), !firstContent.hasPrefix(" ") else {
            return nil
        }
        // Trailing spaces on the last line or a line of only spaces would be misread.
        if lines.contains(where: { !$0.isEmpty && $0.allSatisfy { $0 == " " } }) { return nil }
        let chomp: String
        switch trailingNewlines {
        case 0: chomp = "|-"
        case 1: chomp = "|"
        default: chomp = "|+"
        }
        let pad = String(repeating: " ", count: indent)
        var out = chomp + "\n"
        for line in lines {
            out += line.isEmpty ? "\n" : pad + line + "\n"
        }
        if trailingNewlines > 1 { out += String(repeating: "\n", count: trailingNewlines - 1) }
        return out
    }
}
