public import PactoriaCore
import PactoriaCrypto

/// Facts about a contract, beyond its text, that the risk score weighs.
public struct AnalysisContext: Sendable, Equatable {
    public var value: ContractValue?
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?

    public init(value: ContractValue? = nil, startDate: CalendarDate? = nil, endDate: CalendarDate? = nil) {
        self.value = value
        self.startDate = startDate
        self.endDate = endDate
    }

    /// The value and dates of `contract`.
    public init(contract: Contract) {
        self.init(value: contract.value, startDate: contract.start, endDate: contract.end)
    }
}

/// Rule-based compliance and risk analysis of contract Markdown, offline and explainable.
///
/// **Clauses.** The text (lower-cased, Markdown emphasis removed) is checked for the clauses
/// that apply to the document kind, which follows from the contract type and, for terms and
/// conditions and `other`, from the text (consumer sale terms mention consumers and refunds,
/// cancellation or statutory rights; business terms mention charges or invoices):
/// governing law and jurisdiction (England and Wales), dispute resolution, data protection
/// (UK GDPR and the Data Protection Act 2018), confidentiality, termination and notice,
/// limitation of liability, a liability cap, payment terms, late payment (Late Payment of
/// Commercial Debts (Interest) Act 1998), intellectual property, force majeure; for
/// employment the Employment Rights Act 1996 written statement particulars; for consumer
/// terms the 14-day cancellation right and Consumer Rights Act 2015 remedies; and a few
/// clauses specific to NDAs, leases and partnerships.
///
/// **Scores.** Each check has a weight; a clause found earns all of it, a partial one (for
/// example governing law without jurisdiction) half, a missing one nothing. A score is the
/// weight earned over the weight available, over all applicable checks (`overall`) or those
/// of one category. Categories with no applicable check are nil. For employment contracts the
/// commercial clauses they carry (confidentiality, termination) count towards employment law.
/// Every lost point is a `ComplianceFinding` with its share of the overall score.
///
/// **Risk** (1–10) = 1 + the risk points of each missing check (half for partial) + contract
/// value (more than 100,000: +1; 500,000: +2; 1,000,000: +3, in the contract's currency)
/// + duration (more than one year: +0.5; three years: +1.5), rounded and clamped to 1–10.
///
/// **Data classification**: restricted for employment contracts and text mentioning personal
/// data (data protection, UK GDPR, personal data, data subjects, national insurance numbers,
/// dates of birth); confidential for financial terms (a contract value, or charges, fees,
/// prices, salary, rent or a loan in the text); internal otherwise.
public struct LocalContractAnalyzer: Sendable {
    public static let name = "pactoria-local-analyzer"
    public static let version = "1.0.0"

    public init() {}

    /// Analyses `markdown` as a contract of `contract`'s type, weighing its value and dates.
    /// A contract type Pactoria does not know is analysed as `other`.
    public func analyze(markdown: String, contract: Contract) -> AnalysisResult {
        analyze(text: markdown, type: contract.type ?? .other, context: AnalysisContext(contract: contract))
    }

