/// Scores between 0 and 1. A category that does not apply to the contract type is nil.
public struct ComplianceScores: Sendable, Equatable, Codable {
    public var overall: Double
    /// Data protection (UK GDPR, Data Protection Act 2018).
    public var gdpr: Double?
    /// Employment Rights Act 1996 written statement particulars (employment contracts only).
    public var employmentLaw: Double?
    /// Consumer Rights Act 2015 and cancellation rights (consumer terms only).
    public var consumerRights: Double?
    /// Commercial protections: payment, late payment, liability, IP, termination, force majeure…
    public var commercialTerms: Double?

    public init(
        overall: Double, gdpr: Double? = nil, employmentLaw: Double? = nil, consumerRights: Double? = nil,
        commercialTerms: Double? = nil
    ) {
        self.overall = overall
        self.gdpr = gdpr
        self.employmentLaw = employmentLaw
        self.consumerRights = consumerRights
        self.commercialTerms = commercialTerms
    }

    /// The scores by their snake_case names (`overall`, `gdpr`, `employment_law`,
    /// `consumer_rights`, `commercial_terms`), leaving out those that do not apply.
    public var named: [(name: String, score: Double)] {
        var result: [(String, Double)] = [("overall", overall)]
        if let gdpr { result.append(("gdpr", gdpr)) }
        if let employmentLaw { result.append(("employment_law", employmentLaw)) }
        if let consumerRights { result.append(("consumer_rights", consumerRights)) }
        if let commercialTerms { result.append(("commercial_terms", commercialTerms)) }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case overall, gdpr
        case employmentLaw = "employment_law"
        case consumerRights = "consumer_rights"
        case commercialTerms = "commercial_terms"
    }
}
