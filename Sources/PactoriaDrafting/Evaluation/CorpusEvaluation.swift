public import PactoriaAI
public import PactoriaCore

/// Figures of the analyser over a set of labelled contracts.
public struct EvaluationMetrics: Sendable, Equatable, Encodable {
    public var items = 0
    /// Gaps the analyser reported that the label also reports.
    public var truePositives = 0
    /// Gaps the analyser reported that the label does not.
    public var falsePositives = 0
    /// Gaps the label reports that the analyser missed.
    public var falseNegatives = 0
    public var riskBandCorrect = 0
    public var levelCorrect = 0
    /// Items the label says are not compliant.
    public var labelledNonCompliant = 0
    /// Of those, items the analyser called compliant.
    public var falseCompliant = 0
    /// Items with a removed, negated or placeholder clause.
    public var defective = 0
    /// Of those, items the analyser called compliant (the target is 0).
    public var defectiveCalledCompliant = 0

    public init() {}

    /// Share of reported gaps that are real (1 when nothing was reported).
    public var precision: Double {
        truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
    }
    /// Share of real gaps that were reported (1 when there were none).
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
    }
    public var riskBandAccuracy: Double { items == 0 ? 0 : Double(riskBandCorrect) / Double(items) }
    public var levelAccuracy: Double { items == 0 ? 0 : Double(levelCorrect) / Double(items) }
    /// Share of not-compliant items called compliant.
    public var falseCompliantRate: Double {
        labelledNonCompliant == 0 ? 0 : Double(falseCompliant) / Double(labelledNonCompliant)
    }

    mutating func add(_ o: ItemOutcome) {
        items += 1
        truePositives += o.found.count
        falsePositives += o.extra.count
        falseNegatives += o.missed.count
        if o.riskBand == o.expectedRiskBand { riskBandCorrect += 1 }
        if o.level == o.expectedLevel { levelCorrect += 1 }
        if !o.expectedCompliant {
            labelledNonCompliant += 1
            if o.compliant { falseCompliant += 1 }
        }
        if o.defective {
            defective += 1
            if o.compliant { defectiveCalledCompliant += 1 }
        }
    }

    enum CodingKeys: String, CodingKey {
        case items
        case truePositives = "true_positives"
        case falsePositives = "false_positives"
        case falseNegatives = "false_negatives"
        case riskBandCorrect = "risk_band_correct"
        case levelCorrect = "level_correct"
        case labelledNonCompliant = "labelled_non_compliant"
        case falseCompliant = "false_compliant"
        case defective
        case defectiveCalledCompliant = "defective_called_compliant"
        case precision, recall
        case riskBandAccuracy = "risk_band_accuracy"
        case levelAccuracy = "level_accuracy"
        case falseCompliantRate = "false_compliant_rate"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(falsePositives, forKey: .falsePositives)
        try c.encode(falseNegatives, forKey: .falseNegatives)
        try c.encode(riskBandCorrect, forKey: .riskBandCorrect)
        try c.encode(levelCorrect, forKey: .levelCorrect)
        try c.encode(labelledNonCompliant, forKey: .labelledNonCompliant)
        try c.encode(falseCompliant, forKey: .falseCompliant)
        try c.encode(defective, forKey: .defective)
        try c.encode(defectiveCalledCompliant, forKey: .defectiveCalledCompliant)
        try c.encode(Self.rounded(precision), forKey: .precision)
        try c.encode(Self.rounded(recall), forKey: .recall)
        try c.encode(Self.rounded(riskBandAccuracy), forKey: .riskBandAccuracy)
        try c.encode(Self.rounded(levelAccuracy), forKey: .levelAccuracy)
        try c.encode(Self.rounded(falseCompliantRate), forKey: .falseCompliantRate)
    }

    static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}

