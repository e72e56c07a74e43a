import PactoriaCore
import PactoriaTestSupport
import Testing

// Unit tests for the lifecycle rules in PactoriaCore/Lifecycle.swift: the one place every path
// (the verbs, `commit`, `status`, `check`) asks. Table-driven: every pair of statuses, every
// action from every status, each rule with its message.

/// Contracts and snapshots for the rule tables.
private enum R {
    static let today = CalendarDate("2026-03-15")!
    static let review = LifecyclePolicy(requireReview: true)
    static let noReview = LifecyclePolicy(requireReview: false)
    static let hashA = String(repeating: "a", count: 64)
    static let hashB = String(repeating: "b", count: 64)
    static let stamp = LifecycleStamp(by: "Jane Smith <jane@thamesdigital.co.uk>", at: "2026-03-01T09:00:00Z")

    /// The shared fixture contract in `status`, its content `hashA` and finalized (so activate passes).
    static func contract(
        _ status: ContractStatus, end: String? = "2026-04-30", version: Int = 3, finalized: String? = hashA,
        events: [String: LifecycleStamp] = [:]
    ) -> Contract {
        var c = fixtureContract()
        c.status = status.rawValue
        c.endDate = end
        c.version = version
        let record = LifecycleRecord(
            finalContent: finalized.map { FinalContent(sha256: $0, by: stamp.by, at: stamp.at) }, events: events)
        c.lifecycle = record.isEmpty ? nil : record
        return c
    }

    static func snap(_ c: Contract, content: String? = hashA) -> ContractSnapshot {
        ContractSnapshot(contract: c, contentSHA256: content)
    }

    /// The statuses each action may start from when review is required (hard-coded: the spec, not the code).
    static let allowedFrom: [LifecycleAction: Set<ContractStatus>] = [
        .submit: [.draft],
        .requestChanges: [.pendingReview],
        .finalize: [.draft, .pendingReview, .active],
        .activate: [.pendingReview],
        .complete: [.active],
        .terminate: [.draft, .pendingReview, .active],
        .expire: [.active],
    ]

    /// The "(… is allowed …)" part of a refusal, as the issue words it.
    static let allowedText: [LifecycleAction: String] = [
        .submit: "only from draft",
        .requestChanges: "only from pending_review",
        .activate: "only from pending_review",
        .complete: "only from active",
        .terminate: "only from draft or pending_review or active",
        .expire: "only from active",
    ]

    /// Every status change the lifecycle allows with review required.
    static let allowedPairs: Set<String> = [
        "draft>pending_review", "pending_review>draft", "pending_review>active", "active>completed", "active>expired",
        "draft>terminated", "pending_review>terminated", "active>terminated",
    ]
}

