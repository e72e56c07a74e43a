import PactoriaCore
import PactoriaTestSupport
import Testing

/// The text rules' byte-level fast paths give exactly the answers of the general rules, which are
/// kept here as they were before the fast paths (`Reference`), on many generated strings: random
/// ASCII and Unicode, and adversarial pieces (split schemes, entities, tags, handlers, controls).
@Suite struct TextRulesFastPathTests {
    /// The rules as written before the fast paths.
    enum Reference {
        static func markupOrScript(in text: String) -> String? {
            let decoded = Validator.normalisedForMatching(text)
            let compact = String(
                String.UnicodeScalarView(
                    decoded.unicodeScalars.filter { !isIgnorable($0) && !$0.properties.isWhitespace }))
            if let hit = Validator.dangerousPatterns.first(where: { compact.contains($0) }) { return hit }
            for scheme in ["javascript:", "vbscript:", "livescript:", "mocha:"] where compact.contains(scheme) {
                return scheme
            }
            if compact.contains("expression(") { return "expression(" }
            let url = String(
                String.UnicodeScalarView(decoded.unicodeScalars.filter { !isIgnorable($0) && !($0.value < 0x20) }))
            if let hit = dataURL(in: url) ?? eventHandler(in: url) { return hit }
            return tag(in: url)
        }

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

        static func isIgnorable(_ u: Unicode.Scalar) -> Bool {
            let v = u.value
            return v == 0xAD || (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2060...0x206F).contains(v)
                || v == 0xFEFF || v == 0x7F || (0x80...0x9F).contains(v)
        }

        static func eventHandler(in lower: String) -> String? {
            let c = Array(lower.unicodeScalars)
            var i = 0
            while i + 2 < c.count {
                let boundary = i == 0 || !(c[i - 1].properties.isAlphabetic || ("0"..."9").contains(c[i - 1]))
                if boundary && c[i] == "o" && c[i + 1] == "n" {
                    var j = i + 2
                    while j < c.count && ("a"..."z").contains(c[j]) { j += 1 }
                    let letters = j - (i + 2)
                    var k = j
                    while k < c.count && (c[k].properties.isWhitespace || c[k].value < 0x20 || isIgnorable(c[k])) {
                        k += 1
                    }
                    if letters >= 3 && k < c.count && c[k] == "=" {
                        var s = ""
                        s.unicodeScalars.append(contentsOf: c[i...k])
                        return s.filter { !$0.isWhitespace }
                    }
                }
                i += 1
            }
            return nil
        }

        static func isEmail(_ s: String) -> Bool {
            guard s.count <= 254, !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
            else {
                return false
            }
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
            let local = parts[0]
            if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return false }
            let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2 else { return false }
            for label in labels {
                guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                    label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
                else { return false }
            }
            return labels.last!.count >= 2 && labels.last!.allSatisfy(\.isLetter)
        }

        static func forbiddenCharacter(in text: String, multiline: Bool) -> String? {
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
    }

