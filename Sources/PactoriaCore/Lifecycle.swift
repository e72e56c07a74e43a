/// Who did something to a contract, when, and why.
public struct LifecycleStamp: Sendable, Equatable {
    public var by: String
    public var at: String
    public var reason: String?

    public init(by: String, at: String, reason: String? = nil) {
        self.by = by
        self.at = at
        self.reason = reason
    }
}

/// The human-reviewed final content: the SHA-256 of the Markdown that was signed off.
public struct FinalContent: Sendable, Equatable {
    public var sha256: String
    public var by: String
    public var at: String

    public init(sha256: String, by: String, at: String) {
        self.sha256 = sha256
        self.by = by
        self.at = at
    }
}

/// The `lifecycle` section of a contract's metadata: the final content and, per event, the
/// latest time it happened (the full story is in git's history).
public struct LifecycleRecord: Sendable, Equatable {
    public var finalContent: FinalContent?
    /// Keyed by event name without the `contract.` prefix: submitted, activated, terminated, …
    public var events: [String: LifecycleStamp]

    public init(finalContent: FinalContent? = nil, events: [String: LifecycleStamp] = [:]) {
        self.finalContent = finalContent
        self.events = events
    }

    public var isEmpty: Bool { finalContent == nil && events.isEmpty }
}

/// Something a person does to move a contract through its lifecycle.
public enum LifecycleAction: String, CaseIterable, Sendable, Codable {
    case submit
    case requestChanges = "request_changes"
    case finalize
    case activate
    case complete
    case terminate
    case expire

    /// The audit event a successful action records.
    public var event: String {
        switch self {
        case .submit: return "contract.submitted"
        case .requestChanges: return "contract.changes_requested"
        case .finalize: return "contract.finalized"
        case .activate: return "contract.activated"
        case .complete: return "contract.completed"
        case .terminate: return "contract.terminated"
        case .expire: return "contract.expired"
        }
    }

    /// The key under `lifecycle:` where the action is stamped.
    public var stampKey: String { String(event.dropFirst("contract.".count)) }

    /// The verb as typed at the command line.
    public var verb: String { String(rawValue.map { $0 == "_" ? "-" : $0 }) }

    public var requiresReason: Bool { self == .terminate || self == .requestChanges }

    /// The status the action leads to (nil: the status stays, as for finalize).
    public var target: ContractStatus? {
        switch self {
        case .submit: return .pendingReview
        case .requestChanges: return .draft
        case .finalize: return nil
        case .activate: return .active
        case .complete: return .completed
        case .terminate: return .terminated
        case .expire: return .expired
        }
    }
}

/// Lifecycle policy that a workspace can configure.
public struct LifecyclePolicy: Sendable, Equatable {
    /// When false, draft → active is allowed without review.
    public var requireReview: Bool

    public init(requireReview: Bool = true) { self.requireReview = requireReview }
}

/// A broken lifecycle rule. `rule` is a stable identifier for scripts and CI annotations.
public struct RuleViolation: Sendable, Equatable, CustomStringConvertible {
    public enum Rule: String, Sendable, Codable, CaseIterable {
        case illegalTransition = "illegal-transition"
        case readOnly = "read-only"
        case activeMetadataEdit = "active-metadata-edit"
        case contentNotFinal = "content-not-final"
        case versionNotBumped = "version-not-bumped"
        case versionDecreased = "version-decreased"
        case deleted = "contract-deleted"
        case missingReason = "missing-reason"
        case idChanged = "id-changed"
        case pastEndDate = "past-end-date"
        case notYetEnded = "not-yet-ended"
    }

    public var rule: Rule
    /// The field it concerns (dotted), when there is one.
    public var field: String?
    public var message: String

    public init(_ rule: Rule, field: String? = nil, _ message: String) {
        self.rule = rule
        self.field = field
        self.message = message
    }

    public var description: String { "\(message) [\(rule.rawValue)]" }
}

/// A contract as the rules see it: its metadata and the SHA-256 of its Markdown (nil: no content).
public struct ContractSnapshot: Sendable, Equatable {
    public var contract: Contract
    public var contentSHA256: String?

    public init(contract: Contract, contentSHA256: String?) {
        self.contract = contract
        self.contentSHA256 = contentSHA256
    }
}

/// The lifecycle rules, in one place: every path that changes a contract (the verbs, `commit`,
/// `status`, `check`, the server and the merge) asks these.
public enum Lifecycle {
    public static let readOnly: Set<ContractStatus> = [.completed, .expired, .terminated]
    public static let editable: Set<ContractStatus> = [.draft, .pendingReview]

