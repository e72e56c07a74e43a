public import PactoriaCore
import PactoriaGit

/// What needs attention: contracts pending review, analyses missing or stale, high risk,
/// compliance below the workspace threshold, placeholders left in the content, and ends, notice
/// deadlines and renewals within a window. Oldest first, by the day the oldest reason started.
/// The CLI and the API (`GET /api/v1/queue`) both print `json` of one of these.
///
/// Only contracts where it matters: drafts, contracts pending review and active ones (a
/// completed, terminated or expired contract has nothing left to act on). Ends, notice
/// deadlines and renewals are counted for active contracts only.
public struct ReviewQueue: Sendable {
    public static let defaultDays = 30
    public static let dayRange = 0...365
    public static let defaultThreshold = 0.8

    public enum Reason: Sendable, Equatable {
        /// Waiting for review since `since` (submitted), `days` ago.
        case pendingReview(days: Int)
        case analysisMissing
        /// The content changed since it was analysed.
        case analysisStale
        case highRisk(score: Int)
        case belowThreshold(score: Double, threshold: Double)
        /// `[TO COMPLETE: …]` placeholders left in the content.
        case placeholders(count: Int)
        /// An active contract that does not renew itself ends on `date`.
        case expiring(date: CalendarDate, daysLeft: Int)
        /// The last day to give notice.
        case noticeDeadline(date: CalendarDate, daysLeft: Int)
        /// An auto-renewing contract renews on `date`.
        case renewal(date: CalendarDate, daysLeft: Int)

        public var code: String {
            switch self {
            case .pendingReview: "pending_review"
            case .analysisMissing: "analysis_missing"
            case .analysisStale: "analysis_stale"
            case .highRisk: "high_risk"
            case .belowThreshold: "below_threshold"
            case .placeholders: "placeholders"
            case .expiring: "expiring"
            case .noticeDeadline: "notice_deadline"
            case .renewal: "renewal"
            }
        }

        /// One line for a person.
        public var text: String {
            func left(_ n: Int) -> String { n == 0 ? "today" : n == 1 ? "in 1 day" : "in \(n) days" }
            switch self {
            case .pendingReview(let d): return "pending review for \(d) day\(d == 1 ? "" : "s")"
            case .analysisMissing: return "never analysed"
            case .analysisStale: return "analysis stale (content changed)"
            case .highRisk(let r): return "high risk (\(r)/10)"
            case .belowThreshold(let s, let t): return "compliance \(Self.percent(s)) below \(Self.percent(t))"
            case .placeholders(let n): return "\(n) placeholder\(n == 1 ? "" : "s") to complete"
            case .expiring(let d, let n): return "ends \(d) (\(left(n)))"
            case .noticeDeadline(let d, let n): return "notice by \(d) (\(left(n)))"
            case .renewal(let d, let n): return "renews \(d) (\(left(n)))"
            }
        }

        static func percent(_ d: Double) -> String { "\(Int((d * 100).rounded()))%" }

        public var json: JSONValue {
            var o: [String: JSONValue] = ["reason": .string(code)]
            switch self {
            case .pendingReview(let d): o["age_days"] = .int(d)
            case .analysisMissing, .analysisStale: break
            case .highRisk(let r): o["risk_score"] = .int(r)
            case .belowThreshold(let s, let t):
                o["score"] = .double(s)
                o["threshold"] = .double(t)
            case .placeholders(let n): o["count"] = .int(n)
            case .expiring(let d, let n), .noticeDeadline(let d, let n), .renewal(let d, let n):
                o["date"] = .string(d.description)
                o["days_left"] = .int(n)
            }
            return .object(o)
        }
    }

    public struct Item: Sendable {
        public var summary: ContractSummary
        /// The day the oldest of its reasons started (nil when no date is known: such items come last).
        public var since: CalendarDate?
        public var reasons: [Reason]
    }

    public var items: [Item]
    public var days: Int
    public var threshold: Double
    public var snapshot: BusinessMetrics.Info

    /// Checks a window in days: 0 to 365.
    public static func checkDays(_ days: Int) throws(WorkspaceError) {
        guard dayRange.contains(days) else {
            throw .invalidInput(
                field: "days",
                message: "must be from \(dayRange.lowerBound) to \(dayRange.upperBound), got \(days)")
        }
    }

