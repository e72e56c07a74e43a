import HTTPTypes
import Hummingbird
import PactoriaWorkspace

/// The rate limits, in two places around `AuthMiddleware`: before it, every `/api/` request counts
/// against its address (so unauthenticated floods are limited too) and a login against the login
/// limit of its address; after it, a signed-in caller's request counts against their user's bucket
/// (`ai` for generation and analysis, `default` otherwise). Paths are canonical by the time they
/// get here (`CanonicalPathResponder`), so `//api/v1/auth/login` and `/analyze/` count as they should.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    enum Stage { case address, identity }
    let state: ServerState
    let stage: Stage

    static let login = "/api/v1/auth/login"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard path.hasPrefix("/api/"), request.method != .options else { return try await next(request, context) }
        let address = "addr:" + (context.remoteAddress ?? "?")
        switch stage {
        case .address:
            try limit("address", rule: state.config.addressRate, key: address, context: context)
            if path == Self.login { try limit("login", rule: state.config.loginRate, key: address, context: context) }
            // Requests refused as unauthenticated (401) use up a small allowance of their own; past
            // it, such requests from that address get 429 (signed-in callers there are unaffected).
            do { return try await next(request, context) } catch let e as APIError where e.status == .unauthorized {
                let rule = state.config.unauthenticatedRate
                if let retry = state.rateLimiter.hit("unauthenticated:" + address, rule: rule, now: state.now) {
                    throw refusal("unauthenticated", rule: rule, retry: retry, context: context)
                }
                throw e
            }
        case .identity:
            guard let who = context.identity?.email, path != Self.login else { break }
            let isAI =
                request.method == .post
                && (path.hasSuffix("/generate") || path.hasSuffix("/analyze") || path.hasPrefix("/api/v1/ai/"))
            try limit(
                isAI ? "ai" : "default", rule: isAI ? state.config.aiRate : state.config.defaultRate, key: who,
                context: context)
        }
        return try await next(request, context)
    }

    private func limit(_ bucket: String, rule: RateLimiter.Rule, key: String, context: Context) throws {
        guard let retry = state.rateLimiter.hit("\(bucket):\(key)", rule: rule, now: state.now) else { return }
        throw refusal(bucket, rule: rule, retry: retry, context: context)
    }

    private func refusal(_ bucket: String, rule: RateLimiter.Rule, retry: Int64, context: Context) -> APIError {
        state.securityEvent(
            "rate_limited", severity: "low", context: context,
            detail: "\(bucket) limit of \(rule.limit) per \(rule.window)s reached")
        var e = APIError(.tooManyRequests, "rate_limited", "too many requests; try again in \(retry) seconds")
        e.headers[HTTPField.Name.retryAfter] = String(retry)
        return e
    }
}