    /// Every allowed status change, whatever brought it about.
    public static func isAllowed(from: ContractStatus, to: ContractStatus, policy: LifecyclePolicy) -> Bool {
        switch (from, to) {
        case (.draft, .pendingReview), (.pendingReview, .draft), (.pendingReview, .active),
            (.active, .completed), (.active, .expired),
            (.draft, .terminated), (.pendingReview, .terminated), (.active, .terminated):
            return true
        case (.draft, .active):
            return !policy.requireReview
        default:
            return false
        }
    }

    /// The action that explains a status change, if any does.
    public static func action(from: ContractStatus, to: ContractStatus) -> LifecycleAction? {
        switch (from, to) {
        case (.draft, .pendingReview): return .submit
        case (.pendingReview, .draft): return .requestChanges
        case (_, .active): return .activate
        case (.active, .completed): return .complete
        case (.active, .expired): return .expire
        case (_, .terminated): return .terminate
        default: return nil
        }
    }

    /// Whether `action` may be applied to `snapshot` now. Returns the first rule it breaks.
    public static func precheck(
        _ action: LifecycleAction, on snapshot: ContractSnapshot, reason: String?, today: CalendarDate,
        policy: LifecyclePolicy
    ) -> RuleViolation? {
        let c = snapshot.contract
        guard let status = c.statusValue else {
            return RuleViolation(.illegalTransition, field: "status", "status '\(c.status)' is not a known status")
        }
        if action.requiresReason, (reason ?? "").trimmingSpaces().isEmpty {
            return RuleViolation(.missingReason, field: "reason", "\(action.verb) needs a reason (--reason)")
        }
        if action == .finalize {
            if readOnly.contains(status) {
                return RuleViolation(.readOnly, "\(status.rawValue) contracts are read-only; their content cannot be finalized")
            }
            if snapshot.contentSHA256 == nil {
                return RuleViolation(.contentNotFinal, "there is no content to finalize (the .md file is missing)")
            }
            return nil
        }
        guard let target = action.target else { return nil }
        guard isAllowed(from: status, to: target, policy: policy) else {
            return RuleViolation(.illegalTransition, field: "status", transitionRefusal(action, from: status, policy: policy))
        }
        if action == .activate {
            if snapshot.contentSHA256 == nil || c.lifecycle?.finalContent?.sha256 != snapshot.contentSHA256 {
                let why = c.lifecycle?.finalContent == nil
                    ? "its content has not been finalized" : "its content changed after it was finalized"
                return RuleViolation(.contentNotFinal, "cannot activate: \(why); run `pactoria finalize` first")
            }
            if let end = c.end, end < today {
                return RuleViolation(.pastEndDate, field: "end_date", "cannot activate: its end_date \(end) has passed")
            }
        }
        if action == .expire {
            guard let end = c.end, end < today else {
                let when = c.end.map { "its end_date is \($0)" } ?? "it has no end_date"
                return RuleViolation(.notYetEnded, field: "end_date", "cannot expire: \(when), not before today (\(today))")
            }
        }
        return nil
    }

    static func transitionRefusal(_ action: LifecycleAction, from: ContractStatus, policy: LifecyclePolicy) -> String {
        let allowedFrom = ContractStatus.allCases.filter { s in
            action.target.map { isAllowed(from: s, to: $0, policy: policy) } ?? false
        }.map(\.rawValue)
        let list = allowedFrom.isEmpty ? "never" : "only from " + allowedFrom.joined(separator: " or ")
        let article = "aeiou".contains(from.rawValue.first ?? "x") ? "an" : "a"
        var text = "cannot \(action.verb) \(article) \(from.rawValue) contract (\(action.verb) is allowed \(list))"
        if readOnly.contains(from) { text += "; \(from.rawValue) contracts are read-only" }
        return text
    }

