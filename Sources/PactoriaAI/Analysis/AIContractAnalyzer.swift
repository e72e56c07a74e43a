import Foundation
public import PactoriaCore
import PactoriaCrypto

/// Compliance and risk analysis by the AI provider. The provider is asked (temperature 0.2,
/// `response_format: json_object`) for scores, a risk score, risk factors, recommendations and
/// findings; the answer is checked strictly. Anything malformed — not a JSON object, a missing
/// field, a score outside 0...1, a risk score outside 1...10 or not an integer, items of the
/// wrong shape — is `AIProviderError.malformedResponse`, and nothing is returned.
///
/// Which category scores apply follows the local analyser (categories that do not apply to
/// the contract type are left out even if the provider sends them); the compliance level,
/// compliant flag, risk level and data classification are derived locally.
///
/// The provider's findings go through `AIClaimValidator`: a claim that names a clause the local
/// analyser checks and makes it worse, quoting words that are in the contract, replaces the local
/// finding; every other claim is dropped and listed in `droppedClaims`. The other findings are
/// the local analyser's, so placeholders, locations and rules are always there.
public struct AIContractAnalyzer: Sendable {
    public static let name = "pactoria-ai-analyzer"
    public static let version = "1.0.0"

    public let client: ChatCompletionsClient

    public init(client: ChatCompletionsClient) {
        self.client = client
    }

    /// With the client configuration's `redactPersonalData` (the default), personal data in the
    /// prompt is replaced by placeholders (the parties' names known from `contract`, and what
    /// `PersonalDataRedactor` finds) and restored in the JSON answer before it is checked.
    public func analyze(markdown: String, contract: Contract) throws(AIProviderError) -> AnalysisResult {
        try analyze(
            text: markdown, type: contract.type ?? .other, context: AnalysisContext(contract: contract),
            redactor: PersonalDataRedactor(contract: contract))
    }

    public func analyze(text markdown: String, type: ContractType, context: AnalysisContext = AnalysisContext())
        throws(AIProviderError) -> AnalysisResult
    {
        try analyze(text: markdown, type: type, context: context, redactor: PersonalDataRedactor())
    }

    func analyze(text markdown: String, type: ContractType, context: AnalysisContext, redactor: PersonalDataRedactor)
        throws(AIProviderError) -> AnalysisResult
    {
        let local = LocalContractAnalyzer().analyze(text: markdown, type: type, context: context)
        let applicable = local.scores.named.map(\.name).filter { $0 != "overall" }
        var messages = PromptBuilder.analysisMessages(markdown: markdown, type: type, applicableScores: applicable)
        var redaction: RedactionMap?
        if client.configuration.redactPersonalData {
            let redacted = redactor.redact(messages)
            messages = redacted.messages
            redaction = redacted.map
        }
        let completion = try client.complete(
            ChatCompletionRequest(
                messages: messages, temperature: ChatCompletionsClient.analysisTemperature, responseFormat: .jsonObject)
        )
        let parsed = try Self.parse(
            redaction?.restoreJSON(completion.content) ?? completion.content, applicable: applicable)
        let claims = parsed.findings.enumerated().map { index, finding in
            AIClaim(
                clause: finding.clause, status: finding.status, message: finding.message,
                evidence: index < parsed.quotes.count ? parsed.quotes[index] : nil)
        }
        let outcome = AIClaimValidator.validate(claims, local: local.findings, text: markdown)
        var findings = local.findings
        for claim in outcome.accepted {
            guard let position = findings.firstIndex(where: { $0.clause == claim.clause }) else { continue }
            let mine = findings[position]
            findings[position].status = claim.status
            findings[position].message = "\(mine.name): \(claim.status.rawValue) (AI provider) — \(claim.message)"
        }
        let dropped = outcome.dropped.map { "\($0.clause): \($0.reason)" }
        var result = AnalysisResult(
            analyzerName: Self.name, analyzerVersion: Self.version, model: completion.model,
            contentSHA256: Digest.sha256Hex(markdown), contractType: type, scores: parsed.scores,
            riskScore: parsed.riskScore, findings: findings, riskFactors: parsed.riskFactors,
            recommendations: parsed.recommendations, dataClassification: local.dataClassification,
            dataClassificationReason: local.dataClassificationReason)
        result.placeholders = local.placeholders
        result.documentKind = local.documentKind
        result.droppedClaims = dropped
        return result
    }

