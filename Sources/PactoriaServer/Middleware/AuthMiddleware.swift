import HTTPTypes
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

/// On the signed-in route group (every `/api/v1` route but login and register): a valid bearer
/// token of a user who still exists, is not disabled and has not revoked the token's generation;
/// the caller's role, company and grants come from the users store, not the token. Anything wrong
/// with the token is a 401 saying only "invalid token", with `WWW-Authenticate: Bearer`. (The rate
/// limits are `RateLimitMiddleware`, on either side of this one.)
struct AuthMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    let state: ServerState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        guard let auth = request.headers[.authorization], auth.prefix(7).lowercased() == "bearer " else {
            state.securityEvent(
                "missing_token", severity: "low", context: context,
                detail: "\(request.method) \(request.uri.path) without a bearer token")
            throw APIError.invalidToken
        }
        let token = auth.dropFirst(7).trimmingSpaces()
        // The cache holds only signature checks; who the token speaks for is decided below,
        // from the users store as it is now, so no cached entry can outlive a revocation.
        let claims: TokenClaims
        if let known = state.tokens.get(token, now: state.now) {
            claims = known
        } else {
            do { claims = try JWT.verify(token, key: state.signingKey, now: state.now) } catch {
                state.securityEvent(
                    "invalid_token", severity: "medium", context: context, detail: "token rejected: \(error)")
                throw APIError.invalidToken
            }
            state.tokens.put(token, claims)
        }
        guard let user = state.currentUser(claims) else {
            state.securityEvent(
                "invalid_token", severity: "medium", context: context, actor: claims.subject,
                detail: "token for an unknown, disabled or revoked user")
            throw APIError.invalidToken
        }
        context.identity = Identity(
            email: user.email, company: user.company, role: user.role, isOperator: user.isOperator)
        return try await next(request, context)
    }
}

extension ServerState {
    /// The user a token speaks for, from the users store (re-read whenever the file changes):
    /// nil when gone, disabled, or the token's generation was revoked.
    func currentUser(_ claims: TokenClaims) -> User? {
        guard let ws = try? workspace(), let users = try? files.users(ws) else { return nil }
        return UserStore.current(users, for: claims)
    }
}
