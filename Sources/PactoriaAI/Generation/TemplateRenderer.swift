import PactoriaCore

/// A template body with its placeholders replaced.
public struct RenderedContract: Sendable, Equatable {
    public var markdown: String
    /// Placeholders filled from the given values.
    public var filled: [String]
    /// Placeholders filled from the template variable's `default`.
    public var defaulted: [String]
    /// Placeholders left as `[TO COMPLETE: …]`.
    public var unfilled: [String]

    public init(markdown: String, filled: [String], defaulted: [String], unfilled: [String]) {
        self.markdown = markdown
        self.filled = filled
        self.defaulted = defaulted
        self.unfilled = unfilled
    }
}

/// Fills `{{placeholder}}` slots. A placeholder takes, in order: a non-empty value from
/// `values`, the variable's `default` (unless named in `withoutDefaults`: a default the brief
/// contradicts), else the marker `[TO COMPLETE: <description>]`. Values are inserted as given
/// and never expanded again.
public enum TemplateRenderer {
    /// The prefix every unfilled-placeholder marker starts with.
    public static let markerPrefix = "[TO COMPLETE: "

    public static func render(_ template: Template, values: [String: String], withoutDefaults: Set<String> = [])
        -> RenderedContract
    {
        var filled: [String] = []
        var defaulted: [String] = []
        var unfilled: [String] = []
        func note(_ name: String, in list: inout [String]) {
            if !list.contains(name) { list.append(name) }
        }
        let markdown = replacePlaceholders(in: template.body) { name in
            if let value = values[name], !value.trimmingSpaces().isEmpty {
                note(name, in: &filled)
                return value
            }
            if !withoutDefaults.contains(name), let value = template.variable(named: name)?.defaultValue {
                note(name, in: &defaulted)
                return value
            }
            note(name, in: &unfilled)
            return marker(for: name)
        }
        return RenderedContract(markdown: markdown, filled: filled, defaulted: defaulted, unfilled: unfilled)
    }

    /// `[TO COMPLETE: client's name]`.
    public static func marker(for name: String) -> String {
        markerPrefix + BuiltInPlaceholders.humanDescription(of: name) + "]"
    }

    /// Replaces any `{{name}}` left in `markdown` (for example in a provider's output) with its
    /// `[TO COMPLETE: …]` marker; returns the names replaced.
    public static func markUnfilled(in markdown: String) -> (markdown: String, names: [String]) {
        var names: [String] = []
        let result = replacePlaceholders(in: markdown) { name in
            if !names.contains(name) { names.append(name) }
            return marker(for: name)
        }
        return (result, names)
    }

    /// How many `[TO COMPLETE: …]` markers and `{{…}}` slots `markdown` still has.
    public static func unfilledCount(in markdown: String) -> Int {
        markdown.ranges(of: markerPrefix).count + markdown.ranges(of: "{{").count
    }

    static func replacePlaceholders(in text: String, _ value: (String) -> String) -> String {
        var result = ""
        var cursor = text.startIndex
        for occurrence in PlaceholderScanner.scan(text) {
            guard let name = occurrence.name else { continue }
            result += text[cursor..<occurrence.range.lowerBound]
            result += value(name)
            cursor = occurrence.range.upperBound
        }
        result += text[cursor...]
        return result
    }
}
