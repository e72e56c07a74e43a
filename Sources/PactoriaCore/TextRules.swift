/// The rules for every piece of free text a person types (titles, names, companies, roles,
/// reasons, the plain-English brief): no control characters, a length limit, and no markup or
/// script once HTML entities are decoded and the text is normalised. Input filtering is defence in
/// depth; whatever renders HTML must still escape its output.
///
/// Lengths (characters): title, party name, company name, user full name and party company 200;
/// email 254; role 100; lifecycle reason 2,000; plain-English input 10,000; `by` stamps 320.
extension Validator {
    public static let maxNameLength = 200
    public static let maxCompanyLength = 200
    public static let maxRoleLength = 100
    public static let maxEmailLength = 254
    public static let maxReasonLength = 2_000
    public static let maxAuthorLength = 320

    /// Every problem with one free-text value: control characters (C0 except TAB, and LF only when
    /// `multiline`; DEL; C1 including NEL; U+2028, U+2029; the byte-order mark and non-characters),
    /// more than `maxLength` characters, and, when `markup` is true, HTML or script.
    public static func validateText(
        _ text: String, field: String, maxLength: Int, multiline: Bool = false, markup: Bool = true
    ) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let bad = forbiddenCharacter(in: text, multiline: multiline) {
            issues.append(ValidationIssue(field: field, message: bad))
        }
        let count = text.count
        if count > maxLength {
            // Too long already: no need to scan (perhaps megabytes) for markup.
            issues.append(
                ValidationIssue(field: field, message: "must be at most \(maxLength) characters (has \(count))"))
            return issues
        }
        if markup, let hit = markupOrScript(in: text) {
            issues.append(ValidationIssue(field: field, message: "must not contain markup or script ('\(hit)')"))
        }
        return issues
    }

    /// A description of the first character `text` may not hold, or nil.
    public static func forbiddenCharacter(in text: String, multiline: Bool) -> String? {
        if isPlainASCII(text, multiline: multiline) { return nil }
        for (offset, u) in text.unicodeScalars.enumerated() {
            let v = u.value
            if u == "\t" { continue }
            if u == "\n" {
                if multiline { continue }
                return "must be a single line (line break at character \(offset + 1))"
            }
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
                || v == 0xFFFE || v == 0xFFFF
            {
                let hex = String(v, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                return "must not contain control characters (\(code) at character \(offset + 1))"
            }
        }
        return nil
    }

    // MARK: - Markup and script

    /// The first markup or script `text` holds, after decoding entities and normalising, or nil.
    public static func markupOrScript(in text: String) -> String? {
        if let answer = asciiMarkupOrScript(text) { return answer }
        let decoded = normalisedForMatching(text)
        // With every space and control removed: `java\tscript:`, `j a v a s c r i p t :`.
        let compact = String(
            String.UnicodeScalarView(decoded.unicodeScalars.filter { !isIgnorable($0) && !$0.properties.isWhitespace }))
        if let hit = dangerousPatterns.first(where: { compact.contains($0) }) { return hit }
        for scheme in ["javascript:", "vbscript:", "livescript:", "mocha:"] where compact.contains(scheme) {
            return scheme
        }
        if compact.contains("expression(") { return "expression(" }
        // With only the characters browsers drop from URLs removed (tab, line breaks, controls).
        let url = String(
            String.UnicodeScalarView(decoded.unicodeScalars.filter { !isIgnorable($0) && !($0.value < 0x20) }))
        if let hit = dataURL(in: url) ?? eventHandler(in: url) { return hit }
        // Any other tag or comment (`<img`, `<svg`, `<form`, `<!--`): named last, as the least specific.
        return tag(in: url)
    }

    /// `data:` followed by a media type (`data:text/html`, `data:image/svg+xml;base64,…`) and not
    /// part of a longer word, so that "the data: names and addresses" passes.
    static func dataURL(in s: String) -> String? {
        let c = Array(s.unicodeScalars)
        let pattern = Array("data:".unicodeScalars)
        var i = 0
        while i + pattern.count < c.count {
            if Array(c[i..<(i + pattern.count)]) == pattern {
                let before = i == 0 ? nil : c[i - 1]
                let boundary = before.map { !($0.properties.isAlphabetic || ("0"..."9").contains($0)) } ?? true
                let next = c[i + pattern.count]
                if boundary && (next.properties.isAlphabetic || next == ",") { return "data:" }
            }
            i += 1
        }
        return nil
    }

    /// An HTML tag or comment: `<` then a letter, `/` and a letter, `!` or `?`.
    static func tag(in s: String) -> String? {
        let c = Array(s.unicodeScalars)
        for i in c.indices where c[i] == "<" && i + 1 < c.count {
            var j = i + 1
            if c[j] == "!" || c[j] == "?" { return "<" + String(c[j]) }
            if c[j] == "/" { j += 1 }
            guard j < c.count, ("a"..."z").contains(c[j]) else { continue }
            var name = ""
            while j < c.count, ("a"..."z").contains(c[j]) || ("0"..."9").contains(c[j]) {
                name.unicodeScalars.append(c[j])
                j += 1
            }
            return "<" + (c[i + 1] == "/" ? "/" : "") + name
        }
        return nil
    }

    /// Zero-width and formatting characters a filter must not let split a keyword.
    static func isIgnorable(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v == 0xAD || (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2060...0x206F).contains(v)
            || v == 0xFEFF || v == 0x7F || (0x80...0x9F).contains(v)
    }

    /// Entities decoded (until nothing changes, at most three rounds: `&amp;#106;`), full-width
    /// forms folded to ASCII (the NFKC mappings that matter for markup), lower-cased.
    public static func normalisedForMatching(_ text: String) -> String {
        var s = text
        for _ in 0..<3 {
            let next = decodeEntities(s)
            if next == s { break }
            s = next
        }
        var folded = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let v = u.value
            if (0xFF01...0xFF5E).contains(v), let ascii = Unicode.Scalar(v - 0xFEE0) {
                folded.append(ascii)
            } else if v == 0xFE64 || v == 0x2039 || v == 0x3008 || v == 0x2329 {
                folded.append("<")
            } else if v == 0xFE65 || v == 0x203A || v == 0x3009 || v == 0x232A {
                folded.append(">")
            } else if v == 0xFE13 || v == 0xFE55 || v == 0x2236 {
                folded.append(":")
            } else {
                folded.append(u)
            }
        }
        return String(folded).lowercased()
    }

    /// Named entities a browser decodes that could spell out markup or a URL scheme.
    static let namedEntities: [String: String] = [
        "colon": ":", "tab": "\t", "newline": "\n", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "amp": "&",
        "sol": "/", "bsol": "\\", "lpar": "(", "rpar": ")", "equals": "=", "nbsp": " ", "period": ".", "comma": ",",
        "semi": ";", "excl": "!", "quest": "?", "num": "#", "percnt": "%", "lsqb": "[", "rsqb": "]", "lcub": "{",
        "rcub": "}", "grave": "`", "plus": "+", "hyphen": "-", "dash": "-", "lowbar": "_", "ast": "*",
        "verbar": "|", "vert": "|", "ensp": " ", "emsp": " ", "thinsp": " ", "zwj": "", "zwnj": "",
    ]

    /// HTML character references decoded: named (above), decimal and hex, with or without `;`.
    public static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        let c = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < c.count {
            guard c[i] == "&", i + 1 < c.count else {
                out.append(c[i])
                i += 1
                continue
            }
            var j = i + 1
            if c[j] == "#" {
                j += 1
                let hex = j < c.count && (c[j] == "x" || c[j] == "X")
                if hex { j += 1 }
                var value: UInt32 = 0
                var digits = 0
                while j < c.count, let d = digit(c[j], hex: hex) {
                    value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + d
                    digits += 1
                    j += 1
                }
                if digits > 0 {
                    if j < c.count && c[j] == ";" { j += 1 }
                    out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                    i = j
                    continue
                }
            } else {
                var name = ""
                while j < c.count, j - i <= 10, c[j].properties.isAlphabetic && c[j].isASCII {
                    name.unicodeScalars.append(c[j])
                    j += 1
                }
                // Longest known name first, so that `&colon` wins over a shorter prefix.
                var k = name.count
                while k > 0 {
                    let candidate = String(name.prefix(k)).lowercased()
                    if let replacement = namedEntities[candidate] {
                        var end = i + 1 + k
                        if end < c.count && c[end] == ";" { end += 1 }
                        out.append(contentsOf: replacement.unicodeScalars)
                        i = end
                        break
                    }
                    k -= 1
                }
                if k > 0 { continue }
            }
            out.append(c[i])
            i += 1
        }
        return String(out)
    }

    static func digit(_ u: Unicode.Scalar, hex: Bool) -> UInt32? {
        switch u {
        case "0"..."9": return u.value - 0x30
        case "a"..."f" where hex: return u.value - 0x61 + 10
        case "A"..."F" where hex: return u.value - 0x41 + 10
        default: return nil
        }
    }
}

/// Rules about the bytes of workspace files.
public enum TextRules {
    /// The offset of the first byte that does not belong to well-formed UTF-8 (overlong forms,
    /// surrogates and code points past U+10FFFF included), or nil when all of `bytes` is UTF-8.
    public static func invalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            for k in 1..<length {
                guard i + k < n else { return i }
                let c = bytes[i + k]
                let lo: UInt8 = k == 1 ? lower : 0x80
                let hi: UInt8 = k == 1 ? upper : 0xBF
                if c < lo || c > hi { return i }
            }
            i += length
        }
        return nil
    }
}
