import Foundation
public import HTTPTypes
public import Hummingbird
import PactoriaCore
import PactoriaWorkspace

/// Every error the API answers, in one JSON shape: `{"error", "detail", "field"?}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var error: String
    public var detail: String
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ error: String, _ detail: String, field: String? = nil) {
        self.status = status
        self.error = error
        self.detail = detail
        self.field = field
    }

    /// The body: `{"error", "detail", "field"?}` (no `field` when the error names none).
    struct Body: Encodable {
        var error: String
        var detail: String
        var field: String?

        enum CodingKeys: String, CodingKey {
            case error, detail, field
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.response(Body(error: error, detail: detail, field: field), status: status)
        for h in headers { response.headers.append(h) }
        return response
    }

    /// A 401 for a missing, bad, expired or revoked token (RFC 6750 asks for the challenge).
    static let invalidToken: APIError = {
        var e = APIError(.unauthorized, "unauthorized", "invalid token")
        e.headers[.wwwAuthenticate] = "Bearer"
        return e
    }()
    static func notFound(_ what: String = "not found") -> APIError { APIError(.notFound, "not_found", what) }
    static func forbidden(_ what: String) -> APIError { APIError(.forbidden, "forbidden", what) }
    static func validation(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, "validation_error", "\(field): \(message)", field: field)
    }

    /// Domain errors to HTTP, in one place. The use cases name fields as the JSON does, and their
    /// remedies in domain words (`Wording.domain`), never as CLI commands.
    static func from(_ e: WorkspaceError) -> APIError {
        switch e {
        case .invalidInput(let field, let message):
            return validation(field, message)
        case .incomplete(let field, _):
            return APIError(.unprocessableContent, "validation_error", e.description, field: field)
        case .invalid(let problems):
            let p = problems.first
            return APIError(
                .unprocessableContent, "validation_error", problems.map(\.description).joined(separator: "; "),
                field: p?.field)
        case .notFound, .ambiguous, .unknownValue:
            return notFound(e.description)
        case .rule(_, let v):
            switch v.rule {
            case .illegalTransition, .notYetEnded: return APIError(.conflict, "conflict", e.description, field: v.field)
            case .missingReason:
                return APIError(.unprocessableContent, "validation_error", e.description, field: "reason")
            default: return APIError(.badRequest, "bad_state", e.description, field: v.field)
            }
        case .conflict:
            return APIError(.conflict, "conflict", e.description)
        case .refused, .nothingToCommit:
            return APIError(.badRequest, "bad_state", e.description)
        case .planLimit:
            return APIError(.forbidden, "plan_limit", e.description)
        case .offline:
            return APIError(.badGateway, "offline", e.description)
        case .io where e.isDiskFull, .repository where e.isDiskFull:
            // Rolled back (#12.9); the path stays in the server's log, not in the response.
            return APIError(
                HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "disk_full",
                "the server's disk is full; nothing was changed — try again once space is freed")
        case .locked(_, _, let alive):
            // A live holder finishes soon: ask the client to retry. A stale lock needs an admin.
            var error = APIError(.serviceUnavailable, "locked", e.description)
            if alive { error.headers[.retryAfter] = "1" }
            return error
        case .notAWorkspace, .io, .yaml, .repository:
            return APIError(.internalServerError, "internal_error", "the server could not complete the request")
        }
    }
}

extension HTTPField.Name {
    static let retryAfter = HTTPField.Name("Retry-After")!
}
