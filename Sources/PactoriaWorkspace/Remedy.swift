/// What a person can do next about an error or a finding, named in domain terms. The library
/// names the step; each front end words it (`Wording`): the CLI as the command to type, the API
/// and logs in the sentence `description` gives.
public enum Remedy: Sendable, Equatable {
    /// Make this directory a workspace, or work in one that exists.
    case initWorkspace
    /// Initialise the workspace again where its configuration is (its git repository is missing).
    case reinitWorkspace
    /// Say who is acting: an explicit author, PACTORIA_AUTHOR, git's identity or the workspace's default.
    case identifyAuthor
    /// Repeat with the yes/no field `field` (`force`, `regenerate`) set, to `purpose`.
    case confirm(field: String, purpose: String)
    /// Commit the pending changes first, then repeat `then` ("pull", "move").
    case commitFirst(then: String)
    /// Commit the pending changes first, or repeat with the yes/no field `field` set to discard them.
    case commitOrConfirm(field: String)
    /// Abort the interrupted pull's merge, or pull again to finish it.
    case abortOrFinishPull
    /// See the conflicts, resolve each contract (one side, or field by field), or abort the merge.
    case resolveConflicts
    /// Resolve this contract's conflict (one side, or field by field), then commit.
    case resolveConflict(ContractRef)
    /// Keep the contract (our side) or accept its deletion (their side).
    case keepOrAcceptDeletion
    /// Resolve the merge and commit it, or abort it.
    case finishOrAbortMerge
    /// Pull the remote's changes first, then push.
    case pullFirst
    /// Nothing was lost: push again later (`push`), or pull again later.
    case retryLater(push: Bool)
    /// A push creates the missing branch on the remote.
    case pushCreatesBranch
    /// Add a remote named origin.
    case addRemote
    /// See the remotes there are.
    case listRemotes
    /// Add a company.
    case addCompany
    /// See the companies there are.
    case listCompanies
    /// See the templates there are.
    case listTemplates
    /// Pick a template from the recommendations, then generate with it.
    case chooseTemplate
    /// Generate the contract's content first.
    case generateFirst
    /// Read the hook, then approve it on this machine (for `event`; nil: whichever it serves).
    case approveHook(event: String?)
    /// Open the workspace (its status), which finishes or undoes the write in flight, then commit again.
    case recoverThenCommit
    /// See the workspace's status, then commit again.
    case reviewThenCommit
    /// Move the users of the tracked file into the local user store at `store`.
    case importTrackedUsers(store: String)
    /// Record the subject's consent to `purpose` (given, with the text they were shown).
    case recordConsent(subject: String, purpose: String)
}

extension Remedy: CustomStringConvertible {
    /// The step in the library's own words (the API's and the logs').
    public var description: String {
        switch self {
        case .initWorkspace: return "initialise a workspace here, or work in an existing one"
        case .reinitWorkspace: return "initialise the workspace there"
        case .identifyAuthor:
            return
                "give an author 'Name <email>', set PACTORIA_AUTHOR, git's user.name and user.email, or default_author in .pactoria/config.yaml"
        case .confirm(let field, let purpose): return "repeat with \(field) set to \(purpose)"
        case .commitFirst(let then): return "commit them first, then \(then)"
        case .commitOrConfirm(let field): return "commit them first, or repeat with \(field) set to discard them"
        case .abortOrFinishPull: return "abort the merge to return to where it began, or pull again to finish it"
        case .resolveConflicts:
            return "resolve each contract (ours, theirs, or field by field), then commit; or abort the merge"
        case .resolveConflict(let ref): return "resolve \(ref) (ours, theirs, or field by field), then commit"
        case .keepOrAcceptDeletion: return "keep it (ours) or accept the deletion (theirs)"
        case .finishOrAbortMerge: return "resolve it and commit, or abort the merge"
        case .pullFirst: return "pull first, then push"
        case .retryLater(let push): return push ? "push again later" : "pull again later"
        case .pushCreatesBranch: return "a push creates it"
        case .addRemote: return "add a remote named origin"
        case .listRemotes: return "see the list of remotes"
        case .addCompany: return "add the company first"
        case .listCompanies: return "see the list of companies"
        case .listTemplates: return "see the list of templates"
        case .chooseTemplate: return "pick one from the recommendations, then generate with its template id"
        case .generateFirst: return "generate it first"
        case .approveHook(let event):
            return event.map { "approve \($0) on this machine after reading it" } ?? "read it before approving it"
        case .recoverThenCommit: return "open the workspace (it finishes or undoes the write), then commit again"
        case .reviewThenCommit: return "see the workspace's status, then commit again"
        case .importTrackedUsers(let store): return "import its users into the local store (\(store))"
        case .recordConsent(let subject, let purpose):
            return "record \(subject)'s \(purpose) consent first (given, with the exact text they were shown)"
        }
    }
}

/// How a front end words what the library reports: the name it gives a domain field (a CLI flag,
/// a JSON field) and the step it offers for a `Remedy` (a command line, a sentence).
public struct Wording: Sendable {
    public var field: @Sendable (String) -> String
    public var remedy: @Sendable (Remedy) -> String

    public init(field: @escaping @Sendable (String) -> String, remedy: @escaping @Sendable (Remedy) -> String) {
        self.field = field
        self.remedy = remedy
    }

    /// The library's own words: fields as in the YAML and JSON, remedies as sentences.
    public static let domain = Wording(field: { $0 }, remedy: { $0.description })

    /// `what`, then the remedy if there is one.
    public func line(_ what: String, _ remedy: Remedy?) -> String {
        remedy.map { "\(what); \(self.remedy($0))" } ?? what
    }
}
