import PactoriaCore
import PactoriaGit

/// The compliance figures of a snapshot (`analytics compliance`, `GET /api/v1/analytics/compliance`):
/// average scores per area, the risk distribution, the trend by month of analysis, outstanding
/// recommendations, and the contracts never analysed or analysed before their content last changed.
public struct ComplianceMetrics: Sendable {
    public static let areas = ["overall", "gdpr", "employment_law", "consumer_rights", "commercial_terms"]

    /// Per area: the mean score and how many contracts have one.
    public var averages: [(area: String, average: Double?, contracts: Int)]
    /// Risk: high (7 and above), medium (4–6), low (below 4), among contracts with a risk score.
    public var highRisk: Int
    public var mediumRisk: Int
    public var lowRisk: Int
    /// By the month of `analyzed_at` (`YYYY-MM`), oldest first: the mean overall score of the
    /// contracts last analysed that month.
    public var trend: [(month: String, average: Double, contracts: Int)]
    public var outstandingRecommendations: Int
    public var analysed: Int
    public var neverAnalysed: [ContractSummary]
    /// Analysed, but the Markdown's SHA-256 is no longer the one analysed.
    public var stale: [ContractSummary]
    public var total: Int
    public var snapshot: BusinessMetrics.Info

    public init(_ snap: AnalyticsSnapshot, content: [ContractRef: ContentFacts]) {
        var sums = Self.areas.map { (area: $0, sum: 0.0, n: 0) }
        var high = 0
        var medium = 0
        var low = 0
        var months: [String: (sum: Double, n: Int)] = [:]
        var recommendations = 0
        var analysed = 0
        var never: [ContractSummary] = []
        var stale: [ContractSummary] = []
        for s in snap.contracts {
            guard let c = s.facts.compliance else {
                never.append(s)
                continue
            }
            analysed += 1
            for i in sums.indices {
                if let v = c.score(sums[i].area) {
                    sums[i].sum += v
                    sums[i].n += 1
                }
            }
            if let r = c.risk {
                if r >= 7 { high += 1 } else if r >= 4 { medium += 1 } else { low += 1 }
            }
            if let o = c.overall, let at = c.analyzedAt, let t = Timestamp(at) {
                let month = String(t.date.description.prefix(7))
                months[month, default: (0, 0)].sum += o
                months[month, default: (0, 0)].n += 1
            }
            recommendations += c.recommendations
            if let sha = c.contentSHA256, let now = content[s.ref]?.sha256, sha != now { stale.append(s) }
        }
        averages = sums.map { ($0.area, $0.n > 0 ? Self.round3($0.sum / Double($0.n)) : nil, $0.n) }
        highRisk = high
        mediumRisk = medium
        lowRisk = low
        trend = months.keys.sorted().map { ($0, Self.round3(months[$0]!.sum / Double(months[$0]!.n)), months[$0]!.n) }
        outstandingRecommendations = recommendations
        self.analysed = analysed
        neverAnalysed = never
        self.stale = stale
        total = snap.contracts.count
        snapshot = BusinessMetrics.Info(
            company: snap.company, today: snap.today, asOf: snap.asOf, commit: snap.commit?.id.hex,
            unreadable: snap.unreadable)
    }

    static func round3(_ d: Double) -> Double { (d * 1000).rounded() / 1000 }

    static func ref(_ s: ContractSummary) -> JSONValue {
        ["id": .string(s.id), "path": .string(s.ref.yamlPath), "title": .string(s.title), "status": .string(s.status)]
    }

    public var json: JSONValue {
        var avg: [String: JSONValue] = [:]
        var counted: [String: JSONValue] = [:]
        for a in averages {
            avg[a.area] = a.average.map(JSONValue.double) ?? .null
            counted[a.area] = .int(a.contracts)
        }
        return [
            "company": snapshot.company.map(JSONValue.string) ?? .null,
            "as_of": snapshot.asOf.map { .string($0.description) } ?? .null,
            "commit": snapshot.commit.map(JSONValue.string) ?? .null,
            "total_contracts": .int(total),
            "analysed_contracts": .int(analysed),
            "average_scores": .object(avg),
            "scored_contracts": .object(counted),
            "risk_distribution": ["high": .int(highRisk), "medium": .int(mediumRisk), "low": .int(lowRisk)],
            "trend": .array(
                trend.map {
                    ["month": .string($0.month), "average_score": .double($0.average), "contracts": .int($0.contracts)]
                }
            ),
            "outstanding_recommendations": .int(outstandingRecommendations),
            "never_analysed": .int(neverAnalysed.count),
            "stale_analyses": .int(stale.count),
            "never_analysed_contracts": .array(neverAnalysed.map(Self.ref)),
            "stale_contracts": .array(stale.map(Self.ref)),
        ]
    }

    public var table: AnalyticsTable {
        var rows: [[String]] = []
        for a in averages {
            rows.append(["average_score", a.area, a.average.map { String($0) } ?? "", "\(a.contracts)"])
        }
        rows.append(["risk", "high", "\(highRisk)", ""])
        rows.append(["risk", "medium", "\(mediumRisk)", ""])
        rows.append(["risk", "low", "\(lowRisk)", ""])
        for t in trend { rows.append(["trend", t.month, String(t.average), "\(t.contracts)"]) }
        rows.append(["outstanding_recommendations", "", "\(outstandingRecommendations)", ""])
        rows.append(["never_analysed", "", "\(neverAnalysed.count)", ""])
        rows.append(["stale_analyses", "", "\(stale.count)", ""])
        return AnalyticsTable(columns: ["metric", "key", "value", "contracts"], rows: rows)
    }
}
