public import PactoriaCore

/// How much to trust generated contract text, between 0 and 1, from four signals:
///
/// - **length** (weight 0.20): characters of the output against the template body.
///   `min(1, ratio / 0.9)` up to twice the template's length, then falling linearly to 0 at
///   four times (an output much shorter or much longer than its template is suspect).
/// - **sections** (weight 0.35): the `LocalContractAnalyzer` overall score of the output for
///   the contract type, i.e. the share of required clauses present (governing law, data
///   protection, liability, termination, payment, … as apply to the type).
/// - **legal terms** (weight 0.20): how many of twelve hallmark legal expressions occur
///   ("agreement", "party", "terminat", "notice", "liab", "confidential", "governed by",
///   "england and wales", "in writing", "breach", "law", "shall"), `min(1, found / 8)`.
/// - **placeholders** (weight 0.25): `1 / (1 + 0.25 × n)` where `n` counts `[TO COMPLETE: …]`
///   markers and `{{` slots left.
///
/// `score` is the weighted sum, rounded to two decimals.
public struct ConfidenceAssessment: Sendable, Equatable {
    public var length: Double
    public var sections: Double
    public var legalTerms: Double
    public var placeholders: Double
    /// Unfilled markers and slots counted.
    public var placeholdersLeft: Int
    public var score: Double

    public static let weights = (length: 0.20, sections: 0.35, legalTerms: 0.20, placeholders: 0.25)

    static let legalTerms = [
        "agreement", "party", "terminat", "notice", "liab", "confidential", "governed by", "england and wales",
        "in writing", "breach", "law", "shall",
    ]

    /// Assesses `markdown` generated from `template` for a contract of `type`.
    public static func assess(markdown: String, template: Template, type: ContractType? = nil)
        -> ConfidenceAssessment
    {
        let templateLength = max(1, template.body.count)
        let ratio = Double(markdown.count) / Double(templateLength)
        let length = ratio <= 2 ? min(1, ratio / 0.9) : max(0, 1 - (ratio - 2) / 2)

        let analysis = LocalContractAnalyzer().analyze(text: markdown, type: type ?? template.contractType)
        let sections = analysis.scores.overall

        let lower = markdown.lowercased()
        let found = legalTerms.filter { lower.contains($0) }.count
        let legal = min(1, Double(found) / 8)

        let left = TemplateRenderer.unfilledCount(in: markdown)
        let placeholders = 1 / (1 + 0.25 * Double(left))

        let w = weights
        let total = w.length * length + w.sections * sections + w.legalTerms * legal + w.placeholders * placeholders
        return ConfidenceAssessment(
            length: LocalContractAnalyzer.round(length), sections: sections,
            legalTerms: LocalContractAnalyzer.round(legal), placeholders: LocalContractAnalyzer.round(placeholders),
            placeholdersLeft: left, score: LocalContractAnalyzer.round(min(1, max(0, total))))
    }
}
