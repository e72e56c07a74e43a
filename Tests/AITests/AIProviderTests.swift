import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import Testing

/// The AI path against a scripted chat-completions stub on 127.0.0.1, through the real
/// libcurl client.
@Suite struct AIProviderTests {
    static let apiKey = "sk-test-SECRET-7f3a9c2e"

    /// Records the delays the client asked to sleep, without sleeping.
    final class SleepRecorder: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Duration] = []
        var delays: [Duration] { lock.withLock { values } }
        var sleep: @Sendable (Duration) -> Void { { [self] delay in lock.withLock { values.append(delay) } } }
    }

    static func completion(_ content: String, model: String = "openai/gpt-oss-120b") -> String {
        let object: [String: Any] = [
            "id": "chatcmpl-1", "object": "chat.completion", "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 1200, "completion_tokens": 800, "total_tokens": 2000],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object)
        return String(decoding: data, as: UTF8.self)
    }

    static func client(
        _ server: LoopbackHTTPServer, timeout: Duration = .seconds(10), retry: RetryPolicy = .standard,
        sleep: @escaping @Sendable (Duration) -> Void = { _ in }
    ) -> ChatCompletionsClient {
        let configuration = AIProviderConfiguration(
            apiKey: apiKey, baseURL: server.url("/openai/v1"), model: "openai/gpt-oss-120b",
            connectTimeout: .seconds(2), requestTimeout: timeout, retryPolicy: retry)
        return ChatCompletionsClient(configuration: configuration, sleep: sleep)
    }

    static let generatedMarkdown = """
        # Customer Portal Rebuild

        ## 1. Services
        The Supplier shall rebuild the customer portal for Acme Widgets Ltd.

        ## 2. Governing law
        This Agreement is governed by the law of England and Wales and the courts of England and Wales have \
        exclusive jurisdiction. Payment is due to {{supplier.bank_account}}.
        """

    func template() throws -> Template { try Fixtures.catalog.require(id: "template-service-001") }

    @Test func generationSucceedsWithTokenUsage() throws {
        let server = try LoopbackHTTPServer(responses: [
            .json(Self.completion("```markdown\n\(Self.generatedMarkdown)\n```"))
        ])
        defer { server.stop() }
        let service = ContractGenerationService(aiClient: Self.client(server))
        let contract = Fixtures.servicesContract()
        let outcome = try service.generate(
            contract: contract, template: try template(), provider: .ai, allowFallback: false,
            createdAt: "2026-01-20T10:15:00Z")

        #expect(!outcome.fellBack)
        #expect(outcome.record.provider == .ai)
        #expect(outcome.record.model == "openai/gpt-oss-120b")
        #expect(outcome.record.tokenUsage == TokenUsage(prompt: 1200, completion: 800, total: 2000))
        #expect(outcome.record.templateSHA256 == (try template()).sha256)
        #expect(outcome.markdown.hasPrefix("# Customer Portal Rebuild"))
        #expect(!outcome.markdown.contains("```") && !outcome.markdown.contains("{{"))
        #expect(outcome.markdown.contains("[TO COMPLETE: supplier bank account]"))
        #expect(outcome.unfilled == ["supplier.bank_account"])

        let requests = server.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/openai/v1/chat/completions")
        #expect(request.header("Authorization") == "Bearer \(Self.apiKey)")
        #expect(request.header("Content-Type") == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["model"] as? String == "openai/gpt-oss-120b")
        #expect(body["temperature"] as? Double == 0.3)
        #expect(body["response_format"] == nil)
        let messages = try #require(body["messages"] as? [[String: String]])
        let prompt = messages.compactMap { $0["content"] }.joined(separator: "\n")
        #expect(messages.first?["role"] == "system")
        #expect(prompt.contains("Contract type: Service agreement (service_agreement)"))
        #expect(prompt.contains("rebuild the customer portal"))  // the requirements
        #expect(prompt.contains("UK GDPR") && prompt.contains("Late Payment of Commercial Debts (Interest) Act 1998"))
        #expect(prompt.contains("## 8. Limitation of liability"))  // the template
        #expect(
            outcome.record.promptSHA256
                == PromptBuilder.sha256(
                    of: messages.map {
                        ChatMessage(role: ChatMessage.Role(rawValue: $0["role"]!)!, content: $0["content"]!)
                    }))
    }

    @Test func rateLimitedThenSuccessRetriesHonouringRetryAfter() throws {
        let server = try LoopbackHTTPServer(responses: [
            .json(#"{"error":{"message":"Rate limit reached"}}"#, status: 429, headers: [("Retry-After", "2")]),
            .json(Self.completion("# Contract\n\nGoverned by the law of England and Wales.")),
        ])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let completion = try Self.client(server, sleep: recorder.sleep).complete(
            ChatCompletionRequest(
                messages: [.user("hello")], temperature: ChatCompletionsClient.generationTemperature))
        #expect(server.requests.count == 2)
        #expect(completion.attempts == 2)
        #expect(recorder.delays == [.seconds(2)])
        #expect(completion.content.hasPrefix("# Contract"))
        #expect(completion.usage?.total == 2000)
    }

    @Test func timeoutIsReportedAsTimedOut() throws {
        let server = try LoopbackHTTPServer(responses: [.json(Self.completion("late"), delay: .seconds(3))])
        defer { server.stop() }
        let client = Self.client(server, timeout: .milliseconds(300), retry: RetryPolicy(maxAttempts: 2))
        let started = ContinuousClock.now
        #expect {
            _ = try client.complete(ChatCompletionRequest(messages: [.user("hi")], temperature: 0.3))
        } throws: { error in
            guard case .timedOut = error as? AIProviderError else { return false }
            return !"\(error)".contains(Self.apiKey) && !"\(error)".contains("\n")
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(server.requests.count == 2)  // timeouts are retried too
    }

    @Test func serverErrorEveryTimeFallsBackOrFailsCleanly() throws {
        let server = try LoopbackHTTPServer(responses: [
            .json(#"{"error":{"message":"upstream overloaded"}}"#, status: 500)
        ])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let service = ContractGenerationService(aiClient: Self.client(server, sleep: recorder.sleep))
        let contract = Fixtures.servicesContract()

        let outcome = try service.generate(
            contract: contract, template: try template(), provider: .ai, allowFallback: true,
            createdAt: "2026-01-20T10:15:00Z")
        #expect(outcome.fellBack)
        #expect(outcome.record.provider == .local)
        #expect(outcome.record.tokenUsage == nil)
        let reason = try #require(outcome.fallbackReason)
        // Issue #11: the committed reason names the kind of failure only; the provider's own text
        // (which may name the endpoint) is kept for --verbose output.
        #expect(reason.contains("HTTP 500") && !reason.contains("upstream overloaded") && reason.contains("local"))
        #expect(outcome.fallbackDetail?.contains("upstream overloaded") == true)
        #expect(!reason.contains("\n"))
        #expect(outcome.markdown.contains("## 6. Data protection"))
        #expect(server.requests.count == RetryPolicy.standard.maxAttempts)
        #expect(recorder.delays.count == RetryPolicy.standard.maxAttempts - 1)
        // Exponential backoff: each delay at least the last.
        #expect(zip(recorder.delays, recorder.delays.dropFirst()).allSatisfy { $0 <= $1 })

        #expect {
            _ = try service.generate(
                contract: contract, template: try template(), provider: .ai, allowFallback: false,
                createdAt: "2026-01-20T10:15:00Z")
        } throws: { error in
            guard case .httpStatus(500, let detail) = error as? AIProviderError else { return false }
            return detail.contains("upstream overloaded") && detail.contains("after 4 attempts")
        }
    }

    @Test func offlineFallsBackWithAClearReason() throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let configuration = AIProviderConfiguration(
            apiKey: Self.apiKey, baseURL: "http://127.0.0.1:\(port)/v1", connectTimeout: .seconds(1),
            requestTimeout: .seconds(2), retryPolicy: .never)
        let service = ContractGenerationService(aiClient: ChatCompletionsClient(configuration: configuration))
        let outcome = try service.generate(
            contract: Fixtures.servicesContract(), template: try template(), provider: .ai, allowFallback: true,
            createdAt: "2026-01-20T10:15:00Z")
        #expect(outcome.fellBack)
        #expect(outcome.fallbackReason?.contains("unreachable") == true)
        #expect(outcome.fallbackReason?.contains(Self.apiKey) == false)
    }

    @Test func apiKeyNeverAppearsInErrorsOrDescriptions() throws {
        // A provider that echoes the key back in its error message.
        let server = try LoopbackHTTPServer(responses: [
            .json(#"{"error":{"message":"Invalid API Key: \#(Self.apiKey)"}}"#, status: 401)
        ])
        defer { server.stop() }
        let client = Self.client(server)
        var captured: AIProviderError?
        do {
            _ = try client.complete(ChatCompletionRequest(messages: [.user("hi")], temperature: 0.3))
        } catch {
            captured = error
        }
        let error = try #require(captured)
        guard case .httpStatus(401, _) = error else {
            Issue.record("expected HTTP 401, got \(error)")
            return
        }
        for text in [
            error.message, error.description, error.localizedDescription, "\(error)", String(reflecting: error),
        ] {
            #expect(!text.contains(Self.apiKey))
            #expect(!text.contains("SECRET"))
        }
        #expect(error.message.contains("<redacted>"))

        let configuration = client.configuration
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains(Self.apiKey))
        }
    }

    @Test func analysisParsesStrictJSON() throws {
        let analysis = """
            {"overall_score": 0.82, "gdpr_score": 0.9, "commercial_terms_score": 0.75, "employment_law_score": 0.1,
             "risk_score": 4,
             "risk_factors": [{"source": "liability_cap", "description": "Cap is high"}],
             "recommendations": [{"clause": "liability_cap", "text": "Lower the cap"}],
             "findings": [{"clause": "governing_law", "status": "present", "message": "England and Wales"}]}
            """
        let server = try LoopbackHTTPServer(responses: [.json(Self.completion(analysis))])
        defer { server.stop() }
        let (contract, markdown) = (
            Fixtures.servicesContract(), "# Agreement\n\nGoverned by the law of England and Wales."
        )
        let result = try AIContractAnalyzer(client: Self.client(server)).analyze(markdown: markdown, contract: contract)
        #expect(result.analyzerName == AIContractAnalyzer.name)
        #expect(result.model == "openai/gpt-oss-120b")
        #expect(result.scores.overall == 0.82 && result.scores.gdpr == 0.9 && result.scores.commercialTerms == 0.75)
        #expect(result.scores.employmentLaw == nil)  // not applicable to a service agreement
        #expect(result.complianceLevel == .fair && result.isCompliant)
        #expect(result.riskScore == 4 && result.riskLevel == .medium)
        #expect(result.recommendations == [ComplianceRecommendation(clause: "liability_cap", text: "Lower the cap")])

        let request = try #require(server.requests.first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["temperature"] as? Double == 0.2)
        #expect((body["response_format"] as? [String: String])?["type"] == "json_object")
    }

    @Test(arguments: [
        "this is not JSON {",
        #"{"overall_score": 1.4, "gdpr_score": 1, "commercial_terms_score": 1, "risk_score": 2, "risk_factors": [], "recommendations": []}"#,
        #"{"overall_score": 0.9, "gdpr_score": 1, "commercial_terms_score": 1, "risk_score": 11, "risk_factors": [], "recommendations": []}"#,
        #"{"overall_score": 0.9, "commercial_terms_score": 1, "risk_score": 2, "risk_factors": [], "recommendations": []}"#,
        #"{"overall_score": "high", "gdpr_score": 1, "commercial_terms_score": 1, "risk_score": 2, "risk_factors": [], "recommendations": []}"#,
        #"{"overall_score": 0.9, "gdpr_score": 1, "commercial_terms_score": 1, "risk_score": 2, "risk_factors": "none", "recommendations": []}"#,
        #"[0.9, 2]"#,
    ])
    func malformedAnalysisIsAnError(_ content: String) throws {
        let server = try LoopbackHTTPServer(responses: [.json(Self.completion(content))])
        defer { server.stop() }
        #expect {
            _ = try AIContractAnalyzer(client: Self.client(server)).analyze(
                text: "# Agreement", type: .serviceAgreement)
        } throws: { error in
            guard case .malformedResponse = error as? AIProviderError else { return false }
            return !"\(error)".contains(Self.apiKey)
        }
    }

    @Test func malformedChatResponseIsAnError() throws {
        let server = try LoopbackHTTPServer(responses: [.json(#"{"choices": []}"#)])
        defer { server.stop() }
        #expect(throws: AIProviderError.malformedResponse("no choices[0].message")) {
            try Self.client(server).complete(ChatCompletionRequest(messages: [.user("hi")], temperature: 0.3))
        }
    }

    @Test func configurationFromEnvironment() {
        let none = AIProviderConfiguration.fromEnvironment([:])
        #expect(!none.isConfigured)
        #expect(none.baseURL == "https://api.groq.com/openai/v1")
        #expect(none.model == "openai/gpt-oss-120b")
        #expect(none.chatCompletionsURL == "https://api.groq.com/openai/v1/chat/completions")

        let groq = AIProviderConfiguration.fromEnvironment(["GROQ_API_KEY": "gsk_1"])
        #expect(groq.apiKey == "gsk_1")

        let both = AIProviderConfiguration.fromEnvironment(
            [
                "PACTORIA_AI_API_KEY": "pk_1", "GROQ_API_KEY": "gsk_1",
                "PACTORIA_AI_BASE_URL": "http://localhost:8080/v1/",
                "PACTORIA_AI_MODEL": "llama-3.3-70b",
            ],
            settings: AIProviderSettings(
                baseURL: "https://example.invalid/v1", model: "other", requestTimeoutSeconds: 30))
        #expect(both.apiKey == "pk_1")
        #expect(both.baseURL == "http://localhost:8080/v1/")
        #expect(both.chatCompletionsURL == "http://localhost:8080/v1/chat/completions")
        #expect(both.model == "llama-3.3-70b")
        #expect(both.requestTimeout == .seconds(30))

        let workspace = AIProviderConfiguration.fromEnvironment(
            ["PACTORIA_AI_API_KEY": "  "],
            settings: AIProviderSettings(baseURL: "https://example.invalid/v1", model: "m"))
        #expect(!workspace.isConfigured)
        #expect(workspace.baseURL == "https://example.invalid/v1" && workspace.model == "m")
    }
}
