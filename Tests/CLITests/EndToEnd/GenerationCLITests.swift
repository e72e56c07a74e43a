import Foundation
import PactoriaTestSupport
import Testing

/// `pactoria generate`, `analyze`, `recommend` and `templates` through the built binary; the AI
/// provider is a local stub of the chat-completions API reached through the real libcurl client.
@Suite("End to end: generation and analysis")
struct GenerationCLITests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates").path
    static let care = LC.draftCare

    static func env(_ extra: [String: String?] = [:]) -> [String: String?] {
        var e: [String: String?] = ["PACTORIA_TEMPLATES": templates, "PACTORIA_TODAY": LC.today]
        for (k, v) in extra { e[k] = v }
        return e
    }

    static func completion(_ text: String) -> String {
        let object: [String: Any] = [
            "id": "x", "model": "stub-model",
            "choices": [
                ["index": 0, "message": ["role": "assistant", "content": "# Website Care Plan Agreement\n\n" + text]]
            ],
            "usage": ["prompt_tokens": 120, "completion_tokens": 340, "total_tokens": 460],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test("local generation writes content, records generation, bumps nothing on first content, commits")
    func localGeneration() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let r = try sb.pactoria(
                ["generate", Self.care, "--provider", "local", "--regenerate", "--json"], in: "demo", env: Self.env())
            #expect(r.exitCode == 0, "\(r)")
            let json = try E2E.parseJSON(r)
            #expect(json["provider"] as? String == "local")
            #expect(json["template_id"] as? String == "template-service-001")
            let md = try sb.read("demo/companies/brickline-digital/contracts/website-care-plan-agreement.md")
            #expect(!md.contains("{{"))
            #expect(md.contains("Hackney Wick Brewing"))
            let yaml = try sb.read("demo/" + LC.yaml(Self.care))
            #expect(yaml.contains("\ngeneration:\n  provider: local\n"))
            #expect(yaml.contains("  template_sha256: "))
            let trailers = try sb.git(["log", "-1", "--format=%(trailers:key=Pactoria-Event,valueonly)"], in: "demo")
                .stdout
            #expect(trailers.contains("contract.content_generated"))
            // Content exists now: a second generate without --regenerate is refused and changes nothing.
            let head = try LC.head(sb)
            let again = try sb.pactoria(["generate", Self.care, "--provider", "local"], in: "demo", env: Self.env())
            #expect(again.exitCode == 1)
            #expect(again.stderr.contains("already has content"), "\(again)")
            #expect(try LC.head(sb) == head)
        }
    }

    @Test("generate without a template picks one by type and brief, says why, records it; roles by type")
    func generateWithoutTemplate() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let made = try sb.pactoria(
                [
                    "new", "--company", "ancoats-bakehouse", "--title", "Barista Employment Contract", "--type",
                    "employment_contract", "--client", "Sam Taylor", "--input",
                    "Part-time barista, 20 hours a week at £11.44 an hour, one month probation, starting 6 January 2027 at our Ancoats café",
                    "--json",
                ], in: "demo", env: Self.env())
            #expect(made.exitCode == 0, "\(made)")
            let stem = try #require(try E2E.parseJSON(made)["stem"] as? String)
            let ref = "ancoats-bakehouse/" + stem
            #expect(!(try sb.read("demo/" + LC.yaml(ref))).contains("template_id"))

            let text = try sb.pactoria(["generate", ref, "--provider", "local"], in: "demo", env: Self.env())
            #expect(text.exitCode == 0, "\(text)")
            let lines = text.stdout.split(separator: "\n").map(String.init)
            let choice = try #require(lines.first { $0.hasPrefix("template: chose template-employment-") }, "\(text)")
            #expect(choice.contains("for the brief"))
            #expect(
                lines.contains {
                    $0.hasPrefix("parties: Ancoats Bakehouse Ltd is the Employer and Sam Taylor the Employee")
                }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("confidence: ") && $0.contains("facts stated") }, "\(text)")
            let toComplete = try #require(lines.first { $0.hasPrefix("to complete by hand: ") }, "\(text)")
            #expect(toComplete.contains("working_pattern") && toComplete.contains("holiday_days"))

            let yaml = try sb.read("demo/" + LC.yaml(ref))
            let tid = String(choice.dropFirst("template: chose ".count).prefix { $0 != " " })
            #expect(yaml.contains("\ntemplate_id: \(tid)\n"), "\(yaml)")
            #expect(yaml.contains("  template_id: \(tid)\n"))
            #expect(yaml.contains("  template_choice: \"chose \(tid) ("))
            #expect(yaml.contains("  parties: \"Ancoats Bakehouse Ltd is the Employer and Sam Taylor the Employee"))
            #expect(yaml.contains("client:\n  name: Ancoats Bakehouse Ltd\n"), "\(yaml)")
            #expect(yaml.contains("  role: Employer\n"))
            #expect(yaml.contains("supplier:\n  name: Sam Taylor\n  role: Employee\n"), "\(yaml)")
            #expect(yaml.contains("start_date: 2027-01-06\n"))
            #expect(yaml.contains("  to_complete:\n"))
            #expect(yaml.contains("    - working_pattern\n"))

            let md = try sb.read("demo/" + LC.markdown(ref))
            #expect(md.contains("**Ancoats Bakehouse Ltd** (company number: 08765432) (the \"**Employer**\")"))
            // No address was given: the Employee is named and the address is left to complete.
            #expect(md.contains("**Sam Taylor**, of [TO COMPLETE: employee address] (the \"**Employee**\")"))
            #expect(md.contains("employed as **Barista**"))
            #expect(md.contains("20 hours a week"))
            #expect(md.contains("The probationary period is the first 1 month(s) of employment"))
            #expect(md.contains("the Employer's Ancoats café"))
            #expect(md.contains("£11.44 an hour"))
            #expect(!md.contains("a term of one month"))

            // JSON: the same, and the analysis of the generated text.
            let json = try E2E.parseJSON(
                try sb.pactoria(
                    ["generate", ref, "--provider", "local", "--regenerate", "--json"], in: "demo", env: Self.env()))
            #expect(json["template_id"] as? String == tid)
            // Recorded now: a second run uses the recorded template and chooses nothing.
            #expect(json["template_choice"] is NSNull)
            #expect((json["to_complete"] as? [String])?.contains("holiday_days") == true)
            #expect((json["confidence_score"] as? Double).map { $0 < 0.95 } == true)
            #expect((json["analysis"] as? [String: Any])?["compliance_level"] is String)
        }
    }

    @Test("AI generation through the stub: token usage recorded; 500s fall back; --no-fallback changes nothing")
    func aiGeneration() throws {
        let body = Self.completion(
            "## 1. Services\n\nThe Supplier shall provide hosting, updates and support.\n\n## 2. Governing law\n\nThis agreement is governed by the law of England and Wales."
        )
        let ok = try LoopbackHTTPServer(responses: [.json(body)])
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let env = Self.env([
                "PACTORIA_AI_API_KEY": "sk-test-secret-123", "PACTORIA_AI_BASE_URL": ok.baseURL + "/v1",
                "PACTORIA_AI_MODEL": "stub-model",
            ])
            let r = try sb.pactoria(["generate", Self.care, "--regenerate", "--json"], in: "demo", env: env)
            #expect(r.exitCode == 0, "\(r)")
            let json = try E2E.parseJSON(r)
            #expect(json["provider"] as? String == "ai")
            #expect((json["token_usage"] as? [String: Any])?["total"] as? Int == 460)
            // The care plan's client contact was kept from the provider and counted (docs/GDPR.md).
            let redactions = try #require(json["redactions"] as? [String: Any])
            #expect((redactions["names"] as? Int).map { $0 >= 1 } == true, "\(redactions)")
            #expect(!(ok.requests.first?.text.contains("Jess Mariner") ?? true))
            #expect(ok.requests.first?.path == "/v1/chat/completions")
            #expect(ok.requests.first?.header("Authorization") == "Bearer sk-test-secret-123")
            let yaml = try sb.read("demo/" + LC.yaml(Self.care))
            #expect(yaml.contains("  provider: ai\n  model: stub-model\n"))
            #expect(yaml.contains("  token_usage:\n    prompt: 120\n    completion: 340\n    total: 460\n"))
            #expect(!yaml.contains("sk-test-secret-123"))
        }
        let failing = try LoopbackHTTPServer(responses: [.json(#"{"error":"boom"}"#, status: 500)])
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let env = Self.env([
                "PACTORIA_AI_API_KEY": "sk-test-secret-123", "PACTORIA_AI_BASE_URL": failing.baseURL + "/v1",
            ])
            let head = try LC.head(sb)
            let strict = try sb.pactoria(
                ["generate", Self.care, "--regenerate", "--no-fallback"], in: "demo", env: env)
            #expect(strict.exitCode != 0)
            #expect(
                strict.stderr.split(separator: "\n").first?.hasPrefix("error: AI generation failed") == true,
                "\(strict)")
            #expect(!strict.stderr.contains("sk-test-secret-123"))
            #expect(try LC.head(sb) == head)
            #expect(try sb.git(["status", "--porcelain"], in: "demo").stdout.isEmpty)
            let fallback = try sb.pactoria(["generate", Self.care, "--regenerate", "--json"], in: "demo", env: env)
            #expect(fallback.exitCode == 0, "\(fallback)")
            let json = try E2E.parseJSON(fallback)
            #expect(json["provider"] as? String == "local")
            #expect(json["fell_back"] as? Bool == true)
        }
    }

    @Test("analyze records compliance once per content; --text analyses a file outside the workspace")
    func analyze() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let r = try sb.pactoria(["analyze", Self.care, "--json"], in: "demo", env: Self.env())
            #expect(r.exitCode == 0, "\(r)")
            let json = try E2E.parseJSON(r)
            #expect(json["recorded"] as? Bool == true)
            #expect(json["unchanged"] as? Bool == false)
            let analysis = json["analysis"] as? [String: Any] ?? [:]
            #expect(analysis["compliance_level"] as? String != nil)
            #expect((analysis["risk_score"] as? Int).map { (1...10).contains($0) } == true)
            let yaml = try sb.read("demo/" + LC.yaml(Self.care))
            #expect(yaml.contains("\ncompliance:\n  analyzer: pactoria-local-analyzer\n"))
            let head = try LC.head(sb)
            let again = try sb.pactoria(["analyze", Self.care], in: "demo", env: Self.env())
            #expect(again.stdout.contains("unchanged"))
            #expect(try LC.head(sb) == head)
            // The same shape when nothing changed: every key there, the analysis null.
            let unchanged = try E2E.parseJSON(
                try sb.pactoria(["analyze", Self.care, "--json"], in: "demo", env: Self.env()))
            #expect(Set(unchanged.keys) == Set(json.keys))
            #expect(unchanged["unchanged"] as? Bool == true)
            #expect(unchanged["recorded"] as? Bool == false)
            #expect(unchanged["analysis"] is NSNull)
            #expect(unchanged["content_sha256"] as? String == analysis["content_sha256"] as? String)
            try sb.write("# Terms\n\nWe sell bread. That is all.\n", to: "terms.md")
            let text = try sb.pactoria(
                ["analyze", "--text", sb.path("terms.md"), "--type", "terms_and_conditions", "--json"], in: "demo",
                env: Self.env())
            #expect(text.exitCode == 0, "\(text)")
            let t = try E2E.parseJSON(text)
            #expect(t["compliant"] as? Bool == false)
            #expect(((t["gaps"] as? [Any])?.count ?? 0) > 0)
        }
    }

    @Test("recommend and templates")
    func recommendAndTemplates() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let r = try sb.pactoria(
                ["recommend", "We need an NDA before we share our product roadmap", "--json"], in: "demo",
                env: Self.env())
            #expect(r.exitCode == 0, "\(r)")
            let list = try E2E.parseJSON(r, as: [[String: Any]].self)
            #expect((list.first?["contract_type"] as? String) == "nda")
            let t = try sb.pactoria(["templates", "list", "--json"], in: "demo", env: Self.env())
            #expect(try E2E.parseJSON(t, as: [[String: Any]].self).count >= 20)
            let missing = try sb.pactoria(["templates", "show", "template-nope-999"], in: "demo", env: Self.env())
            #expect(missing.exitCode == 1)
        }
    }
}
