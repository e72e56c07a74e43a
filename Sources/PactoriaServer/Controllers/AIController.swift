import Foundation
import Hummingbird
import PactoriaAI
import PactoriaAccess
import PactoriaCore
import PactoriaDrafting
import PactoriaGit
import PactoriaWorkspace

/// Templates, recommendation, generation and analysis routes, over the same use cases as the CLI.
struct AIController {
    let state: ServerState

    /// Reads in `group`; recommendation, generation and analysis in `generation` (the `ai` limit).
    func addRoutes(to group: RouterGroup<PactoriaRequestContext>, generation: RouterGroup<PactoriaRequestContext>) {
        group.get("/contracts/templates") { r, c in try await templates(r, c) }
        generation.post("/ai/recommend-template") { r, c in try await recommend(r, c) }
        generation.post("/ai/analyze-contract") { r, c in try await analyzeText(r, c) }
        group.get("/ai/health") { _, c in
            _ = try c.caller()
            let config = try await state.read { ws in Drafting.aiConfiguration(ws) }
            return AIHealthResponse(
                aiConfigured: config.isConfigured, model: config.model, analyzer: LocalContractAnalyzer.name)
        }
        generation.post("/contracts/:id/generate") { r, c in try await generate(r, c) }
        generation.post("/contracts/:id/analyze") { r, c in try await analyze(r, c) }
    }

    var contracts: ContractsController { ContractsController(state: state) }

    func provider(_ p: String?, default def: GenerationProvider) throws -> GenerationProvider {
        guard let p else { return def }
        guard let v = GenerationProvider(rawValue: p) else {
            throw APIError.validation("provider", "must be local or ai")
        }
        return v
    }

    /// With the AI provider, the caller's `ai_analysis` consent when the workspace requires it: a
    /// 403 `consent_required` naming the missing purpose and how to record it.
    func requireConsent(_ me: Identity, _ p: GenerationProvider, activity: String) async throws {
        guard p == .ai else { return }
        let refusal: String? = try await state.read { ws throws(WorkspaceError) in
            do throws(WorkspaceError) {
                try ConsentRecords.requireAIConsent(ws, actor: me.email, activity: activity)
                return nil
            } catch {
                guard case .refused = error else { throw error }
                return error.description
            }
        }
        if let refusal {
            throw APIError(.forbidden, "consent_required", refusal + " (POST /api/v1/security/gdpr/consent)")
        }
    }

    func templates(_ request: Request, _ context: PactoriaRequestContext) async throws -> TemplatesResponse {
        _ = try contracts.require(.read, context)
        let category = request.uri.queryParameters.get("category")
        let list = try await state.read { ws in
            let catalog = try Drafting.catalog(ws)
            return category.map { catalog.templates(inCategory: $0) } ?? catalog.templates
        }
        return TemplatesResponse(templates: list.map(TemplatesResponse.Entry.init), total: list.count)
    }

    func recommend(_ request: Request, _ context: PactoriaRequestContext) async throws -> RecommendResponse {
        _ = try contracts.require(.read, context)
        let body = try await request.decode(RecommendBody.self, context: context, limit: state.config.maxBodyBytes)
        let recs = try await state.read { ws in
            try Drafting.recommend(ws, description: body.description, top: body.top ?? 3)
        }
        return RecommendResponse(recommendations: recs.map(RecommendResponse.Entry.init))
    }

    func analyzeText(_ request: Request, _ context: PactoriaRequestContext) async throws -> AnalysisJSON {
        let me = try contracts.require(.analyze, context)
        let body = try await request.decode(AnalyzeTextBody.self, context: context, limit: state.config.maxBodyBytes)
        guard let type = ContractType(rawValue: body.contractType) else {
            throw APIError.validation(
                "contract_type",
                "unknown contract type '\(body.contractType)' (expected one of: \(ContractType.allNames))")
        }
        let p = try provider(body.provider, default: .local)
        try await requireConsent(me, p, activity: "AI analysis")
        let r = try await state.read { ws in
            try Drafting.analyzeText(ws, text: body.text, type: type, provider: p, actor: me.email)
        }
        return AnalysisJSON(r)
    }

    func generate(_ request: Request, _ context: PactoriaRequestContext) async throws -> GenerateResponse {
        let me = try contracts.require(.generate, context)
        let loaded = try await contracts.contract(context, me)
        let body = try await request.decode(GenerateBody.self, context: context, limit: state.config.maxBodyBytes)
        let def: GenerationProvider = try await state.read { ws in
            Drafting.aiConfiguration(ws).isConfigured ? .ai : .local
        }
        let p = try provider(body.provider, default: def)
        try await requireConsent(me, p, activity: "AI generation")
        let who = try await contracts.author(me)
        let r = try await state.write { ws in
            try Drafting.generate(
                ws, spec: loaded.ref.yamlPath, regenerate: body.regenerate ?? false, provider: p,
                allowFallback: !(body.noFallback ?? false), author: who)
        }
        let rec = r.outcome.record
        return GenerateResponse(
            contractID: loaded.contract.id, commit: r.commit.hex, version: r.version,
            generation: .init(
                provider: rec.provider.rawValue, model: rec.model, templateID: rec.templateID,
                templateVersion: rec.templateVersion, confidenceScore: rec.confidenceScore,
                processingTimeMs: rec.processingTimeMs, fellBack: r.outcome.fellBack,
                fallbackReason: r.outcome.fallbackReason, toComplete: r.outcome.toComplete,
                tokenUsage: rec.tokenUsage.map { .init(prompt: $0.prompt, completion: $0.completion, total: $0.total) },
                guessed: r.outcome.guessed, parties: r.outcome.parties, templateChoice: r.outcome.templateChoice)
        )
    }

    func analyze(_ request: Request, _ context: PactoriaRequestContext) async throws -> AnalyzeOutcomeJSON {
        let me = try contracts.require(.analyze, context)
        let loaded = try await contracts.contract(context, me)
        let body = try await request.decode(AnalyzeBody.self, context: context, limit: state.config.maxBodyBytes)
        let p = try provider(body.provider, default: .local)
        try await requireConsent(me, p, activity: "AI analysis")
        let who = try await contracts.author(me)
        let (_, outcome) = try await state.write { ws in
            try Drafting.analyze(
                ws, spec: loaded.ref.yamlPath, force: body.forceReanalysis ?? false, provider: p, author: who)
        }
        let id = loaded.contract.id
        let path = loaded.ref.yamlPath
        switch outcome {
        case .recorded(let r, let commit):
            return AnalyzeOutcomeJSON(
                contractID: id, path: path, analysis: r, commit: commit.hex, unchanged: false, note: nil,
                contentSHA256: r.contentSHA256)
        case .notRecorded(let r, let reason):
            return AnalyzeOutcomeJSON(
                contractID: id, path: path, analysis: r, commit: nil, unchanged: false, note: reason,
                contentSHA256: r.contentSHA256)
        case .unchanged(let sha):
            return AnalyzeOutcomeJSON(
                contractID: id, path: path, analysis: nil, commit: nil, unchanged: true,
                note: "content unchanged since the last analysis; send force_reanalysis: true to redo it",
                contentSHA256: sha)
        }
    }
}
