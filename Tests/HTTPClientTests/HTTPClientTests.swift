import Foundation
import PactoriaHTTPClient
import PactoriaTestSupport
import Testing

/// Runs `body` and returns the `HTTPClientError` it throws (recording an issue otherwise).
private func httpError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> HTTPClientError?
{
    do {
        try body()
        Issue.record("expected an HTTPClientError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as HTTPClientError {
        return error
    } catch {
        Issue.record("expected an HTTPClientError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A retry policy without jitter so delays are exact.
private let exactRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(8), jitter: 0)

@Suite("HTTPClient against a loopback server")
struct HTTPClientTests {
    let client = HTTPClient()

    @Test func getReturnsStatusBodyAndHeaders() throws {
        let server = try LoopbackHTTPServer { request in
            .text("hello, \(request.path)", headers: [("X-Test", "yes"), ("X-Multi", "a"), ("X-Multi", "b")])
        }
        let response = try client.send(
            .get(server.url("/greeting?lang=en"), headers: [HTTPHeader("X-Request-Id", "42")]))

        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.text == "hello, /greeting")
        #expect(response.headers["x-test"] == "yes")
        #expect(response.header("X-TEST") == "yes")
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(response.headers["x-multi"] == "a, b")
        #expect(response.headers.keys.allSatisfy { $0 == $0.lowercased() })
        #expect(response.attempts == 1)

        let recorded = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(recorded.method == "GET")
        #expect(recorded.target == "/greeting?lang=en")
        #expect(recorded.header("x-request-id") == "42")
        #expect(recorded.header("User-Agent") == "pactoria")
        #expect(recorded.body.isEmpty)
    }

    @Test func postJSONBodyArrivesIntact() throws {
        let server = try LoopbackHTTPServer { request in .json(#"{"echo":\#(request.body.count)}"#, status: 201) }
        let json = #"{"model":"m","messages":[{"role":"user","content":"Grüße — \"quoted\"\n"}]}"#
        let response = try client.send(.postJSON(server.url("/v1/chat/completions"), json: Array(json.utf8)))

        #expect(response.status == 201)
        #expect(response.text == #"{"echo":\#(json.utf8.count)}"#)
        let recorded = try #require(server.requests.first)
        #expect(recorded.method == "POST")
        #expect(recorded.path == "/v1/chat/completions")
        #expect(recorded.body == Array(json.utf8))
        #expect(recorded.header("Content-Type") == "application/json")
        #expect(recorded.header("Content-Length") == String(json.utf8.count))
        #expect(recorded.header("Expect") == nil)
    }

    @Test func largeBinaryBodyArrivesIntact() throws {
        let server = try LoopbackHTTPServer { request in ScriptedResponse(status: 200, body: request.body) }
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try client.send(HTTPRequest(method: "PUT", url: server.url("/blob"), body: body))
        #expect(response.body == body)
        let recorded = try #require(server.requests.first)
        #expect(recorded.method == "PUT")
        #expect(recorded.body == body)
        #expect(recorded.header("Content-Type") == nil)
    }

    @Test(arguments: ["DELETE", "PATCH", "PUT", "POST", "OPTIONS"])
    func methodsArriveAsSent(method: String) throws {
        let server = try LoopbackHTTPServer { _ in ScriptedResponse(status: 204) }
        let response = try client.send(HTTPRequest(method: method, url: server.url("/thing")))
        #expect(response.status == 204)
        #expect(server.requests.first?.method == method)
    }

    @Test func headRequestHasNoBody() throws {
        let server = try LoopbackHTTPServer { _ in ScriptedResponse(status: 200, headers: [("Content-Length", "5")]) }
        let response = try client.send(HTTPRequest(method: "HEAD", url: server.url()))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(server.requests.first?.method == "HEAD")
    }

    @Test func notFoundIsAResponseNotAnError() throws {
        let server = try LoopbackHTTPServer { _ in .text("no such thing", status: 404) }
        let response = try client.send(.get(server.url("/missing")))
        #expect(response.status == 404)
        #expect(!response.isSuccess)
        #expect(response.text == "no such thing")
    }

    @Test func redirectsAreNotFollowed() throws {
        let server = try LoopbackHTTPServer { _ in ScriptedResponse(status: 302, headers: [("Location", "/elsewhere")])
        }
        let response = try client.send(.get(server.url("/start")))
        #expect(response.status == 302)
        #expect(response.header("location") == "/elsewhere")
        #expect(server.requests.count == 1)
    }

    @Test func tooManyRequestsWithRetryAfterThenSuccess() throws {
        let server = try LoopbackHTTPServer(responses: [
            .text("slow down", status: 429, headers: [("Retry-After", "1")]),
            .json(#"{"ok":true}"#),
        ])
        var sleeps: [Duration] = []
        let response = try client.send(.get(server.url("/limited")), retry: exactRetry) { sleeps.append($0) }

        #expect(response.status == 200)
        #expect(response.text == #"{"ok":true}"#)
        #expect(response.attempts == 2)
        #expect(sleeps == [.seconds(1)])
        #expect(server.requests.count == 2)
    }

    @Test func retryAfterIsCappedAtMaxDelay() throws {
        let server = try LoopbackHTTPServer(responses: [
            ScriptedResponse(status: 503, headers: [("Retry-After", "3600")]), ScriptedResponse(status: 200),
        ])
        var sleeps: [Duration] = []
        let response = try client.send(.get(server.url()), retry: exactRetry) { sleeps.append($0) }
        #expect(response.status == 200)
        #expect(sleeps == [.seconds(8)])
    }

    @Test func serverErrorEveryTimeGivesUpAfterMaxAttempts() throws {
        let server = try LoopbackHTTPServer { _ in .text("boom", status: 500) }
        var sleeps: [Duration] = []
        let response = try client.send(.get(server.url("/flaky")), retry: exactRetry) { sleeps.append($0) }

        #expect(response.status == 500)
        #expect(response.text == "boom")
        #expect(response.attempts == 4)
        #expect(server.requests.count == 4)
        #expect(sleeps == [.milliseconds(500), .seconds(1), .seconds(2)])
    }

    @Test func clientErrorsAreNotRetried() throws {
        let server = try LoopbackHTTPServer { _ in ScriptedResponse(status: 400) }
        var sleeps: [Duration] = []
        let response = try client.send(.get(server.url()), retry: exactRetry) { sleeps.append($0) }
        #expect(response.status == 400)
        #expect(response.attempts == 1)
        #expect(sleeps.isEmpty)
    }

    @Test func totalTimeoutAgainstSlowServer() throws {
        let server = try LoopbackHTTPServer { _ in .text("late", delay: .seconds(5)) }
        let request = HTTPRequest(url: server.url("/slow"), totalTimeout: .seconds(1))
        let clock = ContinuousClock()
        let start = clock.now
        let error = httpError { _ = try client.send(request) }
        let elapsed = clock.now - start

        guard case .timedOut = error else {
            Issue.record("expected .timedOut, got \(String(describing: error))")
            return
        }
        #expect(error?.isTransient == true)
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(3))
        #expect(error?.description.contains("timed out") == true)
    }

    @Test func connectionRefusedIsCouldNotConnect() throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let error = httpError { _ = try client.send(.get("http://127.0.0.1:\(port)/")) }
        guard case .couldNotConnect(let detail) = error else {
            Issue.record("expected .couldNotConnect, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("127.0.0.1"))
        #expect(error?.isTransient == true)
        #expect(error?.description.hasPrefix("could not connect: GET http://127.0.0.1:\(port)/") == true)
    }

    @Test func connectFailuresAreRetriedThenThrown() throws {
        let port = try LoopbackHTTPServer.unusedPort()
        var sleeps: [Duration] = []
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        let error = httpError {
            _ = try client.send(.get("http://127.0.0.1:\(port)/"), retry: policy) { sleeps.append($0) }
        }
        guard case .couldNotConnect = error else {
            Issue.record("expected .couldNotConnect, got \(String(describing: error))")
            return
        }
        #expect(sleeps == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func droppedConnectionIsAnError() throws {
        let server = try LoopbackHTTPServer { _ in ScriptedResponse(dropConnection: true) }
        let error = httpError { _ = try client.send(.get(server.url())) }
        guard case .other(let code, _) = error else {
            Issue.record("expected .other, got \(String(describing: error))")
            return
        }
        #expect(code == 52)  // CURLE_GOT_NOTHING
    }

    @Test func authorizationValueNeverAppearsInErrors() throws {
        let secret = "sk-test-0123456789abcdef"
        let port = try LoopbackHTTPServer.unusedPort()
        let request = HTTPRequest(
            url: "http://127.0.0.1:\(port)/v1/chat/completions",
            headers: [.authorization(bearer: secret), HTTPHeader("X-Api-Key", secret)])

        let refused = httpError { _ = try client.send(request) }
        let injected = httpError {
            _ = try client.send(
                .get("http://127.0.0.1:\(port)/", headers: [.authorization("Bearer \(secret)\r\nX-Evil: 1")]))
        }
        let texts = [refused, injected].compactMap { $0 }.flatMap { error in
            [error.description, error.message, error.localizedDescription, String(reflecting: error), "\(error)"]
        }
        #expect(texts.count == 10)
        for text in texts { #expect(!text.contains(secret), "secret leaked in: \(text)") }

        // Printing or dumping the request does not reveal it either.
        var dumped = ""
        dump(request, to: &dumped)
        for text in [String(describing: request), String(reflecting: request), dumped, "\(request.headers)"] {
            #expect(!text.contains(secret), "secret leaked in: \(text)")
            #expect(text.contains("<redacted>"))
        }
    }

    @Test func secretsInTimeoutErrorsAreRedacted() throws {
        let secret = "Bearer sk-live-timeout-secret"
        let server = try LoopbackHTTPServer { _ in .text("late", delay: .seconds(3)) }
        let error = httpError {
            _ = try client.send(
                HTTPRequest(
                    url: server.url("/?api_key=hunter2"), headers: [.authorization(secret)],
                    totalTimeout: .milliseconds(200)))
        }
        let text = try #require(error).description
        #expect(!text.contains("sk-live-timeout-secret"))
        #expect(!text.contains("hunter2"))
        // The server did receive the real header.
        #expect(server.requests.first?.header("Authorization") == secret)
    }

    @Test func rejectsNonHTTPSchemesAndBadHeaders() {
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/", "127.0.0.1/"] {
            guard case .invalidRequest = httpError({ _ = try client.send(.get(url)) }) else {
                Issue.record("\(url) was not rejected as invalid")
                continue
            }
        }
        guard
            case .invalidRequest = httpError({
                _ = try client.send(.get("http://127.0.0.1:1/", headers: [HTTPHeader("Bad Name", "x")]))
            })
        else {
            Issue.record("bad header name accepted")
            return
        }
        guard
            case .invalidRequest = httpError({
                _ = try client.send(HTTPRequest(method: "GE T", url: "http://127.0.0.1:1/"))
            })
        else {
            Issue.record("bad method accepted")
            return
        }
    }

    @Test func responseSizeLimitIsEnforced() throws {
        let server = try LoopbackHTTPServer { _ in ScriptedResponse(body: [UInt8](repeating: 65, count: 100_000)) }
        let small = HTTPClient(maxResponseBytes: 1_000)
        let error = httpError { _ = try small.send(.get(server.url())) }
        #expect(error == .responseTooLarge(limit: 1_000))
        #expect(try HTTPClient().send(.get(server.url())).body.count == 100_000)
    }

    @Test func concurrentRequestsFromManyThreads() throws {
        let server = try LoopbackHTTPServer { request in .text("echo \(request.path)") }
        let client = self.client
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let text = (try? client.send(.get(server.url("/\(index)"))))?.text
            results.set(index, text)
        }
        for index in 0..<16 { #expect(results.get(index) == "echo /\(index)") }
        #expect(server.requests.count == 16)
    }
}

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 4)
        #expect(policy.baseDelay == .milliseconds(500))
        #expect(policy.maxDelay == .seconds(8))
    }

    @Test func exponentialBackoffIsCapped() {
        let delays = (1...8).map { exactRetry.delay(afterAttempt: $0) }
        #expect(
            delays == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8),
                .seconds(8),
            ])
    }

    @Test func jitterStaysWithinBounds() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(8), jitter: 0.1)
        for _ in 0..<100 {
            let delay = policy.delay(afterAttempt: 2)
            #expect(delay >= .seconds(2) && delay <= .milliseconds(2_200))
            #expect(policy.delay(afterAttempt: 10) == .seconds(8))
        }
    }

    @Test func retryableStatuses() {
        let policy = RetryPolicy()
        #expect(policy.shouldRetry(status: 429))
        #expect(policy.shouldRetry(status: 500))
        #expect(policy.shouldRetry(status: 503))
        #expect(!policy.shouldRetry(status: 200))
        #expect(!policy.shouldRetry(status: 404))
    }

    @Test func retryAfterParsing() {
        #expect(HTTPResponse(status: 429, headers: ["retry-after": " 2 "]).retryAfter == .seconds(2))
        #expect(HTTPResponse(status: 429, headers: ["retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"]).retryAfter == nil)
        #expect(HTTPResponse(status: 429, headers: ["retry-after": "-1"]).retryAfter == nil)
        #expect(HTTPResponse(status: 429).retryAfter == nil)
    }
}

/// Thread-safe collection of per-index results for the concurrency test.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: String] = [:]

    func set(_ index: Int, _ value: String?) {
        lock.lock()
        defer { lock.unlock() }
        values[index] = value
    }

    func get(_ index: Int) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return values[index]
    }
}
