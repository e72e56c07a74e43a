import HTTPTypes
import Hummingbird
import PactoriaWorkspace

/// The rate limits, attached to route groups around `AuthMiddleware`: on the whole `/api/v1`
/// group, every request counts against its address (so unauthenticated floods are limited too);
/// on the login route, a login counts against the login limit of its address; on the signed-in
/// groups, a request counts against its user's bucket (`ai` for generation and analysis, `default`
/// otherwise). Routing sees canonical paths (`CanonicalPathResponder`), so `//api/v1/auth/login`
/// reaches the login route and its limit like any other spelling.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    enum Stage {
        case address, login
        /// The signed-in caller's bucket.
        case user(Bucket)
    }
    enum Bucket: String { case ai, `default` }
    let state: ServerState
    let stage: Stage

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let address = "addr:" + (context.remoteAddress ?? "?")
        switch stage {
        case .address:
            try limit("address", rule: state.config.addressRate, key: address, context: context)
            // Requests refused as unauthenticated (401) use up a small allowance of their own; past
            // it, such requests from that address get 429 (signed-in callers there are unaffected).
            do { return try await next(request, context) } catch let e as APIError where e.status == .unauthorized {
                let rule = state.config.unauthenticatedRate
                if let retry = state.rateLimiter.hit("unauthenticated:" + address, rule: rule, now: state.now) {
                    throw refusal("unauthenticated", rule: rule, retry: retry, context: context)
                }
                throw e
            }
        case .login:
            try limit("login", rule: state.config.loginRate, key: address, context: context)
        case .user(let bucket):
            let who = try context.caller().email
            try limit(
                bucket.rawValue, rule: bucket == .ai ? state.config.aiRate : state.config.defaultRate, key: who,
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
