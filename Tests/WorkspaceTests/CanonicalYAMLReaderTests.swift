import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// The canonical YAML reader gives exactly what the Yams path gives (tree and key lines), or
/// nil: on rendered random documents with hostile text, on random edits of canonical files, and
/// on every YAML file the repository holds. Errors stay the Yams path's errors.
@Suite struct CanonicalYAMLReaderTests {
    typealias Random = SplitMix64

    static let keys = [
        "id", "title", "status", "client", "name", "email", "company_number", "x", "a_b", "k-2", "K9", "null",
        "true", "123", "y", "on",
    ]
    static let hostileKeys = ["a b", "-x", "a:b", "#k", "a.b", "", "\"q\"", "é", "?", "<<", "~"]
    static let words = [
        "Acme Ltd", "2025-01-01", "2025-01-01T10:00:00Z", "15000.00", "GBP", "1", "0x1F", "1e3", "null", "Null",
        "~", "true", "no", "", " ", "a: b", "a #b", "C#", "a:b", "http://x.y/z", "-", "- x", "---", "...", "a'b",
        "say \"hi\"", "{x}", "[1]", "x,y", "%p", "@a", "`c", "|", ">", "&a", "*a", "!t", "é", "日本", "🇬🇧", "\u{A0}",
        "e\u{301}", "\t", "\n", "a\nb", "a\n", "a\n\n", "\nlead", " lead", "trail ", "\r", "\0", "\u{85}", "\u{2028}",
        "\u{FEFF}", "\u{FFFE}", "\u{1B}", "\u{7F}", "\\", "\\n", "\"", "'", "#", "a\n  b", "  \n", "x\n \ny",
        "Either side may end it.\nNotice in writing.\n", "<script>", "\u{10FFFF}",
    ]

    static func text(_ r: inout Random) -> String {
        var s = ""
        for _ in 0..<r.below(4) + 1 { s += r.pick(words) }
        return s
    }

    static func node(_ r: inout Random, depth: Int) -> YAMLNode {
        switch depth > 2 ? 0 : r.below(6) {
        case 0, 1, 2:
            let style = r.pick([YAMLNode.ScalarStyle.string, .typed, .quoted, .null, .string])
            return .scalar(style == .null ? "" : text(&r), style)
        case 3, 4:
            return mapping(&r, depth: depth + 1)
        default:
            return .sequence((0..<r.below(4)).map { _ in node(&r, depth: depth + 1) })
        }
    }

    static func mapping(_ r: inout Random, depth: Int) -> YAMLNode {
        var entries: [YAMLEntry] = []
        var used = Set<String>()
        for _ in 0..<r.below(5) {
            let key = r.below(12) == 0 ? r.pick(hostileKeys) : r.pick(keys)
            guard used.insert(key).inserted else { continue }
            entries.append(YAMLEntry(key: key, value: node(&r, depth: depth)))
        }
        return .mapping(entries)
    }

    /// Fast and general agree: the fast reader's document, when it gives one, is the general one.
    /// Returns whether the fast reader gave one.
    @discardableResult
    static func check(_ text: String, _ note: @autoclosure () -> String = "") -> Bool {
        let general: Result<YAMLDocument, YAMLError> = Result { () throws(YAMLError) in
            try YAMLDocument.parseWithYams(text, file: "f.yaml")
        }
        guard let fast = CanonicalYAMLReader.read(text, limits: .standard) else { return false }
        switch general {
        case .success(let doc):
            #expect(fast.root == doc.root, "\(text.debugDescription) \(note())")
            #expect(fast.lines == doc.lines, "\(text.debugDescription) \(note())")
        case .failure(let error):
            Issue.record("fast reader read what Yams refuses (\(error)): \(text.debugDescription) \(note())")
        }
        return true
    }

    @Test func renderedRandomDocumentsReadAsYamsReadsThem() {
        var r = Random(seed: 2026)
        var fast = 0
        let total = 3_000
        for _ in 0..<total {
            let doc = Self.mapping(&r, depth: 0)
            if Self.check(CanonicalYAML.render(doc)) { fast += 1 }
        }
        // The reader must actually take most canonical documents.
        #expect(fast > total / 3, "fast reader read \(fast) of \(total)")
    }

    @Test func canonicalContractsAreReadFast() {
        let c = fixtureContract()
        let text = ContractCodec.render(c)
        #expect(Self.check(text))
    }

