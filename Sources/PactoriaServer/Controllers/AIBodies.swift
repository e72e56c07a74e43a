public import Hummingbird
import PactoriaAI
import PactoriaCore

// Request and response bodies of the templates, recommendation, generation and analysis routes.

extension AnalysisJSON: ResponseEncodable {}
extension AnalyzeOutcomeJSON: ResponseEncodable {}

/// `POST /ai/recommend-template`.
struct RecommendBody: Decodable {
    var description: String
    var top: Int?

    enum CodingKeys: String, CodingKey {
        case description, top
    }
}

/// `POST /ai/analyze-contract`.
struct AnalyzeTextBody: Decodable {
    var text: String
    var contractType: String
    var provider: String?

    enum CodingKeys: String, CodingKey {
        case text, provider
        case contractType = "contract_type"
    }
}

/// `POST /contracts/:id/generate`.
struct GenerateBody: Decodable {
    var regenerate: Bool?
    var provider: String?
    var noFallback: Bool?

    enum CodingKeys: String, CodingKey {
        case regenerate, provider
        case noFallback = "no_fallback"
    }
}

/// `POST /contracts/:id/analyze`.
struct AnalyzeBody: Decodable {
    var forceReanalysis: Bool?
    var provider: String?

    enum CodingKeys: String, CodingKey {
        case provider
        case forceReanalysis = "force_reanalysis"
    }
}

/// `GET /ai/health`.
struct AIHealthResponse: ResponseEncodable {
    var status = "ok"
    var aiConfigured: Bool
    var model: String
    var localProvider = true
    var analyzer: String

    enum CodingKeys: String, CodingKey {
        case status, model, analyzer
        case aiConfigured = "ai_configured"
        case localProvider = "local_provider"
    }
}

/// `GET /contracts/templates`.
struct TemplatesResponse: ResponseEncodable {
    var templates: [Entry]
    var total: Int

    struct Entry: Encodable {
        var id: String
        var version: String
        var licence: String
        var name: String
        var category: String
        var contractType: String
        var description: String
        var suitableFor: [String]
        var complianceFeatures: [String]

        init(_ t: Template) {
            id = t.id
            version = t.version
            licence = t.licence
            name = t.name
            category = t.category
            contractType = t.contractType.rawValue
            description = t.description
            suitableFor = t.suitableFor
            complianceFeatures = t.complianceFeatures
        }

        enum CodingKeys: String, CodingKey {
            case id, version, licence, name, category, description
            case contractType = "contract_type"
            case suitableFor = "suitable_for"
            case complianceFeatures = "compliance_features"
        }
    }

    enum CodingKeys: String, CodingKey {
        case templates, total
    }
}

/// `POST /ai/recommend-template`.
struct RecommendResponse: ResponseEncodable {
    var recommendations: [Entry]

    struct Entry: Encodable {
        var templateID: String
        var name: String
        var category: String
        var contractType: String
        var confidence: Double
        var reasoning: [String]

        init(_ r: Recommendation) {
            templateID = r.templateID
            name = r.name
            category = r.category
            contractType = r.contractType.rawValue
            confidence = (r.confidence * 1000).rounded() / 1000
            reasoning = r.reasons
        }

        enum CodingKeys: String, CodingKey {
            case name, category, confidence, reasoning
            case templateID = "template_id"
            case contractType = "contract_type"
        }
    }

    enum CodingKeys: String, CodingKey {
        case recommendations
    }
}

/// `POST /contracts/:id/generate`.
struct GenerateResponse: ResponseEncodable {
    var contractID: String
    var commit: String
    var version: Int
    var generation: Generation

    struct Generation: Encodable {
        var provider: String
        var model: String
        var templateID: String
        var templateVersion: String
        var confidenceScore: Double
        var processingTimeMs: Int
        var fellBack: Bool
        var fallbackReason: String?
        var toComplete: [String]
        var tokenUsage: TokenUsage?
        /// Values guessed rather than stated, "name: why".
        var guessed: [String] = []
        /// Who is who, in one line.
        var parties: String?
        /// Why the template was chosen, when the contract named none.
        var templateChoice: String?

        struct TokenUsage: Encodable {
            var prompt: Int
            var completion: Int
            var total: Int

            enum CodingKeys: String, CodingKey {
                case prompt, completion, total
            }
        }

        enum CodingKeys: String, CodingKey {
            case provider, model
            case templateID = "template_id"
            case templateVersion = "template_version"
            case confidenceScore = "confidence_score"
            case processingTimeMs = "processing_time_ms"
            case fellBack = "fell_back"
            case fallbackReason = "fallback_reason"
            case toComplete = "to_complete"
            case tokenUsage = "token_usage"
            case guessed, parties
            case templateChoice = "template_choice"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(provider, forKey: .provider)
            try c.encode(model, forKey: .model)
            try c.encode(templateID, forKey: .templateID)
            try c.encode(templateVersion, forKey: .templateVersion)
            try c.encode(confidenceScore, forKey: .confidenceScore)
            try c.encode(processingTimeMs, forKey: .processingTimeMs)
            try c.encode(fellBack, forKey: .fellBack)
            try c.encode(fallbackReason, forKey: .fallbackReason)
            try c.encode(toComplete, forKey: .toComplete)
            try c.encode(tokenUsage, forKey: .tokenUsage)
            try c.encode(guessed, forKey: .guessed)
            try c.encode(parties, forKey: .parties)
            try c.encode(templateChoice, forKey: .templateChoice)
        }
    }

    enum CodingKeys: String, CodingKey {
        case commit, version, generation
        case contractID = "contract_id"
    }
}
