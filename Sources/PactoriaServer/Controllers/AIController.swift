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
            return JSONBody.response([
                "status": "ok", "ai_configured": config.isConfigured, "model": config.model,
                "local_provider": true, "analyzer": LocalContractAnalyzer.name,
            ])
        }
        generation.post("/contracts/:id/generate") { r, c in try await generate(r, c) }
        generation.post("/contracts/:id/analyze") { r, c in try await analyze(r, c) }
    }

    var contracts: ContractsController { ContractsController(state: state) }

    func provider(_ f: Fields, default def: GenerationProvider) throws -> GenerationProvider {
        guard let p = try f.string("provider") else { return def }
        guard let v = GenerationProvider(rawValue: p) else {
            throw APIError.validation("provider", "must be local or ai")
        }
        return v
    }

    func templates(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        _ = try contracts.require(.read, context)
        let category = request.uri.queryParameters.get("category")
        let list = try await state.read { ws in
            let catalog = try Drafting.catalog(ws)
            return category.map { catalog.templates(inCategory: $0) } ?? catalog.templates
        }
        return JSONBody.response([
            "templates": list.map { t in
                [
                    "id": t.id, "version": t.version, "licence": t.licence, "name": t.name, "category": t.category,
                    "contract_type": t.contractType.rawValue, "description": t.description,
                    "suitable_for": t.suitableFor,
                    "compliance_features": t.complianceFeatures,
                ] as [String: Any]
            },
            "total": list.count,
        ])
    }

    func recommend(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        _ = try contracts.require(.read, context)
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        let description = try f.string("description", required: true)!
        let top = try f.int("top") ?? 3
        let recs = try await state.read { ws in try Drafting.recommend(ws, description: description, top: top) }
        return JSONBody.response([
            "recommendations": recs.map { r in
                [
                    "template_id": r.templateID, "name": r.name, "category": r.category,
                    "contract_type": r.contractType.rawValue,
                    "confidence": (r.confidence * 1000).rounded() / 1000, "reasoning": r.reasons,
                ] as [String: Any]
            }
        ])
    }

    static func analysisJSON(_ r: AnalysisResult) -> [String: Any] {
        var scores: [String: Any] = [:]
        for (name, value) in r.scores.named { scores[name] = (value * 1000).rounded() / 1000 }
        return [
            "analyzer": r.analyzerName, "analyzer_version": r.analyzerVersion, "content_sha256": r.contentSHA256,
            "scores": scores, "overall_score": (r.scores.overall * 1000).rounded() / 1000,
            "compliance_level": r.complianceLevel.rawValue, "compliant": r.isCompliant, "risk_score": r.riskScore,
            "risk_level": r.riskLevel.rawValue, "data_classification": r.dataClassification.rawValue,
            "gaps": r.gaps.map {
                ["clause": $0.clause, "status": $0.status.rawValue, "reason": $0.message, "points_lost": $0.pointsLost]
                    as [String: Any]
            },
            "risk_factors": r.riskFactors.map {
                ["source": $0.source, "description": $0.description, "points": $0.points] as [String: Any]
            },
            "recommendations": r.recommendations.map { ["clause": $0.clause, "text": $0.text] },
        ]
    }

    func analyzeText(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        _ = try contracts.require(.analyze, context)
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        let text = try f.string("text", required: true)!
        let typeText = try f.string("contract_type", required: true)!
        guard let type = ContractType(rawValue: typeText) else {
            throw APIError.validation(
                "contract_type", "unknown contract type '\(typeText)' (expected one of: \(ContractType.allNames))")
        }
        let p = try provider(f, default: .local)
        let r = try await state.read { ws in try Drafting.analyzeText(ws, text: text, type: type, provider: p) }
        return JSONBody.response(Self.analysisJSON(r))
    }

    func generate(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try contracts.require(.generate, context)
        let loaded = try await contracts.contract(context, me)
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        let regenerate = try f.bool("regenerate") ?? false
        let def: GenerationProvider = try await state.read { ws in
            Drafting.aiConfiguration(ws).isConfigured ? .ai : .local
        }
        let p = try provider(f, default: def)
        let noFallback = try f.bool("no_fallback") ?? false
        let who = try await contracts.author(me)
        let r = try await state.write { ws in
            try Drafting.generate(
                ws, spec: loaded.ref.yamlPath, regenerate: regenerate, provider: p, allowFallback: !noFallback,
                author: who)
        }
        let rec = r.outcome.record
        return JSONBody.response([
            "contract_id": loaded.contract.id, "commit": r.commit.hex, "version": r.version,
            "generation": [
                "provider": rec.provider.rawValue, "model": rec.model, "template_id": rec.templateID,
                "template_version": rec.templateVersion, "confidence_score": rec.confidenceScore,
                "processing_time_ms": rec.processingTimeMs, "fell_back": r.outcome.fellBack,
                "fallback_reason": JSONBody.opt(r.outcome.fallbackReason), "to_complete": r.outcome.unfilled,
                "token_usage": JSONBody.opt(
                    rec.tokenUsage.map { ["prompt": $0.prompt, "completion": $0.completion, "total": $0.total] }),
            ] as [String: Any],
        ])
    }

    func analyze(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try contracts.require(.analyze, context)
        let loaded = try await contracts.contract(context, me)
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        let force = try f.bool("force_reanalysis") ?? false
        let p = try provider(f, default: .local)
        let who = try await contracts.author(me)
        let (_, outcome) = try await state.write { ws in
            try Drafting.analyze(ws, spec: loaded.ref.yamlPath, force: force, provider: p, author: who)
        }
        var body: [String: Any] = ["contract_id": loaded.contract.id]
        switch outcome {
        case .recorded(let r, let commit):
            body["analysis"] = Self.analysisJSON(r)
            body["commit"] = commit.hex
            body["recorded"] = true
        case .notRecorded(let r, let reason):
            body["analysis"] = Self.analysisJSON(r)
            body["recorded"] = false
            body["note"] = reason
        case .unchanged(let sha):
            body["recorded"] = false
            body["unchanged"] = true
            body["content_sha256"] = sha
            body["note"] = "content unchanged since the last analysis; send force_reanalysis: true to redo it"
        }
        return JSONBody.response(body)
    }
}