/// How the analyser did on one corpus item.
public struct ItemOutcome: Sendable, Equatable, Encodable {
    public var id: String
    public var contractType: ContractType
    /// Gaps both the analyser and the label report.
    public var found: [String]
    /// Gaps the analyser reported that the label does not (false positives).
    public var extra: [String]
    /// Gaps the label reports that the analyser did not (false negatives).
    public var missed: [String]
    public var riskScore: Int
    public var riskBand: RiskLevel
    public var expectedRiskBand: RiskLevel
    public var level: ComplianceLevel
    public var expectedLevel: ComplianceLevel
    public var compliant: Bool
    public var expectedCompliant: Bool
    public var defective: Bool

    /// Whether the item came out exactly as labelled (gaps, band and compliant flag).
    public var isExact: Bool {
        extra.isEmpty && missed.isEmpty && riskBand == expectedRiskBand && compliant == expectedCompliant
    }

    enum CodingKeys: String, CodingKey {
        case id
        case contractType = "contract_type"
        case found, extra, missed
        case riskScore = "risk_score"
        case riskBand = "risk_band"
        case expectedRiskBand = "expected_risk_band"
        case level = "compliance_level"
        case expectedLevel = "expected_compliance_level"
        case compliant
        case expectedCompliant = "expected_compliant"
        case defective
    }
}

/// The analyser's figures on the corpus: overall, per contract type, and per item.
public struct EvaluationReport: Sendable, Equatable, Encodable {
    public struct TypeMetrics: Sendable, Equatable, Encodable {
        public var contractType: ContractType
        public var metrics: EvaluationMetrics

        enum CodingKeys: String, CodingKey {
            case contractType = "contract_type"
            case metrics
        }
    }

    public var analyzer: String
    public var analyzerVersion: String
    public var overall: EvaluationMetrics
    /// In `ContractType` order, only the types the corpus has.
    public var byType: [TypeMetrics]
    public var items: [ItemOutcome]

    enum CodingKeys: String, CodingKey {
        case analyzer
        case analyzerVersion = "analyzer_version"
        case overall
        case byType = "by_type"
        case items
    }
}

/// Runs the local analyser over the labelled corpus and measures it against the labels.
public enum CorpusEvaluation {
    /// Analyses each item as `LocalContractAnalyzer().analyze(markdown:contract:)` does for a
    /// contract in a workspace, and compares its gaps, risk band and compliant flag with the label.
    public static func run(_ items: [CorpusItem]) -> EvaluationReport {
        let analyzer = LocalContractAnalyzer()
        var outcomes: [ItemOutcome] = []
        for item in items {
            var contract = item.contract
            if contract.type == nil { contract.contractType = item.label.contractType.rawValue }
            let result = analyzer.analyze(markdown: item.markdown, contract: contract)
            outcomes.append(outcome(item, result))
        }
        var overall = EvaluationMetrics()
        var byType: [ContractType: EvaluationMetrics] = [:]
        for o in outcomes {
            overall.add(o)
            byType[o.contractType, default: EvaluationMetrics()].add(o)
        }
        return EvaluationReport(
            analyzer: LocalContractAnalyzer.name, analyzerVersion: LocalContractAnalyzer.version, overall: overall,
            byType: ContractType.allCases.compactMap { t in byType[t].map { .init(contractType: t, metrics: $0) } },
            items: outcomes)
    }

    static func outcome(_ item: CorpusItem, _ result: AnalysisResult) -> ItemOutcome {
        let expected = item.label.gapIDs
        let reported = Set(result.gaps.map(\.clause))
        return ItemOutcome(
            id: item.id, contractType: item.label.contractType,
            found: expected.intersection(reported).sorted(), extra: reported.subtracting(expected).sorted(),
            missed: expected.subtracting(reported).sorted(), riskScore: result.riskScore, riskBand: result.riskLevel,
            expectedRiskBand: item.label.riskBand, level: result.complianceLevel,
            expectedLevel: item.label.complianceLevel, compliant: result.isCompliant,
            expectedCompliant: item.label.compliant, defective: item.label.isDefective)
    }
}
