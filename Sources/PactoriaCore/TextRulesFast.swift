/// Byte-level fast paths for the text rules: for the ASCII text that nearly every field holds they
/// give exactly the answers of the general rules in `TextRules.swift`, without decoding entities,
/// building strings or looking up Unicode properties. Anything they are unsure of (non-ASCII
/// text, an `&` that may start an entity, a string without contiguous UTF-8) goes the general way.
extension Validator {
    /// `markupOrScript` for ASCII text without `&`: `.some(answer)`, or nil when not applicable.
    static func asciiMarkupOrScript(_ text: String) -> String?? {
        let answer = text.utf8.withContiguousStorageIfAvailable { b -> String?? in
            var trigger = false
            var nonASCII = false
            for c in b {
                if c >= 0x80 {
                    nonASCII = true
                    continue
                }
                if c == UInt8(ascii: "&") { return nil }
                if c == UInt8(ascii: "<") || c == UInt8(ascii: ":") || c == UInt8(ascii: "=")
                    || c == UInt8(ascii: "(")
                {
                    trigger = true
                }
            }
            // Every pattern, scheme, data URL, event handler and tag needs one of `<`, `:`, `=`,
            // `(`; without `&` no entity can make one, and only the full-width and angle-bracket
            // forms `normalisedForMatching` folds can turn non-ASCII into one (lower-casing never
            // yields ASCII punctuation). Text with a trigger and non-ASCII goes the general way.
            guard trigger else {
                if nonASCII, text.unicodeScalars.contains(where: foldsToASCIIPunctuation) { return nil }
                return .some(nil)
            }
            if nonASCII { return nil }
            // Lower-cased; `compact` without whitespace (TAB…CR, space) and DEL, `url` without
            // C0 controls and DEL, exactly as the general rules filter the scalars.
            var compact: [UInt8] = []
            var url: [UInt8] = []
            compact.reserveCapacity(b.count)
            url.reserveCapacity(b.count)
            for var c in b {
                if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c += 0x20 }
                if c == 0x7F { continue }
                if !((0x09...0x0D).contains(c) || c == 0x20) { compact.append(c) }
                if c >= 0x20 { url.append(c) }
            }
            for pattern in dangerousPatterns where contains(compact, pattern) { return .some(pattern) }
            for scheme in ["javascript:", "vbscript:", "livescript:", "mocha:"] where contains(compact, scheme) {
                return .some(scheme)
            }
            if contains(compact, "expression(") { return .some("expression(") }
            if let hit = asciiDataURL(url) ?? asciiEventHandler(url) ?? asciiTag(url) { return .some(hit) }
            return .some(nil)
        }
        return answer ?? nil
    }

    /// The scalars `normalisedForMatching` folds to ASCII: full-width forms and the angle
    /// brackets and colons it maps to `<`, `>`, `:`.
    static func foldsToASCIIPunctuation(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (0xFF01...0xFF5E).contains(v)
            || [
                0xFE64, 0x2039, 0x3008, 0x2329, 0xFE65, 0x203A, 0x3009, 0x232A, 0xFE13,
                0xFE55, 0x2236,
            ].contains(v)
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return false }
        var i = 0
        while i + n.count <= haystack.count {
            if haystack[i] == n[0] {
                var k = 1
                while k < n.count && haystack[i + k] == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }

    private static func asciiDataURL(_ c: [UInt8]) -> String? {
        let pattern = Array("data:".utf8)
        var i = 0
        while i + pattern.count < c.count {
            if c[i] == pattern[0] && Array(c[i..<(i + pattern.count)]) == pattern {
                let boundary = i == 0 || !isAlnum(c[i - 1])
                let next = c[i + pattern.count]
                if boundary && (isAlnum(next) && !(next >= 0x30 && next <= 0x39) || next == UInt8(ascii: ",")) {
                    return "data:"
                }
            }
            i += 1
        }
        return nil
    }

    private static func asciiEventHandler(_ c: [UInt8]) -> String? {
        var i = 0
        while i + 2 < c.count {
            let boundary = i == 0 || !isAlnum(c[i - 1])
            if boundary && c[i] == UInt8(ascii: "o") && c[i + 1] == UInt8(ascii: "n") {
                var j = i + 2
                while j < c.count && isLower(c[j]) { j += 1 }
                let letters = j - (i + 2)
                var k = j
                while k < c.count && c[k] == 0x20 { k += 1 }
                if letters >= 3 && k < c.count && c[k] == UInt8(ascii: "=") {
                    return String(decoding: c[i..<j], as: UTF8.self) + "="
                }
            }
            i += 1
        }
        return nil
    }

    private static func asciiTag(_ c: [UInt8]) -> String? {
        for i in c.indices where c[i] == UInt8(ascii: "<") && i + 1 < c.count {
            var j = i + 1
            if c[j] == UInt8(ascii: "!") || c[j] == UInt8(ascii: "?") {
                return "<" + String(decoding: c[j...j], as: UTF8.self)
            }
            if c[j] == UInt8(ascii: "/") { j += 1 }
            guard j < c.count, isLower(c[j]) else { continue }
            let start = j
            while j < c.count, isLower(c[j]) || (c[j] >= 0x30 && c[j] <= 0x39) { j += 1 }
            return "<" + (c[i + 1] == UInt8(ascii: "/") ? "/" : "") + String(decoding: c[start..<j], as: UTF8.self)
        }
        return nil
    }

    /// True when `text` is printable ASCII (and TAB, and LF when `multiline`): then it holds no
    /// forbidden character. False means "look closer", not "forbidden".
    static func isPlainASCII(_ text: String, multiline: Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { b in
            for c in b where !((c >= 0x20 && c < 0x7F) || c == 0x09 || (c == 0x0A && multiline)) { return false }
            return true
        } ?? false
    }
    /// `isEmail` for printable ASCII: `.some(answer)`, or nil when `s` holds anything else.
    static func asciiIsEmail(_ s: String) -> Bool? {
        s.utf8.withContiguousStorageIfAvailable { b -> Bool? in
            for c in b where c < 0x20 || c >= 0x7F { return nil }
            guard b.count <= 254 else { return false }
            var at = -1
            for (i, c) in b.enumerated() {
                if c == 0x20 || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: ",") {
                    return false
                }
                if c == UInt8(ascii: "@") {
                    if at >= 0 { return false }
                    at = i
                }
            }
            guard at > 0, at <= 64 else { return false }
            let dot = UInt8(ascii: ".")
            if b[0] == dot || b[at - 1] == dot { return false }
            for i in 0..<(at - 1) where b[i] == dot && b[i + 1] == dot { return false }
            // Domain labels: at least two, each 1…63 of letters, digits and inner hyphens; the last
            // at least two letters.
            var labels = 0
            var start = at + 1
            var lastAllLetters = false
            var lastLength = 0
            var i = at + 1
            while i <= b.count {
                if i == b.count || b[i] == dot {
                    let n = i - start
                    guard n > 0, n <= 63, b[start] != UInt8(ascii: "-"), b[i - 1] != UInt8(ascii: "-") else {
                        return false
                    }
                    var letters = true
                    for k in start..<i {
                        let c = b[k] | 0x20
                        let isLetter = c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")
                        let isDigit = b[k] >= UInt8(ascii: "0") && b[k] <= UInt8(ascii: "9")
                        if !isLetter { letters = false }
                        if !(isLetter || isDigit || b[k] == UInt8(ascii: "-")) { return false }
                    }
                    labels += 1
                    lastAllLetters = letters
                    lastLength = n
                    start = i + 1
                }
                i += 1
            }
            return labels >= 2 && lastLength >= 2 && lastAllLetters
        } ?? nil
    }
}
