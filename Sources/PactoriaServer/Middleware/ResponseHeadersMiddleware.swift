import Foundation
import Hummingbird
import Logging
import PactoriaWorkspace

/// Outermost: the security headers on every response (a `Content-Security-Policy` that lets a
/// JSON response load nothing and be framed by nobody), Hummingbird's request id as
/// `X-Request-ID`, and one log line per response. No timing header: `X-Process-Time` told a
/// login's caller how long the password check took. (Errors are responses by the time they get
/// here: `ErrorMiddleware`.)
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "strict-origin-when-cross-origin"
        response.headers[.init("Content-Security-Policy")!] = Self.contentSecurityPolicy(response.headers[.contentType])
        if request.uri.path.hasPrefix("/api/") || request.uri.path == "/openapi.json" {
            response.headers[.cacheControl] = "no-store"
        }
        response.headers[.init("X-Request-ID")!] = context.id
        // The request itself is logged by Hummingbird's LogRequestsMiddleware (debug); its outcome
        // here: quiet on success for reads (debug level), writes and failures at info.
        let level: Logger.Level = request.method == .get && response.status.code < 400 ? .debug : .info
        context.logger.log(
            level: level, "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: ["ms": .string(String(format: "%.2f", ms))])
        return response
    }

    /// JSON and everything else: load nothing, be framed by nobody. HTML (the report, `/report`)
    /// gets the report's own policy (its inline styles, `data:` images, no script) and is framed
    /// by nobody.
    static func contentSecurityPolicy(_ contentType: String?) -> String {
        if contentType?.lowercased().hasPrefix("text/html") == true {
            return ContractReport.contentSecurityPolicy
                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        }
        return "default-src 'none'; frame-ancestors 'none'"
    }
}
