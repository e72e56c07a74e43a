import Foundation
public import PactoriaCore
internal import Yams

/// A YAML document as an ordered tree of strings, so that Pactoria can rewrite a file it read
/// without losing keys it does not know, and without any number passing through a `Double`.
public indirect enum YAMLNode: Sendable, Equatable {
    case scalar(String, ScalarStyle)
    case mapping([YAMLEntry])
    case sequence([YAMLNode])

    /// How a scalar is to be written.
    public enum ScalarStyle: Sendable, Equatable {
        /// A string: plain only when YAML would read the plain text back as that same string.
        case string
        /// A value meant to be resolved (an integer, a date): plain whenever the syntax allows.
        case typed
        /// Always double-quoted.
        case quoted
        /// Null (`~` or nothing): written as `null`.
        case null
    }

    public var string: String? {
        if case .scalar(let s, let style) = self, style != .null { return s }
        return nil
    }

    public var entries: [YAMLEntry]? {
        if case .mapping(let e) = self { return e }
        return nil
    }

    public subscript(key: String) -> YAMLNode? {
        entries?.first(where: { $0.key == key })?.value
    }

    /// Sets, replaces (keeping the position) or, with nil, removes `key` in a mapping.
    public mutating func set(_ key: String, _ value: YAMLNode?) {
        guard case .mapping(var entries) = self else { return }
        if let i = entries.firstIndex(where: { $0.key == key }) {
            if let value { entries[i].value = value } else { entries.remove(at: i) }
        } else if let value {
            entries.append(YAMLEntry(key: key, value: value))
        }
        self = .mapping(entries)
    }
}

public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var value: YAMLNode

    public init(key: String, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A parsed YAML file: its tree and the line of each (dotted) key path, for error messages.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    public var lines: [String: Int]

    /// The line of `field` or of its nearest parent that has one.
    public func line(of field: String) -> Int? {
        var path = field
        while true {
            if let l = lines[path] { return l }
            guard let dot = path.lastIndex(of: ".") else { return nil }
            path = String(path[..<dot])
        }
    }

    /// Parses YAML text within `limits`; errors carry the line and column libyaml reports, or the
    /// limit that was broken. Every YAML file Pactoria reads goes through here.
    /// - Parameter lines: false lets the direct reader leave `lines` empty (the general path fills
    ///   them anyway): for a reader that never names a line.
    public static func parse(_ text: String, file: String, limits: YAMLLimits = .standard, lines: Bool = true)
        throws(YAMLError) -> YAMLDocument
    {
        do { try limits.prescan(text) } catch {
            throw YAMLError(file: file, line: error.line, column: nil, message: error.message)
        }
        // What Pactoria wrote itself is read directly; anything else (or anything unsure) by Yams.
        if let doc = CanonicalYAMLReader.read(text, limits: limits, lines: lines) { return doc }
        return try compose(text, file: file, limits: limits)
    }

    /// The general path alone, as `parse` read every file before the canonical reader: the limits
    /// checked on the raw text, then Yams. The reference the canonical reader is tested against.
    package static func parseWithYams(_ text: String, file: String, limits: YAMLLimits = .standard) throws(YAMLError)
        -> YAMLDocument
    {
        do { try limits.prescan(text) } catch {
            throw YAMLError(file: file, line: error.line, column: nil, message: error.message)
        }
        return try compose(text, file: file, limits: limits)
    }

    private static func compose(_ text: String, file: String, limits: YAMLLimits) throws(YAMLError) -> YAMLDocument {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLError.from(error, file: file, text: text)
        } catch {
            throw YAMLError(file: file, line: nil, column: nil, message: "\(error)")
        }
        guard let node else {
            return YAMLDocument(root: .mapping([]), lines: [:])
        }
        var lines: [String: Int] = [:]
        var budget = Budget(limits: limits, file: file)
        let root = try convert(node, path: "", depth: 0, lines: &lines, budget: &budget)
        return YAMLDocument(root: root, lines: lines)
    }

    /// What is left to spend while walking a composed tree, whose aliased nodes are shared: a
    /// 751-byte alias bomb is small until walked.
    struct Budget {
        let limits: YAMLLimits
        let file: String
        var nodes = 0
        var scalarBytes = 0

        mutating func spend(_ node: Node, scalar: String?, depth: Int) throws(YAMLError) {
            nodes += 1
            if let scalar { scalarBytes += scalar.utf8.count }
            let message: String
            if nodes > limits.maxNodes {
                message = "more than \(limits.maxNodes) values (counting every use of an alias)"
            } else if scalarBytes > limits.maxScalarBytes {
                message = "more than \(limits.maxScalarBytes) bytes of text (counting every use of an alias)"
            } else if depth > limits.maxDepth {
                message = "nesting is deeper than \(limits.maxDepth) levels"
            } else {
                return
            }
            throw YAMLError(file: file, line: node.mark?.line, column: nil, message: message)
        }
    }

    private static func convert(
        _ node: Node, path: String, depth: Int, lines: inout [String: Int], budget: inout Budget
    ) throws(YAMLError) -> YAMLNode {
        let file = budget.file
        switch node {
        case .scalar(let s):
            try budget.spend(node, scalar: s.string, depth: depth)
            if s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) {
                return .scalar("", .null)
            }
            switch s.style {
            case .plain: return .scalar(s.string, .typed)
            case .singleQuoted, .doubleQuoted: return .scalar(s.string, .quoted)
            default: return .scalar(s.string, .string)
            }
        case .mapping(let m):
            try budget.spend(node, scalar: nil, depth: depth)
            var entries: [YAMLEntry] = []
            var seen = Set<String>()
            for (k, v) in m {
                guard case .scalar(let keyScalar) = k else {
                    throw YAMLError(
                        file: file, line: k.mark?.line, column: k.mark?.column,
                        message: "mapping keys must be plain text")
                }
                let key = keyScalar.string
                try budget.spend(k, scalar: key, depth: depth + 1)
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted {
                    throw YAMLError(
                        file: file, line: k.mark?.line, column: k.mark?.column, message: "duplicate key '\(childPath)'")
                }
                if let line = k.mark?.line { lines[childPath] = line }
                entries.append(
                    YAMLEntry(
                        key: key,
                        value: try convert(v, path: childPath, depth: depth + 1, lines: &lines, budget: &budget)))
            }
            return .mapping(entries)
        case .sequence(let seq):
            try budget.spend(node, scalar: nil, depth: depth)
            var items: [YAMLNode] = []
            for (i, v) in seq.enumerated() {
                let childPath = "\(path).\(i)"
                if let line = v.mark?.line { lines[childPath] = line }
                items.append(try convert(v, path: childPath, depth: depth + 1, lines: &lines, budget: &budget))
            }
            return .sequence(items)
        case .alias(let a):
            throw YAMLError(
                file: file, line: a.mark?.line, column: a.mark?.column, message: "aliases are not supported")
        }
    }
}

