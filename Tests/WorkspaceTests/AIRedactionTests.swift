import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// Issue #16, AI privacy, end to end: generation through `Drafting.generate` against the
/// loopback AI stub (a real libcurl request). With `ai.redact_personal_data` on (the default)
/// the stub never receives the canaries, the saved contract has them back and the generation
/// record counts them; with it off the stub receives them.
@Suite struct AIRedactionTests {
    static let key = "sk-redaction-test-5151"
    static let care = RulesKit.draftCare
    static let email = "zeb.quarrington@larkspur-home.example"
    static let phone = "07700 900461"
    static let postcode = "M20 6RT"
    static let niNumber = "JG 10 37 58 A"
    static let canaries = ["Zebedee", "Quarrington", "Halloran", email, phone, postcode, niNumber, "Larkspur Close"]
    static let brief =
        "Monthly hosting for Mr Zebedee Quarrington, a sole trader (\(email), \(phone)), at 14 Larkspur Close, "
        + "Didsbury, Manchester \(postcode); NI number \(niNumber). Invoices go to Dr Halloran."

    static func completion(_ content: String) -> String {
        let object: [String: Any] = [
            "id": "x", "model": "stub-model",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Placeholder-shaped tokens in `text`, in order, once each.
    static func placeholders(in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "[") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "]") else { break }
            let inner = after[..<close]
            if inner.contains("_"), inner.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }),
                inner.last?.isNumber == true
            {
                let token = "[\(inner)]"
                if !found.contains(token) { found.append(token) }
            }
            rest = after
        }
        return found
    }

    /// A stub that answers with a contract naming every placeholder it was sent.
    static func stub() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            let tokens = placeholders(in: request.text)
            let markdown = """
                # Website Care Plan Agreement

                ## 1. Parties
                The Client: \(tokens.joined(separator: "; ")).

                ## 2. Governing law
                This Agreement is governed by the law of England and Wales.
                """
            return .json(completion(markdown))
        }
    }

    static func prepare(_ root: String) throws {
        let path = RulesKit.yaml(care)
        try RulesKit.replace(root, path, "name: Jess Mariner", "name: Zebedee Quarrington")
        try RulesKit.replace(root, path, "email: hello@hackneywickbrewing.co.uk", "email: \(email)")
        try RulesKit.replace(
            root, path,
            "Monthly hosting, updates and support for the Hackney Wick Brewing website and taproom",
            brief)
    }

    /// The message contents of every request the stub received, decoded.
    static func sentPrompts(_ stub: LoopbackHTTPServer) throws -> [String] {
        try stub.requests.map { request in
            let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            let messages = try #require(body["messages"] as? [[String: String]])
            return messages.compactMap { $0["content"] }.joined(separator: "\n") + "\n" + request.text
        }
    }

    @Test func generationSendsPlaceholdersAndSavesTheRealValues() throws {
        let root = try RulesKit.adopt(prepare: Self.prepare)
        defer { RulesKit.cleanUp(root) }
        let stub = try Self.stub()
        defer { stub.stop() }
        let environment = ["PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_BASE_URL": stub.url("/v1")]
        let author = Author(name: "Admin", email: "admin@example.co.uk")

        let made = try Drafting.generate(
            try Workspace.open(root: root), spec: RulesKit.yaml(Self.care), regenerate: true, provider: .ai,
            allowFallback: false, author: author, environment: environment)
        #expect(!made.outcome.fellBack)
        #expect(stub.requests.count == 1)
        let prompt = try #require(try Self.sentPrompts(stub).first)
        #expect(prompt.contains("Monthly hosting for Mr [PERSON_"), "\(prompt)")
        for canary in Self.canaries {
            #expect(!prompt.contains(canary), "the AI provider received \(canary)")
        }

        let markdown = try RulesKit.read(root, RulesKit.markdown(Self.care))
        for value in ["Zebedee Quarrington", Self.email, Self.phone, Self.postcode, Self.niNumber, "Halloran"] {
            #expect(markdown.contains(value), "\(value) not restored in \(markdown)")
        }
        #expect(Self.placeholders(in: markdown).isEmpty, "\(markdown)")

        let counts = try #require(made.outcome.record.redactions)
        #expect(counts.names >= 2 && counts.emails >= 1 && counts.addresses >= 1, "\(counts)")
        #expect(counts.phones == 1 && counts.niNumbers == 1, "\(counts)")
        let yaml = try RulesKit.read(root, RulesKit.yaml(Self.care))
        let document = try YAMLDocument.parse(yaml, file: "contract.yaml")
        let recorded = try #require(document.root["generation"]?["redactions"])
        #expect(recorded["names"]?.string == String(counts.names))
        #expect(recorded["emails"]?.string == String(counts.emails))
        #expect(recorded["phones"]?.string == "1")
        #expect(recorded["addresses"]?.string == String(counts.addresses))
        #expect(recorded["ni_numbers"]?.string == "1")
        // Counts, never values: the record section holds no canary (the metadata itself does).
        let generation = yaml[yaml.range(of: "\ngeneration:\n")!.lowerBound...]
        for canary in [Self.phone, Self.postcode, Self.niNumber] {
            #expect(!generation.contains(canary), "\(canary) in the generation record")
        }
    }

    @Test func aCommittedSettingCannotTurnItOff() throws {
        // Anyone who can open a pull request writes the committed config.
        let root = try RulesKit.adopt(prepare: { root in
            try Self.prepare(root)
            var config = try RulesKit.read(root, ".pactoria/config.yaml")
            config += "ai:\n  redact_personal_data: false\n"
            try RulesKit.write(root, ".pactoria/config.yaml", config)
        })
        defer { RulesKit.cleanUp(root) }
        let stub = try Self.stub()
        defer { stub.stop() }
        let environment = ["PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_BASE_URL": stub.url("/v1")]
        let made = try Drafting.generate(
            try Workspace.open(root: root), spec: RulesKit.yaml(Self.care), regenerate: true, provider: .ai,
            allowFallback: false, author: Author(name: "Admin", email: "admin@example.co.uk"), environment: environment)
        let prompt = try #require(try Self.sentPrompts(stub).first)
        for canary in Self.canaries {
            #expect(
                !prompt.contains(canary), "\(canary) reached the provider: the committed setting turned redaction off")
        }
        #expect(made.outcome.record.redactions != nil)
    }

    @Test func withTheSettingOffTheProviderReceivesThem() throws {
        let root = try RulesKit.adopt(prepare: { root in try Self.prepare(root) })
        defer { RulesKit.cleanUp(root) }
        // This machine's own config (untracked, never pushed) may turn it off.
        try FileManager.default.createDirectory(atPath: root + "/.git/pactoria", withIntermediateDirectories: true)
        try RulesKit.write(root, ".git/pactoria/config.yaml", "ai:\n  redact_personal_data: false\n")
        let stub = try Self.stub()
        defer { stub.stop() }
        let environment = ["PACTORIA_AI_API_KEY": Self.key, "PACTORIA_AI_BASE_URL": stub.url("/v1")]
        let made = try Drafting.generate(
            try Workspace.open(root: root), spec: RulesKit.yaml(Self.care), regenerate: true, provider: .ai,
            allowFallback: false, author: Author(name: "Admin", email: "admin@example.co.uk"), environment: environment)
        let prompt = try #require(try Self.sentPrompts(stub).first)
        for canary in Self.canaries {
            #expect(prompt.contains(canary), "\(canary) was redacted with the setting off")
        }
        #expect(made.outcome.record.redactions == nil)
        #expect(!(try RulesKit.read(root, RulesKit.yaml(Self.care))).contains("redactions:"))
    }

    @Test func settingValues() {
        #expect(AIProviderSettings.redactPersonalData(fromSetting: nil) == true)
        for off in ["false", "False", "no", "off", "0"] {
            #expect(AIProviderSettings.redactPersonalData(fromSetting: off) == false, "\(off)")
        }
        for on in ["true", "yes", "on", "1", "", "maybe", "fasle"] {
            #expect(AIProviderSettings.redactPersonalData(fromSetting: on) == true)
        }
    }
}
