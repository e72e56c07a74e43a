public import PactoriaCore

/// A file, line and field that break a rule.
public struct Problem: Sendable, Equatable, CustomStringConvertible {
    /// Path relative to the workspace root.
    public var file: String
    public var line: Int?
    /// The field (dotted), or nil for a problem with the file as a whole.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let field, field != "(file)" { s += "\(field): " }
        return s + message
    }
}

/// Everything the workspace layer reports to a user. Each case renders as one clear line.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    case notAWorkspace(String)
    case invalidInput(field: String, message: String)
    case invalid([Problem])
    case notFound(String)
    case ambiguous(String, candidates: [String])
    case refused(String)
    case nothingToCommit
    case io(path: String, message: String)
    case yaml(YAMLError)
    case repository(String, detail: String)
    /// A lifecycle rule refuses the change.
    case rule(ref: ContractRef, RuleViolation)
    /// Someone else changed it first (the caller should reload).
    case conflict(String)
    /// The company's subscription plan does not allow it.
    case planLimit(String)
    /// A remote could not be reached; nothing was lost.
    case offline(String, detail: String)
    /// A lock (git's or Pactoria's) stops the write: the message names it and its holder, the
    /// hint is the safe command (wait for a live holder, or remove a stale lock).
    case locked(String, hint: String?, holderAlive: Bool)

    public var description: String {
        switch self {
        case .notAWorkspace(let dir):
            return "not a pactoria workspace (or any parent): \(dir)"
        case .invalidInput(let field, let message):
            return "\(field): \(message)"
        case .invalid(let problems):
            return problems.count == 1
                ? problems[0].description : "\(problems.count) problems found; nothing was changed"
        case .notFound(let what):
            return what
        case .ambiguous(let what, let candidates):
            return
                "\(what) is ambiguous: it matches \(candidates.count) contracts (\(candidates.prefix(10).joined(separator: ", ")))"
        case .refused(let why):
            return why
        case .nothingToCommit:
            return "nothing to commit, working tree clean"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .yaml(let e):
            return e.description
        case .repository(let message, _):
            return message
        case .rule(let ref, let v):
            return "\(ref): \(v.message)"
        case .conflict(let what):
            return what
        case .planLimit(let what):
            return what
        case .offline(let what, _):
            return what
        case .locked(let what, _, _):
            return what
        }
    }

    /// A follow-up suggestion for people, git-style.
    public var hint: String? {
        switch self {
        case .notAWorkspace: return "run `pactoria init` to make one, or pass -C DIR"
        case .ambiguous: return "use more characters of the id, or company/stem"
        case .locked(_, let hint, _): return hint
        case .invalid(let problems) where problems.count > 1: return nil
        default: return nil
        }
    }

    /// Extra lines for `--verbose`.
    public var detail: String? {
        switch self {
        case .repository(_, let detail): return detail
        case .offline(_, let detail): return detail
        default: return nil
        }
    }
}

extension ValidationIssue {
    func problem(file: String, document: YAMLDocument?) -> Problem {
        Problem(file: file, line: document?.line(of: field), field: field, message: message)
    }
}
