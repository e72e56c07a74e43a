public import PactoriaCore
import PactoriaGit

/// The business figures of a snapshot: counts by status, money per currency, compliance and risk,
/// growth and the value coming to an end. The CLI (`analytics business`) and the API
/// (`GET /api/v1/analytics/business`) both print `json` of one of these.
public struct BusinessMetrics: Sendable {
    public var counts: [ContractStatus: Int]
    public var total: Int
    /// Every contract's value, by currency.
    public var value: MoneyTotals
    /// Active contracts' value, by currency.
    public var activeValue: MoneyTotals
    /// Active contracts whose end date falls within 30, 60 and 90 days of `today`, by currency.
    public var expiring: [(days: Int, contracts: Int, value: MoneyTotals)]
    /// The mean overall compliance score of the analysed contracts, and how many there are.
    public var complianceAverage: Double?
    public var analysed: Int
    /// Contracts whose recorded risk score is 7 or more.
    public var highRisk: Int
    /// Contracts created (by `created_at`) in the 30 days up to `today` and the 30 before.
    public var createdThisPeriod: Int
    public var createdPreviousPeriod: Int
    public var snapshot: Info

    /// What the figures are of.
    public struct Info: Sendable {
        public var company: String?
        public var today: CalendarDate
        public var asOf: CalendarDate?
        public var commit: String?
        public var unreadable: Int
    }

    public static let highRiskThreshold = 7
    public static let expiryWindows = [30, 60, 90]

    /// Month-over-month growth of contracts created, in percent (rounded to 0.1); nil when the
    /// previous 30 days had none.
    public var growthRate: Double? {
        guard createdPreviousPeriod > 0 else { return nil }
        let r = Double(createdThisPeriod - createdPreviousPeriod) / Double(createdPreviousPeriod) * 100
        return (r * 10).rounded() / 10
    }

    public init(_ snap: AnalyticsSnapshot) {
        var counts: [ContractStatus: Int] = [:]
        var value = MoneyTotals()
        var activeValue = MoneyTotals()
        var expiring = Self.expiryWindows.map { (days: $0, contracts: 0, value: MoneyTotals()) }
        var scoreSum = 0.0
        var analysed = 0
        var highRisk = 0
        var recent = 0
        var previous = 0
        let today = snap.today.daysSinceEpoch
        for s in snap.contracts {
            let status = ContractStatus(rawValue: s.status)
            if let status { counts[status, default: 0] += 1 }
            value.add(s)
            if status == .active {
                activeValue.add(s)
                if let end = s.endDate.flatMap(CalendarDate.init)?.daysSinceEpoch, end >= today {
                    for i in expiring.indices where end - today <= expiring[i].days {
                        expiring[i].contracts += 1
                        expiring[i].value.add(s)
                    }
                }
            }
            if let c = s.facts.compliance {
                if let o = c.overall {
                    scoreSum += o
                    analysed += 1
                }
                if let r = c.risk, r >= Self.highRiskThreshold { highRisk += 1 }
            }
            if let created = s.facts.createdAt.flatMap(Timestamp.init)?.date.daysSinceEpoch {
                let age = today - created
                if age >= 0 && age < 30 {
                    recent += 1
                } else if age >= 30 && age < 60 {
                    previous += 1
                }
            }
        }
        self.counts = counts
        total = snap.contracts.count
        self.value = value
        self.activeValue = activeValue
        self.expiring = expiring
        complianceAverage = analysed > 0 ? ((scoreSum / Double(analysed)) * 1000).rounded() / 1000 : nil
        self.analysed = analysed
        self.highRisk = highRisk
        createdThisPeriod = recent
        createdPreviousPeriod = previous
        snapshot = Info(
            company: snap.company, today: snap.today, asOf: snap.asOf, commit: snap.commit?.id.hex,
            unreadable: snap.unreadable)
    }

    public func count(_ s: ContractStatus) -> Int { counts[s] ?? 0 }

    /// The JSON both front ends print (docs/JSON.md): money as decimal strings per currency.
    public var json: JSONValue {
        var byCurrency: [JSONValue] = []
        for c in MoneyTotals.currencies(of: [value, activeValue]) {
            var expiringJSON: [String: JSONValue] = [:]
            for e in expiring { expiringJSON["within_\(e.days)_days"] = .string(e.value[c].amount) }
            byCurrency.append([
                "currency": .string(c), "contracts": .int(value[c].count), "total_value": .string(value[c].amount),
                "average_value": .string(value[c].average), "active_value": .string(activeValue[c].amount),
                "expiring_value": .object(expiringJSON),
            ])
        }
        var expiringCounts: [String: JSONValue] = [:]
        for e in expiring { expiringCounts["within_\(e.days)_days"] = .int(e.contracts) }
        return [
            "company": snapshot.company.map(JSONValue.string) ?? .null,
            "as_of": snapshot.asOf.map { .string($0.description) } ?? .null,
            "commit": snapshot.commit.map(JSONValue.string) ?? .null,
            "today": .string(snapshot.today.description),
            "total_contracts": .int(total),
            "active_contracts": .int(count(.active)),
            "draft_contracts": .int(count(.draft)),
            "pending_review_contracts": .int(count(.pendingReview)),
            "completed_contracts": .int(count(.completed)),
            "expired_contracts": .int(count(.expired)),
            "terminated_contracts": .int(count(.terminated)),
            "unreadable_contracts": .int(snapshot.unreadable),
            "value_by_currency": .array(byCurrency),
            "unparsed_values": .int(value.unparsed),
            "compliance_score_average": complianceAverage.map(JSONValue.double) ?? .null,
            "analysed_contracts": .int(analysed),
            "high_risk_contracts": .int(highRisk),
            "created_last_30_days": .int(createdThisPeriod),
            "created_previous_30_days": .int(createdPreviousPeriod),
            "growth_rate_percent": growthRate.map(JSONValue.double) ?? .null,
            "expiring_contracts": .object(expiringCounts),
        ]
    }

    /// One row per figure, for a table or CSV: `metric`, `currency` (empty when none), `value`.
    public var table: AnalyticsTable {
        var rows: [[String]] = [
            ["total_contracts", "", "\(total)"]
        ]
        for s in ContractStatus.allCases { rows.append(["\(s.rawValue)_contracts", "", "\(count(s))"]) }
        for c in MoneyTotals.currencies(of: [value, activeValue]) {
            rows.append(["total_value", c, value[c].amount])
            rows.append(["average_value", c, value[c].average])
            rows.append(["active_value", c, activeValue[c].amount])
            for e in expiring { rows.append(["expiring_value_\(e.days)_days", c, e.value[c].amount]) }
        }
        for e in expiring { rows.append(["expiring_contracts_\(e.days)_days", "", "\(e.contracts)"]) }
        rows.append(["compliance_score_average", "", complianceAverage.map { String($0) } ?? ""])
        rows.append(["analysed_contracts", "", "\(analysed)"])
        rows.append(["high_risk_contracts", "", "\(highRisk)"])
        rows.append(["created_last_30_days", "", "\(createdThisPeriod)"])
        rows.append(["created_previous_30_days", "", "\(createdPreviousPeriod)"])
        rows.append(["growth_rate_percent", "", growthRate.map { String($0) } ?? ""])
        if snapshot.unreadable > 0 { rows.append(["unreadable_contracts", "", "\(snapshot.unreadable)"]) }
        return AnalyticsTable(columns: ["metric", "currency", "value"], rows: rows)
    }
}
