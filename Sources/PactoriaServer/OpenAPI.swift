import Foundation
import Hummingbird
import PactoriaCore
public import PactoriaWorkspace

/// The OpenAPI 3 description of what the server does. A test checks every route against it.
public enum OpenAPIDocument {
    /// Every route as (method, path) in OpenAPI's `{param}` form, with its summary, whether it
    /// needs a token, its success status and the error statuses it can answer.
    public struct Operation: Sendable {
        public var method: String
        public var path: String
        public var summary: String
        public var secured: Bool
        public var success: Int
        public var errors: [Int]
        public var body: [String: String]?
        public var query: [String]
        /// The schema (in `components.schemas`) of the success body, if it has one of the shared shapes.
        public var response: String? = nil
        /// A success body that is not JSON (`text/html` for the report).
        public var mediaType: String? = nil
    }

    static let common = [401, 429, 500]
    static let byID = [401, 403, 404, 429, 500]

    public static let operations: [Operation] = [
        .init(
            method: "get", path: "/health", summary: "Liveness: status, version and time", secured: false, success: 200,
            errors: [], body: nil, query: []),
        .init(
            method: "get", path: "/ready", summary: "Readiness: workspace readable and git repository healthy",
            secured: false, success: 200, errors: [503], body: nil, query: []),
        .init(
            method: "get", path: "/openapi.json", summary: "This document", secured: false, success: 200, errors: [],
            body: nil, query: []),
        .init(
            method: "post", path: "/api/v1/auth/login", summary: "Exchange email and password for a bearer token",
            secured: false, success: 200, errors: [400, 401, 415, 422, 423, 429],
            body: ["email": "string", "password": "string"], query: []),
        .init(
            method: "post", path: "/api/v1/auth/register",
            summary: "Create a company (starter tier) and its admin user, when open registration is enabled",
            secured: false, success: 201, errors: [400, 403, 415, 422, 429],
            body: [
                "email": "string", "full_name": "string", "password": "string", "company_name": "string",
                "timezone": "string",
            ], query: []),
        .init(
            method: "post", path: "/api/v1/auth/logout", summary: "End every token of the caller (this one included)",
            secured: true, success: 204, errors: common, body: nil, query: []),
        .init(
            method: "get", path: "/api/v1/contracts",
            summary: "List the caller's company's contracts, filtered and paged", secured: true, success: 200,
            errors: common + [403, 422], body: nil,
            query: ["page", "size", "contract_type", "status", "search", "as_of"],
            response: "ContractList"),
        .init(
            method: "post", path: "/api/v1/contracts", summary: "Create a draft contract (one commit)", secured: true,
            success: 201, errors: common + [400, 403, 404, 413, 415, 422],
            body: [
                "title": "string", "contract_type": "string", "client": "object", "supplier": "object",
                "contract_value": "object", "start_date": "string", "end_date": "string",
                "plain_english_input": "string", "template_id": "string",
            ], query: [], response: "ContractWrite"),
        .init(
            method: "get", path: "/api/v1/contracts/templates", summary: "The UK contract templates", secured: true,
            success: 200, errors: common, body: nil, query: ["category"]),
        .init(
            method: "get", path: "/api/v1/contracts/{id}", summary: "One contract's metadata", secured: true,
            success: 200, errors: byID, body: nil, query: [], response: "ContractDetail"),
        .init(
            method: "patch", path: "/api/v1/contracts/{id}",
            summary: "Edit metadata within the lifecycle rules (one commit); `version` guards against concurrent edits",
            secured: true, success: 200, errors: byID + [400, 409, 413, 415, 422],
            body: [
                "title": "string", "contract_type": "string", "client": "object", "supplier": "object",
                "contract_value": "object", "start_date": "string", "end_date": "string",
                "plain_english_input": "string", "template_id": "string", "version": "integer",
            ], query: [], response: "ContractWrite"),
        .init(
            method: "get", path: "/api/v1/contracts/{id}/content", summary: "The contract's Markdown", secured: true,
            success: 200, errors: byID, body: nil, query: []),
        .init(
            method: "get", path: "/api/v1/contracts/{id}/versions", summary: "The contract's history", secured: true,
            success: 200, errors: byID, body: nil, query: []),
        .init(
            method: "get", path: "/api/v1/contracts/{id}/diff",
            summary: "Field and content differences between two revisions", secured: true, success: 200, errors: byID,
            body: nil, query: ["from", "to"]),
        .init(
            method: "post", path: "/api/v1/contracts/{id}/generate",
            summary: "Generate the contract's content from its template (one commit)", secured: true, success: 200,
            errors: byID + [400, 409, 415, 422, 502],
            body: ["regenerate": "boolean", "provider": "string", "no_fallback": "boolean"], query: []),
        .init(
            method: "post", path: "/api/v1/contracts/{id}/analyze",
            summary: "UK compliance and risk analysis (one commit)", secured: true, success: 200,
            errors: byID + [400, 415, 422, 502], body: ["force_reanalysis": "boolean", "provider": "string"], query: [],
            response: "AnalyzeOutcome"),
        .init(
            method: "post", path: "/api/v1/contracts/{id}/transitions", summary: "A lifecycle transition (one commit)",
            secured: true, success: 200, errors: byID + [400, 409, 415, 422],
            body: ["action": "string", "reason": "string", "version": "integer"], query: [], response: "ContractWrite"),
        .init(
            method: "post", path: "/api/v1/ai/recommend-template", summary: "Rank templates for a plain-English need",
            secured: true, success: 200, errors: common + [415, 422],
            body: ["description": "string", "top": "integer"], query: []),
        .init(
            method: "post", path: "/api/v1/ai/analyze-contract", summary: "Analyse text that is not in the workspace",
            secured: true, success: 200, errors: common + [403, 413, 415, 422, 502],
            body: ["text": "string", "contract_type": "string"], query: [], response: "Analysis"),
        .init(
            method: "get", path: "/api/v1/ai/health", summary: "Whether an AI provider is configured", secured: true,
            success: 200, errors: common, body: nil, query: []),
        .init(
            method: "get", path: "/api/v1/audit", summary: "The audit trail, filtered and paged", secured: true,
            success: 200, errors: common + [422], body: nil,
            query: ["contract", "event", "actor", "since", "until", "page", "size"]),
        .init(
            method: "get", path: "/api/v1/analytics/business",
            summary: "Counts by status, value per currency, compliance, risk, growth and value expiring", secured: true,
            success: 200, errors: common + [403, 404, 422], body: nil, query: ["company", "as_of"]),
        .init(
            method: "get", path: "/api/v1/analytics/compliance",
            summary: "Average scores per area, risk distribution, trend, stale and missing analyses", secured: true,
            success: 200, errors: common + [403, 404, 422], body: nil, query: ["company", "as_of"]),
        .init(
            method: "get", path: "/api/v1/analytics/time-series/{metric}",
            summary:
                "contracts_created, contracts_activated, contract_value or compliance_scores per day, week or month, from the history",
            secured: true, success: 200, errors: common + [403, 404, 422], body: nil,
            query: ["period", "days", "company", "as_of"]),
        .init(
            method: "get", path: "/api/v1/queue",
            summary:
                "What needs attention, oldest first: pending review, analyses missing or stale, high risk, low compliance, placeholders, ends, renewals and notice deadlines within `days` (0-365, default 30)",
            secured: true, success: 200, errors: common + [403, 404, 422], body: nil,
            query: ["days", "company", "as_of"]),
        .init(
            method: "get", path: "/api/v1/calendar.ics",
            summary:
                "iCalendar (text/calendar) of end dates, renewals and notice deadlines of active and pending contracts",
            secured: true, success: 200, errors: common + [403, 404, 422], body: nil, query: ["company", "as_of"]),
        .init(
            method: "get", path: "/api/v1/security/events", summary: "Security events (admins only)", secured: true,
            success: 200, errors: common + [403], body: nil, query: ["page", "size"]),
        .init(
            method: "get", path: "/api/v1/analytics/performance",
            summary:
                "Generation and analysis times and token usage (own company; operators: all), and the requests answered since start, per route (admins only)",
            secured: true, success: 200, errors: common + [403, 404, 422], body: nil, query: ["as_of"]),
        .init(
            method: "get", path: "/metrics",
            summary: "Prometheus text format 0.0.4: requests and latency per route, contracts by status (admins only)",
            secured: true, success: 200, errors: common + [403], body: nil, query: [], mediaType: "text/plain"),
        .init(
            method: "post", path: "/api/v1/security/gdpr/data-request",
            summary: "Record a data-subject request (admins only, own company; one commit)", secured: true,
            success: 201, errors: common + [400, 403, 404, 415, 422],
            body: [
                "request_type": "string", "subject": "string", "details": "string", "received_date": "string",
                "company": "string",
            ], query: []),
        .init(
            method: "get", path: "/api/v1/security/gdpr/data-request",
            summary: "Data-subject requests, overdue first (admins only, own company)", secured: true,
            success: 200, errors: common + [403, 404], body: nil, query: ["company"]),
        .init(
            method: "post", path: "/api/v1/security/gdpr/consent",
            summary: "Record consent given (your own; admins also for their company's subjects; one commit)",
            secured: true, success: 201, errors: common + [400, 403, 404, 415, 422],
            body: [
                "purpose": "string", "legal_basis": "string", "text": "string", "method": "string",
                "subject": "string", "company": "string",
            ], query: []),
        .init(
            method: "post", path: "/api/v1/security/gdpr/consent/withdraw",
            summary: "Record consent withdrawn (a new record; your own, or an admin's company's subjects)",
            secured: true, success: 201, errors: common + [400, 403, 404, 415, 422],
            body: [
                "purpose": "string", "text": "string", "method": "string", "subject": "string", "company": "string",
            ],
            query: []),
        .init(
            method: "get", path: "/api/v1/security/gdpr/consent",
            summary: "Consent records, oldest first (your own; admins: their company's)", secured: true,
            success: 200, errors: common + [403, 404], body: nil, query: ["subject", "company"]),
        .init(
            method: "get", path: "/api/v1/security/gdpr/consent/check",
            summary: "Whether a subject's consent for a purpose is valid (its latest record gives it)",
            secured: true, success: 200, errors: common + [403, 404, 422], body: nil, query: ["purpose", "subject"]),
        .init(
            method: "get", path: "/report",
            summary:
                "The HTML report of the caller's company (self-contained, no script; bearer token as for /api/v1; operators may pass company)",
            secured: true, success: 200, errors: common + [404, 422], body: nil, query: ["as_of", "company"],
            mediaType: "text/html"),
    ]