@Suite("Lifecycle rules: transitions")
struct LifecycleTransitionTableTests {
    @Test(
        "isAllowed: every pair of statuses, review required", arguments: ContractStatus.allCases,
        ContractStatus.allCases)
    func everyPair(from: ContractStatus, to: ContractStatus) {
        let expected = R.allowedPairs.contains("\(from.rawValue)>\(to.rawValue)")
        #expect(
            Lifecycle.isAllowed(from: from, to: to, policy: R.review) == expected, "\(from.rawValue) → \(to.rawValue)")
    }

    @Test(
        "isAllowed: without review, draft → active is the only extra transition", arguments: ContractStatus.allCases,
        ContractStatus.allCases)
    func everyPairWithoutReview(from: ContractStatus, to: ContractStatus) {
        let expected = R.allowedPairs.contains("\(from.rawValue)>\(to.rawValue)") || (from == .draft && to == .active)
        #expect(
            Lifecycle.isAllowed(from: from, to: to, policy: R.noReview) == expected, "\(from.rawValue) → \(to.rawValue)"
        )
    }

    @Test("No status moves to itself, and nothing leaves a read-only status")
    func readOnlyIsTerminal() {
        for s in ContractStatus.allCases {
            #expect(!Lifecycle.isAllowed(from: s, to: s, policy: R.noReview), "\(s.rawValue) → itself")
        }
        for from in Lifecycle.readOnly {
            for to in ContractStatus.allCases {
                #expect(
                    !Lifecycle.isAllowed(from: from, to: to, policy: R.noReview), "\(from.rawValue) → \(to.rawValue)")
            }
        }
        #expect(Lifecycle.readOnly == [.completed, .expired, .terminated])
        #expect(Lifecycle.editable == [.draft, .pendingReview])
    }

    @Test("Each allowed change is explained by the action that makes it")
    func actionForChange() {
        let expected: [(ContractStatus, ContractStatus, LifecycleAction)] = [
            (.draft, .pendingReview, .submit), (.pendingReview, .draft, .requestChanges),
            (.pendingReview, .active, .activate), (.draft, .active, .activate), (.active, .completed, .complete),
            (.active, .expired, .expire), (.draft, .terminated, .terminate), (.pendingReview, .terminated, .terminate),
            (.active, .terminated, .terminate),
        ]
        for (from, to, action) in expected {
            #expect(Lifecycle.action(from: from, to: to) == action, "\(from.rawValue) → \(to.rawValue)")
        }
        #expect(Lifecycle.action(from: .draft, to: .completed) == nil)
        #expect(Lifecycle.action(from: .active, to: .draft) == nil)
    }

    @Test("Actions: event, verb, stamp key, target and whether a reason is needed")
    func actionTable() {
        let table: [(LifecycleAction, String, String, String, ContractStatus?, Bool)] = [
            (.submit, "contract.submitted", "submit", "submitted", .pendingReview, false),
            (.requestChanges, "contract.changes_requested", "request-changes", "changes_requested", .draft, true),
            (.finalize, "contract.finalized", "finalize", "finalized", nil, false),
            (.activate, "contract.activated", "activate", "activated", .active, false),
            (.complete, "contract.completed", "complete", "completed", .completed, false),
            (.terminate, "contract.terminated", "terminate", "terminated", .terminated, true),
            (.expire, "contract.expired", "expire", "expired", .expired, false),
        ]
        #expect(table.map(\.0) == LifecycleAction.allCases)
        for (action, event, verb, key, target, reason) in table {
            #expect(action.event == event)
            #expect(action.verb == verb)
            #expect(action.stampKey == key)
            #expect(action.target == target)
            #expect(action.requiresReason == reason, "\(verb)")
        }
    }

    @Test("Rule identifiers are stable (scripts and CI annotations use them)")
    func ruleIdentifiers() {
        #expect(
            RuleViolation.Rule.allCases.map(\.rawValue) == [
                "illegal-transition", "read-only", "active-metadata-edit", "content-not-final", "version-not-bumped",
                "version-decreased", "contract-deleted", "missing-reason", "id-changed", "past-end-date",
                "not-yet-ended",
                "content-deleted", "company-changed",
            ])
        let v = RuleViolation(.missingReason, field: "reason", "terminate needs a reason")
        #expect(v.description == "terminate needs a reason [missing-reason]")
    }
}

@Suite("Lifecycle rules: precheck of every action from every status")
struct LifecyclePrecheckTests {
    /// A snapshot that passes every other rule for `action`, so only the status decides.
    static func ready(for action: LifecycleAction, from status: ContractStatus) -> ContractSnapshot {
        // expire needs an end date before today; activate one not before it.
        R.snap(R.contract(status, end: action == .expire ? "2026-03-14" : "2026-04-30"))
    }

