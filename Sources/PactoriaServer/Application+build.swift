public import Hummingbird
public import Logging
import NIOCore
public import PactoriaWorkspace

/// Builds the router: the same function serves `pactoria serve` and the tests.
func buildRouter(_ state: ServerState) -> Router<PactoriaRequestContext> {
    let router = Router(context: PactoriaRequestContext.self)
    router.add(middleware: ResponseHeadersMiddleware(corsOrigins: state.config.corsOrigins))
    router.add(middleware: CORSMiddleware(origins: state.config.corsOrigins, methods: state.config.corsMethods, headers: state.config.corsHeaders))
    router.add(middleware: AuthMiddleware(state: state))
    HealthController(state: state).addRoutes(to: router)
    router.get("/openapi.json") { _, _ in OpenAPIDocument.response() }
    let api = router.group("/api/v1")
    AuthController(state: state).addRoutes(to: api)
    AIController(state: state).addRoutes(to: api)
    ContractsController(state: state).addRoutes(to: api)
    AuditController(state: state).addRoutes(to: api)
    return router
}

/// Builds the application for a workspace. `onRunning` receives the bound port (useful with port 0).
public func buildApplication(
    _ config: ServerConfiguration, logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws(WorkspaceError) -> some ApplicationProtocol {
    let state = try ServerState(config: config)
    var log = logger ?? Logger(label: "pactoria.serve")
    if logger == nil { log.logLevel = .info }
    return Application(
        router: buildRouter(state),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "pactoria"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? config.port) },
        logger: log)
}
