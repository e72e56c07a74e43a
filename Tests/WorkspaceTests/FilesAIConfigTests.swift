import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 6 and the privacy finding on AI errors: the committed config cannot send
/// the AI key to a host this machine has not confirmed, nor over plain HTTP; what is committed and
/// what an API body says never names the endpoint.
@Suite("Security: the committed AI configuration")
struct FilesAIConfigTests {
    static let key = "sk-files-test-secret-4242"

    static func completion(_ content: String) -> String {
        let object: [String: Any] = [
            "id": "x", "model": "stub-model",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// A draft with a service-agreement template, and its metadata path.
    static func draft(_ s: LiveServer) async throws -> (path: String, template: String) {
        let manager = try s.token("manager@brickline.co.uk")
        let id = try #require(try await s.createContract(manager)["id"] as? String)
        let stem = try FilesKit.stem(s, company: "brickline", id: id)
        let template = try #require(
            try Drafting.catalog(try s.workspace()).templates.first { $0.contractType == .serviceAgreement })
        return ("companies/brickline/contracts/\(stem).yaml", template.id)
    }

    static func commitConfig(_ s: LiveServer, baseURL: String) throws {
        var config = try String(contentsOfFile: s.root + "/.pactoria/config.yaml", encoding: .utf8)
        config += "ai:\n  base_url: \(baseURL)\n"
        try config.write(toFile: s.root + "/.pactoria/config.yaml", atomically: true, encoding: .utf8)
        _ = try runGit(s.root, ["commit", "-q", "-am", "Use another AI endpoint"])
    }

    @Test("a committed ai.base_url on another host gets no request and no key until this machine confirms it")
    func committedHostNeedsConfirmation() async throws {
        let stub = try LoopbackHTTPServer(responses: [
            .json(Self.completion("## 1. Services\n\nHosting.\n")),
            .json(Self.completion("## 1. Services\n\nHosting.\n")),
        ])
        let s = try await LiveServer()
        try Self.commitConfig(s, baseURL: stub.url("/v1"))
        let (path, template) = try await Self.draft(s)

        let unconfirmed = try Drafting.generate(
            try s.workspace(), spec: path, regenerate: true, provider: .ai, allowFallback: true,
            author: FilesKit.author,
            templateID: template, environment: ["PACTORIA_AI_API_KEY": Self.key])
        #expect(stub.requests.isEmpty, "the key was sent to a host the committed config chose")
        #expect(unconfirmed.outcome.fellBack)
        let reason = try #require(unconfirmed.outcome.fallbackReason)
        #expect(!reason.contains("127.0.0.1") && !reason.contains("http"), "\(reason)")
        #expect(unconfirmed.outcome.fallbackDetail?.contains("PACTORIA_AI_ALLOW_HOST=127.0.0.1") == true)
        let yaml = try String(contentsOfFile: s.root + "/" + path, encoding: .utf8)
        #expect(yaml.contains("fallback_reason") && !yaml.contains("127.0.0.1"))

        // Confirmed through the environment: the request goes out, with the key.
        _ = try Drafting.generate(
            try s.workspace(), spec: path, regenerate: true, provider: .ai, allowFallback: false,
            author: FilesKit.author,
            templateID: template, environment: ["PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_ALLOW_HOST": "127.0.0.1"])
        #expect(stub.requests.count == 1)
        #expect(stub.requests.first?.header("Authorization") == "Bearer \(Self.key)")

        // Or through this machine's untracked config.
        try FileManager.default.createDirectory(atPath: s.root + "/.git/pactoria", withIntermediateDirectories: true)
        try "ai:\n  allow_hosts:\n    - 127.0.0.1\n".write(
            toFile: s.root + "/.git/pactoria/config.yaml", atomically: true, encoding: .utf8)
        _ = try Drafting.generate(
            try s.workspace(), spec: path, regenerate: true, provider: .ai, allowFallback: false,
            author: FilesKit.author,
            templateID: template, environment: ["PACTORIA_AI_API_KEY": Self.key])
        #expect(stub.requests.count == 2)
    }

    @Test("the key never goes over plain http to another machine, even when the environment asks")
    func plainHTTPRefused() throws {
        for url in ["http://attacker.invalid/v1", "ftp://127.0.0.1/v1", "http://127.0.0.1.attacker.invalid/v1"] {
            let config = AIProviderConfiguration.fromEnvironment([
                "PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_BASE_URL": url,
            ])
            #expect(config.endpointProblem != nil, "\(url)")
            let client = ChatCompletionsClient(configuration: config)
            #expect(throws: AIProviderError.self) {
                try client.complete(ChatCompletionRequest(messages: [.user("hi")], temperature: 0.3))
            }
        }
        for url in [
            "https://api.groq.com/openai/v1", "http://127.0.0.1:8080/v1", "http://localhost:1/v1", "http://[::1]:9/v1",
        ] {
            let config = AIProviderConfiguration.fromEnvironment(["PACTORIA_AI_BASE_URL": url])
            #expect(config.endpointProblem == nil, "\(url)")
        }
        // A committed https URL on another host still needs confirmation.
        let committed = AIProviderConfiguration.fromEnvironment(
            ["PACTORIA_AI_API_KEY": Self.key], settings: AIProviderSettings(baseURL: "https://attacker.example/v1"))
        #expect(committed.endpointProblem?.contains("PACTORIA_AI_ALLOW_HOST=attacker.example") == true)
        let allowed = AIProviderConfiguration.fromEnvironment(
            ["PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_ALLOW_HOST": "attacker.example"],
            settings: AIProviderSettings(baseURL: "https://attacker.example/v1"))
        #expect(allowed.endpointProblem == nil)
    }

    @Test(
        "an unreachable provider: the committed reason and the error say so without the URL; --verbose has the detail")
    func errorsCarryNoEndpoint() async throws {
        let s = try await LiveServer()
        let (path, template) = try await Self.draft(s)
        let env = ["PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_BASE_URL": "http://127.0.0.1:1/v1"]
        let r = try Drafting.generate(
            try s.workspace(), spec: path, regenerate: true, provider: .ai, allowFallback: true,
            author: FilesKit.author,
            templateID: template, environment: env)
        #expect(
            r.outcome.fallbackReason?.hasPrefix("AI provider unreachable") == true, "\(r.outcome.fallbackReason ?? "")")
        #expect(r.outcome.fallbackReason?.contains("127.0.0.1") == false)
        let yaml = try String(contentsOfFile: s.root + "/" + path, encoding: .utf8)
        #expect(!yaml.contains("127.0.0.1:1"))
        let ws = try s.workspace()
        do throws(WorkspaceError) {
            _ = try Drafting.generate(
                ws, spec: path, regenerate: true, provider: .ai, allowFallback: false, author: FilesKit.author,
                templateID: template, environment: env)
            Issue.record("generation without fallback succeeded")
        } catch {
            // What an API error body carries (APIError renders the description).
            #expect(!error.description.contains("127.0.0.1"), "\(error.description)")
            #expect(error.description.contains("AI provider unreachable"))
        }
        let quiet = try FilesKit.pactoria(
            ["generate", path, "--regenerate", "--no-fallback", "--template", template], in: s.root, env: env)
        #expect(quiet.status != 0)
        #expect(!quiet.stderr.contains("127.0.0.1"), "\(quiet.stderr)")
        let verbose = try FilesKit.pactoria(
            ["generate", path, "--regenerate", "--no-fallback", "--template", template, "--verbose"], in: s.root,
            env: env)
        #expect(verbose.stderr.contains("127.0.0.1"), "\(verbose.stderr)")
    }
}
