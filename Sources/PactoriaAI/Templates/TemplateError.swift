public import Foundation

/// Why a template file could not be loaded or used. Every message is one line and names the
/// file (and, where there is one, the 1-based line in the file, front matter included).
public enum TemplateError: Error, Sendable, Equatable {
    /// The file or directory could not be read.
    case unreadable(path: String, reason: String)
    /// The file does not start with a `---` line or the front matter is never closed.
    case missingFrontMatter(path: String)
    /// The front matter is not valid YAML, or is not a mapping.
    case invalidYAML(path: String, line: Int, message: String)
    /// A required front-matter field is absent or empty.
    case missingField(path: String, line: Int, field: String)
    /// A front-matter field has an unusable value.
    case invalidField(path: String, line: Int, field: String, message: String)
    /// The body uses a placeholder that is neither declared in `variables` nor a built-in.
    case unknownPlaceholder(path: String, line: Int, name: String)
    /// The body has `{{` without a well-formed `{{name}}`.
    case malformedPlaceholder(path: String, line: Int, text: String)
    /// Two templates in the same directory share an id.
    case duplicateID(id: String, path: String, otherPath: String)
    /// No template has this id.
    case notFound(id: String)

    /// The file the error is about, when there is one.
    public var path: String? {
        switch self {
        case .unreadable(let path, _), .missingFrontMatter(let path), .invalidYAML(let path, _, _),
            .missingField(let path, _, _), .invalidField(let path, _, _, _), .unknownPlaceholder(let path, _, _),
            .malformedPlaceholder(let path, _, _), .duplicateID(_, let path, _):
            return path
        case .notFound:
            return nil
        }
    }

    /// The 1-based line in the file, when the error has one.
    public var line: Int? {
        switch self {
        case .invalidYAML(_, let line, _), .missingField(_, let line, _), .invalidField(_, let line, _, _),
            .unknownPlaceholder(_, let line, _), .malformedPlaceholder(_, let line, _):
            return line
        default:
            return nil
        }
    }

    /// A one-line message, `path:line: what is wrong`.
    public var message: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read template: \(reason)"
        case .missingFrontMatter(let path):
            return "\(path):1: template must start with YAML front matter between '---' lines"
        case .invalidYAML(let path, let line, let message):
            return "\(path):\(line): invalid front matter: \(message)"
        case .missingField(let path, let line, let field):
            return "\(path):\(line): front matter field '\(field)' is required"
        case .invalidField(let path, let line, let field, let message):
            return "\(path):\(line): front matter field '\(field)' \(message)"
        case .unknownPlaceholder(let path, let line, let name):
            return "\(path):\(line): unknown placeholder {{\(name)}}: declare it under 'variables' "
                + "or use a built-in (\(BuiltInPlaceholders.names.joined(separator: ", ")))"
        case .malformedPlaceholder(let path, let line, let text):
            return "\(path):\(line): malformed placeholder '\(text)' (expected {{name}} with lower-case letters, "
                + "digits, '_' and '.')"
        case .duplicateID(let id, let path, let otherPath):
            return "\(path): template id '\(id)' is also used by \(otherPath)"
        case .notFound(let id):
            return "no template with id '\(id)'"
        }
    }
}

extension TemplateError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}
