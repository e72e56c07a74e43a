public import PactoriaCore
import PactoriaCrypto

/// Facts about a contract, beyond its text, that the analysis weighs.
public struct AnalysisContext: Sendable, Equatable {
    public var value: ContractValue?
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?
    /// The metadata's parties, checked against the text (named, and in the right roles).
    public var client: Party?
    public var supplier: Party?

    public init(
        value: ContractValue? = nil, startDate: CalendarDate? = nil, endDate: CalendarDate? = nil,
        client: Party? = nil, supplier: Party? = nil
    ) {
        self.value = value
        self.startDate = startDate
        self.endDate = endDate
        self.client = client
        self.supplier = supplier
    }

    /// The value, dates and parties of `contract`.
    public init(contract: Contract) {
        self.init(
            value: contract.value, startDate: contract.start, endDate: contract.end, client: contract.client,
            supplier: contract.supplier)
    }
}

/// Rule-based compliance and risk analysis of contract Markdown, offline and explainable.
///
/// **Reading.** The text is split into clauses at headings (Markdown `#`, bold lines such as
/// `**7. LIABILITY**`, numbered headings and paragraphs, schedules) and each clause into
/// sentences. Each check finds the clause whose heading (or opening) is about its topic and
/// evaluates there; only checks whose subject is commonly embedded elsewhere (late payment
/// interest, the death and injury carve-out, employment particulars listed together, Article
/// 28 terms) fall back to sentences anywhere. A deleted clause is missing even if its words
/// appear in other clauses. Text without headings is read as one clause.
///
/// **Statuses.** `present`, `partial` (something missing, or an unfilled placeholder in it),
/// `missing`, `negated` (emptied by negation or an exception: "need not comply with the UK
/// GDPR", "notwithstanding clause 7 … may disclose", "may use personal data for any purpose")
/// and `unfair` (a blanket exclusion of liability, exclusion of liability for death or personal
/// injury, a Consumer Rights Act 2015 Schedule 2 term, interest on late payment excluded).
///
/// **Checks** apply by document kind (`DocumentKind`, from the contract type and the text):
/// parties, term, governing law of a UK nation, execution, placeholders, and the statute-based
/// checks of `ClauseCatalog`, each naming its rule.
///
/// **Scores.** Each check has a weight; present earns all of it, partial half (nothing when an
/// unfilled placeholder empties it), the rest nothing. A score is the weight earned over the weight available, over all applicable checks
/// (`overall`) or those of one category (nil when none applies). Every lost point is a
/// `ComplianceFinding` with its share of the overall score, its location and its rule.
///
/// **Level.** Excellent with no gap; Good with one secondary gap; Fair with a key gap (or
/// several secondary gaps, a placeholder, or a negated or unfair secondary clause); Poor with two or more key gaps or any negated or
/// unfair key clause. Compliant means Excellent or Good, so a placeholder, a negation or a key gap
/// is never compliant.
///
/// **Risk** (1–10) = 1 + the risk points of the gaps (a missing key protection 3.5, another
/// missing clause 2; a partial one 3 if key, 2 otherwise, 1.5 when it is a placeholder; a negated
/// or unfair one 5 if key, 3 otherwise; the largest counts in full and each further one 60% of the one before) +
/// contract value (more than 500,000: +1; 1,000,000: +2, in the contract's currency) + duration
/// (more than one year: +0.5; three years: +1), rounded and clamped to 1–8, or 1–10 when the
/// contract excludes all liability (only a blanket exclusion makes a contract critical).
///
/// **Data classification**: restricted for employment contracts and text mentioning personal
/// data (data protection, UK GDPR, personal data, data subjects, national insurance numbers,
/// dates of birth); confidential for financial terms (a contract value, or charges, fees,
/// prices, salary, rent or a loan in the text); internal otherwise.
public struct LocalContractAnalyzer: Sendable {
    public static let name = "pactoria-local-analyzer"
    public static let version = "2.0.0"

    public init() {}

    /// Analyses `markdown` as a contract of `contract`'s type, weighing its value, dates and
    /// parties. A contract type Pactoria does not know is analysed as `other`.
    public func analyze(markdown: String, contract: Contract) -> AnalysisResult {
        analyze(text: markdown, type: contract.type ?? .other, context: AnalysisContext(contract: contract))
    }

