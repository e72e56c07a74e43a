import Foundation
public import PactoriaCore
import PactoriaGit

/// A metric per day, week or month over the last N days, read from the history: the audit trail's
/// events (trailers, or inferred from what each commit changed), never file timestamps.
///
/// - `contracts_created`, `contracts_activated`: how many `contract.created` / `contract.activated`
///   events each period holds.
/// - `contract_value`: the value of the contracts created in each period, per currency, as their
///   metadata stood in the commit that created them.
/// - `compliance_scores`: the mean overall score of the analyses recorded in each period
///   (`contract.analyzed` events), as each commit recorded it.
public struct TimeSeries: Sendable {
    public enum Metric: String, CaseIterable, Sendable {
        case contractsCreated = "contracts_created"
        case contractsActivated = "contracts_activated"
        case contractValue = "contract_value"
        case complianceScores = "compliance_scores"

        var event: String {
            switch self {
            case .contractsCreated, .contractValue: "contract.created"
            case .contractsActivated: "contract.activated"
            case .complianceScores: "contract.analyzed"
            }
        }
    }

    public enum Period: String, CaseIterable, Sendable {
        case daily, weekly, monthly
    }

    public struct Point: Sendable, Equatable {
        /// The first and last day of the period (the first and last periods are cut to the range).
        public var start: CalendarDate
        public var end: CalendarDate
        /// Events in the period.
        public var count: Int
        /// `contract_value`: the values by currency.
        public var value: MoneyTotals
        /// `compliance_scores`: the mean score of the period's analyses (nil when there were none).
        public var average: Double?
    }

    public static let dayRange = 7...365

    public var metric: Metric
    public var period: Period
    public var days: Int
    public var from: CalendarDate
    public var to: CalendarDate
    public var company: String?
    public var asOf: CalendarDate?
    public var points: [Point]

    /// Checks a metric's name (`field` is how the caller names the parameter).
    public static func metric(_ name: String, field: String = "metric") throws(WorkspaceError) -> Metric {
        try named(name, field: field, kind: "metric")
    }

    public static func period(_ name: String, field: String = "period") throws(WorkspaceError) -> Period {
        try named(name, field: field, kind: "period")
    }

