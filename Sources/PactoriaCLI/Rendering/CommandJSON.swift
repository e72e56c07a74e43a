import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

// The `--json` outputs of the CLI's own commands, typed (docs/JSON.md). The shapes shared with the
// API (contracts, lists, analyses) live in the libraries; these are the CLI's alone.

/// An optional that is written as `null` rather than left out, so every key is always there.
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

/// `audit --json`: one entry per event.
struct AuditEntryJSON: Encodable {
    var commit: String
    var time: String
    var contractID: String
    @Nullable var path: String?
    @Nullable var title: String?
    var event: String
    @Nullable var from: String?
    @Nullable var to: String?
    var actor: String
    @Nullable var reason: String?
    @Nullable var version: Int?
    var inferred: Bool
    var details: [String]
    var subject: String

    init(_ e: Audit.Entry, iso: ISO8601DateFormatter) {
        commit = e.commit.hex
        time = iso.string(from: e.time)
        contractID = e.contractID
        path = e.ref?.yamlPath
        title = e.title
        event = e.event
        from = e.from
        to = e.to
        actor = e.actor
        reason = e.reason
        version = e.version
        inferred = e.inferred
        details = e.details
        subject = e.subject
    }

    enum CodingKeys: String, CodingKey {
        case commit, time, path, title, event, from, to, actor, reason, version, inferred, details, subject
        case contractID = "contract_id"
    }
}

/// `check --format json`.
struct CheckReportJSON: Encodable {
    var passed: Bool
    var contractsChecked: Int
    var commitsChecked: Int
    var findings: [Finding]

    struct Finding: Encodable {
        var file: String
        @Nullable var line: Int?
        @Nullable var commit: String?
        var rule: String
        var message: String
        var severity: String

        enum CodingKeys: String, CodingKey {
            case file, line, commit, rule, message, severity
        }
    }

    init(_ r: Check.Report) {
        passed = r.passed
        contractsChecked = r.contractsChecked
        commitsChecked = r.commitsChecked
        findings = r.findings.map {
            Finding(
                file: $0.file, line: $0.line, commit: $0.commit?.hex, rule: $0.rule, message: $0.text(.cli),
                severity: $0.severity.rawValue)
        }
    }

    enum CodingKeys: String, CodingKey {
        case passed, findings
        case contractsChecked = "contracts_checked"
        case commitsChecked = "commits_checked"
    }
}

/// `expiring --json`: one entry per contract, its value as money.
struct ExpiringJSON: Encodable {
    var id: String
    var path: String
    var title: String
    var endDate: String
    var date: String
    var daysLeft: Int
    var renews: Bool
    @Nullable var renewalTerm: String?
    @Nullable var noticeDeadline: String?
    @Nullable var noticeDaysLeft: Int?
    @Nullable var contractValue: MoneyJSON?

    init(_ e: Expiring.Entry) {
        id = e.summary.id
        path = e.summary.ref.yamlPath
        title = e.summary.title
        endDate = e.endDate.description
        date = e.date.description
        daysLeft = e.daysLeft
        renews = e.renews
        renewalTerm = e.renewalTerm?.description
        noticeDeadline = e.noticeDeadline?.description
        noticeDaysLeft = e.noticeDaysLeft
        contractValue = e.summary.value.map(MoneyJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case id, path, title, date, renews
        case endDate = "end_date"
        case daysLeft = "days_left"
        case renewalTerm = "renewal_term"
        case noticeDeadline = "notice_deadline"
        case noticeDaysLeft = "notice_days_left"
        case contractValue = "contract_value"
    }
}

/// The lifecycle verbs' `--json`: the commit, each contract moved, and the hooks run.
struct TransitionsJSON: Encodable {
    @Nullable var commit: String?
    var contracts: [Moved]
    var hooks: [Hook]

    struct Moved: Encodable {
        var id: String
        var path: String
        var title: String
        var action: String
        var event: String
        var from: String
        var to: String
        var version: Int

        enum CodingKeys: String, CodingKey {
            case id, path, title, action, event, from, to, version
        }
    }

    struct Hook: Encodable {
        var event: String
        var path: String
        var exitCode: Int

        enum CodingKeys: String, CodingKey {
            case event, path
            case exitCode = "exit_code"
        }
    }

    init(_ outcomes: [Transitions.Outcome], commit: String?, hooks: [HookRun]) {
        self.commit = commit
        contracts = outcomes.map {
            Moved(
                id: $0.id, path: $0.ref.yamlPath, title: $0.title, action: $0.action.rawValue, event: $0.event.event,
                from: $0.from, to: $0.to, version: $0.version)
        }
        self.hooks = hooks.map { Hook(event: $0.event, path: $0.path, exitCode: Int($0.exitCode)) }
    }

    enum CodingKeys: String, CodingKey {
        case commit, contracts, hooks
    }
}

/// `log CONTRACT --json`: the contract's history.
struct ContractLogJSON: Encodable {
    var commit: String
    var date: String
    var author: String
    @Nullable var version: Int?
    @Nullable var status: String?
    var event: String
    var inferred: Bool
    var path: String
    var message: String

    enum CodingKeys: String, CodingKey {
        case commit, date, author, version, status, event, inferred, path, message
    }
}

/// `log --json`: the workspace's history, with the contract events of each commit.
struct WorkspaceLogJSON: Encodable {
    var commit: String
    var date: String
    var author: String
    var message: String
    var events: [Event]

    struct Event: Encodable {
        var contract: String
        var event: String
        var version: Int

