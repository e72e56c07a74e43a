import Foundation
import HTTPTypes
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

struct AuthController {
    let state: ServerState

    /// Login (in a group with the login limit) and register need no token; logout does.
    func addRoutes(
        open: RouterGroup<PactoriaRequestContext>, login loginGroup: RouterGroup<PactoriaRequestContext>,
        signedIn: RouterGroup<PactoriaRequestContext>
    ) {
        loginGroup.post("/auth/login") { request, context in try await login(request, context) }
        open.post("/auth/register") { request, context in try await register(request, context) }
        signedIn.post("/auth/logout") { request, context in try await logout(request, context) }
    }

    func login(_ request: Request, _ context: PactoriaRequestContext) async throws -> LoginResponse {
        let body = try await request.decode(LoginBody.self, context: context, limit: state.config.maxBodyBytes)
        let email = body.email
        let password = body.password
        if let left = state.loginGuard.lockedFor(email, address: context.remoteAddress, now: state.now) {
            state.securityEvent(
                "login_locked", severity: "high", context: context, actor: email,
                detail: "login attempt on a locked account")
            var e = APIError(
                HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), "account_locked",
                "too many failed logins; try again in \(left) seconds")
            e.headers[HTTPField.Name.retryAfter] = String(left)
            throw e
        }
        let users = try await state.read { ws in try state.files.users(ws) }
        let user = UserStore.find(users, email: email)
        // Verify against a real hash even for unknown users, so timing says nothing.
        let hash = user?.passwordHash ?? ServerState.decoyHash
        let ok = await state.verify(password: password, hash: hash) && user != nil && user?.disabled == false
        guard ok, let user else {
            let locked = state.loginGuard.fail(email, address: context.remoteAddress, now: state.now) != nil
            state.securityEvent(
                "login_failed", severity: "medium", context: context, actor: email, detail: "wrong email or password")
            if locked {
                state.securityEvent(
                    "account_locked", severity: "high", context: context, actor: email,
                    detail: "logins delayed after repeated failures from this address")
            }
            var e = APIError(.unauthorized, "unauthorized", "wrong email or password")
            e.headers[.wwwAuthenticate] = "Bearer"
            throw e
        }
        state.loginGuard.succeed(email, address: context.remoteAddress)
        let token = UserStore.token(
            for: user, key: state.signingKey, now: state.now, lifetime: state.config.tokenLifetime)
        return LoginResponse(accessToken: token, expiresIn: state.config.tokenLifetime, user: UserJSON(user))
    }

    func register(_ request: Request, _ context: PactoriaRequestContext) async throws -> EditedResponse<
        RegisterResponse
    > {
        guard state.config.openRegistration else {
            throw APIError.forbidden("registration is closed; ask an admin to run `pactoria user add`")
        }
        let body = try await request.decode(RegisterBody.self, context: context, limit: state.config.maxBodyBytes)
        let input = Registration.Input(
            email: body.email, fullName: body.fullName, password: body.password, companyName: body.companyName)
        let (user, company) = try await state.write { ws in try Registration.register(ws, input) }
        let token = UserStore.token(
            for: user, key: state.signingKey, now: state.now, lifetime: state.config.tokenLifetime)
        return EditedResponse(
            status: .created,
            response: RegisterResponse(
                token: token, user: UserJSON(user),
                company: .init(name: company.name, slug: company.slug, subscriptionTier: company.subscriptionTier)))
    }
}

extension AuthController {
    /// Ends every token of the caller (this one included): their generation is raised.
    func logout(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try context.caller()
        _ = try await state.write { ws in try UserStore.revoke(ws, email: me.email, actor: me.email, kind: "logout") }
        return Response(status: .noContent)
    }
}

extension ServerState {
    /// A hash of a random password, verified against when the account does not exist.
    static let decoyHash = "pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

    /// The password check (PBKDF2, deliberately slow) on the thread pool.
    func verify(password: String, hash: String) async -> Bool {
        (try? await blocking { UserStore.verify(password: password, hash: hash) }) ?? false
    }
}
