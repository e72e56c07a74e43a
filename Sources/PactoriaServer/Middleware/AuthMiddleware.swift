import HTTPTypes
import Hummingbird
import PactoriaCore
import PactoriaWorkspace

/// Every `/api/v1` route but login and register needs a valid bearer token of a user who still
/// exists; anything wrong with the token is a 401 saying only "invalid token". (The rate limits
/// are `RateLimitMiddleware`, on either side of this one.)
struct AuthMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    let state: ServerState

    static let open: Set<String> = ["/api/v1/auth/login", "/api/v1/auth/register"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        guard path.hasPrefix("/api/"), request.method != .options else { return try await next(request, context) }
        if !Self.open.contains(path) {
            guard let auth = request.headers[.authorization], auth.prefix(7).lowercased() == "bearer " else {
                state.securityEvent("missing_token", severity: "low", context: context, detail: "\(request.method) \(path) without a bearer token")
                throw APIError.invalidToken
            }
            let token = auth.dropFirst(7).trimmingSpaces()
            let claims: TokenClaims
            if let known = state.tokens.get(token, now: state.now) {
                claims = known
            } else {
                do { claims = try JWT.verify(token, key: state.signingKey, now: state.now) } catch {
                    state.securityEvent("invalid_token", severity: "medium", context: context, detail: "token rejected: \(error)")
                    throw APIError.invalidToken
                }
                state.tokens.put(token, claims)
            }
            guard let role = Role(rawValue: claims.role), state.userExists(claims.subject) else {
                state.securityEvent("invalid_token", severity: "medium", context: context, actor: claims.subject, detail: "token for an unknown user or role")
                throw APIError.invalidToken
            }
            context.identity = Identity(email: claims.subject, company: claims.company, role: role)
        }
        return try await next(request, context)
    }
}

extension ServerState {
    func userExists(_ email: String) -> Bool {
        guard let ws = try? workspace(), let users = try? files.users(ws) else { return false }
        return UserStore.find(users, email: email) != nil
    }
}
