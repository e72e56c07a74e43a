package import PactoriaCore

/// A direct reader for the YAML that `CanonicalYAML.render` writes: block mappings at two-space
/// steps, simple keys, plain, double-quoted and literal-block scalars, `{}`, `[]` and sequences
/// of scalars or mappings. It builds the same `YAMLNode` tree and the same key lines as the Yams
/// path in `YAMLDocument.parse`, in a fraction of the time, and answers nil for anything outside
/// that form (comments, tabs, flow style, anchors, tags, single quotes, odd indentation, blank
/// lines outside a block scalar, duplicate keys, a broken limit…), so that the general parser,
/// with its own errors, reads it instead. Nil is always safe; a document is returned only when
/// every line was understood.
package enum CanonicalYAMLReader {
    /// - Parameter lines: false leaves the document's key lines empty (a reader that never names
    ///   a line saves building every key's dotted path).
    package static func read(_ text: String, limits: YAMLLimits, lines: Bool = true) -> YAMLDocument? {
        var text = text
        return text.withUTF8 { buf -> YAMLDocument? in
            guard !buf.isEmpty, buf[buf.count - 1] == 0x0A, acceptable(buf) else { return nil }
            var reader = Reader(b: buf, limits: limits, trackLines: lines)
            return reader.document()
        }
    }

    /// False when `b` holds a byte or character this reader leaves to libyaml: a control other
    /// than LF (TAB and CR included), DEL, C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
    static func acceptable(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if (c < 0x20 && c != 0x0A) || c == 0x7F { return false }
                i += 1
                continue
            }
            if c == 0xC2, i + 1 < n, b[i + 1] <= 0x9F { return false }
            if c == 0xE2, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { return false }
            if c == 0xEF, i + 2 < n, b[i + 1] == 0xBB, b[i + 2] == 0xBF { return false }
            if c == 0xEF, i + 2 < n, b[i + 1] == 0xBF, b[i + 2] == 0xBE || b[i + 2] == 0xBF { return false }
            i += 1
        }
        return true
    }

    struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        let limits: YAMLLimits
        let trackLines: Bool
        /// Start and end (before the LF) of every line.
        var starts: [Int] = []
        var ends: [Int] = []
        var line = 0
        var lines: [String: Int] = [:]
        var nodes = 0
        var scalarBytes = 0

        init(b: UnsafeBufferPointer<UInt8>, limits: YAMLLimits, trackLines: Bool = true) {
            self.b = b
            self.limits = limits
            self.trackLines = trackLines
            var s = 0
            for i in 0..<b.count where b[i] == 0x0A {
                starts.append(s)
                ends.append(i)
                s = i + 1
            }
        }

        static let space: UInt8 = 0x20
        static let colon = UInt8(ascii: ":")
        static let dash = UInt8(ascii: "-")
        static let quote = UInt8(ascii: "\"")
        static let backslash = UInt8(ascii: "\\")

        mutating func document() -> YAMLDocument? {
            if starts.count == 1 && ends[0] - starts[0] == 2 && b[0] == UInt8(ascii: "{") && b[1] == UInt8(ascii: "}") {
                return YAMLDocument(root: .mapping([]), lines: [:])
            }
            guard let root = mapping(indent: 0, inline: nil, path: "", depth: 0), line == starts.count else {
                return nil
            }
            return YAMLDocument(root: root, lines: lines)
        }

        /// As `YAMLDocument.Budget.spend`, but a broken limit means "let the general path say so".
        mutating func spend(_ bytes: Int?, depth: Int) -> Bool {
            nodes += 1
            if let bytes { scalarBytes += bytes }
            return nodes <= limits.maxNodes && scalarBytes <= limits.maxScalarBytes && depth <= limits.maxDepth
        }

        /// The number of leading spaces of line `l`.
        func indentation(_ l: Int) -> Int {
            var i = starts[l]
            while i < ends[l] && b[i] == Self.space { i += 1 }
            return i - starts[l]
        }

        func isKeyByte(_ c: UInt8, first: Bool) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
                || (!first && c == Self.dash)
        }

        /// The end of a simple key starting at `p` on the current line (the index of its `:`,
        /// which is followed by a space or the line's end), or nil.
        func keyEnd(_ p: Int) -> Int? {
            let end = ends[line]
            guard p < end, isKeyByte(b[p], first: true) else { return nil }
            var i = p + 1
            while i < end && isKeyByte(b[i], first: false) { i += 1 }
            guard i < end, b[i] == Self.colon, i + 1 == end || b[i + 1] == Self.space, i - p <= 1000 else {
                return nil
            }
            return i
        }

        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
        }

        /// A block mapping whose keys stand at column `indent`; `inline` is where the first key
        /// starts when it follows a sequence's `- ` on the current line.
        mutating func mapping(indent: Int, inline: Int?, path: String, depth: Int) -> YAMLNode? {
            guard spend(nil, depth: depth) else { return nil }
            var entries: [YAMLEntry] = []
            // Duplicate keys: a scan of the few keys so far, a set once there are many.
            var seen: Set<String>?
            var first = true
            while line < starts.count {
                let p: Int
                if first, let inline {
                    p = inline
                } else {
                    let ind = indentation(line)
                    if ind < indent && ind < ends[line] - starts[line] { break }
                    guard ind == indent else { return nil }
                    p = starts[line] + indent
                }
                first = false
                guard let colon = keyEnd(p) else { return nil }
                let key = text(p, colon)
                guard spend(colon - p, depth: depth + 1) else { return nil }
                if seen == nil && entries.count >= 16 { seen = Set(entries.map(\.key)) }
                if seen != nil {
                    guard seen!.insert(key).inserted else { return nil }
                } else if entries.contains(where: { $0.key == key }) {
                    return nil
                }
                let childPath = trackLines ? (path.isEmpty ? key : path + "." + key) : ""
                if trackLines { lines[childPath] = line + 1 }
                let value: YAMLNode
                if colon + 1 == ends[line] {
                    guard let v = nested(under: indent, path: childPath, depth: depth + 1) else { return nil }
                    value = v
                } else {
                    guard let v = scalar(colon + 2, contentIndent: indent + 2, depth: depth + 1) else { return nil }
                    value = v
                }
                entries.append(YAMLEntry(key: key, value: value))
            }
            return entries.isEmpty ? nil : .mapping(entries)
        }

        /// The value of a key that ends its line: a mapping or sequence on the following lines
        /// at `indent + 2`, or null.
        mutating func nested(under indent: Int, path: String, depth: Int) -> YAMLNode? {
            line += 1
            guard line < starts.count, ends[line] > starts[line], indentation(line) > indent else {
                guard spend(0, depth: depth) else { return nil }
                return .scalar("", .null)
            }
            guard indentation(line) == indent + 2 else { return nil }
            let p = starts[line] + indent + 2
            if b[p] == Self.dash { return sequence(indent: indent + 2, path: path, depth: depth) }
            return mapping(indent: indent + 2, inline: nil, path: path, depth: depth)
        }

        /// A block sequence whose `- ` stand at column `indent`.
        mutating func sequence(indent: Int, path: String, depth: Int) -> YAMLNode? {
            guard spend(nil, depth: depth) else { return nil }
            var items: [YAMLNode] = []
            while line < starts.count {
                let ind = indentation(line)
                if ind < indent && ind < ends[line] - starts[line] { break }
                guard ind == indent else { return nil }
                let p = starts[line] + indent
                guard p + 2 < ends[line], b[p] == Self.dash, b[p + 1] == Self.space, b[p + 2] != Self.space else {
                    return nil
                }
                let childPath = trackLines ? path + "." + String(items.count) : ""
                if trackLines { lines[childPath] = line + 1 }
                let item: YAMLNode?
                if keyEnd(p + 2) != nil {
                    item = mapping(indent: indent + 2, inline: p + 2, path: childPath, depth: depth + 1)
                } else {
                    item = scalar(p + 2, contentIndent: indent + 2, depth: depth + 1)
                }
                guard let item else { return nil }
                items.append(item)
            }
            return items.isEmpty ? nil : .sequence(items)
        }

        /// A scalar (or `{}`, `[]`) starting at `p` and running to the end of the current line, or
        /// a literal block whose content lines stand at `contentIndent`. Moves past its lines.
        mutating func scalar(_ p: Int, contentIndent: Int, depth: Int) -> YAMLNode? {
            let end = ends[line]
            guard p < end else { return nil }
            let n = end - p
            let c = b[p]
            if n == 2 && c == UInt8(ascii: "{") && b[p + 1] == UInt8(ascii: "}") {
                line += 1
                return spend(nil, depth: depth) ? .mapping([]) : nil
            }
            if n == 2 && c == UInt8(ascii: "[") && b[p + 1] == UInt8(ascii: "]") {
                line += 1
                return spend(nil, depth: depth) ? .sequence([]) : nil
            }
            if c == UInt8(ascii: "|") {
                guard n == 1 || (n == 2 && (b[p + 1] == Self.dash || b[p + 1] == UInt8(ascii: "+"))) else {
                    return nil
                }
                return literal(chomp: n == 1 ? 0 : b[p + 1], contentIndent: contentIndent, depth: depth)
            }
            if c == Self.quote {
                guard let s = doubleQuoted(p + 1, end) else { return nil }
                line += 1
                return spend(s.utf8.count, depth: depth) ? .scalar(s, .quoted) : nil
            }
            guard plainSafe(p, end) else { return nil }
            let s = text(p, end)
            line += 1
            guard spend(n, depth: depth) else { return nil }
            if s == "~" || s == "null" || s == "Null" || s == "NULL" { return .scalar("", .null) }
            return .scalar(s, .typed)
        }

        /// True when `b[p..<end]` reads as the same text when plain: no indicator first, no
        /// `: `, ` #` or trailing `:`, no trailing space (the caller has checked the characters).
        func plainSafe(_ p: Int, _ end: Int) -> Bool {
            let first = b[p]
            for indicator in "-?:,[]{}#&*!|>'\"%@`".utf8 where first == indicator { return false }
            if first == Self.space || b[end - 1] == Self.space || b[end - 1] == Self.colon { return false }
            var i = p
            while i + 1 < end {
                if b[i] == Self.colon && b[i + 1] == Self.space { return false }
                if b[i] == Self.space && b[i + 1] == UInt8(ascii: "#") { return false }
                i += 1
            }
            return true
        }

        /// A double-quoted scalar from `p` (after its opening quote) that closes exactly at `end`,
        /// with only the escapes `CanonicalYAML` writes.
        func doubleQuoted(_ p: Int, _ end: Int) -> String? {
            var out: [UInt8] = []
            var i = p
            while i < end {
                let c = b[i]
                if c == Self.quote { return i + 1 == end ? String(decoding: out, as: UTF8.self) : nil }
                if c != Self.backslash {
                    out.append(c)
                    i += 1
                    continue
                }
                guard i + 1 < end else { return nil }
                let e = b[i + 1]
                i += 2
                switch e {
                case Self.quote: out.append(Self.quote)
                case Self.backslash: out.append(Self.backslash)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "x"), UInt8(ascii: "u"):
                    let digits = e == UInt8(ascii: "x") ? 2 : 4
                    guard i + digits <= end else { return nil }
                    var v: UInt32 = 0
                    for k in 0..<digits {
                        let d = b[i + k]
                        let x: UInt32
                        switch d {
                        case UInt8(ascii: "0")...UInt8(ascii: "9"): x = UInt32(d - 0x30)
                        case UInt8(ascii: "a")...UInt8(ascii: "f"): x = UInt32(d - 0x61 + 10)
                        case UInt8(ascii: "A")...UInt8(ascii: "F"): x = UInt32(d - 0x41 + 10)
                        default: return nil
                        }
                        v = v * 16 + x
                    }
                    i += digits
                    // Only C0 controls: Yams does not keep every escaped character it reads
                    // (an escaped U+FEFF comes back dropped), so the rest go the general way.
                    guard v < 0x20, let scalar = Unicode.Scalar(v) else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    return nil
                }
            }
            return nil
        }

        /// A literal block (`|-`, `|`, `|+`) whose content lines start at `contentIndent`.
        mutating func literal(chomp: UInt8, contentIndent: Int, depth: Int) -> YAMLNode? {
            line += 1
            var body: [UInt8] = []
            var pendingEmpty = 0
            var sawContent = false
            while line < starts.count {
                let s = starts[line]
                let e = ends[line]
                if s == e {
                    pendingEmpty += 1
                    line += 1
                    continue
                }
                let ind = indentation(line)
                if ind == e - s { return nil }  // a line of only spaces
                if ind < contentIndent { break }
                if !sawContent && ind != contentIndent { return nil }
                if sawContent { body.append(0x0A) }
                body.append(contentsOf: repeatElement(0x0A, count: pendingEmpty))
                pendingEmpty = 0
                body.append(contentsOf: UnsafeBufferPointer(rebasing: b[(s + contentIndent)..<e]))
                sawContent = true
                line += 1
            }
            guard sawContent else { return nil }
            switch chomp {
            case Self.dash: break
            case UInt8(ascii: "+"): body.append(contentsOf: repeatElement(0x0A, count: pendingEmpty + 1))
            default: body.append(0x0A)
            }
            guard spend(body.count, depth: depth) else { return nil }
            return .scalar(String(decoding: body, as: UTF8.self), .string)
        }
    }
}
