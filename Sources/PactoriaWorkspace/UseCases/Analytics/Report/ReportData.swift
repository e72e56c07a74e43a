public import PactoriaCore

/// Everything the HTML report shows, computed from one snapshot (now or as of a date), so the
/// report's figures are the analytics verbs' figures.
public struct ReportData: Sendable {
    public typealias TimelineEntry = (date: CalendarDate, kind: String, title: String, ref: String)

    public var business: BusinessMetrics
    public var compliance: ComplianceMetrics
    /// Per month (`YYYY-MM`), oldest first, the twelve months up to the snapshot's date.
    public var monthly: [(month: String, created: Int, activated: Int)]
    /// How many contracts have each risk score: index 0 is risk 1, index 9 risk 10.
    public var riskHistogram: [Int]
    /// Contract value per status (every status, in lifecycle order), exact per currency.
    public var valueByStatus: [(status: String, value: MoneyTotals)]
    /// Dates in the twelve months from the snapshot's date, soonest first.
    public var timeline: [TimelineEntry]
    /// The review queue as a table; nil where the queue is not available.
    public var queue: AnalyticsTable?
    public var generatedAt: Timestamp
    public var company: String?
    public var asOf: CalendarDate?
    /// The date windows count from (the as-of date, else today).
    public var today: CalendarDate

    public init(
        business: BusinessMetrics, compliance: ComplianceMetrics,
        monthly: [(month: String, created: Int, activated: Int)], riskHistogram: [Int],
        valueByStatus: [(status: String, value: MoneyTotals)], timeline: [TimelineEntry], queue: AnalyticsTable?,
        generatedAt: Timestamp, company: String?, asOf: CalendarDate?, today: CalendarDate
    ) {
        self.business = business
        self.compliance = compliance
        self.monthly = monthly
        self.riskHistogram = riskHistogram
        self.valueByStatus = valueByStatus
        self.timeline = timeline
        self.queue = queue
        self.generatedAt = generatedAt
        self.company = company
        self.asOf = asOf
        self.today = today
    }

    /// The report of `company` (nil: every company), now or as of `asOf`.
    public static func load(
        _ ws: Workspace, company: String?, asOf: CalendarDate?, live: LiveContractIndex?
    ) throws(WorkspaceError) -> ReportData {
        let snap = try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live, today: .today())
        let content =
            snap.contentFacts(ws)
        var data = ReportData(snapshot: snap, content: content, generatedAt: .now())
        data.monthly = try monthlyFromHistory(ws, company: company, asOf: asOf, today: snap.today)
        data.queue = ReviewQueue(snap, content: content, threshold: ws.config.complianceThreshold).table
        return data
    }

    /// Contracts created and activated per month over the twelve months up to `today`, from the
    /// history (`TimeSeries`: the audit trail's events), as `analytics series` counts them.
    static func monthlyFromHistory(_ ws: Workspace, company: String?, asOf: CalendarDate?, today: CalendarDate)
        throws(WorkspaceError) -> [(month: String, created: Int, activated: Int)]
    {
        let keys = months(endingAt: today)
        var created: [String: Int] = [:]
        var activated: [String: Int] = [:]
        for (metric, into) in [(TimeSeries.Metric.contractsCreated, 0), (.contractsActivated, 1)] {
            let series = try TimeSeries.compute(
                ws, metric: metric, period: .monthly, days: 365, company: company, asOf: asOf, today: today)
            for p in series.points {
                let m = String(p.start.description.prefix(7))
                if into == 0 { created[m, default: 0] += p.count } else { activated[m, default: 0] += p.count }
            }
        }
        return keys.map { ($0, created[$0] ?? 0, activated[$0] ?? 0) }
    }

    /// The report of a snapshot.
    public init(snapshot snap: AnalyticsSnapshot, content: [ContractRef: ContentFacts], generatedAt: Timestamp) {
        business = BusinessMetrics(snap)
        compliance = ComplianceMetrics(snap, content: content)
        monthly = Self.monthlyCounts(snap)
        var risk = Array(repeating: 0, count: 10)
        var byStatus = ContractStatus.allCases.map { (status: $0.rawValue, value: MoneyTotals()) }
        var timeline: [TimelineEntry] = []
        let first = snap.today.daysSinceEpoch
        for s in snap.contracts {
            if let r = s.facts.compliance?.risk, (1...10).contains(r) { risk[r - 1] += 1 }
            if let i = byStatus.firstIndex(where: { $0.status == s.status }) { byStatus[i].value.add(s) }
            // Active contracts in the next twelve months: the end of a term that does not renew,
            // the next renewal of one that does, and the last day to give notice.
            if s.status == ContractStatus.active.rawValue, let r = Renewal.dates(s, today: snap.today) {
                func add(_ d: CalendarDate?, _ kind: String) {
                    guard let d, (0...Self.timelineDays).contains(d.daysSinceEpoch - first) else { return }
                    timeline.append((d, kind, s.title, s.ref.description))
                }
                if let renewal = r.renewalDate { add(renewal, "renewal") } else { add(r.endDate, "end") }
                add(r.noticeDeadline, "notice")
            }
        }
        riskHistogram = risk
        valueByStatus = byStatus
        self.timeline = timeline.sorted { ($0.date, $0.ref) < ($1.date, $1.ref) }
        queue = nil
        self.generatedAt = generatedAt
        company = snap.company
        asOf = snap.asOf
        today = snap.today
    }

    public static let timelineDays = 365

    /// The twelve months (`YYYY-MM`) ending with `today`'s, oldest first.
    public static func months(endingAt today: CalendarDate) -> [String] {
        (0..<12).reversed().map { back in
            let index = today.year * 12 + (today.month - 1) - back
            let m = index % 12 + 1
            return "\(CalendarDate(year: index / 12, month: m, day: 1)?.description.prefix(7) ?? "")"
        }
    }

    /// Contracts created and activated per month over the twelve months up to the snapshot's
    /// date, counted from each summary's `created_at` and `lifecycle.activated.at`: for a snapshot
    /// without its history (`load` reads the history instead, through `TimeSeries`).
    static func monthlyCounts(_ snap: AnalyticsSnapshot) -> [(month: String, created: Int, activated: Int)] {
        let keys = months(endingAt: snap.today)
        var created = [String: Int]()
        var activated = [String: Int]()
        func month(_ at: String?) -> String? {
            guard let t = at.flatMap(Timestamp.init), t.date <= snap.today else { return nil }
            return String(t.date.description.prefix(7))
        }
        for s in snap.contracts {
            if let m = month(s.facts.createdAt) { created[m, default: 0] += 1 }
            if let m = month(s.facts.activatedAt) { activated[m, default: 0] += 1 }
        }
        return keys.map { ($0, created[$0] ?? 0, activated[$0] ?? 0) }
    }
}
