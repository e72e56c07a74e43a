public import Foundation

/// Why an AI provider request failed. Messages are one line and never contain the API key.
public enum AIProviderError: Error, Sendable, Equatable {
    /// No API key is configured.
    case notConfigured
    /// The provider could not be reached (offline, DNS failure, connection refused, TLS).
    case couldNotConnect(String)
    /// The connect or total timeout expired.
    case timedOut(String)
    /// The provider answered with a non-2xx status (after any retries).
    case httpStatus(Int, String)
    /// The answer could not be understood (not JSON, missing fields, out-of-range values).
    case malformedResponse(String)
    /// The request could not be made (an invalid base URL, …).
    case invalidRequest(String)
    /// The endpoint is not trusted with the key (plain HTTP to another machine, or a host set by
    /// the committed config that this machine has not confirmed); nothing was sent.
    case untrustedEndpoint(String)

    public var message: String {
        switch self {
        case .notConfigured:
            return "AI provider not configured: set PACTORIA_AI_API_KEY (or GROQ_API_KEY)"
        case .couldNotConnect(let detail):
            return "AI provider unreachable (offline or could not connect): \(detail)"
        case .timedOut(let detail):
            return "AI provider timed out: \(detail)"
        case .httpStatus(let status, let detail):
            return "AI provider returned HTTP \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .malformedResponse(let detail):
            return "AI provider returned a malformed response: \(detail)"
        case .invalidRequest(let detail):
            return "AI provider request invalid: \(detail)"
        case .untrustedEndpoint(let detail):
            return "AI provider endpoint refused, the API key was not sent: \(detail)"
        }
    }

    /// The message for API error bodies and for what is committed (`generation.fallback_reason`):
    /// no URL, host, provider text or key material, only what kind of failure it was. `message`
    /// keeps the detail, for verbose output and the local server log.
    public var publicMessage: String {
        switch self {
        case .notConfigured: return message
        case .couldNotConnect: return "AI provider unreachable (could not connect)"
        case .timedOut: return "AI provider unreachable (timeout)"
        case .httpStatus(let status, _): return "AI provider returned HTTP \(status)"
        case .malformedResponse: return "AI provider returned a malformed response"
        case .invalidRequest: return "AI provider request invalid"
        case .untrustedEndpoint: return "AI provider endpoint not confirmed on this machine; the API key was not sent"
        }
    }

    /// The same error with every occurrence of `secret` replaced and line breaks flattened,
    /// so the message is one line and safe to print.
    func sanitized(removing secret: String?) -> AIProviderError {
        func clean(_ text: String) -> String {
            var result = text
            if let secret, secret.count >= 4 { result = result.replacingAll(secret, with: "<redacted>") }
            result = String(result.map { $0.isNewline ? " " : $0 })
            if result.count > 300 { result = String(result.prefix(300)) + "…" }
            return result
        }
        switch self {
        case .notConfigured: return self
        case .couldNotConnect(let detail): return .couldNotConnect(clean(detail))
        case .timedOut(let detail): return .timedOut(clean(detail))
        case .httpStatus(let status, let detail): return .httpStatus(status, clean(detail))
        case .malformedResponse(let detail): return .malformedResponse(clean(detail))
        case .invalidRequest(let detail): return .invalidRequest(clean(detail))
        case .untrustedEndpoint(let detail): return .untrustedEndpoint(clean(detail))
        }
    }
}

extension AIProviderError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}
