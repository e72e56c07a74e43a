/// The limits every YAML file Pactoria reads must keep, so that a hostile file (an alias bomb, a
/// huge scalar repeated through anchors, millions of keys, `[[[[…` nesting) is refused in
/// milliseconds with an error naming the file, instead of hanging or exhausting memory.
///
/// The limits are checked twice: `YAMLLimits.prescan` reads the raw text before any parser sees it
/// (size, aliases, nesting, an estimate of the node count), and the reader that turns the parsed
/// tree into Pactoria's own tree budgets its walk (nodes, depth, expanded scalar bytes), because a
/// parser shares aliased nodes and the blow-up happens only when the tree is walked.
public struct YAMLLimits: Sendable, Equatable {
    /// The largest file read, in bytes (UTF-8).
    public var maxBytes: Int
    /// The most aliases (`*name`) a file may use.
    public var maxAliases: Int
    /// The deepest nesting of mappings and sequences (block and flow together).
    public var maxDepth: Int
    /// The most nodes (scalars, mappings, sequences), counting every expansion of an alias.
    public var maxNodes: Int
    /// The most scalar bytes, counting every expansion of an alias.
    public var maxScalarBytes: Int

    public init(maxBytes: Int, maxAliases: Int, maxDepth: Int, maxNodes: Int, maxScalarBytes: Int) {
        self.maxBytes = maxBytes
        self.maxAliases = maxAliases
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxScalarBytes = maxScalarBytes
    }

    /// Generous for any contract, company, config, users file or template front matter (the
    /// largest real contract is a few KB), far below what would slow a read.
    public static let standard = YAMLLimits(
        maxBytes: 1 << 20, maxAliases: 16, maxDepth: 64, maxNodes: 100_000, maxScalarBytes: 4 << 20)

    /// A limit that was broken, with the 1-based line where it is known.
    public struct Violation: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int?
        public var message: String

        public init(line: Int?, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { message }
    }

    /// Checks the raw text before parsing. Cheap (one pass over the bytes) and conservative: it
    /// may count a `*word` at the start of a plain continuation line as an alias, never fewer.
    public func prescan(_ text: String) throws(Violation) {
        let size = text.utf8.count
        if size > maxBytes {
            throw Violation(line: nil, message: "file is \(size) bytes; the limit is \(maxBytes) bytes")
        }
        var scanner = YAMLPrescanner(limits: self)
        try scanner.scan(Array(text.utf8))
    }
}

/// A one-pass, approximate YAML tokenizer: it knows quotes, comments, block scalars and flow
/// brackets well enough to find aliases and measure nesting without building anything.
struct YAMLPrescanner {
    let limits: YAMLLimits
    var aliases = 0
    var nodes = 0
    var flowDepth = 0
    var indents: [Int] = []
    /// The indentation a block scalar's content must exceed, while inside one.
    var blockScalarParent: Int?
    /// The quote character of a quoted scalar that continues on the next line.
    var openQuote: UInt8?
    var line = 0

    init(limits: YAMLLimits) { self.limits = limits }

    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A, cr: UInt8 = 0x0D
    static let dash = UInt8(ascii: "-"), question = UInt8(ascii: "?"), colon = UInt8(ascii: ":")
    static let hash = UInt8(ascii: "#"), amp = UInt8(ascii: "&"), star = UInt8(ascii: "*")
    static let bang = UInt8(ascii: "!"), dquote = UInt8(ascii: "\""), squote = UInt8(ascii: "'")
    static let lbracket = UInt8(ascii: "["), rbracket = UInt8(ascii: "]"), lbrace = UInt8(ascii: "{")
    static let rbrace = UInt8(ascii: "}"), comma = UInt8(ascii: ","), pipe = UInt8(ascii: "|")
    static let gt = UInt8(ascii: ">"), backslash = UInt8(ascii: "\\")