        enum CodingKeys: String, CodingKey {
            case contract, event, version
        }
    }

    enum CodingKeys: String, CodingKey {
        case commit, date, author, message, events
    }
}

/// A git lock file in `status --json`: `{path, state: held|stale|unknown, age_seconds, pid?, holder?, hint}`.
struct LockJSON: Encodable {
    var path: String
    var state: String
    var ageSeconds: Int
    var pid: Int?
    var holder: String?
    var hint: String
    var message: String

    init(_ l: GitLock) {
        path = l.path
        ageSeconds = Int(l.age)
        hint = l.hint
        message = l.description
        switch l.state {
        case .held(let pid, let command):
            state = "held"
            self.pid = Int(pid)
            holder = command
        case .stale: state = "stale"
        case .unknown: state = "unknown"
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, state, pid, holder, hint, message
        case ageSeconds = "age_seconds"
    }
}

/// A problem with a file, in `status --json`.
struct ProblemJSON: Encodable {
    var file: String
    @Nullable var line: Int?
    @Nullable var field: String?
    var message: String

    init(_ p: Problem) {
        file = p.file
        line = p.line
        field = p.field
        message = p.message
    }

    enum CodingKeys: String, CodingKey {
        case file, line, field, message
    }
}

/// `status --json`.
struct StatusJSON: Encodable {
    @Nullable var branch: String?
    @Nullable var head: String?
    var clean: Bool
    var contracts: [ContractChange]
    var others: [OtherChange]
    var workspaceProblems: [ProblemJSON]
    var counts: [String: Int]
    var locks: [LockJSON]
    var total: Int
    @Nullable var upstream: String?
    @Nullable var ahead: Int?
    @Nullable var behind: Int?
    var leftovers: [String]
    var recovery: [String]
    var merging: Bool
    var pullInterrupted: Bool
    var conflicts: [Conflict]

    struct ContractChange: Encodable {
        var company: String
        var stem: String
        @Nullable var id: String?
        @Nullable var title: String?
        var change: String
        @Nullable var part: String?
        var problems: [ProblemJSON]

        enum CodingKeys: String, CodingKey {
            case company, stem, id, title, change, part, problems
        }
    }

    struct OtherChange: Encodable {
        var path: String
        var change: String
        var problems: [ProblemJSON]

        enum CodingKeys: String, CodingKey {
            case path, change, problems
        }
    }

    struct Conflict: Encodable {
        var path: String
        var id: String
        var title: String
        var content: Bool
        var violations: [String]
        var deletion: Bool
        var fields: [Field]

        struct Field: Encodable {
            var field: String
            @Nullable var ours: String?
            @Nullable var theirs: String?
            @Nullable var base: String?

            enum CodingKeys: String, CodingKey {
                case field, ours, theirs, base
            }
        }

        enum CodingKeys: String, CodingKey {
            case path, id, title, content, violations, deletion, fields
        }
    }

    enum CodingKeys: String, CodingKey {
        case branch, head, clean, contracts, others, counts, locks, total, upstream, ahead, behind, leftovers
        case recovery, merging, conflicts
        case workspaceProblems = "workspace_problems"
        case pullInterrupted = "pull_interrupted"
    }
}

/// `user list --json`.
struct UserJSON: Encodable {
    var email: String
    var fullName: String
    var role: String
    var company: String
    var isOperator: Bool
    var disabled: Bool

    init(_ u: User) {
        email = u.email
        fullName = u.fullName
        role = u.role.rawValue
        company = u.company
        isOperator = u.isOperator
        disabled = u.disabled
    }

    enum CodingKeys: String, CodingKey {
        case email, role, company, disabled
        case fullName = "full_name"
        case isOperator = "operator"
    }
}

/// `company list --json`.
struct CompanyJSON: Encodable {
    var slug: String
    var name: String
    @Nullable var companyNumber: String?
    var subscriptionTier: String
    var contracts: Int
    var problems: [String]

    enum CodingKeys: String, CodingKey {
        case slug, name, contracts, problems
        case companyNumber = "company_number"
        case subscriptionTier = "subscription_tier"
    }
}

/// `diff --json`: metadata changes field by field (values as written) and the content diff.
struct DiffJSON: Encodable {
    var contract: String
    var from: String
    var to: String
    var fields: [FieldChangeJSON]
    var contentDiff: String

    init(_ d: ContractViews.DiffResult) {
        contract = d.ref.description
        from = d.from
        to = d.to
        fields = d.fields.map { FieldChangeJSON(field: $0.field, old: $0.old, new: $0.new) }
        contentDiff = d.contentDiff
    }

    enum CodingKeys: String, CodingKey {
        case contract, from, to, fields
        case contentDiff = "content_diff"
    }
}

/// `clone --json`.
struct CloneJSON: Encodable {
    var directory: String
    var url: String
    var remote: String
    @Nullable var branch: String?
    @Nullable var upstream: String?
    @Nullable var commit: String?
    var contracts: Int

    enum CodingKeys: String, CodingKey {
        case directory, url, remote, branch, upstream, commit, contracts
    }
}

/// `commit --json`: the commit and the contract events it recorded.
struct CommitJSON: Encodable {
    var commit: String
    var contracts: [Event]

    struct Event: Encodable {
        var id: String
        var path: String
        var event: String
        var version: Int

        enum CodingKeys: String, CodingKey {
            case id, path, event, version
        }
    }

    enum CodingKeys: String, CodingKey {
        case commit, contracts
    }
}