extension YAMLNode {
    /// True when both trees hold the same keys in the same order and the same text, whatever the
    /// quoting style each scalar was written in (null stays distinct from text).
    public func sameContent(as other: YAMLNode) -> Bool {
        switch (self, other) {
        case (.scalar(let a, let sa), .scalar(let b, let sb)):
            return (sa == .null) == (sb == .null) && (sa == .null || a == b)
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value.sameContent(as: $1.value) }
        case (.sequence(let a), .sequence(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameContent(as: $1) }
        default:
            return false
        }
    }
}

/// A YAML file that could not be read, with the place libyaml names.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): invalid YAML: \(message)"
    }

    static func from(_ error: YamlError, file: String, text: String) -> YAMLError {
        switch error {
        case .scanner(let context?, let problem, let mark, _):
            // An unclosed quote is found only at the end of the file: the place to fix is where
            // the scalar started, which libyaml gives as the context.
            return YAMLError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "\(problem) \(context.text) (reached line \(mark.line))".trimmingSpaces())
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var text = problem
            if let context { text = "\(problem) \(context.text)".trimmingSpaces() }
            return YAMLError(file: file, line: mark.line, column: mark.column, message: text)
        case .reader(let problem, _, _, _):
            return YAMLError(file: file, line: nil, column: nil, message: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // libyaml marks the first occurrence; the line to fix is the repeated one.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var line = context.mark.line
            if let key = duplicates.first {
                var seen = 0
                for (i, l) in lines.enumerated() where i + 1 >= context.mark.line {
                    let t = l.drop(while: { $0 == " " })
                    if t.hasPrefix(key + ":") || t.hasPrefix("\"\(key)\":") {
                        seen += 1
                        if seen == 2 {
                            line = i + 1
                            break
                        }
                    }
                }
            }
            return YAMLError(
                file: file, line: line, column: nil,
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return YAMLError(file: file, line: nil, column: nil, message: "\(error)")
        }
    }
}

extension YAMLNode {
    /// The tree as JSON-ready Foundation values: mappings to dictionaries, sequences to arrays,
    /// scalars to strings (integers as numbers, null as NSNull), so scripts see what the file says.
    public var jsonObject: Any {
        switch self {
        case .scalar(let s, let style):
            if style == .null { return NSNull() }
            if style == .typed, let i = Int(s) { return i }
            return s
        case .mapping(let entries):
            var out: [String: Any] = [:]
            for e in entries { out[e.key] = e.value.jsonObject }
            return out
        case .sequence(let items): return items.map(\.jsonObject)
        }
    }
}
