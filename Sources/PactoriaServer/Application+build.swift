public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import PactoriaWorkspace

/// Builds the router: the same function serves `pactoria serve` and the tests.
///
/// Outermost first: the request metrics (`MetricsMiddleware`), Hummingbird's request log (debug), the security headers and request id,
/// the CORS allow-list and Hummingbird's CORS, then errors as JSON. `/health`, `/ready` and
/// `/openapi.json` are open; under `/api/v1` every request counts against its address, login and
/// register are open (login with its own limit), and every other route is in the signed-in group
/// (`AuthMiddleware`, then the caller's rate limit). `/report` and `/metrics` have the same three stages.
func buildRouter(_ state: ServerState) -> Router<PactoriaRequestContext> {
    let router = Router(context: PactoriaRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: state.requests))
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: ResponseHeadersMiddleware())
    router.add(middleware: CORSAllowListMiddleware(origins: state.config.corsOrigins))
    router.add(middleware: CORSAllowListMiddleware.cors(state.config))
    router.add(middleware: ErrorMiddleware())
    HealthController(state: state).addRoutes(to: router)
    router.get("/openapi.json") { _, _ in OpenAPIDocument.response() }

    let api = router.group("/api/v1").add(middleware: RateLimitMiddleware(state: state, stage: .address))
    let login = api.group().add(middleware: RateLimitMiddleware(state: state, stage: .login))
    let signedIn = api.group().add(middleware: AuthMiddleware(state: state))
    let standard = signedIn.group().add(middleware: RateLimitMiddleware(state: state, stage: .user(.default)))
    let generation = signedIn.group().add(middleware: RateLimitMiddleware(state: state, stage: .user(.ai)))
    AuthController(state: state).addRoutes(open: api, login: login, signedIn: standard)
    AIController(state: state).addRoutes(to: standard, generation: generation)
    ContractsController(state: state).addRoutes(to: standard)
    AuditController(state: state).addRoutes(to: standard)
    AnalyticsController(state: state).addRoutes(to: standard)
    QueueController(state: state).addRoutes(to: standard)
    GDPRController(state: state).addRoutes(to: standard)
    ConsentController(state: state).addRoutes(to: standard)
    PerformanceController(state: state).addRoutes(to: standard)
    // `/metrics`: for admins, with a token and the same limits as the API.
    let metrics = router.group().add(middleware: RateLimitMiddleware(state: state, stage: .address))
        .add(middleware: AuthMiddleware(state: state))
        .add(middleware: RateLimitMiddleware(state: state, stage: .user(.default)))
    PerformanceController(state: state).addMetricsRoute(to: metrics)
    ReportController(state: state).addRoutes(to: router)
    return router
}

/// Builds the application for a workspace. `onRunning` receives the bound port (useful with port 0).
///
/// Around the router: every path is made canonical before routing and rate limiting see it
/// (`CanonicalPathResponder`); each connection passes a `ConnectionGate` (a budget well below
/// the descriptor limit, which is raised to its hard maximum here); a connection that sends no
/// whole request head for `idleTimeout` seconds is closed (slowloris); and every log line is
/// escaped (`EscapingLogHandler`).
public func buildApplication(
    _ config: ServerConfiguration, logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws(WorkspaceError) -> some ApplicationProtocol {
    let state = try ServerState(config: config)
    var log = logger ?? Logger(label: "pactoria.serve")
    if logger == nil { log.logLevel = .info }
    if !(log.handler is EscapingLogHandler) { log.handler = EscapingLogHandler(wrapping: log.handler) }
    let descriptors = DescriptorLimit.raise()
    // Served connections stay under a quarter of the descriptors, and all of them under a half.
    let budget = ConnectionBudget(
        limit: max(16, min(config.maxConnections, descriptors / 4)),
        ceiling: max(32, 2 * config.maxConnections, descriptors / 2))
    let http = HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionGate(budget: budget)], idleTimeout: .seconds(config.idleTimeout))
    return Application(
        responder: CanonicalPathResponder(next: buildRouter(state).buildResponder()),
        server: .http1(configuration: http),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "pactoria"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? config.port) },
        logger: log)
}

/// Rewrites each request's path to its canonical form before anything routes or counts it:
/// `//` collapsed, a trailing `/` dropped, `.` and `..` resolved, an absolute-form target reduced
/// to its path. A path that cannot be made canonical safely (an encoded `/`, `\` or `.`, a
/// backslash, a NUL, or `..` above the root) goes to `CanonicalPath.refused`, answered 404.
struct CanonicalPathResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == PactoriaRequestContext {
    typealias Context = PactoriaRequestContext
    let next: Next

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let canonical = CanonicalPath.make(path) ?? CanonicalPath.refused
        guard canonical != path || request.head.path?.hasPrefix("/") != true else {
            return try await next.respond(to: request, context: context)
        }
        var head = request.head
        head.path = canonical + (request.uri.query.map { "?" + $0 } ?? "")
        return try await next.respond(to: Request(head: head, body: request.body), context: context)
    }
}

enum CanonicalPath {
    /// Where a path that is refused is routed (no route has it; the headers middleware answers 404).
    static let refused = "/.refused-path"

    static func make(_ path: String) -> String? {
        let lower = path.lowercased()
        for bad in ["%2f", "%5c", "%2e", "%00", "\\", "\u{0}"] where lower.contains(bad) { return nil }
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !out.isEmpty else { return nil }
                out.removeLast()
            default: out.append(segment)
            }
        }
        return "/" + out.joined(separator: "/")
    }
}
