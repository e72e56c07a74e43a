/// A small typed HTML (and inline SVG) writer: the only place the report turns text into markup.
///
/// Element and attribute names are `StaticString`s, so only the report's own code names them;
/// every text and attribute value goes through `escape`, which writes `& < > " '` as entities and
/// replaces NUL and the other C0/C1 control characters (but tab, LF and CR) with U+FFFD. A
/// hostile contract title is therefore text in the page, never markup.
public struct HTMLWriter: Sendable {
    public private(set) var output = ""

    public init() {}

    /// Writes `<name a="v" …>`; a nil value leaves the attribute out.
    public mutating func open(_ name: StaticString, _ attributes: [(StaticString, String?)] = []) {
        output += "<\(name)"
        for (key, value) in attributes {
            guard let value else { continue }
            output += " \(key)=\"\(Self.escape(value))\""
        }
        output += ">"
    }

    public mutating func close(_ name: StaticString) { output += "</\(name)>" }

    /// `<name …/>`-free void element (`<meta>`): written as `<name …>`.
    public mutating func void(_ name: StaticString, _ attributes: [(StaticString, String?)] = []) {
        open(name, attributes)
    }

    /// An SVG element with no children: `<name …/>`.
    public mutating func empty(_ name: StaticString, _ attributes: [(StaticString, String?)] = []) {
        open(name, attributes)
        output.removeLast()
        output += "/>"
    }

    /// `<!DOCTYPE html>`.
    public mutating func doctype() { output += "<!DOCTYPE html>\n" }

    /// A `<style>` element: the stylesheet is a `StaticString`, written as it is (the report's own
    /// CSS, never text from a contract).
    public mutating func style(_ css: StaticString) { output += "<style>\(css)</style>" }

    /// Escaped text.
    public mutating func text(_ s: String) { output += Self.escape(s) }

    /// `<name …>text</name>`.
    public mutating func element(_ name: StaticString, _ attributes: [(StaticString, String?)] = [], text: String) {
        open(name, attributes)
        self.text(text)
        close(name)
    }

    /// `<name …>…</name>` around what `body` writes.
    public mutating func element(
        _ name: StaticString, _ attributes: [(StaticString, String?)] = [], _ body: (inout HTMLWriter) -> Void
    ) {
        open(name, attributes)
        body(&self)
        close(name)
    }

    /// Text or an attribute value as HTML: `& < > " '` as entities, control characters but
    /// tab, LF and CR as U+FFFD (NUL is never valid in a document).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// A title for a label: at most `limit` characters (then `…`), line breaks (CR, LF, U+2028,
    /// U+2029) as spaces. Still escaped when written.
    public static func label(_ s: String, limit: Int = 80) -> String {
        var out = ""
        var n = 0
        for c in s {
            if n == limit {
                out += "…"
                break
            }
            out.append(c.isNewline ? " " : c)
            n += 1
        }
        return out
    }
}