    static let edits: [String] = [
        "\t", " ", "  ", "#", ":", ": ", "-", "- ", "\"", "'", "|", "|-", "|+", ">", "\n", "\n\n", "&a ", "*a",
        "{", "}", "[", "]", "\\", "\\x", "\\u00", "x", "\r", "\u{85}", "\u{2028}", "\u{FEFF}", "---\n", "...\n",
        "!!str ", "%", "?", "? ", "~", "null", "é", "\0", ",",
    ]

    static func mutate(_ text: String, _ r: inout Random) -> String {
        var lines = text.components(separatedBy: "\n")
        var scalars = Array(text.unicodeScalars)
        switch r.below(6) {
        case 0, 1:
            guard !scalars.isEmpty else { return text }
            let at = r.below(scalars.count)
            let insert = Array(r.pick(edits).unicodeScalars)
            if r.below(2) == 0 {
                scalars.replaceSubrange(at...at, with: insert)
            } else {
                scalars.insert(contentsOf: insert, at: at)
            }
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars)
            return s
        case 2:
            guard !scalars.isEmpty else { return text }
            scalars.remove(at: r.below(scalars.count))
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars)
            return s
        case 3:
            guard lines.count > 1 else { return text }
            lines.swapAt(r.below(lines.count), r.below(lines.count))
        case 4:
            let i = r.below(lines.count)
            lines[i] = String(repeating: " ", count: r.below(3)) + lines[i]
        default:
            let i = r.below(lines.count)
            lines[i] = String(lines[i].dropFirst(r.below(3)))
        }
        return lines.joined(separator: "\n")
    }

    @Test func editedCanonicalFilesNeverReadDifferently() {
        var r = Random(seed: 15)
        var seeds = [ContractCodec.render(fixtureContract())]
        for _ in 0..<200 { seeds.append(CanonicalYAML.render(Self.mapping(&r, depth: 0))) }
        for _ in 0..<15_000 {
            var text = r.pick(seeds)
            for _ in 0..<(1 + r.below(3)) { text = Self.mutate(text, &r) }
            Self.check(text)
        }
    }

    @Test func everyRepositoryYAMLFileReadsAsYamsReadsIt() throws {
        let root = Hermetic.packageRoot
        var files: [String] = []
        for dir in ["example-repo", "Fuzz", "Tests/Fixtures", "templates"] {
            guard let e = FileManager.default.enumerator(atPath: root + "/" + dir) else { continue }
            while let p = e.nextObject() as? String {
                if p.hasSuffix(".yaml") || p.hasSuffix(".yml") { files.append(root + "/" + dir + "/" + p) }
            }
        }
        #expect(files.count > 50)
        var fast = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if Self.check(text, file) { fast += 1 }
            // And through the public entry: the same document or the same error.
            let viaParse = Result { () throws(YAMLError) in try YAMLDocument.parse(text, file: "f.yaml") }
            let viaYams = Result { () throws(YAMLError) in try YAMLDocument.parseWithYams(text, file: "f.yaml") }
            switch (viaParse, viaYams) {
            case (.success(let a), .success(let b)):
                #expect(a.root == b.root && a.lines == b.lines, "\(file)")
            case (.failure(let a), .failure(let b)):
                #expect(a.description == b.description, "\(file)")
            default:
                Issue.record("\(file): parse and the Yams path disagree")
            }
        }
        #expect(fast > 10, "fast reader read \(fast) of \(files.count)")
    }

    @Test func limitsHoldOnTheFastPath() {
        // Deep nesting and many keys in canonical form: refused with the general path's error.
        var deep = ""
        for d in 0..<70 { deep += String(repeating: " ", count: 2 * d) + "k:\n" }
        deep += String(repeating: " ", count: 140) + "k: v\n"
        #expect(throws: YAMLError.self) { try YAMLDocument.parse(deep, file: "f.yaml") }
        let tight = YAMLLimits(maxBytes: 1 << 20, maxAliases: 16, maxDepth: 64, maxNodes: 10, maxScalarBytes: 100)
        let many = (0..<20).map { "k\($0): v\n" }.joined()
        #expect(CanonicalYAMLReader.read(many, limits: tight) == nil)
        let big = "k: " + String(repeating: "a", count: 200) + "\n"
        #expect(CanonicalYAMLReader.read(big, limits: tight) == nil)
        #expect(CanonicalYAMLReader.read(big, limits: .standard) != nil)
    }
}