    public static var document: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for op in operations {
            var success: [String: JSONValue] = ["description": "Success"]
            if let schema = op.response {
                success["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]
            }
            if let media = op.mediaType { success["content"] = [media: ["schema": ["type": "string"]]] }
            var responses: [String: JSONValue] = ["\(op.success)": .object(success)]
            for e in op.errors { responses["\(e)"] = ["$ref": "#/components/responses/Error"] }
            var o: [String: JSONValue] = [
                "summary": .string(op.summary), "responses": .object(responses),
                "operationId": "\(op.method)_\(op.path)",
            ]
            var params: [JSONValue] = []
            // Every `{name}` in the path is a required path parameter.
            for segment in op.path.split(separator: "/") where segment.hasPrefix("{") && segment.hasSuffix("}") {
                let name = String(segment.dropFirst().dropLast())
                params.append(["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]])
            }
            for q in op.query {
                params.append(["name": .string(q), "in": "query", "required": false, "schema": ["type": "string"]])
            }
            if !params.isEmpty { o["parameters"] = .array(params) }
            if let body = op.body {
                o["requestBody"] = [
                    "required": true,
                    "content": [
                        "application/json": [
                            "schema": [
                                "type": "object", "properties": .object(body.mapValues { ["type": .string($0)] }),
                            ]
                        ]
                    ],
                ]
            }
            o["security"] = op.secured ? [["bearerAuth": []]] : []
            paths[op.path, default: [:]][op.method] = .object(o)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Pactoria", "version": .string(PactoriaVersion.current),
                "description": "A git-native contract repository for UK small businesses.",
            ],
            "servers": [["url": "http://127.0.0.1:8000"]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
                "responses": [
                    "Error": [
                        "description": "An error",
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                    ]
                ],
                "schemas": schemas,
            ],
        ]
    }

    /// The shared JSON shapes (docs/JSON.md), by the names the library gives them: `ContractSummary`
    /// is `ContractSummaryJSON`, `ContractDetail` is `ContractDetailJSON`, and so on. A conformance
    /// test checks their properties against real answers.
    static var schemas: JSONValue {
        func ref(_ name: String) -> JSONValue { ["$ref": "#/components/schemas/\(name)"] }
        func nullable(_ o: JSONValue) -> JSONValue {
            guard case .object(var fields) = o else { return o }
            fields["nullable"] = true
            return .object(fields)
        }
        func object(_ props: [String: JSONValue], required: [String]? = nil) -> JSONValue {
            [
                "type": "object", "properties": .object(props),
                "required": .array((required ?? props.keys.sorted()).map { .string($0) }),
            ]
        }
        let string: JSONValue = ["type": "string"]
        let optionalString: JSONValue = ["type": "string", "nullable": true]
        let integer: JSONValue = ["type": "integer"]
        let number: JSONValue = ["type": "number"]
        let boolean: JSONValue = ["type": "boolean"]
        let common: [String: JSONValue] = [
            "id": string, "company": string, "stem": string, "path": string, "title": string, "contract_type": string,
            "status": string, "version": integer, "contract_value": nullable(ref("Money")),
            "start_date": optionalString, "end_date": optionalString, "updated_at": optionalString,
        ]
        let detail = common.merging([
            "plain_english_input": optionalString, "client": nullable(ref("Party")), "supplier": nullable(ref("Party")),
            "template_id": optionalString, "created_by": optionalString, "created_at": optionalString,
            "lifecycle": nullable([
                "type": "object", "description": "final_content and one stamp {by, at, reason} per event",
            ]),
            "generation": nullable(["type": "object", "description": "as recorded by generate"]),
            "compliance": nullable(["type": "object", "description": "as recorded by analyze, typed"]),
        ]) { a, _ in a }
        let analysis: [String: JSONValue] = [
            "analyzer": string, "analyzer_version": string, "model": optionalString, "content_sha256": string,
            "contract_type": string, "scores": ["type": "object", "additionalProperties": number],
            "overall_score": number, "compliance_level": string, "compliant": boolean, "risk_score": integer,
            "risk_level": string, "data_classification": string, "data_classification_reason": string,
            "document_kind": optionalString,
            "gaps": [
                "type": "array",
                "items": [
                    "type": "object",
                    "description":
                        "{clause, status (partial | missing | negated | unfair), reason, points_lost, location, rule}",
                ],
            ],
            "placeholders": ["type": "array", "items": ["type": "object", "description": "{text, location}"]],
            "dropped_claims": ["type": "array", "items": string],
            "risk_factors": ["type": "array", "items": ["type": "object"]],
            "recommendations": ["type": "array", "items": ["type": "object"]],
        ]
        return [
            "Error": object(
                ["error": string, "detail": string, "field": string], required: ["error", "detail"]),
            "Money": object([
                "amount": ["type": "string", "description": "exact decimal, e.g. 1250.00"], "currency": string,
            ]),
            "PartySummary": object(["name": string, "company": optionalString]),
            "Party": object([
                "name": string, "email": optionalString, "company": optionalString, "company_number": optionalString,
                "role": optionalString,
            ]),
            "ContractSummary": object(
                common.merging(["client": nullable(ref("PartySummary")), "supplier": nullable(ref("PartySummary"))]) {
                    a, _ in a
                }),
            "ContractList": object([
                "contracts": ["type": "array", "items": ref("ContractSummary")], "total": integer, "page": integer,
                "size": integer, "pages": integer,
                "problems": [
                    "type": "array",
                    "items": object(["company": string, "path": string, "message": string]),
                ],
            ]),
            "ContractDetail": object(detail),
            "ContractWrite": [
                "allOf": [
                    ref("ContractDetail"),
                    object(
                        ["commit": optionalString, "transition": ["type": "object"]], required: ["commit"]),
                ]
            ],
            "Analysis": object(analysis),
            "AnalyzeOutcome": object([
                "contract_id": string, "path": string, "recorded": boolean, "unchanged": boolean,
                "commit": optionalString, "note": optionalString, "content_sha256": string,
                "analysis": nullable(ref("Analysis")),
            ]),
        ]
    }

    static func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try? encoder.encode(document)
        return JSONBody.response(bytes: Array(data ?? Data()))
    }
}
