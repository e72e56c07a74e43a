public import PactoriaHTTPClient

/// Settings for an AI provider from a workspace's configuration file. The API key is never
/// read from a file: it comes from the environment only.
public struct AIProviderSettings: Sendable, Equatable {
    public var baseURL: String?
    public var model: String?
    /// Seconds.
    public var connectTimeoutSeconds: Int?
    /// Seconds.
    public var requestTimeoutSeconds: Int?

    public init(
        baseURL: String? = nil, model: String? = nil, connectTimeoutSeconds: Int? = nil,
        requestTimeoutSeconds: Int? = nil
    ) {
        self.baseURL = baseURL
        self.model = model
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }
}

/// How to reach an OpenAI-compatible chat-completions API (Groq by default).
///
/// Printing a configuration (description, debug description, `dump`, mirrors) never shows
/// the API key.
public struct AIProviderConfiguration: Sendable, Equatable {
    public static let defaultBaseURL = "https://api.groq.com/openai/v1"
    public static let defaultModel = "openai/gpt-oss-120b"
    public static let defaultConnectTimeout: Duration = .seconds(10)
    public static let defaultRequestTimeout: Duration = .seconds(120)

    /// Environment variables read by `fromEnvironment`.
    public static let apiKeyVariables = ["PACTORIA_AI_API_KEY", "GROQ_API_KEY"]
    public static let baseURLVariable = "PACTORIA_AI_BASE_URL"
    public static let modelVariable = "PACTORIA_AI_MODEL"

    /// The bearer token; nil when no provider is configured.
    public var apiKey: String?
    /// The API root; requests go to `{baseURL}/chat/completions`.
    public var baseURL: String
    public var model: String
    public var connectTimeout: Duration
    /// Limit for a whole request, connection included.
    public var requestTimeout: Duration
    /// Retries on 429 and 5xx (honouring `Retry-After`) and on connection failures and timeouts.
    public var retryPolicy: RetryPolicy

    public init(
        apiKey: String?, baseURL: String = defaultBaseURL, model: String = defaultModel,
        connectTimeout: Duration = defaultConnectTimeout, requestTimeout: Duration = defaultRequestTimeout,
        retryPolicy: RetryPolicy = .standard
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.model = model
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
    }

    /// Whether an API key is set (the AI provider can be used).
    public var isConfigured: Bool { !(apiKey ?? "").isEmpty }

    /// `{baseURL}/chat/completions`.
    public var chatCompletionsURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/chat/completions"
    }

    /// Reads the key from `PACTORIA_AI_API_KEY`, else `GROQ_API_KEY`; the base URL from
    /// `PACTORIA_AI_BASE_URL`, else `settings.baseURL`, else Groq; the model from
    /// `PACTORIA_AI_MODEL`, else `settings.model`, else `openai/gpt-oss-120b`. The environment
    /// wins over the workspace settings; blank values count as unset.
    public static func fromEnvironment(
        _ environment: [String: String], settings: AIProviderSettings = AIProviderSettings()
    ) -> AIProviderConfiguration {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(), !text.isEmpty else { return nil }
            return text
        }
        func nonBlank(_ text: String?) -> String? {
            guard let text = text?.trimmingCharacters(), !text.isEmpty else { return nil }
            return text
        }
        let key = apiKeyVariables.lazy.compactMap(value).first
        return AIProviderConfiguration(
            apiKey: key,
            baseURL: value(baseURLVariable) ?? nonBlank(settings.baseURL) ?? defaultBaseURL,
            model: value(modelVariable) ?? nonBlank(settings.model) ?? defaultModel,
            connectTimeout: settings.connectTimeoutSeconds.map { .seconds(max(1, $0)) } ?? defaultConnectTimeout,
            requestTimeout: settings.requestTimeoutSeconds.map { .seconds(max(1, $0)) } ?? defaultRequestTimeout)
    }
}

extension AIProviderConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "AIProviderConfiguration(baseURL: \(baseURL), model: \(model), apiKey: \(isConfigured ? "<redacted>" : "none"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "apiKey": isConfigured ? "<redacted>" : "none", "baseURL": baseURL, "model": model,
                "connectTimeout": connectTimeout, "requestTimeout": requestTimeout,
            ],
            displayStyle: .struct)
    }
}

extension String {
    /// Without leading and trailing whitespace and newlines.
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
