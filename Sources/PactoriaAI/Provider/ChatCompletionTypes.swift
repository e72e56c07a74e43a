/// One message of a chat-completions conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Equatable, Codable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
}

/// A chat-completions request, without the model (which comes from the configuration).
public struct ChatCompletionRequest: Sendable, Equatable {
    public enum ResponseFormat: String, Sendable, Equatable {
        case text
        /// `response_format: {"type": "json_object"}`: the model must answer with one JSON object.
        case jsonObject = "json_object"
    }

    public var messages: [ChatMessage]
    public var temperature: Double
    public var responseFormat: ResponseFormat
    public var maxTokens: Int?

    public init(
        messages: [ChatMessage], temperature: Double, responseFormat: ResponseFormat = .text, maxTokens: Int? = nil
    ) {
        self.messages = messages
        self.temperature = temperature
        self.responseFormat = responseFormat
        self.maxTokens = maxTokens
    }
}

/// Tokens a provider reports for one request.
public struct TokenUsage: Sendable, Equatable, Codable {
    public var prompt: Int
    public var completion: Int
    public var total: Int

    public init(prompt: Int, completion: Int, total: Int) {
        self.prompt = prompt
        self.completion = completion
        self.total = total
    }
}

/// A provider's answer: `choices[0].message.content` and `usage`.
public struct ChatCompletion: Sendable, Equatable {
    public var content: String
    /// The model the provider says answered (else the one asked for).
    public var model: String
    public var usage: TokenUsage?
    /// Requests sent, retries included.
    public var attempts: Int

    public init(content: String, model: String, usage: TokenUsage?, attempts: Int) {
        self.content = content
        self.model = model
        self.usage = usage
        self.attempts = attempts
    }
}
