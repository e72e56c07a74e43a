public import PactoriaCore

/// A compliance and risk analysis of one contract's content.
public struct AnalysisResult: Sendable, Equatable, Codable {
    /// Analyser that produced the result (`LocalContractAnalyzer.name` or `AIContractAnalyzer.name`).
    public var analyzerName: String
    public var analyzerVersion: String
    /// The model, for AI analysis.
    public var model: String?
    /// Lower-case hex SHA-256 of the analysed content (UTF-8).
    public var contentSHA256: String
    public var contractType: ContractType
    public var scores: ComplianceScores
    public var complianceLevel: ComplianceLevel
    /// The level is Excellent or Good (for the local analyser: no key gap, no negated or unfair
    /// clause and no placeholder; otherwise overall score ≥ 0.8).
    public var isCompliant: Bool
    /// 1–10.
    public var riskScore: Int
    public var riskLevel: RiskLevel
    /// One per clause checked, in check order.
    public var findings: [ComplianceFinding]
    public var riskFactors: [RiskFactor]
    public var recommendations: [ComplianceRecommendation]
    public var dataClassification: DataClassification
    /// Why the classification was chosen, in one line.
    public var dataClassificationReason: String
    /// Unfilled placeholders, each with the clause that holds it.
    public var placeholders: [PlaceholderFinding] = []
    /// The document kind the checks were chosen for ("commercial", "employment", "data_processing", …).
    public var documentKind: String?
    /// AI provider claims left out because they name no clause of the catalogue or their
    /// supporting text is not in the contract, one line each.
    public var droppedClaims: [String] = []

    public init(
        analyzerName: String, analyzerVersion: String, model: String? = nil, contentSHA256: String,
        contractType: ContractType, scores: ComplianceScores, riskScore: Int, findings: [ComplianceFinding],
        riskFactors: [RiskFactor], recommendations: [ComplianceRecommendation],
        dataClassification: DataClassification, dataClassificationReason: String
    ) {
        self.analyzerName = analyzerName
        self.analyzerVersion = analyzerVersion
        self.model = model
        self.contentSHA256 = contentSHA256
        self.contractType = contractType
        self.scores = scores
        self.complianceLevel = ComplianceLevel(score: scores.overall)
        self.isCompliant = scores.overall >= ComplianceLevel.compliantThreshold
        self.riskScore = min(10, max(1, riskScore))
        self.riskLevel = RiskLevel(score: self.riskScore)
        self.findings = findings
        self.riskFactors = riskFactors
        self.recommendations = recommendations
        self.dataClassification = dataClassification
        self.dataClassificationReason = dataClassificationReason
    }

    /// Findings that lost points (partial or missing).
    public var gaps: [ComplianceFinding] { findings.filter { $0.status != .present } }

    /// Ids of the clauses found in full.
    public var clausesFound: [String] { findings.filter { $0.status == .present }.map(\.clause) }

    enum CodingKeys: String, CodingKey {
        case analyzerName = "analyzer_name"
        case analyzerVersion = "analyzer_version"
        case model
        case contentSHA256 = "content_sha256"
        case contractType = "contract_type"
        case scores
        case complianceLevel = "compliance_level"
        case isCompliant = "compliant"
        case riskScore = "risk_score"
        case riskLevel = "risk_level"
        case findings
        case riskFactors = "risk_factors"
        case recommendations
        case dataClassification = "data_classification"
        case dataClassificationReason = "data_classification_reason"
        case placeholders
        case documentKind = "document_kind"
        case droppedClaims = "dropped_claims"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        analyzerName = try c.decode(String.self, forKey: .analyzerName)
        analyzerVersion = try c.decode(String.self, forKey: .analyzerVersion)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        contentSHA256 = try c.decode(String.self, forKey: .contentSHA256)
        contractType = try c.decode(ContractType.self, forKey: .contractType)
        scores = try c.decode(ComplianceScores.self, forKey: .scores)
        complianceLevel = try c.decode(ComplianceLevel.self, forKey: .complianceLevel)
        isCompliant = try c.decode(Bool.self, forKey: .isCompliant)
        riskScore = try c.decode(Int.self, forKey: .riskScore)
        riskLevel = try c.decode(RiskLevel.self, forKey: .riskLevel)
        findings = try c.decode([ComplianceFinding].self, forKey: .findings)
        riskFactors = try c.decode([RiskFactor].self, forKey: .riskFactors)
        recommendations = try c.decode([ComplianceRecommendation].self, forKey: .recommendations)
        dataClassification = try c.decode(DataClassification.self, forKey: .dataClassification)
        dataClassificationReason = try c.decode(String.self, forKey: .dataClassificationReason)
        placeholders = try c.decodeIfPresent([PlaceholderFinding].self, forKey: .placeholders) ?? []
        documentKind = try c.decodeIfPresent(String.self, forKey: .documentKind)
        droppedClaims = try c.decodeIfPresent([String].self, forKey: .droppedClaims) ?? []
    }
}
