import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaGit
import PactoriaWorkspace

// The `--json` outputs of the drafting commands (templates, recommend, generate, analyze --all).

/// `templates list --json` (and, with `body`, `templates show --json`).
struct TemplateJSON: Encodable {
    var id: String
    var version: String
    var licence: String
    var name: String
    var category: String
    var contractType: String
    var description: String
    var suitableFor: [String]
    var complianceFeatures: [String]
    var origin: String
    var sha256: String
    var variables: [Variable]
    var body: String?

    struct Variable: Encodable {
        var name: String
        var type: String
        var required: Bool
        @Nullable var defaultValue: String?

        enum CodingKeys: String, CodingKey {
            case name, type, required
            case defaultValue = "default"
        }
    }

    init(_ t: Template, body: Bool = false) {
        id = t.id
        version = t.version
        licence = t.licence
        name = t.name
        category = t.category
        contractType = t.contractType.rawValue
        description = t.description
        suitableFor = t.suitableFor
        complianceFeatures = t.complianceFeatures
        origin = t.origin.rawValue
        sha256 = t.sha256
        variables = t.variables.map {
            Variable(name: $0.name, type: $0.type.rawValue, required: $0.required, defaultValue: $0.defaultValue)
        }
        self.body = body ? t.body : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, version, licence, name, category, description, origin, sha256, variables, body
        case contractType = "contract_type"
        case suitableFor = "suitable_for"
        case complianceFeatures = "compliance_features"
    }
}

/// `recommend --json`.
struct RecommendationJSON: Encodable {
    var templateID: String
    var name: String
    var category: String
    var contractType: String
    var confidence: Double
    var reasons: [String]

    init(_ r: Recommendation) {
        templateID = r.templateID
        name = r.name
        category = r.category
        contractType = r.contractType.rawValue
        confidence = (r.confidence * 1000).rounded() / 1000
        reasons = r.reasons
    }

    enum CodingKeys: String, CodingKey {
        case name, category, confidence, reasons
        case templateID = "template_id"
        case contractType = "contract_type"
    }
}

/// `generate --json`.
struct GenerationJSON: Encodable {
    var commit: String
    var path: String
    var version: Int
    var provider: String
    var model: String
    var templateID: String
    var confidenceScore: Double
    var fellBack: Bool
    @Nullable var fallbackReason: String?
    var toComplete: [String]
    var guessed: [String]
    @Nullable var parties: String?
    @Nullable var templateChoice: String?
    var confidenceBasis: String
    var analysis: Analysis
    @Nullable var tokenUsage: TokenUsage?
    /// Personal data replaced by placeholders before the prompt was sent (counts per category).
    @Nullable var redactions: RedactionCounts?

    /// The analyser's view of the generated text.
    struct Analysis: Encodable {
        var complianceLevel: String
        var overallScore: Double
        var gaps: [String]

        enum CodingKeys: String, CodingKey {
            case complianceLevel = "compliance_level"
            case overallScore = "overall_score"
            case gaps
        }
    }

    struct TokenUsage: Encodable {
        var prompt: Int
        var completion: Int
        var total: Int

        enum CodingKeys: String, CodingKey {
            case prompt, completion, total
        }
    }

    init(_ r: Drafting.GenerateResult) {
        let rec = r.outcome.record
        commit = r.commit.hex
        path = r.ref.markdownPath
        version = r.version
        provider = rec.provider.rawValue
        model = rec.model
        templateID = rec.templateID
        confidenceScore = rec.confidenceScore
        fellBack = r.outcome.fellBack
        fallbackReason = r.outcome.fallbackReason
        toComplete = r.outcome.toComplete
        guessed = r.outcome.guessed
        parties = r.outcome.parties
        templateChoice = r.outcome.templateChoice
        confidenceBasis = r.outcome.confidence.summary
        let analysed = r.outcome.confidence.analysis
        analysis = Analysis(
            complianceLevel: analysed.complianceLevel.rawValue, overallScore: analysed.scores.overall,
            gaps: analysed.gaps.map(\.clause))
        tokenUsage = rec.tokenUsage.map { TokenUsage(prompt: $0.prompt, completion: $0.completion, total: $0.total) }
        redactions = rec.redactions
    }

    enum CodingKeys: String, CodingKey {
        case commit, path, version, provider, model
        case templateID = "template_id"
        case confidenceScore = "confidence_score"
        case fellBack = "fell_back"
        case fallbackReason = "fallback_reason"
        case toComplete = "to_complete"
        case guessed, parties
        case templateChoice = "template_choice"
        case confidenceBasis = "confidence_basis"
        case analysis
        case tokenUsage = "token_usage"
        case redactions
    }
}

/// `analyze --all --json`: one row per contract analysed, and the counts.
struct AnalyzeAllJSON: Encodable {
    var analysed: [Row]
    var recorded: Int
    var unchanged: Int
    var readOnly: Int
    /// The one commit that recorded the batch, when anything was recorded.
    @Nullable var commit: String?

    struct Row: Encodable {
        var path: String
        var overallScore: Double
        var complianceLevel: String
        var riskScore: Int
        var riskLevel: String

        init(_ ref: ContractRef, _ r: AnalysisResult) {
            path = ref.yamlPath
            overallScore = (r.scores.overall * 100).rounded() / 100
            complianceLevel = r.complianceLevel.rawValue
            riskScore = r.riskScore
            riskLevel = r.riskLevel.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case path
            case overallScore = "overall_score"
            case complianceLevel = "compliance_level"
            case riskScore = "risk_score"
            case riskLevel = "risk_level"
        }
    }

    enum CodingKeys: String, CodingKey {
        case analysed, recorded, unchanged, commit
        case readOnly = "read_only"
    }
}