    /// The queue of `company` (nil: every company) now or as of a date, with the workspace's
    /// compliance threshold.
    public static func load(
        _ ws: Workspace, company: String? = nil, asOf: CalendarDate? = nil, live: LiveContractIndex? = nil,
        today: CalendarDate = .today(), days: Int = defaultDays
    ) throws(WorkspaceError) -> ReviewQueue {
        try checkDays(days)
        let snap = try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live, today: today)
        let content =
            snap.contentFacts(ws)
        return ReviewQueue(snap, content: content, days: days, threshold: ws.config.complianceThreshold)
    }

    public init(
        _ snap: AnalyticsSnapshot, content: [ContractRef: ContentFacts], days: Int = defaultDays,
        threshold: Double = defaultThreshold
    ) {
        let today = snap.today
        let horizon = today.adding(days: days)
        func date(_ t: String?) -> CalendarDate? { t.flatMap(Timestamp.init)?.date ?? t.flatMap(CalendarDate.init) }
        func within(_ d: CalendarDate) -> Bool { d >= today && d <= horizon }
        func left(_ d: CalendarDate) -> Int { d.daysSinceEpoch - today.daysSinceEpoch }
        var items: [Item] = []
        for s in snap.contracts {
            guard let status = ContractStatus(rawValue: s.status), [.draft, .pendingReview, .active].contains(status)
            else { continue }
            var reasons: [(Reason, CalendarDate?)] = []
            let created = date(s.facts.createdAt)
            let updated = date(s.updatedAt) ?? created
            if status == .pendingReview {
                let submitted = date(s.facts.submittedAt) ?? updated
                reasons.append(
                    (
                        .pendingReview(days: submitted.map { max(0, today.daysSinceEpoch - $0.daysSinceEpoch) } ?? 0),
                        submitted
                    ))
            }
            if let c = s.facts.compliance {
                let analysed = date(c.analyzedAt) ?? updated
                if let sha = c.contentSHA256, let now = content[s.ref]?.sha256, sha != now {
                    reasons.append((.analysisStale, updated ?? analysed))
                }
                if let r = c.risk, r >= BusinessMetrics.highRiskThreshold {
                    reasons.append((.highRisk(score: r), analysed))
                }
                if let o = c.overall, o < threshold {
                    reasons.append((.belowThreshold(score: o, threshold: threshold), analysed))
                }
            } else {
                reasons.append((.analysisMissing, created))
            }
            if let n = content[s.ref]?.placeholders, n > 0 { reasons.append((.placeholders(count: n), updated)) }
            if status == .active, let r = Renewal.dates(s, today: today) {
                // An event counts from the day it came into the window.
                if let d = r.renewalDate {
                    if within(d) { reasons.append((.renewal(date: d, daysLeft: left(d)), d.adding(days: -days))) }
                } else if within(r.endDate) {
                    reasons.append(
                        (.expiring(date: r.endDate, daysLeft: left(r.endDate)), r.endDate.adding(days: -days)))
                }
                if let d = r.noticeDeadline, within(d) {
                    reasons.append((.noticeDeadline(date: d, daysLeft: left(d)), d.adding(days: -days)))
                }
            }
            guard !reasons.isEmpty else { continue }
            items.append(Item(summary: s, since: reasons.compactMap(\.1).min(), reasons: reasons.map(\.0)))
        }
        self.items = items.sorted { a, b in
            switch (a.since, b.since) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.summary.ref < b.summary.ref
            }
        }
        self.days = days
        self.threshold = threshold
        snapshot = BusinessMetrics.Info(
            company: snap.company, today: snap.today, asOf: snap.asOf, commit: snap.commit?.id.hex,
            unreadable: snap.unreadable)
    }

    func age(_ item: Item) -> Int? { item.since.map { max(0, snapshot.today.daysSinceEpoch - $0.daysSinceEpoch) } }

    /// The JSON both front ends print (docs/JSON.md).
    public var json: JSONValue {
        [
            "company": snapshot.company.map(JSONValue.string) ?? .null,
            "as_of": snapshot.asOf.map { .string($0.description) } ?? .null,
            "commit": snapshot.commit.map(JSONValue.string) ?? .null,
            "today": .string(snapshot.today.description),
            "days": .int(days),
            "compliance_threshold": .double(threshold),
            "total": .int(items.count),
            "items": .array(
                items.map { i in
                    [
                        "id": .string(i.summary.id), "path": .string(i.summary.ref.yamlPath),
                        "company": .string(i.summary.ref.company), "title": .string(i.summary.title),
                        "status": .string(i.summary.status),
                        "since": i.since.map { .string($0.description) } ?? .null,
                        "age_days": age(i).map(JSONValue.int) ?? .null,
                        "reasons": .array(i.reasons.map(\.json)),
                    ]
                }),
        ]
    }

    /// One row per contract: since, age, contract, status, title, reasons (`; ` between them).
    public var table: AnalyticsTable {
        AnalyticsTable(
            columns: ["since", "age_days", "contract", "status", "title", "reasons"],
            rows: items.map { i in
                [
                    i.since?.description ?? "", age(i).map { String($0) } ?? "", i.summary.ref.description,
                    i.summary.status, i.summary.title, i.reasons.map(\.text).joined(separator: "; "),
                ]
            })
    }
}
