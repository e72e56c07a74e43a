import Foundation
import Hummingbird
import Logging

/// Outermost: a request id in every log line and response, the security headers on every
/// response (a `Content-Security-Policy` that lets a JSON response load nothing and be framed by
/// nobody), and any error that is not an `APIError` turned into a 500 that reveals nothing (logged
/// with the request id). No timing header: `X-Process-Time` told a login's caller how long the
/// password check took.
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    /// Allowed CORS origins: their responses, errors included, carry Access-Control-Allow-Origin.
    var corsOrigins: [String] = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response: Response
        do {
            if request.uri.path == CanonicalPath.refused {
                throw APIError.notFound(
                    "no such path (encoded slashes, backslashes or dots, or `..` above the root, are refused)")
            }
            response = try await next(request, context)
        } catch let e as APIError {
            response = try e.response(from: request, context: context)
        } catch let e as any HTTPResponseError {
            // Hummingbird's own errors (404 for unknown routes, 405, 413 …) in our JSON shape.
            let status = e.status
            let code =
                status == .notFound ? "not_found" : status == .contentTooLarge ? "payload_too_large" : "http_error"
            response = try APIError(status, code, status.reasonPhrase.lowercased()).response(
                from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": .string(String(describing: error))])
            response = try APIError(
                .internalServerError, "internal_error",
                "the server could not complete the request (request id \(context.requestID))"
            )
            .response(from: request, context: context)
        }
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "strict-origin-when-cross-origin"
        response.headers[.init("Content-Security-Policy")!] = Self.contentSecurityPolicy(response.headers[.contentType])
        if request.uri.path.hasPrefix("/api/") || request.uri.path == "/openapi.json" {
            response.headers[.cacheControl] = "no-store"
        }
        response.headers[.init("X-Request-ID")!] = context.requestID
        if let origin = request.headers[.origin], corsOrigins.contains("*") || corsOrigins.contains(origin),
            response.headers[.accessControlAllowOrigin] == nil
        {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
        // Quiet on success for reads (debug level); writes and failures at info.
        let level: Logger.Level = request.method == .get && response.status.code < 400 ? .debug : .info
        context.logger.log(
            level: level, "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: ["ms": .string(String(format: "%.2f", ms))])
        return response
    }

    /// JSON and everything else: load nothing, be framed by nobody. HTML (none is served today) may
    /// show its own images and styles but run no script.
    static func contentSecurityPolicy(_ contentType: String?) -> String {
        if contentType?.lowercased().hasPrefix("text/html") == true {
            return
                "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        }
        return "default-src 'none'; frame-ancestors 'none'"
    }
}

/// CORS from the workspace config: allowed origins (none by default), methods and headers;
/// preflight requests answered here.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    let origins: [String]
    let methods: [String]
    let headers: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origins.contains("*") || origins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else { throw APIError(.forbidden, "cors_refused", "origin \(origin) is not allowed") }
            var r = Response(status: .noContent)
            r.headers[.accessControlAllowOrigin] = origin
            r.headers[.accessControlAllowMethods] = methods.joined(separator: ", ")
            r.headers[.accessControlAllowHeaders] = headers.joined(separator: ", ")
            r.headers[.accessControlMaxAge] = "600"
            r.headers[.vary] = "Origin"
            return r
        }
        // Other requests: ResponseHeadersMiddleware adds the headers, to errors as well.
        return try await next(request, context)
    }
}
