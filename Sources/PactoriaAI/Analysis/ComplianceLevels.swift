/// Compliance level from the overall score.
public enum ComplianceLevel: String, Sendable, Equatable, Codable, CaseIterable {
    case excellent = "Excellent"
    case good = "Good"
    case fair = "Fair"
    case poor = "Poor"

    /// Excellent ≥ 0.95, Good ≥ 0.85, Fair ≥ 0.70, Poor below.
    public init(score: Double) {
        switch score {
        case 0.95...: self = .excellent
        case 0.85..<0.95: self = .good
        case 0.70..<0.85: self = .fair
        default: self = .poor
        }
    }

    /// A contract is compliant when its overall score is at least this.
    public static let compliantThreshold = 0.8
}

/// Risk level from the 1–10 risk score.
public enum RiskLevel: String, Sendable, Equatable, Codable, CaseIterable {
    case low = "Low"
    case medium = "Medium"
    case high = "High"
    case critical = "Critical"

    /// Low 1–3, Medium 4–6, High 7–8, Critical 9–10.
    public init(score: Int) {
        switch score {
        case ...3: self = .low
        case 4...6: self = .medium
        case 7...8: self = .high
        default: self = .critical
        }
    }
}

/// How sensitive a contract's content is.
public enum DataClassification: String, Sendable, Equatable, Codable, CaseIterable {
    /// Holds personal data (employment contracts, data processing terms, personal data mentioned).
    case restricted
    /// Holds financial terms (a contract value, fees, prices, salary, rent, a loan).
    case confidential
    /// Neither.
    case `internal`
}