    static let pieces: [String] = [
        "<script", "</SCRIPT", "<Script>", "java\tscript:", "j a v a s c r i p t :", "JaVaScRiPt:", "vbscript:",
        "livescript:", "mocha:", "expression(", "EXPRESSION (", "data:text/html", "data:image/svg+xml;base64,",
        "data:,", "the data: names", "xdata:x", "1data:a", "data:1", "data:", "onerror=", "onload =", "ON MOUSEOVER=",
        "on=", "onx=", "onabc", "once =", "on\u{200B}load=", "<svg", "<img src=x", "</a", "<!--", "<?xml", "< b",
        "<1", "<", ">", "&#x6A;", "&#106", "&#X3C;", "&amp;#106;", "&lt;script", "&colon;", "&Tab;", "&#0;",
        "&#99999999999;", "&", "&;", "&lpar;", "&equals;", "%6A", "%3C", "\\", "srcdoc=", "<iframe", "<object",
        "<embed", "<form", "\u{FF1C}script", "\u{FE64}svg", "\u{2039}img", "\u{FF4A}avascript\u{FF1A}", "\u{2236}",
        "\u{2028}", "\u{2029}", "\0", "\u{1}", "\u{1F}", "\u{7F}", "\u{85}", "\u{9F}", "\u{AD}", "\u{FEFF}",
        "\u{FFFE}", "\u{FFFF}", "\u{202E}", "\u{2060}", "\r\n", "\r", "\n", "\t", "\u{B}", "\u{C}", " ", "  ",
        "\u{A0}", "\u{3000}", "é", "e\u{301}", "İ", "\u{212A}", "日本", "🇬🇧", "Ǆ", ":", "=", "(", "a", "Z", "0",
        "Hello world", "Acme Ltd (UK)", "Re: terms", "x=y", "a:b", "@", "@@", ".", "..", "-", "a@b.co",
        "first.last@example.co.uk", "x@-a.com", "x@a-.com", "x@a.c", "x@a.c0m", "x@a..com", ".x@a.com",
        "x.@a.com", "x@a.com.", "a,b@c.de", "a b@c.de", String(repeating: "a", count: 64) + "@b.co",
        String(repeating: "a", count: 65) + "@b.co", "x@" + String(repeating: "b", count: 63) + ".co",
        "x@" + String(repeating: "b", count: 64) + ".co", String(repeating: "a.b", count: 90) + "@c.de",
    ]

    /// A deterministic generator, so that a failure is reproducible.
    typealias Random = SplitMix64

    static func string(_ r: inout Random) -> String {
        var s = ""
        for _ in 0..<r.below(12) {
            switch r.below(4) {
            case 0, 1: s += pieces[r.below(pieces.count)]
            case 2:
                // Printable ASCII mostly, with the odd control.
                for _ in 0..<r.below(8) { s.unicodeScalars.append(Unicode.Scalar(UInt8(r.below(128)))) }
            default:
                var v = UInt32(r.below(0x110000))
                if (0xD800...0xDFFF).contains(v) { v -= 0x800 }
                s.unicodeScalars.append(Unicode.Scalar(v)!)
            }
        }
        return s
    }

    @Test func markupAndCharactersMatchTheReference() {
        var r = Random(seed: 15)
        for _ in 0..<25_000 {
            let s = Self.string(&r)
            #expect(Validator.markupOrScript(in: s) == Reference.markupOrScript(in: s), "\(s.debugDescription)")
            #expect(Validator.isEmail(s) == Reference.isEmail(s), "\(s.debugDescription)")
            for multiline in [false, true] {
                #expect(
                    Validator.forbiddenCharacter(in: s, multiline: multiline)
                        == Reference.forbiddenCharacter(in: s, multiline: multiline), "\(s.debugDescription)")
            }
        }
    }

    @Test func pairsOfPiecesMatchTheReference() {
        for a in Self.pieces {
            for b in Self.pieces {
                let s = a + b
                #expect(Validator.markupOrScript(in: s) == Reference.markupOrScript(in: s), "\(s.debugDescription)")
                #expect(Validator.isEmail(s) == Reference.isEmail(s), "\(s.debugDescription)")
                let mail = a + "@" + b + ".co"
                #expect(Validator.isEmail(mail) == Reference.isEmail(mail), "\(mail.debugDescription)")
            }
        }
    }

    @Test func longTextMatchesTheReference() {
        let filler = String(repeating: "Either side may end this agreement with notice. ", count: 21_000)
        for tail in ["", "onerror=", "<svg", "data:text/html", "java\tscript:", "(note)", "x: y", "\u{2028}"] {
            let s = filler + tail
            #expect(s.utf8.count > 1_000_000)
            #expect(Validator.markupOrScript(in: s) == Reference.markupOrScript(in: s))
            #expect(
                Validator.forbiddenCharacter(in: s, multiline: true)
                    == Reference.forbiddenCharacter(in: s, multiline: true))
        }
    }
}
