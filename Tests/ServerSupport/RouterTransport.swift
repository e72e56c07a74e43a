import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PactoriaHTTPClient

/// Requests served in process: a task runs `app.test(.router)` and hands each request that
/// arrives on a stream to the router (through the same responder `pactoria serve` runs, path
/// canonicalisation and middleware included), so no socket, port or libcurl is involved.
/// Answers come back as the libcurl client's `HTTPResponse`, so tests read them the same way.
final class RouterTransport: Sendable {
    struct Call: Sendable {
        var method: HTTPTypes.HTTPRequest.Method
        var uri: String
        var headers: HTTPFields
        var body: ByteBuffer?
        var reply: CheckedContinuation<PactoriaHTTPClient.HTTPResponse, any Error>
    }

    private let calls: AsyncStream<Call>
    private let input: AsyncStream<Call>.Continuation

    init() { (calls, input) = AsyncStream.makeStream() }

    /// Serves requests until `stop()`, each in a child task (so they run concurrently, as on a socket).
    func serve<App: ApplicationProtocol>(_ app: App) async throws {
        let calls = self.calls
        try await app.test(.router) { client in
            await withTaskGroup(of: Void.self) { group in
                for await call in calls {
                    group.addTask {
                        do {
                            let r = try await client.executeRequest(
                                uri: call.uri, method: call.method, headers: call.headers, body: call.body)
                            call.reply.resume(returning: Self.response(r))
                        } catch {
                            call.reply.resume(throwing: error)
                        }
                    }
                }
            }
        }
    }

    func stop() { input.finish() }

    /// Sends `request` (its URL's path and query; scheme and authority are ignored) to the router.
    func send(_ request: PactoriaHTTPClient.HTTPRequest) async throws -> PactoriaHTTPClient.HTTPResponse {
        guard let method = HTTPTypes.HTTPRequest.Method(request.method) else {
            throw HarnessFailure(description: "not an HTTP method: \(request.method)")
        }
        var fields = HTTPFields()
        for h in request.headers {
            guard let name = HTTPField.Name(h.name) else {
                throw HarnessFailure(description: "not a header name: \(h.name) (send it over a .live server)")
            }
            fields.append(HTTPField(name: name, value: h.value))
        }
        let call = (
            method: method, uri: Self.target(of: request.url), headers: fields,
            body: request.body.map { ByteBuffer(bytes: $0) }
        )
        let input = self.input
        return try await withCheckedThrowingContinuation { reply in
            let sent = input.yield(
                Call(method: call.method, uri: call.uri, headers: call.headers, body: call.body, reply: reply))
            if case .terminated = sent { reply.resume(throwing: HarnessFailure(description: "the server has stopped")) }
        }
    }

    /// The request target of `url`: everything from the first `/` after the authority.
    static func target(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return String(rest[slash...])
    }

    static func response(_ r: TestResponse) -> PactoriaHTTPClient.HTTPResponse {
        var headers: [String: String] = [:]
        for field in r.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        return PactoriaHTTPClient.HTTPResponse(
            status: r.status.code, headers: headers, body: Array(r.body.readableBytesView))
    }
}
