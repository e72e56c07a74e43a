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
        /// The Markdown of a contract that had some was deleted (any status).
        case contentDeleted = "content-deleted"
        /// A contract moved to another company's folder without `pactoria move`.
        case companyChanged = "company-changed"
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
    /// The company whose folder holds it (nil: not known to the caller; then not compared).
    public var company: String?
    /// Every key of the metadata the `Contract` model does not hold (`compliance`, `generation`,
    /// unknown keys; `lifecycle.<unknown>`), each rendered as text. nil: not read by the caller
    /// (then not compared).
    public var otherFields: [String: String]?

    public init(
        contract: Contract, contentSHA256: String?, company: String? = nil, otherFields: [String: String]? = nil
    ) {
        self.contract = contract
        self.contentSHA256 = contentSHA256
        self.company = company
        self.otherFields = otherFields
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
            return RuleViolation(.missingReason, field: "reason", "\(action.verb) needs a reason")
        }
        if action == .finalize {
            if readOnly.contains(status) {
                return RuleViolation(
                    .readOnly, "\(status.rawValue) contracts are read-only; their content cannot be finalized")
            }
            if snapshot.contentSHA256 == nil {
                return RuleViolation(.contentNotFinal, "there is no content to finalize (the .md file is missing)")
            }
            return nil
        }
        guard let target = action.target else { return nil }
        guard isAllowed(from: status, to: target, policy: policy) else {
            return RuleViolation(
                .illegalTransition, field: "status", transitionRefusal(action, from: status, policy: policy))
        }
        if action == .activate {
            if snapshot.contentSHA256 == nil || c.lifecycle?.finalContent?.sha256 != snapshot.contentSHA256 {
                let why =
                    c.lifecycle?.finalContent == nil
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
                return RuleViolation(
                    .notYetEnded, field: "end_date", "cannot expire: \(when), not before today (\(today))")
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

    /// Every field of a contract that the lifecycle verbs own, in one place: on a read-only
    /// contract none of these (nor any field people edit) may change; on an active one only the
    /// verbs' own bookkeeping may (`status` through an allowed transition, that transition's
    /// stamp, `lifecycle.final_content` with matching content, `version` upward).
    /// `lifecycle.<event>` stands for every event stamp; `(other keys)` for every key the model
    /// does not hold (`compliance`, `generation`, unknown keys), which verbs alone write.
    public static let verbOwnedFields = [
        "status", "version", "lifecycle.final_content", "lifecycle.<event>", "compliance", "generation", "(other keys)",
    ]

    /// Every field (dotted) that differs between two snapshots, people's fields first, then the
    /// verb-owned ones of `verbOwnedFields` (content not included).
    public static func changedProtectedFields(_ before: ContractSnapshot, _ after: ContractSnapshot) -> [String] {
        let b = before.contract
        let a = after.contract
        var out = changedFields(b, a)
        if b.status != a.status { out.append("status") }
        if b.version != a.version { out.append("version") }
        if b.lifecycle?.finalContent != a.lifecycle?.finalContent { out.append("lifecycle.final_content") }
        let events = Set((b.lifecycle?.events ?? [:]).keys).union((a.lifecycle?.events ?? [:]).keys)
        for key in events.sorted() where b.lifecycle?.events[key] != a.lifecycle?.events[key] {
            out.append("lifecycle.\(key)")
        }
        if let bo = before.otherFields, let ao = after.otherFields {
            for key in Set(bo.keys).union(ao.keys).sorted() where bo[key] != ao[key] { out.append(key) }
        }
        return out
    }

    /// Checks one change to a contract (`before` nil: created; `after` nil: deleted) against every
    /// rule. `versionBumpIsAutomatic` is true where pactoria bumps the version itself (at commit).
    /// `today` (the day of the change) enables the date rules of a hand-made transition: an
    /// activation after the end date, an expiry before it. Every path passes it: the working tree
    /// and the index use today, history uses the commit's date.
    public static func check(
        before: ContractSnapshot?, after: ContractSnapshot?, policy: LifecyclePolicy,
        versionBumpIsAutomatic: Bool = false, today: CalendarDate? = nil
    ) -> [RuleViolation] {
        guard let before else { return [] }
        guard let after else {
            return [RuleViolation(.deleted, "contract files must not be deleted; terminate the contract instead")]
        }
        var out: [RuleViolation] = []
        let b = before.contract
        let a = after.contract
        if !b.id.isEmpty, a.id.lowercased() != b.id.lowercased() {
            out.append(
                RuleViolation(
                    .idChanged, field: "id", "id changed from \(b.id) to \(a.id); a contract's id never changes"))
        }
        if let from = before.company, let to = after.company, from != to {
            out.append(
                RuleViolation(
                    .companyChanged,
                    "moved from company '\(from)' to '\(to)'; a contract's company is part of its identity (move it back; `pactoria move` moves it on the record)"
                ))
        }
        let contentChanged = before.contentSHA256 != after.contentSHA256
        let contentDeleted = before.contentSHA256 != nil && after.contentSHA256 == nil
        let metadataChanged = !sameMetadata(b, a)
        guard let from = b.statusValue else { return out }
        let to = a.statusValue

        if readOnly.contains(from) {
            let changed = changedProtectedFields(before, after)
            if contentChanged || !changed.isEmpty {
                out.append(
                    RuleViolation(
                        .readOnly, field: b.status != a.status ? "status" : changedFields(b, a).first,
                        "\(from.rawValue) contracts are read-only; \(describe(before, after, contentChanged: contentChanged)) is refused"
                    ))
            }
            return out
        }
        if contentDeleted {
            out.append(
                RuleViolation(
                    .contentDeleted,
                    "the content (.md) of \(from == .active || from == .expired ? "an" : "a") \(from.rawValue) contract must not be deleted; restore it, or terminate the contract"
                ))
        }
        var transition: LifecycleAction?
        if let to, to != from {
            if !isAllowed(from: from, to: to, policy: policy) {
                out.append(
                    RuleViolation(
                        .illegalTransition, field: "status",
                        "status changed from \(from.rawValue) to \(to.rawValue), which the lifecycle does not allow"))
            } else if let action = action(from: from, to: to) {
                transition = action
                let stamp = a.lifecycle?.events[action.stampKey]
                if action.requiresReason, (stamp?.reason ?? "").trimmingSpaces().isEmpty {
                    out.append(
                        RuleViolation(
                            .missingReason, field: "lifecycle.\(action.stampKey).reason",
                            "\(from.rawValue) → \(to.rawValue) needs a reason recorded under lifecycle.\(action.stampKey).reason"
                        ))
                }
                if action == .activate,
                    after.contentSHA256 == nil || a.lifecycle?.finalContent?.sha256 != after.contentSHA256
                {
                    out.append(
                        RuleViolation(
                            .contentNotFinal, field: "lifecycle.final_content",
                            "activated without final content: lifecycle.final_content.sha256 must match the Markdown"))
                }
                // The date rules the verbs apply, for a status changed by hand.
                if let today, action == .activate, let end = a.end, end < today {
                    out.append(
                        RuleViolation(
                            .pastEndDate, field: "end_date",
                            "activated after its end_date \(end) had passed (on \(today))"))
                }
                if let today, action == .expire, !(a.end.map { $0 < today } ?? false) {
                    let when = a.end.map { "its end_date is \($0)" } ?? "it has no end_date"
                    out.append(
                        RuleViolation(
                            .notYetEnded, field: "end_date", "expired while \(when), not before \(today)"))
                }
            }
        }
        if from == .active {
            // Active (staying so, or leaving through a verb): only the verbs' bookkeeping and a
            // re-finalized content may change with it. Everything else the verbs own is protected.
            // `final_content` changes only as a finalize does: to the hash of the new content.
            let refinalized =
                contentChanged && (a.lifecycle?.finalContent.map { $0.sha256 == after.contentSHA256 } ?? false)
            var allowed: Set<String> =
                refinalized ? ["status", "version", "lifecycle.final_content"] : ["status", "version"]
            if let transition { allowed.insert("lifecycle.\(transition.stampKey)") }
            let changed = changedProtectedFields(before, after).filter { !allowed.contains($0) }
            if metadataChanged || !changed.isEmpty {
                out.append(
                    RuleViolation(
                        .activeMetadataEdit, field: changed.first,
                        "active contracts take no metadata edits (\(changed.joined(separator: ", ")) changed); use the lifecycle verbs"
                    ))
            }
            // Without a final_content record, HEAD's content is the content that was activated:
            // any change needs a finalize; a deletion is never allowed (reported above).
            if contentChanged, !contentDeleted, a.lifecycle?.finalContent?.sha256 != after.contentSHA256 {
                out.append(
                    RuleViolation(
                        .contentNotFinal, field: "lifecycle.final_content",
                        "the content of an active contract changed without being finalized again; run `pactoria finalize`"
                    ))
            }
        }
        if a.version < b.version {
            out.append(
                RuleViolation(
                    .versionDecreased, field: "version", "version went down from \(b.version) to \(a.version)"))
        } else if contentChanged, a.version == b.version, !versionBumpIsAutomatic {
            out.append(
                RuleViolation(
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

    static func describe(_ before: ContractSnapshot, _ after: ContractSnapshot, contentChanged: Bool) -> String {
        let b = before.contract
        let a = after.contract
        var parts: [String] = []
        if b.status != a.status { parts.append("changing status to \(a.status)") }
        let fields = changedFields(b, a)
        if !fields.isEmpty { parts.append("editing \(fields.joined(separator: ", "))") }
        if contentChanged { parts.append("changing the content") }
        if parts.isEmpty, b.lifecycle != a.lifecycle { parts.append("rewriting its lifecycle record") }
        if parts.isEmpty, b.version != a.version {
            parts.append("changing its version from \(b.version) to \(a.version)")
        }
        if parts.isEmpty, let field = changedProtectedFields(before, after).first { parts.append("changing \(field)") }
        return parts.isEmpty ? "any change" : parts.joined(separator: " and ")
    }
}
