/// Whether a clause the analyser looks for was found.
public enum ClauseStatus: String, Sendable, Equatable, Codable {
    case present
    /// Found, but missing something (governing law without jurisdiction, a data protection clause
    /// that names neither the UK GDPR nor the DPA 2018, …).
    case partial
    case missing
    /// Present in form but emptied by negation or an exception ("Neither party need comply with
    /// the UK GDPR", "notwithstanding clause 7, either party may disclose anything").
    case negated
    /// Present but unfair or unenforceable (a blanket exclusion of liability, exclusion of
    /// liability for death or personal injury, a Consumer Rights Act 2015 Schedule 2 term).
    case unfair
}

/// The outcome of one clause check.
public struct ComplianceFinding: Sendable, Equatable, Codable {
    /// Stable id of the check ("governing_law", "liability_cap", "employment_pay", …).
    public var clause: String
    /// Human name ("Governing law and jurisdiction").
    public var name: String
    /// The score it counts towards ("gdpr", "employment_law", "consumer_rights",
    /// "commercial_terms" or "general", which counts only towards overall).
    public var category: String
    public var status: ClauseStatus
    /// One line: what was found or what is missing.
    public var message: String
    /// The share of the overall score lost here (0 when present); the losses add up to
    /// `1 − overall` before rounding.
    public var pointsLost: Double
    /// Where in the contract: "clause 7 (Limitation of liability)"; nil when the clause is not
    /// there at all.
    public var location: String?
    /// The statute, section or practice the check applies ("UCTA 1977 s.2(1)").
    public var rule: String?

    enum CodingKeys: String, CodingKey {
        case clause, name, category, status, message, location, rule
        case pointsLost = "points_lost"
    }

    public init(
        clause: String, name: String, category: String, status: ClauseStatus, message: String, pointsLost: Double,
        location: String? = nil, rule: String? = nil
    ) {
        self.clause = clause
        self.name = name
        self.category = category
        self.status = status
        self.message = message
        self.pointsLost = pointsLost
        self.location = location
        self.rule = rule
    }
}

/// Something that adds to the risk score.
public struct RiskFactor: Sendable, Equatable, Codable {
    /// The clause id, or "contract_value" / "duration".
    public var source: String
    public var description: String
    /// Points added to the risk score (before rounding and clamping to 1–10).
    public var points: Double

    public init(source: String, description: String, points: Double) {
        self.source = source
        self.description = description
        self.points = points
    }
}

/// What to do about a gap.
public struct ComplianceRecommendation: Sendable, Equatable, Codable {
    /// The clause id the recommendation is about.
    public var clause: String
    public var text: String

    public init(clause: String, text: String) {
        self.clause = clause
        self.text = text
    }
}
