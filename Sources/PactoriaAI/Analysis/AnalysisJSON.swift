// The JSON of an analysis, defined once for the CLI's JSON output and the API's analyze routes.

import PactoriaCore

/// An analysis as JSON: scores are numbers (three decimals), `compliant` a boolean.
public struct AnalysisJSON: Codable, Sendable, Equatable {
    public var analyzer: String
    public var analyzerVersion: String
    public var model: String?
    public var contentSHA256: String
    public var contractType: String
    /// Every score by name (`overall`, `gdpr`, `employment_law`, …).
    public var scores: [String: Double]
    public var overallScore: Double
    public var complianceLevel: String
    public var compliant: Bool
    public var riskScore: Int
    public var riskLevel: String
    public var dataClassification: String
    public var dataClassificationReason: String
    public var documentKind: String?
    public var gaps: [Gap]
    /// Unfilled placeholders, each with its clause.
    public var placeholders: [Placeholder]
    /// AI claims dropped because they name no known clause or their supporting text is not in the contract.
    public var droppedClaims: [String]
    public var riskFactors: [Factor]
    public var recommendations: [Recommendation]

    public struct Gap: Codable, Sendable, Equatable {
        public var clause: String
        public var status: String
        public var reason: String
        public var pointsLost: Double
        /// Where in the contract ("clause 7 (Limitation of liability)"); null when absent.
        public var location: String?
        /// The statute or rule applied.
        public var rule: String?

        enum CodingKeys: String, CodingKey {
            case clause, status, reason, location, rule
            case pointsLost = "points_lost"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(clause, forKey: .clause)
            try c.encode(status, forKey: .status)
            try c.encode(reason, forKey: .reason)
            try c.encode(pointsLost, forKey: .pointsLost)
            try c.encode(location, forKey: .location)
            try c.encode(rule, forKey: .rule)
        }
    }

    public struct Placeholder: Codable, Sendable, Equatable {
        public var text: String
        public var location: String

        enum CodingKeys: String, CodingKey {
            case text, location
        }
    }

    public struct Factor: Codable, Sendable, Equatable {
        public var source: String
        public var description: String
        public var points: Double

        enum CodingKeys: String, CodingKey {
            case source, description, points
        }
    }

    public struct Recommendation: Codable, Sendable, Equatable {
        public var clause: String
        public var text: String

        enum CodingKeys: String, CodingKey {
            case clause, text
        }
    }

    static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    public init(_ r: AnalysisResult) {
        analyzer = r.analyzerName
        analyzerVersion = r.analyzerVersion
        model = r.model
        contentSHA256 = r.contentSHA256
        contractType = r.contractType.rawValue
        var scores: [String: Double] = [:]
        for (name, value) in r.scores.named { scores[name] = Self.rounded(value) }
        self.scores = scores
        overallScore = Self.rounded(r.scores.overall)
        complianceLevel = r.complianceLevel.rawValue
        compliant = r.isCompliant
        riskScore = r.riskScore
        riskLevel = r.riskLevel.rawValue
        dataClassification = r.dataClassification.rawValue
        dataClassificationReason = r.dataClassificationReason
        documentKind = r.documentKind
        gaps = r.gaps.map {
            Gap(
                clause: $0.clause, status: $0.status.rawValue, reason: $0.message, pointsLost: $0.pointsLost,
                location: $0.location, rule: $0.rule)
        }
        placeholders = r.placeholders.map { Placeholder(text: $0.text, location: $0.location) }
        droppedClaims = r.droppedClaims
        riskFactors = r.riskFactors.map { Factor(source: $0.source, description: $0.description, points: $0.points) }
        recommendations = r.recommendations.map { Recommendation(clause: $0.clause, text: $0.text) }
    }

    enum CodingKeys: String, CodingKey {
        case analyzer, model, scores, compliant, gaps, recommendations
        case analyzerVersion = "analyzer_version"
        case contentSHA256 = "content_sha256"
        case contractType = "contract_type"
        case overallScore = "overall_score"
        case complianceLevel = "compliance_level"
        case riskScore = "risk_score"
        case riskLevel = "risk_level"
        case dataClassification = "data_classification"
        case dataClassificationReason = "data_classification_reason"
        case riskFactors = "risk_factors"
        case documentKind = "document_kind"
        case placeholders
        case droppedClaims = "dropped_claims"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(analyzer, forKey: .analyzer)
        try c.encode(analyzerVersion, forKey: .analyzerVersion)
        try c.encode(model, forKey: .model)
        try c.encode(contentSHA256, forKey: .contentSHA256)
        try c.encode(contractType, forKey: .contractType)
        try c.encode(scores, forKey: .scores)
        try c.encode(overallScore, forKey: .overallScore)
        try c.encode(complianceLevel, forKey: .complianceLevel)
        try c.encode(compliant, forKey: .compliant)
        try c.encode(riskScore, forKey: .riskScore)
        try c.encode(riskLevel, forKey: .riskLevel)
        try c.encode(dataClassification, forKey: .dataClassification)
        try c.encode(dataClassificationReason, forKey: .dataClassificationReason)
        try c.encode(documentKind, forKey: .documentKind)
        try c.encode(gaps, forKey: .gaps)
        try c.encode(placeholders, forKey: .placeholders)
        try c.encode(droppedClaims, forKey: .droppedClaims)
        try c.encode(riskFactors, forKey: .riskFactors)
        try c.encode(recommendations, forKey: .recommendations)
    }
}

/// The answer to analysing a contract in the workspace, the same keys whatever happened:
/// `recorded` (a commit was made), `unchanged` (the content is as last analysed, so nothing ran and
/// `analysis` is null), `commit`, a `note` and the analysis itself.
public struct AnalyzeOutcomeJSON: Codable, Sendable, Equatable {
    public var contractID: String
    public var path: String
    public var recorded: Bool
    public var unchanged: Bool
    public var commit: String?
    public var note: String?
    public var contentSHA256: String
    public var analysis: AnalysisJSON?

    public init(
        contractID: String, path: String, analysis: AnalysisResult?, commit: String?, unchanged: Bool, note: String?,
        contentSHA256: String
    ) {
        self.contractID = contractID
        self.path = path
        recorded = commit != nil
        self.unchanged = unchanged
        self.commit = commit
        self.note = note
        self.contentSHA256 = contentSHA256
        self.analysis = analysis.map(AnalysisJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case path, recorded, unchanged, commit, note, analysis
        case contractID = "contract_id"
        case contentSHA256 = "content_sha256"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(contractID, forKey: .contractID)
        try c.encode(path, forKey: .path)
        try c.encode(recorded, forKey: .recorded)
        try c.encode(unchanged, forKey: .unchanged)
        try c.encode(commit, forKey: .commit)
        try c.encode(note, forKey: .note)
        try c.encode(contentSHA256, forKey: .contentSHA256)
        try c.encode(analysis, forKey: .analysis)
    }
}