    mutating func scan(_ bytes: [UInt8]) throws(YAMLLimits.Violation) {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != Self.newline { end += 1 }
            line += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == Self.cr { lineEnd -= 1 }
            try scanLine(bytes, start, lineEnd)
            start = end + 1
        }
    }

    func violation(_ message: String) -> YAMLLimits.Violation { YAMLLimits.Violation(line: line, message: message) }

    mutating func enter(_ inline: Int) throws(YAMLLimits.Violation) {
        let depth = indents.count + inline + flowDepth
        if depth > limits.maxDepth {
            throw violation("nesting is deeper than \(limits.maxDepth) levels")
        }
    }

    mutating func countNode() throws(YAMLLimits.Violation) {
        nodes += 1
        if nodes > limits.maxNodes { throw violation("more than \(limits.maxNodes) values") }
    }

    mutating func scanLine(_ b: [UInt8], _ start: Int, _ end: Int) throws(YAMLLimits.Violation) {
        var i = start
        while i < end && (b[i] == Self.space || b[i] == Self.tab) { i += 1 }
        let column = i - start
        if let parent = blockScalarParent {
            if i == end || column > parent { return }
            blockScalarParent = nil
        }
        if let q = openQuote {
            guard let close = closingQuote(b, i, end, q) else { return }
            openQuote = nil
            i = close + 1
        } else {
            if i == end || b[i] == Self.hash { return }
            if flowDepth == 0 {
                while let last = indents.last, last > column { indents.removeLast() }
                if indents.last != column { indents.append(column) }
            }
        }
        var inline = 0
        var tokenStart = true
        // The column of the line's first node after any `- ` or `? `: a block scalar's content
        // must be indented more than the mapping that holds its key.
        var nodeColumn: Int?
        while i < end {
            let c = b[i]
            if c == Self.space || c == Self.tab {
                i += 1
                continue
            }
            if c == Self.hash { return }
            if c == Self.rbracket || c == Self.rbrace {
                flowDepth = max(0, flowDepth - 1)
                tokenStart = false
                i += 1
                continue
            }
            if c == Self.comma && flowDepth > 0 {
                tokenStart = true
                i += 1
                continue
            }
            if c == Self.colon && (i + 1 == end || isBlank(b[i + 1]) || flowDepth > 0) {
                tokenStart = true
                i += 1
                continue
            }
            guard tokenStart else {
                i = endOfPlain(b, i, end)
                continue
            }
            if (c == Self.dash || c == Self.question) && (i + 1 == end || isBlank(b[i + 1])) {
                inline += 1
                try enter(inline)
                i += 1
                continue
            }
            if nodeColumn == nil { nodeColumn = i - start }
            switch c {
            case Self.amp, Self.bang:
                i = endOfWord(b, i + 1, end)
            case Self.star:
                aliases += 1
                if aliases > limits.maxAliases { throw violation("more than \(limits.maxAliases) aliases") }
                try countNode()
                i = endOfWord(b, i + 1, end)
                tokenStart = false
            case Self.dquote, Self.squote:
                try countNode()
                if let close = closingQuote(b, i + 1, end, c) {
                    i = close + 1
                } else {
                    openQuote = c
                    return
                }
                tokenStart = false
            case Self.lbracket, Self.lbrace:
                try countNode()
                flowDepth += 1
                try enter(inline)
                i += 1
            case Self.pipe, Self.gt:
                try countNode()
                blockScalarParent = nodeColumn.map { $0 == i - start ? column : $0 } ?? column
                return
            default:
                try countNode()
                i = endOfPlain(b, i, end)
                tokenStart = false
            }
        }
    }

    func isBlank(_ c: UInt8) -> Bool { c == Self.space || c == Self.tab }

    func endOfWord(_ b: [UInt8], _ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end && !isBlank(b[i]) && !(flowDepth > 0 && [Self.comma, Self.rbracket, Self.rbrace].contains(b[i])) {
            i += 1
        }
        return i
    }

    /// The end of a plain scalar on this line: before `: `, ` #`, or a flow indicator in flow.
    func endOfPlain(_ b: [UInt8], _ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end {
            let c = b[i]
            if c == Self.colon && (i + 1 == end || isBlank(b[i + 1]) || flowDepth > 0) { return i }
            if c == Self.hash && i > from && isBlank(b[i - 1]) { return i }
            if flowDepth > 0 && (c == Self.comma || c == Self.rbracket || c == Self.rbrace) { return i }
            i += 1
        }
        return i
    }

    /// The index of the quote closing a scalar opened before `from`, or nil when it continues.
    func closingQuote(_ b: [UInt8], _ from: Int, _ end: Int, _ q: UInt8) -> Int? {
        var i = from
        while i < end {
            if q == Self.dquote && b[i] == Self.backslash {
                i += 2
                continue
            }
            if b[i] == q {
                if q == Self.squote && i + 1 < end && b[i + 1] == Self.squote {
                    i += 2
                    continue
                }
                return i
            }
            i += 1
        }
        return nil
    }
}