    @Test("Allowed, or refused with its message", arguments: LifecycleAction.allCases, ContractStatus.allCases)
    func matrix(action: LifecycleAction, status: ContractStatus) throws {
        let reason: String? = action.requiresReason ? "Client went into administration" : nil
        let v = Lifecycle.precheck(
            action, on: Self.ready(for: action, from: status), reason: reason, today: R.today, policy: R.review)
        let allowed = R.allowedFrom[action]!.contains(status)
        if allowed {
            #expect(v == nil, "\(action.verb) from \(status.rawValue): \(String(describing: v))")
            return
        }
        let violation = try #require(v, "\(action.verb) from \(status.rawValue) must be refused")
        if action == .finalize {
            #expect(violation.rule == .readOnly)
            #expect(
                violation.message == "\(status.rawValue) contracts are read-only; their content cannot be finalized")
            return
        }
        #expect(violation.rule == .illegalTransition)
        #expect(violation.field == "status")
        // "cannot <verb> a <status> contract (<verb> is allowed only from …)[; <status> contracts are read-only]"
        #expect(violation.message.hasPrefix("cannot \(action.verb) a"), "\(violation.message)")
        var tail = "\(status.rawValue) contract (\(action.verb) is allowed \(R.allowedText[action]!))"
        if Lifecycle.readOnly.contains(status) { tail += "; \(status.rawValue) contracts are read-only" }
        #expect(violation.message.hasSuffix(tail), "\(violation.message)")
    }

    @Test("require_review: a draft is activated directly only when the workspace allows it")
    func requireReviewPolicy() throws {
        let draft = R.snap(R.contract(.draft))
        let refused = try #require(
            Lifecycle.precheck(.activate, on: draft, reason: nil, today: R.today, policy: R.review))
        #expect(refused.rule == .illegalTransition)
        #expect(
            refused.message.hasSuffix("draft contract (activate is allowed only from pending_review)"),
            "\(refused.message)")
        #expect(Lifecycle.precheck(.activate, on: draft, reason: nil, today: R.today, policy: R.noReview) == nil)

        // Without review the refusal for other statuses names both starting points.
        let done = R.snap(R.contract(.completed))
        let v = try #require(Lifecycle.precheck(.activate, on: done, reason: nil, today: R.today, policy: R.noReview))
        #expect(
            v.message.hasSuffix(
                "(activate is allowed only from draft or pending_review); completed contracts are read-only"),
            "\(v.message)")

        // The same holds for a hand edit checked against the rules.
        let active = R.snap(R.contract(.active, events: ["activated": R.stamp]))
        #expect(Lifecycle.check(before: draft, after: active, policy: R.noReview).isEmpty)
        let illegal = Lifecycle.check(before: draft, after: active, policy: R.review)
        #expect(illegal.map(\.rule) == [.illegalTransition])
        #expect(illegal.first?.message == "status changed from draft to active, which the lifecycle does not allow")
    }

    @Test(
        "Missing reason: terminate and request-changes need one; complete does not",
        arguments: [nil, "", "   "] as [String?])
    func missingReason(reason: String?) throws {
        for (action, status) in [(LifecycleAction.terminate, ContractStatus.active), (.requestChanges, .pendingReview)]
        {
            let v = try #require(
                Lifecycle.precheck(
                    action, on: R.snap(R.contract(status)), reason: reason, today: R.today, policy: R.review))
            #expect(v.rule == .missingReason)
            #expect(v.field == "reason")
            #expect(v.message == "\(action.verb) needs a reason")
        }
        #expect(
            Lifecycle.precheck(
                .complete, on: R.snap(R.contract(.active)), reason: reason, today: R.today, policy: R.review) == nil)
    }

    @Test("Activate needs final content that matches the Markdown")
    func contentNotFinal() throws {
        let never = R.snap(R.contract(.pendingReview, finalized: nil))
        let v1 = try #require(Lifecycle.precheck(.activate, on: never, reason: nil, today: R.today, policy: R.review))
        #expect(v1.rule == .contentNotFinal)
        #expect(v1.message == "cannot activate: its content has not been finalized; run `pactoria finalize` first")

        let stale = R.snap(R.contract(.pendingReview, finalized: R.hashA), content: R.hashB)
        let v2 = try #require(Lifecycle.precheck(.activate, on: stale, reason: nil, today: R.today, policy: R.review))
        #expect(v2.rule == .contentNotFinal)
        #expect(
            v2.message == "cannot activate: its content changed after it was finalized; run `pactoria finalize` first")

        let noMarkdown = R.snap(R.contract(.pendingReview, finalized: R.hashA), content: nil)
        #expect(
            Lifecycle.precheck(.activate, on: noMarkdown, reason: nil, today: R.today, policy: R.review)?.rule
                == .contentNotFinal)

        // finalize itself needs content to record.
        let v3 = try #require(
            Lifecycle.precheck(
                .finalize, on: R.snap(R.contract(.draft), content: nil), reason: nil, today: R.today, policy: R.review))
        #expect(v3.rule == .contentNotFinal)
        #expect(v3.message == "there is no content to finalize (the .md file is missing)")
    }

    @Test("Past end date: activate is refused once end_date has passed; end_date today is still fine")
    func pastEndDate() throws {
        let past = R.snap(R.contract(.pendingReview, end: "2026-03-14"))
        let v = try #require(Lifecycle.precheck(.activate, on: past, reason: nil, today: R.today, policy: R.review))
        #expect(v.rule == .pastEndDate)
        #expect(v.field == "end_date")
        #expect(v.message == "cannot activate: its end_date 2026-03-14 has passed")
        #expect(
            Lifecycle.precheck(
                .activate, on: R.snap(R.contract(.pendingReview, end: "2026-03-15")), reason: nil, today: R.today,
                policy: R.review) == nil)
        #expect(
            Lifecycle.precheck(
                .activate, on: R.snap(R.contract(.pendingReview, end: nil)), reason: nil, today: R.today,
                policy: R.review) == nil)
    }

    @Test("Expire only once end_date is before today")
    func expireNotYetEnded() throws {
        let onDay = try #require(
            Lifecycle.precheck(
                .expire, on: R.snap(R.contract(.active, end: "2026-03-15")), reason: nil, today: R.today,
                policy: R.review))
        #expect(onDay.rule == .notYetEnded)
        #expect(onDay.field == "end_date")
        #expect(onDay.message == "cannot expire: its end_date is 2026-03-15, not before today (2026-03-15)")
        let none = try #require(
            Lifecycle.precheck(
                .expire, on: R.snap(R.contract(.active, end: nil)), reason: nil, today: R.today, policy: R.review))
        #expect(none.message == "cannot expire: it has no end_date, not before today (2026-03-15)")
        #expect(
            Lifecycle.precheck(
                .expire, on: R.snap(R.contract(.active, end: "2026-03-14")), reason: nil, today: R.today,
                policy: R.review) == nil)
    }

    @Test("An unknown status is refused for every action")
    func unknownStatus() {
        var c = R.contract(.draft)
        c.status = "archived"
        for action in LifecycleAction.allCases {
            let v = Lifecycle.precheck(action, on: R.snap(c), reason: "why", today: R.today, policy: R.review)
            #expect(
                v == RuleViolation(.illegalTransition, field: "status", "status 'archived' is not a known status"),
                "\(action.verb)")
        }
    }
}