    /// The case named `name`, or an error naming `field` and every allowed name.
    static func named<T: RawRepresentable & CaseIterable>(_ name: String, field: String, kind: String)
        throws(WorkspaceError) -> T where T.RawValue == String
    {
        guard let value = T(rawValue: name) else {
            throw .invalidInput(
                field: field,
                message:
                    "unknown \(kind) '\(name.prefix(64))' (expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return value
    }

    public static func checkDays(_ days: Int, field: String = "days") throws(WorkspaceError) {
        guard dayRange.contains(days) else {
            throw .invalidInput(field: field, message: "must be between 7 and 365, got \(days)")
        }
    }

    /// The series of `metric` over the `days` days ending on `asOf` (else `today`), for `company`
    /// (nil: every company).
    public static func compute(
        _ ws: Workspace, metric: Metric, period: Period, days: Int, company: String? = nil,
        asOf: CalendarDate? = nil, today: CalendarDate = .today()
    ) throws(WorkspaceError) -> TimeSeries {
        try checkDays(days)
        if let company, asOf == nil, !ws.companySlugs().contains(company) {
            throw .notFound("no company '\(company)'")
        }
        let to = asOf ?? today
        let from = to.adding(days: -(days - 1))
        if let asOf {
            // As `list` as of a date: a date before the first commit has no answer.
            _ = try AnalyticsSnapshot.commit(ws, repo: try ws.repository(), asOf: asOf)
        }
        var points = buckets(from: from, to: to, period: period)
        func slot(_ day: CalendarDate) -> Int? {
            guard day >= from, day <= to else { return nil }
            var lo = 0
            var hi = points.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if points[mid].start <= day { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        let filter = Audit.Filter(event: metric.event, since: from, until: to)
        switch metric {
        case .contractsCreated where company == nil, .contractsActivated where company == nil:
            // Per day, from the cached counts of the audit's rows (a bulk commit's events in one row).
            for (day, n) in try EventDays.counts(ws)[metric.event] ?? [:] {
                if let i = slot(CalendarDate(daysSinceEpoch: day)) { points[i].count += n }
            }
        case .contractsCreated, .contractsActivated:
            for e in try Audit.run(ws, filter: filter) where e.ref?.company == company {
                if let i = slot(day(e.time)) { points[i].count += 1 }
            }
        case .contractValue, .complianceScores:
            let entries = try Audit.run(ws, filter: filter).filter { e in
                e.ref != nil && (company == nil || e.ref?.company == company)
            }
            let summaries = try summariesAtEvents(ws, entries)
            var sums = [Double](repeating: 0, count: points.count)
            var scored = [Int](repeating: 0, count: points.count)
            for (e, s) in zip(entries, summaries) {
                guard let i = slot(day(e.time)) else { continue }
                points[i].count += 1
                guard let s else { continue }
                if metric == .contractValue {
                    points[i].value.add(s)
                } else if let score = s.facts.compliance?.overall {
                    sums[i] += score
                    scored[i] += 1
                }
            }
            if metric == .complianceScores {
                for i in points.indices where scored[i] > 0 {
                    points[i].average = ((sums[i] / Double(scored[i])) * 1000).rounded() / 1000
                }
            }
        }
        return TimeSeries(
            metric: metric, period: period, days: days, from: from, to: to, company: company, asOf: asOf,
            points: points)
    }

    static func day(_ d: Date) -> CalendarDate { Timestamp(clampingSeconds: d.timeIntervalSince1970).date }

    /// Each entry's contract as its metadata stood in the entry's commit (nil when unreadable).
    static func summariesAtEvents(_ ws: Workspace, _ entries: [Audit.Entry]) throws(WorkspaceError)
        -> [ContractSummary?]
    {
        guard !entries.isEmpty else { return [] }
        let repo = try ws.repository()
        var trees: [ObjectID: ObjectID] = [:]
        var files: [(ref: ContractRef, blob: ObjectID)] = []
        var positions: [Int?] = []
        for e in entries {
            guard let ref = e.ref else {
                positions.append(nil)
                continue
            }
            let tree: ObjectID?
            if let t = trees[e.commit] {
                tree = t
            } else {
                tree = try? repo.treeID(ofCommit: e.commit)
                if let tree { trees[e.commit] = tree }
            }
            guard let tree, let blob = try? repo.blobID(inTree: tree, path: ref.yamlPath) else {
                positions.append(nil)
                continue
            }
            positions.append(files.count)
            files.append((ref, blob))
        }
        var loader = ContractIndex.Loader(ws)
        let summaries = loader.summaries(files, repo: repo)
        loader.save()
        return positions.map { $0.flatMap { summaries[$0] } }
    }

    /// Empty periods covering `from…to`: days, weeks from Monday, or calendar months.
    static func buckets(from: CalendarDate, to: CalendarDate, period: Period) -> [Point] {
        var out: [Point] = []
        var start = from
        while start <= to {
            let next: CalendarDate
            switch period {
            case .daily: next = start.adding(days: 1)
            case .weekly:
                // 1970-01-01 was a Thursday: Monday is day 4 of that week.
                let weekday = ((start.daysSinceEpoch + 3) % 7 + 7) % 7  // 0 = Monday
                next = start.adding(days: 7 - weekday)
            case .monthly:
                next =
                    CalendarDate(
                        year: start.month == 12 ? start.year + 1 : start.year, month: start.month % 12 + 1, day: 1)
                    ?? start.adding(days: 31)
            }
            let end = min(to, next.adding(days: -1))
            out.append(Point(start: start, end: end, count: 0, value: MoneyTotals(), average: nil))
            start = next
        }
        return out
    }

    public var json: JSONValue {
        [
            "metric": .string(metric.rawValue),
            "period": .string(period.rawValue),
            "days": .int(days),
            "from": .string(from.description),
            "to": .string(to.description),
            "company": company.map(JSONValue.string) ?? .null,
            "as_of": asOf.map { .string($0.description) } ?? .null,
            "points": .array(
                points.map { p in
                    var o: [String: JSONValue] = [
                        "start": .string(p.start.description), "end": .string(p.end.description),
                        "count": .int(p.count),
                    ]
                    if metric == .contractValue {
                        o["value_by_currency"] = .array(
                            p.value.currencies.map { c in
                                [
                                    "currency": .string(c), "amount": .string(p.value[c].amount),
                                    "contracts": .int(p.value[c].count),
                                ]
                            })
                    }
                    if metric == .complianceScores { o["average_score"] = p.average.map(JSONValue.double) ?? .null }
                    return .object(o)
                }),
        ]
    }

    public var table: AnalyticsTable {
        switch metric {
        case .contractsCreated, .contractsActivated:
            return AnalyticsTable(
                columns: ["start", "end", metric.rawValue],
                rows: points.map { [$0.start.description, $0.end.description, "\($0.count)"] })
        case .contractValue:
            var currencies = MoneyTotals.currencies(of: points.map(\.value))
            if currencies.isEmpty { currencies = ["GBP"] }
            return AnalyticsTable(
                columns: ["start", "end", "contracts"] + currencies,
                rows: points.map { p in
                    [p.start.description, p.end.description, "\(p.count)"] + currencies.map { p.value[$0].amount }
                })
        case .complianceScores:
            return AnalyticsTable(
                columns: ["start", "end", "analyses", "average_score"],
                rows: points.map {
                    [$0.start.description, $0.end.description, "\($0.count)", $0.average.map { String($0) } ?? ""]
                })
        }
    }
}
