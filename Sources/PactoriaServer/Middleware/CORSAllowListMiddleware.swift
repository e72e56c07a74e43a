import HTTPTypes
import Hummingbird
import NIOCore

/// The allow-list in front of Hummingbird's `CORSMiddleware` (which reflects any origin): a
/// preflight from an origin not on the list is refused (403), and any other request from one
/// goes on without its `Origin` header, so it gets no CORS headers at all.
struct CORSAllowListMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext
    let origins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin], !origins.contains("*"), !origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return try APIError(.forbidden, "cors_refused", "origin \(origin) is not allowed").response(
                from: request, context: context)
        }
        var head = request.head
        head.headerFields[.origin] = nil
        return try await next(Request(head: head, body: request.body), context)
    }

    /// Hummingbird's CORS over the workspace's settings (`server.cors`): methods and headers as
    /// configured, preflights cached for 10 minutes. Origins are this middleware's to filter.
    static func cors(_ config: ServerConfiguration) -> CORSMiddleware<Context> {
        CORSMiddleware(
            allowOrigin: .originBased,
            allowHeaders: config.corsHeaders.compactMap { HTTPField.Name($0) },
            allowMethods: config.corsMethods.compactMap { HTTPRequest.Method($0) },
            maxAge: .seconds(600))
    }
}
