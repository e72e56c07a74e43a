import Hummingbird

/// Outermost on the router: times every request from the router to its response and counts it
/// in `ServerState.requests` under the route Hummingbird matched (its template, never the raw
/// path; nil, or Hummingbird's `NotFound`, is the one `unmatched` route), the method and the status
/// class. Recorded before the response is returned, so a client that has its answer is counted.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let clock = ContinuousClock()
        let start = clock.now
        func record(_ status: Int) {
            let (s, atto) = (clock.now - start).components
            let us = UInt64(clamping: s) &* 1_000_000 &+ UInt64(clamping: atto / 1_000_000_000_000)
            let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
            metrics.record(route: route, method: request.method.rawValue, status: status, microseconds: us)
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            record(error.status.code)
            throw error
        } catch {
            record(500)
            throw error
        }
    }
}
