/// Which engine writes a contract.
public enum GenerationProvider: String, Sendable, Equatable, Codable, CaseIterable {
    /// `LocalContractGenerator`, offline.
    case local
    /// The configured chat-completions provider.
    case ai
}

/// What is recorded about a generation (the contract's `generation` section).
public struct GenerationRecord: Sendable, Equatable, Codable {
    /// The provider that produced the content (`local` after a fallback).
    public var provider: GenerationProvider
    /// The model (AI) or `pactoria-local-generator@1.0.0` (local).
    public var model: String
    public var templateID: String
    public var templateVersion: String
    /// SHA-256 of the template file used.
    public var templateSHA256: String
    public var processingTimeMs: Int
    /// Tokens, when the provider reports them.
    public var tokenUsage: TokenUsage?
    /// `ConfidenceAssessment.score` of the content.
    public var confidenceScore: Double
    /// SHA-256 of the prompt (`PromptBuilder.sha256(of:)`); for local generation, of the prompt
    /// that would have been sent, so the same inputs always give the same hash.
    public var promptSHA256: String
    /// ISO 8601 timestamp given by the caller.
    public var createdAt: String
    /// What personal data was replaced by placeholders before the prompt was sent to the AI
    /// provider, as counts per category (never the values); nil when nothing was sent
    /// (local generation) or redaction was off. Records written before it decode with nil.
    public var redactions: RedactionCounts?

    public init(
        provider: GenerationProvider, model: String, templateID: String, templateVersion: String,
        templateSHA256: String, processingTimeMs: Int, tokenUsage: TokenUsage?, confidenceScore: Double,
        promptSHA256: String, createdAt: String, redactions: RedactionCounts? = nil
    ) {
        self.redactions = redactions
        self.provider = provider
        self.model = model
        self.templateID = templateID
        self.templateVersion = templateVersion
        self.templateSHA256 = templateSHA256
        self.processingTimeMs = processingTimeMs
        self.tokenUsage = tokenUsage
        self.confidenceScore = confidenceScore
        self.promptSHA256 = promptSHA256
        self.createdAt = createdAt
    }
}

extension GenerationRecord {
    enum CodingKeys: String, CodingKey {
        case provider, model
        case templateID = "template_id"
        case templateVersion = "template_version"
        case templateSHA256 = "template_sha256"
        case processingTimeMs = "processing_time_ms"
        case tokenUsage = "token_usage"
        case confidenceScore = "confidence_score"
        case promptSHA256 = "prompt_sha256"
        case createdAt = "created_at"
        case redactions
    }
}

/// The result of `ContractGenerationService.generate`.
public struct GenerationOutcome: Sendable, Equatable {
    /// The contract Markdown.
    public var markdown: String
    public var record: GenerationRecord
    /// The AI provider was asked for and failed, so the local generator wrote the content.
    public var fellBack: Bool
    /// Why it fell back, in one line (no secrets, no URL or host: it is committed).
    public var fallbackReason: String?
    /// The provider's full error (may name the endpoint), for verbose output and local logs
    /// only; never committed nor sent in an API body.
    public var fallbackDetail: String?
    /// Placeholders left as `[TO COMPLETE: …]`.
    public var unfilled: [String]
    /// Values guessed rather than stated, each "name: why" (a template default standing in for
    /// a fact the brief does not give, duties inferred from the job title).
    public var guessed: [String] = []
    public var confidence: ConfidenceAssessment
    /// Who is who, in one line ("Ancoats Coffee Co Ltd is the Employer and Sam Taylor the Employee (…)").
    public var parties: String?
    /// Why the template was chosen, when the contract had none ("chose template-employment-002 …").
    public var templateChoice: String?

    /// Everything to complete by hand: the unfilled placeholders, then the guessed values.
    public var toComplete: [String] {
        var names = unfilled
        for entry in guessed {
            let name = String(entry.prefix { $0 != ":" })
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    public init(
        markdown: String, record: GenerationRecord, fellBack: Bool, fallbackReason: String?, unfilled: [String],
        confidence: ConfidenceAssessment
    ) {
        self.markdown = markdown
        self.record = record
        self.fellBack = fellBack
        self.fallbackReason = fallbackReason
        self.unfilled = unfilled
        self.confidence = confidence
    }
}