    /// Analyses any document as a contract of `type` (for text from outside the workspace).
    public func analyze(text markdown: String, type: ContractType, context: AnalysisContext = AnalysisContext())
        -> AnalysisResult
    {
        let text = ContractText(markdown)
        let kind = DocumentKind.classify(type, text)
        let applicable = ClauseCatalog.checks(for: kind)
        let totalWeight = applicable.reduce(0) { $0 + $1.weight }

        var findings: [ComplianceFinding] = []
        var riskFactors: [RiskFactor] = []
        var recommendations: [ComplianceRecommendation] = []
        var earnedByCategory: [CheckCategory: Double] = [:]
        var weightByCategory: [CheckCategory: Double] = [:]
        var earned = 0.0
        var keyGaps = 0
        var secondaryGaps = 0
        var negations = 0
        var secondaryNegations = 0

        for check in applicable {
            let evaluation = check.evaluate(text, context)
            let status = evaluation.status
            // A clause emptied by a placeholder earns nothing; another partial clause half.
            let emptied = evaluation.detail?.contains("placeholder") == true
            let credit: Double = status == .present ? 1 : status == .partial && !emptied ? 0.5 : 0
            let category = check.category(for: kind)
            earned += check.weight * credit
            earnedByCategory[category, default: 0] += check.weight * credit
            weightByCategory[category, default: 0] += check.weight
            let lost = totalWeight > 0 ? check.weight * (1 - credit) / totalWeight : 0
            let place = evaluation.location.map { " (\($0))" } ?? ""
            let message: String
            switch status {
            case .present: message = "\(check.name): found\(place)"
            case .partial: message = "\(check.name): \(evaluation.detail ?? "incomplete")\(place)"
            case .missing: message = "\(check.name): missing — \(evaluation.detail ?? check.gap)\(place)"
            case .negated, .unfair:
                message = "\(check.name): \(status.rawValue)\(place) — \(evaluation.detail ?? check.gap)"
            }
            findings.append(
                ComplianceFinding(
                    clause: check.id, name: check.name, category: category.rawValue, status: status, message: message,
                    pointsLost: Self.round(lost, places: 4), location: evaluation.location, rule: check.rule))
            guard status != .present else { continue }
            if status == .negated || status == .unfair {
                if check.key { negations += 1 } else { secondaryNegations += 1 }
            }
            if check.key { keyGaps += 1 } else { secondaryGaps += 1 }
            let points: Double
            let description: String
            switch status {
            case .partial:
                points = evaluation.detail?.contains("placeholder") == true ? 1.5 : check.key ? 3 : 2
                description = "Incomplete \(check.name.lowercased())\(place): \(evaluation.detail ?? "incomplete")"
            case .negated, .unfair:
                points = check.key ? 5 : 3
                description =
                    "\(status == .negated ? "Negated" : "Unfair") \(check.name.lowercased())\(place): \(evaluation.detail ?? check.gap)"
            default:
                points = check.key ? 3.5 : 2
                description = "Missing \(check.name.lowercased()): \(evaluation.detail ?? check.gap)"
            }
            riskFactors.append(
                RiskFactor(source: check.id, description: "\(description) [\(check.rule)]", points: points))
            recommendations.append(ComplianceRecommendation(clause: check.id, text: check.recommendation))
        }

        // The largest gap counts in full, each further one 60% of the one before (gaps overlap in
        // the harm they do).
        let order = riskFactors.indices.sorted { riskFactors[$0].points > riskFactors[$1].points }
        var factor = 1.0
        for index in order {
            riskFactors[index].points = Self.round(riskFactors[index].points * factor)
            factor *= 0.6
        }
        riskFactors += Self.valueAndDurationFactors(context, type: type)
        let riskTotal = 1 + riskFactors.reduce(0) { $0 + $1.points }
        // Critical is kept for a blanket exclusion of liability; anything else tops out at high.
        let blanket = findings.contains { $0.clause == "limitation_of_liability" && $0.message.contains("blanket") }
        let riskScore = min(blanket ? 10 : 8, max(1, Int(riskTotal.rounded())))

        func score(_ category: CheckCategory) -> Double? {
            guard let weight = weightByCategory[category], weight > 0 else { return nil }
            return Self.round((earnedByCategory[category] ?? 0) / weight)
        }
        let scores = ComplianceScores(
            overall: totalWeight > 0 ? Self.round(earned / totalWeight) : 0,
            gdpr: score(.gdpr), employmentLaw: score(.employmentLaw), consumerRights: score(.consumerRights),
            commercialTerms: score(.commercialTerms))
        let (classification, reason) = Self.classify(text, type: type, context: context)

        var result = AnalysisResult(
            analyzerName: Self.name, analyzerVersion: Self.version, contentSHA256: Digest.sha256Hex(markdown),
            contractType: type, scores: scores, riskScore: riskScore, findings: findings, riskFactors: riskFactors,
            recommendations: recommendations, dataClassification: classification, dataClassificationReason: reason)
        let level = Self.level(
            keyGaps: keyGaps, secondaryGaps: secondaryGaps, negations: negations,
            placeholders: !text.placeholders.isEmpty || secondaryNegations > 0)
        result.complianceLevel = level
        result.isCompliant = level == .excellent || level == .good
        result.placeholders = text.placeholders
        result.documentKind = kind.rawValue
        return result
    }

    /// The compliance level from the gaps (see the type's documentation).
    static func level(keyGaps: Int, secondaryGaps: Int, negations: Int, placeholders: Bool) -> ComplianceLevel {
        if keyGaps == 0 && secondaryGaps == 0 { return .excellent }
        if negations > 0 || keyGaps >= 2 { return .poor }
        if keyGaps == 1 || placeholders || secondaryGaps >= 2 { return .fair }
        return .good
    }

    // MARK: - Parts

    static func valueAndDurationFactors(_ context: AnalysisContext, type: ContractType) -> [RiskFactor] {
        var factors: [RiskFactor] = []
        if let value = context.value, let amount = value.decimal {
            let thresholds: [(String, Double)] = [("1000000", 2), ("500000", 1)]
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
                        points: 1))
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