    struct Parsed {
        var scores: ComplianceScores
        var riskScore: Int
        var findings: [ComplianceFinding]
        var riskFactors: [RiskFactor]
        var recommendations: [ComplianceRecommendation]
        /// The supporting quote of each finding, in order.
        var quotes: [String?] = []
    }

    /// Checks and converts the provider's JSON answer.
    static func parse(_ content: String, applicable: [String]) throws(AIProviderError) -> Parsed {
        let text = ContractGenerationService.stripCodeFence(content)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let root = object as? [String: Any]
        else { throw .malformedResponse("analysis is not a JSON object") }

        func score(_ field: String) throws(AIProviderError) -> Double {
            guard let value = root[field] else { throw .malformedResponse("analysis has no \(field)") }
            guard let number = JSONValue.double(value), !(value is String) else {
                throw .malformedResponse("\(field) is not a number")
            }
            guard (0...1).contains(number) else { throw .malformedResponse("\(field) \(number) is outside 0...1") }
            return LocalContractAnalyzer.round(number)
        }

        let overall = try score("overall_score")
        var category: [String: Double] = [:]
        for name in applicable { category[name] = try score("\(name)_score") }

        guard let riskValue = root["risk_score"] else { throw .malformedResponse("analysis has no risk_score") }
        guard !(riskValue is String), let risk = JSONValue.int(riskValue) else {
            throw .malformedResponse("risk_score is not an integer")
        }
        guard (1...10).contains(risk) else { throw .malformedResponse("risk_score \(risk) is outside 1...10") }

        func items(_ field: String, required: Bool) throws(AIProviderError) -> [[String: String]] {
            guard let value = root[field] else {
                if required { throw .malformedResponse("analysis has no \(field)") }
                return []
            }
            guard let array = value as? [Any] else { throw .malformedResponse("\(field) is not an array") }
            var result: [[String: String]] = []
            for item in array {
                if let line = item as? String {
                    result.append(["text": line])
                } else if let dictionary = item as? [String: Any] {
                    var strings: [String: String] = [:]
                    for (key, value) in dictionary {
                        if let string = value as? String { strings[key] = string }
                    }
                    result.append(strings)
                } else {
                    throw .malformedResponse("\(field) items must be objects or strings")
                }
            }
            return result
        }

        let riskFactors = try items("risk_factors", required: true).map { item throws(AIProviderError) in
            guard let description = item["description"] ?? item["text"], !description.isEmpty else {
                throw AIProviderError.malformedResponse("risk_factors items need a description")
            }
            return RiskFactor(
                source: item["source"] ?? item["clause"] ?? "general", description: description, points: 0)
        }
        let recommendations = try items("recommendations", required: true).map { item throws(AIProviderError) in
            guard let text = item["text"] ?? item["recommendation"] ?? item["description"], !text.isEmpty else {
                throw AIProviderError.malformedResponse("recommendations items need a text")
            }
            return ComplianceRecommendation(clause: item["clause"] ?? item["source"] ?? "general", text: text)
        }
        let findings = try items("findings", required: false).map { item throws(AIProviderError) in
            guard let clause = item["clause"], let statusText = item["status"],
                let status = ClauseStatus(rawValue: statusText.lowercased())
            else {
                throw AIProviderError.malformedResponse(
                    "findings items need a clause and a status (present, partial, missing, negated, unfair)")
            }
            return ComplianceFinding(
                clause: clause, name: clause, category: "general", status: status,
                message: item["message"] ?? "\(clause): \(status.rawValue)", pointsLost: 0)
        }

        let scores = ComplianceScores(
            overall: overall, gdpr: category["gdpr"], employmentLaw: category["employment_law"],
            consumerRights: category["consumer_rights"], commercialTerms: category["commercial_terms"])
        let quotes = try items("findings", required: false).map { $0["quote"] ?? $0["evidence"] }
        return Parsed(
            scores: scores, riskScore: risk, findings: findings, riskFactors: riskFactors,
            recommendations: recommendations, quotes: quotes)
    }
}

extension String {
    /// This file's `contains` is the byte search (`containsBytes`), not Foundation's bridged one.
    fileprivate func contains(_ other: String) -> Bool { containsBytes(other) }
}
