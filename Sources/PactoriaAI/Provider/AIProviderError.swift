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
        }
    }
}

extension AIProviderError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}