/// One hand edit (before → after) and the rules it must break, for the change table.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var before: ContractSnapshot?
    var after: ContractSnapshot?
    var automaticBump = false
    var expected: [RuleViolation]
    var testDescription: String { name }
}

@Suite("Lifecycle rules: checking a change")
struct LifecycleCheckTests {
    static func edited(_ c: Contract, _ change: (inout Contract) -> Void) -> Contract {
        var c = c
        change(&c)
        return c
    }

    static let cases: [RuleCase] = {
        let draft = R.contract(.draft, finalized: nil)
        let pending = R.contract(.pendingReview, finalized: nil)
        let active = R.contract(.active)
        var out: [RuleCase] = []
        // Allowed edits.
        out.append(
            RuleCase(
                name: "draft: metadata edit", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.title = "New title" }), expected: []))
        out.append(
            RuleCase(
                name: "draft: content change with a version bump", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.version = 4 }, content: R.hashB), expected: []))
        out.append(
            RuleCase(
                name: "pending_review: content change bumped by pactoria", before: R.snap(pending),
                after: R.snap(pending, content: R.hashB), automaticBump: true, expected: []))
        out.append(
            RuleCase(
                name: "active: bookkeeping only (updated_at)", before: R.snap(active),
                after: R.snap(edited(active) { $0.updatedAt = "2026-03-15T10:00:00Z" }),
                expected: []))
        // #12.11: a lifecycle stamp of an active contract is the verbs' record, not an edit.
        out.append(
            RuleCase(
                name: "active: a lifecycle stamp rewritten by hand", before: R.snap(active),
                after: R.snap(
                    edited(active) {
                        $0.updatedAt = "2026-03-15T10:00:00Z"; $0.lifecycle?.events["activated"] = R.stamp
                    }),
                expected: [
                    RuleViolation(
                        .activeMetadataEdit, field: "lifecycle.activated",
                        "active contracts take no metadata edits (lifecycle.activated changed); use the lifecycle verbs"
                    )
                ]))
        out.append(
            RuleCase(
                name: "active: content re-finalized and bumped", before: R.snap(active),
                after: R.snap(
                    edited(active) {
                        $0.version = 4; $0.lifecycle?.finalContent?.sha256 = R.hashB
                    }, content: R.hashB),
                expected: []))
        out.append(RuleCase(name: "created", before: nil, after: R.snap(draft), expected: []))

        // Content without a version bump; version going down.
        out.append(
            RuleCase(
                name: "draft: content change without a version bump", before: R.snap(draft),
                after: R.snap(draft, content: R.hashB),
                expected: [
                    RuleViolation(.versionNotBumped, field: "version", "the content changed but version stayed at 3")
                ]))
        out.append(
            RuleCase(
                name: "draft: version decreased", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.version = 2 }),
                expected: [RuleViolation(.versionDecreased, field: "version", "version went down from 3 to 2")]))
        out.append(
            RuleCase(
                name: "draft: version decreased even where pactoria bumps", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.version = 1 }, content: R.hashB), automaticBump: true,
                expected: [RuleViolation(.versionDecreased, field: "version", "version went down from 3 to 1")]))

        // Active contracts.
        out.append(
            RuleCase(
                name: "active: metadata edit", before: R.snap(active),
                after: R.snap(
                    edited(active) {
                        $0.title = "Renamed"; $0.value = ContractValue(amount: "1.00", currency: "GBP")
                    }),
                expected: [
                    RuleViolation(
                        .activeMetadataEdit, field: "title",
                        "active contracts take no metadata edits (title, contract_value changed); use the lifecycle verbs"
                    )
                ]))
        out.append(
            RuleCase(
                name: "active: content changed without finalize", before: R.snap(active),
                after: R.snap(edited(active) { $0.version = 4 }, content: R.hashB),
                expected: [
                    RuleViolation(
                        .contentNotFinal, field: "lifecycle.final_content",
                        "the content of an active contract changed without being finalized again; run `pactoria finalize`"
                    )
                ]))
        out.append(
            RuleCase(
                name: "active: content changed without finalize or bump", before: R.snap(active),
                after: R.snap(active, content: R.hashB),
                expected: [
                    RuleViolation(
                        .contentNotFinal, field: "lifecycle.final_content",
                        "the content of an active contract changed without being finalized again; run `pactoria finalize`"
                    ),
                    RuleViolation(.versionNotBumped, field: "version", "the content changed but version stayed at 3"),
                ]))

        // Transitions made by hand.
        out.append(
            RuleCase(
                name: "illegal: draft → completed", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.status = "completed" }),
                expected: [
                    RuleViolation(
                        .illegalTransition, field: "status",
                        "status changed from draft to completed, which the lifecycle does not allow")
                ]))
        out.append(
            RuleCase(
                name: "illegal: active → draft", before: R.snap(active),
                after: R.snap(edited(active) { $0.status = "draft" }),
                expected: [
                    RuleViolation(
                        .illegalTransition, field: "status",
                        "status changed from active to draft, which the lifecycle does not allow")
                ]))
        out.append(
            RuleCase(
                name: "terminate without a reason", before: R.snap(active),
                after: R.snap(
                    edited(active) {
                        $0.status = "terminated"; $0.lifecycle?.events["terminated"] = R.stamp
                    }),
                expected: [
                    RuleViolation(
                        .missingReason, field: "lifecycle.terminated.reason",
                        "active → terminated needs a reason recorded under lifecycle.terminated.reason")
                ]))
        var withReason = R.stamp
        withReason.reason = "Client went into administration"
        out.append(
            RuleCase(
                name: "terminate with a reason", before: R.snap(active),
                after: R.snap(
                    edited(active) {
                        $0.status = "terminated"; $0.lifecycle?.events["terminated"] = withReason
                    }),
                expected: []))
        out.append(
            RuleCase(
                name: "request changes without a reason", before: R.snap(pending),
                after: R.snap(edited(pending) { $0.status = "draft" }),
                expected: [
                    RuleViolation(
                        .missingReason, field: "lifecycle.changes_requested.reason",
                        "pending_review → draft needs a reason recorded under lifecycle.changes_requested.reason")
                ]))
        out.append(
            RuleCase(
                name: "activated without final content", before: R.snap(pending),
                after: R.snap(edited(pending) { $0.status = "active" }),
                expected: [
                    RuleViolation(
                        .contentNotFinal, field: "lifecycle.final_content",
                        "activated without final content: lifecycle.final_content.sha256 must match the Markdown")
                ]))
        out.append(
            RuleCase(
                name: "submitted by hand", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.status = "pending_review" }),
                expected: []))

        // Read-only statuses.
        for s in [ContractStatus.completed, .expired, .terminated] {
            let c = R.contract(s)
            out.append(
                RuleCase(
                    name: "\(s.rawValue): metadata edit", before: R.snap(c),
                    after: R.snap(edited(c) { $0.endDate = "2026-12-31" }),
                    expected: [
                        RuleViolation(
                            .readOnly, field: "end_date",
                            "\(s.rawValue) contracts are read-only; editing end_date is refused")
                    ]))
            out.append(
                RuleCase(
                    name: "\(s.rawValue): content change", before: R.snap(c),
                    after: R.snap(edited(c) { $0.version = 4 }, content: R.hashB),
                    expected: [
                        RuleViolation(
                            .readOnly, field: nil,
                            "\(s.rawValue) contracts are read-only; changing the content is refused")
                    ]))
            out.append(
                RuleCase(
                    name: "\(s.rawValue): back to active", before: R.snap(c),
                    after: R.snap(edited(c) { $0.status = "active" }),
                    expected: [
                        RuleViolation(
                            .readOnly, field: "status",
                            "\(s.rawValue) contracts are read-only; changing status to active is refused")
                    ]))
        }
        let done = R.contract(.completed)
        out.append(
            RuleCase(
                name: "completed: several changes at once", before: R.snap(done),
                after: R.snap(
                    edited(done) {
                        $0.title = "X"; $0.status = "draft"
                    }, content: R.hashB),
                expected: [
                    RuleViolation(
                        .readOnly, field: "status",
                        "completed contracts are read-only; changing status to draft and editing title and changing the content is refused"
                    )
                ]))

        // Deleted, id changed.
        out.append(
            RuleCase(
                name: "deleted", before: R.snap(draft), after: nil,
                expected: [
                    RuleViolation(.deleted, "contract files must not be deleted; terminate the contract instead")
                ]))
        out.append(
            RuleCase(
                name: "id changed", before: R.snap(draft),
                after: R.snap(edited(draft) { $0.id = "00000000-0000-4000-8000-000000000000" }),
                expected: [
                    RuleViolation(
                        .idChanged, field: "id",
                        "id changed from 3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b to 00000000-0000-4000-8000-000000000000; a contract's id never changes"
                    )
                ]))
        return out
    }()

    @Test("Each change, with the rules it breaks and their messages", arguments: cases)
    func change(_ c: RuleCase) {
        let got = Lifecycle.check(
            before: c.before, after: c.after, policy: R.review, versionBumpIsAutomatic: c.automaticBump)
        #expect(got == c.expected)
    }

    @Test("A change to a terminated contract deleted outright is still refused")
    func deletedReadOnly() {
        let got = Lifecycle.check(before: R.snap(R.contract(.terminated)), after: nil, policy: R.review)
        #expect(got.map(\.rule) == [.deleted])
    }

    /// "completed, expired, terminated: read-only; any change to metadata or content is refused".
    @Test(
        "Read-only: rewriting the lifecycle record is refused",
        arguments: [ContractStatus.completed, .expired, .terminated])
    func readOnlyLifecycleRecord(status: ContractStatus) {
        var reason = R.stamp
        reason.reason = "Client went into administration"
        let c = R.contract(status, events: [status.rawValue: reason])
        var rewritten = c
        let events = c.lifecycle?.events ?? [:]
        rewritten.lifecycle?.events = events.mapValues {
            var s = $0; s.reason = "rewritten later"; return s
        }
        #expect(
            Lifecycle.check(before: R.snap(c), after: R.snap(rewritten), policy: R.review) == [
                RuleViolation(
                    .readOnly, "\(status.rawValue) contracts are read-only; rewriting its lifecycle record is refused")
            ])
        var unfinalized = c
        unfinalized.lifecycle?.finalContent = nil
        #expect(
            Lifecycle.check(before: R.snap(c), after: R.snap(unfinalized), policy: R.review).map(\.rule) == [.readOnly])
    }

    /// "a version never goes down": the read-only branch returns before the version rule, and
    /// `version` is not among the fields it compares, so a lowered version slips through.
    @Test("Read-only: a version decrease is refused too", arguments: [ContractStatus.completed, .expired, .terminated])
    func readOnlyVersionDecrease(status: ContractStatus) {
        let c = R.contract(status)
        let lowered = Self.edited(c) { $0.version = 1 }
        #expect(!Lifecycle.check(before: R.snap(c), after: R.snap(lowered), policy: R.review).isEmpty)
        // Through the rule every other status gets.
        #expect(
            Lifecycle.check(
                before: R.snap(R.contract(.active)), after: R.snap(Self.edited(R.contract(.active)) { $0.version = 1 }),
                policy: R.review)
                == [RuleViolation(.versionDecreased, field: "version", "version went down from 3 to 1")])
    }
}