    /// Analyses any document as a contract of `type` (for text from outside the workspace).
    public func analyze(text markdown: String, type: ContractType, context: AnalysisContext = AnalysisContext())
        -> AnalysisResult
    {
        let text = ContractText(markdown)
        let kind = DocumentKind.classify(type, text)
        let applicable = ClauseCatalog.checks.filter { $0.kinds.contains(kind) }
        let totalWeight = applicable.reduce(0) { $0 + $1.weight }

        var findings: [ComplianceFinding] = []
        var riskFactors: [RiskFactor] = []
        var recommendations: [ComplianceRecommendation] = []
        var earnedByCategory: [CheckCategory: Double] = [:]
        var weightByCategory: [CheckCategory: Double] = [:]
        var earned = 0.0

        for check in applicable {
            let (status, detail) = check.evaluate(text)
            let credit: Double = status == .present ? 1 : status == .partial ? 0.5 : 0
            let category = check.category(for: kind)
            earned += check.weight * credit
            earnedByCategory[category, default: 0] += check.weight * credit
            weightByCategory[category, default: 0] += check.weight
            let lost = totalWeight > 0 ? check.weight * (1 - credit) / totalWeight : 0
            let message: String
            switch status {
            case .present: message = "\(check.name): found"
            case .partial: message = "\(check.name): \(detail ?? "incomplete")"
            case .missing: message = "\(check.name): missing — \(check.gap)"
            }
            findings.append(
                ComplianceFinding(
                    clause: check.id, name: check.name, category: category.rawValue, status: status, message: message,
                    pointsLost: Self.round(lost, places: 4)))
            if status != .present {
                let points = status == .missing ? check.riskPoints : check.riskPoints / 2
                riskFactors.append(
                    RiskFactor(
                        source: check.id,
                        description: status == .missing
                            ? "Missing \(check.name.lowercased()): \(check.gap)"
                            : "Incomplete \(check.name.lowercased()): \(detail ?? "incomplete")",
                        points: points))
                recommendations.append(ComplianceRecommendation(clause: check.id, text: check.recommendation))
            }
        }

        riskFactors += Self.valueAndDurationFactors(context, type: type)
        let riskTotal = 1 + riskFactors.reduce(0) { $0 + $1.points }
        let riskScore = min(10, max(1, Int(riskTotal.rounded())))

        func score(_ category: CheckCategory) -> Double? {
            guard let weight = weightByCategory[category], weight > 0 else { return nil }
            return Self.round((earnedByCategory[category] ?? 0) / weight)
        }
        let scores = ComplianceScores(
            overall: totalWeight > 0 ? Self.round(earned / totalWeight) : 0,
            gdpr: score(.gdpr), employmentLaw: score(.employmentLaw), consumerRights: score(.consumerRights),
            commercialTerms: score(.commercialTerms))
        let (classification, reason) = Self.classify(text, type: type, context: context)

        return AnalysisResult(
            analyzerName: Self.name, analyzerVersion: Self.version, contentSHA256: Digest.sha256Hex(markdown),
            contractType: type, scores: scores, riskScore: riskScore, findings: findings, riskFactors: riskFactors,
            recommendations: recommendations, dataClassification: classification, dataClassificationReason: reason)
    }

    // MARK: - Parts

    static func valueAndDurationFactors(_ context: AnalysisContext, type: ContractType) -> [RiskFactor] {
        var factors: [RiskFactor] = []
        if let value = context.value, let amount = value.decimal {
            let thresholds: [(String, Double)] = [("1000000", 3), ("500000", 2), ("100000", 1)]
            if let (limit, points) = thresholds.first(where: { DecimalAmount($0.0)! < amount }) {
                let shown = ContractValue(amount: limit, currency: value.currency).formatted
                factors.append(
                    RiskFactor(
                        source: "contract_value",
                        description: "High contract value: \(value.formatted) is more than \(shown)", points: points))
            }
        }
        if type != .employmentContract, let start = context.startDate, let end = context.endDate {
            let days = end.daysSinceEpoch - start.daysSinceEpoch
            if days > 3 * 366 {
                factors.append(
                    RiskFactor(
                        source: "duration", description: "Long commitment: \(days / 365) years from \(start) to \(end)",
                        points: 1.5))
            } else if days > 366 {
                factors.append(
                    RiskFactor(
                        source: "duration", description: "Commitment of more than a year: \(start) to \(end)",
                        points: 0.5))
            }
        }
        return factors
    }

    static func classify(_ text: ContractText, type: ContractType, context: AnalysisContext) -> (
        DataClassification, String
    ) {
        if type == .employmentContract {
            return (.restricted, "employment contracts hold an employee's personal data")
        }
        let personal = [
            "personal data", "data protection", "uk gdpr", "data subject", "national insurance number",
            "date of birth",
        ]
        if let hit = personal.first(where: text.contains) {
            return (.restricted, "mentions \(hit)")
        }
        if let value = context.value {
            return (.confidential, "has a contract value of \(value.formatted)")
        }
        let financial = ["charges", "fees", "the price", "salary", "rent ", "loan", "invoice", "£"]
        if let hit = financial.first(where: text.contains) {
            return (.confidential, "has financial terms (mentions \(hit.trimmingSpaces()))")
        }
        return (.internal, "no personal data or financial terms found")
    }

    static func round(_ value: Double, places: Int = 2) -> Double {
        var factor = 1.0
        for _ in 0..<places { factor *= 10 }
        return (value * factor).rounded() / factor
    }
}
