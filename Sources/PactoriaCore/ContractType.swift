/// The kinds of contract Pactoria knows.
public enum ContractType: String, CaseIterable, Sendable, Codable {
    case serviceAgreement = "service_agreement"
    case employmentContract = "employment_contract"
    case supplierAgreement = "supplier_agreement"
    case nda
    case termsAndConditions = "terms_and_conditions"
    case consultancy
    case partnership
    case lease
    case other

    /// A name for people ("Service agreement").
    public var displayName: String {
        switch self {
        case .serviceAgreement: "Service agreement"
        case .employmentContract: "Employment contract"
        case .supplierAgreement: "Supplier agreement"
        case .nda: "Non-disclosure agreement"
        case .termsAndConditions: "Terms and conditions"
        case .consultancy: "Consultancy agreement"
        case .partnership: "Partnership agreement"
        case .lease: "Lease"
        case .other: "Other"
        }
    }

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where a contract is in its lifecycle.
public enum ContractStatus: String, CaseIterable, Sendable, Codable {
    case draft
    case pendingReview = "pending_review"
    case active
    case completed
    case expired
    case terminated

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A company's subscription tier.
public enum SubscriptionTier: String, CaseIterable, Sendable, Codable {
    case starter, professional, business

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Currencies a contract value may be in.
public enum Currency: String, CaseIterable, Sendable, Codable {
    case gbp = "GBP"
    case eur = "EUR"
    case usd = "USD"

    public var symbol: String {
        switch self {
        case .gbp: "£"
        case .eur: "€"
        case .usd: "$"
        }
    }

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
