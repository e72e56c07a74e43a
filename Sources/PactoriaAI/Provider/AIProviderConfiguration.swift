import Foundation
import PactoriaCore
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
    /// Hosts this machine confirmed for a committed `baseURL` (from a local, untracked config).
    public var confirmedHosts: [String] = []
    /// `ai.redact_personal_data`: replace personal data by placeholders before a prompt leaves
    /// (`PersonalDataRedactor`). On unless the setting says false.
    public var redactPersonalData: Bool = true

    public init(
        baseURL: String? = nil, model: String? = nil, connectTimeoutSeconds: Int? = nil,
        requestTimeoutSeconds: Int? = nil, confirmedHosts: [String] = [], redactPersonalData: Bool = true
    ) {
        self.confirmedHosts = confirmedHosts
        self.redactPersonalData = redactPersonalData
        self.baseURL = baseURL
        self.model = model
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    /// The value of `ai.redact_personal_data` as written: only an explicit false (`false`,
    /// `no`, `off`, `0`, any case) turns redaction off; absent, blank or anything else leaves it
    /// on, so a mistyped value never sends personal data.
    public static func redactPersonalData(fromSetting text: String?) -> Bool {
        guard let text = text?.trimmingSpaces().lowercased() else { return true }
        return !["false", "no", "off", "0"].contains(text)
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
    /// Hosts (comma-separated) this machine lets the committed config send the key to.
    public static let allowHostVariable = "PACTORIA_AI_ALLOW_HOST"

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
    /// Set when the base URL came from the committed workspace config and names a host this
    /// machine has not confirmed: the client then refuses to send anything (the key included).
    public var unconfirmedHost: String?
    /// Replace personal data in prompts by placeholders, restored in the answer
    /// (`ai.redact_personal_data`, on by default). Honoured by `ContractGenerationService` and
    /// `AIContractAnalyzer`.
    public var redactPersonalData: Bool = true

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
            guard let text = environment[name]?.trimmingSpaces(), !text.isEmpty else { return nil }
            return text
        }
        func nonBlank(_ text: String?) -> String? {
            guard let text = text?.trimmingSpaces(), !text.isEmpty else { return nil }
            return text
        }
        let key = apiKeyVariables.lazy.compactMap(value).first
        var config = AIProviderConfiguration(
            apiKey: key,
            baseURL: value(baseURLVariable) ?? nonBlank(settings.baseURL) ?? defaultBaseURL,
            model: value(modelVariable) ?? nonBlank(settings.model) ?? defaultModel,
            connectTimeout: settings.connectTimeoutSeconds.map { .seconds(max(1, $0)) } ?? defaultConnectTimeout,
            requestTimeout: settings.requestTimeoutSeconds.map { .seconds(max(1, $0)) } ?? defaultRequestTimeout)
        config.redactPersonalData = settings.redactPersonalData
        // A base URL from the committed config (not from this machine's environment) may only
        // name the default host, or one this machine confirmed.
        if value(baseURLVariable) == nil, let committed = nonBlank(settings.baseURL) {
            let host = Self.host(of: committed) ?? committed
            let allowed = Set(
                (value(allowHostVariable) ?? "").split(separator: ",").map {
                    String($0).trimmingSpaces().lowercased()
                }
                    + settings.confirmedHosts.map { $0.lowercased() })
            if host != Self.host(of: defaultBaseURL), !allowed.contains(host) { config.unconfirmedHost = host }
        }
        return config
    }

    /// The host of an `http(s)://` URL, lower-cased, without port, user or brackets; nil when the
    /// URL has no `scheme://host`.
    public static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        var rest = Substring(url[scheme.upperBound...])
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : rest.lowercased()
    }

    /// Why the key must not be sent to `baseURL`, or nil: it must be `https://`, except plain
    /// `http://` to this machine's loopback (`127.0.0.1`, `localhost`, `[::1]`), for tests.
    public var endpointProblem: String? {
        if let host = unconfirmedHost {
            return
                "the committed .pactoria/config.yaml sends AI requests to \(host), which this machine has not confirmed;"
                + " set \(Self.allowHostVariable)=\(host) (or \(Self.baseURLVariable)), or put ai.base_url in .git/pactoria/config.yaml"
        }
        let lower = baseURL.lowercased()
        if lower.hasPrefix("https://"), Self.host(of: lower) != nil { return nil }
        if lower.hasPrefix("http://"), let host = Self.host(of: lower),
            ["127.0.0.1", "localhost", "::1"].contains(host)
        {
            return nil
        }
        return "ai.base_url must be an https:// URL (plain http:// only to 127.0.0.1, localhost or [::1])"
    }
}

extension AIProviderConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "AIProviderConfiguration(baseURL: \(baseURL), model: \(model), apiKey: \(isConfigured ? "<redacted>" : "none"), "
            + "redactPersonalData: \(redactPersonalData))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "apiKey": isConfigured ? "<redacted>" : "none", "baseURL": baseURL, "model": model,
                "connectTimeout": connectTimeout, "requestTimeout": requestTimeout,
                "redactPersonalData": redactPersonalData,
            ],
            displayStyle: .struct)
    }
}
