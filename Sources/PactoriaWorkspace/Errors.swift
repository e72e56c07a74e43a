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
///
/// Errors speak domain terms: a field is named as in the YAML and JSON (`contract_type`,
/// `contract_value.currency`), and what to do next is a `Remedy`, never a command line. A front
/// end words both through a `Wording` (`text(_:)`); `description` is the library's own wording.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    case notAWorkspace(String)
    case invalidInput(field: String, message: String)
    /// `field` was given without `needs`, which it depends on.
    case incomplete(field: String, needs: String)
    /// The value given for `field` names nothing (`message`: "no such revision").
    case unknownValue(field: String, value: String, message: String)
    case invalid([Problem])
    case notFound(String, remedy: Remedy? = nil)
    case ambiguous(String, candidates: [String])
    case refused(String, remedy: Remedy? = nil)
    case nothingToCommit
    case io(path: String, message: String)
    case yaml(YAMLError)
    case repository(String, detail: String, remedy: Remedy? = nil)
    /// A lifecycle rule refuses the change.
    case rule(ref: ContractRef, RuleViolation)
    /// Someone else changed it first (the caller should reload).
    case conflict(String)
    /// The company's subscription plan does not allow it.
    case planLimit(String)
    /// A remote could not be reached; nothing was lost.
    case offline(String, detail: String, remedy: Remedy? = nil)
    /// A lock (git's or Pactoria's) stops the write: the message names it and its holder, the
    /// hint is the safe step (wait for a live holder, or remove a stale lock).
    case locked(String, hint: String?, holderAlive: Bool)

    public var description: String { text(.domain) }

    /// The error's one line, with fields and remedies worded by `w`.
    public func text(_ w: Wording) -> String {
        switch self {
        case .notAWorkspace(let dir):
            return "not a pactoria workspace (or any parent): \(dir)"
        case .invalidInput(let field, let message):
            return "\(w.field(field)): \(message)"
        case .incomplete(let field, let needs):
            return "\(w.field(field)): needs \(w.field(needs))"
        case .unknownValue(let field, let value, let message):
            return "\(w.field(field)) \(value): \(message)"
        case .invalid(let problems):
            return problems.count == 1
                ? problems[0].description : "\(problems.count) problems found; nothing was changed"
        case .notFound(let what, let remedy):
            return w.line(what, remedy)
        case .ambiguous(let what, let candidates):
            return
                "\(what) is ambiguous: it matches \(candidates.count) contracts (\(candidates.prefix(10).joined(separator: ", ")))"
        case .refused(let why, let remedy):
            return w.line(why, remedy)
        case .nothingToCommit:
            return "nothing to commit, working tree clean"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .yaml(let e):
            return e.description
        case .repository(let message, _, let remedy):
            return w.line(message, remedy)
        case .rule(let ref, let v) where v.rule == .missingReason && v.field == "reason":
            // The reason is given with the request; a front end that names it otherwise says how.
            let given = w.field("reason")
            return "\(ref): \(v.message)" + (given == "reason" ? "" : " (\(given))")
        case .rule(let ref, let v):
            return "\(ref): \(v.message)"
        case .conflict(let what):
            return what
        case .planLimit(let what):
            return what
        case .offline(let what, _, let remedy):
            return w.line(what, remedy)
        case .locked(let what, _, _):
            return what
        }
    }

    /// What to do next, if the library knows (worded in `text(_:)`, or for `notAWorkspace` in
    /// `hint(_:)`).
    public var remedy: Remedy? {
        switch self {
        case .notAWorkspace: return .initWorkspace
        case .notFound(_, let r), .refused(_, let r), .repository(_, _, let r), .offline(_, _, let r): return r
        default: return nil
        }
    }

    /// A follow-up suggestion for people, git-style, worded by `w`.
    public func hint(_ w: Wording) -> String? {
        switch self {
        case .notAWorkspace: return w.remedy(.initWorkspace)
        case .ambiguous: return "use more characters of the id, or company/stem"
        case .locked(_, let hint, _): return hint
        default: return nil
        }
    }

    /// A follow-up suggestion in the library's own words.
    public var hint: String? { hint(.domain) }

    /// Extra lines for a verbose report.
    public var detail: String? {
        switch self {
        case .repository(_, let detail, _): return detail
        case .offline(_, let detail, _): return detail
        default: return nil
        }
    }
}

extension ValidationIssue {
    func problem(file: String, document: YAMLDocument?) -> Problem {
        Problem(file: file, line: document?.line(of: field), field: field, message: message)
    }
}
