/// A company in the workspace: one directory under `companies/`.
public struct Company: Sendable, Equatable {
    public var name: String
    public var slug: String
    public var companyNumber: String?
    public var subscriptionTier: String
    public var createdAt: String?

    public init(
        name: String, slug: String, companyNumber: String? = nil,
        subscriptionTier: String = SubscriptionTier.starter.rawValue, createdAt: String? = nil
    ) {
        self.name = name
        self.slug = slug
        self.companyNumber = companyNumber
        self.subscriptionTier = subscriptionTier
        self.createdAt = createdAt
    }

    public var tier: SubscriptionTier? { SubscriptionTier(rawValue: subscriptionTier) }

    public static func validate(_ c: Company, directorySlug: String? = nil) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if c.name.trimmingSpaces().isEmpty {
            issues.append(ValidationIssue(field: "name", message: "must not be empty"))
        } else {
            issues += Validator.validateText(c.name, field: "name", maxLength: Validator.maxCompanyLength)
        }
        issues += Validator.validateSlug(c.slug, field: "slug")
        if let dir = directorySlug, dir != c.slug {
            issues.append(ValidationIssue(field: "slug", message: "'\(c.slug)' does not match its directory '\(dir)'"))
        }
        if let n = c.companyNumber, !Validator.isCompanyNumber(n) {
            issues.append(
                ValidationIssue(
                    field: "company_number",
                    message:
                        "'\(n)' is not a Companies House number (8 characters: digits, or two letters and six digits)"))
        }
        if c.tier == nil {
            issues.append(
                ValidationIssue(
                    field: "subscription_tier",
                    message: "unknown tier '\(c.subscriptionTier)' (expected one of: \(SubscriptionTier.allNames))"))
        }
        if let t = c.createdAt, Timestamp(t) == nil {
            issues.append(ValidationIssue(field: "created_at", message: "must be an ISO 8601 timestamp, got '\(t)'"))
        }
        return issues
    }
}
