import Hummingbird

/// Templates, recommendation, generation and analysis routes (wired to PactoriaAI).
struct AIController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {}
}