    /// Checks one change to a contract (`before` nil: created; `after` nil: deleted) against every
    /// rule. `versionBumpIsAutomatic` is true where pactoria bumps the version itself (at commit).
    public static func check(
        before: ContractSnapshot?, after: ContractSnapshot?, policy: LifecyclePolicy,
        versionBumpIsAutomatic: Bool = false
    ) -> [RuleViolation] {
        guard let before else { return [] }
        guard let after else {
            return [RuleViolation(.deleted, "contract files must not be deleted; terminate the contract instead")]
        }
        var out: [RuleViolation] = []
        let b = before.contract
        let a = after.contract
        if !b.id.isEmpty, a.id.lowercased() != b.id.lowercased() {
            out.append(RuleViolation(.idChanged, field: "id", "id changed from \(b.id) to \(a.id); a contract's id never changes"))
        }
        let contentChanged = before.contentSHA256 != after.contentSHA256
        let metadataChanged = !sameMetadata(b, a)
        guard let from = b.statusValue else { return out }
        let to = a.statusValue

        if readOnly.contains(from) {
            if contentChanged || metadataChanged || b.status != a.status || b.lifecycle != a.lifecycle
                || b.version != a.version
            {
                out.append(RuleViolation(
                    .readOnly, field: b.status != a.status ? "status" : changedFields(b, a).first,
                    "\(from.rawValue) contracts are read-only; \(describe(b, a, contentChanged: contentChanged)) is refused"))
            }
            return out
        }
        if let to, to != from {
            if !isAllowed(from: from, to: to, policy: policy) {
                out.append(RuleViolation(
                    .illegalTransition, field: "status",
                    "status changed from \(from.rawValue) to \(to.rawValue), which the lifecycle does not allow"))
            } else if let action = action(from: from, to: to) {
                let stamp = a.lifecycle?.events[action.stampKey]
                if action.requiresReason, (stamp?.reason ?? "").trimmingSpaces().isEmpty {
                    out.append(RuleViolation(
                        .missingReason, field: "lifecycle.\(action.stampKey).reason",
                        "\(from.rawValue) → \(to.rawValue) needs a reason recorded under lifecycle.\(action.stampKey).reason"))
                }
                if action == .activate, after.contentSHA256 == nil || a.lifecycle?.finalContent?.sha256 != after.contentSHA256 {
                    out.append(RuleViolation(
                        .contentNotFinal, field: "lifecycle.final_content",
                        "activated without final content: lifecycle.final_content.sha256 must match the Markdown"))
                }
            }
        }
        if from == .active {
            // Active (staying so, or leaving through a verb): only the verbs' bookkeeping and a
            // re-finalized content may change with it.
            if metadataChanged {
                out.append(RuleViolation(
                    .activeMetadataEdit, field: changedFields(b, a).first,
                    "active contracts take no metadata edits (\(changedFields(b, a).joined(separator: ", ")) changed); use the lifecycle verbs"))
            }
            if contentChanged, a.lifecycle?.finalContent?.sha256 != after.contentSHA256 {
                out.append(RuleViolation(
                    .contentNotFinal, field: "lifecycle.final_content",
                    "the content of an active contract changed without being finalized again; run `pactoria finalize`"))
            }
        }
        if a.version < b.version {
            out.append(RuleViolation(.versionDecreased, field: "version", "version went down from \(b.version) to \(a.version)"))
        } else if contentChanged, a.version == b.version, !versionBumpIsAutomatic {
            out.append(RuleViolation(
                .versionNotBumped, field: "version", "the content changed but version stayed at \(b.version)"))
        }
        return out
    }

    /// Fields people edit (everything but the bookkeeping the verbs and commits maintain).
    public static func changedFields(_ b: Contract, _ a: Contract) -> [String] {
        var out: [String] = []
        if b.title != a.title { out.append("title") }
        if b.contractType != a.contractType { out.append("contract_type") }
        if b.plainEnglishInput != a.plainEnglishInput { out.append("plain_english_input") }
        if b.client != a.client { out.append("client") }
        if b.supplier != a.supplier { out.append("supplier") }
        if b.value != a.value { out.append("contract_value") }
        if b.startDate != a.startDate { out.append("start_date") }
        if b.endDate != a.endDate { out.append("end_date") }
        if b.templateID != a.templateID { out.append("template_id") }
        if b.createdBy != a.createdBy { out.append("created_by") }
        if b.createdAt != a.createdAt { out.append("created_at") }
        return out
    }

    static func sameMetadata(_ b: Contract, _ a: Contract) -> Bool { changedFields(b, a).isEmpty }

    static func describe(_ b: Contract, _ a: Contract, contentChanged: Bool) -> String {
        var parts: [String] = []
        if b.status != a.status { parts.append("changing status to \(a.status)") }
        let fields = changedFields(b, a)
        if !fields.isEmpty { parts.append("editing \(fields.joined(separator: ", "))") }
        if contentChanged { parts.append("changing the content") }
        if parts.isEmpty, b.lifecycle != a.lifecycle { parts.append("rewriting its lifecycle record") }
        if parts.isEmpty, b.version != a.version { parts.append("changing its version from \(b.version) to \(a.version)") }
        return parts.isEmpty ? "any change" : parts.joined(separator: " and ")
    }
}
