import Hummingbird
import Logging

/// Inside CORS, so error responses carry its headers too: every error becomes a JSON response.
/// An `APIError` renders itself; Hummingbird's own errors (404 for unknown routes, 405, 413 …)
/// take the same shape; anything else is a 500 that reveals nothing (logged with the request id).
/// A path `CanonicalPathResponder` refused is answered 404 here.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PactoriaRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            if request.uri.path == CanonicalPath.refused {
                throw APIError.notFound(
                    "no such path (encoded slashes, backslashes or dots, or `..` above the root, are refused)")
            }
            return try await next(request, context)
        } catch let e as APIError {
            return try e.response(from: request, context: context)
        } catch let e as any HTTPResponseError {
            let status = e.status
            let code =
                status == .notFound ? "not_found" : status == .contentTooLarge ? "payload_too_large" : "http_error"
            return try APIError(status, code, status.reasonPhrase.lowercased()).response(
                from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": .string(String(describing: error))])
            return try APIError(
                .internalServerError, "internal_error",
                "the server could not complete the request (request id \(context.id))"
            )
            .response(from: request, context: context)
        }
    }
}
