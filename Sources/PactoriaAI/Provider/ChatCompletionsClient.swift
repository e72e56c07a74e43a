import Foundation
import PactoriaCore
public import PactoriaHTTPClient

/// Calls `POST {baseURL}/chat/completions` of an OpenAI-compatible API through
/// `PactoriaHTTPClient` (libcurl): bearer authentication, the configuration's connect and
/// request timeouts, and its retry policy (exponential backoff on 429 and 5xx honouring
/// `Retry-After`, and on connection failures and timeouts). The API key never appears in an
/// error; this type logs nothing.
public struct ChatCompletionsClient: Sendable {
    /// Temperature for contract generation.
    public static let generationTemperature = 0.3
    /// Temperature for analysis and re-ranking.
    public static let analysisTemperature = 0.2

    public let configuration: AIProviderConfiguration
    let httpClient: HTTPClient
    let sleep: @Sendable (Duration) -> Void

    /// `sleep` is called between retries (inject a no-op in tests).
    public init(
        configuration: AIProviderConfiguration, httpClient: HTTPClient = HTTPClient(userAgent: "pactoria-ai"),
        sleep: @escaping @Sendable (Duration) -> Void = { HTTPClient.sleep($0) }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.sleep = sleep
    }

    /// Sends `request` and returns the first choice's content and the token usage.
    public func complete(_ request: ChatCompletionRequest) throws(AIProviderError) -> ChatCompletion {
        do {
            return try send(request)
        } catch {
            throw error.sanitized(removing: configuration.apiKey)
        }
    }

    private func send(_ request: ChatCompletionRequest) throws(AIProviderError) -> ChatCompletion {
        guard let apiKey = configuration.apiKey, !apiKey.isEmpty else { throw .notConfigured }
        // Checked before anything is sent: the key goes only to a trusted, encrypted endpoint.
        if let problem = configuration.endpointProblem { throw .untrustedEndpoint(problem) }
        let body = try Self.encodeBody(request, model: configuration.model)
        var httpRequest = HTTPRequest.postJSON(
            configuration.chatCompletionsURL, json: body,
            headers: [.authorization(bearer: apiKey), .accept("application/json")])
        httpRequest.connectTimeout = configuration.connectTimeout
        httpRequest.totalTimeout = configuration.requestTimeout

        let response: HTTPResponse
        do {
            response = try httpClient.send(httpRequest, retry: configuration.retryPolicy, sleep: sleep)
        } catch {
            throw Self.map(error)
        }
        guard response.isSuccess else {
            let attempts = response.attempts > 1 ? " after \(response.attempts) attempts" : ""
            throw .httpStatus(response.status, Self.errorDetail(response.body) + attempts)
        }
        var completion = try Self.parseCompletion(response.body, requestedModel: configuration.model)
        completion.attempts = response.attempts
        return completion
    }

    // MARK: - JSON

    private struct Body: Encodable {
        struct Format: Encodable { var type: String }
        var model: String
        var messages: [ChatMessage]
        var temperature: Double
        var response_format: Format?
        var max_tokens: Int?
    }

    static func encodeBody(_ request: ChatCompletionRequest, model: String) throws(AIProviderError) -> [UInt8] {
        let body = Body(
            model: model, messages: request.messages, temperature: request.temperature,
            response_format: request.responseFormat == .jsonObject ? .init(type: "json_object") : nil,
            max_tokens: request.maxTokens)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return [UInt8](try encoder.encode(body))
        } catch {
            throw .invalidRequest("could not encode the request: \(error)")
        }
    }

    /// Parses `choices[0].message.content`, `model` and `usage` from a chat-completions body.
    static func parseCompletion(_ body: [UInt8], requestedModel: String) throws(AIProviderError) -> ChatCompletion {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)), let root = object as? [String: Any]
        else { throw .malformedResponse("the body is not a JSON object") }
        guard let choices = root["choices"] as? [Any], let first = choices.first as? [String: Any],
            let message = first["message"] as? [String: Any]
        else { throw .malformedResponse("no choices[0].message") }
        guard let content = message["content"] as? String,
            !content.trimmingSpaces().isEmpty
        else { throw .malformedResponse("choices[0].message.content is missing or empty") }

        var usage: TokenUsage?
        if let usageObject = root["usage"] as? [String: Any] {
            let prompt = JSONValue.int(usageObject["prompt_tokens"])
            let completion = JSONValue.int(usageObject["completion_tokens"])
            let total = JSONValue.int(usageObject["total_tokens"])
            if let prompt, let completion, prompt >= 0, completion >= 0 {
                usage = TokenUsage(prompt: prompt, completion: completion, total: max(total ?? 0, prompt + completion))
            }
        }
        let model = (root["model"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? requestedModel
        return ChatCompletion(content: content, model: model, usage: usage, attempts: 1)
    }

    /// `error.message` of an OpenAI-style error body, else the start of the body.
    static func errorDetail(_ body: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return message
            }
            if let message = object["error"] as? String { return message }
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingSpaces()
        return text
    }

    static func map(_ error: any Error) -> AIProviderError {
        guard let error = error as? HTTPClientError else { return .couldNotConnect("\(error)") }
        switch error {
        case .timedOut: return .timedOut(error.message)
        case .couldNotConnect, .couldNotResolveHost, .tlsFailure: return .couldNotConnect(error.message)
        case .invalidRequest: return .invalidRequest(error.message)
        case .responseTooLarge: return .malformedResponse(error.message)
        case .other: return .couldNotConnect(error.message)
        }
    }
}

/// Lenient reading of JSON values produced by `JSONSerialization`.
enum JSONValue {
    /// An integer, from an integral JSON number (not from a string or a fraction).
    static func int(_ value: Any?) -> Int? {
        if let number = value as? Int { return number }
        if let number = value as? Double, number.rounded() == number, abs(number) < 1e15 { return Int(number) }
        return nil
    }

    /// A finite number.
    static func double(_ value: Any?) -> Double? {
        if let number = value as? Double, number.isFinite { return number }
        if let number = value as? Int { return Double(number) }
        return nil
    }
}
