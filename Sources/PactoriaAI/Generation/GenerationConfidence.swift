public import PactoriaCore

/// How much to trust generated contract text, between 0 and 1: what was actually filled,
/// checked by the same local analyser that analyses stored contracts.
///
/// - **Facts** are the template's required variables plus the variables that carry a fact a
///   brief states (hours, working pattern, holiday, probation, place of work, notice, payment
///   days: `factVariables`). Each is *stated* (filled from the brief, the metadata or given
///   values), *guessed* (a template default standing in for it, or inferred, such as duties
///   from a job title) or *unfilled* (left as `[TO COMPLETE: …]`).
/// - `filledShare` = stated / facts.
/// - `analysisScore` = the `LocalContractAnalyzer` overall score of the generated text.
/// - `score` = the lower of the two, rounded to two decimals: a draft is only as good as its
///   weakest side, and a guessed or missing fact always lowers it.
///
/// Every guessed and unfilled fact is listed as "to complete" (`GenerationOutcome.toComplete`).
public struct ConfidenceAssessment: Sendable, Equatable {
    /// The facts considered, in the template's order.
    public var facts: [String]
    public var stated: [String]
    public var guessed: [String]
    public var unfilled: [String]
    public var filledShare: Double
    /// The analyser's result on the generated text.
    public var analysis: AnalysisResult
    /// The analyser's overall score of the generated text.
    public var analysisScore: Double { analysis.scores.overall }
    /// Unfilled markers and slots counted in the text.
    public var placeholdersLeft: Int
    public var score: Double

    /// Variables that state a fact of the deal even when optional in the template.
    public static let factVariables: Set<String> = [
        "job_title", "hours_per_week", "working_pattern", "holiday_days", "probation_months", "place_of_work",
        "notice_period_weeks", "notice_period_days", "notice_period_months", "payment_terms_days", "start_date",
        "end_date", "contract_value",
    ]

    /// Whether `name` is a fact of `template` (required, or one of `factVariables`).
    public static func isFact(_ name: String, in template: Template) -> Bool {
        template.variable(named: name)?.required == true || factVariables.contains(name)
    }

    /// "9 of 14 facts stated (0.64), analysis 0.92: confidence 0.64".
    public var summary: String {
        "\(stated.count) of \(facts.count) facts stated in the brief or metadata (\(Self.two(filledShare))), "
            + "analysis \(Self.two(analysisScore)) (\(analysis.complianceLevel.rawValue)): confidence \(Self.two(score))"
    }

    static func two(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Assesses local generation: `rendered` says which placeholders were filled, defaulted or
    /// left; `guessed` names those filled by inference.
    public static func assess(
        markdown: String, template: Template, contract: Contract, rendered: RenderedContract, guessed: [String]
    ) -> ConfidenceAssessment {
        let facts = template.placeholders.filter { isFact($0, in: template) }
        var stated: [String] = []
        var guesses: [String] = []
        var unfilled: [String] = []
        for name in facts {
            if rendered.unfilled.contains(name) {
                unfilled.append(name)
            } else if guessed.contains(name) || rendered.defaulted.contains(name) {
                guesses.append(name)
            } else {
                stated.append(name)
            }
        }
        return make(
            markdown: markdown, template: template, contract: contract, facts: facts, stated: stated,
            guessed: guesses, unfilled: unfilled)
    }

    /// Assesses text written by the AI provider from `values` (what it was given): a fact is
    /// stated when a value was given and the text has no marker for it.
    public static func assess(
        markdown: String, template: Template, contract: Contract, values: [String: String],
        unfilled markers: [String] = []
    ) -> ConfidenceAssessment {
        let facts = template.placeholders.filter { isFact($0, in: template) }
        var stated: [String] = []
        var unfilled: [String] = []
        for name in facts {
            let given = values[name].map { !$0.trimmingSpaces().isEmpty } ?? false
            if given && !markers.contains(name) { stated.append(name) } else { unfilled.append(name) }
        }
        return make(
            markdown: markdown, template: template, contract: contract, facts: facts, stated: stated, guessed: [],
            unfilled: unfilled)
    }

    static func make(
        markdown: String, template: Template, contract: Contract, facts: [String], stated: [String],
        guessed: [String], unfilled: [String]
    ) -> ConfidenceAssessment {
        var typed = contract
        if typed.type == nil { typed.contractType = template.contractType.rawValue }
        let analysis = LocalContractAnalyzer().analyze(markdown: markdown, contract: typed)
        let share = facts.isEmpty ? 1 : Double(stated.count) / Double(facts.count)
        let score = min(share, analysis.scores.overall)
        return ConfidenceAssessment(
            facts: facts, stated: stated, guessed: guessed, unfilled: unfilled,
            filledShare: LocalContractAnalyzer.round(share), analysis: analysis,
            placeholdersLeft: TemplateRenderer.unfilledCount(in: markdown),
            score: LocalContractAnalyzer.round(min(1, max(0, score))))
    }
}
