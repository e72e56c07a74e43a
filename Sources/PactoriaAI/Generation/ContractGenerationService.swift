public import PactoriaCore

/// Generates a contract's Markdown with the local generator or the AI provider, falling back
/// to local when the AI provider fails and the caller allows it. Reads no clock except a
/// monotonic one for `processingTimeMs`; the creation timestamp is passed in.
public struct ContractGenerationService: Sendable {
    public let localGenerator: LocalContractGenerator
    /// Nil when no AI provider is configured.
    public let aiClient: ChatCompletionsClient?

    public init(localGenerator: LocalContractGenerator = LocalContractGenerator(), aiClient: ChatCompletionsClient?) {
        self.localGenerator = localGenerator
        self.aiClient = aiClient
    }

    /// A service whose AI client is built from `configuration` when it has a key.
    public init(configuration: AIProviderConfiguration) {
        self.init(aiClient: configuration.isConfigured ? ChatCompletionsClient(configuration: configuration) : nil)
    }

    /// Generates `contract`'s content from `template`.
    ///
    /// - `provider: .local` always succeeds.
    /// - `provider: .ai` asks the provider (temperature 0.3). If that fails (not configured,
    ///   offline, timeout, HTTP error, malformed answer) and `allowFallback` is true, the local
    ///   generator writes the content and the outcome says why (`fellBack`, `fallbackReason`);
    ///   otherwise the `AIProviderError` is thrown and nothing is produced.
    ///
    /// Placeholders left in the provider's answer become `[TO COMPLETE: …]`.
    ///
    /// When the AI client's configuration has `redactPersonalData` (the default), personal
    /// data in the prompt (names of the parties and other known people, emails, phone numbers,
    /// addresses, NI numbers: `PersonalDataRedactor`) is replaced by placeholders before it is
    /// sent and restored in the answer; the record counts what was replaced (`redactions`).
    /// `promptSHA256` is the hash of the prompt as sent.
    ///
    /// `companyRole` is the workspace company's role ("Employer"), from `GenerationPlan`.
    public func generate(
        contract: Contract, template: Template, extraValues: [String: String] = [:], provider: GenerationProvider,
        allowFallback: Bool, createdAt: String, companyRole: String? = nil
    ) throws(AIProviderError) -> GenerationOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        // What the brief states (job title, hours, probation, dates, …) under the metadata, so the
        // provider is given the same facts the local generator uses.
        let brief = contract.plainEnglishInput?.trimmingSpaces() ?? ""
        var values = localGenerator.derive(
            contract: contract, template: template, requirements: RequirementsExtractor.extract(brief), brief: brief,
            companyRole: companyRole
        ).values
        for (name, value) in PlaceholderValues.from(contract: contract, extra: extraValues) { values[name] = value }
        var messages = PromptBuilder.generationMessages(contract: contract, template: template, values: values)
        var redaction: RedactionMap?
        if aiClient?.configuration.redactPersonalData ?? true {
            let redacted = PersonalDataRedactor(contract: contract, values: values).redact(messages)
            messages = redacted.messages
            redaction = redacted.map
        }
        let promptSHA = PromptBuilder.sha256(of: messages)

        func elapsedMs() -> Int {
            let (seconds, attoseconds) = (clock.now - started).components
            return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        }

        func local(fallbackReason: String?) -> GenerationOutcome {
            let result = localGenerator.generate(
                contract: contract, template: template, extraValues: extraValues, companyRole: companyRole)
            let record = GenerationRecord(
                provider: .local, model: "\(LocalContractGenerator.name)@\(LocalContractGenerator.version)",
                templateID: template.id, templateVersion: template.version, templateSHA256: template.sha256,
                processingTimeMs: elapsedMs(), tokenUsage: nil, confidenceScore: result.confidence.score,
                promptSHA256: promptSHA, createdAt: createdAt)
            var outcome = GenerationOutcome(
                markdown: result.markdown, record: record, fellBack: fallbackReason != nil,
                fallbackReason: fallbackReason, unfilled: result.rendered.unfilled, confidence: result.confidence)
            outcome.guessed = result.guessed
            return outcome
        }

        guard provider == .ai else { return local(fallbackReason: nil) }
        do throws(AIProviderError) {
            guard let aiClient else { throw AIProviderError.notConfigured }
            let completion = try aiClient.complete(
                ChatCompletionRequest(
                    messages: messages, temperature: ChatCompletionsClient.generationTemperature))
            var markdown = Self.stripCodeFence(redaction?.restore(completion.content) ?? completion.content)
            let marked = TemplateRenderer.markUnfilled(in: markdown)
            markdown = marked.markdown
            if !markdown.hasSuffix("\n") { markdown += "\n" }
            let ownMarkers = Set(marked.names.map(BuiltInPlaceholders.humanDescription(of:)))
            let unfilled = marked.names + Self.markerDescriptions(in: markdown).filter { !ownMarkers.contains($0) }
            let confidence = ConfidenceAssessment.assess(
                markdown: markdown, template: template, contract: contract, values: values, unfilled: marked.names)
            let record = GenerationRecord(
                provider: .ai, model: completion.model, templateID: template.id, templateVersion: template.version,
                templateSHA256: template.sha256, processingTimeMs: elapsedMs(), tokenUsage: completion.usage,
                confidenceScore: confidence.score, promptSHA256: promptSHA, createdAt: createdAt,
                redactions: redaction?.counts)
            return GenerationOutcome(
                markdown: markdown, record: record, fellBack: false, fallbackReason: nil, unfilled: unfilled,
                confidence: confidence)
        } catch {
            guard allowFallback else { throw error }
            // Committed with the contract: the kind of failure only, never a URL, host or key.
            var outcome = local(fallbackReason: "\(error.publicMessage); used the local generator instead")
            outcome.fallbackDetail = error.message
            return outcome
        }
    }

    /// Removes a Markdown code fence wrapped around the whole answer.
    static func stripCodeFence(_ text: String) -> String {
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasPrefix("```"), trimmed.hasSuffix("```"), trimmed.count > 6 else { return trimmed }
        var lines = trimmed.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2 else { return trimmed }
        lines.removeFirst()
        lines.removeLast()
        return lines.joined(separator: "\n").trimmingSpaces()
    }

    /// Descriptions inside `[TO COMPLETE: …]` markers the provider wrote itself.
    static func markerDescriptions(in markdown: String) -> [String] {
        var found: [String] = []
        var rest = markdown[...]
        while let start = rest.firstRange(of: TemplateRenderer.markerPrefix) {
            let after = rest[start.upperBound...]
            guard let close = after.firstIndex(of: "]") else { break }
            let text = String(after[..<close])
            if !found.contains(text) { found.append(text) }
            rest = after[close...]
        }
        return found
    }
}
