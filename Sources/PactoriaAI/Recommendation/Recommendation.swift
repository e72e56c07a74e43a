public import PactoriaCore

/// A template suggested for a business need.
public struct Recommendation: Sendable, Equatable, Codable {
    public var templateID: String
    public var name: String
    public var category: String
    public var contractType: ContractType
    /// 0...1; see `TemplateRecommender` for how it is derived from the scores.
    public var confidence: Double
    /// The raw relevance score (BM25F plus phrase bonus).
    public var score: Double
    /// Which words and needs matched, one line each ("“consultancy” matches name, suitable for").
    public var reasons: [String]

    enum CodingKeys: String, CodingKey {
        case templateID = "template_id"
        case name, category
        case contractType = "contract_type"
        case confidence, score, reasons
    }

    public init(
        templateID: String, name: String, category: String, contractType: ContractType, confidence: Double,
        score: Double, reasons: [String]
    ) {
        self.templateID = templateID
        self.name = name
        self.category = category
        self.contractType = contractType
        self.confidence = confidence
        self.score = score
        self.reasons = reasons
    }
}
